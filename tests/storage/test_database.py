"""Opening database files: our settings on new files; bad files refused and left untouched."""

import sqlite3

import pytest

from interviewer.demo import generate_demo
from interviewer.errors import DamagedDatabase, NewerDatabase, NotOurDatabase
from interviewer.storage.backup import ROLLING_BACKUPS_KEPT, backup_database, rolling_backups
from interviewer.storage.database import APPLICATION_ID, open_database
from interviewer.storage.health import check_database
from tests.helpers import database_content, file_digest


def make_demo_file(path, interviews=20):
    database = open_database(path)
    generate_demo(database, interviews=interviews, seed=7)
    database.close()
    return path


def test_a_new_file_is_ours_durable_and_checks_foreign_keys(tmp_path):
    database = open_database(tmp_path / "new.sqlite")
    with database.engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 5000
        assert pragma("application_id") == APPLICATION_ID
    database.close()


def damage(path):
    """Overwrites bytes in the middle of the file, where table pages are."""
    data = bytearray(path.read_bytes())
    for offset in range(4096, len(data), 4096):
        data[offset + 10 : offset + 60] = b"\xff" * 50
    path.write_bytes(bytes(data))


def not_a_database(path):
    path.write_text("Interview notes\nThese are not a database.\n", "utf-8")


def newer_schema(path):
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.commit()
    connection.close()


def another_programs_database(path):
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE songs (title TEXT)")
    connection.commit()
    connection.close()


def truncated(path):
    data = path.read_bytes()
    path.write_bytes(data[:50])


@pytest.mark.parametrize(
    ("spoil", "error", "message"),
    [
        (damage, DamagedDatabase, "damaged"),
        (not_a_database, NotOurDatabase, "not an Interviewer database"),
        (newer_schema, NewerDatabase, "newer version of Interviewer"),
        (another_programs_database, NotOurDatabase, "another program"),
        (truncated, DamagedDatabase, "damaged"),
    ],
)
def test_refused_files_are_left_byte_for_byte_untouched(tmp_path, spoil, error, message):
    path = tmp_path / "study.sqlite"
    if spoil not in (not_a_database, another_programs_database):
        make_demo_file(path)
        sqlite3.connect(path).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    spoil(path)
    before = file_digest(path)
    with pytest.raises(error, match=message):
        open_database(path)
    assert file_digest(path) == before
    assert not list(tmp_path.glob("*.partial"))


def test_an_empty_file_is_set_up_as_a_new_database(tmp_path):
    path = tmp_path / "empty.sqlite"
    path.touch()
    open_database(path).close()
    assert database_content(path)  # tables were created


def test_rolling_backups_are_made_before_a_write_and_only_the_newest_are_kept(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite")
    assert len(rolling_backups(path)) == 0  # a new file has nothing to back up
    open_database(path).close()
    assert len(rolling_backups(path)) == 0  # opened, nothing written: no backup
    for place in range(ROLLING_BACKUPS_KEPT + 2):
        before = database_content(path)
        database = open_database(path)
        with database.engine.begin() as connection:
            connection.exec_driver_sql(f"UPDATE interview SET location='place {place}'")
        database.close()
    backups = rolling_backups(path)
    assert len(backups) == ROLLING_BACKUPS_KEPT
    assert database_content(backups[-1]) == before  # the state just before the last write


def test_backup_is_consistent_while_the_database_is_being_written(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite")
    database = open_database(path)
    generate_demo(database, interviews=5, seed=99)  # uncheckpointed pages sit in the WAL file
    target = backup_database(path, tmp_path / "copy.sqlite")
    assert database_content(target) == database_content(path)
    database.close()


def test_a_failed_backup_leaves_no_partial_file(tmp_path, monkeypatch):
    path = make_demo_file(tmp_path / "study.sqlite")
    real_connect = sqlite3.connect

    class FullDisk(sqlite3.Connection):
        def backup(self, *args, **kwargs):
            raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: real_connect(*a, factory=FullDisk, **k))
    with pytest.raises(sqlite3.OperationalError, match="disk is full"):
        backup_database(path, tmp_path / "copy.sqlite")
    assert not [p.name for p in tmp_path.iterdir() if "copy" in p.name]  # nor a partial


def test_a_copy_of_a_database_opens_elsewhere(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite")
    moved = tmp_path / "elsewhere" / "moved.sqlite"
    moved.parent.mkdir()
    backup_database(path, moved)
    open_database(moved).close()
    assert database_content(moved) == database_content(path)


def test_the_background_backup_copies_while_the_file_is_in_use(tmp_path):
    from interviewer.storage.backup import start_background_backup

    path = make_demo_file(tmp_path / "study.sqlite")
    database = open_database(path, backup=False)
    assert rolling_backups(path) == []
    thread = start_background_backup(path)
    generate_demo(database, interviews=5, seed=5)  # writing meanwhile
    thread.join(timeout=60)
    [copy] = rolling_backups(path)
    assert check_database(copy).healthy
    database.close()


def test_a_migration_is_always_preceded_by_a_backup(tmp_path):
    from tests.storage.test_migrations import FIXTURES

    path = tmp_path / "old.sqlite"
    path.write_bytes((FIXTURES / "schema_0001.sqlite").read_bytes())
    open_database(path, backup=False).close()
    from interviewer.storage.backup import kept_backups

    # kept apart from the rotation (tests/storage/test_backups.py), so no read pushes it out
    [copy] = kept_backups(path)
    connection = sqlite3.connect(copy)
    assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    connection.close()
