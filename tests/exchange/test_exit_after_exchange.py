"""No crash on exit: the app opened on a central database, Conflicts opened and closed, bundles
merged through the Merge action, the main window closed: the process ends with 0, each time;
also with an export and a bundle written in the background, and when the window closes while
an export runs.

Each run is a real app process (exit_driver.py) with its own user folders. The crash came
and went with memory layout, so each run also checks its cause: no Qt object that Python owns
under a Qt parent is left when the app has returned.
"""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from interviewer.files import partial_path
from tests.exchange.conflict_data import central_with_a_conflict

DRIVER = Path(__file__).with_name("exit_driver.py")
ROOT = Path(__file__).parent.parent.parent
RUNS = 5
RUNS_WITH_EXPORT = 3


@pytest.fixture
def exchange_data(tmp_path, study_file):
    return central_with_a_conflict(tmp_path, study_file)


def run_driver(tmp_path: Path, run: int, parts: str, central: Path, bundles) -> tuple:
    """One app process doing ``parts`` (see exit_driver.py) on a fresh copy of ``central``;
    returns the finished process and the path of the file it exported to."""
    home = tmp_path / f"home-{run}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    for variable in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[variable] = str(home / variable.lower())
    database = tmp_path / f"central-{run}.sqlite"
    shutil.copy(central, database)
    export_to = tmp_path / f"export-{run}.xlsx"
    app = subprocess.run(
        [sys.executable, str(DRIVER), parts, str(database), str(export_to), *map(str, bundles)],
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
    # what crashed: a dialog Python owns under a window still alive when the process ends
    assert "left behind: none" in app.stdout, app.stdout


def test_conflicts_then_merge_then_close_exits_cleanly_every_time(tmp_path, exchange_data):
    central, bundles = exchange_data
    for run in range(RUNS):
        app, _ = run_driver(tmp_path, run, "exchange+close", central, bundles)
        assert_clean_exit(app)
        assert "step answer_report" in app.stdout  # the merge really ran and finished


def test_the_same_with_an_export_in_the_background_exits_cleanly(tmp_path, exchange_data):
    central, bundles = exchange_data
    for run in range(RUNS_WITH_EXPORT):
        app, _ = run_driver(tmp_path, run, "export+send+exchange+close", central, bundles)
        assert_clean_exit(app)
        assert "step answer_export_file" in app.stdout and "step answer_report" in app.stdout


def test_closing_during_an_export_exits_cleanly_and_leaves_no_half_file(tmp_path, exchange_data):
    central, bundles = exchange_data
    for run in range(RUNS_WITH_EXPORT):
        app, export_to = run_driver(tmp_path, run, "export+close", central, bundles)
        assert_clean_exit(app)
        if export_to.exists():  # finished before the window closed: then it is whole
            assert zipfile.ZipFile(export_to).testzip() is None
        assert not partial_path(export_to).exists(), "no half-written file is left behind"


LINGERING_DIALOG = """
import atexit, gc, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid, ownedByPython

def left_behind():  # registered first, so it runs last: after lifetime's clean-up
    gc.collect()
    found = [type(o).__name__ for o in gc.get_objects() if isinstance(o, QObject)
             and isValid(o) and ownedByPython(o) and o.parent() is not None]
    print("left behind:", ", ".join(found) or "none", flush=True)

atexit.register(left_behind)
import interviewer.ui.lifetime  # noqa: the clean-up at exit

class Lingering(QDialog):  # a lambda naming the dialog keeps it alive after use
    def __init__(self, parent):
        super().__init__(parent)
        button = QPushButton("Choose")
        button.clicked.connect(lambda: self.accept())
        QVBoxLayout(self).addWidget(button)

app = QApplication(sys.argv)
window = QWidget()
window.show()
QTimer.singleShot(50, lambda: QApplication.activeModalWidget().reject())
Lingering(window).exec()
sys.exit(0)  # no event loop, no shut_down: a script or driver ending early
"""


def test_a_process_ending_without_shut_down_is_cleaned_up_at_exit(tmp_path):
    """A script or test driver that ends without run_app still leaves nothing owned twice."""
    script = tmp_path / "lingering.py"
    script.write_text(LINGERING_DIALOG)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    app = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120
    )
    assert app.returncode == 0, app.stderr[-3000:]
    assert "left behind: none" in app.stdout, app.stdout
