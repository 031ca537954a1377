"""Consistent copies of a database through SQLite's online backup API, safe while it is open.

Two kinds live in ``<data folder>/backups/<name>-<id>/`` (see ``paths.backup_dir_for``):

- **rolling** backups, ``<name>-<stamp>.sqlite``: the newest ``ROLLING_BACKUPS_KEPT`` only.
  One is made before a command writes (never by a command that only reads). The app takes
  one in the background when it opens a file, as a *pending* copy (``….sqlite.pending``):
  it joins the rotation at the session's first write and is dropped when the session ends
  without one. So opening and looking never pushes a real backup out, the state before the
  first edit is still kept, and the first keystroke never waits for a copy of a large file
  (copying at the first write instead would hold that keystroke for seconds on a big file).
  A pending copy left by a killed session is dropped at the next start: without a write it
  held the state the file still has. (Merges and bundle exports in the app use their own
  engines; a merge keeps its own backup, see below.)
- **kept** backups, ``kept/<name>-<stamp>-before-<reason>.sqlite``: the state before each
  merge, migration, conflict settlement and restore. Rolling backups never touch them; a kept
  backup goes only when it is both beyond the newest ``KEPT_AT_LEAST`` and older than
  ``KEPT_DAYS`` days. A file that could not be read when kept aside (before a restore) is
  kept as its raw files in a folder ``…-before-restore.raw/``.

Every backup into the folder happens under the folder's own lock (``.lock``), so a partial
file found there is a killed backup's and is removed at the start of the next one.
"""

import contextlib
import logging
import os
import re
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from filelock import FileLock, Timeout

from interviewer.errors import InterviewerError
from interviewer.files import partial_path, write_whole
from interviewer.i18n import language, tr, tr_n
from interviewer.paths import backup_dir_for, short_stem
from interviewer.storage.location import read_only_uri

ROLLING_BACKUPS_KEPT = 5
# a kept backup goes only when it is both beyond the newest KEPT_AT_LEAST and this old
KEPT_AT_LEAST = 20
KEPT_DAYS = 90
KEPT_FOLDER = "kept"
# how long a copy waits for a source another connection holds locked before it gives up
# (Python's backup() would otherwise retry every 0.25 s for ever)
BUSY_WAIT_SECONDS = 20.0
# how long a backup waits for another backup into the same folder (a merge's, the app's)
FOLDER_WAIT_SECONDS = 120.0
# why a kept backup was made; "rolling" is the rotation's
REASONS = ("merge", "migration", "settlement", "restore")
PENDING_SUFFIX = ".pending"
STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(
    r"^(?P<stem>.*)-(?P<stamp>\d{8}T\d{12}Z)(?:-before-(?P<reason>[a-z]+))?"
    r"(?:\.sqlite|(?P<raw>\.raw))$"
)
log = logging.getLogger(__name__)


class BackupFailed(InterviewerError):
    """A backup that had to be made first could not be made; nothing was changed."""


class SourceBusy(sqlite3.OperationalError):
    """A copy's source stayed locked by another connection for BUSY_WAIT_SECONDS."""

    sqlite_errorcode = 5  # SQLITE_BUSY: classified as a lock held by another program


def bounded_backup(reader: sqlite3.Connection, writer: sqlite3.Connection) -> None:
    """``reader.backup(writer)``, but a source held locked by another connection is waited
    for at most BUSY_WAIT_SECONDS (then SourceBusy), never for ever."""
    import time

    started = time.monotonic()

    def progress(status: int, _remaining: int, _total: int) -> None:
        busy = status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
        if busy and time.monotonic() - started > BUSY_WAIT_SECONDS:
            raise SourceBusy("the source stayed locked by another connection")

    reader.backup(writer, progress=progress)


def restore_partial(db_path: Path) -> Path:
    """Where a restore writes the backup's copy before it takes the database's place: beside
    the database (same file system), hidden; within NAME_MAX with SQLite's ``-journal``."""
    db_path = Path(db_path)
    name = db_path.name
    if len(os.fsencode(f".{name}.partial-journal")) > 255:
        from interviewer.paths import file_tag

        name = f"{short_stem(name)}-{file_tag(db_path)[:8]}"
    return db_path.with_name(f".{name}.partial")


def remove_restore_partial(db_path: Path) -> None:
    """A killed restore's copy beside ``db_path`` and its journals; called under the
    file's writer lock (no restore is running), by a restore and by every writing open."""
    partial = restore_partial(Path(os.path.realpath(db_path)))
    for leftover in (partial, *(Path(f"{partial}{end}") for end in ("-journal", "-wal", "-shm"))):
        with contextlib.suppress(OSError):  # a read-only folder: nothing is written there
            leftover.unlink(missing_ok=True)


