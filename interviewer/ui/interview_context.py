"""What the widgets of one open interview share: its session, guide and codes, the autosave
queue, the undo stack and the interview clock.

Widgets never touch storage: they hand a call of a service function to ``save`` (at once) or
``save_later`` (typing: saved within SAVE_DELAY_MS of the first unsaved keystroke).
"""

import contextlib
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QTextEdit, QWidget
from sqlalchemy.exc import SQLAlchemyError

from interviewer import interviews as svc
from interviewer.errors import DamagedDatabase, DomainError
from interviewer.i18n import language, tr
from interviewer.storage.database import Database
from interviewer.storage.failures import error_kind, failure_message
from interviewer.storage.models import CodebookEntry, CodeKind
from interviewer.ui import undo_steps

log = logging.getLogger(__name__)

# Typing is saved this long after the first unsaved keystroke, so at most this much is at risk.
SAVE_DELAY_MS = 300
RETRY_DELAY_MS = 2000
# A clock further from the stored start than this is not the meeting going on now.
MEETING_HOURS = 6


class InterviewContext(QObject):
    changed = Signal()  # something was saved: marks and lists may need refreshing
    status = Signal(str)  # the quiet saved mark
    refused = Signal(str)  # a rule said no; shown beside the field, nothing was saved

    def __init__(self, database: Database, interview_id: uuid.UUID, parent=None):
        super().__init__(parent)
        self.database = database
        self.session = database.session()
        self.interview = svc.get_interview(session=self.session, interview_id=interview_id)
        self.study = svc.study_of(session=self.session, interview=self.interview)
        self.guide = svc.study_guide(self.study)
        self.codes = {
            kind: svc.study_codes(session=self.session, study=self.study, kind=kind)
            for kind in CodeKind
        }
        self.undo_stack = QUndoStack(self)
        # deleted unclosed (with its window, at shut-down), the stack clears itself and says
        # so: that must not reach the window and pages being deleted around it
        stack = self.undo_stack
        self.destroyed.connect(lambda *_: stack.blockSignals(True))
        undo_steps.install()  # also installed by the app; here for windows made without it
        self._closed = False
        self._undo_router = _UndoRouter(self)
        self._pending: dict[Any, Callable[[], Any]] = {}
        self._timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self._opened_at = datetime.now()
        # the file is open for writing in another copy of the app: nothing is saved from here
        self.read_only = database.read_only

    @property
    def closed(self) -> bool:
        """The window has closed: nothing more is saved from here."""
        return self._closed

    @property
    def interview_id(self) -> uuid.UUID:
        return self.interview.id

    # ------------------------------------------------------------------ saving

    def save(self, action: Callable[[], Any], key: Any = None) -> Any:
        """Runs one service call now; returns its result, or None when it did not save.

        A broken rule is reported and dropped (the widget keeps what was typed). A storage
        failure (a full disk, a locked file) is reported and, for a keyed save, retried.
        Read-only, nothing runs and None is returned.
        """
        if self.read_only:
            self.status.emit(tr("Read-only"))
            return None
        try:
            result = action()
        except (DomainError, DamagedDatabase) as error:  # damage: integrity_check found it
            self.refused.emit(str(error))
            return None
        except SQLAlchemyError as error:
            self.session.rollback()
            # a full disk, a lock held by another program, …: one sentence, no SQLite message
            log.error("saving failed: %s", error_kind(error))
            self.status.emit(tr("Not saved"))
            self.refused.emit(
                tr(
                    "Not saved: {reason}. What you typed stays on screen and is saved again "
                    "in a moment.",
                    reason=failure_message(error, self.database.path),
                )
            )
            if key is not None:
                self._pending.setdefault(key, action)
                self._timer.start(RETRY_DELAY_MS)
            return None
        self.status.emit(tr("Saved {time}", time=datetime.now().strftime("%H:%M:%S")))
        self.changed.emit()
        return result

    def save_later(self, key: Any, action: Callable[[], Any]) -> None:
        """Queues a save of typed text; the newest action for ``key`` wins."""
        if self.read_only or self._closed:
            return
        self._pending[key] = action
        self.status.emit(tr("Saving…"))
        if not self._timer.isActive():
            self._timer.start(SAVE_DELAY_MS)

    def discard(self, key: Any) -> None:
        """Drops the queued save for ``key``: what was typed since is not to be saved."""
        self._pending.pop(key, None)

    def flush(self) -> None:
        """Saves everything queued, now: on a timer, on leaving a field or a step, and
        before the window closes."""
        if self._closed:  # a field losing the focus as the closed window goes away
            return
        self._timer.stop()
        pending, self._pending = self._pending, {}
        for key, action in pending.items():
            self.save(action, key)

    def push(self, text: str, do: Callable[[], Any], undo: Callable[[], Any]) -> None:
        """Does an undoable edit (a removal or a reorder) through the undo stack."""
        if self.read_only or self._closed:
            return
        self.undo_stack.push(_Command(self, text, do, undo))

    def close(self) -> None:
        self.flush()
        self._closed = True
        self._undo_router.stop()
        self.session.close()
        # the window goes away after this: its stack being cleared, or a late save, must not
        # call back into pages already deleted
        self.undo_stack.blockSignals(True)
        self.blockSignals(True)

    # ------------------------------------------------------------------ clock

    def clock_origin(self) -> datetime:
        """The interview clock counts from the interview's start time when that is the
        meeting going on now, else from when this window opened."""
        interview = self.interview
        if interview.start_time is not None:
            start = datetime.combine(interview.interview_date, interview.start_time)
            elapsed = (datetime.now() - start).total_seconds()
            if 0 <= elapsed < MEETING_HOURS * 3600:
                return start
        return self._opened_at

    def elapsed_seconds(self) -> int:
        return max(0, int((datetime.now() - self.clock_origin()).total_seconds()))

    # ------------------------------------------------------------------ codes

    def code_entries(self, kind: CodeKind) -> list[CodebookEntry]:
        return self.codes[kind]

    def code_label(self, kind: CodeKind, code: str | None) -> str:
        for entry in self.codes[kind]:
            if entry.code == code:
                return entry.label(language())
        return code or ""


