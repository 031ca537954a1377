"""Qt objects go when their use ends: no dialog is left under a window after its flow, a
finished background task is dropped with its progress dialog, and shut_down stops and joins
running work and deletes the windows. What was left behind crashed the app on exit."""

import gc
import logging
import threading

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from shiboken6 import isValid, ownedByPython

from interviewer.storage.database import open_database
from interviewer.ui.background import RUNNING, run_in_background
from interviewer.ui.lifetime import shut_down
from interviewer.ui.main_window import MainWindow
from tests.exchange.conflict_data import central_with_a_conflict
from tests.exchange.exit_driver import Script


def deleted_later_ones_gone() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def owned_twice_under(window: QWidget) -> list[str]:
    """Objects under ``window`` that Python owns while their Qt parent holds them too."""
    gc.collect()
    found = []
    for thing in gc.get_objects():
        if not (isinstance(thing, QObject) and isValid(thing) and ownedByPython(thing)):
            continue
        parent = thing.parent()
        while parent is not None and parent is not window:
            parent = parent.parent()
        if parent is window:
            found.append(type(thing).__name__)
    return found


def test_export_send_conflicts_and_merge_leave_nothing_under_the_window(
    qtbot, tmp_path, study_file
):
    central, bundles = central_with_a_conflict(tmp_path, study_file)
    database = open_database(central, backup=False)
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.show()
    script = Script("export+send+exchange", tmp_path / "out", bundles)
    qtbot.waitUntil(lambda: not script.steps, timeout=120_000)
    qtbot.waitUntil(lambda: not RUNNING, timeout=60_000)  # the export may still be running
    deleted_later_ones_gone()
    assert (tmp_path / "out.xlsx").exists() and (tmp_path / "out.bundle").exists()
    assert window.findChildren(QDialog) == []
    assert owned_twice_under(window) == []
    window.close()
    database.close()


def test_a_finished_task_is_dropped_with_its_progress_dialog(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    results = []
    task = run_in_background(
        window, "Counting", lambda progress: 42, done=results.append, failed=print
    )
    qtbot.waitUntil(lambda: results == [42])
    qtbot.waitUntil(lambda: task not in RUNNING)
    deleted_later_ones_gone()
    assert not isValid(task.dialog)
    assert window.findChildren(QDialog) == []


def test_an_unexpected_error_says_its_kind_and_logs_no_content(qtbot, caplog):
    window = QWidget()
    qtbot.addWidget(window)
    messages = []

    def work(progress):
        raise ValueError("Åse said the budget is 1.250 kr")

    with caplog.at_level(logging.ERROR):
        run_in_background(window, "Failing", work, done=print, failed=messages.append)
        qtbot.waitUntil(lambda: bool(messages))
    assert "ValueError" in messages[0] and "budget" not in messages[0]
    assert "ValueError" in caplog.text and "budget" not in caplog.text


def test_shut_down_stops_and_joins_running_work_and_deletes_the_windows(qtbot):
    window = QWidget()
    window.show()
    started, stopped = threading.Event(), threading.Event()

    def work(progress):
        started.set()
        try:
            while True:
                progress(0, 1)
                threading.Event().wait(0.01)
        finally:
            stopped.set()

    task = run_in_background(window, "Forever", work, done=print, failed=print)
    assert started.wait(30)
    shut_down()
    assert stopped.is_set() and task.worker.isFinished()
    assert not RUNNING
    assert not isValid(window)


def close_the_dialog_when_it_comes() -> None:
    def close():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, close)
        else:
            dialog.reject()  # as Esc does

    QTimer.singleShot(20, close)


def test_the_windows_own_dialogs_leave_nothing_behind(qtbot, tmp_path):
    from datetime import date

    from interviewer import interviews as svc

    database = open_database(tmp_path / "study.sqlite")
    with database.session() as session:
        interview = svc.create_interview(
            session=session,
            study=svc.current_study(session=session),
            respondent_role="Head of Family Services",
            service_area="employment",
            municipality="Vejle",
            interview_date=date(2026, 3, 5),
        )
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.show()
    for action in (window.help_action, window.new_action, window.settings_action):
        close_the_dialog_when_it_comes()
        action.trigger()
        deleted_later_ones_gone()
        assert window.findChildren(QDialog) == [], action.text()
    interview_window = window.open_interview(interview.id)
    for opens in (interview_window.show_help, interview_window.open_quote_box):
        close_the_dialog_when_it_comes()
        opens()
        deleted_later_ones_gone()
        assert interview_window.findChildren(QDialog) == [], opens.__name__
    interview_window.close()
    window.close()
    database.close()
