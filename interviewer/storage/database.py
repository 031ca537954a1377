"""Opening a database file safely: refuse what is not ours, migrate, and configure SQLite.

A file is inspected read-only before anything writes to it, so a damaged file, another
program's file or a file from a newer version of the app is refused and left untouched.
"""

import logging
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

from interviewer.errors import DamagedDatabase, DatabaseRefused, NewerDatabase, NotOurDatabase
from interviewer.i18n import tr
from interviewer.storage.backup import (
    back_up_before_first_commit,
    keep_backup,
    remove_restore_partial,
)
from interviewer.storage.failures import classify
from interviewer.storage.location import read_only_uri

log = logging.getLogger(__name__)

# "IVW1" in the SQLite header, so the file is recognisable as ours (`PRAGMA application_id`).
APPLICATION_ID = 0x49565731
SQLITE_MAGIC = b"SQLite format 3\x00"
MIGRATIONS = Path(__file__).with_name("migrations")


# Migrations are named "<revision>_<what>.py" with revisions 0001, 0002, … in order, so the
# revisions are known without importing Alembic, which would slow every start by ~100 ms
# (a test checks that this agrees with Alembic's own view).
REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


def known_revisions() -> set[str]:
    return {
        match[1]
        for file in (MIGRATIONS / "versions").iterdir()
        if (match := REVISION_FILE.match(file.name))
    }


def head_revision() -> str:
    return max(known_revisions())


def alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that can only read ``path``, also on read-only media (see
    ``location.read_only_uri``). Raises StorageFailure for a -wal that cannot be read there."""
    # any thread may use it, one at a time (an engine's pool hands it from thread to thread)
    return sqlite3.connect(read_only_uri(path), uri=True, check_same_thread=False)


def inspect_file(
    path: Path, *, full_check: bool = False, refuse_foreign: bool = False
) -> str | None:
    """Reads a database file without changing it and refuses one we must not open.

    Returns the file's schema revision, or None for a file that does not exist yet or is empty.
    Raises NotOurDatabase, DamagedDatabase or NewerDatabase; with ``refuse_foreign``,
    ForeignSchema for a file holding a trigger, view, table or index the app does not make
    (``full_check`` runs integrity_check instead of quick_check).
    """
    path = Path(path)
    from interviewer.file_safety import check_database_path  # it imports this module

    check_database_path(path)  # a folder, /dev/zero, a FIFO: never opened, never created
    if not path.exists() or path.stat().st_size == 0:
        return None
    with path.open("rb") as file:
        header = file.read(100)
    if not header.startswith(SQLITE_MAGIC):
        raise NotOurDatabase(path, "this is not an Interviewer database (not an SQLite file)")
    if len(header) < 100:
        raise DamagedDatabase(path, "the database file is damaged (it is cut short)")
    try:
        connection = connect_read_only(path)
    except sqlite3.Error as error:  # a read-only folder, a lock, …: not damage
        raise classify(error, path) or DamagedDatabase(
            path, f"the database file cannot be opened ({error})"
        ) from None
    try:
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if application_id != APPLICATION_ID:
            if application_id == 0 and not tables:
                return None  # an empty SQLite file: safe to set up
            raise NotOurDatabase(
                path, "this SQLite file belongs to another program, not to Interviewer"
            )
        check = "integrity_check" if full_check else "quick_check"
        problems = [row[0] for row in connection.execute(f"PRAGMA {check}")]
        if problems != ["ok"]:
            raise DamagedDatabase(path, "the database file is damaged: " + "; ".join(problems[:5]))
        if refuse_foreign:
            from interviewer.storage.schema import refuse_foreign_objects

            refuse_foreign_objects(path, connection)
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise classify(error, path) or DamagedDatabase(
            path, f"the database file is damaged ({error})"
        ) from None
    finally:
        connection.close()
    if revision is None:
        raise DamagedDatabase(path, "the database file has no schema version")
    if revision[0] not in known_revisions():
        raise NewerDatabase(
            path,
            f"this database was written by a newer version of Interviewer (schema "
            f"{revision[0]}); install the newer version to open it",
        )
    return revision[0]


def _configure_connection(dbapi_connection, _record) -> None:
    # Durability first: every commit reaches the disk before the app says "saved".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _refuse_writes(dbapi_connection, _record) -> None:
    # any INSERT, UPDATE or DELETE now fails with "attempt to write a readonly database"
    dbapi_connection.execute("PRAGMA query_only=ON")


def _configure_reading(dbapi_connection, _record) -> None:
    # a connection that only reads sets no journal mode: on read-only media it cannot
    dbapi_connection.execute("PRAGMA foreign_keys=ON")
    dbapi_connection.execute("PRAGMA busy_timeout=5000")


def _no_implicit_begin(dbapi_connection, _record) -> None:
    # pysqlite would BEGIN (deferred) only before the first write, so the reads that decide
    # a write would run outside the transaction; the engine's "begin" event begins instead
    dbapi_connection.isolation_level = None


def _begin_immediate(connection) -> None:
    # the write lock from the first statement: a second writer waits (busy_timeout) at its
    # BEGIN, before it has read anything, so the two run as one after the other
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(path: Path, *, read_only: bool = False, immediate: bool = False) -> Engine:
    """An engine on ``path``. ``hide_parameters``: an error's message never carries the
    values of its statement (typed text, names), wherever it is shown or logged. A
    ``read_only`` engine reads through ``connect_read_only`` and refuses every write. An
    ``immediate`` engine begins every transaction with ``BEGIN IMMEDIATE`` (SQLAlchemy's
    recipe for pysqlite), so what a transaction reads and writes is one write transaction;
    its BEGIN raises OperationalError SQLITE_BUSY when another writer holds the file
    longer than busy_timeout."""
    if read_only:
        engine = create_engine(
            f"sqlite:///{Path(path)}",
            creator=lambda: connect_read_only(path),
            hide_parameters=True,
        )
        event.listen(engine, "connect", _configure_reading)
        event.listen(engine, "connect", _refuse_writes)
        return engine
    # SQLite names the -wal and -shm after the name it is given: the real path, so that every
    # spelling of one file (a symlink, a Windows short name or subst drive) meets one -wal
    engine = create_engine(f"sqlite:///{Path(path).resolve()}", hide_parameters=True)
    event.listen(engine, "connect", _configure_connection)
    if immediate:
        event.listen(engine, "connect", _no_implicit_begin)
        event.listen(engine, "begin", _begin_immediate)
    return engine


@dataclass
class Database:
    """An open database file: its path and engine. Sessions come from ``session()``.

    A ``read_only`` database (the file is open for writing in another copy of the app) has an
    engine whose connections refuse every write."""

    path: Path
    engine: Engine
    read_only: bool = False
    # why, when it is not the second-copy case: a sentence for the status bar
    read_only_reason: str = ""

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()


def migrate(engine: Engine) -> None:
    """Brings the schema to the newest revision and marks the file as ours."""
    from alembic import command

    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with engine.connect() as connection:
        connection.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
        connection.commit()


def open_database(
    path: Path, *, backup: bool = True, full_check: bool = True, immediate: bool = False
) -> Database:
    """Opens (creating if needed) a database file for writing, after checking it is safe.

    A file that already holds data is first copied: before a migration to a kept backup
    (apart from the rotation), otherwise to the rolling backups when ``backup`` is set, just
    before the first commit that writes (a command refused before it writes makes none; the
    app takes its copy in the background, see ``SessionBackup``).
    Raises DatabaseRefused, or BackupFailed when the copy before a migration cannot be made.
    A file holding schema objects the app does not make is refused (ForeignSchema).
    ``full_check`` runs SQLite's integrity_check first; the app passes False and runs it in
    the background instead (storage.integrity.start_integrity_check), to start quickly.
    ``immediate``: every transaction of its engine is a write transaction from its first
    statement (see ``make_engine``), for work whose reads decide its writes (a merge).
    """
    path = Path(path)
    remove_restore_partial(path)  # a killed restore's copy: no restore runs while we write
    revision = inspect_file(path, full_check=full_check, refuse_foreign=True)
    if revision is not None and revision != head_revision():
        keep_backup(path, "migration")
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(path, immediate=immediate)
    if revision == head_revision() and backup:
        back_up_before_first_commit(engine, path)  # none for a command refused before writing
    if revision != head_revision():
        log.info("migrating %s from %s to %s", path.name, revision, head_revision())
        migrate(engine)
    return Database(path=path, engine=engine)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return row[0] if row else None


def open_database_read_only(path: Path) -> Database:
    """Opens a database file that another process writes: checked, never migrated, and every
    connection refuses writes. Raises DatabaseRefused for a file we must not open, or one
    that is not yet at this app's schema (the writer brings it up to date first)."""
    path = Path(path)
    revision = inspect_file(path)
    if revision is None:
        raise DamagedDatabase(
            path, "the database is still being set up by the copy that has it open"
        )
    if revision != head_revision():
        raise NewerDatabase(
            path,
            f"the copy of Interviewer that has this file open uses another schema ({revision})",
        )
    return Database(path=path, engine=make_engine(path, read_only=True), read_only=True)


