"""The interview guide: the questions of a study, loaded from a TOML file in resources/."""

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from interviewer.data_files import (
    LINE_LIMIT,
    LocalizedLine,
    LocalizedList,
    LocalizedText,
    RuleBroken,
    Strict,
    checked_text,
    load_data_file,
    parse_data_text,
)
from interviewer.i18n import tr
from interviewer.resources import default_guide

GUIDE_FORMAT = "interviewer-guide"
GUIDE_FORMAT_VERSIONS = {1}

# The caps of a guide, whichever way it comes in (a guide file, `study import`, a bundle's
# study): every screen, the workbook and the Word reports are laid out for a guide of this
# size, and a report's table has a column per rank (the default guide: 4 questions, 3 ranks,
# 3 probes a question, 4 scales). Texts: data_files.LINE_LIMIT and TEXT_LIMIT.
MAX_ITEMS_LIMIT = 20  # challenges an interview may rank (max_items)
QUESTIONS_LIMIT = 50
HIGHEST_NUMBER = 999  # a question's number
PROBES_LIMIT = 20  # probes of one question
PROBE_LIMIT = 1_000  # characters of one probe
SCALES_LIMIT = 20  # scales of one ratings question
KEY_LIMIT = 64  # characters of a key (workbook columns are made from keys)

# An id or version: one line, bounded (it is shown in reports and compared on merging)
Identifier = Annotated[
    str,
    Field(min_length=1),
    AfterValidator(lambda value: checked_text(value, limit=LINE_LIMIT, one_line=True)),
]


class GuideProblem(RuleBroken):
    """A rule across a guide's fields is broken (two questions alike, a ratings question
    without scales, keys that name one workbook column twice); see data_files.RuleBroken."""


def _question(question) -> str:
    """A question as the person editing the guide finds it: its number and key."""
    return tr("question {number} ('{key}')", number=question.number, key=question.key)


class AnswerType(StrEnum):
    """How a question is answered; each type has its own records and widgets."""

    RATINGS = "ratings"
    RANKED_CHALLENGES = "ranked_challenges"
    INITIATIVES = "initiatives"
    EFFECTS = "effects"


class Probes(LocalizedList):
    """A question's probes in every language: at most PROBES_LIMIT, each PROBE_LIMIT
    characters at most, holding only characters the record takes."""

    @field_validator("en", "da")
    @classmethod
    def bounded(cls, probes: list[str]) -> list[str]:
        if len(probes) > PROBES_LIMIT:
            raise ValueError(f"must hold at most {PROBES_LIMIT} probes (it has {len(probes)})")
        for probe in probes:
            checked_text(probe, limit=PROBE_LIMIT, one_line=False)
        return probes


class ScalePoints(LocalizedList):
    """The names of a scale's points: each one line (a label)."""

    @field_validator("en", "da")
    @classmethod
    def one_line(cls, points: list[str]) -> list[str]:
        for point in points:
            checked_text(point, limit=LINE_LIMIT, one_line=True)
        return points


class Scale(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=KEY_LIMIT)
    label: LocalizedLine


class Question(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=KEY_LIMIT)
    number: int = Field(ge=1, le=HIGHEST_NUMBER)
    answer: AnswerType
    title: LocalizedLine
    text: LocalizedText
    probes: Probes
    scales: list[Scale] = Field(default=[], max_length=SCALES_LIMIT)
    scale_points: ScalePoints | None = None
    max_items: int | None = Field(default=None, ge=1, le=MAX_ITEMS_LIMIT)

    @model_validator(mode="after")
    def answer_fields(self) -> "Question":
        if self.answer is AnswerType.RATINGS:
            if not self.scales:
                raise GuideProblem(
                    tr(
                        "{question} is a ratings question, so it needs at least one entry "
                        "in 'scales'",
                        question=_question(self),
                    )
                )
            points = self.scale_points
            if points is None or len(points.en) != 5 or len(points.da) != 5:
                raise GuideProblem(
                    tr(
                        "{question} is a ratings question, so its 'scale_points' must name "
                        "the 5 points in every language",
                        question=_question(self),
                    )
                )
        return self


# The columns of an interview in the study workbook that do not come from the guide's keys;
# AnswerColumns names those that do. A guide whose keys would give two columns alike, ignoring
# case, is refused when it is loaded (Excel drops a table whose column names repeat).
INTERVIEW_COLUMNS = (
    "interview_id", "interviewer", "respondent_role", "service_area", "service_area_label",
    "municipality", "respondent_name", "consent_given", "consent_date", "consent_month",
    "interview_date", "interview_month", "start_time", "end_time", "location", "mode",
    "status", "created_device", "created_at", "updated_at",
)  # fmt: skip


class AnswerColumns:
    """The names of the workbook columns an interview's answers fill, made from the keys."""

    @staticmethod
    def rating(question: Question, scale: Scale) -> str:
        return f"{question.key}_{scale.key}"

    @staticmethod
    def dont_know(question: Question, scale: Scale) -> str:
        return f"{question.key}_{scale.key}_dont_know"

    @staticmethod
    def notes(question: Question) -> str:
        return f"notes_{question.key}"

    @staticmethod
    def minutes(question: Question) -> str:
        return f"minutes_{question.key}"


