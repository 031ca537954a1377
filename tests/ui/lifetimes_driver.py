"""A real process for the window-lifetime test, run as `python lifetimes_driver.py DB ROUNDS`.

Each round opens an interview window and works its list pages the way an interviewer does
(add, select, type, reorder by Alt+Up, remove, undo, redo, switch step), then closes it with
the focus in a field and leaves it to be deleted later, while the next round's window works
on: Python's cyclic garbage collector runs after nearly every allocation (threshold 1) and
fully between steps, so any Qt object a Python reference cycle kept alive, or any slot left
connected to a window gone, shows at once. Any exception reaching Qt's event loop (a slot,
an event filter) or Python's unraisable hook is printed and makes the exit status 1; a
segfault is its own exit status. Prints "ok" at the end.
"""

import faulthandler
import gc
import os
import sys
import traceback

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

from PySide6.QtCore import QCoreApplication, QEvent, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from interviewer.demo import add_sample_interview  # noqa: E402
from interviewer.storage.database import open_database  # noqa: E402
from interviewer.ui.interview_window import InterviewWindow  # noqa: E402

CHALLENGES, INITIATIVES = 2, 3
failures: list[str] = []


def record(kind, value, tb) -> None:
    failures.append("".join(traceback.format_exception(kind, value, tb)))


def record_unraisable(unraisable) -> None:
    failures.append(
        "".join(
            traceback.format_exception(
                unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback
            )
        )
    )


def settle(app: QApplication) -> None:
    """Events, then a full collection, then the deletions due (as a return to a loop)."""
    app.processEvents()
    gc.collect()
    QTest.qWait(30)  # runs a loop: the autosave timer fires, deleteLater'd windows go
    gc.collect()


def key(widget, sequence: str) -> None:
    from PySide6.QtGui import QKeySequence

    combination = QKeySequence(sequence)[0]
    QTest.keyClick(widget, combination.key(), combination.keyboardModifiers())
    QApplication.processEvents()
    gc.collect()


def work(app: QApplication, window: InterviewWindow, round_number: int) -> None:
    for step in (CHALLENGES, INITIATIVES):
        window.go_to_step(step)
        page = window.pages[step]
        settle(app)
        for title in ("Budgets in silos #1", "No one owns it #2", "A third one #3"):
            page.new_title.setFocus()
            QTest.keyClicks(page.new_title, title)
            QTest.keyClick(page.new_title, Qt.Key.Key_Return)
            settle(app)
        page.list.setFocus()
        key(page.list, "End")
        if step == CHALLENGES:
            key(page.list, "Alt+Up")  # a reorder through the undo stack
            page.up_button.click()
            settle(app)
        page.title_edit.setFocus()
        QTest.keyClicks(page.title_edit, " typed")
        page.list.setFocus()  # leaving the field saves and shows the stored title
        key(page.list, "Delete")  # a removal through the undo stack
        key(page.list, "Ctrl+Z")
        key(page.list, "Ctrl+Shift+Z")
        key(page.list, "Ctrl+Z")
        settle(app)
    # the window goes with the focus in a field being typed into (a different one each round)
    page = window.pages[CHALLENGES]
    window.go_to_step(CHALLENGES)
    field = (page.title_edit, page.description, page.new_title, page.list)[round_number % 4]
    field.setFocus()
    if field is not page.list:
        QTest.keyClicks(field, "last words")


def main() -> int:
    faulthandler.enable()
    sys.excepthook = record
    sys.unraisablehook = record_unraisable
    db_path, rounds = Path(sys.argv[1]), int(sys.argv[2])
    app = QApplication(sys.argv)
    database = open_database(db_path)
    gc.set_threshold(1)
    for round_number in range(rounds):
        with database.session() as session:
            interview_id = add_sample_interview(session).id
        window = InterviewWindow(database, interview_id)
        window.show()
        window.activateWindow()
        app.processEvents()
        work(app, window, round_number)
        window.close()  # deleted on close, later: the next round's window works meanwhile
        del window
        gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    database.close()
    for failure in failures:
        print(failure, file=sys.stderr)
    print("ok" if not failures else f"{len(failures)} exceptions")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
