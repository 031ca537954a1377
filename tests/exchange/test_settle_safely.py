"""Settling a conflict never crashes: a version kept aside that breaks the record's rules (an
older database, a file edited by hand) is refused in one sentence when a person chooses to
keep it, from the command line and in the app's Conflicts dialog alike; nothing changes,
the differences say why instead of failing, and nothing of the record reaches a message or
a log. Keeping the version shown still settles it."""

import json
import logging
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from interviewer.errors import DomainError
from interviewer.exchange.conflicts import conflict_differences, resolve_conflict
from interviewer.storage.database import open_database
from tests.exchange.conflict_data import central_with_a_conflict
from tests.helpers import database_content

MARKER = f"ZQXSETTLE-{uuid.uuid4().hex}"
REFUSED = "The other version cannot be kept, so nothing was changed: it breaks the record's rules"


def _other_interview(central: Path, interview_id: uuid.UUID) -> tuple[str, str]:
    """Another interview at the centre holding a quote: (its id, its quote's id)."""
    connection = sqlite3.connect(central)
    try:
        return connection.execute(
            "SELECT interview_id, id FROM quote WHERE interview_id != ? LIMIT 1",
            (interview_id.hex,),
        ).fetchone()
    finally:
        connection.close()


def _dashed(hex_id: str) -> str:
    return str(uuid.UUID(hex_id))


def status(document, central):
    document["interview"]["status"] = "archived"


def year_zero(document, central):
    document["interview"]["interview_date"] = "0000-01-01"


def unknown_interviewer(document, central):
    document["interview"]["interviewer_id"] = str(uuid.uuid4())


def rating_of_99(document, central):
    document["ratings"][0]["value"] = 99


def quote_of_another_interview(document, central):
    interview_id = uuid.UUID(document["interview"]["id"])
    _, quote_id = _other_interview(central, interview_id)
    document["quotes"][0]["id"] = _dashed(quote_id)


def another_interview(document, central):
    other, _ = _other_interview(central, uuid.UUID(document["interview"]["id"]))
    document["interview"]["id"] = _dashed(other)


BREAKS = {
    "an unknown status": status,
    "year 0": year_zero,
    "an unknown interviewer": unknown_interviewer,
    "a rating of 99": rating_of_99,
    "a quote's id held by another interview": quote_of_another_interview,
    "another interview's document": another_interview,
    "not JSON": None,
}


@dataclass
class Broken:
    central: Path
    conflict_id: uuid.UUID


def _break(central: Path, name: str) -> uuid.UUID:
    """Rewrites the stored other version of the one open conflict: the respondent's name and
    location set to the marker, and ``name``'s break made. Returns the conflict's id."""
    connection = sqlite3.connect(central)
    try:
        conflict, stored = connection.execute(
            "SELECT id, other_document FROM conflict WHERE resolved_at IS NULL"
        ).fetchone()
        document = json.loads(stored)
        document["interview"]["respondent_name"] = f"{MARKER} name"
        document["interview"]["location"] = f"{MARKER} location"
        if document["quotes"]:
            document["quotes"][0]["text"] = f"{MARKER} quote"
        if BREAKS[name] is None:
            text = "{" + json.dumps(document)[:200]  # cut short, the marker in it
        else:
            BREAKS[name](document, central)
            text = json.dumps(document)
        connection.execute("UPDATE conflict SET other_document = ? WHERE id = ?", (text, conflict))
        connection.commit()
        return uuid.UUID(conflict)
    finally:
        connection.close()


@pytest.fixture(params=list(BREAKS))
def broken(request, tmp_path, study_file) -> Broken:
    central, _ = central_with_a_conflict(tmp_path, study_file)
    _ensure_quotes(central)
    return Broken(central, _break(central, request.param))


