"""The app after the background integrity_check finds damage: the status bar says the file is
damaged, every action that writes is off (Restore stays: it is the way out), and a write tried
anyway is one plain sentence, never the unexpected-error dialog. And an interview whose stored
records break the record's rules is refused in one sentence when opened."""

import sqlite3
import uuid

from PySide6.QtWidgets import QMessageBox

from interviewer.ui.app import App, open_for_app
from tests.helpers import database_content
from tests.storage.test_health_app import demo_file
from tests.storage.test_schema import missing_index_entry

MARKER = "ZQXMARKER"


class Said:
    """Every message box shown, as (kind, title, text); each answered with OK."""

    def __init__(self, monkeypatch):
        self.messages = []
        for kind in ("information", "warning", "critical"):
            monkeypatch.setattr(QMessageBox, kind, self._record(kind))

    def _record(self, kind):
        def record(_parent, title, text, *_args):
            self.messages.append((kind, title, text))
            return QMessageBox.StandardButton.Ok

        return record


def start(qapp, path):
    database, lock = open_for_app(path)
    app = App(qapp, database, lock)
    app.show()
    return app


def stop(app):
    app.main_window.close()
    app.database.close()
    if app.lock is not None:
        app.lock.release()


def test_damage_found_turns_writing_off_and_the_status_bar_says_so(
    qapp, qtbot, tmp_path, monkeypatch
):
    from interviewer.storage.integrity import start_integrity_check

    path = demo_file(tmp_path / "study.sqlite")
    missing_index_entry(path)  # quick_check passes: the app opens it
    before = database_content(path)
    said = Said(monkeypatch)
    app = start(qapp, path)
    try:
        window = app.main_window
        assert "healthy" in window.db_label.text()
        assert window.new_action.isEnabled()
        app.integrity = start_integrity_check(app.database, app.notices.damage_found.emit)
        qtbot.waitUntil(lambda: window.damage is not None)
        assert "damaged" in window.db_label.text()
        assert "healthy" not in window.db_label.text()
        for name in ("new", "duplicate", "delete", "send", "merge", "conflicts", "senders"):
            assert not getattr(window, f"{name}_action").isEnabled(), name
        assert window.restore_action.isEnabled()  # the way out
        assert [kind for kind, *_ in said.messages] == ["critical"]  # the damage, once
        # a write tried anyway (a shortcut, a script): one plain sentence, nothing written
        for attempt in (window.new_interview, window.send_bundle, window.merge_bundles):
            attempt()
        window.table.selectRow(0)
        window.duplicate_selected()
        window.delete_selected()
        refusals = said.messages[1:]
        assert len(refusals) == 5
        for kind, title, text in refusals:
            assert kind == "warning" and title == "Not saved"
            assert "damaged" in text and "restore" in text
        # the window rebuilt (a change of language or text size) still knows
        app.show()
        assert "damaged" in app.main_window.db_label.text()
        assert not app.main_window.new_action.isEnabled()
    finally:
        stop(app)
    assert database_content(path) == before


def test_an_interview_whose_records_break_the_rules_is_refused_in_one_sentence(
    qapp, tmp_path, monkeypatch
):
    path = demo_file(tmp_path / "study.sqlite")
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA ignore_check_constraints=1")
    (raw,) = connection.execute("SELECT interview_id FROM initiative LIMIT 1").fetchone()
    connection.execute(
        "UPDATE interview SET created_at = '2024-13-45 99:00:00' WHERE id = ?", (raw,)
    )
    connection.execute("UPDATE initiative SET start_date = ? WHERE interview_id = ?", (MARKER, raw))
    connection.commit()
    connection.close()
    said = Said(monkeypatch)
    app = start(qapp, path)
    try:
        assert app.main_window.open_interview(uuid.UUID(raw)) is None
    finally:
        stop(app)
    [(kind, title, text)] = said.messages
    assert kind == "warning" and title == "Cannot open the interview"
    assert str(uuid.UUID(raw)) in text and "interviewer check" in text
    assert MARKER not in text


def test_a_list_with_a_record_that_breaks_the_rules_is_one_sentence_not_a_crash(
    qapp, qtbot, tmp_path, monkeypatch
):
    path = demo_file(tmp_path / "study.sqlite")
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA ignore_check_constraints=1")
    (raw,) = connection.execute("SELECT id FROM interview LIMIT 1").fetchone()
    connection.execute("UPDATE interview SET status = ? WHERE id = ?", (MARKER, raw))
    connection.commit()
    connection.close()
    said = Said(monkeypatch)
    app = start(qapp, path)
    try:
        window = app.main_window
        qtbot.waitUntil(lambda: bool(said.messages))
        window.reload()  # said once, not at every reload
        qtbot.wait(50)
        label = window.db_label.text()
    finally:
        stop(app)
    [(kind, title, text)] = said.messages
    assert kind == "warning" and title == "Cannot show the interviews"
    assert str(uuid.UUID(raw)) in text and "(status)" in text and "interviewer check" in text
    assert MARKER not in text + label
    assert "interviewer check" in label


def test_an_open_interview_saving_after_damage_is_found_says_so_in_its_bar(
    qapp, qtbot, tmp_path, monkeypatch
):
    from interviewer import interviews as svc
    from interviewer.storage.integrity import start_integrity_check

    path = demo_file(tmp_path / "study.sqlite")
    missing_index_entry(path)
    before = database_content(path)
    said = Said(monkeypatch)
    app = start(qapp, path)
    try:
        window = app.main_window
        interview = window.open_interview(window.model.summary(0).id)
        app.integrity = start_integrity_check(app.database, app.notices.damage_found.emit)
        qtbot.waitUntil(lambda: window.damage is not None)
        context = interview.context

        def write():
            with svc.edit(context.session):
                context.interview.location = "Town hall"

        for _ in range(3):  # typing on: each save refused in the bar, no dialog
            assert context.save(write) is None
        assert "damaged" in interview.message.text()
        assert [kind for kind, *_ in said.messages] == ["critical"]  # the damage, once
    finally:
        stop(app)
    assert database_content(path) == before
