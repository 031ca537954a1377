"""On a 1366×768 screen, at the smallest and largest text size and in both languages, every
dialog (new interview, settings, export, send, merge, conflicts, the quote box on every step)
opens within the screen, every widget lies inside it, and no label or placeholder is cut."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.ui.settings import FONT_SIZES
from tests.ui.test_fits_the_screen import ROOT, study_file  # noqa: F401 - a fixture

DRIVER = Path(__file__).with_name("dialogs_fit_driver.py")


@pytest.mark.parametrize("language", ["en", "da"])
@pytest.mark.parametrize("size", [min(FONT_SIZES), max(FONT_SIZES)])
def test_every_dialog_fits_a_1366_by_768_screen(study_file, language, size):  # noqa: F811
    path, config = study_file
    result = subprocess.run(
        [sys.executable, str(DRIVER), language, str(size), str(path), str(config)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("checked") for line in lines), result.stderr
    problems = [line.removeprefix("problem ") for line in lines if line.startswith("problem")]
    assert not problems, "\n".join(problems)
