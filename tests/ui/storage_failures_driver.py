"""The app on a file or folder that fails in an ordinary way, run as a normal user would run
it (permissions hold): `python storage_failures_driver.py MODE DB`.

open:   opens DB as the app does (``open_for_app``), shows the main window and prints
        "read_only=<bool>", "status <the status bar's file line>", "title <window title>",
        then opens the first interview and types into its first text field, printing
        "saved=<bool>" (whether the service call ran).
backup: opens DB, starts the session's automatic backup, waits for it and prints
        "message <the status bar's message>".
start:  runs the whole app (``run_app``) on DB; every dialog is printed ("dialog <text>")
        and closed; prints "rc=<exit code>".
"""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from interviewer.listing import list_interviews  # noqa: E402
from interviewer.ui.app import App, open_for_app, run_app, setup_logging  # noqa: E402


def close_dialogs() -> None:
    dialog = QApplication.activeModalWidget()
    if isinstance(dialog, QMessageBox):
        print("dialog", dialog.text().replace("\n", " "), flush=True)
        dialog.accept()
    QTimer.singleShot(20, close_dialogs)


def main() -> int:
    mode, db_path = sys.argv[1], Path(sys.argv[2])
    qt_app = QApplication(sys.argv)
    qt_app.setApplicationName("Interviewer")
    if mode == "start":
        QTimer.singleShot(20, close_dialogs)
        QTimer.singleShot(3000, qt_app.quit)  # a window that came up: the test reads its log
        print(f"rc={run_app(db_path)}", flush=True)
        return 0
    setup_logging()
    database, lock = open_for_app(db_path)
    app = App(qt_app, database, lock)
    window = app.show()
    print(f"read_only={database.read_only}", flush=True)
    print("status", window.db_label.text(), flush=True)
    print("title", window.windowTitle(), flush=True)
    if mode == "open":
        with database.session() as session:
            rows = list_interviews(session=session, language="en", questions=4)
        interview = window.open_interview(rows[0].id)
        ran = []
        interview.context.save(lambda: ran.append(True))
        print(f"saved={bool(ran)}", flush=True)
        interview.close()
    elif mode == "backup":
        app.start_session_backup()
        app.session_backup._thread.join()
        for _ in range(20):  # the failure comes to the UI thread as a queued signal
            QApplication.processEvents()
        print("message", window.statusBar().currentMessage(), flush=True)
    window.close()
    app.finish_session_backup()
    database.close()
    if lock is not None:
        lock.release()
    return 0


if __name__ == "__main__":
    sys.exit(main())
