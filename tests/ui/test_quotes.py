"""No key drops a quote, and the first character of a quote or a note is stamped whatever
made it: a key, a dead key or an input method, a paste by keyboard or by mouse."""

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtGui import QGuiApplication, QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from interviewer import interviews as svc
from tests.ui.effects_windows import blank_interview, open_window
from tests.ui.keyboard import focused, in_modal, press, shortcut, type_text

QUOTE = (
    "We sat in the same corridor for eleven years and never once looked at a case together; "
    "it took a family moving between three of our departments in one winter before anybody "
    "asked who actually owned the problem, and by then everyone had written a report about it."
)
assert len(QUOTE) >= 250


@pytest.fixture
def window(qtbot, database):
    window = open_window(qtbot, database, blank_interview(database, initiatives=("Team",)))
    window.go_to_step(4)  # effects: the cursor in the new-effect line
    return window


def stored_quotes(window):
    context = window.context
    return svc.live_quotes(session=context.session, interview_id=context.interview_id)


def type_and_escape(text: str) -> None:
    def fill(box):
        assert focused() is box.text
        type_text(text)
        press(Qt.Key.Key_Escape)

    in_modal(lambda: shortcut("Ctrl+G"), fill)


def test_esc_then_ctrl_z_keeps_the_quote(window):
    before = focused()
    type_and_escape(QUOTE)
    assert stored_quotes(window) == []
    assert focused() is before  # focus came back where it was
    shortcut("Ctrl+Z")
    [quote] = stored_quotes(window)
    assert quote.text == QUOTE and quote.question_key == "effects"
    assert quote.offset_seconds is not None and quote.captured_at is not None
    panel = window.side_panel
    assert panel.quotes.count() == 1 and panel.quote_text.toPlainText() == QUOTE
    shortcut("Ctrl+Y")  # redo puts it aside again
    assert stored_quotes(window) == [] and panel.quotes.count() == 0


def test_ctrl_z_keeps_a_put_aside_quote_even_from_a_field_with_typing_of_its_own(window):
    shortcut("Ctrl+Shift+N")  # the notes
    type_text("Budget meeting every second month.")
    notes = focused()
    type_and_escape(QUOTE)
    assert focused() is notes
    shortcut("Ctrl+Z")  # the quote comes back, the notes stay
    assert [q.text for q in stored_quotes(window)] == [QUOTE]
    assert window.side_panel.notes.toPlainText() == "Budget meeting every second month."
    shortcut("Ctrl+Z")  # nothing left on the interview's stack: the field's own typing
    assert [q.text for q in stored_quotes(window)] == [QUOTE]
    assert window.side_panel.notes.toPlainText() != "Budget meeting every second month."


def test_after_new_typing_ctrl_z_is_the_fields_own_again(window):
    type_and_escape(QUOTE)
    shortcut("Ctrl+Shift+N")
    type_text("Two budgets.")
    shortcut("Ctrl+Z")  # the field's own typing, a word at a time: the quote stays aside
    assert stored_quotes(window) == [] and window.side_panel.notes.toPlainText() == "Two "


def test_esc_then_ctrl_g_reopens_the_box_with_the_draft_and_says_so(window):
    type_and_escape(QUOTE)
    seen = {}

    def look(box):
        seen["text"] = box.text.toPlainText()
        seen["note"] = box.draft_note.isVisible()
        assert focused() is box.text
        type_text(" Really.")
        press(Qt.Key.Key_Return)

    in_modal(lambda: shortcut("Ctrl+G"), look)
    assert seen == {"text": QUOTE, "note": True}
    assert [q.text for q in stored_quotes(window)] == [QUOTE + " Really."]
    shortcut("Ctrl+Z")  # the old put-aside was taken back into the box: no second copy
    assert len(stored_quotes(window)) == 1


def test_removing_a_quote_is_undone_by_ctrl_z(window):
    def keep(box):
        type_text("Short and true.")
        press(Qt.Key.Key_Return)

    in_modal(lambda: shortcut("Ctrl+G"), keep)
    panel = window.side_panel
    panel.quotes.setFocus()
    press(Qt.Key.Key_Delete)
    assert stored_quotes(window) == []
    window.pages[4].new_description.setFocus()
    shortcut("Ctrl+Z")
    assert [q.text for q in stored_quotes(window)] == ["Short and true."]
    assert panel.quotes.count() == 1


# ------------------------------------------------------------------ the first character


def by_key(widget):
    QTest.keyClicks(widget, "a")


def by_input_method(widget):
    event = QInputMethodEvent()
    event.setCommitString("é")  # a dead key ´ then e, as an input method commits it
    QApplication.sendEvent(widget, event)


def by_ctrl_v(widget):
    QGuiApplication.clipboard().setText("pasted")
    QTest.keyClick(widget, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def by_mouse(widget):
    """A middle-click paste (X11's selection) reaches the editor as insertFromMimeData."""
    data = QMimeData()
    data.setText("pasted with the mouse")
    widget.insertFromMimeData(data)


def by_middle_click(widget):
    clipboard = QGuiApplication.clipboard()
    if not clipboard.supportsSelection():
        by_mouse(widget)
        return
    clipboard.setText("selected", clipboard.Mode.Selection)
    QTest.mouseClick(widget.viewport(), Qt.MouseButton.MiddleButton, pos=QPoint(5, 5))


SOURCES = [by_key, by_input_method, by_ctrl_v, by_mouse, by_middle_click]


@pytest.mark.parametrize("source", SOURCES, ids=lambda f: f.__name__)
def test_the_first_character_of_a_note_is_stamped_whatever_made_it(window, source):
    window.go_to_step(1)
    notes = window.side_panel.notes
    notes.setFocus()
    before = datetime.now(UTC)
    source(notes)
    QApplication.processEvents()
    assert notes.toPlainText()
    window.context.flush()
    answer = svc.answers_by_question(
        session=window.context.session, interview_id=window.context.interview_id
    )["priority"]
    assert answer.notes == notes.toPlainText()
    assert answer.notes_started_offset is not None
    assert answer.notes_started_at is not None
    assert answer.notes_started_at.replace(tzinfo=UTC) >= before.replace(microsecond=0)


@pytest.mark.parametrize("source", SOURCES, ids=lambda f: f.__name__)
def test_the_first_character_of_a_quote_is_stamped_whatever_made_it(window, source):
    def fill(box):
        assert box.started_at is None
        source(box.text)
        QApplication.processEvents()
        assert box.started_at is not None and box.offset is not None
        box.keep()

    in_modal(lambda: shortcut("Ctrl+G"), fill)
    [quote] = stored_quotes(window)
    assert quote.captured_at is not None and quote.offset_seconds is not None
