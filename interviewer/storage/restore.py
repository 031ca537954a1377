"""Putting a backup in place of a database file: checked first, the current state kept aside,
then the chosen state put in place whole.

Copying a backup over the database by hand is what corrupted files: the old ``-wal`` left
beside the copied file is replayed into it ("row 1 missing from index", edits made after the
backup coming back). Here the backup is copied to a partial file beside the database (same
file system), synced, the old ``-wal``/``-shm``/``-journal`` removed, and only then renamed
over the database, so the result opens with exactly the backup's content. The command line
(``interviewer restore``) and the app (File › Restore from a backup…) both call
``restore_backup``.
"""

import logging
import os
import shutil
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from interviewer.errors import DatabaseRefused, InterviewerError
from interviewer.i18n import tr, tr_n
from interviewer.storage.backup import (
    BackupFailed,
    keep_backup,
    keep_raw_files,
    remove_restore_partial,
    restore_partial,
)
from interviewer.storage.database import inspect_file
from interviewer.storage.file_lock import WriterLock, writing
from interviewer.storage.health import check_database

log = logging.getLogger(__name__)
JOURNALS = ("-wal", "-shm", "-journal")


class RestoreRefused(InterviewerError):
    """The backup cannot be restored (its reason is the message); the database is unchanged."""


@dataclass(frozen=True)
class RestoreResult:
    """A done restore: the database file, the backup put in place, its schema revision
    (older ones are migrated when the file is next opened), and where the state before the
    restore was kept (None when there was no database file)."""

    db_path: Path
    backup: Path
    revision: str
    kept_aside: Path | None


def restored_message(result: RestoreResult) -> str:
    """What a done restore says, on the command line and in the app alike."""
    return tr(
        "{db}: restored from {backup}. The state before the restore is kept in {kept}.",
        db=_shown(result.db_path),
        backup=_shown(result.backup),
        kept=_shown(result.kept_aside) if result.kept_aside else "-",
    )


def _shown(path: Path) -> str:
    from interviewer.file_safety import shown_path  # one way of showing a path everywhere

    return shown_path(path)


def in_use_advice() -> str:
    return tr(
        "close it there first, or use File › Restore from a backup… in the app, then run this again"
    )


def check_backup(backup: Path, db_path: Path) -> str:
    """Reads ``backup`` without changing it and returns its schema revision: the same checks
    a restore runs, on a private copy (which is then removed). Raises RestoreRefused."""
    db_path = Path(os.path.realpath(db_path))
    partial = restore_partial(db_path)
    remove_restore_partial(db_path)
    try:
        _copy_once(Path(backup), db_path, partial)
        return _check_copy(partial, Path(backup), db_path, other_database=True)
    finally:
        remove_restore_partial(db_path)


def _same_file(info: os.stat_result, path: Path) -> bool:
    try:
        other = os.stat(path)
    except OSError:
        return False
    return (info.st_dev, info.st_ino) == (other.st_dev, other.st_ino)


def _copy_once(backup: Path, db_path: Path, partial: Path) -> None:
    """Opens ``backup`` once and copies its bytes (and its own -wal, if it has one) to
    ``partial``; everything after checks and installs that copy, never the user's path again
    (a path swapped meanwhile cannot slip another file in). Refused at once: not a regular
    file (never waiting on a pipe), or the database itself or one of its journals (the same
    file by its identity: a hard link, a symlink, another spelling)."""
    shown = _shown(backup)
    try:
        # O_NONBLOCK: a named pipe given as the backup must not wait for a writer
        descriptor = os.open(backup, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise RestoreRefused(
            tr("Cannot read the backup {path}: {error}.", path=shown, error=error.strerror)
        ) from None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        raise RestoreRefused(tr("The backup {path} is not a file.", path=shown))
    with os.fdopen(descriptor, "rb") as source:
        if any(_same_file(info, Path(f"{db_path}{end}")) for end in ("", *JOURNALS)):
            raise RestoreRefused(
                tr("{path} is the database itself, not a backup of it.", path=shown)
            )
        if info.st_size == 0:
            raise RestoreRefused(tr("The backup {path} is empty.", path=shown))
        try:
            with open(partial, "xb") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)
        except OSError as error:
            raise RestoreRefused(_not_copied(error)) from None
    wal = Path(f"{backup}-wal")
    try:
        wal_descriptor = os.open(wal, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return  # no -wal of its own: the file is whole
    info = os.fstat(wal_descriptor)
    if not stat.S_ISREG(info.st_mode) or info.st_size == 0:
        os.close(wal_descriptor)
        return
    with os.fdopen(wal_descriptor, "rb") as source:
        if any(_same_file(info, Path(f"{db_path}{end}")) for end in ("", *JOURNALS)):
            raise RestoreRefused(
                tr("{path} is the database itself, not a backup of it.", path=shown)
            )
        try:
            with open(f"{partial}-wal", "xb") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)
        except OSError as error:
            raise RestoreRefused(_not_copied(error)) from None


