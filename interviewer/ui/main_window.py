"""The main window: the interviews in the open database, a filter box, and the file's health."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from interviewer.i18n import language, tr
from interviewer.listing import list_interviews
from interviewer.storage.database import Database
from interviewer.ui.interview_table import InterviewFilterModel, InterviewTableModel


class MainWindow(QMainWindow):
    def __init__(self, database: Database):
        super().__init__()
        self.database = database
        self.setWindowTitle(tr("Interviewer — {file}", file=Path(database.path).name))

        self.filter_box = QLineEdit(placeholderText=tr("Filter interviews…"))
        self.filter_box.setAccessibleName(tr("Filter interviews"))
        self.filter_box.setClearButtonEnabled(True)

        self.model = InterviewTableModel(parent=self)
        self.proxy = InterviewFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setAccessibleName(tr("Interviews"))
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.filter_box.textChanged.connect(self.proxy.setFilterFixedString)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(12, 12, 12, 6)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.table)
        self.setCentralWidget(central)

        self.db_label = QLabel()
        self.statusBar().addWidget(self.db_label, 1)
        self.reload()
        self.resize(1100, 680)

    def reload(self) -> None:
        with self.database.session() as session:
            rows = list_interviews(session=session, language=language())
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.db_label.setText(
            tr("{file} · {count} interviews · healthy", file=self.database.path, count=len(rows))
        )
