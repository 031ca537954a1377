"""When Qt objects go: dialogs once they are done with, windows and threads before the app.

PySide hands a dialog to Python when ``exec()`` runs, while its parent window still holds it
in Qt. If anything keeps the dialog's Python side alive (a lambda that names the dialog, a
closure), it outlives its use; when the process ends, Python's clean-up and Qt's parent then
both destroy it, in no fixed order: a crash on exit (seen as exit 139 and "Fatal Python
error" after Conflicts and a merge). Hence two rules:

- a dialog is deleted when its flow ends (``deleted_after``), or deletes itself on close;
- when the event loop has returned, ``shut_down`` joins the background threads and deletes
  every window while Python and Qt are both whole, so nothing is left for the end. It runs
  again, at exit, for a process that ends without it (a script, a driver, sys.exit anywhere):
  registered after PySide's own clean-up, it runs before it.
"""

import atexit
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication
from shiboken6 import isValid

from interviewer.ui.background import stop_all

Q = TypeVar("Q", bound=QObject)


@contextmanager
def deleted_after(dialog: Q) -> Iterator[Q]:
    """``with deleted_after(SomeDialog(parent)) as dialog: ...``: the dialog is deleted when
    the block ends, however it ends; read its values inside the block."""
    try:
        yield dialog
    finally:
        if isValid(dialog):
            dialog.deleteLater()


def shut_down() -> None:
    """Called once the app's event loop has returned, before the database closes: stops and
    joins the background work, then deletes every window (and with it each dialog under
    it) and the objects waiting for deletion. Does nothing without a QApplication."""
    if QCoreApplication.instance() is None:
        return
    stop_all()
    # popups (a completer's list, a combo's) belong to their widget, which deletes them;
    # windows are hidden first, so deleting them sends no hide to a popup gone already
    windows = [
        widget
        for widget in QApplication.topLevelWidgets()
        if widget.parent() is None
        and widget.windowType() not in (Qt.WindowType.Popup, Qt.WindowType.ToolTip)
    ]
    for window in windows:
        window.hide()
    for window in windows:
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


atexit.register(shut_down)  # PySide registered its clean-up on import: this one runs first
