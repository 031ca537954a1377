"""Backups that still protect: a read never consumes the rotation, the state before a merge,
migration or settlement is kept apart from it, `interviewer backups` lists them all, and a
backup killed midway leaves nothing half-written behind."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from interviewer.demo import generate_demo
from interviewer.exchange.bundle import write_bundle
from interviewer.exchange.merge import merge_bundles
from interviewer.paths import backup_dir_for
from interviewer.storage import backup as backups
from interviewer.storage.backup import (
    KEPT_AT_LEAST,
    KEPT_DAYS,
    ROLLING_BACKUPS_KEPT,
    STAMP_FORMAT,
    SessionBackup,
    keep_backup,
    kept_backups,
    list_backups,
    make_rolling_backup,
    rolling_backups,
)
from interviewer.storage.database import open_database
from tests.exchange.conftest import study_file, two_fields  # noqa: F401 - fixtures
from tests.exchange.test_conflict_differences import conflicted  # noqa: F401 - a fixture
from tests.helpers import database_content
from tests.storage.test_database import make_demo_file
from tests.test_cli import run


def names(paths):
    return sorted(p.name for p in paths)


def partials(db_path):
    folder = backup_dir_for(db_path)
    return [p for p in folder.rglob("*") if ".partial" in p.name]


def test_commands_that_only_read_make_no_backup(tmp_path):
    path = tmp_path / "study.sqlite"
    assert run("demo", "--db", path, "--interviews", 10).returncode == 0
    assert run("demo", "--db", path, "--interviews", 5, "--seed", 2).returncode == 0  # a write
    before = names(rolling_backups(path))
    assert len(before) == 1
    for _ in range(ROLLING_BACKUPS_KEPT + 1):  # what pushed the backup out in the issue
        result = run("conflicts", "--db", path)
        assert result.returncode == 0, result.stderr
    assert run("conflicts", "--db", path, "--all").returncode == 0
    assert run("check", "--db", path).returncode in (0, 1)  # healthy or not, it only reads
    assert run("backups", "--db", path).returncode == 0
    assert run("export", "xlsx", "--db", path, "-o", tmp_path / "all.xlsx").returncode == 0
    assert run("export", "docx", "--db", path, "-o", tmp_path / "all.docx").returncode == 0
    assert run("study", "export", "--db", path, "-o", tmp_path / "study.json").returncode == 0
    assert names(rolling_backups(path)) == before
    assert kept_backups(path) == []


def test_a_command_that_writes_backs_up_first(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite")
    content = database_content(path)
    assert run("demo", "--db", path, "--interviews", 3, "--seed", 9).returncode == 0
    [copy] = rolling_backups(path)
    assert database_content(copy) == content


def test_the_state_before_a_merge_outlives_any_number_of_rolling_backups(
    tmp_path,
    two_fields,  # noqa: F811
):
    mette, jonas = two_fields
    for field in two_fields:
        write_bundle(field, field.with_suffix(".bundle"), plain=True)
    central = tmp_path / "central.sqlite"
    assert not merge_bundles(central, [mette.with_suffix(".bundle")]).refused
    before_merge = database_content(central)
    already = kept_backups(central)
    assert not merge_bundles(central, [jonas.with_suffix(".bundle")]).refused
    [kept] = [p for p in kept_backups(central) if p not in already]
    assert kept.name.endswith("-before-merge.sqlite")
    for _ in range(ROLLING_BACKUPS_KEPT * 3):
        make_rolling_backup(central)
    assert len(rolling_backups(central)) == ROLLING_BACKUPS_KEPT
    assert kept in kept_backups(central)
    assert database_content(kept) == before_merge
    assert database_content(central) != before_merge  # the merge did add interviews


def test_the_state_before_a_settlement_is_kept_apart(conflicted):  # noqa: F811
    from interviewer.exchange.conflicts import list_conflicts

    central, _interview, _names = conflicted
    merges = kept_backups(central)
    database = open_database(central, backup=False)
    with database.session() as session:
        [line] = list_conflicts(session=session)
    database.close()
    before = database_content(central)
    result = run("conflicts", "--db", central, "--resolve", line.id, "--keep", "other")
    assert result.returncode == 0, result.stderr
    [settled] = [p for p in kept_backups(central) if p not in merges]
    assert settled.name.endswith("-before-settlement.sqlite")
    assert database_content(settled) == before
    listed = run("backups", "--db", central)
    assert "before conflict settlement" in listed.stdout


def test_kept_backups_last_a_set_number_and_a_set_time(tmp_path):
    """At least the newest KEPT_AT_LEAST, and everything from the last KEPT_DAYS days."""
    path = make_demo_file(tmp_path / "study.sqlite")
    folder = backup_dir_for(path) / "kept"
    folder.mkdir(parents=True)
    now = datetime.now(UTC)

    def fake(days_ago, reason="merge"):
        stamp = (now - timedelta(days=days_ago)).strftime(STAMP_FORMAT)
        file = folder / f"study-{stamp}-before-{reason}.sqlite"
        file.write_bytes(b"")
        return file

    recent = [fake(day) for day in range(1, KEPT_DAYS, 3)]  # more than KEPT_AT_LEAST
    assert len(recent) > KEPT_AT_LEAST
    old = [fake(KEPT_DAYS + 10 + day) for day in range(5)]
    keep_backup(path, "migration")
    left = set(kept_backups(path))
    assert set(recent) <= left  # young enough: kept whatever their number
    assert not set(old) & left  # beyond the newest 20 and older than 90 days

    for file in list(left):
        file.unlink()
    ancient = [fake(400 + day) for day in range(KEPT_AT_LEAST + 3)]
    keep_backup(path, "merge")
    left = kept_backups(path)
    assert len(left) == KEPT_AT_LEAST  # the newest ones, however old
    assert set(left) - {left[-1]} == set(ancient[: KEPT_AT_LEAST - 1])


def test_a_migration_is_preceded_by_a_kept_backup(tmp_path):
    from tests.storage.test_migrations import FIXTURES

    path = tmp_path / "old.sqlite"
    path.write_bytes((FIXTURES / "schema_0001.sqlite").read_bytes())
    open_database(path, backup=False).close()
    assert rolling_backups(path) == []
    [copy] = kept_backups(path)
    assert copy.name.endswith("-before-migration.sqlite")
    connection = sqlite3.connect(copy)
    assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    connection.close()


def test_backups_lists_every_backup_newest_first_with_why_and_what(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite", interviews=12)
    make_rolling_backup(path)
    keep_backup(path, "merge")
    database = open_database(path, backup=False)
    generate_demo(database, interviews=3, seed=30)
    database.close()
    keep_backup(path, "restore")
    make_rolling_backup(path)
    entries = list_backups(path)
    assert [e.reason for e in entries] == ["rolling", "restore", "merge", "rolling"]
    assert [e.interviews for e in entries] == [15, 15, 12, 12]
    assert entries == sorted(entries, key=lambda e: e.taken_at, reverse=True)
    assert all(e.size == e.path.stat().st_size > 0 for e in entries)

    result = run("backups", "--db", path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 5 and lines[-1].endswith("4 backups")
    for line, entry in zip(lines, entries, strict=False):
        assert entry.when_text() in line and str(entry.path) in line
        assert entry.interviews_text() in line and entry.size_text() in line
    assert "before merge" in lines[2] and "before restore" in lines[1]


def test_the_list_is_in_danish_too(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite", interviews=2)
    keep_backup(path, "settlement")
    [entry] = list_backups(path)
    assert entry.reason_text("da") == "før afgørelse af en konflikt"
    assert entry.interviews_text("da") == "2 interviews"


KILLED_BACKUP = """
import sys
from pathlib import Path
from interviewer.storage.backup import make_rolling_backup
while True:  # copying again and again: a kill always lands in the middle of one
    make_rolling_backup(Path(sys.argv[1]), keep=1)