class _Command(QUndoCommand):
    def __init__(self, context: InterviewContext, text: str, do, undo):
        super().__init__(text)
        self.context, self.do, self.undo_action = context, do, undo

    def redo(self) -> None:
        self.context.save(self.do)

    def undo(self) -> None:
        self.context.save(self.undo_action)


class _UndoRouter(QObject):
    """Ctrl+Z in a text field of the interview window undoes the interview's last removal or
    put-aside quote, not the field's typing, when that came after the last thing typed there,
    or when the field has nothing of its own to undo; with nothing left on the interview's
    stack, it is the field's again. (A text field otherwise takes Ctrl+Z for
    itself, and a quote put aside with Esc could not come back by keyboard.) Ctrl+Shift+Z and
    Ctrl+Y likewise."""

    def __init__(self, context: InterviewContext):
        super().__init__(context)
        self.context = context
        self.command_last = False  # the interview's undo stack moved after the last typing
        self._stopped = False
        context.undo_stack.indexChanged.connect(self._stack_moved)
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def stop(self) -> None:
        self._stopped = True  # also when Qt cannot disconnect: the slot then does nothing
        with contextlib.suppress(RuntimeError, TypeError):  # already disconnected
            QApplication.instance().focusChanged.disconnect(self._focus_changed)

    def _stack_moved(self, _index: int) -> None:
        self.command_last = True

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self._stopped:
            return
        try:
            window = self.context.parent()
        except RuntimeError:  # the window and its context are gone: so is this interview
            self._stopped = True
            return
        if (
            isinstance(new, QLineEdit | QPlainTextEdit | QTextEdit)
            and window is not None
            and new.window() is window
        ):
            new.installEventFilter(self)  # installed again, it is still called once

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        if self._stopped:
            return False
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride:
            undo = event.matches(QKeySequence.StandardKey.Undo)
            redo = event.matches(QKeySequence.StandardKey.Redo)  # Ctrl+Y, Ctrl+Shift+Z
            if undo or redo:
                stack = self.context.undo_stack
                own = _own_undo(watched, redo=redo)
                if (self.command_last or not own) and (
                    stack.canRedo() if redo else stack.canUndo()
                ):
                    event.ignore()  # not the field's: the window's Undo/Redo shortcut takes it
                    return True
        elif (kind == QEvent.Type.KeyPress and event.text()) or (
            kind == QEvent.Type.InputMethod and event.commitString()
        ):
            self.command_last = False  # typing: Ctrl+Z is the field's again
        return False


def _own_undo(widget, *, redo: bool) -> bool:
    """Whether a text field has typing of its own to undo (or redo)."""
    if isinstance(widget, QLineEdit):
        return widget.isRedoAvailable() if redo else widget.isUndoAvailable()
    document = widget.document()
    return document.isRedoAvailable() if redo else document.isUndoAvailable()
