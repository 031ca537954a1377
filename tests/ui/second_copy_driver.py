"""A real copy of the app for the one-writer tests, run as `python second_copy_driver.py MODE DB`.

Both modes open DB as the app does (``open_for_app``: the writer lock, else read-only), show
the main window and open the file's first interview.

first:  prints "ready read_only=<bool>" and runs until killed.
second: prints "read_only=<bool>", "offered …" for any question that appeared, "dialog
        <class> <title>" for any other dialog, the
        window titles ("title <text>"), then tries to change everything by keyboard: types
        into every field of every step, presses Enter, Delete, Alt+Up and Ctrl+Z there, and
        presses Ctrl+N, Ctrl+D, Delete and Ctrl+Shift+M in the main window; prints
        "tried <n> fields" and exits 0.
"""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget  # noqa: E402

from interviewer.listing import list_interviews  # noqa: E402
from interviewer.ui.app import App, open_for_app  # noqa: E402


def watch_for_dialogs(seen: list[str]) -> None:
    """Notes and closes any modal dialog, as a person would press Esc."""
    dialog = QApplication.activeModalWidget()
    if isinstance(dialog, QMessageBox | QDialog):
        seen.append(type(dialog).__name__)
        if isinstance(dialog, QMessageBox):
            print("offered", dialog.text(), flush=True)
        else:
            print("dialog", type(dialog).__name__, dialog.windowTitle(), flush=True)
        dialog.reject()
    QTimer.singleShot(20, lambda: watch_for_dialogs(seen))


def try_everything(main, window) -> int:
    tried = 0
    for step in range(len(window.pages)):
        window.go_to_step(step)
        QApplication.processEvents()
        fields = [
            w
            for w in window.findChildren(QWidget)
            if w.isVisible() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        ]
        for field in fields:
            field.setFocus()
            QApplication.processEvents()
            target = QApplication.focusWidget() or field
            QTest.keyClicks(target, "x 7")
            for key, modifier in (
                (Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier),
                (Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier),
                (Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier),
                (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier),
                (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
            ):
                QTest.keyClick(QApplication.focusWidget() or target, key, modifier)
                QApplication.processEvents()
            tried += 1
    window.context.flush()
    main.activateWindow()
    main.table.setFocus()
    main.table.selectRow(0)
    for keys in ("Ctrl+N", "Ctrl+D", "Delete", "Ctrl+Shift+M", "Ctrl+Shift+K"):
        QTest.keySequence(main.table, keys)
        QApplication.processEvents()
    return tried


def main() -> int:
    mode, db_path = sys.argv[1], Path(sys.argv[2])
    qt_app = QApplication(sys.argv)
    database, lock = open_for_app(db_path)
    app = App(qt_app, database)
    main_window = app.show()
    seen: list[str] = []
    watch_for_dialogs(seen)
    print(f"read_only={database.read_only}", flush=True)
    app.offer_recovery()  # as run_app does at start
    QTest.qWait(200)  # a question would have shown by now
    with database.session() as session:
        first = list_interviews(session=session)[0]
    window = main_window.open_interview(first.id)
    QTest.qWait(50)
    if mode == "first":
        print(f"ready read_only={database.read_only}", flush=True)
        return qt_app.exec()
    print("title", main_window.windowTitle(), flush=True)
    print("title", window.windowTitle(), flush=True)
    print("status", main_window.db_label.text(), flush=True)
    print("tried", try_everything(main_window, window), "fields", flush=True)
    main_window.close()
    database.close()
    if lock is not None:
        lock.release()
    return 0


if __name__ == "__main__":
    sys.exit(main())
