"""The interview list: one summary line per interview, read in a few queries."""

import uuid
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from interviewer.progress import answered_counts
from interviewer.storage.models import (
    CodebookEntry,
    CodeKind,
    Interview,
    Interviewer,
    InterviewStatus,
)


@dataclass(frozen=True)
class InterviewSummary:
    """One line of the interview list."""

    id: uuid.UUID
    respondent_role: str
    service_area: str  # the label in the requested language
    municipality: str
    interview_date: date
    interviewer: str
    status: InterviewStatus
    answered: int  # questions with answers, of ``questions``
    questions: int


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
    answered = answered_counts(session=session)
    return [
        InterviewSummary(
            id,
            role,
            area or "",
            municipality,
            day,
            name or "",
            status,
            answered.get(id, 0),
            questions,
        )
        for id, role, area, municipality, day, name, status in session.exec(query)
    ]
