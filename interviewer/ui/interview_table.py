"""The interview list: a thin Qt table model over the summaries the domain layer returns,
and a filter that narrows it as the user types."""

from PySide6.QtCore import QAbstractTableModel, QLocale, QModelIndex, QSortFilterProxyModel, Qt

from interviewer.i18n import tr
from interviewer.listing import InterviewSummary
from interviewer.text_rules import search_text, search_words
from interviewer.wording import interview_status_labels

NO_PARENT = QModelIndex()


def _status(row: InterviewSummary) -> str:
    return interview_status_labels()[row.status]


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
    """Sorts itself (a Python sort over precomputed keys), because a proxy sorting 10,000
    rows calls back into Python hundreds of thousands of times."""

    def __init__(self, rows: list[InterviewSummary] | None = None, parent=None):
        super().__init__(parent)
        self._columns = _columns()
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self.set_rows(rows or [])

    def set_rows(self, rows: list[InterviewSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._order_rows()
        self.endResetModel()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.beginResetModel()
        self._sort = (column, order)
        self._order_rows()
        self.endResetModel()

    def _order_rows(self) -> None:
        if self._sort is not None and 0 <= self._sort[0] < len(self._columns):
            column, order = self._sort
            key = self._columns[column][2]
            self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        # what the filter searches, folded once rather than at every keystroke
        self._haystacks = [
            search_text("\t".join(shown(row) for _, shown, _ in self._columns))
            for row in self._rows
        ]

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
        shown = self._columns[index.column()][1]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return shown(self._rows[index.row()])
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section][0]
        return None


class InterviewFilterModel(QSortFilterProxyModel):
    """Keeps the rows whose text, in any column, contains every word typed (compared in
    NFC and case-folded, so a name typed and the same name pasted find the same rows)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._words: list[str] = []

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)  # the source sorts faster; see above

    def set_filter_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = search_words(text)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row, source_parent):  # noqa: N802 - Qt's name
        if not self._words:
            return True
        haystack = self.sourceModel().haystack(source_row)
        return all(word in haystack for word in self._words)
