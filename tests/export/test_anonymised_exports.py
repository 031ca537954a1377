"""The anonymity rule across every export: with personal data left out (personal_data False,
`--no-personal-data`) no part of any file holds a respondent's name, municipality or location,
an interviewer's name, a device's name, or an exact date of a record (interview, consent,
initiative start) in any form the exports write a date in, while the months are kept.

One database of demo interviews whose personal fields are replaced by sentinels no demo text
holds; every export is written (the synthesis in English and Danish, the summaries of a few
interviews, the workbook) and every part of each file is searched, as bytes and as unescaped
text, together with each workbook cell's value (a date cell is a number in the XML).
"""

import html
import re
import sqlite3
import uuid
import zipfile
from datetime import date, datetime, timedelta

import pytest
from babel.dates import format_date
from docx import Document
from openpyxl import load_workbook

from interviewer.demo import generate_demo
from interviewer.export.docx_interview import write_interview_docx
from interviewer.export.docx_synthesis import write_synthesis_docx
from interviewer.export.options import ExportOptions
from interviewer.export.xlsx_workbook import write_workbook
from interviewer.i18n import tr
from interviewer.storage.database import open_database

INTERVIEWS = 30
SUMMARISED = 3  # the first interviews (by date) get a summary each

# what points at a person: no demo text holds any of these
RESPONDENT = "Qorrblat"
MUNICIPALITY = "Muniqzork"
LOCATION = "Lokqvaz"
DEVICE = "Quibbles-MacBook"
INTERVIEWERS = ["Xanthe Quorbleby", "Øjvind Qåxlund", "Ysolde Vrømmerik", "Zebulon Krattle"]
SENTINELS = [RESPONDENT, MUNICIPALITY, LOCATION, DEVICE, *INTERVIEWERS]
for name in INTERVIEWERS:
    SENTINELS += name.split()


def day_forms(day: date) -> set[str]:
    """Every way an export might write ``day``: ISO, the numeric forms, and Babel's medium,
    long and full forms in English (US and GB) and Danish."""
    forms = {
        day.isoformat(),
        day.strftime("%d-%m-%Y"),
        day.strftime("%d.%m.%Y"),
        day.strftime("%d/%m/%Y"),
        f"{day.day}.{day.month}.{day.year}",
    }
    for locale in ("en", "en_GB", "da"):
        forms |= {format_date(day, style, locale=locale) for style in ("medium", "long", "full")}
    return forms


@pytest.fixture(scope="module")
def sentinel_db(tmp_path_factory):
    """Demo interviews with sentinel personal data and distinctive dates; returns (path, the
    ids of the interviews to summarise, every record date, the months of the interviews)."""
    path = tmp_path_factory.mktemp("anonymised") / "sentinels.sqlite"
    database = open_database(path)
    generate_demo(database, interviews=INTERVIEWS, seed=11)
    database.close()
    connection = sqlite3.connect(path)
    with connection:
        staff = [row[0] for row in connection.execute("SELECT id FROM interviewer ORDER BY id")]
        for number, interviewer_id in enumerate(staff):
            name = INTERVIEWERS[number % len(INTERVIEWERS)]
            if number >= len(INTERVIEWERS):
                name = f"{name} {number}"
            connection.execute(
                "UPDATE interviewer SET name = ? WHERE id = ?", (name, interviewer_id)
            )
        interviews = [
            row[0]
            for row in connection.execute(
                "SELECT id FROM interview WHERE deleted_at IS NULL ORDER BY interview_date, id"
            )
        ]
        first = date(2017, 3, 29)
        for number, interview_id in enumerate(interviews):
            held = first + timedelta(days=3 * number + number % 2)  # spread over months
            connection.execute(
                "UPDATE interview SET respondent_name = ?, municipality = ?, location = ?, "
                "created_device = ?, interview_date = ?, "
                "consent_date = CASE WHEN consent_given THEN ? END WHERE id = ?",
                (
                    f"{RESPONDENT} Ærendsen {number}",
                    f"{MUNICIPALITY}{number % 4}",
                    f"{LOCATION} room {number}",
                    f"{DEVICE}-{number}",
                    held.isoformat(),
                    (held - timedelta(days=2)).isoformat(),
                    interview_id,
                ),
            )
            connection.execute(
                "UPDATE initiative SET start_date = ? WHERE interview_id = ?",
                (date(2016, 9, 22 - number % 20).isoformat(), interview_id),
            )
        # the summarised interviews: consent given, so their consent date is shown
        connection.execute(
            f"UPDATE interview SET consent_given = 1, consent_date = interview_date "
            f"WHERE id IN ({','.join('?' * SUMMARISED)})",
            interviews[:SUMMARISED],
        )
        dates = set()
        for query in (
            "SELECT interview_date FROM interview",
            "SELECT consent_date FROM interview",
            "SELECT start_date FROM initiative",
        ):
            dates |= {date.fromisoformat(row[0]) for row in connection.execute(query) if row[0]}
        months = {
            row[0][:7]
            for row in connection.execute(
                "SELECT interview_date FROM interview WHERE deleted_at IS NULL"
            )
        }
        summarised = [
            (uuid.UUID(hex=interview_id), held[:7])
            for interview_id, held in connection.execute(
                f"SELECT id, interview_date FROM interview WHERE id IN "
                f"({','.join('?' * SUMMARISED)}) ORDER BY interview_date",
                interviews[:SUMMARISED],
            )
        ]
        starts = [row[0] for row in connection.execute("SELECT start_date FROM initiative")]
    connection.close()
    assert any(starts) and len(dates) > INTERVIEWS  # the dates the exports must not show
    return path, summarised, dates, months


