"""A real app process for the hard-kill test, run as `python typing_driver.py MODE DB TEXT`.

type:   starts the app on DB, opens its interview at question 1, puts the cursor in the notes
        and types TEXT one key at a time, printing "typed N" after each key, until killed.
reopen: starts the app on DB, answers the "return to your interview?" offer with Yes and
        prints "offered" and "reopened <ids>", then where the reopened window is:
        "step <n>", "focus notes|<class> <accessible name>" and "cursor <position> of <length>".
"""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from interviewer.listing import list_interviews  # noqa: E402
from interviewer.storage.database import open_database  # noqa: E402
from interviewer.ui.app import App  # noqa: E402

KEY_INTERVAL_MS = 25


def main() -> int:
    mode, db_path, text = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    qt_app = QApplication(sys.argv)
    database = open_database(db_path)
    app = App(qt_app, database)
    window = app.show()
    if mode == "reopen":

        def answer_offer():
            dialog = QApplication.activeModalWidget()
            if isinstance(dialog, QMessageBox):
                print("offered", flush=True)
                dialog.button(QMessageBox.StandardButton.Yes).click()
            else:
                QTimer.singleShot(20, answer_offer)

        QTimer.singleShot(20, answer_offer)
        reopened = app.offer_recovery()
        print("reopened", ",".join(str(i) for i in reopened), flush=True)
        if reopened:
            reopened_window = window.windows[reopened[0]]
            QTest.qWait(100)  # the window puts the cursor back once it is shown
            print("step", reopened_window.rail.currentRow(), flush=True)
            focus = QApplication.focusWidget()
            if focus is reopened_window.side_panel.notes:
                print("focus notes", flush=True)
                cursor = focus.textCursor().position()
                print("cursor", cursor, "of", len(focus.toPlainText()), flush=True)
            else:
                name = focus.accessibleName() if focus is not None else ""
                print("focus", type(focus).__name__, name, flush=True)
        return 0

    with database.session() as session:
        [summary] = list_interviews(session=session)
    interview_window = window.open_interview(summary.id)
    qt_app.processEvents()
    interview_window.go_to_step(1)
    interview_window.activateWindow()
    qt_app.processEvents()
    notes = interview_window.side_panel.notes
    notes.setFocus()
    position = 0

    def type_next():
        nonlocal position
        QTest.keyClicks(notes, text[position % len(text)])
        position += 1
        print("typed", position, flush=True)
        QTimer.singleShot(KEY_INTERVAL_MS, type_next)

    QTimer.singleShot(KEY_INTERVAL_MS, type_next)
    return qt_app.exec()


if __name__ == "__main__":
    sys.exit(main())
