"""`interviewer check` on files spoilt the way a hostile or clumsy hand spoils them: each bad
value written with sqlite3 directly is named by table and id, with exit status 1, no
traceback, and nothing of the record's content in the output."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.demo import generate_demo
from interviewer.storage.database import open_database
from interviewer.storage.health import check_database
from tests.helpers import file_digest

MARKER = "Zanzibar-marker-text"


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=300,
    )


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("health") / "demo.sqlite"
    database = open_database(path, backup=False)
    generate_demo(database, interviews=12, seed=3)
    database.close()
    # one journal-free file, so a byte copy is the whole database
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    return path


@pytest.fixture
def copy(small_demo, tmp_path) -> Path:
    target = tmp_path / "spoilt.sqlite"
    target.write_bytes(small_demo.read_bytes())
    return target


def spoil(path: Path, *statements, params=()) -> None:
    """Runs SQL on the file as another program would: no foreign keys, CHECKs ignored."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA ignore_check_constraints=ON")
    for statement in statements:
        connection.execute(statement, params if "?" in statement else ())
    connection.commit()
    connection.close()


def first_id(path: Path, table: str) -> str:
    import uuid

    connection = sqlite3.connect(path)
    (raw,) = connection.execute(f"SELECT id FROM {table} ORDER BY rowid LIMIT 1").fetchone()
    connection.close()
    return str(uuid.UUID(raw))


def first_rowid(path: Path, table: str) -> int:
    connection = sqlite3.connect(path)
    (rowid,) = connection.execute(f"SELECT min(rowid) FROM {table}").fetchone()
    connection.close()
    return rowid


def drop_not_null(path: Path, table: str, column: str) -> None:
    """Makes a NOT NULL column nullable in place, as a tool editing the schema would."""
    connection = sqlite3.connect(path)
    (version,) = connection.execute("PRAGMA schema_version").fetchone()
    connection.execute("PRAGMA writable_schema=ON")
    connection.execute(
        "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE name = ?",
        (f"{column} VARCHAR NOT NULL", f"{column} VARCHAR", table),
    )
    connection.execute(f"PRAGMA schema_version={version + 1}")
    connection.commit()
    connection.close()


