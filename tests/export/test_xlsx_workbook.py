"""The study workbook, read back with openpyxl as a spreadsheet user would see it."""

import sqlite3
import uuid
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from interviewer.errors import DatabaseRefused, InterviewerError
from interviewer.export.options import ExportOptions, InterviewFilter
from interviewer.export.text import MARKER
from interviewer.export.xlsx_workbook import CELL_LIMIT, sheet_title, write_workbook
from tests.export.conftest import AWKWARD, LONG, NAME

SHEETS = ["README", "Interviews", "Challenges", "Initiatives", "Effects", "Quotes", "Codebook"]


def rows_of(workbook, title) -> list[dict]:
    sheet = workbook[title]
    rows = list(sheet.iter_rows(values_only=True))
    width = len(rows[0])  # the read-only reader leaves out trailing empty cells
    return [dict(zip(rows[0], row + (None,) * (width - len(row)), strict=True)) for row in rows[1:]]


def database_count(path, sql) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


@pytest.fixture(scope="module")
def demo_workbook(demo_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("xlsx") / "study.xlsx"
    counts = write_workbook(demo_db, out)
    return out, counts


def test_every_record_is_one_row_and_every_key_joins(demo_db, demo_workbook):
    out, counts = demo_workbook
    workbook = load_workbook(out, read_only=True)
    assert workbook.sheetnames == SHEETS
    interviews = rows_of(workbook, "Interviews")
    challenges = rows_of(workbook, "Challenges")
    initiatives = rows_of(workbook, "Initiatives")
    effects = rows_of(workbook, "Effects")
    quotes = rows_of(workbook, "Quotes")
    for table, rows in (
        ("interview", interviews),
        ("challenge", challenges),
        ("initiative", initiatives),
        ("effect", effects),
        ("quote", quotes),
    ):
        assert len(rows) == database_count(
            demo_db, f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL"
        ), table
        assert counts[f"{table}s"] == len(rows)
    interview_ids = {row["interview_id"] for row in interviews}
    initiative_of = {row["initiative_id"]: row["interview_id"] for row in initiatives}
    assert len(interview_ids) == 1000
    assert all(uuid.UUID(key) for key in interview_ids)
    assert {row["interview_id"] for row in challenges} <= interview_ids
    assert set(initiative_of.values()) <= interview_ids
    assert all(initiative_of[row["initiative_id"]] == row["interview_id"] for row in effects)
    assert {row["interview_id"] for row in quotes} <= interview_ids
    challenge_ids = {row["challenge_id"] for row in challenges}
    assert {row["challenge_id"] for row in quotes if row["challenge_id"]} <= challenge_ids
    codes = {row["code"] for row in rows_of(workbook, "Codebook")}
    assert {row["theme"] for row in challenges} <= codes
    assert {row["service_area"] for row in interviews} <= codes
    workbook.close()


def test_no_cell_is_a_formula_and_cells_are_typed(demo_workbook):
    out, _ = demo_workbook
    workbook = load_workbook(out, read_only=True)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    interview = rows_of(workbook, "Interviews")[0]
    assert isinstance(interview["interview_date"], datetime)  # a date cell
    assert isinstance(interview["created_at"], datetime)
    assert interview["priority_department"] is None or isinstance(
        interview["priority_department"], int
    )
    assert isinstance(interview["consent_given"], bool)
    measured = [row for row in rows_of(workbook, "Effects") if row["baseline"] is not None]
    assert measured and all(isinstance(row["baseline"], (int, float)) for row in measured)
    # the change to the decimals of its figures, as a person subtracts them: never 0.6000000001
    assert all(
        row["change"]
        == float(Decimal(repr(float(row["current"]))) - Decimal(repr(float(row["baseline"]))))
        for row in measured
        if row["current"] is not None
    )
    workbook.close()


def test_each_sheet_is_a_table_with_a_frozen_header_and_readable_widths(demo_workbook):
    out, _ = demo_workbook
    workbook = load_workbook(out)  # tables and panes need the full reader
    for title in SHEETS[1:]:
        sheet = workbook[title]
        assert sheet.freeze_panes == "A2", title
        [table] = sheet.tables.values()
        assert table.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        assert [column.name for column in table.tableColumns] == [cell.value for cell in sheet[1]]
        assert all(sheet.column_dimensions[cell.column_letter].width >= 6 for cell in sheet[1])
    readme = [row[0] for row in workbook["README"].iter_rows(values_only=True)]
    assert "Interviews" in readme and "Codebook" in readme
    workbook.close()


def test_awkward_text_comes_back_as_typed_and_never_as_a_formula(awkward_db, tmp_path):
    path, interview_id = awkward_db
    out = tmp_path / "awkward.xlsx"
    write_workbook(path, out)
    workbook = load_workbook(out)
    interviews = {row["interview_id"]: row for row in rows_of(workbook, "Interviews")}
    row = interviews[str(interview_id)]
    assert row["respondent_role"] == AWKWARD["formula"]
    assert row["municipality"] == AWKWARD["danish"]
    assert row["location"] == AWKWARD["at"]
    headers = [cell.value for cell in workbook["Interviews"][1]]
    role_column = workbook["Interviews"].cell(1, headers.index("respondent_role") + 1)
    role_cell = next(
        c
        for c in workbook["Interviews"][role_column.column_letter]
        if c.value == AWKWARD["formula"]
    )
    assert role_cell.data_type == "s" and role_cell.quotePrefix
    titles = {r["title"] for r in rows_of(workbook, "Challenges")}
    assert {AWKWARD["danish"], AWKWARD["emoji"], AWKWARD["rtl"]} <= titles
    initiative = next(r for r in rows_of(workbook, "Initiatives") if r["title"] == AWKWARD["plus"])
    assert initiative["description"] == AWKWARD["cr"]
    effect = next(r for r in rows_of(workbook, "Effects") if r["description"] == AWKWARD["minus"])
    # no text stores control characters (the services drop them) ...
    assert effect["metric"] == "bell escape null end"
    quotes = {r["text"] for r in rows_of(workbook, "Quotes")}
    assert {AWKWARD["emoji"], AWKWARD["rtl"], AWKWARD["formula"]} <= quotes
    assert "bell escape null end" in quotes
    for sheet in workbook.worksheets:
        for cells in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in cells)
    workbook.close()