def question_columns(question: Question) -> list[tuple[str, Scale | None]]:
    """The Interviews sheet's columns a question's answers fill (AnswerColumns), each with the
    scale whose key it is made from (None: made from the question's key alone)."""
    columns: list[tuple[str, Scale | None]] = [
        (AnswerColumns.notes(question), None),
        (AnswerColumns.minutes(question), None),
    ]
    for scale in question.scales:
        columns += [(AnswerColumns.rating(question, scale), scale)]
        columns += [(AnswerColumns.dont_know(question, scale), scale)]
    return columns


def workbook_columns(question: Question) -> list[str]:
    """The names of the Interviews sheet's columns a question's answers fill."""
    return [name for name, _scale in question_columns(question)]


def _column_collision(questions: list[Question]) -> str | None:
    """The sentence refusing the first key whose workbook column another column already has
    (ignoring case), naming the question and the key; None when every column is its own."""
    made = {name: None for name in INTERVIEW_COLUMNS}  # name: the field that gives it, or None
    for question in questions:
        for name, scale in question_columns(question):
            if scale is None:
                at = tr("the key of {question}", question=_question(question))
            else:
                at = tr(
                    "the scale key '{scale}' of {question}",
                    scale=scale.key,
                    question=_question(question),
                )
            if name.casefold() in made:
                other = made[name.casefold()]
                if other is None:
                    return tr(
                        "{field} gives the workbook column '{column}', which the workbook "
                        "already has for its own data; choose another key",
                        field=at,
                        column=name,
                    )
                return tr(
                    "{field} gives the workbook column '{column}', which {other} gives too; "
                    "choose another key",
                    field=at,
                    column=name,
                    other=other,
                )
            made[name.casefold()] = at
    return None


class Guide(Strict):
    format: Literal["interviewer-guide"]
    format_version: int
    id: Identifier
    version: Identifier
    title: LocalizedLine
    questions: list[Question] = Field(min_length=1, max_length=QUESTIONS_LIMIT)

    @model_validator(mode="after")
    def unique_keys(self) -> "Guide":
        keyed: dict[str, Question] = {}
        numbered: dict[int, Question] = {}
        for question in self.questions:
            if question.key in keyed:
                raise GuideProblem(
                    tr(
                        "questions {first} and {second} both have the key '{key}'; each "
                        "question needs its own key",
                        first=keyed[question.key].number,
                        second=question.number,
                        key=question.key,
                    )
                )
            keyed[question.key] = question
            if question.number in numbered:
                raise GuideProblem(
                    tr(
                        "the questions '{first}' and '{second}' both have 'number' = "
                        "{number}; each question needs its own number",
                        first=numbered[question.number].key,
                        second=question.key,
                        number=question.number,
                    )
                )
            numbered[question.number] = question
        for answer in (AnswerType.RANKED_CHALLENGES, AnswerType.INITIATIVES, AnswerType.EFFECTS):
            alike = [question for question in self.questions if question.answer is answer]
            if len(alike) > 1:
                raise GuideProblem(
                    tr(
                        "{first} and {second} both have answer = '{answer}'; only one "
                        "question of a guide may have it",
                        first=_question(alike[0]),
                        second=_question(alike[1]),
                        answer=answer.value,
                    )
                )
        collision = _column_collision(self.questions)
        if collision:
            raise GuideProblem(collision)
        return self

    def question(self, key: str) -> Question:
        return next(question for question in self.questions if question.key == key)

    def question_for(self, answer: AnswerType) -> Question | None:
        return next((q for q in self.questions if q.answer is answer), None)

    @property
    def max_challenges(self) -> int:
        question = self.question_for(AnswerType.RANKED_CHALLENGES)
        return (question.max_items or 3) if question else 0


def describe_guide(guide: Guide) -> list[str]:
    """What a guide holds, as plain lines for a person checking it (`interviewer guide
    check`): its id, version and title, then per question its number, key, answer type,
    English title, probes, scales or ranks, and the workbook columns it gives."""
    lines = [
        f"id {guide.id}, version {guide.version}, format {guide.format_version}",
        f"title: {guide.title.en} / {guide.title.da}",
        f"{len(guide.questions)} question{'s' if len(guide.questions) != 1 else ''}:",
    ]
    for question in sorted(guide.questions, key=lambda q: q.number):
        lines.append(
            f"  {question.number}. {question.key} ({question.answer.value}): {question.title.en}"
        )
        lines.append(f"     probes: {len(question.probes.en)} (en), {len(question.probes.da)} (da)")
        if question.scales:
            lines.append("     scales: " + ", ".join(scale.key for scale in question.scales))
        if question.max_items is not None:
            lines.append(f"     at most {question.max_items} items")
        lines.append("     workbook columns: " + ", ".join(workbook_columns(question)))
    return lines


def load_guide(source=None) -> Guide:
    """Loads a guide file (the default guide when ``source`` is None); raises
    ResourceFileError, one sentence naming the file and the field, when it is refused."""
    source = source if source is not None else default_guide()
    return load_data_file(
        source, Guide, expected_format=GUIDE_FORMAT, versions=GUIDE_FORMAT_VERSIONS
    )


def parse_guide(text: str, *, name: str = "the study's guide") -> Guide:
    """Parses guide text, e.g. the copy a study keeps in its database; raises
    ResourceFileError as load_guide does, naming ``name``."""
    return parse_data_text(
        text, Guide, name=name, expected_format=GUIDE_FORMAT, versions=GUIDE_FORMAT_VERSIONS
    )
