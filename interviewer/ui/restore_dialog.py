"""File › Restore from a backup…: the database's backups (the list ``interviewer backups``
prints), one chosen and confirmed. The restore itself is ``App.restore_from``, which closes
the database and its windows, calls ``storage.restore.restore_backup`` and reopens."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from interviewer.i18n import tr
from interviewer.storage.backup import BackupEntry, list_backups
from interviewer.ui.lifetime import deleted_after
from interviewer.ui.screen_fit import fit_to_screen


class RestoreDialog(QDialog):
    """The backups of ``db_path``, newest first; ``chosen`` is the one confirmed, or None."""

    def __init__(self, db_path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Restore from a backup"))
        self.entries: list[BackupEntry] = list_backups(db_path)
        self.chosen: Path | None = None
        explain = QLabel(
            tr(
                "Choose the state to go back to. What the database holds now is kept as a "
                "backup of its own first, so a restore can itself be undone."
            )
        )
        explain.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([tr("When"), tr("Why"), tr("Size"), tr("Interviews")])
        self.table.setAccessibleName(tr("Backups"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for entry in self.entries:
            row = self.table.rowCount()
            self.table.insertRow(row)
            cells = [
                entry.when_text(),
                entry.reason_text(),
                entry.size_text(),
                entry.interviews_text(),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if entry.raw:  # the raw files of an unreadable file: kept, not restorable
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.doubleClicked.connect(self._restore_chosen)
        self.empty = QLabel(tr("There are no backups of this database yet."))
        self.empty.setVisible(not self.entries)
        self.restore_button = QPushButton(tr("&Restore…"))
        self.restore_button.clicked.connect(self._restore_chosen)
        self.restore_button.setEnabled(False)
        cancel = QPushButton(tr("Cancel"))
        cancel.clicked.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.restore_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.resize(760, 420)
        fit_to_screen(self)
        restorable = [row for row, entry in enumerate(self.entries) if not entry.raw]
        if restorable:
            self.table.selectRow(restorable[0])
        self.table.setFocus()

    def selected(self) -> BackupEntry | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        entry = self.entries[rows[0].row()]
        return None if entry.raw else entry

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def _restore_chosen(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        answer = QMessageBox.question(
            self,
            tr("Restore from a backup"),
            confirmation(entry),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.chosen = entry.path
            self.accept()


def confirmation(entry: BackupEntry) -> str:
    """The question asked before a restore: what comes back and what happens to the rest."""
    return tr(
        "Go back to the state of {when} ({why}, {interviews})?\n\nThe open interviews are "
        "closed and the database is reopened. What it holds now is kept as a backup first.",
        when=entry.when_text(),
        why=entry.reason_text(),
        interviews=entry.interviews_text(),
    )


def choose_backup(parent: QWidget, db_path: Path) -> Path | None:
    """Shows the dialog; returns the backup chosen and confirmed, or None."""
    with deleted_after(RestoreDialog(db_path, parent)) as dialog:
        if dialog.exec():
            return dialog.chosen
    return None
