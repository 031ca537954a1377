"""The ordinary failures of a disk and a file, said in one sentence: a read-only file or
folder, a full disk, a file held locked by another program, a missing file, a backups folder
that cannot take a backup.

Errors from SQLite (``sqlite3.Error``), from SQLAlchemy (``DBAPIError``, whose ``orig`` is
SQLite's) and from the operating system (``OSError``) all come through ``classify``, so the
command line and the app say the same sentence. None of it holds record content: SQLite's
own messages are never repeated, only its error code's name; and ``ContentFreeLogFilter``
keeps exception messages, tracebacks' values and SQL parameters out of every log.
"""

import errno
import logging
import os
import sqlite3
import traceback
from enum import Enum
from pathlib import Path

from interviewer.errors import InterviewerError
from interviewer.i18n import tr

log = logging.getLogger(__name__)


class Failure(Enum):
    READ_ONLY_FILE = "read-only file"
    DATABASE_FOLDER_READ_ONLY = "read-only database folder"
    READ_ONLY_FOLDER = "read-only folder"
    DISK_FULL = "disk full"
    OUTPUT_DISK_FULL = "disk full for a file written"
    LOCKED = "locked by another program"
    MISSING = "missing"
    NO_ACCESS = "no permission to read"
    BACKUP_FOLDER_FULL = "backups folder full"
    BACKUP_FOLDER_READ_ONLY = "backups folder read-only"
    DISK_ERROR = "disk error"
    WAL_ON_READ_ONLY_MEDIA = "-wal on read-only media"


def sentence(kind: Failure) -> str:
    """What happened and what to do, in the app's language: one sentence, starting in lower
    case (it follows the path: "/x/study.sqlite: the disk is full, …")."""
    if kind is Failure.READ_ONLY_FILE:
        return tr(
            "the file is read-only, so nothing was changed; make it writable (in its "
            "properties), or copy it to a folder of your own, and try again"
        )
    if kind is Failure.DATABASE_FOLDER_READ_ONLY:
        return tr(
            "the folder holding the database cannot be written (read-only media, or no "
            "permission), and SQLite must make its -wal and -shm files beside the database, "
            "so nothing was changed; move the database to a folder you can write to, and try "
            "again"
        )
    if kind is Failure.READ_ONLY_FOLDER:
        return tr(
            "this folder cannot be written (read-only media, or no permission), so nothing "
            "was written; choose a folder you can write to"
        )
    if kind is Failure.DISK_FULL:
        return tr(
            "the disk is full, so nothing was changed (the database is as it was); free "
            "some space on it and try again"
        )
    if kind is Failure.OUTPUT_DISK_FULL:
        return tr(
            "the disk is full, so the file was not written (the database is as it was); "
            "free some space on it, or choose another folder"
        )
    if kind is Failure.LOCKED:
        return tr(
            "another program is using the database and holds it locked, so nothing was "
            "changed; close that program (or wait until it is done) and try again"
        )
    if kind is Failure.MISSING:
        return tr("there is no such file or folder; check the path and try again")
    if kind is Failure.NO_ACCESS:
        return tr(
            "you have no permission to read this file; ask its owner for access, or use a "
            "copy of your own"
        )
    if kind is Failure.BACKUP_FOLDER_FULL:
        return tr(
            "the disk holding the backups folder is full, so no backup could be made and "
            "nothing was changed; free some space on it and try again"
        )
    if kind is Failure.BACKUP_FOLDER_READ_ONLY:
        return tr(
            "the backups folder cannot be written, so no backup could be made and nothing "
            "was changed; make the folder writable (or move it away: a new one is made) and "
            "try again"
        )
    if kind is Failure.DISK_ERROR:
        return tr(
            "the disk reported an error reading or writing the file, so nothing was changed; "
            "copy the database to another disk and work on the copy"
        )
    return tr(
        "the database's -wal file holds changes that can only be read where its folder can "
        "be written; copy the database with its -wal file to a folder of your own and open "
        "it there"
    )