def leaks(path, dates: set[date]) -> list[str]:
    """What of the sentinels and the exact ``dates`` any part of the file at ``path`` holds,
    as "part: what"; a workbook's cells are read as values too."""
    forms = {form: day for day in dates for form in day_forms(day)}
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            raw = archive.read(name)
            text = html.unescape(raw.decode("utf-8", errors="replace"))
            for sentinel in SENTINELS:
                if sentinel in name or sentinel.encode() in raw or sentinel in text:
                    found.append(f"{name}: {sentinel!r}")
            for form in forms:
                if form in text:
                    found.append(f"{name}: the date {form!r}")
    if str(path).endswith(".xlsx"):
        workbook = load_workbook(path, read_only=True)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                for value in row:
                    day = value.date() if isinstance(value, datetime) else value
                    if isinstance(day, date) and day in dates:
                        found.append(f"sheet {sheet.title}: the date {day.isoformat()} as a date")
        workbook.close()
    return sorted(set(found))


def every_part(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(
            html.unescape(archive.read(name).decode("utf-8", errors="replace"))
            for name in archive.namelist()
        )


def anonymised(lang: str) -> ExportOptions:
    return ExportOptions(language=lang, personal_data=False)


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_synthesis_holds_no_personal_data(sentinel_db, tmp_path, lang):
    path, _, dates, months = sentinel_db
    out = tmp_path / f"synthesis-{lang}.docx"
    write_synthesis_docx(path, out, anonymised(lang))
    found = leaks(out, dates)
    assert not found, "\n".join(found)
    shown = every_part(out)
    assert min(months) in shown and max(months) in shown  # "held 2017-03 to 2017-06"


@pytest.mark.parametrize("lang", ["en", "da"])
def test_each_interview_summary_holds_no_personal_data(sentinel_db, tmp_path, lang):
    path, summarised, dates, _ = sentinel_db
    for number, (interview_id, month) in enumerate(summarised):
        out = tmp_path / f"summary-{lang}-{number}.docx"
        write_interview_docx(path, out, interview_id, anonymised(lang))
        found = leaks(out, dates)
        assert not found, "\n".join(found)
        shown = every_part(out)
        assert month in shown  # the interview's month (and its consent's) is kept
        numbered = tr("Interviewer {number}", lang=lang, number="").strip()
        assert re.search(rf"{numbered} \d", shown)  # the interviewer, as a number
    # the same file with personal data: the check finds what it looks for
    write_interview_docx(path, out, interview_id, ExportOptions(language=lang))
    found = leaks(out, dates)
    assert any(RESPONDENT in line for line in found)
    assert any("the date" in line for line in found)


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_workbook_holds_no_personal_data(sentinel_db, tmp_path, lang):
    path, _, dates, months = sentinel_db
    out = tmp_path / f"workbook-{lang}.xlsx"
    write_workbook(path, out, anonymised(lang))
    found = leaks(out, dates)
    assert not found, "\n".join(found)
    shown = every_part(out)
    assert all(month in shown for month in months)  # every interview's month is kept


def test_with_personal_data_the_sentinels_are_there_to_find(sentinel_db, tmp_path):
    """The searches can fail: with personal data every kind of sentinel is found."""
    path, _, dates, _ = sentinel_db
    out = tmp_path / "workbook-personal.xlsx"
    write_workbook(path, out, ExportOptions())
    found = "\n".join(leaks(out, dates))
    for sentinel in (RESPONDENT, MUNICIPALITY, LOCATION, INTERVIEWERS[0]):
        assert sentinel in found, sentinel
    assert "as a date" in found  # the interview dates are date cells


def test_an_interviewer_has_the_same_number_in_the_summary_and_the_workbook(sentinel_db, tmp_path):
    """Numbered, not named, and the number means one person across the exports of a study."""
    path, summarised, _, _ = sentinel_db
    workbook_file = tmp_path / "workbook.xlsx"
    write_workbook(path, workbook_file, anonymised("en"))
    workbook = load_workbook(workbook_file, read_only=True)
    rows = workbook["Interviews"].iter_rows(values_only=True)
    header = next(rows)
    numbered = {row[header.index("interview_id")]: row[header.index("interviewer")] for row in rows}
    workbook.close()
    for interview_id, _month in summarised:
        out = tmp_path / f"summary-{interview_id}.docx"
        write_interview_docx(path, out, interview_id, anonymised("en"))
        facts = {row.cells[0].text: row.cells[1].text for row in Document(out).tables[0].rows}
        assert re.fullmatch(r"Interviewer \d+", facts["Interviewer"])
        assert facts["Interviewer"] == numbered[str(interview_id)], interview_id
