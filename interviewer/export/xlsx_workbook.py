"""The study workbook: one sheet per record type, one row per record, UUID keys and parent
keys for joins and pivot tables, typed cells, each sheet an Excel table.

Written in openpyxl's write-only mode, streaming rows from the database (plain SQL through the
driver: the ORM's per-value conversions cost more than writing the cell), so 10,000 interviews
fit in a small amount of memory; the data rows go into openpyxl's stream through RowWriter,
which writes what openpyxl would without a cell object per value. Text is never turned into a
formula or an error value and never cut: a value longer than a cell holds continues in the
next column ("text (2)", …). Text that is not valid UTF-8 in the database reads as U+FFFD
(reading.read_only_engine).

Without personal data (ExportOptions.personal_data False) one rule covers every sheet
(anonymised): the columns marked personal and every time of day are left out, every date is
its month, and interviewers are numbered as in the reports (ethics.interviewer_labels).

The file reads back exactly: the cell limit is counted in Excel's unit (UTF-16 code units) on
the very text written; a literal ``_xHHHH_`` is escaped so Excel does not decode it; every
table's column names are unique ignoring case; a link to a removed record is left empty; and
every ordering ends with the record's id, so the same data gives the same file (only the
creation time in docProps/core.xml differs).

Sheet names and column headers are the same in every language (scripts read them by name);
the README sheet describes them in the workbook's language.
"""

import contextlib
import math
import operator
import re
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from babel import Locale
from babel.numbers import format_decimal
from lxml.etree import Element, SubElement
from openpyxl import LXML, Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableStyleInfo
from sqlalchemy import Connection, func, select
from sqlalchemy import text as sql_text
from sqlmodel import Session, col

from interviewer.export import ethics
from interviewer.export.consent import consent_sql
from interviewer.export.docx_common import check_target
from interviewer.export.options import ExportOptions, check_filter, live_condition, no_progress
from interviewer.export.reading import (
    StudyContext,
    describe_filter,
    read_only_engine,
    study_context,
)
from interviewer.export.text import FORMULA_STARTS, MARKER, looks_like_formula, writable
from interviewer.figures import figure_change
from interviewer.files import write_whole
from interviewer.guide import AnswerColumns
from interviewer.i18n import tr, tr_n
from interviewer.storage.health import naming_bad_records
from interviewer.storage.models import (
    Challenge,
    CodeKind,
    Effect,
    EffectKind,
    Initiative,
    InitiativeStatus,
    Interview,
    InterviewMode,
    InterviewStatus,
    Quote,
)

CELL_LIMIT = 32_767  # UTF-16 code units an Excel cell holds
# Text of at most this many characters always fits one cell: a character is at most two
# UTF-16 units, and an escaped "_xHHHH_" adds at most one unit per character it spans.
ONE_CELL_CHARACTERS = CELL_LIMIT // 2
SHEET_NAME_LIMIT = 31
WIDTH_LIMIT = 60  # characters: a wider column is harder to read than a wrapped one
PROGRESS_EVERY = 2_000

# The two things that make a text more than itself in a cell: a character XML cannot hold
# (shown as the marker) and a literal "_xHHHH_", which Excel and LibreOffice decode as an
# escaped character unless its "_" is escaped in turn as "_x005F_".
_ESCAPE = re.compile(r"_(?=[xX][0-9A-Fa-f]{4}_)")
# One search tells whether a text needs any of that, or starts like a formula (FORMULA_STARTS,
# the one rule of text.py): most texts need nothing and go into the cell as they are.
_NEEDS_WORK = re.compile(
    "^[" + re.escape("".join(FORMULA_STARTS)) + "]"
    r"|[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_[xX][0-9A-Fa-f]{4}_"
)


def sheet_title(name: str) -> str:
    """A valid sheet name: no []:*?/\\ and at most 31 characters."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'")
    return cleaned[:SHEET_NAME_LIMIT] or "Sheet"


# ---------------------------------------------------------------------- text in cells


def utf16_units(text: str) -> int:
    """The length of ``text`` as Excel counts it: UTF-16 code units (an emoji is two)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def escaped(text: str) -> str:
    """``text`` with every literal ``_xHHHH_`` written as ``_x005F_xHHHH_``, so a reader that
    decodes the OOXML escapes (Excel, LibreOffice) shows it as typed. Overlapping ones
    (``_x0041_x0042_``) are each escaped. openpyxl neither escapes nor decodes inline text."""
    return _ESCAPE.sub("_x005F_", text) if "_" in text else text


