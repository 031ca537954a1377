"""On a 1366×768 screen, at the smallest and largest text size and in both languages, every
window opens within the screen, every widget lies inside its window, no label is cut, and the
main table's role column shows the whole role."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.demo import generate_demo
from interviewer.storage.database import open_database
from interviewer.ui.settings import FONT_SIZES

DRIVER = Path(__file__).with_name("fits_driver.py")
ROOT = Path(__file__).parent.parent.parent
SCREEN = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def study_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fits")
    path = folder / "study.sqlite"
    database = open_database(path)
    generate_demo(database, interviews=40, seed=8)
    database.close()
    return path, laptop_screen(folder)


def laptop_screen(folder: Path) -> Path:
    """A config file for Qt's offscreen platform: one 1366×768 screen."""
    config = folder / "screen.json"
    screen = {"name": "laptop", "x": 0, "y": 0, "logicalDpi": 96, "dpr": 1, **SCREEN}
    config.write_text(json.dumps({"screens": [screen]}))
    return config


def run_fits_driver(driver: Path, language: str, size: int, db: Path, config: Path) -> list:
    """Runs a fits driver in its own process; returns its output lines (it ran whole)."""
    result = subprocess.run(
        [sys.executable, str(driver), language, str(size), str(db), str(config)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("checked") for line in lines), result.stderr
    return lines


def problems_in(lines: list[str]) -> list[str]:
    return [line.removeprefix("problem ") for line in lines if line.startswith("problem")]


@pytest.mark.parametrize("language", ["en", "da"])
@pytest.mark.parametrize("size", [min(FONT_SIZES), max(FONT_SIZES)])
def test_every_window_fits_a_1366_by_768_screen(study_file, language, size):
    path, config = study_file
    problems = problems_in(run_fits_driver(DRIVER, language, size, path, config))
    assert not problems, "\n".join(problems)
