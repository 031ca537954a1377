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
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from interviewer.errors import DatabaseRefused, InterviewerError
from interviewer.files import partial_path
from interviewer.i18n import tr
from interviewer.storage.backup import BackupFailed, keep_backup, keep_raw_files
from interviewer.storage.database import inspect_file
from interviewer.storage.file_lock import WriterLock, writing

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
    # a file name that is not UTF-8 must not crash a print or a label
    return os.fsdecode(path).encode("utf-8", "backslashreplace").decode("utf-8")


def in_use_advice() -> str:
    return tr(
        "close it there first, or use File › Restore from a backup… in the app, then run this again"
    )


def check_backup(backup: Path, db_path: Path) -> str:
    """Reads ``backup`` without changing it and returns its schema revision.

    Raises RestoreRefused with the reason when it is not a regular file, is the database
    itself or one of its journals, or is damaged (full integrity check), another program's
    file, holds objects the app does not make (a trigger, say) or is from a newer version.
    A backup of an older schema is fine: it is migrated when the restored file is opened."""
    backup, db_path = Path(backup), Path(db_path)
    shown = _shown(backup)
    try:
        mode = os.stat(backup).st_mode
    except OSError as error:
        raise RestoreRefused(
            tr("Cannot read the backup {path}: {error}.", path=shown, error=error.strerror)
        ) from None
    if not stat.S_ISREG(mode):
        raise RestoreRefused(tr("The backup {path} is not a file.", path=shown))
    current = db_path.resolve()
    if backup.resolve() in {current, *(Path(f"{current}{end}") for end in JOURNALS)}:
        raise RestoreRefused(tr("{path} is the database itself, not a backup of it.", path=shown))
    try:
        # a trigger or table of another program's would act on the restored file too
        revision = inspect_file(backup, full_check=True, refuse_foreign=True)
    except DatabaseRefused as refusal:
        raise RestoreRefused(
            tr("The backup {path} cannot be restored: {reason}.", path=shown, reason=refusal.reason)
        ) from None
    if revision is None:
        raise RestoreRefused(tr("The backup {path} is empty.", path=shown))
    return revision


def restore_backup(db_path: Path, backup: Path, *, lock: WriterLock | None = None) -> RestoreResult:
    """Puts ``backup`` in place of the database ``db_path``, whole.

    Holds the file's writer lock throughout: ``lock`` when the caller holds it already (the
    app, having closed the database), else it is taken here. Order: check the backup; keep
    the current state aside as a kept backup (``before restore``); copy the backup to a
    partial file beside the database, sync it, remove the old journals, rename it over the
    database, sync the folder. Raises RestoreRefused (nothing changed), DatabaseInUse
    (another process writes the file; nothing changed) or OSError (the disk failed while
    writing: the state before is kept aside)."""
    db_path, backup = Path(db_path), Path(backup)
    if lock is not None and lock.held:
        return _restore(db_path, backup)
    with writing(db_path, in_use_advice()):
        return _restore(db_path, backup)


def _restore(db_path: Path, backup: Path) -> RestoreResult:
    revision = check_backup(backup, db_path)
    try:
        readable = inspect_file(db_path) is not None
    except DatabaseRefused:
        readable = False
    sole = None
    try:
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
        _put_in_place(db_path, backup)
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
            log.warning("the online backup before a restore failed; keeping the raw files")
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


def _copy(backup: Path, partial: Path) -> None:
    reader = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        writer = sqlite3.connect(partial)
        try:
            reader.backup(writer)  # what the backup holds, with any -wal of its own
            writer.execute("PRAGMA journal_mode=DELETE")
        finally:
            writer.close()
    finally:
        reader.close()


def _put_in_place(db_path: Path, backup: Path) -> None:
    partial = partial_path(db_path)
    leftovers = [partial, *(Path(f"{partial}{end}") for end in JOURNALS)]
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    try:
        try:
            _copy(backup, partial)
            inspect_file(partial)  # the copy reads as ours before it takes the database's place
        except (sqlite3.Error, DatabaseRefused) as error:
            raise RestoreRefused(
                tr(
                    "The backup could not be copied into place ({error}); nothing was changed.",
                    error=getattr(error, "reason", None) or error,
                )
            ) from None
        if db_path.exists():
            os.chmod(partial, stat.S_IMODE(db_path.stat().st_mode))
        _fsync(partial)
        # the old journals belong to the old file: left beside the new one, SQLite would
        # replay them into it
        for end in JOURNALS:
            Path(f"{db_path}{end}").unlink(missing_ok=True)
        os.replace(partial, db_path)
    except BaseException:
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        raise
    _fsync(db_path.parent, folder=True)
