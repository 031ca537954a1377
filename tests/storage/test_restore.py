"""Restore that cannot corrupt: `interviewer restore` checks the backup, keeps the current
file (with what its -wal holds) aside, and puts the backup's state in place whole, even after
a process was killed with a -wal full of later edits beside the database."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.storage.backup import interview_count, kept_backups, list_backups
from interviewer.storage.database import head_revision, open_database
from interviewer.storage.file_lock import try_writer_lock
from tests.helpers import database_content, file_digest
from tests.storage.test_database import (
    another_programs_database,
    damage,
    make_demo_file,
    newer_schema,
    not_a_database,
    truncated,
)
from tests.test_cli import run

KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from interviewer.demo import generate_demo
from interviewer.storage.database import open_database
database = open_database(Path(sys.argv[1]), backup=False)
generate_demo(database, interviews=5, seed=77)  # edits made after the backup
os.kill(os.getpid(), signal.SIGKILL)  # dies with its -wal beside the database
"""


def wal(path: Path) -> Path:
    return Path(f"{path}-wal")


def killed_after_edits(path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(path)], timeout=120)
    assert done.returncode == -9
    assert wal(path).exists() and wal(path).stat().st_size > 0


@pytest.fixture
def crashed(tmp_path):
    """The issue's scenario: 20 interviews backed up, then a process that added 5 more was
    killed, leaving them in the -wal. Returns (database, backup)."""
    path = make_demo_file(tmp_path / "study.sqlite", interviews=20)
    backup = tmp_path / "saved" / "before.sqlite"
    backup.parent.mkdir()
    assert run("backup", "--db", path, "-o", backup).returncode == 0
    killed_after_edits(path)
    return path, backup


