"""The Word exports, read back with python-docx as a reader of the document would see them."""

import sqlite3
from collections import Counter

import pytest
from docx import Document
from docx.oxml.ns import qn

from interviewer.errors import InterviewerError
from interviewer.export.docx_interview import write_interview_docx
from interviewer.export.docx_synthesis import write_synthesis_docx
from interviewer.export.options import ExportOptions, InterviewFilter
from interviewer.export.text import MARKER
from tests.export.conftest import AWKWARD, LONG, NAME


def styled(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture
def sample(awkward_db, tmp_path):
    path, awkward_id = awkward_db
    connection = sqlite3.connect(path)
    [(sample_hex,)] = connection.execute(
        "SELECT id FROM interview WHERE respondent_name = 'Birgitte Mølgaard'"
    ).fetchall()
    connection.close()
    import uuid

    return path, uuid.UUID(sample_hex), awkward_id


def test_the_interview_summary_uses_real_styles_and_holds_every_answer(sample, tmp_path):
    path, sample_id, _ = sample
    out = tmp_path / "summary.docx"
    write_interview_docx(path, out, sample_id)
    document = Document(out)
    assert styled(document, "Title") == ["Interview summary (draft)"]  # the sample is a draft
    assert styled(document, "Heading 1") == [
        "1. Priority",
        "2. Challenges",
        "3. Initiatives",
        "4. Effects",
        "Quotes",
    ]
    assert "One budget frame for families" in styled(document, "Heading 2")
    facts = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert facts["Respondent"] == "Head of Child and Family Services"
    assert facts["Municipality"] == "Faaborg-Midtfyn"
    assert facts["Name"] == "Birgitte Mølgaard"
    assert facts["Interviewer"] == "Mette Sørensen"
    ratings = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert ratings[1:] == [
        ["Your department", "5 – Very high"],
        ["The municipality", "3 – Moderate"],
    ]
    challenges = [[c.text for c in row.cells] for row in document.tables[2].rows]
    assert [row[0] for row in challenges] == ["Rank", "1", "2", "3"]
    assert challenges[1][1].startswith("Each unit guards its own budget line")
    assert challenges[1][2] == "Separate budgets and goals per silo"
    text = all_text(document)
    assert "children placed outside the home: 48 → 11 children (2015–2017)" in text
    assert styled(document, "Quote")[0] == (
        "“We each defend our own budget line, and the family pays the difference.”"
    )
    assert all(t.style.name == "Interviewer Table" for t in document.tables)
    footer = document.sections[0].footer._element.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer


def test_the_summary_speaks_danish_and_can_leave_out_the_name(sample, tmp_path):
    path, sample_id, _ = sample
    out = tmp_path / "resume.docx"
    write_interview_docx(path, out, sample_id, ExportOptions(language="da", personal_data=False))
    document = Document(out)
    assert styled(document, "Title") == ["Interviewresumé (kladde)"]
    assert styled(document, "Heading 1")[:2] == ["1. Prioritet", "2. Udfordringer"]
    assert "Mølgaard" not in all_text(document)
    language = (
        document.styles.element.find(qn("w:docDefaults"))
        .find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        .find(qn("w:lang"))
    )
    assert language.get(qn("w:val")) == "da-DK"


def test_awkward_text_survives_in_word(sample, tmp_path):
    path, _, awkward_id = sample
    out = tmp_path / "awkward.docx"
    write_interview_docx(path, out, awkward_id)
    text = all_text(Document(out))
    for key in ("danish", "emoji", "rtl", "formula", "plus", "minus", "at"):
        assert AWKWARD[key] in text, key
    assert "bell escape null end" in text  # the services drop control characters
    assert LONG in text  # long notes are never cut
    assert NAME in text


def test_characters_word_cannot_hold_show_as_the_marker(sample, tmp_path):
    """Where another program stored characters XML cannot carry, the summary shows each as
    the marker rather than writing a file Word refuses."""
    path, _, awkward_id = sample
    connection = sqlite3.connect(path)
    connection.execute(
        "UPDATE quote SET text = ? WHERE interview_id = ? AND text = ?",
        (AWKWARD["control"], awkward_id.hex, "bell escape null end"),
    )
    assert connection.total_changes == 1
    connection.commit()
    connection.close()
    out = tmp_path / "marked.docx"
    write_interview_docx(path, out, awkward_id)
    text = all_text(Document(out))
    assert "bell" + MARKER + " escape" + MARKER + " null" + MARKER + " end" in text


def test_a_missing_interview_is_a_clear_error_and_writes_nothing(sample, tmp_path):
    import uuid

    path, _, _ = sample
    out = tmp_path / "none.docx"
    with pytest.raises(InterviewerError, match="there is no interview"):
        write_interview_docx(path, out, uuid.uuid4())
    assert not out.exists()


def test_the_synthesis_counts_what_the_database_holds(demo_db, tmp_path):
    out = tmp_path / "synthesis.docx"
    covered = write_synthesis_docx(demo_db, out)
    assert covered == 1000
    document = Document(out)
    assert styled(document, "Title") == ["Study synthesis"]
    headings = styled(document, "Heading 1")
    assert headings == [
        "The interviews",
        "1. Priority",
        "Challenge themes",
        "Initiatives and their effects",
        "Quotes by theme",
    ]
    connection = sqlite3.connect(demo_db)
    named = Counter(
        dict(
            connection.execute(
                "SELECT c.label_en, count(DISTINCT ch.interview_id) FROM challenge ch "
                "JOIN codebook_entry c ON c.code = ch.theme_code AND c.kind = 'challenge_theme' "
                "GROUP BY ch.theme_code"
            ).fetchall()
        )
    )
    names = [
        row[0]
        for row in connection.execute(
            "SELECT respondent_name FROM interview WHERE respondent_name IS NOT NULL"
        )
    ]
    connection.close()
    theme_table = next(t for t in document.tables if t.rows[0].cells[0].text == "Theme")
    shown = {row.cells[0].text: int(row.cells[1].text) for row in theme_table.rows[1:]}
    assert shown == dict(named)
    assert list(shown.values()) == sorted(shown.values(), reverse=True)  # ranked
    assert len(document.inline_shapes) >= 2  # the charts
    text = all_text(document)
    assert not any(name in text for name in names)  # quotes by role only, never by name
    assert " → " in text  # measured figures as baseline → current


def test_a_filtered_synthesis_in_danish(demo_db, tmp_path):
    out = tmp_path / "syntese.docx"
    options = ExportOptions(
        language="da", filter=InterviewFilter(service_areas=("employment",), status="complete")
    )
    covered = write_synthesis_docx(demo_db, out, options)
    connection = sqlite3.connect(demo_db)
    expected = connection.execute(
        "SELECT count(*) FROM interview WHERE service_area = 'employment' AND status = 'complete'"
    ).fetchone()[0]
    connection.close()
    assert covered == expected
    document = Document(out)
    assert styled(document, "Title") == ["Syntese af undersøgelsen"]
    assert any("Beskæftigelse" in p for p in styled(document, "Normal"))
