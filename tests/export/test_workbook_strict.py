"""Every part of every exported workbook is well-formed XML to a strict parser, and every
table follows Excel's rules (else Excel "repairs" the file and drops the table): its ref covers
exactly the data, its header cells equal its column names, the names are unique ignoring case,
its autoFilter covers the table. Checked on a database full of hostile text and on a central
database merged from two interviewers' bundles; and the same data gives the same file."""

import re
import zipfile
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from lxml import etree
from openpyxl.utils import column_index_from_string

from interviewer import interviews as svc
from interviewer.demo import add_sample_interview
from interviewer.export.options import ExportOptions
from interviewer.export.xlsx_workbook import CELL_LIMIT, utf16_units, write_workbook
from interviewer.storage.database import open_database
from interviewer.storage.models import EffectKind

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
DECODE = re.compile("_x([0-9A-Fa-f]{4})_")

EMOJI_NOTES = "🤝" * 16_400  # 16,400 characters, 32,800 UTF-16 units: more than one cell
EMOJI_QUOTE = "👍🏽" * 10_000  # 20,000 emoji characters, 40,000 units
FORTY_THOUSAND = "".join(f"line {n:06d} of a long description\n" for n in range(1_143))[:40_000]
ESCAPES = "line one_x000D_ line two _x005F_ _x0041_x0042_ _X00e9_ __x1234__"
# a text whose second part would start with "=": each part must stay text, not a formula
FORMULA_PART = "a" * CELL_LIMIT + "=SUM(A1:A9)"
HOSTILE = [
    '=HYPERLINK("http://example.invalid")',
    "+45 70 60 50 97",
    "-3 children in care",
    "@the town hall",
    "\tindented",
    "Ærø ✓ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🇩🇰 👩‍👩‍👧 ‮reversed",
    "bell\x07 escape\x1b null\x00 vertical\x0b end",
    ESCAPES,
    "lone \ud800 surrogate and a pair as two code points \ud83d\ude00",
]


def hostile_database(path: Path) -> Path:
    """A study with a sample interview and one whose every text is something a file format
    fears; a challenge and an initiative a quote points at, then removed; and an interview
    without an interviewer."""
    database = open_database(path, backup=False)
    with database.session() as session:
        add_sample_interview(session)
        study = svc.current_study(session=session)
        interview = svc.create_interview(
            session=session,
            study=study,
            respondent_role=HOSTILE[0],
            service_area="employment",
            municipality=ESCAPES,
            respondent_name="_x0041_ Hostile Name",
            interview_date=date(2017, 6, 2),
            location=HOSTILE[3],
            consent_given=True,
            consent_date=date(2017, 6, 1),
        )
        # at most 3 live challenges: two long ones, and one removed below
        for title, description in (("=long", FORTY_THOUSAND), (ESCAPES, FORMULA_PART)):
            svc.add_challenge(
                session=session, interview_id=interview.id, title=title, description=description
            )
        gone = svc.add_challenge(session=session, interview_id=interview.id, title="gone")
        for text in HOSTILE:  # initiatives have no limit
            svc.add_initiative(
                session=session,
                interview_id=interview.id,
                title=text.translate({0: None, 7: None, 0x1B: None, 0x0B: None}),
                description=text,
            )
        initiative = svc.add_initiative(
            session=session, interview_id=interview.id, title="Joint budget", description=ESCAPES
        )
        removed = svc.add_initiative(session=session, interview_id=interview.id, title="Dropped")
        svc.add_effect(
            session=session,
            initiative_id=initiative.id,
            kind=EffectKind.MEASURED,
            description=FORTY_THOUSAND,
            metric="children in care",
            baseline=0.1,
            current=0.7,
            unit="%",
        )
        svc.add_effect(
            session=session,
            initiative_id=removed.id,
            kind=EffectKind.OBSERVED,
            description="an effect of the dropped initiative",
        )
        for text in (*HOSTILE, EMOJI_QUOTE, FORTY_THOUSAND):
            svc.add_quote(session=session, interview_id=interview.id, text=text)
        svc.add_quote(
            session=session,
            interview_id=interview.id,
            text="about what was removed",
            challenge_id=gone.id,
            initiative_id=removed.id,
        )
        svc.remove_challenge(session=session, challenge_id=gone.id)
        svc.remove_initiative(session=session, initiative_id=removed.id)
        svc.set_notes(
            session=session, interview_id=interview.id, question_key="effects", notes=EMOJI_NOTES
        )
        svc.set_notes(
            session=session, interview_id=interview.id, question_key="priority", notes=ESCAPES
        )
        svc.set_notes(
            session=session,
            interview_id=interview.id,
            question_key="challenges",
            notes=FORTY_THOUSAND,
        )
        svc.create_interview(
            session=session,
            study=study,
            respondent_role="Chief of staff",
            service_area="employment",
            municipality="Ærø",
            interview_date=date(2017, 6, 2),
        )
    database.close()
    return path


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    return hostile_database(tmp_path_factory.mktemp("hostile") / "hostile.sqlite")


