"""What an export covers and how: the interviews chosen, the language, and the research-ethics
choices (personal data, consent, attribution, smallest group shown), safe by default."""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import Select, and_, func, select
from sqlmodel import Session, col

from interviewer.errors import InterviewerError
from interviewer.i18n import tr, tr_n
from interviewer.storage.id_lists import among
from interviewer.storage.models import (
    CodebookEntry,
    CodeKind,
    Interview,
    Interviewer,
    InterviewStatus,
    Study,
)
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

    def __post_init__(self):
        # a value given twice is one condition ("service area Education, Education" said
        # nothing more); names as they are matched (clean_name), so the description says so
        for name, values in (
            ("service_areas", self.service_areas),
            ("interviewers", tuple(clean_name(name) for name in self.interviewers)),
            ("interview_ids", self.interview_ids),
        ):
            object.__setattr__(self, name, tuple(dict.fromkeys(values)))

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
                col(Interviewer.name).in_(self.interviewers)
            )
        return query

    def narrows(self) -> bool:
        """Whether the filter leaves out any interview at all (False: it chooses them all)."""
        return any(
            (
                self.service_areas,
                self.interviewers,
                self.status is not None,
                self.date_from is not None,
                self.date_to is not None,
                self.interview_ids,
            )
        )


class FilterRefused(InterviewerError):
    """A filter that names what the study does not have, or that chooses no interview: the
    export is refused before anything is written. The message never holds record content."""


SHOWN_CODE_LIMIT = 40  # characters of a typed code repeated in a refusal


def check_dates(chosen: InterviewFilter, *, personal_data: bool = True) -> None:
    """Refuses (FilterRefused) a filter whose first date is after its last, and, with
    ``personal_data`` False, one whose dates are not whole months (the first date a month's
    first day, the last a month's last day): an anonymised export names the months only, so
    "from 2017-06" for a choice from 21 June would misstate it, and two reports a day apart
    would read alike. The part of check_filter that needs no database (the app's dialog says
    it before asking for a file)."""
    start, end = chosen.date_from, chosen.date_to
    if start is not None and end is not None and start > end:
        raise FilterRefused(
            tr(
                "the first date chosen ({start}) is after the last ({end}), so no interview "
                "can be between them",
                start=start.isoformat(),
                end=end.isoformat(),
            )
        )
    if personal_data:
        return
    if start is not None and start.day != 1:
        raise FilterRefused(
            tr(
                "with personal data left out an export names months, not days, so the first "
                "date chosen ({date}) must be the first day of its month ({first})",
                date=start.isoformat(),
                first=start.replace(day=1).isoformat(),
            )
        )
    if end is not None and end != _last_day_of_month(end):
        raise FilterRefused(
            tr(
                "with personal data left out an export names months, not days, so the last "
                "date chosen ({date}) must be the last day of its month ({last})",
                date=end.isoformat(),
                last=_last_day_of_month(end).isoformat(),
            )
        )


def _last_day_of_month(day: date) -> date:
    following = day.replace(day=28) + timedelta(days=4)  # always in the next month
    return following - timedelta(days=following.day)


def check_filter(
    session: Session,
    chosen: InterviewFilter,
    *,
    personal_data: bool = True,
    smallest_group: int | None = None,
) -> None:
    """Refuses (FilterRefused, one sentence in the app's language) a filter whose dates are
    the wrong way round (or, with ``personal_data`` False, not whole months: check_dates),
    that names a service-area code the study's codebook lacks (the sentence lists its codes)
    or an interviewer name no interviewer of the study has (the name is not repeated: it is
    record content), or that matches no interview at all. With ``smallest_group`` (k, given
    by an export that applies it: the synthesis), also a filter that leaves out 1 to k-1 of
    the study's interviews: the report of every interview minus this one would show a group
    under k (check_left_out). Every export calls this before it writes, so the command line
    and the app refuse alike."""
    check_dates(chosen, personal_data=personal_data)
    study_id = session.execute(select(Study.id).order_by(Study.created_at)).scalars().first()
    if chosen.service_areas:
        known = list(
            session.execute(
                select(CodebookEntry.code)
                .where(
                    CodebookEntry.study_id == study_id,
                    CodebookEntry.kind == CodeKind.SERVICE_AREA,
                )
                .order_by(CodebookEntry.position, CodebookEntry.code)
            ).scalars()
        )
        unknown = [code for code in chosen.service_areas if code not in known]
        if unknown:
            code = unknown[0]
            if len(code) > SHOWN_CODE_LIMIT:
                code = code[:SHOWN_CODE_LIMIT] + "…"
            raise FilterRefused(
                tr(
                    "the study's codebook has no service area '{code}'; its codes are {codes}",
                    code=code,
                    codes=", ".join(known) or "-",
                )
            )
    if chosen.interviewers:
        names = set(
            session.execute(
                select(Interviewer.name).where(Interviewer.study_id == study_id)
            ).scalars()
        )
        missing = sum(clean_name(name) not in names for name in chosen.interviewers)
        if missing:  # the name typed is not repeated: it may be a person's
            raise FilterRefused(
                tr(
                    "no interviewer of this study has the interviewer name chosen (names "
                    "are matched letter for letter, as the app shows them, ignoring extra "
                    "spaces)"
                )
                if len(chosen.interviewers) == 1
                else tr_n(
                    "{count} of the {total} interviewer names chosen is the name of no "
                    "interviewer of this study (names are matched letter for letter, as "
                    "the app shows them, ignoring extra spaces)",
                    "{count} of the {total} interviewer names chosen are the names of no "
                    "interviewer of this study (names are matched letter for letter, as "
                    "the app shows them, ignoring extra spaces)",
                    missing,
                    total=len(chosen.interviewers),
                )
            )
    if chosen.narrows() and session.execute(chosen.interview_ids_query().limit(1)).first() is None:
        raise FilterRefused(tr("no interview matches the filter chosen; choose fewer conditions"))
    if smallest_group is not None:
        check_left_out(session, chosen, smallest_group)