def test_characters_a_cell_cannot_hold_show_as_the_marker(awkward_db, tmp_path):
    """... and where another program stored them, the workbook shows each as the marker
    rather than writing XML no reader opens."""
    path, _ = awkward_db
    connection = sqlite3.connect(path)
    connection.execute(
        "UPDATE quote SET text = ? WHERE text = ?", (AWKWARD["control"], "=SUM(A1:A9)")
    )
    connection.execute("UPDATE challenge SET title = 'tab\tand bell\x07' WHERE rank = 1")
    connection.commit()
    connection.close()
    out = tmp_path / "marked.xlsx"
    write_workbook(path, out)
    workbook = load_workbook(out, read_only=True)
    quotes = {r["text"] for r in rows_of(workbook, "Quotes")}
    marked = AWKWARD["control"].replace("\x07", MARKER).replace("\x1b", MARKER)
    assert marked.replace("\x00", MARKER) in quotes
    assert "tab\tand bell" + MARKER in {r["title"] for r in rows_of(workbook, "Challenges")}
    workbook.close()


def test_text_longer_than_a_cell_continues_in_the_next_columns(awkward_db, tmp_path):
    path, interview_id = awkward_db
    out = tmp_path / "long.xlsx"
    write_workbook(path, out)
    workbook = load_workbook(out, read_only=True)
    challenge = next(r for r in rows_of(workbook, "Challenges") if r["title"] == AWKWARD["danish"])
    parts = [challenge["description"], challenge["description (2)"], challenge["description (3)"]]
    assert all(len(part) <= CELL_LIMIT for part in parts)
    assert "".join(parts) == LONG
    interview = next(
        r for r in rows_of(workbook, "Interviews") if r["interview_id"] == str(interview_id)
    )
    assert (
        interview["notes_effects"]
        + interview["notes_effects (2)"]
        + (interview["notes_effects (3)"] or "")
        == LONG
    )
    readme = " ".join(
        str(v) for row in workbook["README"].iter_rows(values_only=True) for v in row if v
    )
    assert "32,767" in readme and "Continues in 2 more columns" in readme
    workbook.close()


