"""After a crash the interview reopens where the interviewer was: the step, the selected record
of its list, the field that had the focus, and the cursor at the end of its text."""

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTextEdit,
)

from interviewer.demo import generate_demo
from interviewer.storage.database import open_database
from interviewer.ui.interview_window import InterviewWindow
from interviewer.ui.settings import interview_place


@pytest.fixture
def demo(tmp_path):
    database = open_database(tmp_path / "study.sqlite")
    generate_demo(database, interviews=4, seed=21)
    yield database
    database.close()


def reopen_after_crash(qtbot, database, interview_id) -> InterviewWindow:
    """A new window on the interview, as the restarted app opens it (the old one was never
    closed: the process died)."""
    window = InterviewWindow(database, interview_id)
    qtbot.addWidget(window)
    window.return_to_place()
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window._place is None)
    return window


def at_end(widget) -> bool:
    if isinstance(widget, QLineEdit):
        return widget.cursorPosition() == len(widget.text())
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.textCursor().position() == len(widget.toPlainText())
    return True


def editable_fields(window: InterviewWindow):
    page = window.current_page()
    return [
        w
        for w in page.findChildren(QLineEdit) + page.findChildren(QPlainTextEdit)
        if w.isVisibleTo(window)
        and w.isEnabled()
        and not w.isReadOnly()
        and not isinstance(w.parentWidget(), QComboBox | QAbstractSpinBox)  # part of a field
    ]


def test_every_step_reopens_at_its_last_field_with_the_cursor_at_the_end(qtbot, demo):
    with demo.session() as session:
        from interviewer.listing import list_interviews

        interview_id = list_interviews(session=session)[0].id
    first = InterviewWindow(demo, interview_id)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    for step in range(len(first.pages)):
        first.activateWindow()
        qtbot.waitUntil(first.isActiveWindow)
        first.go_to_step(step)
        fields = editable_fields(first)
        if not fields:
            continue
        field = fields[-1]
        field.setFocus()
        qtbot.waitUntil(lambda field=field: QApplication.focusWidget() is field)
        if isinstance(field, QLineEdit):
            field.setCursorPosition(0)  # where the reopened window must not leave it
        place = interview_place(demo.path, interview_id)
        assert place["step"] == step
        again = reopen_after_crash(qtbot, demo, interview_id)
        assert again.rail.currentRow() == step
        focus = QApplication.focusWidget()
        assert again._field_key(focus) == first._field_key(field), f"step {step}"
        assert at_end(focus), f"step {step}: the cursor is not at the end"
        again.close()
    first.close()
    assert interview_place(demo.path, interview_id) is None, "a normal close forgets the place"


def test_the_selected_record_comes_back_before_its_field(qtbot, demo):
    from interviewer.listing import list_interviews

    with demo.session() as session:
        interview_ids = [s.id for s in list_interviews(session=session)]
    for interview_id in interview_ids:
        first = InterviewWindow(demo, interview_id)
        qtbot.addWidget(first)
        first.show()
        qtbot.waitExposed(first)
        for step, page in enumerate(first.pages):
            first.go_to_step(step)
            lists = [v for v in page.findChildren(QListWidget) if v.count() >= 2]
            if lists:
                break
        else:
            first.close()
            continue
        lists[0].setCurrentRow(1)
        first.activateWindow()
        qtbot.waitUntil(first.isActiveWindow)
        fields = editable_fields(first)
        fields[-1].setFocus()
        qtbot.waitUntil(lambda field=fields[-1]: QApplication.focusWidget() is field)
        expected = first._field_key(fields[-1])
        again = reopen_after_crash(qtbot, demo, interview_id)
        assert again.rail.currentRow() == step
        [same_list] = [v for v in again.current_page().findChildren(QListWidget) if v.count() >= 2][
            :1
        ]
        assert same_list.currentRow() == 1
        assert again._field_key(QApplication.focusWidget()) == expected
        again.close()
        first.close()
        return
    pytest.fail("no demo interview has a list of two records")


def test_a_new_language_or_text_size_keeps_each_interview_where_it_was(qtbot, qapp, demo):
    from interviewer.ui.app import App
    from interviewer.ui.settings import Preferences

    app = App(qapp, demo)
    main = app.show()
    window = main.open_interview(main.model.summary(0).id)
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.go_to_step(3)
    field = editable_fields(window)[-1]
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    expected = window._field_key(field)
    Preferences().language = "da"
    main.settings_changed.emit()
    [again] = app.main_window.windows.values()
    qtbot.waitExposed(again)
    qtbot.waitUntil(lambda: again._place is None)
    assert again.rail.currentRow() == 3
    assert again._field_key(QApplication.focusWidget()) == expected
    app.main_window.close()


def test_a_text_size_chosen_in_settings_keeps_the_interview_at_its_step_and_field(
    qtbot, qapp, demo
):
    """Through the Settings dialog itself, from the main window, as a person does it."""
    from PySide6.QtCore import QTimer

    from interviewer.ui.app import App
    from interviewer.ui.settings import Preferences
    from interviewer.ui.style import apply_style

    app = App(qapp, demo)
    main = app.show()
    window = main.open_interview(main.model.summary(0).id)
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.go_to_step(2)
    field = editable_fields(window)[-1]
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    expected = window._field_key(field)
    main.activateWindow()  # Settings is the main window's (Ctrl+,)
    qtbot.waitUntil(main.isActiveWindow)
    size_before = Preferences().font_size

    def choose_a_larger_size():
        dialog = QApplication.activeModalWidget()
        dialog.font_size.setCurrentIndex(dialog.font_size.count() - 1)
        dialog._save()

    QTimer.singleShot(100, choose_a_larger_size)
    main.open_settings()
    [again] = app.main_window.windows.values()
    qtbot.waitExposed(again)
    qtbot.waitUntil(lambda: again._place is None)
    assert again.rail.currentRow() == 2
    assert again._field_key(QApplication.focusWidget()) == expected
    app.main_window.close()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    Preferences().font_size = size_before
    apply_style(qapp, size_before)
