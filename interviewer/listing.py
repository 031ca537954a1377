"""The interview list: one summary line per interview, all read in one query."""

import uuid
from datetime import date
from typing import NamedTuple

from sqlalchemy import Integer, and_, cast, exists, not_
from sqlmodel import Session, col, select

from interviewer.storage.models import (
    Challenge,
    CodebookEntry,
    CodeKind,
    Effect,
    Initiative,
    Interview,
    Interviewer,
    InterviewStatus,
    Rating,
)


class InterviewSummary(NamedTuple):
    """One line of the interview list (a tuple: 10,000 of them are made at every start)."""

    id: uuid.UUID
    respondent_role: str
    service_area: str  # the label in the requested language
    municipality: str
    interview_date: date
    interviewer: str
    status: InterviewStatus
    answered: int  # questions with answers, of ``questions``
    questions: int


def _has_live(model) -> exists:
    return exists().where(model.interview_id == Interview.id, col(model.deleted_at).is_(None))


def _answered_questions():
    """How many kinds of question have answers, counted in SQL by indexed lookups: ratings all
    set, and at least one challenge, initiative and effect. Matches progress.Progress."""
    ratings_set = and_(
        exists().where(Rating.interview_id == Interview.id),
        not_(
            exists().where(
                Rating.interview_id == Interview.id,
                col(Rating.value).is_(None),
                not_(col(Rating.dont_know)),
            )
        ),
    )
    parts = [ratings_set] + [_has_live(model) for model in (Challenge, Initiative, Effect)]
    total = cast(parts[0], Integer)
    for part in parts[1:]:
        total = total + cast(part, Integer)
    return total


def list_interviews(
    *, session: Session, language: str = "en", questions: int = 4
) -> list[InterviewSummary]:
    """The interviews not deleted, newest first; ``questions`` is the guide's count."""
    label = CodebookEntry.label_da if language == "da" else CodebookEntry.label_en
    query = (
        select(
            Interview.id,
            Interview.respondent_role,
            label,
            Interview.municipality,
            Interview.interview_date,
            Interviewer.name,
            Interview.status,
            _answered_questions(),
        )
        .join(Interviewer, Interviewer.id == Interview.interviewer_id, isouter=True)
        .join(
            CodebookEntry,
            (CodebookEntry.study_id == Interview.study_id)
            & (CodebookEntry.kind == CodeKind.SERVICE_AREA)
            & (CodebookEntry.code == Interview.service_area),
            isouter=True,
        )
        .where(col(Interview.deleted_at).is_(None))
        .order_by(col(Interview.interview_date).desc(), col(Interview.created_at).desc())
    )
    return [
        InterviewSummary(
            id, role, area or "", municipality, day, name or "", status, answered, questions
        )
        for id, role, area, municipality, day, name, status, answered in session.exec(query)
    ]
