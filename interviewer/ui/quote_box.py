"""The quick quote box: opens over any step, catches a quote verbatim, and gives focus back.

Enter keeps the quote, Shift+Enter breaks a line. Esc closes the box without dropping a word:
the text stays as this interview's draft, the next Ctrl+G opens the box with it, and Ctrl+Z
in the interview window keeps it as a quote after all. The time into the interview and the
clock time are taken at the first character, whatever made it (a key, a dead key or an input
method, a paste), to match a recording later.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
)

from interviewer import interviews as svc
from interviewer.i18n import tr
from interviewer.storage.models import CodeKind
from interviewer.ui.fields import CodeCombo, none_text, set_quietly, wrap_anywhere
from interviewer.ui.interview_context import InterviewContext
from interviewer.ui.side_panel import stamp_first_text
from interviewer.ui.tab_order import keep_visual_tab_order


@dataclass
class QuoteDraft:
    """A quote typed and closed with Esc: what the box reopens with.

    ``open`` is False once the draft has been kept as a quote or taken back into a box."""

    text: str
    question_key: str | None
    theme_code: str | None
    use_in_report: bool
    offset: int | None
    started_at: datetime | None
    open: bool = True


class QuoteText(QPlainTextEdit):
    """Enter keeps, Shift+Enter breaks the line."""

    def __init__(self, box: "QuoteBox"):
        super().__init__(box)
        self.box = box
        self.setTabChangesFocus(True)
        wrap_anywhere(self)

    def keyPressEvent(self, event):  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
            else:
                self.box.keep()
            return
        super().keyPressEvent(event)


class QuoteBox(QDialog):
    def __init__(
        self, context: InterviewContext, question_key: str | None, step_title: str, parent=None
    ):
        super().__init__(parent)
        self.context, self.question_key = context, question_key
        self.started_at: datetime | None = None
        self.offset: int | None = None
        self.saved_quote = None
        self.return_focus = QApplication.focusWidget()
        self.setWindowTitle(tr("Quote"))
        self.setModal(True)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 90)

        role = context.interview.respondent_role
        tag = QLabel(tr("Quote · {step} · said by {role}", step=step_title, role=role))
        tag.setObjectName("sectionTitle")
        tag.setWordWrap(True)
        self.draft_note = QLabel(
            tr("Your quote from before, not yet kept: Enter keeps it, Esc puts it aside again.")
        )
        self.draft_note.setObjectName("hint")
        self.draft_note.setWordWrap(True)
        self.draft_note.hide()
        self.text = QuoteText(self)
        self.text.setAccessibleName(tr("Quote, word for word"))
        self.text.setMinimumHeight(110)
        stamp_first_text(self.text, self.mark_start)
        self.theme = CodeCombo(context.code_entries(CodeKind.CHALLENGE_THEME), none_text())
        self.theme.setAccessibleName(tr("Theme"))
        self.use_in_report = QCheckBox(tr("Use in report"))
        hint = QLabel(
            tr("Enter keeps it · Shift+Enter breaks a line · Esc puts it aside (Ctrl+Z keeps it)")
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)

        row = QHBoxLayout()
        row.addWidget(QLabel(tr("Theme")))
        row.addWidget(self.theme, 1)
        row.addWidget(self.use_in_report)
        layout = QVBoxLayout(self)
        layout.addWidget(tag)
        layout.addWidget(self.draft_note)
        layout.addWidget(self.text)
        layout.addLayout(row)
        layout.addWidget(hint)
        keep_visual_tab_order(self)
        self._take_draft()
        self.text.setFocus()

    def _take_draft(self) -> None:
        """Opens with this interview's draft, if there is one, and says so."""
        draft = self.context.quote_draft
        if draft is None or not draft.open:
            return
        draft.open = False  # it is in this box now: Ctrl+Z on the old drop does nothing
        self.context.quote_draft = None
        self.question_key = draft.question_key
        self.started_at, self.offset = draft.started_at, draft.offset
        set_quietly(self.text, draft.text)
        self.text.moveCursor(self.text.textCursor().MoveOperation.End)
        set_quietly(self.theme, draft.theme_code)
        set_quietly(self.use_in_report, draft.use_in_report)
        self.draft_note.show()

    def mark_start(self) -> None:
        if self.started_at is None:
            self.started_at = datetime.now(UTC)
            self.offset = self.context.elapsed_seconds()

    def keep(self) -> None:
        text = self.text.toPlainText()
        if not text.strip():
            self.reject()
            return
        context = self.context
        self.saved_quote = context.save(
            lambda: svc.add_quote(
                session=context.session,
                interview_id=context.interview_id,
                text=text,
                question_key=self.question_key,
                theme_code=self.theme.currentData(),
                use_in_report=self.use_in_report.isChecked(),
                offset_seconds=self.offset,
                captured_at=self.started_at,
            )
        )
        if self.saved_quote is not None:
            self.accept()

    def reject(self) -> None:
        """Esc: a typed quote is put aside as a draft, and Ctrl+Z can keep it."""
        text = self.text.toPlainText()
        if text.strip() and self.saved_quote is None:
            draft = QuoteDraft(
                text=text,
                question_key=self.question_key,
                theme_code=self.theme.currentData(),
                use_in_report=self.use_in_report.isChecked(),
                offset=self.offset,
                started_at=self.started_at,
            )
            self.context.quote_draft = draft
            if not self.context.read_only:
                self.context.undo_stack.push(PutAsideQuote(self.context, draft))
        super().reject()

    def done(self, result):  # noqa: D401 - Qt's name
        super().done(result)
        if self.parentWidget() is not None:
            self.parentWidget().activateWindow()
        if self.return_focus is not None:
            self.return_focus.setFocus(Qt.FocusReason.OtherFocusReason)


class PutAsideQuote(QUndoCommand):
    """The quote box closed with Esc over a typed quote. Undo keeps the quote after all
    (adds it, as typed, with the time of its first character); redo puts it aside again.
    Once the draft was taken back into a box, the box has it: undo and redo do nothing."""

    def __init__(self, context: InterviewContext, draft: QuoteDraft):
        super().__init__(tr("Put a quote aside"))
        self.context, self.draft = context, draft
        self.quote_id: uuid.UUID | None = None

    def redo(self) -> None:
        if self.quote_id is None:
            return  # the first time: the box has just put it aside
        context, quote_id = self.context, self.quote_id
        context.save(lambda: svc.remove_quote(session=context.session, quote_id=quote_id))
        self.draft.open = True
        context.quote_draft = self.draft

    def undo(self) -> None:
        context, draft = self.context, self.draft
        if not draft.open:
            return
        if self.quote_id is None:
            quote = context.save(
                lambda: svc.add_quote(
                    session=context.session,
                    interview_id=context.interview_id,
                    text=draft.text,
                    question_key=draft.question_key,
                    theme_code=draft.theme_code,
                    use_in_report=draft.use_in_report,
                    offset_seconds=draft.offset,
                    captured_at=draft.started_at,
                )
            )
            if quote is None:
                return
            self.quote_id = quote.id
        else:
            quote_id = self.quote_id
            context.save(lambda: svc.restore_quote(session=context.session, quote_id=quote_id))
        draft.open = False
        if context.quote_draft is draft:
            context.quote_draft = None
