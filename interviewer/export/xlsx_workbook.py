"""The study workbook: one sheet per record type, one row per record, UUID keys and parent
keys for joins and pivot tables, typed cells, each sheet an Excel table.

Written in openpyxl's write-only mode, streaming rows from the database, so 10,000 interviews
fit in a small amount of memory. Text is never turned into a formula and never cut: a value
longer than a cell holds continues in the next column ("text (2)", …).
"""

import contextlib
import math
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableStyleInfo
from sqlalchemy import Connection, func, select
from sqlmodel import Session, col

from interviewer.export.docx_common import check_target
from interviewer.export.options import ExportOptions, no_progress
from interviewer.export.reading import (
    StudyContext,
    describe_filter,
    read_only_engine,
    study_context,
)
from interviewer.export.text import looks_like_formula, writable
from interviewer.files import write_whole
from interviewer.i18n import tr
from interviewer.storage.health import naming_bad_records
from interviewer.storage.models import (
    Answer,
    Challenge,
    CodebookEntry,
    CodeKind,
    Effect,
    Initiative,
    Interview,
    Interviewer,
    Quote,
    Rating,
)

CELL_LIMIT = 32_767  # characters an Excel cell holds
SHEET_NAME_LIMIT = 31
PROGRESS_EVERY = 2_000