def _remove_partial(target: Path) -> None:
    """A killed copy's partial file for ``target`` and its SQLite journals."""
    partial = partial_path(target)
    for leftover in (partial, *(Path(f"{partial}{end}") for end in ("-journal", "-wal", "-shm"))):
        leftover.unlink(missing_ok=True)


def backup_database(source: Path, target: Path) -> Path:
    """Copies ``source`` to ``target``; ``target`` appears whole or not at all. A partial file
    a killed copy to the same ``target`` left behind is removed first.

    Raises sqlite3.Error (a source that cannot be read, a full disk) or OSError."""
    source, target = Path(source), Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_partial(target)
    reader = sqlite3.connect(read_only_uri(source), uri=True)  # also on read-only media

    def copy(partial: Path) -> None:
        writer = sqlite3.connect(partial)
        try:
            bounded_backup(reader, writer)
            # a single file is easiest to carry and restore
            writer.execute("PRAGMA journal_mode=DELETE")
        finally:
            writer.close()

    try:
        write_whole(target, copy)
    except BaseException:
        _remove_partial(target)
        raise
    finally:
        reader.close()
    return target


@contextmanager
def _backup_folder(db_path: Path) -> Iterator[Path]:
    """Holds the lock of ``db_path``'s backup folder for the block: one backup at a time goes
    into it (the app's background copy and a merge's kept copy wait for each other). Any
    partial file there now is a killed backup's, and is removed."""
    folder = backup_dir_for(db_path)
    for place in (folder.parent.parent, folder.parent, folder, folder / KEPT_FOLDER):
        if place.exists() and not place.is_dir():
            raise BackupFailed(
                tr(
                    "{path} should be the backups folder but is a file, so no backup could be "
                    "made and nothing was changed; move that file away (a new folder is made) "
                    "and try again",
                    path=_shown(place),
                )
            )
    (folder / KEPT_FOLDER).mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / ".lock"), timeout=FOLDER_WAIT_SECONDS, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise BackupFailed(
            tr(
                "Another backup into {path} has taken more than {seconds} seconds, so no backup "
                "was made and nothing was changed; try again when it is done",
                path=_shown(folder),
                seconds=int(FOLDER_WAIT_SECONDS),
            )
        ) from None
    try:
        for place in (folder, folder / KEPT_FOLDER):
            for leftover in place.glob(".*.partial*"):
                log.info("removing a stale partial backup %s", leftover.name)
                if leftover.is_dir():  # a raw copy's folder
                    shutil.rmtree(leftover, ignore_errors=True)
                else:
                    leftover.unlink(missing_ok=True)
        yield folder
    finally:
        lock.release()


def _shown(path: Path) -> str:
    from interviewer.file_safety import shown_path  # one way of showing a path everywhere

    return shown_path(path)


def _stamp() -> str:
    return datetime.now(UTC).strftime(STAMP_FORMAT)


def _has_data(db_path: Path) -> bool:
    path = Path(db_path)
    return path.is_file() and path.stat().st_size > 0


def rolling_backups(db_path: Path) -> list[Path]:
    """The automatic backups of a database file in the rotation, oldest first."""
    folder = backup_dir_for(db_path)
    return sorted(folder.glob("*.sqlite")) if folder.exists() else []


def _prune_rolling(db_path: Path, keep: int) -> None:
    for old in rolling_backups(db_path)[:-keep]:
        old.unlink(missing_ok=True)


def make_rolling_backup(db_path: Path, *, keep: int = ROLLING_BACKUPS_KEPT) -> Path:
    """Adds a timestamped backup of ``db_path`` to the rotation and removes all but the
    newest ``keep`` rolling ones (kept backups are not touched). Made before a write only."""
    with _backup_folder(db_path) as folder:
        target = folder / f"{short_stem(Path(db_path).resolve().stem)}-{_stamp()}.sqlite"
        backup_database(db_path, target)
        _prune_rolling(db_path, keep)
    return target


def kept_backups(db_path: Path) -> list[Path]:
    """The kept backups of a database file (files and raw folders), oldest first."""
    folder = backup_dir_for(db_path) / KEPT_FOLDER
    if not folder.exists():
        return []
    entries = [p for p in folder.iterdir() if _NAME.match(p.name) and not p.name.startswith(".")]
    return sorted(entries, key=lambda p: _NAME.match(p.name)["stamp"])


