"""The workbook reads back exactly: every text, joined from its continuation columns and read
as Excel reads it (the _xHHHH_ escapes decoded), is the text stored; figures, yes/no and the
anonymised columns are what a person expects."""

import sqlite3
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from interviewer.export.options import ExportOptions
from interviewer.export.text import writable
from interviewer.export.xlsx_workbook import (
    CELL_LIMIT,
    cell_texts,
    unique_headers,
    utf16_units,
    write_workbook,
)
from interviewer.figures import figure_change
from tests.export.test_workbook_strict import (
    EMOJI_NOTES,
    EMOJI_QUOTE,
    ESCAPES,
    FORTY_THOUSAND,
    decoded,
    hostile_database,
)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    return hostile_database(tmp_path_factory.mktemp("reads") / "hostile.sqlite")


def sheet_rows(workbook, title) -> list[dict]:
    """Rows as dicts, each long text joined from its continuation columns and decoded as Excel
    decodes it (openpyxl returns inline text as written)."""
    rows = list(workbook[title].iter_rows(values_only=True))
    headers = rows[0]
    result = []
    for values in rows[1:]:
        values = values + (None,) * (len(headers) - len(values))
        row: dict = {}
        for header, value in zip(headers, values, strict=True):
            base, _, part = header.partition(" (")
            if isinstance(value, str):
                value = decoded(value)
            if part:  # a continuation column: "text (2)"
                row[base] = (row[base] or "") + (value or "") if value else row[base]
            else:
                row[header] = value
        result.append(row)
    return result


def stored(path, sql) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def dashed(key: str) -> str:
    return f"{key[:8]}-{key[8:12]}-{key[12:16]}-{key[16:20]}-{key[20:]}"


