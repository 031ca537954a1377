"""The interview list: a thin Qt table model over the summaries the domain layer returns."""

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt

from interviewer.i18n import tr
from interviewer.listing import InterviewSummary

NO_PARENT = QModelIndex()


def _columns():
    return [
        (tr("Respondent role"), lambda row: row.respondent_role),
        (tr("Service area"), lambda row: row.service_area),
        (tr("Municipality"), lambda row: row.municipality),
        (tr("Date"), lambda row: row.interview_date.isoformat()),
        (tr("Interviewer"), lambda row: row.interviewer),
        (tr("Status"), lambda row: tr(row.status.value.capitalize())),
    ]


class InterviewTableModel(QAbstractTableModel):
    def __init__(self, rows: list[InterviewSummary] | None = None, parent=None):
        super().__init__(parent)
        self._columns = _columns()
        self._rows = rows or []

    def set_rows(self, rows: list[InterviewSummary]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def summary(self, row: int) -> InterviewSummary:
        return self._rows[row]

    def rowCount(self, parent=NO_PARENT):  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=NO_PARENT):  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._columns[index.column()][1](self._rows[index.row()])
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section][0]
        return None


class InterviewFilterModel(QSortFilterProxyModel):
    """Narrows the list to rows where any column contains the typed text."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