def _prune_kept(db_path: Path, *, now: datetime | None = None) -> None:
    oldest_kept = (now or datetime.now(UTC)) - timedelta(days=KEPT_DAYS)
    for old in kept_backups(db_path)[:-KEPT_AT_LEAST]:
        if _taken_at(old) < oldest_kept:
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)


def _kept_name(db_path: Path, reason: str) -> str:
    if reason not in REASONS:
        raise ValueError(f"unknown reason for a kept backup: {reason}")
    return f"{short_stem(Path(db_path).resolve().stem)}-{_stamp()}-before-{reason}"


def keep_backup(db_path: Path, reason: str) -> Path | None:
    """Keeps the state of ``db_path`` before a ``reason`` (one of REASONS) apart from the
    rotation; returns the copy, or None when the file holds nothing yet.

    Raises BackupFailed when the copy cannot be made: the caller must then not write."""
    if not _has_data(db_path):
        return None
    try:
        with _backup_folder(db_path) as folder:
            target = folder / KEPT_FOLDER / f"{_kept_name(db_path, reason)}.sqlite"
            backup_database(db_path, target)
            _prune_kept(db_path)
    except (OSError, sqlite3.Error) as error:
        from interviewer.storage.failures import backup_failure, error_kind

        # info, not a warning: the sentence raised says it, and a command line shows one
        log.info("the backup before a %s failed: %s", reason, error_kind(error))
        failure = backup_failure(error, db_path)  # a full or unwritable backups folder
        raise BackupFailed(
            tr(
                "The backup that is made before a {what} could not be made ({error}). "
                "Nothing was changed.",
                what=reason_text(reason, noun_only=True),
                error=failure.reason if failure else error_kind(error),
            )
        ) from None
    return target


def keep_raw_files(db_path: Path, reason: str) -> Path | None:
    """Keeps the raw files of ``db_path`` (the file and its -wal, -shm and -journal, those
    that exist) in a folder apart from the rotation, for a file that cannot be read as a
    database. Returns the folder, or None when there was no file at all. Raises OSError."""
    db_path = Path(db_path)
    files = [db_path, *(Path(f"{db_path}{end}") for end in ("-wal", "-shm", "-journal"))]
    present = [f for f in files if f.is_file()]
    if not present:
        return None
    with _backup_folder(db_path) as folder:
        target = folder / KEPT_FOLDER / f"{_kept_name(db_path, reason)}.raw"
        partial = partial_path(target)
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir()
        try:
            for file in present:
                shutil.copyfile(file, partial / file.name)
            os.replace(partial, target)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        _prune_kept(db_path)
    return target


# ---------------------------------------------------------------- listing


def reason_text(reason: str, lang: str | None = None, *, noun_only: bool = False) -> str:
    """Why a backup was made, in words: "rolling", "before merge", …; with ``noun_only``
    the bare event ("merge")."""
    nouns = {
        "merge": tr("merge", lang=lang),
        "migration": tr("migration", lang=lang),
        "settlement": tr("conflict settlement", lang=lang),
        "restore": tr("restore", lang=lang),
    }
    if noun_only:
        return nouns.get(reason, reason)
    if reason == "rolling":
        return tr("rolling", lang=lang)
    return tr("before {what}", lang=lang, what=nouns.get(reason, reason))


def size_text(size: int, lang: str | None = None) -> str:
    """A file size for people: "830 kB", "12.4 MB" (decimal units)."""
    if size < 1_000_000:
        return tr("{size} kB", lang=lang, size=max(1, round(size / 1000)) if size else 0)
    figure = f"{size / 1_000_000:.1f}"
    if (lang or language()) == "da":
        figure = figure.replace(".", ",")  # Danish writes 12,4
    return tr("{size} MB", lang=lang, size=figure)


@dataclass(frozen=True)
class BackupEntry:
    """One backup of a database: where it is, when it was taken (UTC), why (``"rolling"`` or
    one of REASONS), its size in bytes, and how many interviews it holds (None when it
    cannot be read, as a raw copy)."""

    path: Path
    taken_at: datetime
    reason: str
    size: int
    interviews: int | None
    raw: bool = False

    def reason_text(self, lang: str | None = None) -> str:
        text = reason_text(self.reason, lang)
        return f"{text} ({tr('raw files', lang=lang)})" if self.raw else text

    def when_text(self) -> str:
        """When it was taken, in this computer's time zone: "2026-03-14 09:05:12"."""
        return self.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")

    def size_text(self, lang: str | None = None) -> str:
        return size_text(self.size, lang)

    def interviews_text(self, lang: str | None = None) -> str:
        if self.interviews is None:
            return tr("not readable", lang=lang)
        return tr_n("{count} interview", "{count} interviews", self.interviews, lang=lang)


