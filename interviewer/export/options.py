"""What an export covers and how: the interviews chosen, the language, and the research-ethics
choices (personal data, consent, attribution, smallest group shown), safe by default."""

import uuid
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlalchemy import Select, and_, select
from sqlmodel import col

from interviewer.storage.id_lists import among
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
            conditions.append(among(col(Interview.id), self.interview_ids))
        query = select(Interview.id).where(and_(*conditions))
        if self.interviewers:
            query = query.join(Interviewer, Interviewer.id == Interview.interviewer_id).where(
                col(Interviewer.name).in_([clean_name(name) for name in self.interviewers])
            )
        return query


# Which stored records count, in the exports and in `interviewer check` alike: a record is
# live when it is not deleted, its interview is not deleted, and (an effect) its initiative is
# not deleted. Plain SQLite text on the unaliased table, so the raw connection of the check and
# SQLAlchemy (text()) read the same rule.
_LIVE_INTERVIEWS = "SELECT id FROM interview WHERE deleted_at IS NULL"
_LIVE_RECORD = {
    "interview": "interview.deleted_at IS NULL",
    **{
        table: f"{table}.deleted_at IS NULL AND {table}.interview_id IN ({_LIVE_INTERVIEWS})"
        for table in ("challenge", "initiative", "quote")
    },
    "effect": (
        f"effect.deleted_at IS NULL AND effect.interview_id IN ({_LIVE_INTERVIEWS})"
        " AND effect.initiative_id IN (SELECT id FROM initiative WHERE deleted_at IS NULL)"
    ),
}
# the columns the rule reads, per table (a damaged file may lack one: see live_count_sql)
LIVE_RULE_COLUMNS = {
    "interview": {"interview": {"id", "deleted_at"}},
    **{
        table: {table: {"deleted_at", "interview_id"}, "interview": {"id", "deleted_at"}}
        for table in ("challenge", "initiative", "quote")
    },
    "effect": {
        "effect": {"deleted_at", "interview_id", "initiative_id"},
        "interview": {"id", "deleted_at"},
        "initiative": {"id", "deleted_at"},
    },
}
LIVE_TABLES = tuple(_LIVE_RECORD)  # interview, challenge, initiative, quote, effect


def live_condition(table: str) -> str:
    """The SQL condition under which a record of ``table`` (one of LIVE_TABLES, referred to
    by its own name, not an alias) counts; raises KeyError for another table."""
    return _LIVE_RECORD[table]


def live_count_sql(table: str) -> str:
    """``SELECT count(*)`` of the live records of ``table`` (see live_condition)."""
    return f"SELECT count(*) FROM {table} WHERE {live_condition(table)}"


class Attribution(StrEnum):
    """How much a quote in a report says about who said it (DESIGN.md: by role unless an
    option asks for more); each level adds to the one before."""

    ROLE = "role"
    ROLE_AND_AREA = "role-and-area"
    ROLE_AREA_AND_MUNICIPALITY = "role-area-municipality"


SMALLEST_GROUP = 3  # the default k: no figure in a report is computed from fewer interviews


@dataclass(frozen=True)
class ExportOptions:
    language: str = "en"
    # False leaves out everything that points at a person: name, municipality, location,
    # the exact date and time (the month is kept)
    personal_data: bool = True
    filter: InterviewFilter = field(default_factory=InterviewFilter)
    attribution: Attribution = Attribution.ROLE
    # True lets quotes of interviews without recorded consent into a report, which says so
    quotes_without_consent: bool = False
    smallest_group: int = SMALLEST_GROUP  # k, at least 1
    # the summary of one interview: True keeps the interviewer's own notes (internal use)
    internal_notes: bool = False


class Cancelled(Exception):
    """The person cancelled a long export; nothing was written."""


def no_progress(done: int, total: int) -> None:
    """The progress callback of a run nobody watches."""
