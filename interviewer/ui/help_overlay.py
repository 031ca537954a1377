"""F1: the keyboard shortcuts, listed over the window."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from interviewer.i18n import tr


def shortcuts() -> list[tuple[str, str]]:
    return [
        ("Ctrl+N", tr("New interview (main window)")),
        ("Enter", tr("Open the selected interview (main window)")),
        ("Ctrl+0 … Ctrl+5", tr("Go to a step: respondent, questions 1–4, review")),
        ("Ctrl+Tab / Ctrl+Shift+Tab", tr("Next / previous step")),
        ("Ctrl+G", tr("Grab a quote, word for word, from any step")),
        ("Enter / Shift+Enter / Esc", tr("In the quote box: keep / new line / drop")),
        ("Ctrl+Shift+N", tr("Write notes for this step")),
        ("Ctrl+Shift+P", tr("Show or hide the side panel")),
        (tr("Enter in a “New …” field"), tr("Add a challenge, initiative or effect")),
        ("Alt+↑ / Alt+↓", tr("Move the selected challenge up or down")),
        ("Delete", tr("Remove the selected item (in a list)")),
        ("Ctrl+Z / Ctrl+Shift+Z", tr("Undo / redo a removal or a reorder")),
        ("Tab / Shift+Tab", tr("Next / previous field")),
        ("Ctrl+Shift+E", tr("Export: the study (main window) or this interview (Word)")),
        ("Ctrl+W", tr("Close the interview (everything is already saved)")),
        ("F1", tr("This help")),
    ]


class HelpOverlay(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("Keyboard shortcuts"))
        rows = shortcuts()
        table = QTableWidget(len(rows), 2)
        table.setHorizontalHeaderLabels([tr("Keys"), tr("What they do")])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAccessibleName(tr("Keyboard shortcuts"))
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a list to read, not to edit
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setWordWrap(False)
        row_height = self.fontMetrics().lineSpacing() + 14
        table.verticalHeader().setDefaultSectionSize(row_height)
        for row, (keys, meaning) in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(keys))
            table.setItem(row, 1, QTableWidgetItem(meaning))
        table.resizeColumnsToContents()
        table.setColumnWidth(0, table.columnWidth(0) + 24)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        note = QLabel(tr("Everything is saved as you type. There is no save button."))
        note.setObjectName("hint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(note)
        layout.addWidget(buttons)
        # tall enough for every row at the chosen text size, as far as the screen allows
        height = (len(rows) + 1) * row_height + self.fontMetrics().lineSpacing() * 3 + 90
        available = self.screen().availableGeometry().height() - 40 if self.screen() else 900
        self.resize(self.fontMetrics().averageCharWidth() * 100, min(height, available))
