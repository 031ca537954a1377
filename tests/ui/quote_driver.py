"""A real app process for the quote hard-kill test, run as `python quote_driver.py MODE DB TEXT`.

type:  starts the app on DB, opens its interview, opens the quote box (Ctrl+G) and types TEXT
       one key at a time into it, printing "typed N" after each key, until killed.
aside: the same, but after TEXT it presses Esc, prints "put aside" and waits to be killed.
"""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from interviewer.listing import list_interviews  # noqa: E402
from interviewer.storage.database import open_database  # noqa: E402
from interviewer.ui.app import App  # noqa: E402
from interviewer.ui.quote_box import QuoteBox  # noqa: E402

KEY_INTERVAL_MS = 25


def main() -> int:
    mode, db_path, text = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    qt_app = QApplication(sys.argv)
    database = open_database(db_path)
    app = App(qt_app, database)
    window = app.show()
    with database.session() as session:
        [summary] = list_interviews(session=session)
    interview_window = window.open_interview(summary.id)
    qt_app.processEvents()
    interview_window.activateWindow()
    qt_app.processEvents()
    position = 0

    def type_next():
        nonlocal position
        box = QApplication.activeModalWidget()
        if not isinstance(box, QuoteBox):
            QTimer.singleShot(KEY_INTERVAL_MS, type_next)
            return
        if position == len(text) and mode == "aside":
            QTest.keyClick(box.text, Qt.Key.Key_Escape)
            print("put aside", flush=True)
            return
        QTest.keyClicks(box.text, text[position % len(text)])
        position += 1
        print("typed", position, flush=True)
        QTimer.singleShot(KEY_INTERVAL_MS, type_next)

    QTimer.singleShot(KEY_INTERVAL_MS, type_next)
    QTimer.singleShot(0, interview_window.open_quote_box)  # Ctrl+G: the box's own loop
    return qt_app.exec()


if __name__ == "__main__":
    sys.exit(main())
