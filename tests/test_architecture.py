"""The shape of the house: Qt only under interviewer.ui, ruff clean, resources packaged."""

import pkgutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import interviewer

ROOT = Path(__file__).parent.parent


def test_qt_is_imported_only_under_interviewer_ui():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_contract_covers_every_module_outside_the_ui():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    [contract] = config["tool"]["importlinter"]["contracts"]
    covered = set(contract["source_modules"])
    modules = {f"interviewer.{m.name}" for m in pkgutil.iter_modules(interviewer.__path__)}
    outside_ui = modules - {"interviewer.ui", "interviewer.__main__", "interviewer.resources"}
    assert outside_ui <= covered, f"add to the contract: {sorted(outside_ui - covered)}"


def test_ruff_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_installed_wheel_carries_the_data_files(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    [wheel] = tmp_path.glob("interviewer-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "interviewer/resources/guides/default.toml",
        "interviewer/resources/codebooks/default.toml",
        "interviewer/resources/i18n/da.toml",
        "interviewer/resources/municipalities.txt",
        "interviewer/storage/migrations/env.py",
        "interviewer/storage/migrations/script.py.mako",
        "interviewer/storage/migrations/versions/0001_initial_schema.py",
    ):
        assert needed in names
