"""The schema the migrations make, a file's differences from it, and opening for writing:
refused, file untouched, when it holds objects the app never makes; refused when
integrity_check finds damage that quick_check misses, at open or right after it."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer import interviews as svc
from interviewer.demo import generate_demo
from interviewer.errors import DamagedDatabase, ForeignSchema
from interviewer.storage.database import head_revision, known_revisions, open_database
from interviewer.storage.integrity import start_integrity_check
from interviewer.storage.schema import (
    our_objects,
    read_schema,
    reference_schema,
    schema_differences,
)
from tests.helpers import database_content, file_digest

FIXTURES = Path(__file__).parent.parent / "fixtures"


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=300,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "demo.sqlite"
    database = open_database(path, backup=False)
    generate_demo(database, interviews=6, seed=4)
    database.close()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    return path


@pytest.fixture
def copy(demo, tmp_path) -> Path:
    target = tmp_path / "study.sqlite"
    target.write_bytes(demo.read_bytes())
    return target


def execute(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()


def test_the_names_open_checks_are_every_object_the_migrations_make():
    named = {key for key, found in reference_schema().items()}
    assert named == our_objects()
    for revision in known_revisions():  # migrations only add, so older files pass too
        assert set(reference_schema(revision)) <= our_objects(), revision


def test_a_file_the_app_made_has_exactly_the_reference_schema(demo):
    connection = sqlite3.connect(demo)
    assert schema_differences(read_schema(connection), reference_schema()) == []
    connection.close()


def test_an_old_file_matches_its_own_revision_and_after_migration_the_newest(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "schema_0001.sqlite", path)
    connection = sqlite3.connect(path)
    assert schema_differences(read_schema(connection), reference_schema("0001")) == []
    connection.close()
    open_database(path, backup=False).close()
    connection = sqlite3.connect(path)
    assert schema_differences(read_schema(connection), reference_schema(head_revision())) == []
    connection.close()


FOREIGN = [
    ("trigger", "CREATE TRIGGER wipe AFTER UPDATE ON interview BEGIN DELETE FROM quote; END"),
    ("view", "CREATE VIEW names AS SELECT respondent_name FROM interview"),
    ("table", "CREATE TABLE notes_copy (x)"),
    ("index", "CREATE INDEX ix_quote_text ON quote (text)"),
]


@pytest.mark.parametrize(("kind", "statement"), FOREIGN, ids=[kind for kind, _ in FOREIGN])
def test_opening_for_writing_refuses_foreign_objects_and_leaves_the_file(copy, kind, statement):
    execute(copy, statement)
    before = file_digest(copy)
    with pytest.raises(ForeignSchema, match=f"objects Interviewer does not make \\({kind} "):
        open_database(copy)
    assert file_digest(copy) == before


def test_the_foreign_trigger_never_fires_from_a_command_that_writes(copy):
    execute(copy, FOREIGN[0][1])
    before = file_digest(copy)
    result = run("demo", "--db", copy, "--interviews", 1, "--seed", 99)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "trigger wipe" in result.stderr
    assert file_digest(copy) == before


def missing_index_entry(path: Path) -> None:
    """An index that lacks one row's entry while its definition says it covers every row: the
    index is rebuilt as a partial index without that row, then its recorded definition put
    back. quick_check passes; integrity_check reports "row 1 missing from index"."""
    connection = sqlite3.connect(path)
    (sql,) = connection.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'ix_challenge_interview_id'"
    ).fetchone()
    (rowid,) = connection.execute("SELECT min(rowid) FROM challenge").fetchone()
    connection.execute("DROP INDEX ix_challenge_interview_id")
    connection.execute(
        f"CREATE INDEX ix_challenge_interview_id ON challenge (interview_id) WHERE rowid != {rowid}"
    )
    (version,) = connection.execute("PRAGMA schema_version").fetchone()
    connection.execute("PRAGMA writable_schema=ON")
    connection.execute(
        "UPDATE sqlite_master SET sql = ? WHERE name = 'ix_challenge_interview_id'", (sql,)
    )
    connection.execute(f"PRAGMA schema_version={version + 1}")
    connection.commit()
    connection.close()


def test_the_recipe_gives_damage_quick_check_misses(copy):
    missing_index_entry(copy)
    connection = sqlite3.connect(copy)
    assert connection.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    found = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    connection.close()
    assert any("missing from index ix_challenge_interview_id" in line for line in found)


def test_a_command_that_writes_refuses_a_file_integrity_check_finds_damaged(copy):
    missing_index_entry(copy)
    before = file_digest(copy)
    with pytest.raises(DamagedDatabase, match="missing from index"):
        open_database(copy)
    result = run("demo", "--db", copy, "--interviews", 1, "--seed", 99)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "damaged" in result.stderr
    assert file_digest(copy) == before
    check = run("check", "--db", copy)
    assert check.returncode == 1
    assert "missing from index" in check.stdout + check.stderr


def test_the_background_check_stops_every_write_once_it_finds_damage(copy):
    missing_index_entry(copy)
    database = open_database(copy, backup=False, full_check=False)  # quick_check passes
    told = []
    watch = start_integrity_check(database, told.append)
    assert watch.wait(60)
    assert watch.damage and told == [watch.damage]
    before = database_content(copy)
    with database.session() as session:
        study = svc.current_study(session=session)  # reading goes on
        with pytest.raises(DamagedDatabase, match="nothing more will be written"):
            svc.interviewer_named(session=session, study=study, name="Someone New")
    database.close()
    assert database_content(copy) == before


def test_the_background_check_leaves_a_whole_file_writable(copy):
    database = open_database(copy, backup=False, full_check=False)
    watch = start_integrity_check(database)
    assert watch.wait(60)
    assert watch.damage is None
    with database.session() as session:
        study = svc.current_study(session=session)
        svc.interviewer_named(session=session, study=study, name="Someone New")
    database.close()
