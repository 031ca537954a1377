"""The desktop app: refuses bad files with a clear dialog, and lists the database's interviews."""

import os
import subprocess
import sys
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from interviewer.demo import generate_demo
from interviewer.storage.database import open_database
from interviewer.storage.health import check_database
from interviewer.ui.app import run_app
from interviewer.ui.interview_table import InterviewFilterModel, InterviewTableModel
from interviewer.ui.main_window import MainWindow
from tests.helpers import file_digest
from tests.storage.test_database import damage, newer_schema, not_a_database


def close_next_dialog(seen: list[str]) -> None:
    """Reads and closes the next modal dialog, as a person pressing OK would."""

    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QMessageBox):
            seen.append(dialog.text())
            dialog.accept()
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (damage, "damaged"),
        (not_a_database, "not an Interviewer database"),
        (newer_schema, "newer version of Interviewer"),
    ],
)
def test_the_app_refuses_a_bad_file_with_a_message_and_exit_code_1(qapp, tmp_path, spoil, message):
    path = tmp_path / "study.sqlite"
    if spoil is not not_a_database:
        database = open_database(path)
        generate_demo(database, interviews=30, seed=3)
        database.close()
    spoil(path)
    before = file_digest(path)
    seen: list[str] = []
    close_next_dialog(seen)
    assert run_app(path) == 1
    assert len(seen) == 1
    assert message in seen[0]
    assert "The file has not been changed." in seen[0]
    assert file_digest(path) == before


@pytest.fixture
def demo_database(tmp_path):
    database = open_database(tmp_path / "study.sqlite")
    generate_demo(database, interviews=200, seed=11)
    yield database
    database.close()


def test_the_main_window_lists_the_interviews_and_the_filter_narrows_them(qtbot, demo_database):
    window = MainWindow(demo_database)
    qtbot.addWidget(window)
    assert window.proxy.rowCount() == 200
    first = window.model.summary(0)
    qtbot.keyClicks(window.filter_box, first.municipality)
    assert 0 < window.proxy.rowCount() < 200
    assert all(
        first.municipality.lower()
        in " ".join(window.proxy.index(row, column).data().lower() for column in range(7))
        for row in range(window.proxy.rowCount())
    )
    assert str(demo_database.path) in window.db_label.text()


def test_the_table_model_shows_one_row_per_summary_without_a_view(demo_database):
    from interviewer.listing import list_interviews

    with demo_database.session() as session:
        rows = list_interviews(session=session)
    model = InterviewTableModel(rows)
    proxy = InterviewFilterModel()
    proxy.setSourceModel(model)
    assert (model.rowCount(), model.columnCount()) == (200, 7)
    assert model.index(0, 0).data() == rows[0].respondent_role
    assert model.headerData(3, Qt.Orientation.Horizontal) == "Date"
    proxy.set_filter_text("zzz-no-such-text")
    assert proxy.rowCount() == 0


def test_the_app_starts_on_a_new_database_in_the_user_data_folder(isolated_user_folders):
    """`interviewer` with no arguments, as the README's run command starts it."""

    default = isolated_user_folders / "xdg_data_home" / "Interviewer" / "interviews.sqlite"
    app = subprocess.Popen(
        [sys.executable, "-m", "interviewer"],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not default.exists() and app.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)
        assert app.poll() is None, app.stdout.read().decode()  # still running: the window is up
    finally:
        app.terminate()
        app.wait(timeout=30)
    assert default.exists()
    assert check_database(default).healthy


def test_delete_is_undoable_and_duplicate_makes_a_blank_copy(qtbot, demo_database):
    from tests.ui.keyboard import press, shortcut

    window = MainWindow(demo_database)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    window.table.setFocus()
    window.table.selectRow(0)
    chosen = window.selected_id()
    press(Qt.Key.Key_Delete)
    assert window.proxy.rowCount() == 199
    assert chosen not in {window.model.summary(r).id for r in range(window.model.rowCount())}
    assert "Ctrl+Z" in window.statusBar().currentMessage()
    shortcut("Ctrl+Z")
    assert window.proxy.rowCount() == 200
    assert window.selected_id() == chosen

    shortcut("Ctrl+D")
    assert window.proxy.rowCount() == 201
    [copy] = window.windows.values()
    original = window.session.get(type(copy.context.interview), chosen)
    interview = copy.context.interview
    assert interview.id != chosen
    assert (interview.respondent_role, interview.service_area, interview.municipality) == (
        original.respondent_role,
        original.service_area,
        original.municipality,
    )
    assert interview.respondent_name is None and not interview.consent_given
    assert interview.status == "draft"
    copy.close()


def test_switching_to_danish_rebuilds_the_windows_in_danish(qapp, demo_database):
    from interviewer.ui.app import App
    from interviewer.ui.settings import Preferences

    app = App(qapp, demo_database)
    first = app.show()
    assert first.new_action.iconText() == "New interview"
    interview_id = first.model.summary(0).id
    first.open_interview(interview_id)
    Preferences().language = "da"
    Preferences().font_size = 14
    first.settings_changed.emit()
    second = app.main_window
    assert second is not first
    assert second.new_action.iconText() == "Nyt interview"
    assert second.model.headerData(2, Qt.Orientation.Horizontal) == "Kommune"
    assert list(second.windows) == [interview_id]  # the open interview came back
    assert second.windows[interview_id].rail.item(5).text().endswith("Gennemgang")
    assert qapp.font().pointSize() == 14
    second.close()