"""


def test_a_backup_killed_midway_leaves_no_partial_after_the_next(tmp_path):
    path = tmp_path / "big.sqlite"
    assert run("demo", "--db", path, "--interviews", 3000).returncode == 0
    env = {**os.environ}
    copier = subprocess.Popen([sys.executable, "-c", KILLED_BACKUP, str(path)], env=env)
    try:
        deadline = time.monotonic() + 120
        while not partials(path):  # a copy is under way
            assert copier.poll() is None, "the copying process ended by itself"
            assert time.monotonic() < deadline, "no copy was ever seen under way"
            time.sleep(0.005)
        os.kill(copier.pid, signal.SIGKILL)
    finally:
        copier.kill()
        copier.wait()
    assert partials(path), "the kill did not land in the middle of a copy"
    copy = make_rolling_backup(path)
    assert partials(path) == []
    assert database_content(copy) == database_content(path)
    connection = sqlite3.connect(copy)
    assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    connection.close()


def test_every_kind_of_leftover_in_the_backups_folder_goes_at_the_next_backup(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite")
    kept = backup_dir_for(path) / "kept"
    kept.mkdir(parents=True)
    leftovers = [
        backup_dir_for(path) / ".study-20260101T000000000000Z.sqlite.partial",
        backup_dir_for(path) / ".study-20260101T000000000000Z.sqlite.partial-journal",
        kept / ".study-20260101T000000000000Z-before-merge.sqlite.partial",
    ]
    for leftover in leftovers:
        leftover.write_bytes(b"half" * 1000)
    raw = kept / ".study-20260101T000000000000Z-before-restore.raw.partial"
    raw.mkdir()
    (raw / "study.sqlite").write_bytes(b"half")
    keep_backup(path, "merge")
    assert partials(path) == []
    assert [e.reason for e in list_backups(path)] == ["merge"]


def test_a_copy_to_a_chosen_file_clears_its_own_killed_partial(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite")
    target = tmp_path / "copy.sqlite"
    leftover = tmp_path / ".copy.sqlite.partial"
    leftover.write_bytes(b"half a copy" * 1000)
    assert run("backup", "--db", path, "-o", target).returncode == 0
    assert not leftover.exists()
    assert database_content(target) == database_content(path)


# ---------------------------------------------------------------- the app's session


def test_a_session_that_only_looks_leaves_the_rotation_as_it_was(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite")
    make_rolling_backup(path)
    before = names(rolling_backups(path))
    for _ in range(ROLLING_BACKUPS_KEPT + 2):
        database = open_database(path, backup=False)
        session_backup = SessionBackup(path)
        session_backup.watch(database.engine)
        session_backup.start()
        with database.session() as session:  # looking: reads only
            session.exec(backups_select())
        assert session_backup.finish() is None
        database.close()
    assert names(rolling_backups(path)) == before
    assert not list(backup_dir_for(path).glob("*.pending"))


def backups_select():
    from sqlmodel import select

    from interviewer.storage.models import Interview

    return select(Interview)


def test_a_session_that_writes_keeps_the_state_before_its_first_write(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite")
    content = database_content(path)
    database = open_database(path, backup=False)
    session_backup = SessionBackup(path)
    session_backup.watch(database.engine)
    session_backup.start().join()
    generate_demo(database, interviews=2, seed=40)  # the session's first writes
    kept = session_backup.finish()
    database.close()
    assert rolling_backups(path) == [kept]
    assert database_content(kept) == content


def test_a_write_before_the_copy_is_done_still_keeps_it(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite")
    session_backup = SessionBackup(path)
    session_backup.wrote()  # the first write comes first
    session_backup.start()
    kept = session_backup.finish()
    assert rolling_backups(path) == [kept]


def test_a_pending_copy_of_a_killed_session_is_not_a_backup(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite")
    folder = backup_dir_for(path)
    folder.mkdir(parents=True)
    stale = folder / "study-20260101T000000000000Z.sqlite.pending"
    stale.write_bytes(b"x")
    assert list_backups(path) == []
    session_backup = SessionBackup(path)
    session_backup.start()
    session_backup.finish()
    assert not stale.exists()


def test_is_write_knows_the_statements_that_change_the_file():
    assert backups.is_write("  INSERT INTO interview VALUES (?)")
    assert backups.is_write("update answer set x = 1")
    assert backups.is_write("DELETE FROM quote")
    assert not backups.is_write("SELECT * FROM interview")
    assert not backups.is_write("PRAGMA data_version")


def test_a_merge_whose_backup_cannot_be_made_writes_nothing(tmp_path, two_fields):  # noqa: F811
    from interviewer.paths import backup_dir_for, data_dir
    from tests.permissions import run_as_normal_user

    mette, jonas = two_fields
    write_bundle(jonas, tmp_path / "jonas.bundle", plain=True)
    central = tmp_path / "central.sqlite"
    write_bundle(mette, tmp_path / "mette.bundle", plain=True)
    assert not merge_bundles(central, [tmp_path / "mette.bundle"]).refused
    before = database_content(central)
    # the first merge into a new database had nothing to keep: the folders come from here
    (backup_dir_for(central) / "kept").mkdir(parents=True, exist_ok=True)
    root = data_dir() / "backups"
    root.chmod(0o555)
    for folder in root.iterdir():
        folder.chmod(0o555)
        (folder / "kept").chmod(0o555)
    try:
        result = run_as_normal_user(
            [sys.executable, "-m", "interviewer", "merge", "--db", str(central)]
            + [str(tmp_path / "jonas.bundle")],
            timeout=300,
        )
    finally:
        for folder in [root, *root.iterdir()]:
            folder.chmod(0o755)
            if (folder / "kept").exists():
                (folder / "kept").chmod(0o755)
    assert result.returncode == 1, result.stdout + result.stderr
    # the bundle about to be written is refused with the reason, in the merge's report
    assert "before a merge could not be made" in result.stdout
    assert "1 refused" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert database_content(central) == before


def test_the_first_write_never_waits_for_a_busy_backups_folder(tmp_path):
    import threading

    from filelock import FileLock

    path = make_demo_file(tmp_path / "study.sqlite")
    content = database_content(path)
    session_backup = SessionBackup(path)
    session_backup.start().join()
    busy = FileLock(str(backup_dir_for(path) / ".lock"), thread_local=False)
    with busy:  # another copy (a merge's kept backup) is being made
        writer = threading.Thread(target=session_backup.wrote)
        writer.start()
        writer.join(timeout=60)
        assert not writer.is_alive(), "the write waited for the backups folder"
        assert rolling_backups(path) == []  # not yet: the folder is busy
    kept = session_backup.finish()
    assert rolling_backups(path) == [kept]
    assert database_content(kept) == content
