"""F1: every keyboard shortcut of both windows, listed over the window and read by keyboard.

The window commands come from the table that builds the menus (ui/commands.py), so the list
cannot drift from the keys; the keys that belong to fields and lists are listed below them.
"""

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
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

from interviewer.guide import Guide
from interviewer.i18n import tr
from interviewer.ui.commands import all_commands, interview_menus, key_text, main_menus, plain
from interviewer.ui.commands import step_titles as guide_steps
from interviewer.ui.tab_order import keep_visual_tab_order


def field_keys() -> list[tuple[str, str]]:
    """Keys that belong to a field or a list rather than to a window."""
    return [
        ("Alt+" + tr("letter"), tr("Open a menu (the underlined letter)")),
        ("Tab / Shift+Tab", tr("Next / previous field")),
        (tr("Enter in a “New …” field"), tr("Add a challenge, initiative or effect")),
        ("Alt+↑ / Alt+↓", tr("Move the selected challenge up or down")),
        ("Delete", tr("Remove the selected item (in a list)")),
        ("Enter / Shift+Enter / Esc", tr("In the quote box: keep / new line / drop")),
        ("↑ / ↓ / Enter", tr("In the filter box: choose an interview / open it")),
    ]


# Parts of the app that add rows for their own keys (a step page's quick entry, say): each a
# function giving (keys, what they do), called when the help opens, so tr() uses the language
# of that moment. See add_help_rows.
_extra_rows: list[Callable[[], list[tuple[str, str]]]] = []


def add_help_rows(rows: Callable[[], list[tuple[str, str]]]) -> None:
    """Lists more keys under "In fields and lists": ``rows()`` gives (keys, what they do),
    translated. Call it once, at import of the module whose keys they are."""
    if rows not in _extra_rows:
        _extra_rows.append(rows)


def shortcuts(guide: Guide, steps: list[str] | None = None) -> list[tuple[str, str, str]]:
    """(keys, what they do, where) for every command of both windows and the field keys."""
    rows = []
    for where, menus in (
        (tr("Main window"), main_menus()),
        (tr("Interview window"), interview_menus(steps or guide_steps(guide))),
    ):
        for command in all_commands(menus):
            keys = key_text(command)
            if keys:
                rows.append((keys, command.help or plain(command.text).rstrip("…"), where))
    fields = tr("In fields and lists")
    extra = [row for rows_of in _extra_rows for row in rows_of()]
    rows += [(keys, meaning, fields) for keys, meaning in [*field_keys(), *extra]]
    return rows


class HelpOverlay(QDialog):
    """The list of shortcuts; the table takes the focus, so arrows, Page Down and End scroll
    it, and Esc closes."""

    def __init__(self, guide: Guide, parent=None, *, steps: list[str] | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("Keyboard shortcuts"))
        self.rows = shortcuts(guide, steps)
        table = QTableWidget(len(self.rows), 3)
        self.table = table
        table.setHorizontalHeaderLabels([tr("Keys"), tr("What they do"), tr("Where")])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAccessibleName(tr("Keyboard shortcuts"))
        table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # read by keyboard: arrows, Page Down
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setTabKeyNavigation(False)
        table.setWordWrap(True)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        bold = QFont(self.font())
        bold.setBold(True)
        for row, (keys, meaning, where) in enumerate(self.rows):
            key_item = QTableWidgetItem(keys)
            key_item.setFont(bold)
            table.setItem(row, 0, key_item)
            table.setItem(row, 1, QTableWidgetItem(meaning))
            table.setItem(row, 2, QTableWidgetItem(where))
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setCurrentCell(0, 0)
        note = QLabel(tr("Everything is saved as you type. There is no save button."))
        note.setObjectName("hint")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(note)
        layout.addWidget(buttons)
        keep_visual_tab_order(self)
        # as large as the rows need, never larger than the screen: the table scrolls the rest
        metrics = self.fontMetrics()
        width = metrics.averageCharWidth() * 110
        height = (len(self.rows) + 2) * (metrics.lineSpacing() + 12) + metrics.lineSpacing() * 4
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            width, height = min(width, screen.width() - 40), min(height, screen.height() - 60)
        self.resize(width, height)
        table.setFocus()