def open_database_unwritable(path: Path) -> Database:
    """Opens a database file that cannot be written here (a read-only file, or a folder or
    medium that cannot be written) for reading: checked, never migrated, every connection
    refusing writes. Raises DatabaseRefused, or StorageFailure for a file with nothing to
    read yet or whose -wal cannot be read here."""
    from interviewer.storage.failures import Failure, StorageFailure
    from interviewer.storage.location import folder_writable

    path = Path(path)
    kind = Failure.READ_ONLY_FILE if folder_writable(path) else Failure.DATABASE_FOLDER_READ_ONLY
    revision = inspect_file(path)
    if revision is None:
        raise StorageFailure(kind, path)
    if revision != head_revision():
        raise DatabaseRefused(
            path,
            tr(
                "this database is from an earlier version of Interviewer and must be updated "
                "before it opens, which cannot be done where it cannot be written; copy it "
                "to a folder of your own and open the copy"
            ),
        )
    reason = (
        tr("Read-only: the file is read-only; to work in it, copy it to a folder of your own")
        if kind is Failure.READ_ONLY_FILE
        else tr(
            "Read-only: the file's folder or disk cannot be written; to work in it, copy it "
            "to a folder of your own"
        )
    )
    engine = make_engine(path, read_only=True)
    return Database(path=path, engine=engine, read_only=True, read_only_reason=reason)


class ChangeWatcher:
    """Tells whether another connection has committed to the file since the last look,
    by SQLite's ``PRAGMA data_version`` on a connection of its own (cheap: no table is read).
    ``close`` it when done."""

    def __init__(self, path: Path):
        self._connection = connect_read_only(path)
        self._version = self._read()

    def _read(self) -> int:
        return self._connection.execute("PRAGMA data_version").fetchone()[0]

    def changed(self) -> bool:
        """True once after each commit by another connection; False otherwise, also when the
        file cannot be read just now."""
        try:
            version = self._read()
        except sqlite3.Error:
            return False
        changed, self._version = version != self._version, version
        return changed

    def close(self) -> None:
        self._connection.close()
