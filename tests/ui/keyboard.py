"""Driving the app with the keyboard alone, as a person at a laptop would: keys go to
whatever widget has the focus, never to a widget picked by the test."""

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

MAX_TABS = 40


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(focused(), key, modifier)
    QApplication.processEvents()


def type_text(text: str) -> None:
    for character in text:
        if character == "\n":
            press(Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
        elif not character.isascii():  # past QTest's ASCII key table: as a compose key sends it
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(
                    focused(), QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, character)
                )
        else:
            QTest.keyClicks(focused(), character)
    QApplication.processEvents()


def shortcut(sequence: str) -> None:
    """Presses a shortcut such as "Ctrl+2" on the focused widget."""
    from PySide6.QtGui import QKeySequence

    combination = QKeySequence(sequence)[0]
    QTest.keyClick(focused(), combination.key(), combination.keyboardModifiers())
    QApplication.processEvents()


def tab_to(target: QWidget, *, backwards: bool = False) -> None:
    """Presses Tab (or Shift+Tab) until ``target`` has the focus."""
    for _ in range(MAX_TABS):
        if focused() is target:
            return
        if backwards:
            press(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
        else:
            press(Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target.accessibleName() or target}")


def in_modal(open_it: Callable[[], None], work: Callable[[QWidget], None]) -> None:
    """Runs ``work`` on the modal dialog that ``open_it`` opens (its exec blocks)."""
    failures: list[BaseException] = []

    def drive():
        dialog = QApplication.activeModalWidget()
        # a person starts typing once the dialog is in front, not while it is still opening
        if dialog is None or QApplication.activeWindow() is not dialog:
            QTimer.singleShot(20, drive)
            return
        try:
            work(dialog)
        except BaseException as error:  # noqa: BLE001 - reported after the dialog closes
            failures.append(error)
            dialog.reject()

    QTimer.singleShot(20, drive)
    open_it()
    if failures:
        raise failures[0]


def choose(text: str) -> None:
    """Types the start of an entry into a focused combo box, after the pause a person makes
    (Qt joins keys typed quicker than the keyboard input interval into one search)."""
    QTest.qWait(QApplication.keyboardInputInterval() + 50)
    type_text(text)