def sheet_title(name: str) -> str:
    """A valid sheet name: no []:*?/\\ and at most 31 characters."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'")
    return cleaned[:SHEET_NAME_LIMIT] or "Sheet"


@dataclass
class Column:
    header: str
    kind: str  # id, text, date, datetime, time, number, int, bool
    width: float
    description: str
    parts: int = 1  # how many cells long text spreads over


@dataclass
class Sheet:
    key: str
    title: str
    description: str
    columns: list[Column]
    rows: Callable[[], Iterable[tuple]]  # one tuple per record, a value per column
    count: Callable[[], int]


def _converter(sheet, kind: str) -> Callable[[Any], Any] | None:
    """How a value of ``kind`` becomes the cell a user expects: dates as dates, numbers as
    numbers, text as text even when it starts with "=" (a string with a quote prefix).
    None means the value is written as it is; None values are never converted."""
    if kind == "id":
        return str
    if kind == "datetime":
        return lambda value: value.astimezone(UTC).replace(tzinfo=None)  # Excel: no zones
    if kind == "text":

        def text_cell(value):
            if value == "":
                return None  # an empty cell, not a cell holding ""
            text = writable(str(value))
            if looks_like_formula(text):
                cell = WriteOnlyCell(sheet, value=text)
                cell.data_type = "s"  # openpyxl would otherwise write "=…" as a formula
                cell.quotePrefix = True  # and Excel keeps it text when it is edited
                return cell
            return text

        return text_cell
    return None


def _split(value, parts: int) -> list:
    if parts == 1:
        return [value]
    text = "" if value is None else str(value)
    return [text[i * CELL_LIMIT : (i + 1) * CELL_LIMIT] or None for i in range(parts)]


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
            context = study_context(session, options.language)
            sheets = _sheets(connection, session, context, options)
            total = sum(sheet.count() for sheet in sheets) or 1
            written, done = {}, 0
            _readme(workbook, sheets, options, context)
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


def _write_sheet(workbook: Workbook, spec: Sheet) -> Iterator[None]:
    sheet = workbook.create_sheet(sheet_title(spec.title))
    headers = []
    for column in spec.columns:
        for part in range(column.parts):
            headers.append(column.header if part == 0 else f"{column.header} ({part + 1})")
    widths = [column.width for column in spec.columns for _ in range(column.parts)]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    _print_fitted(sheet)
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    # one converter per cell position: a long text column covers several positions
    plan = [(column.parts, _converter(sheet, column.kind)) for column in spec.columns]
    rows = 0
    for record in spec.rows():
        values = []
        for (parts, convert), value in zip(plan, record, strict=True):
            pieces = [value] if parts == 1 else _split(value, parts)
            for piece in pieces:
                values.append(piece if piece is None or convert is None else convert(piece))
        sheet.append(values)
        rows += 1
        yield
    last = f"{get_column_letter(len(headers))}{rows + 1}"
    if rows:
        table = Table(displayName=f"{spec.key.capitalize()}Table", ref=f"A1:{last}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        # write-only mode: the table's column names must be given, equal to the headers
        table._initialise_columns()
        for table_column, header in zip(table.tableColumns, headers, strict=True):
            table_column.name = header
        with warnings.catch_warnings():
            # openpyxl warns in write-only mode to name the columns by hand: done above
            warnings.simplefilter("ignore", UserWarning)
            sheet.add_table(table)
    else:
        sheet.auto_filter.ref = f"A1:{last}"


def _readme(
    workbook: Workbook, sheets: list[Sheet], options: ExportOptions, context: StudyContext
) -> None:
    lang = options.language
    sheet = workbook.create_sheet(sheet_title(tr("README", lang=lang)))
    _print_fitted(sheet, repeat_header=False)
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 34
    sheet.column_dimensions["C"].width = 90
    wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")

    written = 0

    def line(*values, bold=False):
        nonlocal written
        written += 1
        # wrapped text needs a row tall enough for it: readers do not all grow rows
        longest = max((len(str(value)) for value in values), default=0)
        if longest > 95:
            sheet.row_dimensions[written].height = 15 * math.ceil(longest / 95)
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            # long text wraps; short text runs on into the empty cell beside it
            cell.alignment = wrap if len(str(value)) > 95 else top
            if bold:
                cell.font = Font(bold=True)
            cells.append(cell)
        sheet.append(cells)

    line(tr("Interviewer study workbook", lang=lang), bold=True)
    line(tr("Written", lang=lang), datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    line(
        tr("Interviews covered", lang=lang),
        describe_filter(options.filter, context) or tr("all", lang=lang),
    )
    line(
        tr("Personal data", lang=lang),
        tr("included", lang=lang)
        if options.personal_data
        else tr("left out (respondent names)", lang=lang),
    )
    line(
        tr("Record keys", lang=lang),
        "",
        tr(
            "Every record has its own UUID; child records carry their parents' UUIDs "
            "(interview_id, initiative_id, …), so sheets join on them and pivot tables just work.",
            lang=lang,
        ),
    )
    line(
        tr("Long text", lang=lang),
        "",
        tr(
            "A cell holds at most 32,767 characters. Longer text continues in the next column, "
            "named like the first with (2), (3), …; join them to read the whole text.",
            lang=lang,
        ),
    )
    line(
        tr("Text", lang=lang),
        "",
        tr(
            "Text is stored as text, also when it starts with =, +, - or @. Characters a "
            "spreadsheet cannot hold are shown as �.",
            lang=lang,
        ),
    )
    line(tr("Times", lang=lang), "", tr("Timestamps are in UTC.", lang=lang))
    line()
    line(tr("Sheet", lang=lang), tr("Column", lang=lang), tr("What it holds", lang=lang), bold=True)
    for spec in sheets:
        line(spec.title, "", spec.description, bold=True)
        for column in spec.columns:
            extra = (
                tr(" Continues in {count} more columns.", lang=lang, count=column.parts - 1)
                if column.parts > 1
                else ""
            )
            line("", column.header, column.description + extra)


def _sheets(
    connection: Connection, session: Session, context: StudyContext, options: ExportOptions
) -> list[Sheet]:
    lang = options.language
    ids = options.filter.interview_ids_query().subquery()
    chosen = select(ids.c.id)

    def t(text, **values):
        return tr(text, lang=lang, **values)

    def run(query) -> Iterable[tuple]:
        return connection.execute(query)

    def counter(model):
        key = model.id if model is Interview else model.interview_id
        conditions = [col(key).in_(chosen)]
        if model is not Interview:
            conditions.append(col(model.deleted_at).is_(None))
        return lambda: connection.execute(
            select(func.count()).select_from(model).where(*conditions)
        ).scalar_one()

    def parts(column) -> int:
        key = column.table.c.id if column.table.name == "interview" else column.table.c.interview_id
        length = (
            connection.execute(
                select(func.max(func.length(column))).where(key.in_(chosen))
            ).scalar()
            or 0
        )
        return max(1, math.ceil(length / CELL_LIMIT))

    label = context.label
    guide = context.guide

    # ---------------------------------------------------------------- interviews
    scales = [(q, s) for q in guide.questions for s in q.scales]
    interview_columns = [
        Column("interview_id", "id", 38, t("The interview's UUID.")),
        Column("interviewer", "text", 22, t("Who held the interview.")),
        Column("respondent_role", "text", 36, t("The respondent's role or title.")),
        Column("service_area", "text", 18, t("Service area (code).")),
        Column("service_area_label", "text", 30, t("Service area (label).")),
        Column("municipality", "text", 18, t("Municipality.")),
    ]
    if options.personal_data:
        interview_columns.append(
            Column(
                "respondent_name",
                "text",
                24,
                t("The respondent's name (personal data)."),
                parts(Interview.respondent_name),
            )
        )
    interview_columns += [
        Column("consent_given", "bool", 10, t("Consent recorded (TRUE/FALSE).")),
        Column("consent_date", "date", 12, t("When consent was given.")),
        Column("interview_date", "date", 12, t("Date of the interview.")),
        Column("start_time", "time", 10, t("Start time.")),
        Column("end_time", "time", 10, t("End time.")),
        Column("location", "text", 26, t("Where it took place."), parts(Interview.location)),
        Column("mode", "text", 10, t("in_person, video or phone.")),
        Column("status", "text", 10, t("draft or complete.")),
    ]
    for question, scale in scales:
        interview_columns.append(
            Column(
                f"{question.key}_{scale.key}",
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
            Column(
                f"{question.key}_{scale.key}_dont_know",
                "bool",
                12,
                t("TRUE when the answer was “don't know”."),
            )
        )
    notes_parts = parts(Answer.notes)
    for question in guide.questions:
        interview_columns.append(
            Column(
                f"notes_{question.key}",
                "text",
                40,
                t("Notes to question {number}.", number=question.number),
                notes_parts,
            )
        )
        interview_columns.append(
            Column(
                f"minutes_{question.key}",
                "number",
                10,
                t("Minutes spent on question {number}.", number=question.number),
            )
        )
    interview_columns += [
        Column("created_device", "text", 20, t("The device that created the record.")),
        Column("created_at", "datetime", 19, t("When the record was created (UTC).")),
        Column("updated_at", "datetime", 19, t("When it was last changed (UTC).")),
    ]

    def interview_rows():
        ratings: dict[uuid.UUID, dict] = {}
        for interview_id, question_key, scale_key, value, dont_know in run(
            select(
                Rating.interview_id,
                Rating.question_key,
                Rating.scale_key,
                Rating.value,
                Rating.dont_know,
            ).where(col(Rating.interview_id).in_(chosen))
        ):
            ratings.setdefault(interview_id, {})[(question_key, scale_key)] = (value, dont_know)
        answers: dict[uuid.UUID, dict] = {}
        for interview_id, question_key, notes, seconds in run(
            select(
                Answer.interview_id, Answer.question_key, Answer.notes, Answer.seconds_spent
            ).where(col(Answer.interview_id).in_(chosen))
        ):
            answers.setdefault(interview_id, {})[question_key] = (notes, seconds)
        query = (
            select(Interview, Interviewer.name)
            .join(Interviewer, Interviewer.id == Interview.interviewer_id, isouter=True)
            .where(col(Interview.id).in_(chosen))
            .order_by(Interview.interview_date, Interview.created_at)
        )
        for interview, interviewer_name in session.execute(query):
            row = [
                interview.id,
                interviewer_name,
                interview.respondent_role,
                interview.service_area,
                label(CodeKind.SERVICE_AREA, interview.service_area),
                interview.municipality,
            ]
            if options.personal_data:
                row.append(interview.respondent_name)
            row += [
                interview.consent_given,
                interview.consent_date,
                interview.interview_date,
                interview.start_time,
                interview.end_time,
                interview.location,
                str(interview.mode),
                str(interview.status),
            ]
            given = ratings.get(interview.id, {})
            for question, scale in scales:
                value, dont_know = given.get((question.key, scale.key), (None, False))
                row += [value, bool(dont_know)]
            noted = answers.get(interview.id, {})
            for question in guide.questions:
                notes, seconds = noted.get(question.key, ("", 0))
                row += [notes or None, round((seconds or 0) / 60, 1)]
            row += [interview.created_device, interview.created_at, interview.updated_at]
            yield tuple(row)

    # ---------------------------------------------------------------- children
    def child_rows(model, fields, order, convert=lambda row: row):
        query = (
            select(*fields)
            .where(col(model.interview_id).in_(chosen), col(model.deleted_at).is_(None))
            .order_by(*order)
        )
        return lambda: (convert(tuple(row)) for row in run(query))

    challenge_columns = [
        Column("challenge_id", "id", 38, t("The challenge's UUID.")),
        Column("interview_id", "id", 38, t("The interview it belongs to (Interviews sheet).")),
        Column("rank", "int", 6, t("1 = the most significant.")),
        Column("title", "text", 36, t("Short title."), parts(Challenge.title)),
        Column("description", "text", 60, t("Description."), parts(Challenge.description)),
        Column("theme", "text", 24, t("Theme (code from the codebook).")),
        Column("theme_label", "text", 36, t("Theme (label).")),
    ]
    challenge_rows = child_rows(
        Challenge,
        (
            Challenge.id,
            Challenge.interview_id,
            Challenge.rank,
            Challenge.title,
            Challenge.description,
            Challenge.theme_code,
            Challenge.theme_code,
        ),
        (Challenge.interview_id, Challenge.rank),
        lambda r: r[:6] + (label(CodeKind.CHALLENGE_THEME, r[6]),) + r[7:],
    )
    initiative_columns = [
        Column("initiative_id", "id", 38, t("The initiative's UUID.")),
        Column("interview_id", "id", 38, t("The interview it belongs to (Interviews sheet).")),
        Column("position", "int", 8, t("Order within the interview, from 0.")),
        Column("title", "text", 36, t("Short title."), parts(Initiative.title)),
        Column("description", "text", 60, t("Description."), parts(Initiative.description)),
        Column("category", "text", 24, t("Category (code from the codebook).")),
        Column("category_label", "text", 34, t("Category (label).")),
        Column("status", "text", 11, t("planned, underway, completed or stopped.")),
        Column("start_date", "date", 12, t("When it started.")),
    ]
    initiative_rows = child_rows(
        Initiative,
        (
            Initiative.id,
            Initiative.interview_id,
            Initiative.position,
            Initiative.title,
            Initiative.description,
            Initiative.category_code,
            Initiative.category_code,
            Initiative.status,
            Initiative.start_date,
        ),
        (Initiative.interview_id, Initiative.position),
        lambda r: r[:6] + (label(CodeKind.INITIATIVE_CATEGORY, r[6]), str(r[7])) + r[8:],
    )
    effect_columns = [
        Column("effect_id", "id", 38, t("The effect's UUID.")),
        Column("initiative_id", "id", 38, t("The initiative it belongs to (Initiatives sheet).")),
        Column("interview_id", "id", 38, t("The interview it belongs to (Interviews sheet).")),
        Column("kind", "text", 10, t("measured, observed, expected or none_yet.")),
        Column("description", "text", 60, t("Description."), parts(Effect.description)),
        Column("metric", "text", 34, t("What the figure measures.")),
        Column("baseline", "number", 10, t("The figure before.")),
        Column("current", "number", 10, t("The figure now.")),
        Column("change", "number", 10, t("current − baseline, when both are given.")),
        Column("unit", "text", 12, t("Unit of the figure.")),
        Column("period", "text", 14, t("Period the figure covers.")),
    ]

    def with_change(r):
        change = r[7] - r[6] if r[6] is not None and r[7] is not None else None
        return r[:3] + (str(r[3]),) + r[4:8] + (change,) + r[8:]

    effect_rows = child_rows(
        Effect,
        (
            Effect.id,
            Effect.initiative_id,
            Effect.interview_id,
            Effect.kind,
            Effect.description,
            Effect.metric,
            Effect.baseline,
            Effect.current,
            Effect.unit,
            Effect.period,
        ),
        (Effect.interview_id, Effect.initiative_id, Effect.position),
        with_change,
    )
    quote_columns = [
        Column("quote_id", "id", 38, t("The quote's UUID.")),
        Column("interview_id", "id", 38, t("The interview it belongs to (Interviews sheet).")),
        Column("text", "text", 70, t("The quote, word for word."), parts(Quote.text)),
        Column("speaker_role", "text", 30, t("Who said it, by role.")),
        Column("question", "text", 12, t("The question it answers (key).")),
        Column("theme", "text", 24, t("Theme (code from the codebook).")),
        Column("theme_label", "text", 34, t("Theme (label).")),
        Column("challenge_id", "id", 38, t("A challenge it is about (Challenges sheet).")),
        Column("initiative_id", "id", 38, t("An initiative it is about (Initiatives sheet).")),
        Column("use_in_report", "bool", 12, t("TRUE when marked for the report.")),
        Column(
            "seconds_into_interview",
            "int",
            12,
            t("Time into the interview at the first keystroke, in seconds."),
        ),
        Column("captured_at", "datetime", 19, t("Clock time of the first keystroke (UTC).")),
    ]
    quote_rows = child_rows(
        Quote,
        (
            Quote.id,
            Quote.interview_id,
            Quote.text,
            Quote.speaker_role,
            Quote.question_key,
            Quote.theme_code,
            Quote.theme_code,
            Quote.challenge_id,
            Quote.initiative_id,
            Quote.use_in_report,
            Quote.offset_seconds,
            Quote.captured_at,
        ),
        (Quote.interview_id, Quote.created_at),
        lambda r: r[:6] + (label(CodeKind.CHALLENGE_THEME, r[6]),) + r[7:],
    )
    codebook_columns = [
        Column("kind", "text", 20, t("challenge_theme, initiative_category or service_area.")),
        Column("code", "text", 34, t("The code used in the other sheets.")),
        Column("label_en", "text", 40, t("Label in English.")),
        Column("label_da", "text", 40, t("Label in Danish.")),
        Column("description_en", "text", 60, t("Description in English.")),
        Column("description_da", "text", 60, t("Description in Danish.")),
    ]
    codebook_query = (
        select(
            CodebookEntry.kind,
            CodebookEntry.code,
            CodebookEntry.label_en,
            CodebookEntry.label_da,
            CodebookEntry.description_en,
            CodebookEntry.description_da,
        )
        .where(CodebookEntry.study_id == context.study_id)
        .order_by(CodebookEntry.kind, CodebookEntry.position)
    )

    return [
        Sheet(
            "interviews",
            t("Interviews"),
            t("One row per interview, with its ratings, notes and time per question."),
            interview_columns,
            interview_rows,
            counter(Interview),
        ),
        Sheet(
            "challenges",
            t("Challenges"),
            t("One row per ranked challenge."),
            challenge_columns,
            challenge_rows,
            counter(Challenge),
        ),
        Sheet(
            "initiatives",
            t("Initiatives"),
            t("One row per initiative."),
            initiative_columns,
            initiative_rows,
            counter(Initiative),
        ),
        Sheet(
            "effects",
            t("Effects"),
            t("One row per effect of an initiative, with its figure."),
            effect_columns,
            effect_rows,
            counter(Effect),
        ),
        Sheet(
            "quotes",
            t("Quotes"),
            t("One row per quote."),
            quote_columns,
            quote_rows,
            counter(Quote),
        ),
        Sheet(
            "codebook",
            t("Codebook"),
            t("The study's codes and their labels."),
            codebook_columns,
            lambda: ((str(r[0]),) + tuple(r[1:]) for r in run(codebook_query)),
            lambda: connection.execute(
                select(func.count()).select_from(codebook_query.subquery())
            ).scalar_one(),
        ),
    ]
