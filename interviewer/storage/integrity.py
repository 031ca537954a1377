"""SQLite's full ``integrity_check`` of an open database, run on a thread of its own.

``quick_check`` at open misses some damage (an index missing an entry, say) that
``integrity_check`` finds; the full check takes about four times as long (see
benchmarks/bench_integrity.py: ~0.35 s on 10,000 interviews), too long for the app's start.
Commands that write run it before they open (``open_database(full_check=True)``, the default);
the app opens with ``quick_check`` and starts this check right after: if it finds damage,
the database refuses every write from then on and the app is told, so a damaged file is never
written to after the check has spoken.
"""

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import event

from interviewer.errors import DamagedDatabase
from interviewer.i18n import tr
from interviewer.storage.backup import is_write

log = logging.getLogger(__name__)


def integrity_problems(connection: sqlite3.Connection, *, limit: int = 5) -> list[str]:
    """SQLite's ``integrity_check`` findings (empty when the file is whole); raises
    sqlite3.Error when the file cannot be read at all."""
    rows = [row[0] for row in connection.execute(f"PRAGMA integrity_check({int(limit)})")]
    return [] if rows == ["ok"] else [str(row) for row in rows]


@dataclass
class IntegrityWatch:
    """The background check of one database: ``damage`` is None until it finds some."""

    path: object
    damage: str | None = None
    done: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def wait(self, timeout: float | None = None) -> bool:
        return self.done.wait(timeout)

    def refuse_if_damaged(self, statement: str) -> None:
        if self.damage is not None and is_write(statement):
            raise DamagedDatabase(self.path, self.damage)


def start_integrity_check(
    database, on_damage: Callable[[str], None] | None = None
) -> IntegrityWatch:
    """Starts ``integrity_check`` of ``database`` (a storage.database.Database) on a thread.

    From the moment it finds damage, every write through the database's engine raises
    DamagedDatabase (reads go on, so the interviews can still be seen and exported), and
    ``on_damage(sentence)`` is called on the checking thread (a UI hands it to its own
    thread). The thread is a daemon: a check still running never holds up quitting."""
    watch = IntegrityWatch(path=database.path)

    def guard(_conn, _cursor, statement, _parameters, _context, _executemany):
        watch.refuse_if_damaged(statement)

    # registered here, before the thread starts, so no write can slip past once damage is set
    event.listen(database.engine, "before_cursor_execute", guard)

    def work() -> None:
        try:
            from interviewer.storage.database import connect_read_only

            connection = connect_read_only(database.path)
            try:
                problems = integrity_problems(connection)
            finally:
                connection.close()
        except sqlite3.Error as error:
            problems = [str(error)]
        if problems:
            watch.damage = tr(
                "the database file is damaged ({problems}); nothing more will be written to "
                "it: close the app and restore a backup (interviewer restore)",
                problems="; ".join(problems),
            )
            log.error("integrity_check found damage in %s", database.path.name)
            if on_damage is not None:
                on_damage(watch.damage)
        watch.done.set()

    watch.thread = threading.Thread(target=work, name="integrity-check", daemon=True)
    watch.thread.start()
    return watch
