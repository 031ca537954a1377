"""The interview guide: the questions of a study, loaded from a TOML file in resources/."""

from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from interviewer.data_files import (
    Localized,
    LocalizedList,
    Strict,
    load_data_file,
    parse_data_text,
)
from interviewer.resources import default_guide

GUIDE_FORMAT = "interviewer-guide"
GUIDE_FORMAT_VERSIONS = {1}


class AnswerType(StrEnum):
    """How a question is answered; each type has its own records and widgets."""

    RATINGS = "ratings"
    RANKED_CHALLENGES = "ranked_challenges"
    INITIATIVES = "initiatives"
    EFFECTS = "effects"


class Scale(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Localized


class Question(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    number: int = Field(ge=1)
    answer: AnswerType
    title: Localized
    text: Localized
    probes: LocalizedList
    scales: list[Scale] = []
    scale_points: LocalizedList | None = None
    max_items: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def answer_fields(self) -> "Question":
        if self.answer is AnswerType.RATINGS:
            if not self.scales:
                raise ValueError("a ratings question needs at least one entry in 'scales'")
            points = self.scale_points
            if points is None or len(points.en) != 5 or len(points.da) != 5:
                raise ValueError("'scale_points' must name the 5 points in every language")
        return self


class Guide(Strict):
    format: Literal["interviewer-guide"]
    format_version: int
    id: str = Field(min_length=1)
    version: str = Field(min_length=1)
    title: Localized
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def unique_keys(self) -> "Guide":
        keys = [question.key for question in self.questions]
        if len(set(keys)) != len(keys):
            raise ValueError("question keys must be unique")
        for answer in (AnswerType.RANKED_CHALLENGES, AnswerType.INITIATIVES, AnswerType.EFFECTS):
            if sum(question.answer is answer for question in self.questions) > 1:
                raise ValueError(f"only one question may have answer = '{answer}'")
        return self

    def question(self, key: str) -> Question:
        return next(question for question in self.questions if question.key == key)

    def question_for(self, answer: AnswerType) -> Question | None:
        return next((q for q in self.questions if q.answer is answer), None)

    @property
    def max_challenges(self) -> int:
        question = self.question_for(AnswerType.RANKED_CHALLENGES)
        return (question.max_items or 3) if question else 0


def load_guide(source=None) -> Guide:
    """Loads a guide file (the default guide when ``source`` is None)."""
    return load_data_file(
        source if source is not None else default_guide(),
        Guide,
        expected_format=GUIDE_FORMAT,
        versions=GUIDE_FORMAT_VERSIONS,
    )


def parse_guide(text: str, *, name: str = "the study's guide") -> Guide:
    """Parses guide text, e.g. the copy a study keeps in its database."""
    return parse_data_text(
        text, Guide, name=name, expected_format=GUIDE_FORMAT, versions=GUIDE_FORMAT_VERSIONS
    )