@pytest.fixture(scope="module")
def central_db(tmp_path_factory) -> Path:
    """A central database merged from two interviewers' bundles of one study."""
    from interviewer.exchange.bundle import write_bundle
    from interviewer.exchange.merge import merge_bundles
    from interviewer.exchange.study_file import export_study
    from tests.exchange.conftest import field_database

    folder = tmp_path_factory.mktemp("central")
    lead = folder / "lead.sqlite"
    open_database(lead).close()
    study_file = folder / "study.json"
    export_study(lead, study_file)
    bundles = []
    for name, seed in (("mette", 1), ("jonas", 2)):
        field = field_database(folder, study_file, name, seed=seed, interviews=15)
        bundles.append(folder / f"{name}.bundle")
        write_bundle(field, bundles[-1], interviewer=name.capitalize(), plain=True)
    central = folder / "central.sqlite"
    merge_bundles(central, bundles)
    return central


def strict_parts(path: Path) -> dict[str, etree._Element]:
    """Every XML part of the package, parsed by lxml without recovery and by xml.etree (both
    raise on anything not well-formed)."""
    parts = {}
    strict = etree.XMLParser(recover=False, resolve_entities=False, huge_tree=True)
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            data = archive.read(name)
            assert name.endswith((".xml", ".rels")), name
            ElementTree.fromstring(data)
            parts[name] = etree.fromstring(data, strict)
    return parts


def decoded(text: str) -> str:
    """Text as Excel reads it from the XML: each _xHHHH_ is the character HHHH."""
    return DECODE.sub(lambda match: chr(int(match.group(1), 16)), text)


def cell_text(cell) -> str | None:
    inline = cell.find(f"{MAIN}is")
    if inline is not None:
        return "".join(node.text or "" for node in inline.iter(f"{MAIN}t"))
    value = cell.find(f"{MAIN}v")
    return None if value is None else value.text


def split_ref(ref: str) -> tuple[int, int, int, int]:
    first, last = ref.split(":")
    (c1, r1), (c2, r2) = (re.fullmatch(r"([A-Z]+)(\d+)", x).groups() for x in (first, last))
    return column_index_from_string(c1), int(r1), column_index_from_string(c2), int(r2)


def check_tables(path: Path) -> dict[str, list[str]]:
    """Asserts Excel's table rules on every sheet; returns each table's column names."""
    parts = strict_parts(path)
    workbook = parts["xl/workbook.xml"]
    workbook_rels = {
        rel.get("Id"): rel.get("Target") for rel in parts["xl/_rels/workbook.xml.rels"]
    }
    names, display_names, table_ids = {}, set(), set()
    for sheet in workbook.iter(f"{MAIN}sheet"):
        target = workbook_rels[sheet.get(f"{OFFICE_RELS}id")].lstrip("/")
        part = target if target.startswith("xl/") else f"xl/{target}"
        xml = parts[part]
        rows = xml.find(f"{MAIN}sheetData").findall(f"{MAIN}row")
        for cell in xml.iter(f"{MAIN}c"):
            text = cell_text(cell)
            if text is not None:
                assert utf16_units(text) <= CELL_LIMIT, (part, cell.get("r"))
            assert cell.find(f"{MAIN}f") is None, (part, cell.get("r"))  # never a formula
        table_parts = xml.find(f"{MAIN}tableParts")
        if table_parts is None:
            continue
        rels_name = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
        sheet_rels = {rel.get("Id"): rel.get("Target") for rel in parts[rels_name]}
        (table_part,) = table_parts
        table_target = sheet_rels[table_part.get(f"{OFFICE_RELS}id")]
        table = parts["xl/tables/" + table_target.rsplit("/", 1)[-1]]
        ref = table.get("ref")
        columns = [column.get("name") for column in table.iter(f"{MAIN}tableColumn")]
        first_col, first_row, last_col, last_row = split_ref(ref)
        assert (first_col, first_row) == (1, 1), ref
        assert last_row == len(rows) == int(rows[-1].get("r")), (part, ref)
        header = [cell_text(cell) for cell in rows[0]]
        assert last_col == len(header) == len(columns), (part, ref)
        assert int(table.find(f"{MAIN}tableColumns").get("count")) == len(columns)
        assert header == columns, part
        assert len({decoded(name).casefold() for name in columns}) == len(columns), part
        widest = max(
            column_index_from_string(re.match("[A-Z]+", c.get("r")).group())
            for row in rows
            for c in row
        )
        assert widest <= last_col, (part, "a cell outside the table")
        assert table.find(f"{MAIN}autoFilter").get("ref") == ref
        assert table.get("displayName") not in display_names
        assert table.get("id") not in table_ids
        display_names.add(table.get("displayName"))
        table_ids.add(table.get("id"))
        names[sheet.get("name")] = [decoded(name) for name in columns]
    return names