def test_restore_after_a_crash_gives_exactly_the_backup_and_a_healthy_file(crashed):
    path, backup = crashed
    expected = database_content(backup)
    result = run("restore", "--db", path, backup)
    assert result.returncode == 0, result.stderr
    assert "restored from" in result.stdout
    check = run("check", "--db", path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "healthy (20 interviews" in check.stdout
    assert database_content(path) == expected
    # opened by the app's own code, it still holds exactly the backup
    open_database(path, backup=False).close()
    assert database_content(path) == expected


def test_the_state_before_the_restore_is_kept_with_what_its_wal_held(crashed):
    path, backup = crashed
    assert run("restore", "--db", path, backup).returncode == 0
    [kept] = kept_backups(path)
    assert kept.name.endswith("-before-restore.sqlite")
    assert interview_count(kept) == 25  # the killed process's edits, from its -wal
    [entry] = [e for e in list_backups(path) if e.path == kept]
    assert entry.reason == "restore"
    # and the restore can itself be undone
    assert run("restore", "--db", path, kept).returncode == 0
    assert interview_count(path) == 25


def test_a_kept_or_rolling_backup_listed_by_backups_restores(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite", interviews=6)
    assert run("demo", "--db", path, "--interviews", 2, "--seed", 3).returncode == 0
    [rolling] = [e.path for e in list_backups(path)]
    assert run("restore", "--db", path, rolling).returncode == 0
    assert interview_count(path) == 6


def another_program(path: Path) -> None:
    """Another program's SQLite file in the backup's place."""
    path.unlink()
    another_programs_database(path)


def foreign_trigger(path: Path) -> None:
    """The issue's trigger that deleted every quote when a merge touched an interview."""
    connection = sqlite3.connect(path)
    connection.execute("CREATE TRIGGER wipe AFTER UPDATE ON interview BEGIN DELETE FROM quote; END")
    connection.commit()
    connection.close()


SPOILED = {
    "foreign trigger": foreign_trigger,
    "damaged": damage,
    "not a database": not_a_database,
    "newer schema": newer_schema,
    "another program's": another_program,
    "cut short": truncated,
}


@pytest.mark.parametrize("spoil", SPOILED.values(), ids=SPOILED.keys())
def test_a_bad_backup_is_refused_with_its_reason_and_nothing_changes(tmp_path, spoil):
    path = make_demo_file(tmp_path / "study.sqlite")
    backup = tmp_path / "backup.sqlite"
    assert run("backup", "--db", path, "-o", backup).returncode == 0
    spoil(backup)
    before = file_digest(path)
    result = run("restore", "--db", path, backup)
    assert result.returncode == 1
    assert "cannot be restored" in result.stderr or "is empty" in result.stderr
    assert "Traceback" not in result.stderr
    assert file_digest(path) == before
    assert kept_backups(path) == []


def test_a_folder_the_database_itself_or_nothing_is_refused(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite")
    before = file_digest(path)
    for backup, says in (
        (tmp_path, "is not a file"),
        (path, "is the database itself"),
        (tmp_path / "study.sqlite-wal", "is the database itself"),
        (tmp_path / "nowhere.sqlite", "Cannot read the backup"),
    ):
        if backup.name.endswith("-wal"):
            backup.write_bytes(b"")
        result = run("restore", "--db", path, backup)
        assert result.returncode == 1, backup
        assert says in result.stderr
        assert "Traceback" not in result.stderr
    assert file_digest(path) == before
    assert kept_backups(path) == []


def test_a_backup_of_an_older_schema_restores_and_is_migrated_when_opened(tmp_path):
    from tests.storage.test_migrations import FIXTURES

    path = make_demo_file(tmp_path / "study.sqlite")
    # the fixture is another database (another study): restored only when asked to
    result = run("restore", "--db", path, FIXTURES / "schema_0001.sqlite")
    assert result.returncode == 1 and "another database" in result.stderr
    result = run("restore", "--db", path, FIXTURES / "schema_0001.sqlite", "--other-database")
    assert result.returncode == 0, result.stderr
    assert database_content(path) == database_content(FIXTURES / "schema_0001.sqlite")
    database = open_database(path, backup=False)
    with database.engine.connect() as connection:
        revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    database.close()
    assert revision == head_revision()


def test_restore_is_refused_while_the_app_holds_the_file(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite")
    backup = tmp_path / "backup.sqlite"
    assert run("backup", "--db", path, "-o", backup).returncode == 0
    before = file_digest(path)
    lock = try_writer_lock(path)  # as the app holds it
    try:
        result = run("restore", "--db", path, backup)
    finally:
        lock.release()
    assert result.returncode == 1
    assert "open in the Interviewer app" in result.stderr
    assert "Restore from a backup" in result.stderr  # says what to do instead
    assert file_digest(path) == before
    assert kept_backups(path) == []


def test_a_damaged_database_is_kept_aside_as_its_raw_files(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite")
    backup = tmp_path / "backup.sqlite"
    assert run("backup", "--db", path, "-o", backup).returncode == 0
    damage(path)
    damaged = path.read_bytes()
    result = run("restore", "--db", path, backup)
    assert result.returncode == 0, result.stderr
    [kept] = kept_backups(path)
    assert kept.is_dir() and kept.name.endswith("-before-restore.raw")
    assert (kept / path.name).read_bytes() == damaged
    assert database_content(path) == database_content(backup)
    [entry] = [e for e in list_backups(path) if e.path == kept]
    assert entry.raw and entry.interviews is None


def test_the_restored_file_keeps_the_databases_permissions(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite")
    backup = tmp_path / "backup.sqlite"
    assert run("backup", "--db", path, "-o", backup).returncode == 0
    os.chmod(path, 0o600)
    assert run("restore", "--db", path, backup).returncode == 0
    assert path.stat().st_mode & 0o777 == 0o600
    assert not [p.name for p in tmp_path.iterdir() if "partial" in p.name]


def test_restore_is_refused_while_a_read_only_copy_has_the_file_open(tmp_path):
    """A reader's connection would outlive the swap and, closing, delete the new file's -wal:
    the restore waits until every copy has closed the file."""
    from sqlmodel import select

    from interviewer.storage.database import open_database_read_only
    from interviewer.storage.models import Interview

    path = make_demo_file(tmp_path / "study.sqlite", interviews=4)
    backup = tmp_path / "backup.sqlite"
    assert run("backup", "--db", path, "-o", backup).returncode == 0
    add = run("demo", "--db", path, "--interviews", 2, "--seed", 4)
    assert add.returncode == 0
    before = database_content(path)
    reader = open_database_read_only(path)  # another copy of the app, read-only
    with reader.session() as session:
        assert len(session.exec(select(Interview)).all()) == 6
        result = run("restore", "--db", path, backup)
    assert result.returncode == 1
    assert "another copy of Interviewer" in result.stderr
    assert "Traceback" not in result.stderr
    with reader.session() as session:  # the reader reads on, unharmed
        assert len(session.exec(select(Interview)).all()) == 6
    reader.close()
    assert database_content(path) == before
    assert kept_backups(path) == []
    assert run("restore", "--db", path, backup).returncode == 0  # once it has closed
    assert interview_count(path) == 4


def test_a_database_file_that_is_gone_is_restored_from_its_backups(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite", interviews=5)
    assert run("demo", "--db", path, "--interviews", 1, "--seed", 8).returncode == 0
    [rolling] = [e.path for e in list_backups(path)]
    for file in tmp_path.glob("study.sqlite*"):
        file.unlink()
    listed = run("backups", "--db", path)  # the backups of a file that is gone are still listed
    assert str(rolling) in listed.stdout
    result = run("restore", "--db", path, rolling)
    assert result.returncode == 0, result.stderr
    assert database_content(path) == database_content(rolling)
    assert kept_backups(path) == []  # there was nothing to keep aside


@pytest.mark.parametrize(("command", "mentions"), [(["backups"], "--db"), (["restore"], "BACKUP")])
def test_the_backup_commands_have_help(command, mentions, capsys):
    from interviewer.cli import build_parser

    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args([*command, "--help"])
    assert exit_.value.code == 0
    assert mentions in capsys.readouterr().out
