"""The summary a respondent is sent: no internal notes unless asked, "Draft" on a draft, the
consent recorded, and personal data left out on request (read back with python-docx)."""

import sqlite3
import uuid
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn

from interviewer import interviews as svc
from interviewer.export.docx_interview import write_interview_docx
from interviewer.export.options import ExportOptions
from interviewer.storage.database import open_database
from interviewer.storage.models import InterviewStatus
from tests.export.conftest import LONG

NOTE = "High in the department since the new director"  # the sample's notes on priority


def every_part_text(path) -> str:
    """The XML of every part of the file: what any reader, or a curious respondent, could see
    (headers, footers, properties included)."""
    with zipfile.ZipFile(path) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith(".xml") or name.endswith(".rels")
        )


def facts(document) -> dict[str, str]:
    return {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}


def header_text(document) -> str:
    return "\n".join(p.text for p in document.sections[0].header.paragraphs)


@pytest.fixture
def sample(awkward_db):
    path, awkward_id = awkward_db
    connection = sqlite3.connect(path)
    [(sample_hex,)] = connection.execute(
        "SELECT id FROM interview WHERE respondent_name = 'Birgitte Mølgaard'"
    ).fetchall()
    connection.close()
    return path, uuid.UUID(sample_hex), awkward_id


def complete(path, interview_id) -> None:
    database = open_database(path)
    with database.session() as session:
        svc.set_status(session=session, interview_id=interview_id, status=InterviewStatus.COMPLETE)
    database.close()


def test_the_interviewers_notes_stay_out_by_default(sample, tmp_path):
    path, sample_id, awkward_id = sample
    out = tmp_path / "summary.docx"
    write_interview_docx(path, out, sample_id)
    document = Document(out)
    assert NOTE not in every_part_text(out)
    assert "Notes" not in [p.text.split(":")[0] for p in document.paragraphs]
    assert "internal use" not in every_part_text(out).lower()
    # the awkward interview's long notes (on effects) too; its long challenge text stays
    write_interview_docx(path, out, awkward_id)
    paragraphs = [p.text for p in Document(out).paragraphs]
    assert not any(text.startswith("Notes:") for text in paragraphs)


def test_internal_notes_on_request_and_the_document_says_for_internal_use(sample, tmp_path):
    path, sample_id, awkward_id = sample
    complete(path, sample_id)
    out = tmp_path / "internal.docx"
    write_interview_docx(path, out, sample_id, ExportOptions(internal_notes=True))
    document = Document(out)
    assert document.paragraphs[0].text.startswith("For internal use")
    assert header_text(document).startswith("For internal use")
    notes = [p.text for p in document.paragraphs if p.text.startswith("Notes: ")]
    assert len(notes) == 1 and NOTE in notes[0]
    write_interview_docx(path, out, awkward_id, ExportOptions(internal_notes=True))
    assert f"Notes: {LONG}" in [p.text for p in Document(out).paragraphs]  # never cut


def test_a_draft_says_draft_in_its_title_and_on_every_page(sample, tmp_path):
    path, sample_id, _ = sample
    out = tmp_path / "draft.docx"
    write_interview_docx(path, out, sample_id)
    document = Document(out)
    assert [p.text for p in document.paragraphs if p.style.name == "Title"] == [
        "Interview summary (draft)"
    ]
    assert "Draft" in header_text(document)
    assert document.paragraphs[0].text.startswith("Draft")  # before the title, first thing read

    complete(path, sample_id)
    write_interview_docx(path, out, sample_id)
    document = Document(out)
    assert [p.text for p in document.paragraphs if p.style.name == "Title"] == ["Interview summary"]
    assert "draft" not in header_text(document).lower()
    assert document.paragraphs[0].text == "Interview summary"


def test_a_draft_in_danish(sample, tmp_path):
    path, sample_id, _ = sample
    out = tmp_path / "kladde.docx"
    write_interview_docx(path, out, sample_id, ExportOptions(language="da", internal_notes=True))
    document = Document(out)
    assert "Interviewresumé (kladde)" in [p.text for p in document.paragraphs]
    assert header_text(document) == (
        "Til intern brug: indeholder interviewerens egne noter"
        " · Kladde: interviewet er ikke markeret som færdigt"
    )


def test_the_consent_recorded_is_shown(sample, tmp_path):
    path, sample_id, awkward_id = sample
    out = tmp_path / "consent.docx"
    write_interview_docx(path, out, sample_id)
    assert facts(Document(out))["Consent"] == "Yes, given 2017-05-17"
    write_interview_docx(path, out, awkward_id)
    assert facts(Document(out))["Consent"] == "No consent recorded"
    write_interview_docx(path, out, awkward_id, ExportOptions(language="da"))
    assert facts(Document(out))["Samtykke"] == "Intet samtykke registreret"


