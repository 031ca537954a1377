"""Review: the whole interview on one page, what is missing flagged, and "mark complete".

Each text shows its first PREVIEW_CHARACTERS characters and a "Show all" link for the rest, so
a very long text (one unbroken 300,000-character word) never freezes the page.
"""

import re
from html import escape

from PySide6.QtCore import QLocale, QUrl
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser

from interviewer import interviews as svc
from interviewer.exchange.provenance import provenance_text
from interviewer.figures import format_figure
from interviewer.guide import AnswerType
from interviewer.i18n import language, tr
from interviewer.progress import interview_progress
from interviewer.storage.models import CodeKind, InterviewStatus
from interviewer.ui.fields import LONG_WORD, has_long_word
from interviewer.ui.pages.base import StepPage
from interviewer.wording import effect_summary, initiative_status_labels, mode_labels

PREVIEW_CHARACTERS = 2000
SHOW_ALL = "show-all"  # the scheme of a "Show all" link: show-all:<record id>


# a very long word is shown in pieces this long, each a place where the line may break
WORD_PIECE = 40
_LONG_RUN = re.compile(rf"\S{{{LONG_WORD + 1},}}")


def breakable(text: str) -> str:
    """``text`` with a zero-width space every WORD_PIECE characters inside each word longer
    than LONG_WORD, and unchanged otherwise: only a text that holds a very long word wraps
    inside it, every other word wraps whole (one document has one wrap mode, and wrapping
    at words is quadratic in a word's length)."""
    if not has_long_word(text):
        return text

    def pieces(match: re.Match) -> str:
        word = match.group()
        return "\u200b".join(word[n : n + WORD_PIECE] for n in range(0, len(word), WORD_PIECE))

    return _LONG_RUN.sub(pieces, text)


def _paragraphs(text: str) -> str:
    return "<br>".join(escape(breakable(line)) for line in text.splitlines())


def joined(separator: str, *parts: str) -> str:
    """The non-empty ``parts`` joined by ``separator``: no separator dangles by an empty one."""
    return separator.join(part for part in parts if part)


def _italic(html: str) -> str:
    return f"<i>{html}</i>" if html else ""


def _below(html: str) -> str:
    return f"<br>{html}" if html else ""


