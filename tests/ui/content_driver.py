"""The app meeting failures while it holds typed text, for the no-content-in-logs test:
`python content_driver.py DB MARKER`.

Opens DB as the app does (logging to the user's log folder). When it can write: types MARKER
into the first interview's location while another program holds the file locked (the
autosave fails: prints "refused <message>"), then runs two background tasks that fail, one
with an SQLite error quoting MARKER and one with an unexpected error quoting it (prints
"failed <message>" for each), and reports an unexpected error quoting MARKER to the app's
error dialog (printed "dialog <text>" and closed). Read-only: prints "read_only".
"""

import os
import sqlite3
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from interviewer import interviews as svc  # noqa: E402
from interviewer.listing import list_interviews  # noqa: E402
from interviewer.ui import app as app_module  # noqa: E402
from interviewer.ui.background import RUNNING, run_in_background  # noqa: E402


def close_dialogs() -> None:
    dialog = QApplication.activeModalWidget()
    if isinstance(dialog, QMessageBox):
        print("dialog", dialog.text().replace("\n", " "), flush=True)
        dialog.accept()
    QTimer.singleShot(20, close_dialogs)


def main() -> int:
    db_path, marker = Path(sys.argv[1]), sys.argv[2]
    qt_app = QApplication(sys.argv)
    app_module.setup_logging()
    database, lock = app_module.open_for_app(db_path)
    app = app_module.App(qt_app, database, lock)
    window = app.show()
    if database.read_only:
        print("read_only", flush=True)
    else:
        with database.session() as session:
            rows = list_interviews(session=session, language="en", questions=4)
        interview = window.open_interview(rows[0].id)
        context = interview.context
        context.session.connection().exec_driver_sql("PRAGMA busy_timeout=50")
        context.refused.connect(lambda text: print("refused", text, flush=True))
        holder = sqlite3.connect(db_path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        context.save(
            lambda: svc.update_interview(
                session=context.session, interview_id=rows[0].id, location=marker
            )
        )
        holder.rollback()
        holder.close()
        interview.close()

        def quoting_sqlite(_progress):
            raise sqlite3.OperationalError(f"near {marker}: syntax error")

        def quoting_anything(_progress):
            raise RuntimeError(f"unexpected {marker}")

        for work in (quoting_sqlite, quoting_anything):
            run_in_background(
                window, "work", work, done=print, failed=lambda m: print("failed", m, flush=True)
            )
        while RUNNING and not all(task.finished for task in RUNNING):
            qt_app.processEvents()
        QTimer.singleShot(0, close_dialogs)
        error = ValueError(f"typed {marker}")
        QTimer.singleShot(10, lambda: app_module._report_unexpected_error(ValueError, error, None))
        QTimer.singleShot(500, qt_app.quit)
        qt_app.exec()
    window.close()
    database.close()
    if lock is not None:
        lock.release()
    return 0


if __name__ == "__main__":
    sys.exit(main())
