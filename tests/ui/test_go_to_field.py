"""Every "go to this field" (a step shortcut, Ctrl+Shift+N, back from the quote box) puts the
cursor at the end of the field's text, nothing selected; a field that gets the focus however
(Tab, a shortcut, a return after a crash, code) is scrolled into view at 16 pt in a small
window; the saved mark fits its longest text; the refusal bar moves nothing and goes with its
cause."""

import pytest
from PySide6.QtCore import QEvent, QPoint, QRect, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTextEdit,
    QWidget,
)

from interviewer import interviews as svc
from interviewer.demo import generate_demo
from interviewer.i18n import set_language, tr
from interviewer.listing import list_interviews
from interviewer.storage.database import open_database
from interviewer.ui.interview_window import InterviewWindow, saved_mark_texts
from interviewer.ui.settings import FONT_SIZES, Preferences, set_interview_place
from interviewer.ui.style import apply_style


@pytest.fixture
def demo(tmp_path):
    database = open_database(tmp_path / "study.sqlite")
    generate_demo(database, interviews=4, seed=21)
    yield database
    database.close()


def close_all_windows() -> None:
    """Every window closed and deleted: restyling the app while a window is alive or half
    gone crashes Qt (see ui/style.py), so the text size changes only between windows."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, InterviewWindow) and widget.isVisible():
            widget.close()  # it deletes itself
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(autouse=True)
def windows_gone_after(qapp):
    """Each test's windows closed and deleted before the next test begins."""
    yield
    close_all_windows()
    QApplication.processEvents()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def large_text(qapp):
    """The app at its largest text size; the test's windows are its own to open (not kept by
    qtbot) and are closed before the size goes back."""
    close_all_windows()
    apply_style(qapp, max(FONT_SIZES))
    yield max(FONT_SIZES)
    close_all_windows()
    apply_style(qapp, Preferences().font_size)


def first_id(database):
    with database.session() as session:
        return list_interviews(session=session)[0].id


def open_window(qtbot, database, interview_id=None, size=None) -> InterviewWindow:
    """The window shown and active; closed after the test (it deletes itself)."""
    window = InterviewWindow(database, interview_id or first_id(database))
    if size is not None:
        window.setMinimumSize(0, 0)
        window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def text_of(widget) -> str:
    return widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()


def at_end_unselected(widget) -> bool:
    if isinstance(widget, QLineEdit):
        return widget.cursorPosition() == len(widget.text()) and not widget.hasSelectedText()
    cursor = widget.textCursor()
    return cursor.position() == len(widget.toPlainText()) and not cursor.hasSelection()


def cursor_to_start(widget) -> None:
    if isinstance(widget, QLineEdit):
        widget.setCursorPosition(0)
    else:
        cursor = widget.textCursor()
        cursor.setPosition(0)
        widget.setTextCursor(cursor)


def test_every_step_shortcut_lands_at_the_end_of_its_field(qtbot, demo):
    window = open_window(qtbot, demo)
    landed = 0
    for step in range(len(window.pages)):
        window.actions_by_name[f"step_{step}"].trigger()
        field = QApplication.focusWidget()
        if not isinstance(field, QLineEdit | QPlainTextEdit | QTextEdit) or field.isReadOnly():
            continue
        if not text_of(field):
            field.insert("Budget") if isinstance(field, QLineEdit) else field.setPlainText("Budget")
        cursor_to_start(field)
        window.actions_by_name[f"step_{(step + 1) % len(window.pages)}"].trigger()
        window.actions_by_name[f"step_{step}"].trigger()
        assert QApplication.focusWidget() is field, f"step {step}"
        assert at_end_unselected(field), f"step {step}: typing would not go after the text"
        landed += 1
    assert landed >= 3  # respondent, challenges, initiatives, effects land in a text field


def test_notes_shortcut_puts_typing_after_the_notes(qtbot, demo):
    window = open_window(qtbot, demo)
    window.actions_by_name["step_1"].trigger()
    notes = window.side_panel.notes
    notes.setFocus()
    qtbot.waitUntil(notes.hasFocus)
    notes.setPlainText("Priority is high")
    cursor_to_start(notes)
    window.actions_by_name["step_1"].trigger()  # away into the page
    window.actions_by_name["notes"].trigger()
    assert QApplication.focusWidget() is notes
    qtbot.keyClicks(notes, "ZZ")
    assert notes.toPlainText() == "Priority is highZZ"


