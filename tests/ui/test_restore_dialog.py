"""File › Restore from a backup…: the dialog lists what `interviewer backups` lists, a choice
is confirmed, and the app closes its windows and the database, restores under its own writer
lock and reopens the file showing exactly the backup."""

import sqlite3
import subprocess
import sys

from PySide6.QtWidgets import QMessageBox

from interviewer.demo import generate_demo
from interviewer.storage.backup import (
    keep_backup,
    kept_backups,
    list_backups,
    make_rolling_backup,
    rolling_backups,
)
from interviewer.storage.file_lock import try_writer_lock
from interviewer.ui.app import App, open_for_app
from interviewer.ui.commands import all_commands, main_menus
from interviewer.ui.restore_dialog import RestoreDialog
from tests.helpers import database_content
from tests.storage.test_database import damage, make_demo_file


def add_interviews(path, count, seed):
    from interviewer.storage.database import open_database

    database = open_database(path, backup=False)
    generate_demo(database, interviews=count, seed=seed)
    database.close()


def test_the_dialog_lists_the_backups_newest_first(qtbot, tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite", interviews=4)
    make_rolling_backup(path)
    add_interviews(path, 2, seed=11)
    keep_backup(path, "merge")
    dialog = RestoreDialog(path)
    qtbot.addWidget(dialog)
    entries = list_backups(path)
    assert dialog.table.rowCount() == len(entries) == 2
    for row, entry in enumerate(entries):
        cells = [dialog.table.item(row, column).text() for column in range(4)]
        assert cells == [
            entry.when_text(),
            entry.reason_text(),
            entry.size_text(),
            entry.interviews_text(),
        ]
    assert dialog.table.item(0, 1).text() == "before merge"
    assert dialog.selected() == entries[0]  # the newest is chosen to start with
    assert dialog.restore_button.isEnabled()
    assert not dialog.empty.isVisible()


def test_a_choice_is_confirmed_before_it_counts(qtbot, tmp_path, monkeypatch):
    path = make_demo_file(tmp_path / "study.sqlite", interviews=3)
    make_rolling_backup(path)
    asked = []

    def answer(reply):
        def question(_parent, _title, text, *_args):
            asked.append(text)
            return reply

        return question

    dialog = RestoreDialog(path)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    dialog.restore_button.click()
    assert dialog.chosen is None  # cancelled: nothing chosen
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    dialog.restore_button.click()
    [entry] = list_backups(path)
    assert dialog.chosen == entry.path
    assert "3 interviews" in asked[-1] and "kept as a backup first" in asked[-1]


def test_a_database_without_backups_says_so(qtbot, tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite", interviews=1)
    dialog = RestoreDialog(path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.rowCount() == 0
    assert dialog.empty.isVisible()
    assert not dialog.restore_button.isEnabled()


def test_the_file_menu_has_the_command_and_f1_lists_it():
    commands = {c.name: c for c in all_commands(main_menus())}
    assert commands["restore"].text == "&Restore from a backup…"
    assert commands["restore"].keys == ("Ctrl+Shift+R",)
    [(file_menu, items)] = [menu for menu in main_menus() if menu[0] == "&File"]
    assert commands["restore"] in items


class Said:
    def __init__(self, monkeypatch):
        self.messages = []
        for kind in ("information", "warning"):
            monkeypatch.setattr(QMessageBox, kind, self._record(kind))

    def _record(self, kind):
        def record(_parent, _title, text, *_args):
            self.messages.append((kind, text))
            return QMessageBox.StandardButton.Ok

        return record


def start_app(qapp, path):
    database, lock = open_for_app(path)
    app = App(qapp, database, lock)
    app.show()
    app.start_session_backup()
    return app


def close_app(app):
    app.main_window.close()
    app.finish_session_backup()
    app.database.close()
    app.lock.release()


def test_the_app_restores_under_its_own_lock_and_shows_the_backup(qapp, tmp_path, monkeypatch):
    path = make_demo_file(tmp_path / "study.sqlite", interviews=5)
    backup = make_rolling_backup(path)
    expected = database_content(backup)
    said = Said(monkeypatch)
    app = start_app(qapp, path)
    try:
        add_interviews(path, 3, seed=12)  # edits after the backup
        app.main_window.refresh_from_file()
        interview = app.main_window.model.summary(0).id
        app.main_window.open_interview(interview)
        old_window = app.main_window
        assert app.restore_from(backup)
        assert app.main_window is not old_window
        assert app.main_window.windows == {}  # the interview windows were closed
        assert app.main_window.model.rowCount() == 5
        assert database_content(path) == expected
        assert try_writer_lock(path) is None  # the app still holds the file
        [(kind, text)] = said.messages
        assert kind == "information" and "restored from" in text
        [kept] = kept_backups(path)
        assert kept.name.endswith("-before-restore.sqlite")
    finally:
        close_app(app)


def test_a_bad_backup_is_refused_in_the_app_and_nothing_is_closed(qapp, tmp_path, monkeypatch):
    path = make_demo_file(tmp_path / "study.sqlite", interviews=4)
    backup = tmp_path / "bad.sqlite"
    backup.write_bytes(path.read_bytes())
    damage(backup)
    before = database_content(path)
    said = Said(monkeypatch)
    app = start_app(qapp, path)
    try:
        window = app.main_window
        assert not app.restore_from(backup)
        assert app.main_window is window and window.isVisible()
        [(kind, text)] = said.messages
        assert kind == "warning" and "cannot be restored" in text
        assert database_content(path) == before
        assert kept_backups(path) == []
    finally:
        close_app(app)


def test_a_read_only_copy_cannot_restore(qapp, tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite", interviews=2)
    lock = try_writer_lock(path)  # another copy of the app writes the file
    try:
        database, none = open_for_app(path)
        app = App(qapp, database, none)
        window = app.show()
        assert not window.restore_action.isEnabled()
        window.close()
        database.close()
    finally:
        lock.release()


def test_a_restore_refused_after_closing_reopens_the_file_as_it_was(qapp, tmp_path, monkeypatch):
    path = make_demo_file(tmp_path / "study.sqlite", interviews=3)
    backup = make_rolling_backup(path)
    add_interviews(path, 2, seed=13)
    before = database_content(path)
    said = Said(monkeypatch)
    app = start_app(qapp, path)
    other = sqlite3.connect(path)  # another program has the file open
    other.execute("SELECT count(*) FROM interview").fetchone()
    try:
        assert not app.restore_from(backup)
        [(kind, text)] = said.messages
        assert kind == "warning" and "another copy of Interviewer" in text
        assert app.main_window is not None and app.main_window.model.rowCount() == 5
        other.close()
        assert database_content(path) == before
    finally:
        other.close()
        close_app(app)


APP_SESSION = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from interviewer.ui.app import run_app
from interviewer.ui.main_window import MainWindow

qt = QApplication([])

def act():
    [window] = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    if sys.argv[2] == "write":
        window.table.selectRow(0)
        window.duplicate_selected()  # the session's first write
    QTimer.singleShot(0, qt.quit)

QTimer.singleShot(0, act)
sys.exit(run_app(Path(sys.argv[1])))
"""


def app_session(path, what):
    done = subprocess.run(
        [sys.executable, "-c", APP_SESSION, str(path), what],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_opening_the_app_and_looking_leaves_the_backups_as_they_were(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite", interviews=3)
    make_rolling_backup(path)
    before = rolling_backups(path)
    for _ in range(6):  # more than the rotation holds
        app_session(path, "look")
    assert rolling_backups(path) == before
    content = database_content(path)
    app_session(path, "write")
    [*_, newest] = rolling_backups(path)
    assert newest not in before
    assert database_content(newest) == content  # the state before the session's first write
    assert database_content(path) != content
