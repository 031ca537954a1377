"""Question 1: two ratings on a labelled 1-5 scale (department, municipality), or "don't know".

Quick entry: a digit 1-5 typed on a scale sets that point, 0 or ? sets "don't know", and the
focus moves on to the next scale: one key per rating.
"""

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QLabel, QRadioButton

from interviewer import interviews as svc
from interviewer.guide import Question
from interviewer.i18n import language, tr
from interviewer.ui.help_overlay import add_help_rows
from interviewer.ui.pages.base import StepPage

DONT_KNOW = 0  # the button id of "don't know"; 1-5 are the points of the scale
RATING_KEYS = {**{str(value): value for value in range(1, 6)}, "0": DONT_KNOW, "?": DONT_KNOW}


def help_rows() -> list[tuple[str, str]]:
    """The rating keys of question 1, for F1."""
    return [
        (
            "1–5, 0, ?",
            tr("On a rating scale: that point, 0 or ? don't know; the next scale follows"),
        )
    ]


add_help_rows(help_rows)


class _DigitRates(QObject):
    """A digit typed on a scale's button rates that scale (see RATING_KEYS)."""

    def __init__(self, page: "PriorityPage", scale_key: str, parent):
        super().__init__(parent)
        self.page, self.scale_key = page, scale_key

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress:
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            plain = modifiers in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)
            if plain and event.text() in RATING_KEYS:
                self.page.rate_by_key(self.scale_key, RATING_KEYS[event.text()])
                return True
        return False


class PriorityPage(StepPage):
    def __init__(self, context, question: Question, parent=None):
        super().__init__(context, parent)
        self.question, self.key = question, question.key
        self.add_question_header(question)
        self.groups: dict[str, QButtonGroup] = {}
        points = question.scale_points.in_language(language())
        # one column per scale, the points listed downwards: nothing is cut at large text
        scales = QGridLayout()
        scales.setHorizontalSpacing(40)
        scales.setVerticalSpacing(6)
        for column, scale in enumerate(question.scales):
            scale_name = scale.label.in_language(language())
            label = QLabel(scale_name)
            label.setObjectName("sectionTitle")
            scales.addWidget(label, 0, column)
            group = QButtonGroup(self)
            for value in range(1, 6):
                button = QRadioButton(f"{value} · {points[value - 1]}")
                button.setAccessibleName(f"{scale_name}: {value}, {points[value - 1]}")
                group.addButton(button, value)
                button.installEventFilter(_DigitRates(self, scale.key, button))
                scales.addWidget(button, value, column)
            dont_know_text = tr("Don't know / not asked")
            dont_know = QRadioButton(dont_know_text)
            dont_know.setAccessibleName(f"{scale_name}: {dont_know_text}")
            group.addButton(dont_know, DONT_KNOW)
            dont_know.installEventFilter(_DigitRates(self, scale.key, dont_know))
            scales.addWidget(dont_know, 6, column)
            group.idClicked.connect(lambda value, key=scale.key: self._rate(key, value))
            self.groups[scale.key] = group
        scales.setColumnStretch(len(question.scales), 1)
        self.body.addLayout(scales)
        hint = QLabel(
            tr(
                "Type 1–5 on a scale to rate it, 0 or ? for don't know; the next scale "
                "follows. Space chooses, the arrow keys move within a scale, Tab goes to the "
                "next scale. Notes for this question are in the side panel."
            )
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.body.addWidget(hint)
        self.body.addStretch()

    def title(self) -> str:
        return self.question.title.in_language(language())

    def first_field(self):
        group = self.groups[self.question.scales[0].key]
        return group.checkedButton() or group.button(1)

    def rate_by_key(self, scale_key: str, value: int) -> None:
        """Sets ``value`` on the scale, saves it, and moves the focus to the next scale (the
        last scale keeps it, on the chosen point)."""
        group = self.groups[scale_key]
        group.button(value).setChecked(True)
        self._rate(scale_key, value)
        keys = list(self.groups)
        position = keys.index(scale_key)
        if position + 1 < len(keys):
            following = self.groups[keys[position + 1]]
            target = following.checkedButton() or following.button(1)
        else:
            target = group.button(value)
        target.setFocus(Qt.FocusReason.TabFocusReason)

    def _rate(self, scale_key: str, value: int) -> None:
        context = self.context
        context.save(
            lambda: svc.set_rating(
                session=context.session,
                interview_id=context.interview_id,
                question_key=self.question.key,
                scale_key=scale_key,
                value=None if value == DONT_KNOW else value,
                dont_know=value == DONT_KNOW,
            ),
            key=("rating", scale_key),
        )

    def refresh(self) -> None:
        ratings = svc.ratings_by_scale(
            session=self.context.session, interview_id=self.context.interview_id
        )
        for scale_key, group in self.groups.items():
            rating = ratings.get((self.question.key, scale_key))
            checked = None
            if rating is not None and rating.dont_know:
                checked = group.button(DONT_KNOW)
            elif rating is not None and rating.value:
                checked = group.button(rating.value)
            group.setExclusive(False)
            for button in group.buttons():
                button.blockSignals(True)
                button.setChecked(button is checked)
                button.blockSignals(False)
            group.setExclusive(True)