@pytest.fixture(scope="module")
def hostile_workbook(hostile_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("reads-xlsx") / "hostile.xlsx"
    write_workbook(hostile_db, out)
    workbook = load_workbook(out, read_only=True)
    sheets = {title: sheet_rows(workbook, title) for title in workbook.sheetnames[1:]}
    workbook.close()
    return sheets


@pytest.mark.parametrize(
    ("sheet", "key", "table", "columns"),
    [
        ("Challenges", "challenge_id", "challenge", ("title", "description")),
        ("Initiatives", "initiative_id", "initiative", ("title", "description")),
        ("Effects", "effect_id", "effect", ("description", "metric")),
        ("Quotes", "quote_id", "quote", ("text", "speaker_role")),
    ],
)
def test_every_text_reads_back_as_stored(hostile_db, hostile_workbook, sheet, key, table, columns):
    rows = {row[key]: row for row in hostile_workbook[sheet]}
    records = stored(
        hostile_db, f"SELECT id, {', '.join(columns)} FROM {table} WHERE deleted_at IS NULL"
    )
    assert len(records) == len(rows)
    for record_id, *texts in records:
        row = rows[dashed(record_id)]
        for column, text in zip(columns, texts, strict=True):
            assert row[column] == (writable(text) if text else None), (sheet, column)


def test_long_notes_and_escapes_of_an_interview_read_back(hostile_db, hostile_workbook):
    notes = {
        (dashed(interview), key): text
        for interview, key, text in stored(
            hostile_db, "SELECT interview_id, question_key, notes FROM answer"
        )
    }
    rows = hostile_workbook["Interviews"]
    for row in rows:
        for (interview, key), text in notes.items():
            if interview == row["interview_id"]:
                assert row[f"notes_{key}"] == (writable(text) if text else None), key
    texts = {value for row in rows for value in row.values() if isinstance(value, str)}
    assert {EMOJI_NOTES, ESCAPES, FORTY_THOUSAND} <= texts
    quotes = {row["text"] for row in hostile_workbook["Quotes"]}
    assert {EMOJI_QUOTE, FORTY_THOUSAND, ESCAPES} <= quotes


def test_a_link_to_a_removed_record_is_left_empty(hostile_db, hostile_workbook):
    challenges = {row["challenge_id"] for row in hostile_workbook["Challenges"]}
    initiatives = {row["initiative_id"] for row in hostile_workbook["Initiatives"]}
    quotes = hostile_workbook["Quotes"]
    assert {row["challenge_id"] for row in quotes} - {None} <= challenges
    assert {row["initiative_id"] for row in quotes} - {None} <= initiatives
    about_removed = next(row for row in quotes if row["text"] == "about what was removed")
    assert about_removed["challenge_id"] is None and about_removed["initiative_id"] is None
    assert {row["initiative_id"] for row in hostile_workbook["Effects"]} - {None} <= initiatives


def test_interviews_without_an_interviewer_are_listed(hostile_db, hostile_workbook):
    rows = hostile_workbook["Interviews"]
    assert len(rows) == stored(hostile_db, "SELECT count(*) FROM interview")[0][0] == 3
    assert sum(row["interviewer"] is None for row in rows) >= 1


def test_yes_no_columns_are_booleans_and_the_change_has_the_figures_decimals(hostile_workbook):
    for sheet in hostile_workbook.values():
        for row in sheet:
            for header, value in row.items():
                if header in ("consent_given", "use_in_report") or header.endswith("_dont_know"):
                    assert type(value) is bool, header
    effect = next(row for row in hostile_workbook["Effects"] if row["baseline"] == 0.1)
    assert effect["change"] == 0.6  # 0.7 - 0.1 in floats is 0.6 and a bit


def test_without_personal_data_no_date_time_or_place_points_at_a_person(hostile_db, tmp_path):
    out = tmp_path / "anonymous.xlsx"
    write_workbook(hostile_db, out, ExportOptions(personal_data=False, language="da"))
    workbook = load_workbook(out, read_only=True)
    interviews = sheet_rows(workbook, "Interviews")
    for removed in ("respondent_name", "municipality", "location", "interview_date"):
        assert removed not in interviews[0]
    for removed in ("start_time", "end_time", "consent_date", "created_at", "updated_at"):
        assert removed not in interviews[0]
    assert "captured_at" not in sheet_rows(workbook, "Quotes")[0]
    months = {row["interview_month"] for row in interviews}
    assert months <= {"2017-06"} | {
        f"20{y:02d}-{m:02d}" for y in range(10, 30) for m in range(1, 13)
    }
    assert {row["consent_month"] for row in interviews} >= {"2017-06"}
    readme = " ".join(
        str(value)
        for row in workbook["README"].iter_rows(values_only=True)
        for value in row
        if value
    )
    assert "udeladt" in readme.lower()
    workbook.close()
    with zipfile.ZipFile(out) as archive:  # the parts, not the compressed file
        everything = "".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    assert "Hostile Name" not in everything


def test_readme_numbers_are_in_the_readers_language(demo_db, tmp_path):
    for language, thousands in (("en", "1,000"), ("da", "1.000")):
        out = tmp_path / f"{language}.xlsx"
        write_workbook(demo_db, out, ExportOptions(language=language))
        workbook = load_workbook(out, read_only=True)
        rows = [row for row in workbook["README"].iter_rows(values_only=True)]
        workbook.close()
        counts = {row[0]: row[1] for row in rows if row and row[0] == "Interviews" and row[1]}
        assert counts == {"Interviews": thousands}
        assert not any("e+" in str(value) for row in rows for value in row if value)


# ----------------------------------------------------------------- the rules themselves

TEXT = st.lists(
    st.sampled_from(["a", "_", "x", "0", "D", "5F", "🤝", "\ud83d", "\x00", "=", "é"]),
    max_size=60,
).map(lambda pieces: "".join(pieces) * 700)


@settings(max_examples=60, deadline=None)
@given(TEXT)
def test_any_text_splits_into_cells_that_fit_and_join_back(text):
    parts = cell_texts(text)
    assert all(utf16_units(part) <= CELL_LIMIT for part in parts)
    assert all(part for part in parts) or text == ""
    assert "".join(decoded(part) for part in parts) == writable(text)


def test_a_part_never_cuts_a_surrogate_pair_or_an_escape():
    text = "x" + "🤝" * 20_000  # the first cut falls after an odd number of units
    parts = cell_texts(text)
    assert [utf16_units(part) for part in parts] == [CELL_LIMIT, 40_001 - CELL_LIMIT]
    assert "".join(parts) == text
    escapes = "_x000D_" * 6_000
    assert "".join(decoded(part) for part in cell_texts(escapes)) == escapes


def test_figure_change_keeps_the_decimals_of_its_figures():
    assert figure_change(0.1, 0.7) == 0.6
    assert figure_change(12.5, 3) == -9.5
    assert figure_change(1234570.0, 1.2e-05) == float(Decimal("0.000012") - Decimal("1234570"))
    assert figure_change(None, 3) is None and figure_change(3, None) is None


def test_column_names_are_made_unique_ignoring_case():
    assert unique_headers(["service_area", "Service_Area", "x", "service_area"]) == [
        "service_area",
        "Service_Area_2",
        "x",
        "service_area_3",
    ]


DEVICE = "Mettes-MacBook-QZD"


@pytest.mark.parametrize("language", ["en", "da"])
def test_without_personal_data_no_sheet_holds_a_day_a_time_an_interviewer_or_a_device(
    demo_db, tmp_path, language
):
    """Every sheet, not a list of columns: no cell holds a date or a time (every date is its
    month, in a column named ..._month), the interviewers are numbered as in the reports,
    no device name is left, and the README says each of these is left out."""
    import re
    import shutil
    from datetime import date, datetime, time

    from interviewer.export import ethics
    from interviewer.i18n import tr

    path = tmp_path / "study.sqlite"
    shutil.copyfile(demo_db, path)
    connection = sqlite3.connect(path)
    connection.execute("UPDATE interview SET created_device = ?", (DEVICE,))
    connection.commit()
    connection.close()
    out = tmp_path / "anonymous.xlsx"
    write_workbook(path, out, ExportOptions(personal_data=False, language=language))
    workbook = load_workbook(out, read_only=True)
    # numbered as ethics numbers them (the same word in both languages)
    numbered = re.compile(
        re.escape(tr("Interviewer {number}", lang=language, number=0))[:-1] + r"\d+"
    )
    month = re.compile(r"\d{4}-\d{2}")
    month_columns = 0
    for sheet in workbook:
        if sheet.title == "README":
            continue
        rows = list(sheet.iter_rows(values_only=True))
        headers = rows[0]
        assert not [h for h in headers if h.endswith(("_date", "_time", "_at", "_device"))]
        for values in rows[1:]:
            for header, value in zip(headers, values, strict=False):
                assert not isinstance(value, date | datetime | time), (sheet.title, header)
                if header.endswith("_month"):
                    month_columns += 1
                    assert value is None or month.fullmatch(value), (sheet.title, header)
                if header == "interviewer":
                    assert value is None or numbered.fullmatch(value), value
    assert month_columns > 0
    assert "start_month" in next(workbook["Initiatives"].iter_rows(values_only=True))
    readme = " ".join(
        str(value)
        for row in workbook["README"].iter_rows(values_only=True)
        for value in row
        if value
    )
    for removed in ethics.in_words(ethics.PERSONAL_DATA_REMOVED, language):
        assert removed in readme
    workbook.close()
    names = [name for (name,) in stored(path, "SELECT name FROM interviewer")]
    assert names
    with zipfile.ZipFile(out) as archive:
        everything = "".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    for name in [*names, DEVICE]:
        assert name not in everything, name


def test_readme_counts_continuation_columns_and_says_how_scripts_read_escapes(hostile_db, tmp_path):
    out = tmp_path / "study.xlsx"
    write_workbook(hostile_db, out)
    workbook = load_workbook(out, read_only=True)
    readme = [
        [decoded(v) if isinstance(v, str) else v for v in row]
        for row in workbook["README"].iter_rows(values_only=True)
    ]
    workbook.close()
    text = " ".join(str(v) for row in readme for v in row if v)
    assert "Continues in 1 more column." in text  # 40,000 characters: two cells
    assert "1 more columns" not in text
    # as Excel shows it (decoded): the escape as typed, and what pandas reads instead
    assert "(such as _x000D_) is written as _x005F_xHHHH_" in text
    assert "§22.9.2.19 ST_Xstring" in text


def test_without_personal_data_the_readme_names_a_days_filter_by_its_month(demo_db, tmp_path):
    """A filter of one day and one interviewer, anonymised: the README says the month and
    how many interviewers, never the day or the name (the rows' months say no more)."""
    from datetime import date, timedelta

    from interviewer.export.options import InterviewFilter

    (day, name), *_ = stored(
        demo_db,
        "SELECT i.interview_date, p.name FROM interview i JOIN interviewer p"
        " ON p.id = i.interviewer_id WHERE i.deleted_at IS NULL ORDER BY i.id LIMIT 1",
    )
    # an anonymised choice is of whole months (options.check_dates): the day's month
    first = date.fromisoformat(day).replace(day=1)
    last = (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    chosen = InterviewFilter(date_from=first, date_to=last, interviewers=(name,))
    out = tmp_path / "day.xlsx"
    write_workbook(demo_db, out, ExportOptions(filter=chosen, personal_data=False))
    workbook = load_workbook(out, read_only=True)
    (covered,) = [
        row[1]
        for row in workbook["README"].iter_rows(values_only=True)
        if row[:1] == ("Interviews covered",)
    ]
    workbook.close()
    assert day[:7] in covered and day not in covered
    assert name not in covered and "1 interviewer" in covered
    with zipfile.ZipFile(out) as archive:
        everything = "".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    assert day not in everything and name not in everything
