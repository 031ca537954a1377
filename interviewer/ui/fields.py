"""Input widgets that save themselves: text saved as typed, choices saved at once."""

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QPlainTextEdit, QWidget

from interviewer.i18n import language, tr
from interviewer.resources import municipalities
from interviewer.storage.models import CodebookEntry
from interviewer.ui.interview_context import InterviewContext


def set_quietly(widget, value) -> None:
    """Shows a stored value without it counting as an edit."""
    widget.blockSignals(True)
    try:
        if isinstance(widget, QPlainTextEdit):
            if widget.toPlainText() != value:
                widget.setPlainText(value)
        elif isinstance(widget, QLineEdit):
            if widget.text() != value:
                widget.setText(value)
                widget.setCursorPosition(0)  # show the start of a long text, not its end
        elif isinstance(widget, QComboBox):
            index = widget.findData(value)
            widget.setCurrentIndex(max(index, 0))
        else:
            widget.setChecked(bool(value))
    finally:
        widget.blockSignals(False)


def autosave_text(
    context: InterviewContext,
    widget: QLineEdit | QPlainTextEdit,
    key: Callable[[], Any],
    save: Callable[[Any, str], Any],
) -> None:
    """Saves the widget's text through ``save(record, text)`` as it is typed and on leaving it.

    ``key()`` names the record being edited, read at each keystroke, so one editor can serve
    the selected item of a list without a late save landing on another item.
    """

    def typed(*_):
        text = widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
        record = key()
        if record is not None:
            context.save_later((id(widget), record), lambda: save(record, text))

    if isinstance(widget, QPlainTextEdit):
        widget.textChanged.connect(typed)
    else:
        widget.textEdited.connect(typed)
    widget.installEventFilter(_FlushOnFocusOut(context, widget))


class _FlushOnFocusOut(QObject):
    def __init__(self, context: InterviewContext, parent):
        super().__init__(parent)
        self.context = context

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.FocusOut:
            self.context.flush()
        return False


def fit_combo(combo: QComboBox) -> QComboBox:
    """Lets a combo box be narrower than its longest entry, so it never pushes a layout
    wider than the window; the open list still shows entries in full."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    return combo


class CodeCombo(QComboBox):
    """A choice among the codes of one codebook list, or none."""

    def __init__(self, entries: list[CodebookEntry], none_text: str | None = None, parent=None):
        super().__init__(parent)
        fit_combo(self)
        if none_text is not None:
            self.addItem(none_text, None)
        for entry in entries:
            self.addItem(entry.label(language()), entry.code)
            self.setItemData(
                self.count() - 1, entry.description(language()), Qt.ItemDataRole.ToolTipRole
            )


def on_delete_key(widget: QWidget, slot) -> None:
    """Delete, pressed in ``widget`` (a list), calls ``slot``; in text fields it still deletes
    text."""
    action = QAction(widget)
    action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.triggered.connect(slot)
    widget.addAction(action)


def municipality_edit() -> QLineEdit:
    """A municipality field offering Denmark's municipalities as you type; free text allowed."""
    field = QLineEdit()
    completer = QCompleter(municipalities(), field)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    field.setCompleter(completer)
    return field


def choice_combo(choices: list[tuple[str, Any]], parent=None) -> QComboBox:
    combo = fit_combo(QComboBox(parent))
    for text, value in choices:
        combo.addItem(text, value)
    return combo


def none_text() -> str:
    return tr("— none —")
