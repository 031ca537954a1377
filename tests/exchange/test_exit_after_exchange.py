"""No crash on exit: the app opened on a central database, Conflicts opened and closed, bundles
merged through the Merge action, the main window closed: the process ends with 0, each time.

Each run is a real app process (exit_driver.py) with its own user folders.
"""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from interviewer.exchange.bundle import write_bundle
from interviewer.exchange.merge import merge_bundles
from interviewer.files import partial_path
from tests.exchange.conftest import field_database
from tests.exchange.test_merge import edit_role, first_interview

DRIVER = Path(__file__).with_name("exit_driver.py")
ROOT = Path(__file__).parent.parent.parent
RUNS = 5


@pytest.fixture
def central_with_a_conflict(tmp_path, study_file):
    """A central database holding one open conflict, and two bundles not merged yet."""
    mette = field_database(tmp_path, study_file, "mette", seed=1)
    jonas = field_database(tmp_path, study_file, "jonas", seed=2, interviews=30)
    copy = tmp_path / "copy.sqlite"
    shutil.copy(mette, copy)
    interview_id = first_interview(mette)
    edit_role(mette, interview_id, "Office version")
    edit_role(copy, interview_id, "Train version")
    for source, name in ((mette, "office"), (copy, "train")):
        write_bundle(source, tmp_path / f"{name}.bundle")
    central = tmp_path / "central.sqlite"
    merge_bundles(central, [tmp_path / "office.bundle", tmp_path / "train.bundle"])
    write_bundle(jonas, tmp_path / "jonas.bundle", interviewer="Jonas")
    write_bundle(mette, tmp_path / "again.bundle", interviewer="Mette")
    return central, [tmp_path / "jonas.bundle", tmp_path / "again.bundle"]


def run_driver(tmp_path: Path, run: int, mode: str, central: Path, bundles) -> tuple:
    """One app process in ``mode`` (see exit_driver.py) on a fresh copy of ``central``;
    returns the finished process and the path of the file it exported to."""
    home = tmp_path / f"home-{run}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    for variable in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[variable] = str(home / variable.lower())
    database = tmp_path / f"central-{run}.sqlite"
    shutil.copy(central, database)
    export_to = tmp_path / f"export-{run}.xlsx"
    app = subprocess.run(
        [sys.executable, str(DRIVER), mode, str(database), str(export_to), *map(str, bundles)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return app, export_to


def assert_clean_exit(app) -> None:
    assert "Fatal Python error" not in app.stderr, app.stderr[-3000:]
    assert app.returncode == 0, (app.returncode, app.stdout[-2000:], app.stderr[-3000:])
    assert "exited 0 steps left 0" in app.stdout, app.stdout


def test_conflicts_then_merge_then_close_exits_cleanly_every_time(
    tmp_path, central_with_a_conflict
):
    central, bundles = central_with_a_conflict
    for run in range(RUNS):
        app, _ = run_driver(tmp_path, run, "exchange", central, bundles)
        assert_clean_exit(app)
        assert "step answer_report" in app.stdout  # the merge really ran and finished


def test_the_same_with_an_export_in_the_background_exits_cleanly(tmp_path, central_with_a_conflict):
    central, bundles = central_with_a_conflict
    for run in range(RUNS):
        app, _ = run_driver(tmp_path, run, "export-exchange", central, bundles)
        assert_clean_exit(app)
        assert "step answer_export_file" in app.stdout and "step answer_report" in app.stdout


def test_closing_while_an_export_runs_exits_cleanly_and_leaves_no_half_file(
    tmp_path, central_with_a_conflict
):
    central, bundles = central_with_a_conflict
    for run in range(RUNS):
        app, export_to = run_driver(tmp_path, run, "export-close", central, bundles)
        assert_clean_exit(app)
        if export_to.exists():  # finished before the window closed: then it is whole
            assert zipfile.ZipFile(export_to).testzip() is None
        assert not partial_path(export_to).exists(), "no half-written file is left behind"