def test_without_personal_data_nothing_points_at_the_respondent(sample, tmp_path):
    path, sample_id, _ = sample
    out = tmp_path / "anonymous.docx"
    write_interview_docx(path, out, sample_id)
    shown = facts(Document(out))
    assert shown["Name"] == "Birgitte Mølgaard"
    assert shown["Municipality"] == "Faaborg-Midtfyn"
    assert shown["Location"] == "Town hall, meeting room 2"
    assert shown["Date"] == "2017-05-17"
    assert shown["Time"] == "10:00"
    assert shown["Interviewer"] == "Mette Sørensen"
    assert any("since 2016-09-01" in p.text for p in Document(out).paragraphs)

    write_interview_docx(path, out, sample_id, ExportOptions(personal_data=False))
    document = Document(out)
    shown = facts(document)
    assert shown["Date"] == "2017-05"  # the month is kept
    assert shown["Consent"] == "Yes, given 2017-05"
    assert shown["Interviewer"] == "Interviewer 1"  # numbered, as in the other exports
    assert any("since 2016-09" in p.text for p in document.paragraphs)  # the initiative's start
    assert {"Name", "Municipality", "Location", "Time"}.isdisjoint(shown)
    everything = every_part_text(out)
    personal_data = ("Mølgaard", "Faaborg", "Town hall", "2017-05-17", "10:00", "2016-09-01")
    for personal in (*personal_data, "Sørensen"):
        assert personal not in everything, personal
    assert shown["Respondent"] == "Head of Child and Family Services"  # the role stays


def test_a_challenge_title_is_bold_over_its_description_and_a_quote_keeps_with_its_speaker(
    sample, tmp_path
):
    path, sample_id, _ = sample
    out = tmp_path / "layout.docx"
    write_interview_docx(path, out, sample_id)
    document = Document(out)
    challenges = next(t for t in document.tables if t.rows[0].cells[0].text == "Rank")
    for row in challenges.rows[1:]:
        runs = row.cells[1].paragraphs[0].runs
        title, _, description = row.cells[1].text.partition("\n")
        assert runs[0].text == title and runs[0].bold, row.cells[1].text
        assert description and not any(run.bold for run in runs[1:])
    quotes = [p for p in document.paragraphs if p.style.name == "Quote"]
    assert quotes
    for said in quotes:
        who = said._p.getnext()
        assert said.paragraph_format.keep_with_next  # never a quote at a page's foot alone
        assert who.pPr.ind.left == document.styles["Quote"].paragraph_format.left_indent
        assert "".join(t.text for t in who.iter(qn("w:t"))).startswith("— ")


@pytest.mark.parametrize(("lang", "shown"), [("en", "0.3 → 0.7"), ("da", "0,3 → 0,7")])
def test_a_figure_stored_with_binary_noise_shows_15_significant_digits(
    sample, tmp_path, lang, shown
):
    """0.1 + 0.2 stored by another program is 0.30000000000000004: the summary shows 0.3."""
    path, sample_id, _awkward_id = sample
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "UPDATE effect SET baseline = 0.1 + 0.2, current = 0.7000000000000001,"
            " metric = 'noisy measure' WHERE id = (SELECT id FROM effect WHERE interview_id = ?"
            " AND deleted_at IS NULL ORDER BY id LIMIT 1)",
            (sample_id.hex,),
        )
    connection.close()
    out = tmp_path / "noise.docx"
    write_interview_docx(path, out, sample_id, ExportOptions(language=lang))
    (line,) = [p.text for p in Document(out).paragraphs if "noisy measure" in p.text]
    assert f"noisy measure: {shown}" in line, line
    assert "0000" not in line, line


def test_an_initiatives_heading_meta_line_and_description_keep_together(sample, tmp_path):
    """breaker11b F18: a page ended with an initiative's heading and meta line, its
    description on the next page; the three now keep together."""
    path, sample_id, _awkward_id = sample
    connection = sqlite3.connect(path)
    initiatives = connection.execute(
        "SELECT title, description FROM initiative WHERE interview_id = ? AND deleted_at IS NULL"
        " AND description <> ''",
        (sample_id.hex,),
    ).fetchall()
    connection.close()
    assert initiatives
    out = tmp_path / "keep.docx"
    write_interview_docx(path, out, sample_id)
    paragraphs = Document(out).paragraphs
    texts = [p.text for p in paragraphs]
    for title, description in initiatives:
        at = texts.index(title)  # the first: under the initiatives question
        heading, meta, body = paragraphs[at : at + 3]
        assert body.text == description, (title, body.text)
        for kept in (heading, meta):
            style_keeps = kept.style.paragraph_format.keep_with_next
            assert kept.paragraph_format.keep_with_next or style_keeps, (title, kept.text)
        assert meta.paragraph_format.keep_with_next, meta.text