def _taken_at(path: Path) -> datetime:
    stamp = _NAME.match(path.name)["stamp"]
    return datetime.strptime(stamp, STAMP_FORMAT).replace(tzinfo=UTC)


def interview_count(path: Path) -> int | None:
    """The interviews (not deleted) in a backup file, read without changing it; None when it
    cannot be read as one of our databases."""
    try:
        connection = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        try:
            row = connection.execute(
                "SELECT count(*) FROM interview WHERE deleted_at IS NULL"
            ).fetchone()
        except sqlite3.OperationalError:  # a file from before deletions were marks
            row = connection.execute("SELECT count(*) FROM interview").fetchone()
        return int(row[0])
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def list_backups(db_path: Path) -> list[BackupEntry]:
    """Every backup of ``db_path``, rolling and kept, newest first (what ``interviewer
    backups`` prints and the app's Restore dialog lists). Pending and partial copies are
    not backups and are left out."""
    entries = []
    for path in [*rolling_backups(db_path), *kept_backups(db_path)]:
        match = _NAME.match(path.name)
        if match is None:
            continue
        raw = path.is_dir()
        try:
            if raw:
                size = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
            else:
                size = path.stat().st_size
        except OSError:
            continue  # removed meanwhile
        entries.append(
            BackupEntry(
                path=path,
                taken_at=_taken_at(path),
                reason=match["reason"] or "rolling",
                size=size,
                interviews=None if raw else interview_count(path),
                raw=raw,
            )
        )
    entries.sort(key=lambda e: (e.taken_at, e.path.name), reverse=True)
    return entries


# ---------------------------------------------------------------- the app's session backup


# statements that change the file; everything else (SELECT, PRAGMA reads, BEGIN) only reads
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "VACUUM")


def is_write(statement: str) -> bool:
    """Whether an SQL statement changes the file (cheap: its first word). The one rule for
    it: the session backup and the integrity guard (storage/integrity.py) both ask here."""
    return statement.lstrip()[:7].upper().startswith(WRITES)


class SessionBackup:
    """The app's rolling backup of one session: copied in the background when the file is
    opened, joining the rotation only if the session writes (see the module's docstring).

    ``start()`` begins the copy; ``wrote()`` is called at each write (only the first
    counts); ``finish()`` at the end of the session waits for the copy and keeps or drops it.
    The copy is consistent: the online backup reads one snapshot, while the app writes."""

    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        self.pending: Path | None = None
        self.kept: Path | None = None
        self._written = False
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._keeper: threading.Thread | None = None
        # told in one sentence when the copy fails (on the copy's thread); the app shows it
        self.on_failure: Callable[[str], None] | None = None

    def start(self) -> threading.Thread:
        self._thread = threading.Thread(target=self._copy, name="rolling-backup")
        self._thread.start()
        return self._thread

    def _copy(self) -> None:
        try:
            with _backup_folder(self.db_path) as folder:
                # a pending copy of an earlier session that ended without a word (killed)
                # held the state the file still has: not a backup to keep
                for stale in folder.glob(f"*{PENDING_SUFFIX}"):
                    stale.unlink(missing_ok=True)
                if not _has_data(self.db_path):
                    return
                stem = short_stem(self.db_path.resolve().stem)
                name = f"{stem}-{_stamp()}.sqlite{PENDING_SUFFIX}"
                pending = backup_database(self.db_path, folder / name)
            with self._lock:
                self.pending = pending
                if self._written:
                    self._promote()
        except (OSError, sqlite3.Error, BackupFailed) as error:
            _backup_failed(error, self.db_path, self.on_failure)

    def wrote(self) -> None:
        with self._lock:
            if self._written:
                return
            self._written = True
            ready = self.pending is not None
        if ready:
            # on a thread: the backups folder may be busy with another copy (a merge's), and
            # the write that called this must not wait for it
            self._keeper = threading.Thread(target=self._promote_now, name="rolling-backup")
            self._keeper.start()

    def _promote_now(self) -> None:
        with self._lock:
            if self.pending is not None:
                self._promote()

    def _promote(self) -> None:
        # with self._lock held
        pending, self.pending = self.pending, None
        target = pending.with_name(pending.name.removesuffix(PENDING_SUFFIX))
        try:
            with _backup_folder(self.db_path):
                os.replace(pending, target)
                _prune_rolling(self.db_path, ROLLING_BACKUPS_KEPT)
        except (OSError, BackupFailed) as error:
            _backup_failed(error, self.db_path, self.on_failure)
            return
        self.kept = target

    def finish(self) -> Path | None:
        """Waits for the copy; keeps it in the rotation if the session wrote, else removes
        it. Returns the rolling backup kept, or None."""
        for thread in (self._thread, self._keeper):
            if thread is not None:
                thread.join()
        with self._lock:
            if self.pending is not None:
                self.pending.unlink(missing_ok=True)
                self.pending = None
        return self.kept

    def watch(self, engine) -> Callable[[], None]:
        """Calls ``wrote()`` at the first statement through ``engine`` that changes the file;
        returns a function that stops watching."""
        from sqlalchemy import event

        def before_execute(_conn, _cursor, statement, *_args) -> None:
            if not self._written and is_write(statement):
                self.wrote()

        event.listen(engine, "before_cursor_execute", before_execute)
        return lambda: event.remove(engine, "before_cursor_execute", before_execute)


