"""The collapsible side panel of the interview window: this step's notes and all quotes.

What it shows is what is stored: the quote list's rows follow every save, and the quote editor
is refilled from storage on every refresh (a field being typed into keeps its text, it is
saved as typed). Rows are one bounded line, so a very long quote never freezes the panel.
"""

import uuid
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from interviewer import interviews as svc
from interviewer import quote_drafts
from interviewer.i18n import language, tr
from interviewer.storage.models import CodeKind, Quote
from interviewer.ui.fields import (
    CodeCombo,
    TextArea,
    autosave_text,
    fit_combo,
    none_text,
    on_delete_key,
    one_line_edit,
    row_text,
    set_quietly,
    text_area,
)
from interviewer.ui.interview_context import InterviewContext

ID_ROLE = Qt.ItemDataRole.UserRole


def clock_text(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    hours, rest = divmod(seconds, 3600)
    minutes = f"{rest // 60:02d}:{rest % 60:02d}"
    return f"{hours}:{minutes}" if hours else minutes


def stamp_first_text(editor: QPlainTextEdit, stamp) -> None:
    """Calls ``stamp()`` whenever the text of ``editor`` changes from an edit, whatever made
    it: a key, a dead key or an input method's commit, a paste by keyboard or mouse, a drop.
    (Text shown with ``set_quietly`` blocks the signal: it is no edit.) ``stamp`` decides
    whether it is the first."""
    editor.textChanged.connect(lambda: stamp() if editor.toPlainText() else None)


class NotesEditor(TextArea):
    """The notes of one question; the first character, however it came, is stamped with the
    interview clock and the clock time."""

    def __init__(self, context: InterviewContext, parent=None):
        super().__init__(parent)
        self.context = context
        self.question_key: str | None = None
        self.setTabChangesFocus(True)
        self._started: dict[str, tuple[int, datetime]] = {}
        stamp_first_text(self, self._stamp)  # before the autosave, which reads the stamp
        autosave_text(context, self, lambda: self.question_key, self._save)

    def _stamp(self) -> None:
        if self.question_key and self.question_key not in self._started:
            self._started[self.question_key] = (self.context.elapsed_seconds(), datetime.now(UTC))

    def _save(self, question_key: str, text: str):
        offset, at = self._started.get(question_key, (None, None))
        return svc.set_notes(
            session=self.context.session,
            interview_id=self.context.interview_id,
            question_key=question_key,
            notes=text,
            started_offset=offset,
            started_at=at,
        )


class SidePanel(QFrame):
    def __init__(self, context: InterviewContext, parent=None):
        super().__init__(parent)
        self.context = context
        self.setObjectName("sidePanel")
        self._shown_quote: uuid.UUID | None = None
        # with large text the panel scrolls rather than squeezing its fields
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        inner.setObjectName("sidePanelInner")
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(14, 14, 14, 14)

        self.notes_title = QLabel()
        self.notes_title.setObjectName("sectionTitle")
        self.notes = NotesEditor(context)
        self.notes.setMinimumHeight(self.fontMetrics().lineSpacing() * 6)
        layout.addWidget(self.notes_title)
        layout.addWidget(self.notes, 2)

        quotes_row = QHBoxLayout()
        self.quotes_title = QLabel()
        self.quotes_title.setObjectName("sectionTitle")
        self.new_quote_button = QPushButton(tr("New quote (Ctrl+G)"))
        quotes_row.addWidget(self.quotes_title)
        quotes_row.addStretch()
        quotes_row.addWidget(self.new_quote_button)
        layout.addSpacing(8)
        layout.addLayout(quotes_row)
        # a quote typed and not kept (put aside, or in the box at a crash) is stored as a
        # draft: say so, or after a restart nobody would know that Ctrl+G has it
        self.draft_hint = QLabel(tr("A quote put aside is waiting: Ctrl+G opens it."))
        self.draft_hint.setObjectName("hint")
        self.draft_hint.setWordWrap(True)
        self.draft_hint.hide()
        layout.addWidget(self.draft_hint)
        self.quotes = QListWidget()
        self.quotes.setAccessibleName(tr("Quotes"))
        # one line a row, elided: a row never lays out more than ROW_CHARACTERS of a quote
        self.quotes.setWordWrap(False)
        self.quotes.setUniformItemSizes(True)
        self.quotes.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.quotes.setSpacing(3)
        self.quotes.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.quotes.currentItemChanged.connect(lambda *_: self._selection_changed())
        self.quotes.setMinimumHeight(self.fontMetrics().lineSpacing() * 7)
        layout.addWidget(self.quotes, 2)
        on_delete_key(self.quotes, self._remove)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.quote_text = text_area(height=self.fontMetrics().lineSpacing() * 4 + 12)
        self.speaker = one_line_edit()
        self.question = fit_combo(QComboBox())
        self.question.addItem(none_text(), None)
        for question in context.guide.questions:
            self.question.addItem(
                f"{question.number} {question.title.in_language(language())}", question.key
            )
        self.theme = CodeCombo(context.code_entries(CodeKind.CHALLENGE_THEME), none_text())
        self.link = fit_combo(QComboBox())
        self.use_in_report = QCheckBox(tr("Use in report"))
        self.remove_button = QPushButton(tr("Remove quote"))
        self.remove_button.setToolTip(tr("Delete, in the list"))
        for label, field in (
            (tr("Quote"), self.quote_text),
            (tr("Speaker"), self.speaker),
            (tr("Question"), self.question),
            (tr("Theme"), self.theme),
            (tr("About"), self.link),
        ):
            form.addRow(label, field)
            field.setAccessibleName(label)
        form.addRow("", self.use_in_report)
        form.addRow("", self.remove_button)
        layout.addLayout(form)

        autosave_text(
            context,
            self.quote_text,
            self.selected_quote,
            lambda quote_id, text: svc.update_quote(
                session=context.session, quote_id=quote_id, text=text
            ),
        )
        autosave_text(
            context,
            self.speaker,
            self.selected_quote,
            lambda quote_id, text: svc.update_quote(
                session=context.session, quote_id=quote_id, speaker_role=text
            ),
        )
        self.question.activated.connect(
            lambda _: self._update(question_key=self.question.currentData())
        )
        self.theme.activated.connect(lambda _: self._update(theme_code=self.theme.currentData()))
        self.link.activated.connect(lambda _: self._link_changed())
        self.use_in_report.toggled.connect(lambda checked: self._update(use_in_report=checked))
        self.remove_button.clicked.connect(self._remove)
        context.changed.connect(self._rows_follow)

    # ------------------------------------------------------------------ notes

    def show_notes_for(self, question_key: str | None, step_title: str) -> None:
        self.context.flush()
        self.notes.question_key = question_key
        if question_key is None:
            self.notes_title.setText(tr("Notes"))
            self.notes.setPlaceholderText(tr("Notes belong to the questions: go to 1–4."))
            self.notes.setEnabled(False)
            set_quietly(self.notes, "")
            return
        self.notes_title.setText(tr("Notes · {step}", step=step_title))
        self.notes.setPlaceholderText(tr("Notes for this question, saved as you type"))
        self.notes.setEnabled(True)
        answers = svc.answers_by_question(
            session=self.context.session, interview_id=self.context.interview_id
        )
        set_quietly(self.notes, answers[question_key].notes if question_key in answers else "")
        self.notes.setAccessibleName(self.notes_title.text())

    # ------------------------------------------------------------------ quotes

    def selected_quote(self) -> uuid.UUID | None:
        item = self.quotes.currentItem()
        return item.data(ID_ROLE) if item else None

    def _update(self, **changes) -> None:
        quote_id = self.selected_quote()
        if quote_id is not None:
            self.context.save(
                lambda: svc.update_quote(
                    session=self.context.session, quote_id=quote_id, **changes
                ),
                key=("quote", quote_id, tuple(changes)),
            )
            self.refresh_quotes()

    def _link_changed(self) -> None:
        # the combo holds "challenge:<uuid>" or "initiative:<uuid>"
        kind, _, record_id = (self.link.currentData() or "").partition(":")
        record_id = uuid.UUID(record_id) if record_id else None
        self._update(
            challenge_id=record_id if kind == "challenge" else None,
            initiative_id=record_id if kind == "initiative" else None,
        )

    def _remove(self) -> None:
        quote_id = self.selected_quote()
        if quote_id is None:
            return
        ids = [self.quotes.item(row).data(ID_ROLE) for row in range(self.quotes.count())]
        row = ids.index(quote_id)
        neighbours = ids[row + 1 : row + 2] or ids[max(row - 1, 0) : row]
        context = self.context
        context.push(
            tr("Remove quote"),
            lambda: svc.remove_quote(session=context.session, quote_id=quote_id),
            lambda: svc.restore_quote(session=context.session, quote_id=quote_id),
        )
        self.refresh_quotes(select=neighbours[0] if neighbours else None)

    def _quotes(self) -> list[Quote]:
        context = self.context
        return svc.live_quotes(session=context.session, interview_id=context.interview_id)

    def refresh_quotes(self, select: uuid.UUID | None = None) -> None:
        """Shows the stored quotes, and the selected one (``select``, else the one selected
        before, else the first) in the editor."""
        self.context.flush()  # what is typed is stored first, so it is what comes back
        quotes = self._quotes()
        keep = select or self.selected_quote()
        self.quotes_title.setText(tr("Quotes ({count})", count=len(quotes)))
        self._show_draft_hint()
        self.quotes.blockSignals(True)
        self.quotes.clear()
        for quote in quotes:
            item = QListWidgetItem()
            item.setData(ID_ROLE, quote.id)
            self._set_row(item, quote)
            self.quotes.addItem(item)
            if quote.id == keep:
                self.quotes.setCurrentItem(item)
        if self.quotes.currentItem() is None and self.quotes.count():
            self.quotes.setCurrentRow(0)
        self.quotes.blockSignals(False)
        self._show_quote({q.id: q for q in quotes}.get(self.selected_quote()))

    def _show_draft_hint(self) -> None:
        context = self.context
        draft = quote_drafts.latest_draft(
            session=context.session, interview_id=context.interview_id
        )
        self.draft_hint.setVisible(draft is not None)

    def _set_row(self, item: QListWidgetItem, quote: Quote) -> None:
        numbers = {q.key: q.number for q in self.context.guide.questions}
        where = f" · {numbers[quote.question_key]}" if quote.question_key in numbers else ""
        item.setText(f"{clock_text(quote.offset_seconds)}{where}  “{row_text(quote.text)}”")
        item.setToolTip(row_text(quote.text, 600))

    def _rows_follow(self) -> None:
        """After any save: each quote's row says what is stored now (its text as typed),
        without touching the editor being typed into."""
        quotes = {q.id: q for q in self._quotes()}
        self.quotes_title.setText(tr("Quotes ({count})", count=len(quotes)))
        self._show_draft_hint()
        for row in range(self.quotes.count()):
            item = self.quotes.item(row)
            quote = quotes.get(item.data(ID_ROLE))
            if quote is not None:
                self._set_row(item, quote)

    def _selection_changed(self) -> None:
        self.context.flush()
        self._show_quote({q.id: q for q in self._quotes()}.get(self.selected_quote()))

    def _show_quote(self, quote: Quote | None) -> None:
        """Fills the editor with ``quote`` as stored; when the same quote stays shown, a
        text field with the focus keeps what is being typed."""
        same = quote is not None and quote.id == self._shown_quote
        self._shown_quote = quote.id if quote else None
        for widget in (
            self.quote_text,
            self.speaker,
            self.question,
            self.theme,
            self.link,
            self.use_in_report,
            self.remove_button,
        ):
            widget.setEnabled(quote is not None)
        # the choices follow the challenges and initiatives as they are now
        self.link.blockSignals(True)
        self.link.clear()
        self.link.addItem(none_text(), None)
        context = self.context
        for challenge in svc.live_challenges(
            session=context.session, interview_id=context.interview_id
        ):
            self.link.addItem(
                tr(
                    "Challenge {rank}: {title}",
                    rank=challenge.rank,
                    title=row_text(challenge.title),
                ),
                f"challenge:{challenge.id}",
            )
        for initiative in svc.live_initiatives(
            session=context.session, interview_id=context.interview_id
        ):
            self.link.addItem(
                tr("Initiative: {title}", title=row_text(initiative.title)),
                f"initiative:{initiative.id}",
            )
        linked = None
        if quote is not None and quote.challenge_id:
            linked = f"challenge:{quote.challenge_id}"
        elif quote is not None and quote.initiative_id:
            linked = f"initiative:{quote.initiative_id}"
        self.link.setCurrentIndex(max(0, self.link.findData(linked)) if linked else 0)
        self.link.blockSignals(False)
        set_quietly(self.quote_text, quote.text if quote else "", keep_typing=same)
        set_quietly(self.speaker, quote.speaker_role if quote else "", keep_typing=same)
        set_quietly(self.question, quote.question_key if quote else None)
        set_quietly(self.theme, quote.theme_code if quote else None)
        set_quietly(self.use_in_report, quote.use_in_report if quote else False)
