"""One file, one writer: a second copy of the app on a file open elsewhere only shows it, and a
copy killed hard never keeps the next one from writing."""

import os
import signal
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QWidget

from interviewer import interviews as svc
from interviewer.demo import generate_demo
from interviewer.storage.database import open_database
from interviewer.storage.file_lock import try_writer_lock
from interviewer.ui import read_only
from interviewer.ui.app import App, open_for_app
from interviewer.ui.interview_window import InterviewWindow
from interviewer.ui.main_window import MainWindow
from interviewer.ui.read_only import is_locked
from interviewer.ui.settings import Preferences
from interviewer.ui.style import COLOURS, apply_style

DRIVER = Path(__file__).with_name("second_copy_driver.py")
ROOT = Path(__file__).parent.parent.parent


def content(path: Path) -> list[str]:
    """Every row of the file, as SQL: equal lists mean nothing in the file changed."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def start(mode: str, path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(DRIVER), mode, str(path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_ready(process: subprocess.Popen) -> str:
    for line in process.stdout:
        if line.startswith("ready"):
            return line.strip()
    raise AssertionError(f"the first copy never got ready: {process.stderr.read()}")


@pytest.fixture
def study_file(tmp_path):
    path = tmp_path / "study.sqlite"
    database = open_database(path)
    generate_demo(database, interviews=3, seed=5)
    database.close()
    return path


def test_a_second_copy_on_an_open_file_shows_it_read_only_and_changes_nothing(study_file):
    first = start("first", study_file)
    try:
        assert wait_for_ready(first) == "ready read_only=False"
        before = content(study_file)
        second = start("second", study_file)
        output, errors = second.communicate(timeout=180)
        assert second.returncode == 0, errors
        after = content(study_file)
    finally:
        first.kill()
        first.wait(timeout=30)
    lines = output.splitlines()
    assert "read_only=True" in lines
    titles = [line.removeprefix("title ") for line in lines if line.startswith("title ")]
    assert len(titles) == 2
    assert all(title.endswith("(read-only)") for title in titles), titles
    assert any("Read-only" in line for line in lines if line.startswith("status"))
    tried = next(line for line in lines if line.startswith("tried"))
    assert int(tried.split()[1]) > 20, "the second copy tried the fields of every step"
    # the first copy's open interview is its own: no "closed during an interview" question
    assert not [line for line in lines if line.startswith("offered")]
    dialogs = {line.split()[1] for line in lines if line.startswith("dialog")}
    assert dialogs <= {"ExportDialog", "HelpOverlay"}, "only reading dialogs opened"
    assert after == before, "the read-only copy changed the file"


def test_a_copy_killed_hard_leaves_no_lock_behind(study_file):
    first = start("first", study_file)
    try:
        assert wait_for_ready(first) == "ready read_only=False"
        assert try_writer_lock(study_file) is None  # held while the first copy runs
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == -signal.SIGKILL

    database, lock = open_for_app(study_file)  # the next start
    try:
        assert lock is not None and not database.read_only
        with database.session() as session:
            interview = svc.create_interview(
                session=session,
                study=svc.current_study(session=session),
                respondent_role="Skolechef",
                service_area="education",
                municipality="Viborg",
                interview_date=date(2026, 3, 4),
            )
    finally:
        database.close()
        lock.release()
    database = open_database(study_file)
    with database.session() as session:
        assert svc.get_interview(session=session, interview_id=interview.id) is not None
    database.close()


@pytest.fixture
def read_only_copy(study_file):
    """The file open for writing (the lock held, as the first copy holds it) and a second,
    read-only database on it, as the second copy opens it."""
    held = try_writer_lock(study_file)
    writer = open_database(study_file)
    reader, lock = open_for_app(study_file)
    assert lock is None and reader.read_only
    yield writer, reader
    reader.close()
    writer.close()
    held.release()


def test_every_editor_of_every_step_is_locked_in_a_read_only_copy(qtbot, qapp, read_only_copy):
    writer, reader = read_only_copy
    apply_style(qapp, Preferences().font_size)  # drawn as the app draws it
    main = MainWindow(reader)
    qtbot.addWidget(main)
    for action in (
        main.new_action,
        main.duplicate_action,
        main.delete_action,
        main.merge_action,
        main.conflicts_action,
        main.send_action,
    ):
        assert not action.isEnabled(), action.text()
    for action in (main.export_action, main.help_action, main.find_action, main.open_action):
        assert action.isEnabled(), action.text()
    window = main.open_interview(main.model.summary(0).id)
    qtbot.waitExposed(window)
    for step in range(len(window.pages)):
        window.go_to_step(step)
        window.current_page().refresh()  # a page re-enabling its editors stays locked
        unlocked = [
            f"{type(w).__name__} {w.accessibleName() or w.objectName()}"
            for w in window.findChildren(QWidget)
            if not is_locked(w)
        ]
        assert not unlocked, f"step {step}: {unlocked}"
    assert window.export_button.isEnabled() and window.panel_button.isEnabled()
    # a disabled accent button is drawn as disabled, not as the blue "go" button
    window.go_to_step(len(window.pages) - 1)
    review = window.current_page()
    button = review.complete_button if review.complete_button.isVisible() else review.draft_button
    assert not button.isEnabled()
    image = button.grab().toImage()
    middle = image.pixelColor(4, image.height() // 2)
    accent = QColor(COLOURS["accent"])
    assert abs(middle.blue() - accent.blue()) + abs(middle.red() - accent.red()) > 60, (
        f"{button.text()} is drawn in the accent colour though disabled"
    )
    assert window.saved_mark.text() == "Read-only"
    assert not window.actions_by_name["quote"].isEnabled()
    assert window.context.save(lambda: 1 / 0) is None  # refused before it runs
    window.close()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert read_only._guard is None, "no app-wide filter outlives the locked windows"


def test_a_read_only_copy_shows_the_other_copys_changes(qtbot, read_only_copy):
    writer, reader = read_only_copy
    main = MainWindow(reader)
    qtbot.addWidget(main)
    interview_id = main.model.summary(0).id
    window = main.open_interview(interview_id)
    window.go_to_step(1)
    rows = main.model.rowCount()
    with writer.session() as session:
        svc.create_interview(
            session=session,
            study=svc.current_study(session=session),
            respondent_role="Socialchef",
            service_area="social_psychiatric",
            municipality="Odense",
            interview_date=date(2026, 2, 2),
        )
        question = window.current_page().question.key
        svc.set_notes(
            session=session, interview_id=interview_id, question_key=question, notes="Ny note"
        )
    qtbot.waitUntil(lambda: main.model.rowCount() == rows + 1)
    qtbot.waitUntil(lambda: window.side_panel.notes.toPlainText() == "Ny note")
    window.close()


def test_the_read_only_copy_offers_no_recovery_of_the_other_copys_interviews(
    qapp, read_only_copy, monkeypatch
):
    from interviewer.ui import settings

    writer, reader = read_only_copy
    with writer.session() as session:
        from interviewer.listing import list_interviews

        open_id = list_interviews(session=session)[0].id
    settings.set_open_interviews(writer.path, [open_id])  # the first copy has it open
    asked = []
    monkeypatch.setattr("interviewer.ui.app.QMessageBox.question", lambda *a: asked.append(a))
    app = App(qapp, reader)
    app.show()
    assert app.offer_recovery() == []
    assert not asked
    assert settings.open_interviews(writer.path) == [open_id], "the first copy's list stays"
    app.main_window.close()


def test_interview_window_title_says_read_only_in_danish(qtbot, read_only_copy):
    from interviewer.i18n import set_language

    writer, reader = read_only_copy
    set_language("da")
    main = MainWindow(reader)
    qtbot.addWidget(main)
    window = main.open_interview(main.model.summary(0).id)
    assert main.windowTitle().endswith("(skrivebeskyttet)")
    assert window.windowTitle().endswith("(skrivebeskyttet)")
    window.close()


def test_interview_windows_of_the_writer_are_not_locked(qtbot, study_file):
    database, lock = open_for_app(study_file)
    try:
        main = MainWindow(database)
        qtbot.addWidget(main)
        window: InterviewWindow = main.open_interview(main.model.summary(0).id)
        window.go_to_step(0)
        assert not window.current_page().first_field().property("lockedReadOnly")
        assert not window.context.read_only
        window.close()
    finally:
        database.close()
        lock.release()