class ReviewPage(StepPage):
    key = "review"

    def __init__(self, context, parent=None):
        super().__init__(context, parent)
        heading = QLabel(tr("Review"))
        heading.setObjectName("questionTitle")
        self.body.addWidget(heading)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.body.addWidget(self.state)
        buttons = QHBoxLayout()
        self.complete_button = QPushButton(tr("Mark complete"))
        self.complete_button.setObjectName("primary")
        self.draft_button = QPushButton(tr("Back to draft"))
        self.complete_button.clicked.connect(lambda: self._set_status(InterviewStatus.COMPLETE))
        self.draft_button.clicked.connect(lambda: self._set_status(InterviewStatus.DRAFT))
        buttons.addWidget(self.complete_button)
        buttons.addWidget(self.draft_button)
        buttons.addStretch()
        self.body.addLayout(buttons)
        self.summary = QTextBrowser()
        self.summary.setAccessibleName(tr("The whole interview"))
        self.summary.setOpenLinks(False)  # a "Show all" link shows the rest here
        self.summary.anchorClicked.connect(self._show_all)
        # words wrap whole; a very long word comes in pieces (see breakable)
        self.summary.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self._expanded: set[str] = set()
        self.summary.setMinimumHeight(300)
        self.body.addWidget(self.summary, 1)

    def title(self) -> str:
        return tr("Review")

    def first_field(self):
        return self.complete_button if self.complete_button.isVisible() else self.draft_button

    def _set_status(self, status: InterviewStatus) -> None:
        context = self.context
        context.save(
            lambda: svc.set_status(
                session=context.session, interview_id=context.interview_id, status=status
            )
        )
        self.refresh()
        self.first_field().setFocus()

    def refresh(self) -> None:
        context = self.context
        interview = context.interview
        progress = interview_progress(
            session=context.session, interview=interview, guide=context.guide
        )
        complete = interview.status is InterviewStatus.COMPLETE
        self.complete_button.setVisible(not complete)
        self.draft_button.setVisible(complete)
        if complete:
            self.state.setText(tr("✓ This interview is marked complete."))
        elif progress.missing:
            self.state.setText(
                tr("Still a draft. Before marking it complete, look at:")
                + "\n"
                + "\n".join(f"⚠ {item}" for item in progress.missing)
            )
        else:
            self.state.setText(tr("Nothing is missing. Mark it complete when you are done."))
        origin = provenance_text(session=context.session, record_id=interview.id)
        if origin:
            self.state.setText(self.state.text() + "\n" + origin)
        self.summary.setHtml(self._summary_html())

    def _show_all(self, url: QUrl) -> None:
        if url.scheme() == SHOW_ALL:
            self._expanded.add(url.path())
            position = self.summary.verticalScrollBar().value()
            self.summary.setHtml(self._summary_html())
            self.summary.verticalScrollBar().setValue(position)

    def _text(self, key: object, text: str) -> str:
        """``text`` as HTML paragraphs: its first PREVIEW_CHARACTERS characters and a link
        that shows all of it, unless shown all already; ``key`` names the text."""
        if len(text) <= PREVIEW_CHARACTERS or str(key) in self._expanded:
            return _paragraphs(text)
        more = tr("Show all ({count} characters)", count=format_figure(len(text)))
        return (
            f"{_paragraphs(text[:PREVIEW_CHARACTERS])}… "
            f'<a href="{SHOW_ALL}:{escape(str(key))}">{escape(more)}</a>'
        )

    def _summary_html(self) -> str:
        context, lang = self.context, language()
        text = self._text
        session, interview = context.session, context.interview
        answers = svc.answers_by_question(session=session, interview_id=interview.id)
        ratings = svc.ratings_by_scale(session=session, interview_id=interview.id)
        modes, statuses = mode_labels(), initiative_status_labels()

        def label(kind: CodeKind, code: str | None) -> str:
            return escape(context.code_label(kind, code))

        parts = [
            f"<h3>{text('role', interview.respondent_role)}</h3>",
            "<p>"
            + escape(
                " · ".join(
                    filter(
                        None,
                        (
                            context.code_label(CodeKind.SERVICE_AREA, interview.service_area),
                            interview.municipality,
                            QLocale().toString(
                                interview.interview_date, QLocale.FormatType.LongFormat
                            ),
                            interview.location,
                            modes.get(interview.mode, ""),
                        ),
                    )
                )
            )
            + "</p>",
        ]
        for question in context.guide.questions:
            parts.append(f"<h4>{question.number}. {escape(question.title.in_language(lang))}</h4>")
            if question.answer is AnswerType.RATINGS:
                points = question.scale_points.in_language(lang)
                for scale in question.scales:
                    rating = ratings.get((question.key, scale.key))
                    if rating is not None and rating.dont_know:
                        value = tr("don't know")
                    elif rating is not None and rating.value:
                        value = f"{rating.value} ({points[rating.value - 1]})"
                    else:
                        value = "—"
                    parts.append(
                        f"<p>{escape(scale.label.in_language(lang))}: <b>{escape(value)}</b></p>"
                    )
            elif question.answer is AnswerType.RANKED_CHALLENGES:
                items = svc.live_challenges(session=session, interview_id=interview.id)
                parts.append(
                    "<ol>"
                    + "".join(
                        "<li>"
                        + joined(
                            " — ",
                            f"<b>{text(f'title-{c.id}', c.title)}</b>",
                            _italic(label(CodeKind.CHALLENGE_THEME, c.theme_code)),
                        )
                        + _below(text(c.id, c.description))
                        + "</li>"
                        for c in items
                    )
                    + "</ol>"
                )
            elif question.answer is AnswerType.INITIATIVES:
                items = svc.live_initiatives(session=session, interview_id=interview.id)
                parts.append(
                    "<ul>"
                    + "".join(
                        "<li>"
                        + joined(
                            " — ",
                            f"<b>{text(f'title-{i.id}', i.title)}</b>",
                            joined(
                                " · ",
                                label(CodeKind.INITIATIVE_CATEGORY, i.category_code),
                                escape(statuses.get(i.status, "")),
                            ),
                        )
                        + _below(text(i.id, i.description))
                        + "</li>"
                        for i in items
                    )
                    + "</ul>"
                )
            elif question.answer is AnswerType.EFFECTS:
                effects = svc.live_effects(session=session, interview_id=interview.id)
                titles = {
                    i.id: i.title
                    for i in svc.live_initiatives(session=session, interview_id=interview.id)
                }
                parts.append(
                    "<ul>"
                    + "".join(
                        "<li>"
                        + joined(
                            ": ",
                            text(f"of-{e.id}", titles.get(e.initiative_id, "")),
                            text(e.id, effect_summary(e)),
                        )
                        + "</li>"
                        for e in effects
                    )
                    + "</ul>"
                )
            notes = answers.get(question.key)
            if notes is not None and notes.notes.strip():
                notes_html = text(f"notes-{question.key}", notes.notes)
                parts.append(f"<p><i>{tr('Notes')}:</i> {notes_html}</p>")
        quotes = svc.live_quotes(session=session, interview_id=interview.id)
        if quotes:
            parts.append(f"<h4>{tr('Quotes')}</h4>")
            parts += [
                "<blockquote>"
                + joined(" — ", f"“{text(q.id, q.text)}”", text(f"speaker-{q.id}", q.speaker_role))
                + "</blockquote>"
                for q in quotes
            ]
        return "".join(parts)
