"""The interview list: a thin Qt table model over the summaries the domain layer returns,
and a filter that narrows it as the user types."""

from PySide6.QtCore import QAbstractTableModel, QLocale, QModelIndex, QSortFilterProxyModel, Qt

from interviewer.i18n import tr
from interviewer.listing import InterviewSummary

NO_PARENT = QModelIndex()
SORT_ROLE = Qt.ItemDataRole.UserRole


def _status(row: InterviewSummary) -> str:
    return tr("Complete") if row.status == "complete" else tr("Draft")


def _columns():
    """(header, text shown, sort key) for each column."""
    date_format = QLocale().dateFormat(QLocale.FormatType.ShortFormat)
    return [
        (tr("Respondent role"), lambda r: r.respondent_role, lambda r: r.respondent_role.lower()),
        (tr("Service area"), lambda r: r.service_area, lambda r: r.service_area.lower()),
        (tr("Municipality"), lambda r: r.municipality, lambda r: r.municipality.lower()),
        (
            tr("Date"),
            lambda r: QLocale().toString(r.interview_date, date_format),
            lambda r: r.interview_date.isoformat(),
        ),
        (tr("Interviewer"), lambda r: r.interviewer, lambda r: r.interviewer.lower()),
        (tr("Status"), _status, lambda r: str(r.status)),
        (
            tr("Answered"),
            lambda r: tr("{answered} of {questions}", answered=r.answered, questions=r.questions),
            lambda r: r.answered,
        ),
    ]


class InterviewTableModel(QAbstractTableModel):
    def __init__(self, rows: list[InterviewSummary] | None = None, parent=None):
        super().__init__(parent)
        self._columns = _columns()
        self.set_rows(rows or [])

    def set_rows(self, rows: list[InterviewSummary]) -> None:
        self.beginResetModel()
        self._rows = rows
        # what the filter searches, lower-cased once rather than at every keystroke
        self._haystacks = [
            "\t".join(shown(row) for _, shown, _ in self._columns).lower() for row in rows
        ]
        self.endResetModel()

    def summary(self, row: int) -> InterviewSummary:
        return self._rows[row]

    def haystack(self, row: int) -> str:
        return self._haystacks[row]

    def row_of(self, interview_id) -> int | None:
        return next((n for n, row in enumerate(self._rows) if row.id == interview_id), None)

    def rowCount(self, parent=NO_PARENT):  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=NO_PARENT):  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        _, shown, sort_key = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return shown(self._rows[index.row()])
        if role == SORT_ROLE:
            return sort_key(self._rows[index.row()])
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section][0]
        return None


class InterviewFilterModel(QSortFilterProxyModel):
    """Keeps the rows whose text, in any column, contains every word typed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._words: list[str] = []
        self.setSortRole(SORT_ROLE)

    def set_filter_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = text.lower().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row, source_parent):  # noqa: N802 - Qt's name
        if not self._words:
            return True
        haystack = self.sourceModel().haystack(source_row)
        return all(word in haystack for word in self._words)
