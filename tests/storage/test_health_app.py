"""The app and a file it cannot trust: a foreign schema object refuses the open with a message;
damage that only integrity_check sees, found in the background after open, is said in a
dialog and nothing more is written."""

import sqlite3

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


def test_damage_found_after_open_is_said_and_nothing_is_written(qapp, tmp_path):
    path = demo_file(tmp_path / "study.sqlite")
    missing_index_entry(path)  # quick_check passes: the app opens it
    before = database_content(path)
    seen: list[str] = []
    read_dialogs_then_quit(seen)
    run_app(path)
    assert len(seen) == 1
    assert "damaged" in seen[0] and "nothing more will be written" in seen[0]
    assert database_content(path) == before