def test_no_personal_data_leaves_out_every_name(awkward_db, tmp_path):
    path, _ = awkward_db
    with_names, without = tmp_path / "with.xlsx", tmp_path / "without.xlsx"
    write_workbook(path, with_names)
    write_workbook(path, without, ExportOptions(personal_data=False))

    def everything(file):
        workbook = load_workbook(file, read_only=True)
        values = [
            str(v)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for v in row
            if v is not None
        ]
        workbook.close()
        return values

    assert any(NAME in value for value in everything(with_names))
    assert not any(NAME in value or "Mølgaard" in value for value in everything(without))
    assert "respondent_name" not in everything(without)


def test_a_filter_narrows_every_sheet(demo_db, tmp_path):
    out = tmp_path / "education.xlsx"
    options = ExportOptions(
        filter=InterviewFilter(service_areas=("education",), status="complete"), language="da"
    )
    counts = write_workbook(demo_db, out, options)
    workbook = load_workbook(out, read_only=True)
    assert workbook.sheetnames == SHEETS  # the same names in every language: scripts use them
    interviews = rows_of(workbook, "Interviews")
    assert (
        len(interviews)
        == counts["interviews"]
        == database_count(
            demo_db,
            "SELECT count(*) FROM interview WHERE service_area = 'education' "
            "AND status = 'complete'",
        )
    )
    assert {row["service_area_label"] for row in interviews} == {"Skole og uddannelse"}
    ids = {row["interview_id"] for row in interviews}
    assert {row["interview_id"] for row in rows_of(workbook, "Challenges")} <= ids
    workbook.close()


def test_sheet_names_follow_excels_rules():
    assert sheet_title("Interviews") == "Interviews"
    assert (
        sheet_title("A name that is far too long for any Excel sheet tab")
        == "A name that is far too long for"
    )
    assert len(sheet_title("x" * 80)) == 31
    assert sheet_title("Q1/Q2: [draft]?*") == "Q1_Q2_ _draft___"


def test_a_failed_export_leaves_no_file_and_a_bad_database_is_refused(demo_db, tmp_path):
    missing_folder = tmp_path / "no" / "such" / "folder" / "study.xlsx"
    with pytest.raises(InterviewerError, match="does not exist"):
        write_workbook(demo_db, missing_folder)
    assert not missing_folder.parent.exists()
    not_a_db = tmp_path / "notes.sqlite"
    not_a_db.write_text("not a database")
    with pytest.raises(DatabaseRefused, match="not an Interviewer database"):
        write_workbook(not_a_db, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()
    assert not list(tmp_path.glob(".*.partial"))


def test_a_file_of_an_older_schema_is_brought_up_to_date_and_exported(tmp_path):
    import shutil

    from tests.storage.test_migrations import FIXTURES

    old = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "schema_0001.sqlite", old)
    counts = write_workbook(old, tmp_path / "old.xlsx")
    assert counts["interviews"] == 12


def test_interview_columns_are_the_ones_the_guide_check_knows(demo_workbook):
    """The guide refuses keys that collide with the interview's own columns: the list it checks
    against must be the workbook's, with or without personal data."""
    from interviewer.guide import INTERVIEW_COLUMNS, AnswerColumns, load_guide

    guide = load_guide()
    from_keys = {AnswerColumns.notes(q) for q in guide.questions}
    from_keys |= {AnswerColumns.minutes(q) for q in guide.questions}
    for question in guide.questions:
        for scale in question.scales:
            from_keys.add(AnswerColumns.rating(question, scale))
            from_keys.add(AnswerColumns.dont_know(question, scale))
    out, _ = demo_workbook
    workbook = load_workbook(out, read_only=True)
    headers = next(workbook["Interviews"].iter_rows(max_row=1, values_only=True))
    workbook.close()
    own = {header for header in headers if header not in from_keys and " (" not in header}
    assert own <= set(INTERVIEW_COLUMNS)


def test_every_header_fits_its_column(demo_workbook):
    out, _ = demo_workbook
    workbook = load_workbook(out)
    for title in SHEETS[1:]:
        sheet = workbook[title]
        for cell in sheet[1]:
            # a character is about one unit of width; the filter button takes about three
            assert sheet.column_dimensions[cell.column_letter].width >= len(cell.value) + 3
    workbook.close()