# (what the issue saw, table, column, SQL value expression, words the problem must hold)
BAD_VALUES = [
    ("a date 'garbage'", "interview", "interview_date", "'garbage'", "not a real date"),
    ("a date 2024-02-30", "interview", "interview_date", "'2024-02-30'", "not a real date"),
    ("a time 25:99", "interview", "start_time", "'25:99'", "not a real time"),
    ("a status outside its list", "interview", "status", "'archived'", "is not one of"),
    ("a mode outside its list", "interview", "mode", "'carrier pigeon'", "is not one of"),
    ("an initiative status", "initiative", "status", "'abandoned'", "is not one of"),
    ("an effect kind", "effect", "kind", "'imagined'", "is not one of"),
    ("a timestamp 'soon'", "quote", "captured_at", "'soon'", "not a real timestamp"),
    ("text that is not UTF-8", "quote", "text", "CAST(X'4869C3FF21' AS TEXT)", "not valid UTF-8"),
    ("a lone surrogate", "quote", "text", "CAST(X'41EDA08042' AS TEXT)", "not valid UTF-8"),
    ("an infinite figure", "effect", "baseline", "9e999", "not a finite number"),
    ("a BLOB in a text column", "quote", "text", "X'00FF10'", "BLOB"),
    ("a BLOB in a date column", "interview", "consent_date", "X'2024'", "BLOB"),
    ("a number in a date column", "interview", "interview_date", "20240230", "stored as integer"),
    ("text where a number is meant", "effect", "current", "'fifty'", "stored as text"),
    ("a rating of 9", "rating", "value", "9", "outside 1 to 5"),
    ("a rank of 0", "challenge", "rank", "0", "outside 1 to"),
    ("yes/no holding 7", "quote", "use_in_report", "7", "not yes or no"),
    ("a year 0 date", "initiative", "start_date", "'0000-01-01'", "not a real date"),
    ("a far future date", "initiative", "start_date", "'9999-12-31'", "outside the years"),
    ("a line break", "interview", "municipality", "'Aar' || char(10) || 'hus'", "line break"),
    ("a blank title", "challenge", "title", "'   '", "blank"),
    ("a blank speaker role", "quote", "speaker_role", "''", "blank"),
    ("a foreign key that is not a UUID", "answer", "interview_id", "'interview-7'", "not a UUID"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("table", "column", "value", "expected"),
    [case[1:] for case in BAD_VALUES],
    ids=[case[0] for case in BAD_VALUES],
)
def test_check_names_each_kind_of_bad_value_by_table_and_id(copy, table, column, value, expected):
    record_id = first_id(copy, table)
    spoil(copy, f"UPDATE {table} SET {column} = {value} WHERE rowid = {first_rowid(copy, table)}")
    before = file_digest(copy)
    report = check_database(copy)
    assert not report.healthy
    [line] = [p for p in report.problems if p.startswith(f"{table}, {column}:")]
    assert expected in line
    assert record_id in line
    assert file_digest(copy) == before


def test_a_non_uuid_id_is_named_by_its_rowid(copy):
    rowid = first_rowid(copy, "quote")
    spoil(copy, f"UPDATE quote SET id = 'quote-one' WHERE rowid = {rowid}")
    report = check_database(copy)
    assert f"quote, id: is not a UUID (row {rowid})" in report.problems


def test_null_where_text_is_required_is_named(copy):
    drop_not_null(copy, "interview", "respondent_role")
    record_id = first_id(copy, "interview")
    spoil(
        copy,
        "UPDATE interview SET respondent_role = NULL WHERE id = ?",
        params=(record_id.replace("-", ""),),
    )
    report = check_database(copy)
    assert (
        f"interview, respondent_role: is empty where a value is required ({record_id})"
        in report.problems
    )
    # and the schema no longer being the app's is a problem of its own
    assert "table interview: the column respondent_role is defined differently" in report.problems


def test_a_rating_with_both_a_value_and_dont_know(copy):
    spoil(copy, "UPDATE rating SET value = 3, dont_know = 1 WHERE rowid = 1")
    report = check_database(copy)
    assert any(
        p.startswith('rating, value: A rating is either a number or "don\'t know"')
        for p in report.problems
    )


def test_codes_outside_the_codebook_and_links_across_interviews(copy):
    connection = sqlite3.connect(copy)
    interviews = [row[0] for row in connection.execute("SELECT id FROM interview ORDER BY rowid")]
    (initiative,) = connection.execute(
        "SELECT id FROM initiative WHERE interview_id = ? LIMIT 1", (interviews[0],)
    ).fetchone()
    (effect,) = connection.execute(
        "SELECT id FROM effect WHERE interview_id != ? LIMIT 1", (interviews[0],)
    ).fetchone()
    connection.execute("UPDATE effect SET initiative_id = ? WHERE id = ?", (initiative, effect))
    connection.execute("UPDATE quote SET theme_code = 'no_such_theme' WHERE rowid = 1")
    connection.commit()
    connection.close()
    report = check_database(copy)
    assert any(
        "effect, initiative_id: points at a record of another interview (initiative)" in p
        for p in report.problems
    )
    assert any(
        p.startswith("quote, theme_code: is not a challenge theme in the study's codebook")
        for p in report.problems
    )


def test_two_answers_for_one_question(copy):
    # the unique constraint is the app's; a file without it can still hold two
    connection = sqlite3.connect(copy)
    connection.execute("PRAGMA writable_schema=ON")
    (version,) = connection.execute("PRAGMA schema_version").fetchone()
    connection.execute(
        "UPDATE sqlite_master SET sql = replace(sql, 'UNIQUE (interview_id, question_key)', "
        "'CHECK (1)') WHERE name = 'answer'"
    )
    connection.execute("DELETE FROM sqlite_master WHERE name = 'sqlite_autoindex_answer_2'")
    connection.execute(f"PRAGMA schema_version={version + 1}")
    connection.commit()
    connection.close()
    connection = sqlite3.connect(copy)
    connection.execute("VACUUM")  # rebuilds the file without the dropped index's pages
    connection.execute(
        "INSERT INTO answer SELECT lower(hex(randomblob(16))), created_at, updated_at, "
        "interview_id, question_key, notes, notes_started_offset, seconds_spent, "
        "notes_started_at FROM answer WHERE rowid = 1"
    )
    connection.commit()
    connection.close()
    report = check_database(copy)
    assert any(
        "answer: more than one record for the same interview_id, question_key" in p
        for p in report.problems
    )


def test_missing_tables_with_our_application_id_are_problems_not_a_crash(copy):
    spoil(copy, "DROP TABLE quote", "DROP TABLE rating")
    result = run("check", "--db", copy)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "table quote: missing" in result.stdout
    assert "table rating: missing" in result.stdout


def test_a_file_with_no_tables_at_all_but_our_application_id(copy, tmp_path):
    path = tmp_path / "bare.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA application_id=1230395185")  # ours: "IVW1"
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    result = run("check", "--db", path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "table interview: missing" in result.stdout


def test_missing_columns_are_problems_not_a_crash(copy):
    spoil(
        copy,
        "ALTER TABLE quote DROP COLUMN speaker_role",
        "ALTER TABLE interview DROP COLUMN location",
    )
    report = check_database(copy)
    assert "table quote: lacks the column speaker_role" in report.problems
    assert "table interview: lacks the column location" in report.problems


def test_the_foreign_trigger_of_the_issue_is_reported(copy):
    spoil(
        copy,
        "CREATE TRIGGER wipe AFTER UPDATE ON interview BEGIN DELETE FROM quote; END",
    )
    result = run("check", "--db", copy)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "trigger wipe (on interview): not made by Interviewer" in result.stdout


def test_changed_indexes_and_views_are_reported(copy):
    spoil(
        copy,
        "DROP INDEX ix_challenge_rank_unique",
        "CREATE INDEX ix_challenge_rank_unique ON challenge (rank)",
        "DROP INDEX ix_quote_interview_id",
        "CREATE VIEW everything AS SELECT * FROM quote",
    )
    report = check_database(copy)
    assert "index ix_challenge_rank_unique: defined differently" in report.problems
    assert "index ix_quote_interview_id: missing" in report.problems
    assert "view everything (on everything): not made by Interviewer" in report.problems


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("quote", "text", f"'{MARKER}' || char(10) || X'FF'"),
        ("interview", "respondent_name", f"CAST('{MARKER}' || X'C3' AS TEXT)"),
        ("effect", "metric", f"'{MARKER}' || char(13)"),
    ],
)
def test_check_from_the_command_line_exits_1_and_never_shows_content(copy, table, column, value):
    spoil(copy, f"UPDATE {table} SET {column} = {value} WHERE rowid = 1")
    spoil(copy, f"UPDATE interview SET respondent_name = '{MARKER}' WHERE rowid = 2")
    result = run("check", "--db", copy)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    assert f"{table}, {column}:" in result.stdout
    assert MARKER not in result.stdout + result.stderr


