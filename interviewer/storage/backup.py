"""Consistent copies of a database through SQLite's online backup API, safe while it is open."""

import logging
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

from interviewer.files import write_whole
from interviewer.paths import backup_dir_for

ROLLING_BACKUPS_KEPT = 5
log = logging.getLogger(__name__)


def backup_database(source: Path, target: Path) -> Path:
    """Copies ``source`` to ``target``; ``target`` appears whole or not at all."""
    source, target = Path(source), Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)

    def copy(partial: Path) -> None:
        writer = sqlite3.connect(partial)
        try:
            reader.backup(writer)
            # a single file is easiest to carry and restore
            writer.execute("PRAGMA journal_mode=DELETE")
        finally:
            writer.close()

    try:
        write_whole(target, copy)
    finally:
        reader.close()
    return target


def rolling_backups(db_path: Path) -> list[Path]:
    """The automatic backups of a database file, oldest first."""
    folder = backup_dir_for(db_path)
    return sorted(folder.glob("*.sqlite")) if folder.exists() else []


def make_rolling_backup(db_path: Path, *, keep: int = ROLLING_BACKUPS_KEPT) -> Path:
    """Adds a timestamped backup of ``db_path`` and removes all but the newest ``keep``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backup_dir_for(db_path) / f"{Path(db_path).stem}-{stamp}.sqlite"
    backup_database(db_path, target)
    for old in rolling_backups(db_path)[:-keep]:
        old.unlink(missing_ok=True)
    return target


def start_background_backup(db_path: Path) -> threading.Thread:
    """Makes the rolling backup on a thread of its own, so a large file does not hold up the
    window. The online backup API copies a consistent state while the app writes; the
    thread is not a daemon, so the app waits for it before exiting."""

    def work():
        try:
            make_rolling_backup(db_path)
        except (OSError, sqlite3.Error) as error:
            log.warning("the automatic backup failed: %s", error)

    thread = threading.Thread(target=work, name="rolling-backup")
    thread.start()
    return thread