def back_up_before_first_commit(engine, db_path: Path) -> None:
    """Makes a rolling backup of ``db_path`` just before the first commit through ``engine``
    of a transaction that wrote something: a command refused before it wrote (the same
    demo seed twice, a read-only file) makes none, so it never pushes a real backup out of
    the rotation. The copy reads the last committed state (the write is not yet committed);
    a copy that fails stops that commit, so nothing is written without its backup (the
    error, OSError or sqlite3.Error, goes on to the caller)."""
    from sqlalchemy import event

    state = {"wrote": False, "done": False}

    def before_execute(_conn, _cursor, statement, *_args) -> None:
        if not state["wrote"] and is_write(statement):
            state["wrote"] = True

    def before_commit(_conn) -> None:
        # a flag, not event.remove: listeners cannot be removed while they are called
        if state["wrote"] and not state["done"]:
            make_rolling_backup(db_path)
            state["done"] = True

    event.listen(engine, "before_cursor_execute", before_execute)
    event.listen(engine, "commit", before_commit)


def keep_before_first_write(engine, db_path: Path, reason: str) -> dict[str, bool]:
    """Keeps the state of ``db_path`` before a ``reason`` (keep_backup) just before the first
    statement through ``engine`` that writes, once: work refused before it writes (a merge
    of nothing, of bundles all refused or merged before) keeps no copy. Returns its state:
    ``"committed"`` turns True at the first commit after a write. The copy reads the last
    committed state. Raises BackupFailed (from that statement) when it cannot be made."""
    from sqlalchemy import event

    state = {"kept": False, "wrote": False, "committed": False}

    def before_execute(_conn, _cursor, statement, *_args) -> None:
        if not state["wrote"] and is_write(statement):
            if not state["kept"]:
                keep_backup(db_path, reason)
                state["kept"] = True
            state["wrote"] = True

    def before_commit(_conn) -> None:
        if state["wrote"]:
            state["committed"] = True
        state["wrote"] = False  # a later transaction's first write is noted again

    def after_rollback(_conn) -> None:
        state["wrote"] = False

    event.listen(engine, "before_cursor_execute", before_execute)
    event.listen(engine, "commit", before_commit)
    event.listen(engine, "rollback", after_rollback)
    return state


def remove_new_database(db_path: Path) -> None:
    """Removes a database file made by work that then wrote nothing into it (and its
    journals), so a refused command leaves no new file behind. Under its writer lock."""
    for end in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            Path(f"{db_path}{end}").unlink(missing_ok=True)


def start_background_backup(
    db_path: Path, failed: Callable[[str], None] | None = None
) -> threading.Thread:
    """Makes a rolling backup on a thread of its own, so a large file does not hold up the
    window. The online backup API copies a consistent state while the app writes; the
    thread is not a daemon, so the app waits for it before exiting. A failure is logged and
    said to ``failed(sentence)`` (called on the backup's thread)."""

    def work():
        try:
            make_rolling_backup(db_path)
        except (OSError, sqlite3.Error, BackupFailed) as error:
            _backup_failed(error, db_path, failed)

    thread = threading.Thread(target=work, name="rolling-backup")
    thread.start()
    return thread


def _backup_failed(error: BaseException, db_path: Path, failed) -> None:
    """An automatic backup failed: logged by its kind (never SQLite's message), and said in
    one sentence to ``failed`` (the app shows it in its status bar), if given."""
    from interviewer.storage.failures import backup_failure, error_kind

    log.warning("the automatic backup failed: %s", error_kind(error))
    if failed is not None and isinstance(error, BackupFailed):
        failed(tr("Automatic backup: {reason}", reason=str(error)))
    elif failed is not None:
        failure = backup_failure(error, db_path)
        failed(
            tr(
                "Automatic backup: {reason}",
                reason=failure.reason if failure else error_kind(error),
            )
        )
