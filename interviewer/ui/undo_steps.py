"""Undo in every text field goes back a word, or a short pause of typing, at a time.

Qt merges all consecutive typed characters of a field into one undo step, so one Ctrl+Z took
a whole paragraph of notes (and autosave stored the empty field at once). One filter, put on
each QPlainTextEdit, QTextEdit and QLineEdit of the app as it takes the focus, starts a new
undo step before the first character of each word, after a pause of PAUSE_MS in the typing,
and before a paste.
"""

from PySide6.QtCore import QElapsedTimer, QEvent, QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)

# typing that stops this long ends an undo step, even inside a word
PAUSE_MS = 1000
_LAST_KEY = "_undo_steps_last_key_ms"


class UndoSteps(QObject):
    def __init__(self, app: QApplication):
        super().__init__(app)
        self._clock = QElapsedTimer()
        self._clock.start()
        # a filter on each field as it takes the focus, not on the whole application: that
        # would wrap every object a key reaches
        app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old, new) -> None:
        if isinstance(new, QComboBox | QAbstractSpinBox):
            new = new.findChild(QLineEdit)  # an editable chooser types into its own line
        if isinstance(new, QLineEdit | QPlainTextEdit | QTextEdit):
            new.installEventFilter(self)  # installed again, it is still called once

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.KeyPress:
            text = event.text()
            paste = event.matches(QKeySequence.StandardKey.Paste)
            if not (paste or (text and text.isprintable())):
                return False
        elif kind == QEvent.Type.InputMethod:
            text, paste = event.commitString(), False
            if not text:
                return False
        else:
            return False
        if isinstance(watched, QLineEdit | QPlainTextEdit | QTextEdit) and not watched.isReadOnly():
            now = self._clock.elapsed()
            last = watched.property(_LAST_KEY)
            watched.setProperty(_LAST_KEY, now)
            before = _char_before_cursor(watched)
            new_word = bool(text) and not text[0].isspace() and before.isspace()
            paused = last is not None and now - int(last) >= PAUSE_MS
            if paste or new_word or paused:
                break_undo_step(watched)
        return False


def _char_before_cursor(widget) -> str:
    """The character before the cursor ("" at the start, or with a selection)."""
    if isinstance(widget, QLineEdit):
        if widget.hasSelectedText():
            return ""
        position = widget.cursorPosition()
        return widget.text()[position - 1] if position > 0 else ""
    cursor = widget.textCursor()
    if cursor.hasSelection() or cursor.position() == 0:
        return ""
    document = widget.document()
    return document.characterAt(cursor.position() - 1)


def break_undo_step(widget) -> None:
    """What is typed next into ``widget`` is undone apart from what came before."""
    if isinstance(widget, QLineEdit):
        # QLineEdit ends an undo step whenever its cursor moves; nothing visible changes
        position = widget.cursorPosition()
        if position > 0 and not widget.hasSelectedText():
            widget.setCursorPosition(position - 1)
            widget.setCursorPosition(position)
        return
    # a text document merges an edit into the last undo step only while it is "modified"
    document = widget.document()
    blocked = document.blockSignals(True)
    document.setModified(False)
    document.blockSignals(blocked)


def install(app: QApplication | None = None) -> None:
    """Installs the filter on the application, once."""
    app = app or QApplication.instance()
    if app is None or app.property("_undo_steps_installed"):
        return
    app.setProperty("_undo_steps_installed", True)
    UndoSteps(app)
