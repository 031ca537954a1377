"""What an export covers and how: the interviews chosen, the language, personal data."""

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, and_, select
from sqlmodel import col

from interviewer.storage.models import Interview, Interviewer, InterviewStatus
from interviewer.text_rules import clean_name


@dataclass(frozen=True)
class InterviewFilter:
    """Which interviews an export covers; empty fields do not narrow."""

    service_areas: tuple[str, ...] = ()
    interviewers: tuple[str, ...] = ()  # interviewer names
    status: InterviewStatus | None = None
    date_from: date | None = None
    date_to: date | None = None
    interview_ids: tuple[uuid.UUID, ...] = ()

    def interview_ids_query(self) -> Select:
        """The ids of the chosen interviews that are not deleted."""
        conditions = [col(Interview.deleted_at).is_(None)]
        if self.service_areas:
            conditions.append(col(Interview.service_area).in_(self.service_areas))
        if self.status is not None:
            conditions.append(Interview.status == InterviewStatus(self.status))
        if self.date_from is not None:
            conditions.append(Interview.interview_date >= self.date_from)
        if self.date_to is not None:
            conditions.append(Interview.interview_date <= self.date_to)
        if self.interview_ids:
            conditions.append(col(Interview.id).in_(self.interview_ids))
        query = select(Interview.id).where(and_(*conditions))
        if self.interviewers:
            query = query.join(Interviewer, Interviewer.id == Interview.interviewer_id).where(
                col(Interviewer.name).in_([clean_name(name) for name in self.interviewers])
            )
        return query


@dataclass(frozen=True)
class ExportOptions:
    language: str = "en"
    personal_data: bool = True  # False leaves out respondent names and other personal data
    filter: InterviewFilter = field(default_factory=InterviewFilter)


class Cancelled(Exception):
    """The person cancelled a long export; nothing was written."""


def no_progress(done: int, total: int) -> None:
    """The progress callback of a run nobody watches."""
