"""A step page holding a list of records: type a title (with the quick-entry syntax of
interviewer.quick_entry) and press Enter to add one, select one to edit it below, Delete
removes it (undoably)."""

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from interviewer.guide import Question
from interviewer.i18n import language, tr
from interviewer.quick_entry import UnknownCode
from interviewer.ui.fields import (
    TOOLTIP_CHARACTERS,
    CodeCompleter,
    on_delete_key,
    one_line_edit,
    row_text,
    set_quietly,
)
from interviewer.ui.later import call_later
from interviewer.ui.pages.base import StepPage, show_refusal

ID_ROLE = Qt.ItemDataRole.UserRole
# A title's share of a row, so the codes after it stay visible however long the title is.
TITLE_CHARACTERS = 90


class RecordList(QListWidget):
    """The list of a record page; with ``draggable`` it is reordered by dragging, and says so
    with ``reordered`` (the record ids in their new order). Each row is one line, elided in
    the middle: a record's text never wraps or grows a row, and the codes at its end (a
    theme, a status) stay readable.

    It holds no Python reference to its page: the page connects to ``reordered``, a Qt
    connection that goes when either of them is deleted (a callback kept here was a
    reference cycle through Qt-owned objects, and a late drop could call a page gone)."""

    reordered = Signal(list)

    def __init__(self, parent: QWidget, *, draggable: bool = False):
        super().__init__(parent)
        self.setWordWrap(False)
        self.setUniformItemSizes(True)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        if draggable:
            self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
            self.setDefaultDropAction(Qt.DropAction.MoveAction)

    def ids(self) -> list[uuid.UUID]:
        return [self.item(row).data(ID_ROLE) for row in range(self.count())]

    def texts(self) -> list[str]:
        return [self.item(row).text() for row in range(self.count())]

    def on_reordered(self, ids: list[uuid.UUID]) -> None:
        """Says the rows now stand in the order ``ids`` (as a drop leaves them)."""
        self.reordered.emit(ids)

    def dropEvent(self, event):  # noqa: N802 - Qt's name
        super().dropEvent(event)
        # act after Qt has finished with the drop, not inside it; dropped (and nothing kept)
        # if the list is deleted first
        call_later(self, self._emit_order)

    def _emit_order(self) -> None:
        self.on_reordered(self.ids())


