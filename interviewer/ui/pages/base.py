"""What every step page has: its key and title, a refresh from storage, and a first field."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from interviewer.guide import Question
from interviewer.i18n import language, tr
from interviewer.ui.interview_context import InterviewContext
from interviewer.ui.tab_order import keep_visual_tab_order


class StepPage(QWidget):
    """One step of the rail. Subclasses fill ``self.body`` and implement ``refresh``.

    Each time the page is shown its tab order is set from the screen (top to bottom, left to
    right), so no page needs its own ``setTabOrder`` calls."""

    key = ""
    question: Question | None = None

    def __init__(self, context: InterviewContext, parent=None):
        super().__init__(parent)
        self.context = context
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # pages wrap and grow downwards; a sideways scroll bar would hide answers
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        self.body = QVBoxLayout(inner)
        self.body.setContentsMargins(28, 20, 28, 20)
        self.body.setSpacing(12)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        keep_visual_tab_order(self)

    def title(self) -> str:
        raise NotImplementedError

    def refresh(self) -> None:
        """Shows what storage holds now."""

    def first_field(self) -> QWidget | None:
        return None

    def add_question_header(self, question: Question) -> None:
        lang = language()
        heading = QLabel(
            tr(
                "Question {number}: {title}",
                number=question.number,
                title=question.title.in_language(lang),
            )
        )
        heading.setObjectName("questionTitle")
        text = QLabel(question.text.in_language(lang))
        text.setObjectName("questionText")
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        probes = QLabel("\n".join(f"· {probe}" for probe in question.probes.in_language(lang)))
        probes.setObjectName("probes")
        probes.setWordWrap(True)
        for widget in (heading, text, probes):
            self.body.addWidget(widget)
        self.body.addSpacing(8)

    def refusal_label(self) -> QLabel:
        """A quiet line under a field where a rule's refusal is shown (not only in colour:
        it is text)."""
        label = QLabel()
        label.setObjectName("refusal")
        label.setWordWrap(True)
        label.hide()
        return label


def show_refusal(label: QLabel, message: str) -> None:
    label.setText(f"⚠ {message}" if message else "")
    label.setVisible(bool(message))
