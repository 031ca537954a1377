"""The app and a file it cannot trust: a foreign schema object refuses the open with a message;
damage that only integrity_check sees, found in the background after open, is said in a
dialog and nothing more is written."""

import sqlite3
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from interviewer.demo import generate_demo
from interviewer.storage.database import open_database
from interviewer.ui.app import run_app
from tests.helpers import database_content, file_digest
from tests.storage.test_schema import missing_index_entry


def demo_file(path):
    database = open_database(path, backup=False)
    generate_demo(database, interviews=5, seed=2)
    database.close()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    return path


def read_dialogs_then_quit(seen: list[str]) -> None:
    """Reads and closes the first modal dialog, as a person pressing OK would, then quits."""

    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QMessageBox):
            seen.append(dialog.text())
            dialog.accept()
            QTimer.singleShot(0, QApplication.quit)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def test_the_app_refuses_a_file_with_a_foreign_trigger(qapp, tmp_path):
    path = demo_file(tmp_path / "study.sqlite")
    connection = sqlite3.connect(path)
    connection.execute("CREATE TRIGGER wipe AFTER UPDATE ON interview BEGIN DELETE FROM quote; END")
    connection.commit()
    connection.close()
    before = file_digest(path)
    seen: list[str] = []
    read_dialogs_then_quit(seen)
    assert run_app(path) == 1
    assert "objects Interviewer does not make (trigger wipe)" in seen[0]
    assert file_digest(path) == before


# run_app's own event loop, once it has quit, leaves Qt closing: later waits in the same
# process return at once, so the app runs in a process of its own
RUN_APP = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from tests.storage.test_health_app import read_dialogs_then_quit
from interviewer.ui.app import run_app
qt_app = QApplication(sys.argv)  # before the timers that read the dialogs
seen = []
read_dialogs_then_quit(seen)
run_app(Path(sys.argv[1]))
print(repr(seen))
"""


def test_damage_found_after_open_is_said_and_nothing_is_written(tmp_path):
    import ast
    import os
    import subprocess
    import sys

    path = demo_file(tmp_path / "study.sqlite")
    missing_index_entry(path)  # quick_check passes: the app opens it
    before = database_content(path)
    result = subprocess.run(
        [sys.executable, "-c", RUN_APP, str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parents[2],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )
    seen = ast.literal_eval(result.stdout.strip().splitlines()[-1])
    assert len(seen) == 1
    assert "damaged" in seen[0] and "nothing more will be written" in seen[0]
    assert database_content(path) == before
