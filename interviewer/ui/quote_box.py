"""The quick quote box: opens over any step, catches a quote verbatim, and gives focus back.

What is typed is in the database within a moment, as notes are: the first character makes the
quote a draft (see interviewer/quote_drafts.py) and typing saves it. Enter keeps the quote,
Shift+Enter breaks a line. Esc closes the box without dropping a word: the quote stays this
interview's draft, the next Ctrl+G opens the box with it (also after the window closed or the
app was killed), and Ctrl+Z in the interview window keeps it as a quote after all. The time
into the interview and the clock time are taken at the first character, whatever made it (a
key, a dead key or an input method, a paste), to match a recording later.
"""

import uuid
from datetime import UTC, datetime

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
)

from interviewer import quote_drafts as drafts
from interviewer.i18n import tr
from interviewer.storage.models import CodeKind, Quote
from interviewer.ui.fields import CodeCombo, TextArea, none_text, set_quietly
from interviewer.ui.interview_context import InterviewContext
from interviewer.ui.side_panel import stamp_first_text
from interviewer.ui.tab_order import keep_visual_tab_order


class QuoteText(TextArea):
    """Enter keeps, Shift+Enter breaks the line."""

    def __init__(self, box: "QuoteBox"):
        super().__init__(box)
        self.box = box
        self.setTabChangesFocus(True)

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
        self.saved_quote: Quote | None = None
        self.draft_id: uuid.UUID | None = None  # the draft in the database, once typed into
        self._finished = False
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
        # after the stamp, which the first save reads
        self.text.textChanged.connect(self._typed)
        self.theme.activated.connect(lambda _: self._choice_changed())
        self.use_in_report.toggled.connect(lambda _: self._choice_changed())
        self.text.setFocus()

    def _take_draft(self) -> None:
        """Opens with this interview's draft, if there is one, and says so."""
        context = self.context
        draft = drafts.latest_draft(session=context.session, interview_id=context.interview_id)
        if draft is None:
            return
        self.draft_id = draft.id
        self.question_key = draft.question_key
        self.started_at, self.offset = draft.captured_at, draft.offset_seconds
        set_quietly(self.text, draft.text)
        self.text.moveCursor(self.text.textCursor().MoveOperation.End)
        set_quietly(self.theme, draft.theme_code)
        set_quietly(self.use_in_report, draft.use_in_report)
        self.draft_note.show()

    def mark_start(self) -> None:
        if self.started_at is None:
            self.started_at = datetime.now(UTC)
            self.offset = self.context.elapsed_seconds()

    def _typed(self) -> None:
        """Every edit of the text: the first makes the draft, the next ones save it within
        SAVE_DELAY_MS, as notes are saved. An emptied box saves nothing (a quote needs text);
        closing it empty drops the draft."""
        if self._finished:
            return
        text = self.text.toPlainText()
        if not text.strip():
            self.context.discard(("quote draft", self.draft_id))
            return
        context = self.context
        if self.draft_id is None:
            quote = context.save(
                lambda: drafts.start_draft(
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
            self.draft_id = quote.id if quote is not None else None
            return
        draft_id = self.draft_id
        context.save_later(
            ("quote draft", draft_id),
            lambda: drafts.save_draft(session=context.session, quote_id=draft_id, text=text),
        )

    def _choice_changed(self) -> None:
        if self.draft_id is None or self._finished:
            return
        context, draft_id = self.context, self.draft_id
        context.save(
            lambda: drafts.save_draft(
                session=context.session,
                quote_id=draft_id,
                theme_code=self.theme.currentData(),
                use_in_report=self.use_in_report.isChecked(),
            )
        )

    def keep(self) -> None:
        text = self.text.toPlainText()
        if not text.strip():
            self.reject()
            return
        context = self.context
        context.flush()  # the last keystrokes are in the draft first
        if self.draft_id is None:  # nothing saved yet (the first save failed): try once more
            self._typed()
        draft_id = self.draft_id
        if draft_id is None:
            return  # the reason is shown; the text stays in the box

        def kept() -> Quote:
            drafts.save_draft(
                session=context.session,
                quote_id=draft_id,
                text=text,
                question_key=self.question_key,
                theme_code=self.theme.currentData(),
                use_in_report=self.use_in_report.isChecked(),
            )
            drafts.keep(session=context.session, quote_id=draft_id)
            return context.session.get(Quote, draft_id)

        self.saved_quote = context.save(kept)
        if self.saved_quote is not None:
            self.accept()

    def reject(self) -> None:
        """Esc: a typed quote stays a draft (the box reopens with it) and Ctrl+Z keeps it;
        an emptied box drops its draft."""
        context, draft_id = self.context, self.draft_id
        context.flush()
        if draft_id is not None and self.saved_quote is None:
            if self.text.toPlainText().strip():
                if not context.read_only:
                    context.undo_stack.push(PutAsideQuote(context, draft_id))
            else:
                context.save(lambda: drafts.drop(session=context.session, quote_id=draft_id))
        super().reject()

    def done(self, result):  # noqa: D401 - Qt's name
        self._finished = True  # what the text does as the box goes away is no typing
        super().done(result)
        if self.parentWidget() is not None:
            self.parentWidget().activateWindow()
        # the field it was opened from may have gone with a page refreshed by the save
        # (an exception in this Qt override would take the process down)
        if self.return_focus is not None and shiboken6.isValid(self.return_focus):
            self.return_focus.setFocus(Qt.FocusReason.OtherFocusReason)


class PutAsideQuote(QUndoCommand):
    """The quote box closed with Esc over a typed quote (a draft, already stored). Undo keeps
    the quote after all; redo makes it a draft again. Once the draft was kept or dropped from
    a box reopened with it, the box had it: undo and redo do nothing."""

    def __init__(self, context: InterviewContext, quote_id: uuid.UUID):
        super().__init__(tr("Put a quote aside"))
        self.context, self.quote_id = context, quote_id
        self.kept = False

    def _quote(self) -> Quote | None:
        if self.context.closed:
            return None  # its window has closed: nothing to keep or put aside from here
        return self.context.session.get(Quote, self.quote_id)

    def redo(self) -> None:
        quote = self._quote()
        if not self.kept or quote is None or quote.deleted_at is not None:
            return  # the first time: the box has just put it aside
        context, quote_id = self.context, self.quote_id
        context.save(lambda: drafts.put_aside(session=context.session, quote_id=quote_id))
        self.kept = False

    def undo(self) -> None:
        quote = self._quote()
        if quote is None or not drafts.is_draft(quote):
            return
        context, quote_id = self.context, self.quote_id
        if context.save(lambda: drafts.keep(session=context.session, quote_id=quote_id)) is None:
            return
        self.kept = True