class StorageFailure(InterviewerError):
    """An ordinary failure of the disk or the file (``kind``) at ``path``; the database was
    left as it was. The message is ``"<path>: <sentence>"``; ``reason`` the sentence alone."""

    def __init__(self, kind: Failure, path: Path | str | None):
        self.kind = kind
        self.path = Path(path) if path not in (None, "") else None
        self.reason = sentence(kind)
        from interviewer.file_safety import shown_path  # one way of showing a path

        super().__init__(f"{shown_path(self.path)}: {self.reason}" if self.path else self.reason)


# ----------------------------------------------------------------------------- classify

# SQLite's primary result codes (https://www.sqlite.org/rescode.html)
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_AUTH = 10, 13, 14, 23
SQLITE_READONLY_DIRECTORY = 1544


def _sqlite_error(error: BaseException) -> sqlite3.Error | None:
    """SQLite's own error in ``error`` (itself, or what SQLAlchemy wrapped)."""
    if isinstance(error, sqlite3.Error):
        return error
    orig = getattr(error, "orig", None)
    return orig if isinstance(orig, sqlite3.Error) else None


def backups_root() -> Path:
    from interviewer.paths import data_dir

    return data_dir() / "backups"


def _within(path: Path, folder: Path) -> bool:
    try:
        return Path(os.path.abspath(path)).resolve().is_relative_to(folder.resolve())
    except (OSError, ValueError):
        return False


def _by_state(path: Path | None) -> Failure | None:
    """What the file system says about ``path`` (a database file) just now."""
    if path is None:
        return None
    from interviewer.storage.location import folder_writable

    path = Path(path)
    folder = Path(os.path.abspath(path)).parent
    if not folder.is_dir():
        return Failure.MISSING
    if path.exists() and not os.access(path, os.R_OK):
        return Failure.NO_ACCESS
    if not folder_writable(path):
        return Failure.DATABASE_FOLDER_READ_ONLY
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if file.exists() and not os.access(file, os.W_OK):
            return Failure.READ_ONLY_FILE
    return None


def _free_bytes(folder: Path) -> int | None:
    """The bytes free for us on the disk holding ``folder``; None where that is not known."""
    try:
        vfs = os.statvfs(folder)
    except (OSError, AttributeError):  # no statvfs on Windows
        return None
    return vfs.f_bavail * vfs.f_frsize


def _disk_full(path: Path | None) -> bool:
    return path is not None and _free_bytes(Path(os.path.abspath(path)).parent) == 0


def _existing_folder(path: Path) -> Path:
    folder = Path(os.path.abspath(path)).parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _the_full_disks_file(db_path: Path, output: Path | None) -> Path:
    """Which file a full disk met while working on ``db_path`` was about: the database's,
    unless its disk has room and the disk of ``output`` (a file being written), or of the
    backups folder (a backup is made before a write), has no room for a copy of it."""
    from interviewer.paths import backup_dir_for

    margin = 1_000_000
    try:
        size = Path(db_path).stat().st_size if Path(db_path).exists() else 0
    except OSError:
        size = 0
    room = _free_bytes(_existing_folder(db_path))
    if room is None or room < margin:
        return db_path
    backup = backup_dir_for(db_path) / "backup.sqlite"
    for candidate in (output, backup):
        if candidate is None:
            continue
        there = _free_bytes(_existing_folder(candidate))
        if there is not None and there < size + margin:
            return backup.parent if candidate is backup else Path(candidate)
    return db_path


def _classify_sqlite(error: sqlite3.Error, db_path: Path | None) -> Failure | None:
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    if primary == SQLITE_FULL:
        return Failure.DISK_FULL
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return Failure.LOCKED
    if code == SQLITE_READONLY_DIRECTORY:
        return Failure.DATABASE_FOLDER_READ_ONLY
    if primary in (SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_IOERR, SQLITE_AUTH):
        found = _by_state(db_path)
        if found is not None:
            return found
        if primary == SQLITE_IOERR:
            return Failure.DISK_FULL if _disk_full(db_path) else Failure.DISK_ERROR
        if primary == SQLITE_READONLY:
            return Failure.READ_ONLY_FILE
    return None