def test_a_demo_database_and_what_the_services_write_is_healthy(copy):
    """The rules accept everything the app itself writes, edge values included."""
    from datetime import UTC, date, datetime, time

    from sqlmodel import select

    from interviewer import interviews as svc
    from interviewer.storage.models import EffectKind, InitiativeStatus, Interview, InterviewMode

    database = open_database(copy, backup=False)
    with database.session() as session:
        study = svc.current_study(session=session)
        interview = svc.create_interview(
            session=session,
            study=study,
            respondent_role="Børne- og ungechef 🧒",
            service_area="education",
            municipality="ærø",
            interview_date=date(1900, 1, 1),
            respondent_name="Åse\u0301 Ñúñez",
            consent_given=True,
            consent_date=date(2999, 12, 31),
            start_time=time(23, 59, 59, 999999),
            mode=InterviewMode.PHONE,
        )
        svc.update_interview(session=session, interview_id=interview.id, end_time=time(0, 0))
        svc.set_rating(
            session=session,
            interview_id=interview.id,
            question_key="priority",
            scale_key="department",
            value=5,
        )
        svc.set_rating(
            session=session,
            interview_id=interview.id,
            question_key="priority",
            scale_key="municipality",
            value=None,
            dont_know=True,
        )
        for title in ("Første", "Second\nline pasted", "Tredje"):
            challenge = svc.add_challenge(
                session=session, interview_id=interview.id, title=title, theme_code="other"
            )
        svc.remove_challenge(session=session, challenge_id=challenge.id)
        initiative = svc.add_initiative(
            session=session,
            interview_id=interview.id,
            title="Fælles budget",
            status=InitiativeStatus.STOPPED,
            start_date=date(2016, 2, 29),
        )
        svc.add_effect(
            session=session,
            initiative_id=initiative.id,
            kind=EffectKind.NONE_YET,
            baseline=-1e308,
            current=0.0,
            metric="børn\r\ni pleje",
            unit="%",
        )
        svc.add_quote(
            session=session,
            interview_id=interview.id,
            text="  \n«Det virker» — 😀\n",
            initiative_id=initiative.id,
        )
        svc.set_notes(
            session=session,
            interview_id=interview.id,
            question_key="effects",
            notes="x" * 10_000,
            started_offset=0,
            started_at=datetime(2999, 1, 1, tzinfo=UTC),
        )
        svc.set_status(session=session, interview_id=interview.id, status="complete")
        assert session.exec(select(Interview)).first() is not None
    database.close()
    report = check_database(copy)
    assert report.healthy, report.problems


def test_a_table_remade_without_rowid_or_as_a_virtual_table_is_one_problem_each(copy):
    spoil(
        copy,
        "DROP TABLE quote",
        "CREATE TABLE quote (id TEXT PRIMARY KEY, text TEXT) WITHOUT ROWID",
        "INSERT INTO quote VALUES ('a', 'b')",
        "DROP TABLE conflict",
        "CREATE VIRTUAL TABLE conflict USING fts5(other_document)",
    )
    result = run("check", "--db", copy)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "table quote: lacks the column speaker_role" in result.stdout
    assert "quote: could not be checked" in result.stdout
    # the rest is still checked and counted
    assert "interview" in check_database(copy).counts


def test_a_table_of_a_module_sqlite_lacks_is_reported(copy):
    spoil(
        copy,
        "DROP TABLE conflict",
        "PRAGMA writable_schema=ON",
        "INSERT INTO sqlite_master VALUES "
        "('table', 'conflict', 'conflict', 0, 'CREATE VIRTUAL TABLE conflict USING nosuch(a)')",
    )
    result = run("check", "--db", copy)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "table conflict: lacks the column id" in result.stdout
