"""The main window by keyboard and around exchange: Up/Down in the filter box move the
table's selection and Enter opens; Merge bundles and Conflicts close the open interviews only
when a merge or a settlement really starts, say so, and reopen them where they were; counts
are said in the right form."""

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from interviewer.demo import generate_demo
from interviewer.i18n import set_language, tr_n
from interviewer.storage.database import open_database
from interviewer.ui import exchange_dialogs
from interviewer.ui.main_window import MainWindow


@pytest.fixture
def demo(tmp_path):
    database = open_database(tmp_path / "study.sqlite")
    generate_demo(database, interviews=5, seed=4)
    yield database
    database.close()


@pytest.fixture
def main(qtbot, demo):
    window = MainWindow(demo)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def selected_row(main) -> int | None:
    rows = main.table.selectionModel().selectedRows()
    return rows[0].row() if rows else None


def test_up_and_down_in_the_filter_move_the_selection_and_enter_opens_it(qtbot, main):
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)
    main.focus_filter()
    main.table.clearSelection()
    qtbot.keyClick(main.filter_box, Qt.Key.Key_Down)
    assert selected_row(main) == 0 and main.filter_box.hasFocus()
    qtbot.keyClick(main.filter_box, Qt.Key.Key_Down)
    qtbot.keyClick(main.filter_box, Qt.Key.Key_Down)
    qtbot.keyClick(main.filter_box, Qt.Key.Key_Up)
    assert selected_row(main) == 1 and main.filter_box.hasFocus()
    chosen = main.selected_id()
    qtbot.keyClick(main.filter_box, Qt.Key.Key_Return)  # one Enter opens
    assert list(main.windows) == [chosen]


def test_enter_in_the_filter_opens_the_first_when_none_is_selected(qtbot, main):
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)
    main.focus_filter()
    main.table.clearSelection()
    first = main.model.summary(main.proxy.mapToSource(main.proxy.index(0, 0)).row()).id
    qtbot.keyClick(main.filter_box, Qt.Key.Key_Return)
    assert list(main.windows) == [first]


def open_at_step(qtbot, main, step: int):
    window = main.open_interview(main.model.summary(0).id)
    qtbot.waitExposed(window)
    window.go_to_step(step)
    return window


def test_merge_cancelled_at_the_file_dialog_closes_no_interview(qtbot, main, monkeypatch):
    window = open_at_step(qtbot, main, 2)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args, **kw: ([], ""))
    main.merge_bundles()
    assert main.windows and window.isVisible()


def test_a_merge_closes_the_interviews_while_it_runs_and_reopens_them_where_they_were(
    qtbot, main, monkeypatch, tmp_path
):
    window = open_at_step(qtbot, main, 2)
    interview_id = window.context.interview_id
    bundle = tmp_path / "a.bundle"
    bundle.write_text("not read")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(bundle)], ""))
    monkeypatch.setattr(exchange_dialogs.MergeSecretsDialog, "exec", lambda self: 1)
    seen = {}

    def merge_now(parent, database, paths, password, key, when_done, **_):
        seen["open while merging"] = dict(main.windows)
        seen["status"] = main.statusBar().currentMessage()
        when_done(None)

    monkeypatch.setattr(exchange_dialogs, "start_merge", merge_now)
    main.merge_bundles()
    assert seen["open while merging"] == {}
    assert "reopens" in seen["status"]
    again = main.windows[interview_id]
    qtbot.waitExposed(again)
    qtbot.waitUntil(lambda: again._place is None)
    assert again.rail.currentRow() == 2


def test_conflicts_closes_the_interviews_only_when_a_settlement_starts(qtbot, main):
    window = open_at_step(qtbot, main, 3)
    interview_id = window.context.interview_id
    seen = {}

    def look_and_close():
        dialog = QApplication.activeModalWidget()
        seen["open while looking"] = list(main.windows)
        dialog.before_settle()  # a choice is made: the interviews go aside
        seen["open while settling"] = list(main.windows)
        dialog.reject()

    QTimer.singleShot(100, look_and_close)
    main.show_conflicts()
    assert seen == {"open while looking": [interview_id], "open while settling": []}
    again = main.windows[interview_id]
    qtbot.waitExposed(again)
    qtbot.waitUntil(lambda: again._place is None)
    assert again.rail.currentRow() == 3


def test_opening_conflicts_and_closing_it_leaves_the_interviews_open(qtbot, main):
    window = open_at_step(qtbot, main, 1)
    QTimer.singleShot(100, lambda: QApplication.activeModalWidget().reject())
    main.show_conflicts()
    assert main.windows and window.isVisible() and window.rail.currentRow() == 1


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("en", "1 conflict to settle", "2 conflicts to settle"),
        ("da", "1 konflikt at afgøre", "2 konflikter at afgøre"),
    ],
)
def test_counts_take_the_form_of_their_number(language, one, two):
    set_language(language)
    forms = ("{count} conflict to settle", "{count} conflicts to settle")
    assert tr_n(*forms, 1) == one
    assert tr_n(*forms, 2) == two


def test_the_status_bar_says_1_interview(qtbot, tmp_path):
    database = open_database(tmp_path / "one.sqlite")
    generate_demo(database, interviews=1, seed=9)
    window = MainWindow(database)
    qtbot.addWidget(window)
    assert " 1 interview · " in window.db_label.text()
    window.close()
    database.close()