def _not_copied(error: BaseException) -> str:
    return tr(
        "The backup could not be copied into place ({error}); nothing was changed.",
        error=getattr(error, "reason", None) or getattr(error, "strerror", None) or error,
    )


def _study_ids(path: Path) -> set[str] | None:
    """The study ids a database file holds; None when it cannot be read as ours."""
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        return {str(row[0]) for row in connection.execute("SELECT id FROM study")}
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def _check_copy(partial: Path, backup: Path, db_path: Path, *, other_database: bool) -> str:
    """Checks the private copy of a backup and leaves it a single file (journal mode DELETE);
    returns its schema revision. Refused: damaged, another program's file or objects, newer,
    empty, unhealthy as ``interviewer check`` sees it, or (without ``other_database``) a
    backup of another database than the current readable file."""
    shown = _shown(backup)
    try:
        writer = sqlite3.connect(partial, isolation_level=None)
        try:
            writer.execute("PRAGMA journal_mode=DELETE")  # folds a -wal of its own into it
        finally:
            writer.close()
        # a trigger or table of another program's would act on the restored file too
        revision = inspect_file(partial, refuse_foreign=True)
        if revision is None:
            raise RestoreRefused(tr("The backup {path} is empty.", path=shown))
        report = check_database(partial)  # a full integrity check and every value's rules
    except DatabaseRefused as refusal:
        raise RestoreRefused(
            tr("The backup {path} cannot be restored: {reason}.", path=shown, reason=refusal.reason)
        ) from None
    except sqlite3.Error:
        raise RestoreRefused(
            tr(
                "The backup {path} cannot be restored: {reason}.",
                path=shown,
                reason=tr("the database file is damaged"),
            )
        ) from None
    if not report.healthy:
        raise RestoreRefused(
            tr_n(
                "The backup {path} has {count} problem; run interviewer check on it. "
                "Nothing was restored.",
                "The backup {path} has {count} problems; run interviewer check on it. "
                "Nothing was restored.",
                len(report.problems),
                path=shown,
            )
        )
    if not other_database:
        current, restored = _study_ids(db_path), _study_ids(partial)
        if current and restored is not None and not (current & restored):
            raise RestoreRefused(
                tr(
                    "The backup {path} is of another database (another study), not of this "
                    "one; nothing was restored. To put it in place anyway, run the restore "
                    "again with --other-database.",
                    path=shown,
                )
            )
    return revision


def study_differs(db_path: Path, backup: Path) -> bool:
    """Whether ``backup`` holds another study than the current, readable ``db_path`` (the
    app asks before restoring such a backup). False when either cannot be read."""
    current, restored = _study_ids(Path(os.path.realpath(db_path))), _study_ids(Path(backup))
    return bool(current) and restored is not None and not (current & restored)


def other_database_question(backup: Path) -> str:
    """What the app asks before it restores a backup of another study over this database."""
    return tr(
        "The backup {path} is of another database (another study), not of this one. Put it "
        "in place of this database anyway? (The state before is kept as a backup.)",
        path=_shown(Path(backup)),
    )


def restore_backup(
    db_path: Path,
    backup: Path,
    *,
    lock: WriterLock | None = None,
    other_database: bool = False,
) -> RestoreResult:
    """Puts ``backup`` in place of the database ``db_path``, whole.

    ``db_path`` is resolved first: a symlinked database is restored in its target. Holds
    the file's writer lock throughout: ``lock`` when the caller holds it already (the app,
    having closed the database), else it is taken here (refused at once when held). Order:
    copy the backup once to a private partial file beside the database; check that copy;
    keep the current state aside as a kept backup (``before restore``); put that very copy
    in place (old journals removed, renamed over the database, folder synced). Every wait
    is bounded. Raises RestoreRefused (nothing changed), StorageFailure (a read-only file
    or folder: nothing changed), DatabaseInUse (another process writes the file; nothing
    changed) or OSError (the disk failed while writing: the state before is kept aside)."""
    db_path, backup = Path(os.path.realpath(db_path)), Path(backup)
    if lock is not None and lock.held:
        return _restore(db_path, backup, other_database)
    with writing(db_path, in_use_advice()):
        return _restore(db_path, backup, other_database)


