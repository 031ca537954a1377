"""Ctrl+Z takes back a word (or a short pause of typing) at a time, in every text field of
the app, and never more than the user asked."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from interviewer import interviews as svc
from interviewer.ui.main_window import MainWindow
from tests.ui.effects_windows import blank_interview, open_window
from tests.ui.keyboard import in_modal, press, shortcut, type_text

NOTES = "First sentence of long notes. Second sentence follows here. Third one."


def stored_notes(window, key):
    context = window.context
    context.flush()
    answer = svc.answers_by_question(session=context.session, interview_id=context.interview_id)
    return answer[key].notes if key in answer else None


def test_one_ctrl_z_in_the_notes_takes_back_the_last_word_not_the_paragraph(qtbot, database):
    window = open_window(qtbot, database, blank_interview(database))
    shortcut("Ctrl+2")
    shortcut("Ctrl+Shift+N")
    notes = window.side_panel.notes
    type_text(NOTES)
    key = notes.question_key
    assert stored_notes(window, key) == NOTES
    shortcut("Ctrl+Z")
    assert notes.toPlainText() == NOTES.removesuffix("one.")
    assert stored_notes(window, key) == NOTES.removesuffix("one.")
    shortcut("Ctrl+Z")
    assert notes.toPlainText() == NOTES.removesuffix("Third one.")


def test_ctrl_z_after_a_quote_kept_back_takes_only_the_new_word(qtbot, database):
    window = open_window(qtbot, database, blank_interview(database))
    shortcut("Ctrl+2")
    shortcut("Ctrl+Shift+N")
    notes = window.side_panel.notes
    type_text("notes abc")

    def type_and_escape(box):
        type_text("A quote put aside")
        press(Qt.Key.Key_Escape)

    in_modal(lambda: shortcut("Ctrl+G"), type_and_escape)
    shortcut("Ctrl+Z")  # keeps the quote
    assert notes.toPlainText() == "notes abc"
    type_text(" typo")
    shortcut("Ctrl+Z")  # the field's: only the word typed last
    assert notes.toPlainText() == "notes abc "
    assert stored_notes(window, notes.question_key) == "notes abc "
    context = window.context
    quotes = svc.live_quotes(session=context.session, interview_id=context.interview_id)
    assert [q.text for q in quotes] == ["A quote put aside"]


def check_every_field(window) -> list[str]:
    """Types two words into every editable text field of ``window`` and undoes once; returns
    the accessible names of the fields checked."""
    checked = []
    for field in window.findChildren(QLineEdit) + window.findChildren(QPlainTextEdit):
        if field.isReadOnly() or not field.isEnabled():
            continue
        if isinstance(field, QLineEdit) and (field.validator() or field.inputMask()):
            continue  # dates, times, numbers: not words
        if not field.isVisible():
            continue
        field.setFocus()
        before = field.text() if isinstance(field, QLineEdit) else field.toPlainText()
        if isinstance(field, QLineEdit):
            field.end(False)
        else:
            field.moveCursor(field.textCursor().MoveOperation.End)
        QTest.keyClicks(field, " alpha beta")
        text = field.text() if isinstance(field, QLineEdit) else field.toPlainText()
        if text != before + " alpha beta":
            continue  # a field that reshapes what is typed (a completer, a chooser)
        field.undo()
        text = field.text() if isinstance(field, QLineEdit) else field.toPlainText()
        assert text == before + " alpha ", field.accessibleName() or type(field).__name__
        checked.append(field.accessibleName())
    return checked


def test_every_text_field_of_the_interview_window_undoes_a_word_at_a_time(qtbot, database):
    window = open_window(qtbot, database, blank_interview(database, initiatives=("Team",)))
    checked = []
    for step in range(len(window.pages)):
        window.go_to_step(step)
        checked += check_every_field(window)
    assert len(checked) >= 5, checked


def test_every_text_field_of_the_main_window_undoes_a_word_at_a_time(qtbot, database):
    window = MainWindow(database)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    assert check_every_field(window)