class RecordListPage(StepPage):
    """The shared behaviour of the list pages (challenges, initiatives).

    What is shown is what is stored: the rows are rebuilt from storage after every save (the
    context's ``changed``), undo and step switch; the editor shows the selected record's
    stored values, except the text field being typed in (saved as typed). Focus after an add
    is always the new-item line, also when the limit is reached (the line stays enabled and
    says why; Enter there repeats it).
    """

    new_placeholder = ""
    new_hint = ""
    list_name = ""

    def __init__(self, context, question: Question, parent=None, *, draggable=False):
        super().__init__(context, parent)
        self.question, self.key = question, question.key
        self._shown_id: uuid.UUID | None = None
        self._keep_typing = False
        self._entry_error = ""
        self.add_question_header(question)

        self.new_title = one_line_edit(QLineEdit(placeholderText=self.new_placeholder))
        self.new_title.setAccessibleName(self.new_placeholder)
        self.new_title.returnPressed.connect(self._add)
        self.new_title.textEdited.connect(self._new_line_edited)
        self.body.addWidget(self.new_title)
        self.hint = QLabel(self.new_hint)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(self.new_hint))
        self.body.addWidget(self.hint)
        self.note = self.refusal_label()
        self.body.addWidget(self.note)

        self.list = RecordList(self, draggable=draggable)
        if draggable:
            self.list.reordered.connect(self.reordered)
        self.list.setAccessibleName(self.list_name)
        self.list.setMaximumHeight(120)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentItemChanged.connect(lambda *_: self._selection_changed())
        self.body.addWidget(self.list)

        self.buttons = QHBoxLayout()
        self.remove_button = QPushButton(tr("Remove"))
        self.remove_button.setToolTip(tr("Delete, in the list"))
        self.remove_button.clicked.connect(self._remove)
        self.buttons.addWidget(self.remove_button)
        self.buttons.addStretch()
        self.body.addLayout(self.buttons)
        on_delete_key(self.list, self._remove)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.body.addLayout(self.form)
        self.build_editor()
        self.body.addStretch()
        labels = self.code_labels()
        self.completer = CodeCompleter(self.new_title, labels) if labels else None
        self._order_buttons_for_tab()
        context.changed.connect(self._stored_changed)

    # ------------------------------------------------------------------ for subclasses

    def records(self) -> list:
        raise NotImplementedError

    def item_text(self, record) -> str:
        raise NotImplementedError

    def add(self, line: str):
        """Adds a record from a new-item line (quick-entry syntax) through a service call;
        returns it, or None when a rule refused it. Raises UnknownCode for a ``#`` token
        that names no code (nothing is added)."""
        raise NotImplementedError

    def remove(self, record) -> None:
        """Pushes an undoable removal of ``record``."""
        raise NotImplementedError

    def build_editor(self) -> None:
        raise NotImplementedError

    def show_record(self, record) -> None:
        """Fills the editor with ``record`` (None: nothing selected), through ``show_value``."""
        raise NotImplementedError

    def code_labels(self) -> list[str]:
        """The labels the ``#`` completer lists, numbered from 1 in this order."""
        return []

    def reordered(self, ids: list[uuid.UUID]) -> None:
        pass

    def add_allowed(self) -> str:
        """Why no record can be added now, or "" when one can."""
        return ""

    # ------------------------------------------------------------------ shared behaviour

    def title(self) -> str:
        return self.question.title.in_language(language())

    def first_field(self):
        return self.new_title

    def selected_id(self) -> uuid.UUID | None:
        item = self.list.currentItem()
        return item.data(ID_ROLE) if item else None

    def add_field(self, label: str, field) -> None:
        self.form.addRow(label, field)
        field.setAccessibleName(label)

    def show_value(self, widget, value) -> None:
        """Shows a stored value in an editor widget; the text field being typed in keeps its
        text while the same record stays selected."""
        set_quietly(widget, value, keep_typing=self._keep_typing)

    def _order_buttons_for_tab(self) -> None:
        """Tab runs list → the buttons left to right as drawn → the editor."""
        buttons = [
            item.widget() for i in range(self.buttons.count()) if (item := self.buttons.itemAt(i))
        ]
        chain = [self.list, *(button for button in buttons if button is not None)]
        first_field = self.form.itemAt(0, QFormLayout.ItemRole.FieldRole)
        if first_field is not None and first_field.widget() is not None:
            chain.append(first_field.widget())
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)

    def _new_line_edited(self, _text: str) -> None:
        if self._entry_error:
            self._entry_error = ""
            self._update_note()

    def _update_note(self) -> None:
        show_refusal(self.note, self._entry_error or self.add_allowed())

    def _add(self) -> None:
        if self.completer is not None:
            self.completer.popup().hide()
        line = self.new_title.text()
        if not line.strip():
            return
        refusal = self.add_allowed()
        if refusal:  # the typed text stays; the reason is said again
            self._entry_error = ""
            self._update_note()
            self.context.refused.emit(refusal)
            return
        try:
            record = self.add(line)
        except UnknownCode as error:
            self._entry_error = error.reason
            self._update_note()
            return
        if record is not None:
            self.new_title.clear()
            self._entry_error = ""
            self.refresh(select=record.id)

    def _remove(self) -> None:
        selected = self.selected_id()
        record = next((r for r in self.records() if r.id == selected), None)
        if record is not None:
            self.remove(record)
            self.refresh()

    def _stored_changed(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self, select: uuid.UUID | None = None) -> None:
        """Shows the stored records: every row, and the selected record in the editor (the
        field being typed in keeps its text; see ``show_value``)."""
        keep = select or self.selected_id()
        records = self.records()
        self.list.blockSignals(True)
        if self.list.ids() != [record.id for record in records]:
            self.list.clear()
            for record in records:
                item = QListWidgetItem()
                item.setData(ID_ROLE, record.id)
                self.list.addItem(item)
        for row, record in enumerate(records):
            text = self.item_text(record)
            item = self.list.item(row)
            if item.text() != row_text(text):
                item.setText(row_text(text))
                item.setToolTip(row_text(text, TOOLTIP_CHARACTERS))
            if record.id == keep:
                self.list.setCurrentRow(row)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.list.blockSignals(False)
        self._update_note()
        self._show_selected(records, keep_typing=self.selected_id() == self._shown_id)

    def show_stored(self) -> None:
        """Shows the selected record's stored values again (after leaving a field)."""
        self._show_selected(self.records(), keep_typing=True)

    def _selection_changed(self) -> None:
        self.context.flush()
        self._show_selected(self.records(), keep_typing=False)

    def _show_selected(self, records, *, keep_typing: bool) -> None:
        selected = self.selected_id()
        record = next((r for r in records if r.id == selected), None)
        self._shown_id = selected
        self.remove_button.setEnabled(record is not None)
        self._keep_typing = keep_typing
        try:
            self.show_record(record)
        finally:
            self._keep_typing = False
