"""Input widgets that save themselves: text saved as typed, choices saved at once."""

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QMimeData, QObject, QStringListModel, Qt
from PySide6.QtGui import (
    QAction,
    QClipboard,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QTextOption,
    QValidator,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QCompleter,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from interviewer.figures import format_figure
from interviewer.i18n import language, tr
from interviewer.quick_entry import code_token_at, one_line
from interviewer.resources import municipalities
from interviewer.storage.models import CodebookEntry
from interviewer.text_rules import clean_text, one_line_nfc
from interviewer.ui.interview_context import InterviewContext

# A list row shows at most this many characters of a record's text: a row is one line, and a
# 300,000-character word laid out in full would freeze the page.
ROW_CHARACTERS = 160
TOOLTIP_CHARACTERS = 600
MAX_LINE = 2**31 - 1  # QLineEdit's maxLength: no limit
# A word longer than this is laid out slowly by Qt's word-or-anywhere wrapping: see
# wrap_anywhere.
LONG_WORD = 1000
WORD_WRAP = QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
ANYWHERE = QTextOption.WrapMode.WrapAnywhere
# A multi-line field holding a text longer than this shows its first PREVIEW characters until
# it is edited: see TextArea.
LONG_TEXT = 20_000
PREVIEW = 2000


def set_quietly(widget, value, *, keep_typing: bool = False) -> None:
    """Shows a stored value without it counting as an edit. With ``keep_typing``, a text
    field that has the focus keeps its text (it is being typed and saved as typed)."""
    if keep_typing and widget.hasFocus() and isinstance(widget, QLineEdit | QPlainTextEdit):
        return
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
            # not findData: it compares Python objects (a UUID read again) by identity
            index = next((i for i in range(widget.count()) if widget.itemData(i) == value), 0)
            widget.setCurrentIndex(index)
        else:
            widget.setChecked(bool(value))
    finally:
        widget.blockSignals(False)


class OneLineValidator(QValidator):
    """Keeps a line edit on one line: every line break or tab typed, pasted, dropped or set
    becomes one space, other control characters are dropped, and the text is in Unicode NFC,
    in the widget itself (so what is shown is what is saved).

    Its fix-up is Qt's last resort, for text set by code: Qt applies it with setText, which
    wipes the field's undo history. What a person pastes, drops or commits is rewritten
    before Qt inserts it (see _OneLineInput), so the validator finds nothing to fix there."""

    def validate(self, text: str, position: int):
        fixed = one_line_nfc(text)
        if fixed != text:
            # the cursor stays after the same character: count what comes before it
            position = len(one_line_nfc(text[:position]))
        return QValidator.State.Acceptable, fixed, position


def one_line_edit(widget: QLineEdit | None = None) -> QLineEdit:
    """Makes ``widget`` (a new QLineEdit when None) a one-line field: see OneLineValidator.
    Call it for every QLineEdit whose text is saved; a field that already has a validator
    (a number) keeps its own. It holds any length of text (Qt's default cuts at 32,767).
    A paste, drop, middle click or input method bringing line breaks, tabs or control
    characters is rewritten before it is inserted, through the field's own edits, so Ctrl+Z
    and redo treat it exactly as any paste. Calling it twice is harmless. Returns the
    widget."""
    widget = widget if widget is not None else QLineEdit()
    # Qt cuts a line edit's text at 32,767 characters: a longer stored title would be shown
    # cut, and saved cut at the next keystroke
    widget.setMaxLength(MAX_LINE)
    if widget.validator() is None:
        widget.setValidator(OneLineValidator(widget))
    if isinstance(widget.validator(), OneLineValidator) and not widget.findChild(
        _OneLineInput, options=Qt.FindChildOption.FindDirectChildrenOnly
    ):
        widget.installEventFilter(_OneLineInput(widget))
    return widget


def watch_completer_popup(widget: QLineEdit, completer: QCompleter) -> None:
    """A completer's open list hands keys to its line edit past the edit's event filters:
    Ctrl+V pressed while it shows is rewritten too. A completer set with setCompleter is
    watched by itself (when the field gets the focus); call this for one given setWidget."""
    rewriter = widget.findChild(_OneLineInput, options=Qt.FindChildOption.FindDirectChildrenOnly)
    if rewriter is not None:
        completer.popup().installEventFilter(rewriter)


def _selection(widget: QLineEdit) -> tuple[int, int]:
    if widget.hasSelectedText():
        start = widget.selectionStart()
        return start, start + widget.selectionLength()
    return widget.cursorPosition(), widget.cursorPosition()


def _replace_one_line(
    widget: QLineEdit, start: int, end: int, text: str, *, own_step: bool
) -> bool:
    """Replaces ``widget.text()[start:end]`` by ``text`` as the field's rule keeps it, through
    the field's own undoable edits (select the range, insert()); with ``own_step`` as its own
    undo step, as Qt's paste. Returns False, doing nothing, when Qt's own insert of ``text``
    would need no rewriting (Qt then does it)."""
    old = widget.text()
    joined = old[:start] + text + old[end:]
    new = one_line_nfc(joined)
    if new == joined:
        return False
    # the span that changes: the range, widened where NFC joins the text to its neighbours
    prefix = min(start, _common_prefix(old, new))
    suffix = min(len(old) - end, _common_prefix(old[prefix:][::-1], new[prefix:][::-1]))
    span_end, inserted = len(old) - suffix, new[prefix : len(new) - suffix]
    if not inserted and span_end == prefix:
        return True  # as Qt pastes nothing: no step either
    if own_step:
        _end_undo_step(widget)
    if span_end > prefix:
        if (prefix, span_end) != _selection(widget):
            widget.setSelection(prefix, span_end - prefix)
    elif widget.hasSelectedText() or widget.cursorPosition() != prefix:
        widget.setCursorPosition(prefix)
    widget.insert(inserted)
    if own_step:
        _end_undo_step(widget)
    return True


def _common_prefix(a: str, b: str) -> int:
    length = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        length += 1
    return length


def _end_undo_step(widget: QLineEdit) -> None:
    """Makes the next edit of ``widget`` an undo step of its own, as Qt's paste does before
    and after it, changing nothing seen: Qt ends a step whenever the cursor moves, and on
    clear()."""
    length, cursor = len(widget.text()), widget.cursorPosition()
    if not length:
        widget.clear()  # already empty: only ends the step
        return
    start, end = _selection(widget)
    widget.setCursorPosition(0 if cursor else length)
    if start != end:
        anchor = end if cursor == start else start
        widget.setSelection(anchor, cursor - anchor)
    else:
        widget.setCursorPosition(cursor)


_INPUT_EVENTS = frozenset(
    (
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.Drop,
        QEvent.Type.InputMethod,
        QEvent.Type.ContextMenu,
        QEvent.Type.FocusIn,
    )
)


class _OneLineInput(QObject):
    """Rewrites what a paste (Ctrl+V, Shift+Insert, the context menu, a middle click), a drop,
    a typed key or an input method brings into a one-line field before Qt inserts it, and
    inserts it through the field's own undoable edits. Input that needs no rewriting is left
    to Qt."""

    def __init__(self, widget: QLineEdit):
        super().__init__(widget)  # the field is its parent: no Python reference cycle to it
        self.resending = False

    @property
    def widget(self) -> QLineEdit:
        return self.parent()

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        kind = event.type()
        # first the kind: other events also come while the field is being deleted
        if kind not in _INPUT_EVENTS or self.resending or self.widget.isReadOnly():
            return False
        widget = self.widget
        if kind == QEvent.Type.FocusIn:
            if watched is widget and widget.completer() is not None:
                watch_completer_popup(widget, widget.completer())  # set after one_line_edit
        elif kind == QEvent.Type.KeyPress:
            if event.matches(QKeySequence.StandardKey.Paste):
                return self._paste(QClipboard.Mode.Clipboard)
            text = event.text()
            if watched is widget and text and text[0].isprintable():  # Qt types it
                start, end = _selection(widget)
                return _replace_one_line(widget, start, end, text, own_step=False)
        elif (
            kind == QEvent.Type.MouseButtonRelease
            and watched is widget
            and event.button() == Qt.MouseButton.MiddleButton
            and QGuiApplication.clipboard().supportsSelection()
        ):
            return self._paste(QClipboard.Mode.Selection, deselect=True)
        elif kind == QEvent.Type.Drop and watched is widget:
            return self._drop(event)
        elif kind == QEvent.Type.InputMethod and watched is widget:
            commit = event.commitString()
            if commit and one_line_nfc(commit) != commit:
                event.setCommitString(
                    one_line_nfc(commit), event.replacementStart(), event.replacementLength()
                )
        elif kind == QEvent.Type.ContextMenu and watched is widget:
            self._context_menu(event)
            return True
        return False

    def _paste(self, mode: QClipboard.Mode, *, deselect: bool = False) -> bool:
        """Qt's paste from ``mode``, rewritten; False (Qt pastes) when nothing needs it."""
        widget, text = self.widget, QGuiApplication.clipboard().text(mode)
        if not text:
            return False
        if deselect:  # as Qt does for a middle click: the text goes in at the cursor
            start = end = widget.cursorPosition()
        else:
            start, end = _selection(widget)
        if one_line_nfc(widget.text()[:start] + text + widget.text()[end:]) == (
            widget.text()[:start] + text + widget.text()[end:]
        ):
            return False
        if deselect:
            widget.deselect()
        return _replace_one_line(widget, start, end, text, own_step=True)

    def _drop(self, event) -> bool:
        """A drop of text to rewrite goes to Qt again with the text rewritten, so Qt still
        places it and moves text dragged within the field."""
        text = event.mimeData().text()
        if not text or one_line_nfc(text) == text:
            return False
        data = QMimeData()
        data.setText(one_line_nfc(text))
        again = QDropEvent(
            event.position(),
            event.possibleActions(),
            data,
            event.buttons(),
            event.modifiers(),
        )
        again.setDropAction(event.dropAction())
        self.resending = True
        try:
            QApplication.sendEvent(self.widget, again)
        finally:
            self.resending = False
        event.setDropAction(again.dropAction())
        event.setAccepted(again.isAccepted())
        return True

    def _context_menu(self, event) -> None:
        """Qt's own context menu, its Paste rewritten as Ctrl+V is."""
        menu = self.widget.createStandardContextMenu()
        paste = menu.findChild(QAction, "edit-paste")
        if paste is not None:
            paste.triggered.disconnect()
            paste.triggered.connect(self._paste_from_menu)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(event.globalPos())

    def _paste_from_menu(self) -> None:
        if not self._paste(QClipboard.Mode.Clipboard):
            self.widget.paste()


def has_long_word(text: str) -> bool:
    """Whether ``text`` holds a word (a run without white space) over LONG_WORD characters."""
    return len(text) > LONG_WORD and max(map(len, text.split()), default=0) > LONG_WORD


class TextArea(QPlainTextEdit):
    """A multi-line text field that stays quick whatever its text.

    Wrapping: Qt's word-boundary-or-anywhere wrapping is quadratic in a word's length (13 s
    for one 300,000-character word), so while the text holds a word longer than LONG_WORD
    characters the field wraps anywhere. The mode is picked before a text is laid out, once:
    for a whole text set, from that text; for a typed or pasted change, from the change and
    LONG_WORD characters either side of it.

    Long text: Qt lays out a paragraph whole, about 65 ms for 300,000 characters (measured by
    benchmarks/bench_long_text.py), and again at every keystroke in it. So a text longer than
    LONG_TEXT characters set while the field is not being typed into is held, and the field
    shows its first PREVIEW characters and how to see the rest; ``toPlainText`` still returns
    all of it. The whole text is laid out at the first use of the field (a key other than
    Tab, a click, a paste or a drop), before that use reaches it: a page with such a text
    opens at once, and the cost comes only when that text is edited."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._held: str | None = None
        self._setting = False  # a whole text is being set: its wrap mode is chosen already
        self.setWordWrapMode(WORD_WRAP)
        self.document().contentsChange.connect(self._wrap_for_change)

    def _wrap_for_change(self, position: int, removed: int, added: int) -> None:
        if self._setting:
            return
        text = self.document().toPlainText()
        if self.wordWrapMode() == ANYWHERE:
            if removed and not has_long_word(text):
                self.setWordWrapMode(WORD_WRAP)
        elif added:
            near = text[max(0, position - LONG_WORD) : position + added + LONG_WORD]
            if has_long_word(near):
                self.setWordWrapMode(ANYWHERE)

    def _set_whole(self, text: str) -> None:
        """Sets ``text`` laid out once, in the wrap mode it needs."""
        mode = ANYWHERE if has_long_word(text) else WORD_WRAP
        self._setting = True
        try:
            if self.wordWrapMode() != mode:
                super().clear()  # else the text being replaced is laid out again in the mode
                self.setWordWrapMode(mode)
            super().setPlainText(text)
        finally:
            self._setting = False

    def is_holding(self) -> bool:
        """Whether the field shows a part of a long text (see the class docstring)."""
        return self._held is not None

    def setPlainText(self, text: str) -> None:  # noqa: N802 - Qt's name
        if len(text) > LONG_TEXT and not self.hasFocus():
            self._set_whole(held_preview(text))
            self._held = text
        else:
            self._held = None
            self._set_whole(text)

    def toPlainText(self) -> str:  # noqa: N802 - Qt's name
        return self._held if self._held is not None else super().toPlainText()

    def show_all(self) -> None:
        """Lays out the whole held text in the field, as no edit (no signal, no undo step);
        the cursor stays where it was in the part shown."""
        if self._held is None:
            return
        text, self._held = self._held, None
        position = min(self.textCursor().position(), PREVIEW)
        blocked = self.blockSignals(True)
        try:
            self._set_whole(text)
            cursor = self.textCursor()
            cursor.setPosition(position)
            self.setTextCursor(cursor)
        finally:
            self.blockSignals(blocked)

    # Any use of the field shows all of it first; only passing through on Tab does not, nor
    # the focus Qt moves here by itself when another field is hidden.
    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() not in _PASSING_KEYS:
            self.show_all()
        super().keyPressEvent(event)

    def insertPlainText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self.show_all()  # our own code typing into the field, e.g. Shift+Enter's line break
        super().insertPlainText(text)

    def inputMethodEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.show_all()
        super().inputMethodEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.show_all()
        super().mousePressEvent(event)

    def contextMenuEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.show_all()
        super().contextMenuEvent(event)

    def insertFromMimeData(self, source) -> None:  # noqa: N802 - Qt's name
        self.show_all()  # a paste or drop lands in the whole text, never in the preview
        if source.hasText() and clean_text(source.text()) != source.text():
            cleaned = QMimeData()  # without the control characters the record refuses
            cleaned.setText(clean_text(source.text()))
            source = cleaned
        if source.hasText() and has_long_word(source.text()):
            self.setWordWrapMode(ANYWHERE)  # before Qt lays the pasted word out
        super().insertFromMimeData(source)


_PASSING_KEYS = {
    Qt.Key.Key_Tab,
    Qt.Key.Key_Backtab,
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_Meta,
    Qt.Key.Key_AltGr,
}


def held_preview(text: str) -> str:
    """What a TextArea holding the long ``text`` shows: its first PREVIEW characters, then
    how long it is and how to see and edit the rest."""
    more = tr(
        "… {count} characters in all. Click here, or press a key in this field, "
        "to see and edit all of it.",
        count=format_figure(len(text)),
    )
    return f"{text[:PREVIEW]}\n\n{more}"


def text_area(*, height: int | None = None, tab_changes_focus: bool = True) -> TextArea:
    """A multi-line text field as every page uses one: wraps anywhere (TextArea), Tab
    leaves it (``tab_changes_focus``), ``height`` pixels high when given."""
    widget = TextArea()
    widget.setTabChangesFocus(tab_changes_focus)
    if height is not None:
        widget.setFixedHeight(height)
    return widget


def row_text(text: str, limit: int = ROW_CHARACTERS) -> str:
    """``text`` as one list row: each line break and tab one space, no control character,
    and at most ``limit`` characters, ending in "…" when cut."""
    line = one_line(text)
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def autosave_text(
    context: InterviewContext,
    widget: QLineEdit | QPlainTextEdit,
    key: Callable[[], Any],
    save: Callable[[Any, str], Any],
    on_left: Callable[[], Any] | None = None,
) -> None:
    """Saves the widget's text through ``save(record, text)`` as it is typed and on leaving it.

    ``key()`` names the record being edited, read at each keystroke, so one editor can serve
    the selected item of a list without a late save landing on another item. A QLineEdit is
    made a one-line field (``one_line_edit``): pasted line breaks become spaces, shown and
    saved. ``on_left()`` runs after the save on leaving the field (a page shows the stored
    value again there, e.g. when an empty title was refused).
    """
    if isinstance(widget, QLineEdit):
        one_line_edit(widget)

    def typed(*_):
        if context.closed:  # a text area emptied as its closed window is taken down
            return
        text = widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
        record = key()
        if record is not None:
            context.save_later((id(widget), record), lambda: save(record, text))

    if isinstance(widget, QPlainTextEdit):
        widget.textChanged.connect(typed)
    else:
        widget.textEdited.connect(typed)
    widget.installEventFilter(_FlushOnFocusOut(context, widget, on_left))


class _FlushOnFocusOut(QObject):
    def __init__(self, context: InterviewContext, parent, on_left=None):
        super().__init__(parent)
        self.context, self.on_left = context, on_left

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        # the focus also leaves a field as its window closes and is taken down: the page is
        # then not to be shown again (its list may be deleted already)
        if event.type() == QEvent.Type.FocusOut and not self.context.closed:
            self.context.flush()
            if self.on_left is not None:
                self.on_left()
        return False


class CodeCompleter(QCompleter):
    """The popup that typing ``#`` in a new-item line opens: the numbered codes ("3  Blame
    culture"), narrowed by what follows the ``#`` (its number or any part of its label).
    Choosing one puts its number after the ``#``; Enter adds the item as typed."""

    def __init__(self, line: QLineEdit, labels: list[str]):
        entries = [f"{number}  {label}" for number, label in enumerate(labels, start=1)]
        super().__init__(line)
        self.setModel(QStringListModel(entries, self))  # owned by the completer: kept alive
        self.setWidget(line)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setMaxVisibleItems(12)
        self.line = line
        self._choosing = False
        watch_completer_popup(line, self)
        line.textEdited.connect(self._typed)
        self.activated[str].connect(self._chosen)

    def _typed(self, text: str) -> None:
        found = None if self._choosing else code_token_at(text, self.line.cursorPosition())
        if found is None:
            self.popup().hide()
            return
        self.setCompletionPrefix(found[1].strip())
        if self.completionCount():
            self.complete()
        else:
            self.popup().hide()

    def _chosen(self, entry: str) -> None:
        text, cursor = self.line.text(), self.line.cursorPosition()
        found = code_token_at(text, cursor)
        if found is None:
            return
        number = entry.split(maxsplit=1)[0]
        start = found[0]
        # through the line's own edit, so Ctrl+Z takes the choice back (setText wiped it)
        self._choosing = True
        try:
            self.line.setSelection(start, cursor - start)
            self.line.insert(number)
        finally:
            self._choosing = False


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
    """A municipality field offering Denmark's municipalities as you type; free text allowed.
    On leaving it, a listed name typed in another case becomes the list's ("aarhus" →
    "Aarhus"), as if typed, so an autosave sees it."""
    from interviewer.interviews import municipality_name
    from interviewer.ui.date_fields import when_left

    field = QLineEdit()
    completer = QCompleter(municipalities(), field)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    field.setCompleter(completer)

    def left() -> None:
        listed = municipality_name(field.text())
        if listed != field.text():
            field.setText(listed)
            field.textEdited.emit(listed)

    when_left(field, left)
    return one_line_edit(field)


def choice_combo(choices: list[tuple[str, Any]], parent=None) -> QComboBox:
    combo = fit_combo(QComboBox(parent))
    for text, value in choices:
        combo.addItem(text, value)
    return combo


def none_text() -> str:
    return tr("— none —")