def test_back_from_the_quote_box_typing_goes_after_the_text(qtbot, demo):
    window = open_window(qtbot, demo)
    window.actions_by_name["step_0"].trigger()
    field = QApplication.focusWidget()
    assert isinstance(field, QLineEdit) and field.text()
    cursor_to_start(field)

    def close_box():
        box = QApplication.activeModalWidget()
        assert box is not None
        box.reject()  # nothing typed: Esc just closes

    QTimer.singleShot(100, close_box)
    window.actions_by_name["quote"].trigger()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    assert at_end_unselected(field)


# --------------------------------------------------------------- the focus is always in view


def visible_in_its_scroll_areas(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            viewport = parent.viewport()
            top_left = widget.mapTo(viewport, QPoint(0, 0))
            # up and down: pages scroll only so (their width is the fit tests' business)
            rect = QRect(QPoint(viewport.rect().left(), top_left.y()), widget.size())
            shown = rect.intersected(viewport.rect())
            if shown.height() < min(widget.height(), viewport.height()) // 2:
                return False
        parent = parent.parentWidget()
    return True


def focusable(window: InterviewWindow) -> list[QWidget]:
    widgets = window.current_page().findChildren(QWidget) + window.side_panel.findChildren(QWidget)
    return [
        w
        for w in widgets
        if isinstance(w, QLineEdit | QPlainTextEdit | QTextEdit | QAbstractButton)
        and w.isVisibleTo(window)
        and w.isEnabled()
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.window() is window
    ]


def test_a_focused_field_is_scrolled_into_view_at_16_pt(qtbot, demo, large_text):
    window = open_window(qtbot, demo, size=(900, 480))
    scrolled = 0
    for step in range(len(window.pages)):
        window.go_to_step(step)
        for widget in reversed(focusable(window)):  # bottom first: the page must scroll
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            qtbot.waitUntil(lambda widget=widget: visible_in_its_scroll_areas(widget))
            scrolled += 1
    assert scrolled > 10


def test_tab_keeps_the_focus_in_view_at_16_pt(qtbot, demo, large_text):
    window = open_window(qtbot, demo, size=(900, 480))
    window.go_to_step(2)
    for _ in range(25):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        qtbot.waitUntil(lambda focus=focus: visible_in_its_scroll_areas(focus))


def test_after_a_crash_the_field_returned_to_is_in_view_at_16_pt(qtbot, demo, large_text):
    interview_id = first_id(demo)
    probe = open_window(qtbot, demo, interview_id, size=(900, 480))
    probe.go_to_step(2)
    last = [w for w in focusable(probe) if isinstance(w, QLineEdit | QPlainTextEdit)][-1]
    last.setFocus()
    qtbot.waitUntil(last.hasFocus)
    place = probe.place()
    probe.close()
    set_interview_place(demo.path, interview_id, place)
    again = InterviewWindow(demo, interview_id)
    again.setMinimumSize(0, 0)
    again.resize(900, 480)
    again.return_to_place()
    again.show()
    qtbot.waitExposed(again)
    qtbot.waitUntil(lambda: again._place is None)
    focus = QApplication.focusWidget()
    assert again._field_key(focus) == place["field"]
    qtbot.waitUntil(lambda: visible_in_its_scroll_areas(focus))


# --------------------------------------------------------------- the header and the refusal bar


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_saved_mark_fits_its_longest_text_at_16_pt(qtbot, demo, large_text, language):
    set_language(language)
    window = open_window(qtbot, demo)
    mark = window.saved_mark
    metrics = mark.fontMetrics()
    for text in saved_mark_texts():
        mark.setText(text.replace("00:00:00", "23:48:08"))
        QApplication.processEvents()
        assert metrics.horizontalAdvance(mark.text()) <= mark.contentsRect().width(), text


def test_the_refusal_bar_moves_nothing_and_goes_when_its_field_is_edited(qtbot, demo):
    window = open_window(qtbot, demo)
    window.actions_by_name["step_2"].trigger()  # challenges: a title is required
    field = QApplication.focusWidget()
    assert isinstance(field, QLineEdit)
    page_at = window.stack.mapTo(window, QPoint(0, 0))
    window.context.refused.emit(tr("A challenge needs a short title."))
    assert window.message.isVisible()
    QApplication.processEvents()
    assert window.stack.mapTo(window, QPoint(0, 0)) == page_at, "the page moved down"
    field.clear()
    qtbot.keyClicks(field, "x")
    assert not window.message.isVisible(), "the refusal stayed after its field changed"


def test_a_save_takes_the_refusal_away(qtbot, demo):
    window = open_window(qtbot, demo)
    window.context.refused.emit("No.")
    assert window.message.isVisible()
    context = window.context
    context.save(
        lambda: svc.update_interview(
            session=context.session, interview_id=context.interview_id, location="Rådhuset"
        )
    )
    assert not window.message.isVisible()
