"""Long work (exports, merges, bundles) off the UI thread, with progress and cancel.

The work is a plain function ``work(progress)``; ``progress(done, total)`` reports and raises
Cancelled once the person has pressed Cancel. A progress dialog appears only when the work
lasts (after PROGRESS_DELAY_MS), and results come back on the UI thread by a signal.

The work gets paths and values, never a session or a widget: those belong to the UI thread.
"""

import logging
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid
from sqlalchemy.exc import SQLAlchemyError

from interviewer.errors import InterviewerError
from interviewer.export.options import Cancelled
from interviewer.i18n import tr
from interviewer.storage.failures import error_kind, failure_message

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 600


class _Worker(QThread):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, work: Callable[[Callable[[int, int], None]], Any]):
        super().__init__()
        self.work = work
        self.stop = threading.Event()

    def report(self, done: int, total: int) -> None:
        if self.stop.is_set():
            raise Cancelled
        self.progressed.emit(done, total)

    def run(self) -> None:
        try:
            result = self.work(self.report)
        except Cancelled:
            self.cancelled.emit()
        except (InterviewerError, OSError, sqlite3.Error, SQLAlchemyError) as error:
            # a message a person can act on: a full disk, a read-only folder, a lock held, …
            log.warning("background work failed: %s", error_kind(error))
            self.failed.emit(failure_message(error))
        except Exception as error:  # noqa: BLE001 - shown, not swallowed: the app must not vanish
            # its message and frames can carry content (SQL parameters, typed text): the log
            # gets its type and where it happened, the person its type
            from interviewer.ui.app import error_frames

            log.error(
                "unexpected error in background work: %s",
                error_frames(type(error), error.__traceback__),
            )
            self.failed.emit(
                tr(
                    "An unexpected error ({kind}) stopped it. Where it happened is in the log.",
                    kind=type(error).__name__,
                )
            )
        else:
            self.succeeded.emit(result)


class BackgroundTask(QObject):
    """One run of ``work``; ``done(result)`` or ``failed(message)`` is called on the UI thread,
    and only while the parent window still exists.

    The task and its thread belong to no window: closing the window while the work runs
    must not destroy a running thread (Qt aborts on that). They are kept in RUNNING until
    the work ends and its slot has returned (an object deleted inside its own slot is a
    crash), and ``stop_all`` stops and joins those left when the app quits.
    """

    def __init__(
        self,
        parent: QWidget,
        title: str,
        work,
        *,
        done: Callable[[Any], None],
        failed: Callable[[str], None],
    ):
        super().__init__()
        self.dialog = QProgressDialog(title, tr("Cancel"), 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.done, self.failed = done, failed
        self.finished = False
        self.worker = _Worker(work)
        # methods of this object, which lives on the UI thread: Qt queues the calls there
        # (a lambda would run on the worker's thread, where widgets must not be touched)
        self.worker.progressed.connect(self._progressed)
        self.worker.succeeded.connect(self._succeeded)
        self.worker.failed.connect(self._failed)
        self.worker.cancelled.connect(self._cancelled)
        self.dialog.canceled.connect(self.worker.stop.set)
        QCoreApplication.instance().aboutToQuit.connect(self.stop_and_wait)

    def start(self) -> "BackgroundTask":
        RUNNING.add(self)
        self.dialog.setValue(0)
        self.worker.start()
        return self

    def stop_and_wait(self) -> None:
        self.worker.stop.set()
        self.worker.wait()

    def _progressed(self, done: int, total: int) -> None:
        if isValid(self.dialog):
            self.dialog.setMaximum(max(total, 1))
            self.dialog.setValue(min(done, total))

    def _succeeded(self, result) -> None:
        self._finish(self.done, result)

    def _failed(self, message: str) -> None:
        self._finish(self.failed, message)

    def _cancelled(self) -> None:
        self._finish(None, None)

    def _finish(self, then, value) -> None:
        self.worker.wait()
        try:
            if isValid(self.dialog):
                self.dialog.close()
                self.dialog.deleteLater()  # not left hidden under its window until the end
                if then is not None:
                    then(value)
        finally:
            self.finished = True
            QTimer.singleShot(0, _forget_finished)  # dropped after this slot has returned


RUNNING: set[BackgroundTask] = set()


def _forget_finished() -> None:
    for task in [task for task in RUNNING if task.finished]:
        RUNNING.discard(task)


def stop_all() -> None:
    """Asks every running task to stop and waits for its thread: called when the app quits,
    before its windows and the QApplication go. Their results are not delivered."""
    for task in list(RUNNING):
        task.stop_and_wait()
    RUNNING.clear()


def run_in_background(parent: QWidget, title: str, work, *, done, failed) -> BackgroundTask:
    return BackgroundTask(parent, title, work, done=done, failed=failed).start()
