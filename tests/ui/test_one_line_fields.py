"""One-line fields rewrite pasted line breaks, tabs and control characters, and Ctrl+Z and redo
treat that paste exactly as Qt treats any paste: one step back to the text before it."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QInputMethodEvent,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit

from interviewer import interviews as svc
from interviewer.demo import add_sample_interview
from interviewer.quick_entry import one_line
from interviewer.storage.database import open_database
from interviewer.ui.fields import OneLineValidator, one_line_edit
from interviewer.ui.interview_window import InterviewWindow
from interviewer.ui.new_interview_dialog import NewInterviewDialog
from tests.ui.keyboard import focused, press, shortcut, type_text

PASTED = "one\ntwo\tthree\r\nfour\x07\u2028five"
AS_ONE_LINE = "one two three four five"
REDO_KEYS = ("Ctrl+Shift+Z", "Ctrl+Y")

Ctrl = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def database(tmp_path):
    database = open_database(tmp_path / "study.sqlite")
    yield database
    database.close()


def one_line_fields(top) -> list[QLineEdit]:
    """Every line edit a person types into, inside ``top``: not a combo's or a spin box's own."""
    return [
        field
        for field in top.findChildren(QLineEdit)
        if not field.isReadOnly()
        and not isinstance(field.parentWidget(), QComboBox | QAbstractSpinBox)
    ]


def paste_then_undo_and_redo(field: QLineEdit) -> None:
    """With the keyboard on ``field``: type, paste several lines, undo, redo with each redo key."""
    field.setFocus()
    assert focused() is field
    press(Qt.Key.Key_End)
    type_text(" 12")
    before = field.text()
    QApplication.clipboard().setText(PASTED)
    shortcut("Ctrl+V")
    name = field.accessibleName() or field.placeholderText() or field.objectName()
    assert field.text() == before + AS_ONE_LINE, name
    for redo in REDO_KEYS:
        shortcut("Ctrl+Z")
        assert field.text() == before, name
        shortcut(redo)
        assert field.text() == before + AS_ONE_LINE, (name, redo)
    shortcut("Ctrl+Z")
    shortcut("Ctrl+Z")  # the typed text goes too: the paste was a step of its own
    assert len(field.text()) < len(before), name


def test_every_one_line_field_of_the_interview_window_undoes_a_pasted_paragraph(qtbot, database):
    with database.session() as session:
        interview_id = add_sample_interview(session).id
    window = InterviewWindow(database, interview_id)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    checked = set()
    for number in range(len(window.pages)):
        window.go_to_step(number)
        for field in one_line_fields(window):
            if field in checked or not field.isVisibleTo(window) or not field.isEnabled():
                continue
            assert isinstance(field.validator(), OneLineValidator), field.accessibleName()
            paste_then_undo_and_redo(field)
            checked.add(field)
    assert len(checked) > 10


def test_every_one_line_field_of_the_new_interview_dialog_undoes_a_pasted_paragraph(
    qtbot, database
):
    session = database.session()
    dialog = NewInterviewDialog(session, svc.current_study(session=session))
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    dialog.consent.setChecked(True)  # the consent date is a field too
    fields = [field for field in one_line_fields(dialog) if field.isEnabled()]
    for field in fields:
        assert isinstance(field.validator(), OneLineValidator), field.accessibleName()
        paste_then_undo_and_redo(field)
    assert {
        dialog.role,
        dialog.municipality,
        dialog.name,
        dialog.location,
        dialog.interviewer,
    } <= set(fields)
    assert len(fields) >= 8  # and the date and time fields
    dialog.reject()
    session.close()


# ------------------------------------------------------------------ the same undo as Qt's paste

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("type"), st.text("ab ", min_size=1, max_size=3)),
        st.tuples(st.just("select"), st.integers(0, 12), st.integers(-6, 6)),
        st.tuples(st.just("move"), st.integers(0, 12)),
        st.tuples(
            st.just("key"), st.sampled_from(["backspace", "delete", "select all", "undo", "redo"])
        ),
        st.tuples(st.just("paste"), st.text("xyå \n\r\t\x00\x1f\x85\u2028\u2029\v", max_size=6)),
    ),
    max_size=10,
)
KEYS = {
    "backspace": (Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier),
    "delete": (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier),
    "select all": (Qt.Key.Key_A, Ctrl),
    "undo": (Qt.Key.Key_Z, Ctrl),
    "redo": (Qt.Key.Key_Y, Ctrl),
}


def apply(field: QLineEdit, op, *, one_line_field: bool) -> None:
    kind = op[0]
    if kind == "type":
        QTest.keyClicks(field, op[1])
    elif kind == "select":
        start = min(op[1], len(field.text()))
        field.setSelection(start, max(-start, min(op[2], len(field.text()) - start)))
    elif kind == "move":
        field.setCursorPosition(min(op[1], len(field.text())))
    elif kind == "key":
        QTest.keyClick(field, *KEYS[op[1]])
    else:  # a plain line edit is given what the one-line field turns the paste into
        QApplication.clipboard().setText(op[1] if one_line_field else one_line(op[1]))
        QTest.keyClick(field, Qt.Key.Key_V, Ctrl)


def history(field: QLineEdit) -> list[tuple[str, int, str]]:
    """Every state undo and then redo walk through: text, cursor, selection."""
    states = [(field.text(), field.cursorPosition(), field.selectedText())]
    for step, available in (
        (field.undo, field.isUndoAvailable),
        (field.redo, field.isRedoAvailable),
    ):
        while available():
            step()
            states.append((field.text(), field.cursorPosition(), field.selectedText()))
    return states


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_a_rewritten_paste_undoes_and_redoes_as_qt_pastes_the_rewritten_text(qtbot, ops):
    plain, field = QLineEdit(), one_line_edit()
    for op in ops:
        apply(plain, op, one_line_field=False)
        apply(field, op, one_line_field=True)
        assert (field.text(), field.cursorPosition()) == (plain.text(), plain.cursorPosition())
    assert history(field) == history(plain)


# ------------------------------------------------------------------ other ways text comes in


@pytest.fixture
def field(qtbot):
    field = one_line_edit()
    qtbot.addWidget(field)
    field.show()
    QTest.keyClicks(field, "Budgets")
    return field


def drop(field: QLineEdit, text: str) -> None:
    """Drags ``text`` over ``field`` and drops it at the cursor, as a mouse does."""
    data = QMimeData()
    data.setText(text)
    at = field.cursorRect().center()
    drag = (
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(field, QDragEnterEvent(at, *drag))
    QApplication.sendEvent(field, QDragMoveEvent(at, *drag))
    QApplication.sendEvent(field, QDropEvent(QPointF(at), *drag))


def test_a_dropped_paragraph_is_one_line_and_undoes_as_qt_undoes_a_drop(qtbot, field):
    plain = QLineEdit()
    qtbot.addWidget(plain)
    plain.show()
    QTest.keyClicks(plain, "Budgets")
    drop(plain, "in silos ")
    drop(field, "in\nsilos\t")
    assert field.text() == "Budgetsin silos "
    assert history(field) == history(plain)


def test_the_context_menu_paste_is_rewritten_and_undone_in_one_step(qtbot, field):
    QApplication.clipboard().setText("\nin\r\nsilos")
    QApplication.sendEvent(
        field,
        QContextMenuEvent(
            QContextMenuEvent.Reason.Keyboard, QPoint(2, 2), field.mapToGlobal(QPoint(2, 2))
        ),
    )
    menu = QApplication.activePopupWidget()
    assert menu is not None
    menu.findChild(QAction, "edit-paste").trigger()
    menu.close()
    assert field.text() == "Budgets in silos"
    field.undo()
    assert field.text() == "Budgets"


def test_an_input_method_commit_is_rewritten_and_undone(field):
    event = QInputMethodEvent("", [])
    event.setCommitString(" in\tsilos\x1b")
    QApplication.sendEvent(field, event)
    assert field.text() == "Budgets in silos"
    field.undo()
    assert field.text() == ""  # as Qt undoes a commit: with the typing before it
    field.redo()
    assert field.text() == "Budgets in silos"


def test_a_paste_into_a_field_whose_completions_show_is_rewritten_too(qtbot, database):
    session = database.session()
    dialog = NewInterviewDialog(session, svc.current_study(session=session))
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.municipality.setFocus()
    type_text("Aa")
    popup = dialog.municipality.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    QApplication.clipboard().setText("rhus\nC")
    QTest.keyClick(popup, Qt.Key.Key_V, Ctrl)  # the open list has the keyboard
    assert dialog.municipality.text() == "Aarhus C"
    dialog.municipality.undo()
    assert dialog.municipality.text() == "Aa"
    dialog.reject()
    session.close()