def _classify_os(error: OSError, db_path: Path | None) -> tuple[Failure | None, Path | None]:
    name = error.filename
    path = Path(os.fsdecode(name)) if isinstance(name, str | bytes) and name else db_path
    if path is not None and path.name.startswith(".") and path.name.endswith(".partial"):
        path = path.with_name(path.name[1 : -len(".partial")])  # the file it was to become
    number = error.errno
    if number in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        kind = Failure.DISK_FULL
    elif number in (errno.EROFS, errno.EACCES, errno.EPERM):
        if path is not None and path.is_file():
            kind = Failure.READ_ONLY_FILE if os.access(path, os.R_OK) else Failure.NO_ACCESS
        elif db_path is not None and path is not None and _is_database_side(path, db_path):
            kind, path = Failure.DATABASE_FOLDER_READ_ONLY, db_path  # its -wal, -shm, .lock
        else:
            kind = Failure.READ_ONLY_FOLDER
            if path is not None and not path.is_dir():
                path = path.parent  # the folder where the file was to be made
    elif number in (errno.ENOENT, errno.ENOTDIR):
        kind = Failure.MISSING
    elif number == errno.EIO:
        kind = Failure.DISK_ERROR
    else:
        kind = None
    return kind, path


def _is_database_side(path: Path, db_path: Path) -> bool:
    """``path`` is the database, a file of its own beside it (-wal, -shm, .lock) or its folder."""
    path, db_path = Path(os.path.abspath(path)), Path(os.path.abspath(db_path))
    return path == db_path.parent or (
        path.parent == db_path.parent and path.name.startswith(db_path.name)
    )


def _backup_folder(path: Path) -> Path:
    """The folder of one database's backups, for a path inside it."""
    root = backups_root().resolve()
    parts = Path(os.path.abspath(path)).resolve().relative_to(root).parts
    return root / parts[0] if parts else root


def classify(
    error: BaseException,
    db_path: Path | None = None,
    *,
    output: bool | Path = False,
) -> StorageFailure | None:
    """The ordinary failure ``error`` is (a StorageFailure to raise or show), or None when it
    is none of them (a bug, damage, a rule). ``db_path`` is the database being worked on
    (with ``output=True``, the file being written instead; ``output`` may also be the path
    of a file the command writes beside its work on the database): SQLite's errors, and an
    OSError from a write, do not say which file they are about, so some are told apart by
    looking at the files, their folders and their disks."""
    if isinstance(error, StorageFailure):
        return error
    db_path = Path(db_path) if db_path is not None else None
    sqlite_error = _sqlite_error(error)
    if sqlite_error is not None:
        kind, path = _classify_sqlite(sqlite_error, db_path), db_path
    elif isinstance(error, OSError):
        kind, path = _classify_os(error, db_path)
    else:
        return None
    if kind is None:
        return None
    if kind is Failure.DISK_FULL and path == db_path and db_path is not None:
        path = _the_full_disks_file(db_path, output if isinstance(output, Path) else None)
    if (
        kind is Failure.DISK_FULL
        and path is not None
        and not _within(path, backups_root())
        and (output is True or db_path is None or not _is_database_side(path, db_path))
    ):
        kind = Failure.OUTPUT_DISK_FULL  # an export, a bundle, a copy: not the database
    if path is not None and _within(path, backups_root()):
        kind = _BACKUP_KINDS.get(kind, kind)
        path = _backup_folder(path)
    elif output and kind is Failure.DATABASE_FOLDER_READ_ONLY:
        kind = Failure.READ_ONLY_FOLDER
    return StorageFailure(kind, path)