def check_left_out(session: Session, chosen: InterviewFilter, k: int) -> None:
    """Refuses (FilterRefused) a filter that leaves out some of the study's interviews, but
    fewer than ``k``: two reports of one study can be laid side by side, and the report of
    every interview minus this one would give the left-out interviews' figures (one
    interview's ratings, ranks and area, seen: a report to the day before the last). So a
    filtered report leaves out nothing or at least k interviews (deleted ones do not count:
    no report holds them)."""
    if not chosen.narrows():
        return
    every = InterviewFilter().interview_ids_query().subquery()
    total = session.execute(select(func.count()).select_from(every)).scalar_one()
    kept = session.execute(
        select(func.count()).select_from(chosen.interview_ids_query().subquery())
    ).scalar_one()
    left_out = total - kept
    if 0 < left_out < k:
        raise FilterRefused(
            tr_n(
                "the choice leaves out {number} interview of the study, fewer than the "
                "smallest group a report may show ({k}), so set beside the report of every "
                "interview it would show that interview's figures: leave out none or at "
                "least {k}",
                "the choice leaves out {number} interviews of the study, fewer than the "
                "smallest group a report may show ({k}), so set beside the report of every "
                "interview it would show those interviews' figures: leave out none or at "
                "least {k}",
                left_out,
                number=left_out,
                k=k,
            )
        )


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
# the largest k offered (command line and dialog): a k above a study's interviews hides every
# figure anyway, and "< 1000" still fits a table cell; a 23-digit k would not
SMALLEST_GROUP_LIMIT = 1000


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


# The exports the app and the command line offer, and the ExportOptions fields each one uses:
# an option another export uses does nothing here, so the command line refuses it and the
# app's dialog does not offer it (a third exporter adds its line).
WORKBOOK, SYNTHESIS, SUMMARY = "xlsx", "synthesis", "summary"
USED_OPTIONS = {
    WORKBOOK: frozenset({"language", "personal_data", "filter"}),
    SYNTHESIS: frozenset(
        {
            "language",
            "personal_data",
            "filter",
            "attribution",
            "quotes_without_consent",
            "smallest_group",
        }
    ),
    SUMMARY: frozenset({"language", "personal_data", "internal_notes"}),
}


def export_name(kind: str) -> str:
    """The export ``kind`` (WORKBOOK, SYNTHESIS, SUMMARY) in words, in the app's language."""
    return {
        WORKBOOK: tr("the study workbook"),
        SYNTHESIS: tr("the study synthesis"),
        SUMMARY: tr("one interview's summary"),
    }[kind]


def check_options_used(kind: str, given: dict[str, str]) -> None:
    """Refuses (InterviewerError, one sentence) options that do nothing for the export
    ``kind``; ``given`` maps each option the person chose (its name as they see it, e.g.
    "--attribution") to its ExportOptions field."""
    unused = [name for name, used in given.items() if used not in USED_OPTIONS[kind]]
    if unused:
        raise InterviewerError(
            tr_n(
                "{options} does nothing for {export}, so it is refused rather than ignored; "
                "leave it out",
                "{options} do nothing for {export}, so they are refused rather than "
                "ignored; leave them out",
                len(unused),
                options=", ".join(unused),
                export=export_name(kind),
            )
        )


class Cancelled(Exception):
    """The person cancelled a long export; nothing was written."""


def no_progress(done: int, total: int) -> None:
    """The progress callback of a run nobody watches."""
