"""One writer per database file: an OS lock on ``<db>.lock``, held while a copy of the app or
a command writes the file.

The lock is the operating system's (flock on Unix, LockFileEx on Windows), so it is freed the
moment its holder dies: a process killed with SIGKILL never blocks the next start. The app
and the command line call the same functions here.

A second lock is keyed on the file's identity (device and inode, not its name), in the app's
own folder, so a second name for the same file meets it too. Every opening refuses a file
with a second name anyway (storage.location.second_name: SQLite's own locks and -wal go by
the name); this lock is what still keeps two writers apart should a name slip past that.
"""

import inspect
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from interviewer.errors import InterviewerError
from interviewer.file_safety import shown_path
from interviewer.paths import LOCK_SUFFIX

log = logging.getLogger(__name__)


class DatabaseInUse(InterviewerError):
    """Another process holds the file's writer lock; nothing was changed."""

    def __init__(self, path: Path, advice: str | None = None):
        self.path = path
        super().__init__(
            f"{shown_path(path)} is open in the Interviewer app "
            "(or another command is writing it); "
            + (advice or "close it there first, then run this again")
        )


def lock_path(db_path: Path) -> Path:
    """The lock file beside the database: ``study.sqlite`` → ``study.sqlite.lock``."""
    db_path = Path(db_path).resolve()
    return db_path.with_name(db_path.name + ".lock")


def identity_lock_path(db_path: Path) -> Path | None:
    """The lock keyed on the database file's identity: ``<data dir>/locks/<device>-<inode>.lock``
    (hexadecimal); None while the file does not exist (or cannot be looked at)."""
    from interviewer.paths import data_dir

    try:
        found = os.stat(db_path)
    except OSError:
        return None
    return data_dir() / "locks" / f"{found.st_dev:x}-{found.st_ino:x}{LOCK_SUFFIX}"


def _os_lock(path: Path) -> FileLock:
    options = {"timeout": 0, "thread_local": False}
    # A soft lock (a file that merely exists) would outlive a killed holder: never fall back.
    if "fallback_to_soft" in inspect.signature(FileLock.__init__).parameters:
        options["fallback_to_soft"] = False
    return FileLock(str(path), **options)


class WriterLock:
    """The held writer lock of one database file; ``release`` it when done (idempotent)."""

    def __init__(self, db_path: Path, lock: FileLock, identity: FileLock | None = None):
        self.db_path, self._lock, self._identity = Path(db_path), lock, identity

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def release(self) -> None:
        if self._identity is not None and self._identity.is_locked:
            self._identity.release()
        if self._lock.is_locked:
            self._lock.release()


def _take_identity_lock(db_path: Path) -> FileLock | None | bool:
    """The held identity lock of ``db_path``; None when there is none to take (no file yet,
    or the app's folder cannot be written: the lock beside the file still holds); False when
    another holder has it."""
    path = identity_lock_path(db_path)
    if path is None:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = _os_lock(path)
        lock.acquire()
    except Timeout:
        return False
    except OSError as error:
        log.warning("no identity lock for %s: %s", Path(db_path).name, error.strerror)
        return None
    return lock


def try_writer_lock(db_path: Path) -> WriterLock | None:
    """Takes the writer lock of ``db_path`` if no other process (or other holder in this one)
    has it; returns the held lock, or None when the file is open for writing elsewhere.

    Raises OSError when the lock file cannot be made (a folder that cannot be written)."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = _os_lock(path)
    try:
        lock.acquire()
    except Timeout:
        return None
    identity = _take_identity_lock(db_path)
    if identity is False:  # the same file, by another name, is written elsewhere
        lock.release()
        return None
    return WriterLock(db_path, lock, identity)


def is_open_for_writing(db_path: Path) -> bool:
    """True while another holder has the writer lock of ``db_path`` (checked, not kept)."""
    lock = try_writer_lock(db_path)
    if lock is None:
        return True
    lock.release()
    return False


@contextmanager
def writing(db_path: Path, advice: str | None = None) -> Iterator[WriterLock]:
    """Holds the writer lock of ``db_path`` for the block; raises DatabaseInUse at once when
    the file is open for writing elsewhere (the app, or another command), its message ending
    in ``advice`` (why the command writes and what to do) or a plain "close it there first"."""
    lock = try_writer_lock(db_path)
    if lock is None:
        raise DatabaseInUse(Path(db_path), advice)
    try:
        yield lock
    finally:
        lock.release()
