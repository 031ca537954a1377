"""A step page holding a list of records: type a title and press Enter to add one, select one
to edit it below, Delete removes it (undoably)."""

import uuid

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
)

from interviewer.guide import Question
from interviewer.i18n import language, tr
from interviewer.ui.fields import on_delete_key
from interviewer.ui.pages.base import StepPage

ID_ROLE = Qt.ItemDataRole.UserRole


class RecordList(QListWidget):
    """The list of a record page; with ``draggable`` it is reordered by dragging."""

    def __init__(self, on_reordered=None, parent=None):
        super().__init__(parent)
        self.on_reordered = on_reordered
        if on_reordered is not None:
            self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
            self.setDefaultDropAction(Qt.DropAction.MoveAction)

    def ids(self) -> list[uuid.UUID]:
        return [self.item(row).data(ID_ROLE) for row in range(self.count())]

    def dropEvent(self, event):  # noqa: N802 - Qt's name
        super().dropEvent(event)
        # act after Qt has finished with the drop, not inside it
        QTimer.singleShot(0, lambda: self.on_reordered(self.ids()))


class RecordListPage(StepPage):
    new_placeholder = ""
    list_name = ""

    def __init__(self, context, question: Question, parent=None, *, draggable=False):
        super().__init__(context, parent)
        self.question, self.key = question, question.key
        self._shown_id: uuid.UUID | None = None
        self.add_question_header(question)

        self.new_title = QLineEdit(placeholderText=self.new_placeholder)
        self.new_title.setAccessibleName(self.new_placeholder)
        self.new_title.returnPressed.connect(self._add)
        self.body.addWidget(self.new_title)
        self.note = QLabel()
        self.note.setObjectName("refusal")
        self.note.setWordWrap(True)
        self.note.hide()
        self.body.addWidget(self.note)

        self.list = RecordList(self.reordered if draggable else None)
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

    # ------------------------------------------------------------------ for subclasses

    def records(self) -> list:
        raise NotImplementedError

    def item_text(self, record) -> str:
        raise NotImplementedError

    def add(self, title: str):
        """Adds a record through a service call; returns it, or None when refused."""
        raise NotImplementedError

    def remove(self, record) -> None:
        """Pushes an undoable removal of ``record``."""
        raise NotImplementedError

    def build_editor(self) -> None:
        raise NotImplementedError

    def show_record(self, record) -> None:
        """Fills the editor with ``record`` (None: nothing selected)."""
        raise NotImplementedError

    def reordered(self, ids: list[uuid.UUID]) -> None:
        pass

    def add_allowed(self) -> str:
        """Why no record can be added now, or "" when one can."""
        return ""

    # ------------------------------------------------------------------ shared behaviour

    def title(self) -> str:
        return self.question.title.in_language(language())

    def first_field(self):
        return self.new_title if self.new_title.isEnabled() else self.list

    def selected_id(self) -> uuid.UUID | None:
        item = self.list.currentItem()
        return item.data(ID_ROLE) if item else None

    def add_field(self, label: str, field) -> None:
        self.form.addRow(label, field)
        field.setAccessibleName(label)

    def _add(self) -> None:
        title = self.new_title.text().strip()
        if not title:
            return
        record = self.add(title)
        if record is not None:
            self.new_title.clear()
            self.refresh(select=record.id)
            if not self.new_title.isEnabled():
                self.list.setFocus()

    def _remove(self) -> None:
        selected = self.selected_id()
        record = next((r for r in self.records() if r.id == selected), None)
        if record is not None:
            self.remove(record)
            self.refresh()

    def refresh(self, select: uuid.UUID | None = None) -> None:
        """Shows the stored records. The editor is reloaded only when the selection moved to
        another record, so a refresh never overwrites text being typed."""
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
            self.list.item(row).setText(self.item_text(record))
            self.list.item(row).setToolTip(self.item_text(record))
            if record.id == keep:
                self.list.setCurrentRow(row)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.list.blockSignals(False)
        refusal = self.add_allowed()
        self.new_title.setEnabled(not refusal)
        self.note.setText(f"⚠ {refusal}" if refusal else "")
        self.note.setVisible(bool(refusal))
        if self.selected_id() != self._shown_id:
            self._show_selected(records)

    def _selection_changed(self) -> None:
        self.context.flush()
        self._show_selected(self.records())

    def _show_selected(self, records) -> None:
        selected = self.selected_id()
        record = next((r for r in records if r.id == selected), None)
        self._shown_id = selected
        self.remove_button.setEnabled(record is not None)
        self.show_record(record)