def _restore(db_path: Path, backup: Path, other_database: bool) -> RestoreResult:
    from interviewer.storage.failures import StorageFailure, _by_state

    failure = _by_state(db_path)
    if failure is not None and db_path.parent.is_dir():
        # a read-only file, a folder that cannot be written: the sentence demo gives
        raise StorageFailure(failure, db_path)
    partial = restore_partial(db_path)
    remove_restore_partial(db_path)  # a killed restore's
    sole = None
    try:
        _copy_once(backup, db_path, partial)
        revision = _check_copy(partial, backup, db_path, other_database=other_database)
        try:
            readable = inspect_file(db_path) is not None
        except DatabaseRefused:
            readable = False
        if readable:
            # first: no one else has it open (which also folds its -wal into it), then the
            # state before is kept: an online copy
            sole = _sole_access(db_path)
            kept = _keep_current(db_path, readable=True)
        else:
            # a file that cannot be read is kept as its bytes before anything touches it
            kept = _keep_current(db_path, readable=False)
            sole = _sole_access(db_path)
        if sole is not None:
            try:
                sole.execute("BEGIN EXCLUSIVE")  # no one opens it until it is replaced
            except sqlite3.OperationalError:
                raise RestoreRefused(_in_use_elsewhere(db_path)) from None
        _put_in_place(db_path, partial)
    except BaseException:
        remove_restore_partial(db_path)
        raise
    finally:
        if sole is not None:
            sole.close()
    log.info("restored %s from a backup (schema %s)", db_path.name, revision)
    return RestoreResult(db_path=db_path, backup=backup, revision=revision, kept_aside=kept)


def _in_use_elsewhere(db_path: Path) -> str:
    return tr(
        "{path} is open in another program or in another copy of Interviewer (a read-only "
        "one too); close it there, then try again. Nothing was restored.",
        path=_shown(db_path),
    )


def _sole_access(db_path: Path) -> sqlite3.Connection | None:
    """A connection to the current file once it is sure that no other connection has it
    open: leaving WAL mode needs that, and folds the -wal into the file. (Another process's
    connection, even a reader's, would otherwise outlive the swap and, closing, delete the
    new file's -wal.) None when there is no file or it cannot be read as a database.

    Raises RestoreRefused when the file is open elsewhere."""
    if not (db_path.is_file() and db_path.stat().st_size > 0):
        return None
    try:
        connection = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError as error:
        connection.close()
        if getattr(error, "sqlite_errorcode", None) in (5, 6) or "locked" in str(error):
            raise RestoreRefused(_in_use_elsewhere(db_path)) from None  # SQLITE_BUSY, _LOCKED
        return None
    except sqlite3.DatabaseError:
        connection.close()
        return None
    if str(mode).lower() != "delete":  # SQLite keeps the mode when others have the file open
        connection.close()
        raise RestoreRefused(_in_use_elsewhere(db_path))
    return connection


def _keep_current(db_path: Path, *, readable: bool) -> Path | None:
    """The state before the restore, apart from the rotation: an online backup when the file
    reads as ours (it includes what the -wal held), else its raw files as they are."""
    if readable:
        try:
            return keep_backup(db_path, "restore")
        except BackupFailed as error:
            # info: a command line shows one sentence, not log lines before it
            log.info("the online backup before a restore failed; keeping the raw files")
            last_error: Exception = error
    try:
        return keep_raw_files(db_path, "restore")
    except OSError as error:
        last_error = error
    raise RestoreRefused(
        tr(
            "The current database could not be kept aside as a backup ({error}), so nothing "
            "was restored.",
            error=getattr(last_error, "strerror", None) or last_error,
        )
    )


def _fsync(path: Path, *, folder: bool = False) -> None:
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if folder else 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        if folder:
            return  # Windows cannot open a folder; its renames are durable by themselves
        raise
    try:
        os.fsync(descriptor)
    except OSError:
        if not folder:
            raise
    finally:
        os.close(descriptor)


def _put_in_place(db_path: Path, partial: Path) -> None:
    """Renames the checked copy ``partial`` over the database, with the database's
    permissions, after syncing it and removing the old file's journals."""
    if db_path.exists():
        os.chmod(partial, stat.S_IMODE(db_path.stat().st_mode))
    _fsync(partial)
    # the old journals belong to the old file: left beside the new one, SQLite would
    # replay them into it
    for end in JOURNALS:
        Path(f"{db_path}{end}").unlink(missing_ok=True)
    os.replace(partial, db_path)
    _fsync(db_path.parent, folder=True)