@pytest.mark.parametrize("personal_data", [True, False])
@pytest.mark.parametrize("language", ["en", "da"])
def test_a_hostile_workbook_is_strict_xml_and_every_table_follows_the_rules(
    hostile_db, tmp_path, language, personal_data
):
    out = tmp_path / "hostile.xlsx"
    write_workbook(hostile_db, out, ExportOptions(language=language, personal_data=personal_data))
    names = check_tables(out)
    assert set(names) == {
        "Interviews",
        "Challenges",
        "Initiatives",
        "Effects",
        "Quotes",
        "Codebook",
    }
    assert "notes_effects (2)" in names["Interviews"]  # 32,800 UTF-16 units: two cells


def test_a_merged_central_workbook_is_strict_xml_and_every_table_follows_the_rules(
    central_db, tmp_path
):
    out = tmp_path / "central.xlsx"
    counts = write_workbook(central_db, out)
    assert counts["interviews"] == 30
    check_tables(out)


def parts_without_times(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"
        }


@pytest.mark.parametrize("fixture", ["hostile_db", "central_db"])
def test_the_same_data_gives_the_same_file(request, tmp_path, fixture):
    database = request.getfixturevalue(fixture)
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    write_workbook(database, first)
    write_workbook(database, second)
    # only the creation time in core.xml may differ: every other part, byte for byte
    assert parts_without_times(first) == parts_without_times(second)


def test_ties_are_broken_by_the_records_id(tmp_path):
    """Interviews on the same day created at the same moment come out in the order of their
    ids, whatever order SQLite happens to store them in."""
    import sqlite3

    path = tmp_path / "ties.sqlite"
    database = open_database(path, backup=False)
    with database.session() as session:
        study = svc.current_study(session=session)
        for role in ("Director", "Chief", "Head", "Manager"):
            svc.create_interview(
                session=session,
                study=study,
                respondent_role=role,
                service_area="employment",
                municipality="Ærø",
                interview_date=date(2017, 6, 2),
            )
    database.close()
    connection = sqlite3.connect(path)
    connection.execute("UPDATE interview SET created_at = '2017-06-02 10:00:00.000000'")
    connection.commit()
    ids = sorted(row[0] for row in connection.execute("SELECT id FROM interview"))
    connection.close()
    out = tmp_path / "ties.xlsx"
    write_workbook(path, out)
    from openpyxl import load_workbook

    sheet = load_workbook(out, read_only=True)["Interviews"]
    written = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [key.replace("-", "") for key in written] == ids


@pytest.mark.parametrize("personal_data", [True, False])
def test_the_lean_row_writer_writes_what_openpyxl_writes(tmp_path, monkeypatch, personal_data):
    """The data rows go through xlsx_workbook.RowWriter, not openpyxl's cell objects: the
    file is byte for byte the one openpyxl's own writing gives (every part but the creation
    time), on hostile text, dates, times, numbers, yes/no and formula-like text; and a text
    Excel knows as an error value ("#N/A") is text in both."""
    import shutil
    import sqlite3

    from interviewer.export import xlsx_workbook

    path = tmp_path / "hostile.sqlite"
    shutil.copyfile(hostile_database(tmp_path / "source.sqlite"), path)
    connection = sqlite3.connect(path)
    connection.execute(
        "UPDATE challenge SET title = '#N/A' WHERE rowid = (SELECT min(rowid) FROM challenge)"
    )
    connection.commit()
    connection.close()
    options = ExportOptions(personal_data=personal_data)
    lean, plain = tmp_path / "lean.xlsx", tmp_path / "plain.xlsx"
    write_workbook(path, lean, options)
    monkeypatch.setattr(xlsx_workbook.RowWriter, "hooked", staticmethod(lambda *_: None))
    write_workbook(path, plain, options)
    with zipfile.ZipFile(lean) as a, zipfile.ZipFile(plain) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != "docProps/core.xml":
                assert a.read(name) == b.read(name), name
        sheets = [n for n in a.namelist() if n.startswith("xl/worksheets/sheet")]
        written = b"".join(a.read(n) for n in sheets)
    assert b"<t>#N/A</t>" in written
    assert b' t="e"' not in written and b"<f>" not in written


def test_an_openpyxl_that_ignores_the_row_writer_stops_the_export(tmp_path, monkeypatch):
    """Should a newer openpyxl write the rows itself (a formula-like text would then be a
    formula), the export stops before the file is in place."""
    from interviewer.export import xlsx_workbook

    path = hostile_database(tmp_path / "hostile.sqlite")
    monkeypatch.setattr(
        xlsx_workbook.RowWriter,
        "hooked",
        staticmethod(lambda sheet, columns: xlsx_workbook.RowWriter(sheet, columns)),
    )
    out = tmp_path / "study.xlsx"
    with pytest.raises(RuntimeError):
        write_workbook(path, out)
    assert not out.exists()