def cell_texts(value: str) -> list[str]:
    """``value`` as the texts written into one cell and its continuation cells: characters
    XML cannot hold replaced by the marker, ``_xHHHH_`` escaped, each part at most CELL_LIMIT
    UTF-16 units as written. A part ends between characters (Python's str never splits a
    surrogate pair) and the escape of each part is its own, so a part boundary never falls
    inside an escape: joining the decoded parts gives the text back."""
    text = writable(value)
    if len(text) <= ONE_CELL_CHARACTERS:
        return [escaped(text)]
    parts = []
    while text:
        end = min(len(text), CELL_LIMIT)
        while True:
            part = escaped(text[:end])
            over = utf16_units(part) - CELL_LIMIT
            if over <= 0:
                break
            # every character takes at most two units (with its escape, seven for one "_"
            # that no longer ends an escape): the loop ends a few units short at worst
            end -= max(1, (over + 1) // 2)
        parts.append(part)
        text = text[end:]
    return parts


class FormulaLike(str):
    """A text that starts like a formula (text.looks_like_formula): written as text with
    Excel's quote prefix, so it stays text when it is edited."""


def _text_cell(sheet, text: str):
    """One written text: a plain str, or FormulaLike when it would be a formula."""
    return FormulaLike(text) if looks_like_formula(text) else text


def _openpyxl_cell(sheet, value):
    """``value`` as openpyxl's own writing takes it: a FormulaLike as a cell forced to text
    (openpyxl would write "=…" as a formula), with the quote prefix; a text openpyxl takes
    for an error value ("#N/A") forced to text."""
    if type(value) is FormulaLike:
        cell = WriteOnlyCell(sheet, value=str(value))
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    if type(value) is str and value in ERROR_CODES:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


# ------------------------------------------------------------------ writing the rows

_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
TEXT = "inlineStr"


class RowWriter:
    """Writes a sheet's data rows into openpyxl's stream of the sheet's XML, each row one
    lxml element, as openpyxl's write-only mode writes the same values (inline strings,
    numbers as %.16g, TRUE/FALSE, dates as serial numbers with a date format) but without
    a cell object per value: the workbook's cells cost a third of openpyxl's own.

    A row is a sequence of values, one per column: None (no cell), str (text, written as
    it is: cell_texts has made it writable), FormulaLike (text with the quote prefix),
    bool, int, float, date, datetime or time. Every text is text: never a formula, and
    never an error value ("#N/A" stays the text a person typed)."""

    def __init__(self, sheet, columns: int):
        self.sheet = sheet
        self.letters = [get_column_letter(index) for index in range(1, columns + 1)]
        self.epoch = sheet.parent.epoch
        self.styles: dict[type, str] = {}  # the style of each kind of value, once it is used
        self.rows = 0  # rows written

    def style(self, kind: type, value) -> str:
        """The style id openpyxl gives a cell of ``value`` (a date's number format, the
        quote prefix of a FormulaLike), registered in the workbook at its first use, as
        openpyxl registers it: the same data gives the same styles.xml."""
        if kind not in self.styles:
            cell = WriteOnlyCell(self.sheet, value=str(value) if kind is FormulaLike else value)
            cell.quotePrefix = kind is FormulaLike
            self.styles[kind] = str(cell.style_id)
        return self.styles[kind]

    @staticmethod
    def hooked(sheet, columns: int) -> "RowWriter | None":
        """Makes ``sheet.append`` (after its header row) hand each row to a new RowWriter,
        returned; None, leaving openpyxl's own path, when openpyxl does not write through
        lxml or its write-only sheet is no longer built as this expects. The caller checks
        ``rows`` afterwards (see check): a newer openpyxl that ignored the hook would have
        written the rows itself, and a FormulaLike as a formula."""
        sheet._get_writer()
        if not (
            LXML
            and callable(getattr(sheet, "_values_to_row", None))
            and callable(getattr(sheet._writer, "write_row", None))
        ):
            return None
        writer = RowWriter(sheet, columns)
        # openpyxl's write-only sheet turns each row into cells, then writes those: here
        # the row goes to the writer as it is
        sheet._values_to_row = lambda values, _row_index: values
        sheet._writer.write_row = writer.write_row
        return writer

    def check(self, rows: int) -> None:
        """Raises RuntimeError unless the writer wrote all ``rows`` rows appended (the
        file is then never renamed into place)."""
        if self.rows != rows:
            raise RuntimeError("openpyxl did not write the rows through RowWriter")

    def write_row(self, xf, values, row_index: int) -> None:
        self.rows += 1
        number = str(row_index)
        row = Element("row", r=number)
        styles, epoch = self.styles, self.epoch
        for letter, value in zip(self.letters, values, strict=False):
            if value is None:
                continue
            kind = type(value)
            if kind is str or kind is FormulaLike:
                attributes = {"r": letter + number, "t": TEXT}
                if kind is FormulaLike:  # openpyxl's order: r, s, t
                    attributes = {"r": attributes["r"], "s": self.style(kind, value), "t": TEXT}
                text = SubElement(SubElement(SubElement(row, "c", attributes), "is"), "t")
                if value != value.strip():
                    text.set(_XML_SPACE, "preserve")
                text.text = value
            elif kind is bool:
                cell = SubElement(row, "c", r=letter + number, t="b")
                SubElement(cell, "v").text = "1" if value else "0"
            elif kind is int or kind is float:
                if not math.isfinite(value):  # no number cell holds it: marked, never empty
                    text = SubElement(
                        SubElement(SubElement(row, "c", r=letter + number, t=TEXT), "is"), "t"
                    )
                    text.text = MARKER
                    continue
                cell = SubElement(row, "c", r=letter + number, t="n")
                SubElement(cell, "v").text = format(value, ".16g")
            elif kind is date or kind is datetime or kind is time:
                style = styles.get(kind) or self.style(kind, value)
                cell = SubElement(row, "c", {"r": letter + number, "s": style, "t": "n"})
                SubElement(cell, "v").text = format(to_excel(value, epoch), ".16g")
            else:
                raise TypeError("a value the workbook does not write")
        xf.write(row)


# --------------------------------------------------------------------- stored values


_STORED_UUID = re.compile("[0-9a-f]{32}")


def _dashed(value) -> str | None:
    """A stored UUID (32 lowercase hex digits) as text with dashes; None for anything else
    (a link to no live record comes as NULL). In Python: SQLite's GLOB and substr cost
    twice as much per key."""
    if type(value) is str and _STORED_UUID.fullmatch(value):
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return None


def _id(value) -> str:
    """A record's own key or its parent's: never empty."""
    dashed = _dashed(value)
    if dashed is None:
        raise ValueError("not a stored id")
    return dashed


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _datetime(value: str | None) -> datetime | None:
    """A stored UTC timestamp, naive (Excel has no time zones)."""
    if value is None:
        return None
    stamp = datetime.fromisoformat(value)
    return stamp if stamp.tzinfo is None else stamp.astimezone(UTC).replace(tzinfo=None)


def _time(value: str | None) -> time | None:
    return None if value is None else time.fromisoformat(value)


def _number(value):
    """A stored figure as its cell: the number; MARKER (text) for inf or nan, which no cell
    can hold as a number and must not be left empty beside the figure's description."""
    if value is None or type(value) is int:
        return value
    if type(value) is float:
        return value if math.isfinite(value) else MARKER
    raise TypeError("not a stored number")


def _integer(value):
    if value is None or type(value) is int:
        return value
    raise TypeError("not a stored whole number")


def _bool(value) -> bool:
    if value in (0, 1) and type(value) in (int, bool):
        return bool(value)
    raise TypeError("not a stored yes or no")


def _enum(kind) -> Callable[[str], str]:
    values = {member.value for member in kind}

    def checked(value):
        if value not in values:
            raise ValueError("not one of the stored choices")
        return value

    return checked


def _minutes(seconds) -> float:
    """Seconds as minutes to one decimal, halves away from zero (as Excel's ROUND)."""
    seconds = _integer(seconds) or 0
    return ((seconds * 10 + 30) // 60) / 10


# --------------------------------------------------------------------------- sheets


@dataclass
class Column:
    header: str
    kind: str  # id, link, text, date, datetime, time, number, int, bool, plain (_CONVERTERS)
    width: float
    description: str
    parts: int = 1  # how many cells long text spreads over
    personal: bool = False  # left out when personal data is (see anonymised)


@dataclass
class Sheet:
    key: str
    title: str
    description: str
    columns: list[Column]
    rows: Callable[[], Iterable[tuple]]  # one tuple per record, a value per column
    count: Callable[[], int]


def unique_headers(names: list[str]) -> list[str]:
    """``names`` with each name that equals an earlier one ignoring case given a suffix
    ("_2", "_3", …) until no two are alike: Excel drops a table whose column names repeat.
    The guide refuses keys that would collide; this keeps the file valid whatever it holds."""
    taken: set[str] = set()
    result = []
    for name in names:
        candidate, number = name, 1
        while candidate.casefold() in taken:
            number += 1
            candidate = f"{name}_{number}"
        taken.add(candidate.casefold())
        result.append(candidate)
    return result


# Kinds of column an export without personal data never holds: a time of day points at a
# person as much as the exact date does (ethics.shown_time).
TIMES_OF_DAY = ("datetime", "time")


def month_header(header: str) -> str:
    """The name of a date column that holds only the month: consent_date → consent_month."""
    return header.removesuffix("_date") + "_month"


def anonymised(spec: Sheet, options: ExportOptions) -> Sheet:
    """``spec`` as an export without personal data shows it, one rule for every sheet so a
    column added later is covered too: the columns marked ``personal`` and every time of day
    or timestamp are left out; every date is its month, "YYYY-MM" (ethics.shown_date), in a
    column named by month_header. ``spec`` itself when personal data is kept."""
    if options.personal_data:
        return spec
    kept = [
        index
        for index, column in enumerate(spec.columns)
        if not column.personal and column.kind not in TIMES_OF_DAY
    ]
    columns, dates = [], []
    for position, index in enumerate(kept):
        column = spec.columns[index]
        if column.kind == "date":
            dates.append(position)
            column = replace(
                column,
                header=month_header(column.header),
                kind="plain",  # computed here
                description=column.description
                + tr(" Only the month (YYYY-MM).", lang=options.language),
            )
        columns.append(column)
    pick = operator.itemgetter(*kept)
    shown_date = ethics.shown_date
    source = spec.rows

    def rows():
        for record in source():
            values = list(pick(record)) if len(kept) > 1 else [pick(record)]
            for position in dates:
                values[position] = shown_date(_date(values[position]), options)
            yield values

    return replace(spec, columns=columns, rows=rows)


def write_workbook(
    db_path: Path,
    out_path: Path,
    options: ExportOptions | None = None,
    progress: Callable[[int, int], None] = no_progress,
) -> dict[str, int]:
    """Writes the study workbook; returns the number of rows written per sheet key.

    The file appears whole or not at all: it is written beside the target and renamed.
    """
    options = options or ExportOptions()
    out_path = Path(out_path)
    check_target(out_path)
    engine = read_only_engine(db_path)
    workbook = Workbook(write_only=True)
    try:
        with naming_bad_records(db_path), engine.connect() as connection:
            session = Session(bind=connection)
            check_filter(session, options.filter, personal_data=options.personal_data)  # no k
            context = study_context(session, options.language)
            workbook.properties.title = tr(
                "Study workbook: {study}", lang=options.language, study=context.name
            )
            workbook.properties.language = options.language
            workbook.properties.creator = "Interviewer"
            sheets = [anonymised(sheet, options) for sheet in _sheets(connection, context, options)]
            counts = [sheet.count() for sheet in sheets]
            total = sum(counts) or 1
            written, done = {}, 0
            _readme(workbook, sheets, counts, options, context)
            for sheet in sheets:
                count = 0
                for _ in _write_sheet(workbook, sheet):
                    count += 1
                    done += 1
                    if done % PROGRESS_EVERY == 0:
                        progress(done, total)
                written[sheet.key] = count
            progress(total, total)
            write_whole(out_path, workbook.save)
    except BaseException:
        _discard(workbook)
        raise
    finally:
        engine.dispose()
    return written


def _print_fitted(sheet, *, repeat_header: bool = True) -> None:
    """Printed (or turned into PDF), a sheet is landscape and one page wide."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if repeat_header:
        sheet.print_title_rows = "1:1"  # the header on every printed page


def _discard(workbook: Workbook) -> None:
    """Closes the half-written sheets here and now: their XML writers must not be left for
    the garbage collector, which may run them on another thread."""
    for sheet in workbook.worksheets:
        # already failing: the first error is the one to report
        with contextlib.suppress(Exception):
            sheet.close()


def column_width(header: str, declared: float) -> float:
    """A column as wide as its content is expected to be (``declared``) and never narrower
    than its header with the filter button beside it; at most WIDTH_LIMIT."""
    return min(WIDTH_LIMIT, max(declared, len(header) * 1.15 + 4))


def _write_sheet(workbook: Workbook, spec: Sheet) -> Iterator[None]:
    sheet = workbook.create_sheet(sheet_title(spec.title))
    headers, widths = [], []
    for column in spec.columns:
        for part in range(column.parts):
            headers.append(column.header if part == 0 else f"{column.header} ({part + 1})")
            widths.append(column.width)
    headers = unique_headers(headers)
    for index, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column_width(header, width)
    sheet.freeze_panes = "A2"
    _print_fitted(sheet)
    bold = Font(bold=True)
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=escaped(text))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    rows = 0
    append = sheet.append
    writer = RowWriter.hooked(sheet, len(headers))
    if writer is None:

        def append(values):  # openpyxl's own cells: a FormulaLike must not become a formula
            sheet.append([_openpyxl_cell(sheet, value) for value in values])

    if all(column.parts == 1 for column in spec.columns):
        plan = [_converter(sheet, column.kind) for column in spec.columns]
        for record in spec.rows():
            append([convert(value) for convert, value in zip(plan, record, strict=True)])
            rows += 1
            yield
    else:
        long_plan = [(column.parts, _converter(sheet, column.kind)) for column in spec.columns]
        for record in spec.rows():
            values = []
            for (parts, convert), value in zip(long_plan, record, strict=True):
                if parts == 1:
                    values.append(convert(value))
                    continue
                texts = cell_texts(value) if value else []
                values += [_text_cell(sheet, text) for text in texts]
                values += [None] * (parts - len(texts))
            append(values)
            rows += 1
            yield
    if writer is not None:
        writer.check(rows)
    last = f"{get_column_letter(len(headers))}{rows + 1}"
    if rows:
        name = f"{spec.key.capitalize()}Table"
        table = Table(displayName=name, ref=f"A1:{last}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        # write-only mode: the table's column names must be given, equal to the headers
        table._initialise_columns()
        for table_column, header in zip(table.tableColumns, headers, strict=True):
            table_column.name = escaped(header)
        with warnings.catch_warnings():
            # openpyxl warns in write-only mode to name the columns by hand: done above
            warnings.simplefilter("ignore", UserWarning)
            sheet.add_table(table)
    else:
        sheet.auto_filter.ref = f"A1:{last}"


def _converter(sheet, kind: str) -> Callable[[Any], Any]:
    """How a value of ``kind`` becomes the cell a user expects: dates as dates, numbers as
    numbers, yes/no as TRUE/FALSE, text as text even when it starts with "=". A text column
    of one part holds texts that fit one cell (its parts are counted before it is written)."""
    if kind == "text":

        def text_cell(value):
            if not value:
                return None  # an empty cell, not a cell holding ""
            if type(value) is not str:
                raise TypeError("not stored text")
            if (  # most texts: printable (so nothing XML refuses), no escape, no formula
                value.isprintable()
                and "_x" not in value
                and "_X" not in value
                and value[0] not in FORMULA_STARTS
                and len(value) <= ONE_CELL_CHARACTERS
            ):
                return value
            if len(value) > ONE_CELL_CHARACTERS or _NEEDS_WORK.search(value):
                (value,) = cell_texts(value)
                return _text_cell(sheet, value)
            return value

        return text_cell
    return _CONVERTERS[kind]


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "id": _id,
    "link": _dashed,  # a key of a record that may be gone: empty then
    "date": _date,
    "datetime": _datetime,
    "time": _time,
    "number": _number,
    "int": _integer,
    "bool": _bool,
    "plain": lambda value: value,  # computed here: already what the cell holds
}


def _readme(
    workbook: Workbook,
    sheets: list[Sheet],
    counts: list[int],
    options: ExportOptions,
    context: StudyContext,
) -> None:
    lang = options.language
    sheet = workbook.create_sheet("README")
    _print_fitted(sheet, repeat_header=False)
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 34
    sheet.column_dimensions["C"].width = 90
    wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    bold = Font(bold=True)

    locale = lang if lang in ("da", "en") else "en"

    def number(value: int) -> str:
        return format_decimal(value, locale=locale)  # 1,250 in English, 1.250 in Danish

    written = 0

    def line(*values, strong=False):
        nonlocal written
        written += 1
        texts = [escaped(writable(str(value))) for value in values]
        # wrapped text needs a row tall enough for it: readers do not all grow rows
        longest = max((len(text) for text in texts), default=0)
        if longest > 95:
            sheet.row_dimensions[written].height = 15 * math.ceil(longest / 95)
        cells = []
        for text in texts:
            cell = WriteOnlyCell(sheet, value=text or None)
            if text:
                cell.data_type = "s"  # never a formula, whatever the study is called
            # long text wraps; short text runs on into the empty cell beside it
            cell.alignment = wrap if len(text) > 95 else top
            if strong:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)

    def t(text, **values):
        return tr(text, lang=lang, **values)

    line(t("Interviewer study workbook"), strong=True)
    line(t("Study"), context.name)
    line(
        t("Interviews covered"),
        describe_filter(options.filter, context, personal_data=options.personal_data) or t("all"),
    )
    line(t("Language"), Locale.parse(locale).get_display_name(locale))
    line(
        t("Personal data"),
        t("included") if options.personal_data else t("left out"),
        ""
        if options.personal_data
        else t(
            "Left out: {removed}. Kept, and possibly identifying: {kept}.",
            removed="; ".join(ethics.in_words(ethics.PERSONAL_DATA_REMOVED, lang)),
            kept="; ".join(ethics.in_words(ethics.POSSIBLY_IDENTIFYING, lang)),
        ),
    )
    line(
        t("Consent"),
        "",
        t(
            "Every interview's recorded consent is in the Interviews sheet (consent_given, "
            "and consent_date, or consent_month when personal data is left out). The workbook "
            "lists every quote; the reports leave out quotes of interviews without recorded "
            "consent unless asked to include them."
        ),
    )
    line(t("Quotes"), "", t("speaker_role holds the role only, never a name."))
    line(
        t("Record keys"),
        "",
        t(
            "Every record has its own UUID; child records carry their parents' UUIDs "
            "(interview_id, initiative_id, …), so sheets join on them and pivot tables just work.",
        ),
    )
    line(
        t("Removed records"),
        "",
        t(
            "Removed records are not listed, nor the effects of a removed initiative. A link "
            "to a removed challenge or initiative is left empty, so every key in a sheet is "
            "found in the sheet it points at."
        ),
    )
    line(
        t("Long text"),
        "",
        t(
            "A cell holds at most 32,767 characters as Excel counts them (an emoji counts "
            "two). Longer text continues in the next column, named like the first with "
            "(2), (3), …; join them to read the whole text.",
        ),
    )
    line(
        t("Text"),
        "",
        t(
            "Text is stored as text, also when it starts with =, +, - or @. Characters a "
            "spreadsheet cannot hold are shown as {marker}.",
            marker=MARKER,
        ),
    )
    line(
        t("Escapes"),
        "",
        t(
            "A literal _xHHHH_ in a text (such as _x000D_) is written as _x005F_xHHHH_, the "
            "escape of Office Open XML (ECMA-376 Part 1, §22.9.2.19 ST_Xstring): Excel and "
            "LibreOffice show it as typed, while openpyxl and pandas read it as _x005F_xHHHH_."
        ),
    )
    line(t("Yes and no"), "", t("Yes/no columns hold TRUE or FALSE."))
    line(t("Times"), "", t("Timestamps are in UTC."))
    line()
    line(t("Sheet"), t("Rows"), t("What it holds"), strong=True)
    for spec, count in zip(sheets, counts, strict=True):
        line(spec.title, number(count), spec.description)
    line()
    line(t("Sheet"), t("Column"), t("What it holds"), strong=True)
    for spec in sheets:
        line(spec.title, "", spec.description, strong=True)
        for column in spec.columns:
            extra = (
                tr_n(
                    " Continues in {count} more column.",
                    " Continues in {count} more columns.",
                    column.parts - 1,
                    lang=lang,
                )
                if column.parts > 1
                else ""
            )
            line("", column.header, column.description + extra)


def _sheets(connection: Connection, context: StudyContext, options: ExportOptions) -> list[Sheet]:
    lang = options.language
    ids_query = options.filter.interview_ids_query()
    chosen = {key.hex for key in connection.execute(ids_query).scalars()}
    chosen_subquery = select(ids_query.subquery().c.id)
    raw = connection.connection.driver_connection  # the sqlite3 connection: plain values

    def t(text, **values):
        return tr(text, lang=lang, **values)

    def counter(model):
        key = model.id if model is Interview else model.interview_id
        # the rows a sheet lists, counted by the same rule (README's counts, the progress)
        conditions = [col(key).in_(chosen_subquery), sql_text(live_condition(model.__tablename__))]
        return lambda: connection.execute(
            select(func.count()).select_from(model).where(*conditions)
        ).scalar_one()

    def parts(sql: str, params=()) -> int:
        """How many cells the longest of the texts ``sql`` selects (interview id, text)
        spreads over, counted on the texts as written (cell_texts). SQL only narrows: a text
        of fewer bytes than ONE_CELL_CHARACTERS always fits one cell (length() of the blob:
        length() of text stops at a NUL)."""
        longest = 1
        for interview_id, text in raw.execute(
            f"SELECT * FROM ({sql}) WHERE length(CAST(text AS BLOB)) > ?",
            (*params, ONE_CELL_CHARACTERS),
        ):
            if interview_id in chosen and type(text) is str:
                longest = max(longest, len(cell_texts(text)))
        return longest

    def child_parts(table: str, column: str) -> int:
        return parts(
            f'SELECT interview_id, "{column}" AS text FROM "{table}" WHERE deleted_at IS NULL'
        )

    def interview_parts(column: str) -> int:
        return parts(f'SELECT id AS interview_id, "{column}" AS text FROM interview')

    def labeller(kind: CodeKind) -> Callable[[str | None], str | None]:
        """The label of a code of ``kind`` (the code itself when the codebook has none)."""
        labels = {code: text for (of, code), text in context.labels.items() if of is kind}
        return lambda code: None if code is None else labels.get(code, code)

    area_label = labeller(CodeKind.SERVICE_AREA)
    theme_label = labeller(CodeKind.CHALLENGE_THEME)
    category_label = labeller(CodeKind.INITIATIVE_CATEGORY)
    guide = context.guide
    label_parts = max(
        (len(cell_texts(text)) for text in context.labels.values() if text), default=1
    )
    # every interviewer of the study, named as ethics says (numbered when personal data is
    # left out: the same number as in the reports), by stored id
    interviewer_names = {
        key.hex: name
        for key, name in ethics.interviewer_labels(
            [
                (uuid.UUID(hex=key), name)
                for key, name in raw.execute(
                    "SELECT id, name FROM interviewer WHERE study_id = ?",
                    (context.study_id.hex,),
                )
            ],
            options,
        ).items()
    }

    # ---------------------------------------------------------------- interviews
    scales = [(q, s) for q in guide.questions for s in q.scales]
    names = AnswerColumns
    interview_columns = [
        Column("interview_id", "id", 38, t("The interview's UUID.")),
        Column(
            "interviewer",
            "text",
            22,
            t("Who held the interview; empty when nobody is recorded."),
            max((len(cell_texts(name)) for name in interviewer_names.values()), default=1),
        ),
        Column(
            "respondent_role",
            "text",
            36,
            t("The respondent's role or title."),
            interview_parts("respondent_role"),
        ),
        Column(
            "service_area", "text", 18, t("Service area (code)."), interview_parts("service_area")
        ),
        Column("service_area_label", "text", 30, t("Service area (label)."), label_parts),
    ]
    interview_columns += [
        Column(
            "municipality",
            "text",
            18,
            t("Municipality."),
            interview_parts("municipality"),
            personal=True,
        ),
        Column(
            "respondent_name",
            "text",
            24,
            t("The respondent's name (personal data)."),
            interview_parts("respondent_name"),
            personal=True,
        ),
        Column("consent_given", "bool", 10, t("Consent recorded (TRUE/FALSE).")),
        Column("consent_date", "date", 12, t("When consent was given.")),
        Column("interview_date", "date", 12, t("Date of the interview.")),
        Column("start_time", "time", 10, t("Start time.")),
        Column("end_time", "time", 10, t("End time.")),
        Column(
            "location",
            "text",
            26,
            t("Where it took place."),
            interview_parts("location"),
            personal=True,
        ),
    ]
    interview_columns += [
        Column("mode", "plain", 10, t("in_person, video or phone.")),
        Column("status", "plain", 10, t("draft or complete.")),
    ]
    for question, scale in scales:
        rating, dont_know = names.rating(question, scale), names.dont_know(question, scale)
        interview_columns.append(
            Column(
                rating,
                "int",
                12,
                t(
                    "Rating 1-5 of “{scale}” (question {number}); empty if not given.",
                    scale=scale.label.in_language(lang),
                    number=question.number,
                ),
            )
        )
        interview_columns.append(
            Column(dont_know, "bool", 12, t("TRUE when the answer was “don't know”."))
        )
    for question in guide.questions:
        interview_columns.append(
            Column(
                names.notes(question),
                "text",
                40,
                t("Notes to question {number}.", number=question.number),
                parts(
                    "SELECT interview_id, notes AS text FROM answer WHERE question_key = ?",
                    (question.key,),
                ),
            )
        )
        interview_columns.append(
            Column(
                names.minutes(question),
                "plain",
                10,
                t("Minutes spent on question {number}.", number=question.number),
            )
        )
    interview_columns.append(
        Column(
            "created_device",
            "text",
            20,
            t("The device that created the record."),
            interview_parts("created_device"),
            personal=True,  # often named after its owner
        )
    )
    interview_columns += [
        Column("created_at", "datetime", 19, t("When the record was created (UTC).")),
        Column("updated_at", "datetime", 19, t("When it was last changed (UTC).")),
    ]

    modes, statuses = _enum(InterviewMode), _enum(InterviewStatus)

    def interview_rows():
        ratings: dict[str, dict] = {}
        for interview_id, question_key, scale_key, value, dont_know in raw.execute(
            "SELECT interview_id, question_key, scale_key, value, dont_know FROM rating"
        ):
            if interview_id in chosen:
                ratings.setdefault(interview_id, {})[(question_key, scale_key)] = (
                    value,
                    dont_know,
                )
        answers: dict[str, dict] = {}
        for interview_id, question_key, notes, seconds in raw.execute(
            "SELECT interview_id, question_key, notes, seconds_spent FROM answer"
        ):
            if interview_id in chosen:
                answers.setdefault(interview_id, {})[question_key] = (notes, seconds)
        query = (
            "SELECT i.id, i.id, i.interviewer_id, i.respondent_role, i.service_area,"
            " i.municipality,"
            f" i.respondent_name, {consent_sql('i.consent_given')}, i.consent_date,"
            " i.interview_date,"
            " i.start_time, i.end_time, i.location, i.mode, i.status, i.created_device,"
            " i.created_at, i.updated_at"
            " FROM interview i"
            " WHERE i.deleted_at IS NULL"
            " ORDER BY i.interview_date, i.created_at, i.id"
        )
        no_answer = (None, 0)
        for (
            interview_id,
            key,
            interviewer_id,
            role,
            area,
            municipality,
            name,
            consent,
            consent_date,
            interview_date,
            start,
            end,
            location,
            mode,
            status,
            device,
            created,
            updated,
        ) in raw.execute(query):
            if interview_id not in chosen:
                continue
            row = [
                key,
                interviewer_names.get(interviewer_id),
                role,
                area,
                area_label(area),
                municipality,
                name,
                consent,
                consent_date,
                interview_date,
                start,
                end,
                location,
                modes(mode),
                statuses(status),
            ]
            given = ratings.get(interview_id, {})
            for question, scale in scales:
                value, dont_know = given.get((question.key, scale.key), (None, 0))
                row += [value, dont_know]
            noted = answers.get(interview_id, {})
            for question in guide.questions:
                notes, seconds = noted.get(question.key, no_answer)
                row += [notes, _minutes(seconds)]
            row += [device, created, updated]
            yield row

    # ---------------------------------------------------------------- children
    def child_rows(sql: str, convert=None):
        """Rows of ``sql`` (its first column the interview id, left out of the row) of the
        chosen interviews."""

        def rows():
            for row in raw.execute(sql):
                if row[0] in chosen:
                    yield row[1:] if convert is None else convert(row[1:])

        return rows

    challenge_columns = [
        Column("challenge_id", "id", 38, t("The challenge's UUID.")),
        Column("interview_id", "id", 38, t("The interview it belongs to (Interviews sheet).")),
        Column("rank", "int", 6, t("1 = the most significant.")),
        Column("title", "text", 36, t("Short title."), child_parts("challenge", "title")),
        Column(
            "description", "text", 60, t("Description."), child_parts("challenge", "description")
        ),
        Column(
            "theme",
            "text",
            24,
            t("Theme (code from the codebook)."),
            child_parts("challenge", "theme_code"),
        ),
        Column("theme_label", "text", 36, t("Theme (label)."), label_parts),
    ]
    challenge_rows = child_rows(
        f"SELECT interview_id, id, interview_id, rank, title, description,"
        " theme_code, theme_code"
        f" FROM challenge WHERE {live_condition('challenge')} ORDER BY interview_id, rank, id",
        lambda r: (*r[:6], theme_label(r[6])),
    )
    initiative_columns = [
        Column("initiative_id", "id", 38, t("The initiative's UUID.")),
        Column("interview_id", "id", 38, t("The interview it belongs to (Interviews sheet).")),
        Column("position", "int", 8, t("Order within the interview, from 0.")),
        Column("title", "text", 36, t("Short title."), child_parts("initiative", "title")),
        Column(
            "description", "text", 60, t("Description."), child_parts("initiative", "description")
        ),
        Column(
            "category",
            "text",
            24,
            t("Category (code from the codebook)."),
            child_parts("initiative", "category_code"),
        ),
        Column("category_label", "text", 34, t("Category (label)."), label_parts),
        Column("status", "plain", 11, t("planned, underway, completed or stopped.")),
        Column("start_date", "date", 12, t("When it started.")),
    ]
    initiative_statuses = _enum(InitiativeStatus)
    initiative_rows = child_rows(
        f"SELECT interview_id, id, interview_id, position, title,"
        " description, category_code,"
        " category_code, status, start_date"
        f" FROM initiative WHERE {live_condition('initiative')}"
        " ORDER BY interview_id, position, id",
        lambda r: (
            *r[:6],
            category_label(r[6]),
            initiative_statuses(r[7]),
            r[8],
        ),
    )
    effect_columns = [
        Column("effect_id", "id", 38, t("The effect's UUID.")),
        Column(
            "initiative_id",
            "link",
            38,
            t("The initiative it belongs to (Initiatives sheet); empty when it was removed."),
        ),
        Column("interview_id", "id", 38, t("The interview it belongs to (Interviews sheet).")),
        Column("kind", "plain", 10, t("measured, observed, expected or none_yet.")),
        Column("description", "text", 60, t("Description."), child_parts("effect", "description")),
        Column(
            "metric", "text", 34, t("What the figure measures."), child_parts("effect", "metric")
        ),
        Column("baseline", "number", 10, t("The figure before.")),
        Column("current", "number", 10, t("The figure now.")),
        Column(
            "change",
            "plain",
            10,
            t("current − baseline, when both are given, to the decimals of the two figures."),
        ),
        Column("unit", "text", 12, t("Unit of the figure."), child_parts("effect", "unit")),
        Column(
            "period", "text", 14, t("Period the figure covers."), child_parts("effect", "period")
        ),
    ]
    effect_kinds = _enum(EffectKind)

    def with_change(r):
        baseline, current = _number(r[6]), _number(r[7])
        if MARKER in (baseline, current):
            difference = None if None in (baseline, current) else MARKER
        else:
            difference = _number(figure_change(baseline, current))
        return (*r[:3], effect_kinds(r[3]), *r[4:8], difference, *r[8:])

    # A link to a removed record (or one outside the chosen interviews) is left empty rather
    # than listing the removed record: the sheets hold live records only, counted as the
    # reports and `interviewer check` count them, and every key found joins.
    live_initiatives = "SELECT id, interview_id FROM initiative WHERE deleted_at IS NULL"
    effect_rows = child_rows(
        f"SELECT e.interview_id, e.id, n.id, e.interview_id,"
        " e.kind, e.description, e.metric,"
        " e.baseline, e.current, e.unit, e.period"
        f" FROM effect e LEFT JOIN ({live_initiatives}) n"
        " ON n.id = e.initiative_id AND n.interview_id = e.interview_id"
        # the one rule of a live record: an effect of a removed initiative is not one
        f" WHERE e.id IN (SELECT id FROM effect WHERE {live_condition('effect')})"
        " ORDER BY e.interview_id, e.initiative_id, e.position, e.id",
        with_change,
    )
    quote_columns = [
        Column("quote_id", "id", 38, t("The quote's UUID.")),
        Column("interview_id", "id", 38, t("The interview it belongs to (Interviews sheet).")),
        Column("text", "text", 70, t("The quote, word for word."), child_parts("quote", "text")),
        Column(
            "speaker_role",
            "text",
            30,
            t("Who said it, by role."),
            child_parts("quote", "speaker_role"),
        ),
        Column(
            "question",
            "text",
            12,
            t("The question it answers (key)."),
            child_parts("quote", "question_key"),
        ),
        Column(
            "theme",
            "text",
            24,
            t("Theme (code from the codebook)."),
            child_parts("quote", "theme_code"),
        ),
        Column("theme_label", "text", 34, t("Theme (label)."), label_parts),
        Column(
            "challenge_id",
            "link",
            38,
            t("A challenge it is about (Challenges sheet); empty when it was removed."),
        ),
        Column(
            "initiative_id",
            "link",
            38,
            t("An initiative it is about (Initiatives sheet); empty when it was removed."),
        ),
        Column("use_in_report", "bool", 12, t("TRUE when marked for the report.")),
        Column(
            "consent_given",
            "bool",
            10,
            t("TRUE when the interview's consent is recorded (as in the Interviews sheet)."),
        ),
        Column(
            "seconds_into_interview",
            "int",
            12,
            t("Time into the interview at the first keystroke, in seconds."),
        ),
        Column("captured_at", "datetime", 19, t("Clock time of the first keystroke (UTC).")),
    ]
    quote_rows = child_rows(
        f"SELECT q.interview_id, q.id, q.interview_id, q.text,"
        " q.speaker_role, q.question_key, q.theme_code, q.theme_code,"
        f" c.id, n.id, q.use_in_report, {consent_sql('i.consent_given')},"
        " q.offset_seconds, q.captured_at FROM quote q"
        " JOIN interview i ON i.id = q.interview_id"
        " LEFT JOIN (SELECT id, interview_id FROM challenge WHERE deleted_at IS NULL) c"
        " ON c.id = q.challenge_id AND c.interview_id = q.interview_id"
        f" LEFT JOIN ({live_initiatives}) n"
        " ON n.id = q.initiative_id AND n.interview_id = q.interview_id"
        f" WHERE q.id IN (SELECT id FROM quote WHERE {live_condition('quote')})"
        " ORDER BY q.interview_id, q.created_at, q.id",
        lambda r: (*r[:6], theme_label(r[6]), *r[7:]),
    )
    code_kinds = _enum(CodeKind)
    codebook = [
        (code_kinds(row[0]), *row[1:])
        for row in raw.execute(
            "SELECT kind, code, label_en, label_da, description_en, description_da"
            " FROM codebook_entry WHERE study_id = ? ORDER BY kind, position, code, id",
            (context.study_id.hex,),
        )
    ]

    def codebook_parts(index: int) -> int:
        texts = [row[index] for row in codebook if type(row[index]) is str and row[index]]
        return max((len(cell_texts(text)) for text in texts), default=1)

    codebook_columns = [
        Column("kind", "plain", 20, t("challenge_theme, initiative_category or service_area.")),
        Column("code", "text", 34, t("The code used in the other sheets."), codebook_parts(1)),
        Column("label_en", "text", 40, t("Label in English."), codebook_parts(2)),
        Column("label_da", "text", 40, t("Label in Danish."), codebook_parts(3)),
        Column("description_en", "text", 60, t("Description in English."), codebook_parts(4)),
        Column("description_da", "text", 60, t("Description in Danish."), codebook_parts(5)),
    ]
    return [
        Sheet(
            "interviews",
            "Interviews",
            t("One row per interview, with its ratings, notes and time per question."),
            interview_columns,
            interview_rows,
            counter(Interview),
        ),
        Sheet(
            "challenges",
            "Challenges",
            t("One row per ranked challenge."),
            challenge_columns,
            challenge_rows,
            counter(Challenge),
        ),
        Sheet(
            "initiatives",
            "Initiatives",
            t("One row per initiative."),
            initiative_columns,
            initiative_rows,
            counter(Initiative),
        ),
        Sheet(
            "effects",
            "Effects",
            t("One row per effect of an initiative, with its figure."),
            effect_columns,
            effect_rows,
            counter(Effect),
        ),
        Sheet(
            "quotes",
            "Quotes",
            t("One row per quote."),
            quote_columns,
            quote_rows,
            counter(Quote),
        ),
        Sheet(
            "codebook",
            "Codebook",
            t("The study's codes and their labels."),
            codebook_columns,
            lambda: iter(codebook),
            lambda: len(codebook),
        ),
    ]