def _ensure_quotes(central: Path) -> None:
    connection = sqlite3.connect(central)
    try:
        stored = connection.execute("SELECT other_document FROM conflict").fetchone()[0]
    finally:
        connection.close()
    assert json.loads(stored)["quotes"], "the demo's conflicting interview has no quote"


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_keeping_a_broken_other_version_is_refused_in_one_sentence(broken):
    before = database_content(broken.central)
    database = open_database(broken.central, backup=False)
    try:
        with database.session() as session, pytest.raises(DomainError) as refused:
            resolve_conflict(
                session=session, conflict_id=broken.conflict_id, keep="other", by="Lead"
            )
    finally:
        database.close()
    assert str(refused.value).startswith(REFUSED), str(refused.value)
    assert MARKER not in str(refused.value)
    assert database_content(broken.central) == before


def test_on_the_command_line_too_and_keeping_the_shown_one_settles_it(broken):
    before = database_content(broken.central)
    kept = run(
        "conflicts", "--db", broken.central, "--resolve", broken.conflict_id, "--keep", "other"
    )
    assert kept.returncode == 1, kept.stdout + kept.stderr
    assert kept.stderr.startswith(f"interviewer conflicts: {REFUSED}"), kept.stderr
    assert len(kept.stderr.strip().splitlines()) == 1, kept.stderr  # one sentence, no traceback
    assert database_content(broken.central) == before

    shown = run("conflicts", "--db", broken.central, "--show", broken.conflict_id)
    assert shown.returncode == 0, shown.stderr
    assert "cannot be shown: it breaks the record's rules" in shown.stdout, shown.stdout

    settled = run(
        "conflicts", "--db", broken.central, "--resolve", broken.conflict_id, "--keep", "shown"
    )
    assert settled.returncode == 0, settled.stderr
    listed = run("conflicts", "--db", broken.central)
    assert "0 conflicts" in listed.stdout, listed.stdout
    for result in (kept, shown, settled, listed):
        assert MARKER not in result.stdout + result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["an unknown interviewer", "not JSON"])
def test_in_the_app_the_dialog_says_why_and_settles_nothing(
    qtbot, tmp_path, study_file, monkeypatch, caplog, name
):
    from interviewer.ui import exchange_dialogs
    from interviewer.ui.exchange_dialogs import ConflictsDialog

    central, _ = central_with_a_conflict(tmp_path, study_file)
    _break(central, name)
    before = database_content(central)
    said = []
    monkeypatch.setattr(
        exchange_dialogs.QMessageBox, "warning", lambda parent, title, text: said.append(text)
    )
    caplog.set_level(logging.DEBUG)
    database = open_database(central)
    try:
        dialog = ConflictsDialog(database)
        qtbot.addWidget(dialog)
        assert dialog.table.rowCount() == 1
        shown = [
            dialog.differences.item(row, column).text()
            for row in range(dialog.differences.rowCount())
            for column in range(4)
        ]
        assert any("cannot be shown: it breaks the record's rules" in text for text in shown)
        dialog.keep_other.click()
        assert len(said) == 1 and said[0].startswith(REFUSED), said
        assert dialog.table.rowCount() == 1  # still open, for the version shown to be kept
        dialog.keep_shown.click()
        assert dialog.table.rowCount() == 0
        dialog.close()
    finally:
        database.close()
    for text in [*said, *shown, caplog.text]:
        assert MARKER not in text
    assert database_content(central) != before  # settled: keeping the shown one was written


def test_the_differences_of_a_broken_version_are_one_row_saying_why(tmp_path, study_file):
    central, _ = central_with_a_conflict(tmp_path, study_file)
    conflict_id = _break(central, "year 0")
    database = open_database(central, backup=False)
    try:
        with database.session() as session:
            rows = conflict_differences(session=session, conflict_id=conflict_id, lang="en")
    finally:
        database.close()
    [row] = rows
    assert row.field == "The other version"
    assert row.other.startswith("cannot be shown: it breaks the record's rules")
    assert "interview_date: is not a real date" in row.other