# a failure inside the backups folder is the backups folder's
_BACKUP_KINDS = {
    Failure.DISK_FULL: Failure.BACKUP_FOLDER_FULL,
    Failure.READ_ONLY_FILE: Failure.BACKUP_FOLDER_READ_ONLY,
    Failure.READ_ONLY_FOLDER: Failure.BACKUP_FOLDER_READ_ONLY,
    Failure.DATABASE_FOLDER_READ_ONLY: Failure.BACKUP_FOLDER_READ_ONLY,
}


def failure_at(error: BaseException, path: Path) -> BaseException:
    """``error`` met while writing ``path`` (a backup, an export) as a StorageFailure about
    that path where it is an ordinary one; else ``error`` itself."""
    return classify(error, path, output=True) or error


def backup_failure(error: BaseException, db_path: Path) -> StorageFailure | None:
    """``error`` from making an automatic backup of ``db_path``, as the backups folder's
    failure (full, or not writable) where it is an ordinary one."""
    from interviewer.paths import backup_dir_for

    return classify(error, backup_dir_for(db_path) / "backup.sqlite", output=True)


def failure_message(
    error: BaseException, db_path: Path | None = None, output: Path | None = None
) -> str:
    """One sentence for any storage error, never holding record content: the ordinary
    failure's (``classify``), else the error's kind ("the database reported an error
    (SQLITE_CONSTRAINT_UNIQUE)…")."""
    if isinstance(error, InterviewerError):
        return str(error)
    failure = classify(error, db_path, output=Path(output) if output is not None else False)
    if failure is not None:
        return str(failure)
    return tr(
        "the database reported an error ({kind}), so nothing was changed by this step",
        kind=error_kind(error),
    )


def error_kind(error: BaseException) -> str:
    """The error's type and code, and nothing of its message (which can quote typed text or
    SQL parameters): "OperationalError SQLITE_FULL", "OSError ENOSPC", "ValueError"."""
    kind = type(error).__name__
    sqlite_error = _sqlite_error(error)
    if sqlite_error is not None:
        name = getattr(sqlite_error, "sqlite_errorname", None)
        if sqlite_error is not error:
            kind += f" ({type(sqlite_error).__name__})"
        return f"{kind} {name}" if name else kind
    if isinstance(error, OSError) and error.errno in errno.errorcode:
        return f"{kind} {errno.errorcode[error.errno]}"
    return kind


# ----------------------------------------------------------------------------- logging


def _frames(exc_info) -> str:
    kind, _value, tb = exc_info
    lines = [
        f"  {Path(frame.filename).name}:{frame.lineno} in {frame.name}"
        for frame in traceback.extract_tb(tb)
    ]
    return "\n".join([getattr(kind, "__qualname__", str(kind)), *lines])


class ContentFreeLogFilter(logging.Filter):
    """Keeps record content out of a log handler's output: SQLAlchemy's messages (they carry
    statements and their parameters) are reduced to a note; an exception given as a value
    or as the message becomes its kind (``error_kind``); a traceback becomes its frames
    (file, line, function) without the exception's message. Install it on every handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("sqlalchemy"):
            record.msg = "(a database message, not recorded: it can hold typed text)"
            record.args = ()
        else:
            if isinstance(record.msg, BaseException):
                record.msg = error_kind(record.msg)
            if isinstance(record.args, tuple):
                record.args = tuple(
                    error_kind(arg) if isinstance(arg, BaseException) else arg
                    for arg in record.args
                )
            elif isinstance(record.args, dict):
                record.args = {
                    key: error_kind(arg) if isinstance(arg, BaseException) else arg
                    for key, arg in record.args.items()
                }
        if record.exc_info and record.exc_info[0] is not None:
            record.msg = f"{record.getMessage()}\n{_frames(record.exc_info)}"
            record.args = ()
        record.exc_info, record.exc_text = None, None
        return True


def keep_content_out_of_logs(logger: logging.Logger | None = None) -> None:
    """Installs ContentFreeLogFilter on every handler of ``logger`` (the root logger) that
    lacks one; called wherever logging is set up (the command line, the app)."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, ContentFreeLogFilter) for f in handler.filters):
            handler.addFilter(ContentFreeLogFilter())
