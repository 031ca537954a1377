"""The research-ethics rules every export applies, in one place: whose quotes may be printed,
how a quote is attributed, what personal data leaves out, and how small a group may be shown.

Qt-free and storage-free: each function takes plain values and the ExportOptions, so the Word
reports, the workbook and a later exporter (REFI-QDA, issue #14) say and do exactly the same.
"""

import uuid
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import TypeVar

from interviewer.export.options import Attribution, ExportOptions
from interviewer.i18n import tr

T = TypeVar("T")

# What --no-personal-data (personal_data=False) leaves out, in words. Each entry is the English
# source text, marked with tr(…, lang="en") so the catalog test sees it; in_words() gives them
# in a report's language. Kept in step with shown_date, shown_time, personal and attribution.
PERSONAL_DATA_REMOVED: tuple[str, ...] = (
    tr("the respondent's name", lang="en"),
    tr("the municipality", lang="en"),
    tr("the location", lang="en"),
    tr("exact dates (the month is kept, as YYYY-MM)", lang="en"),
    tr("times of day", lang="en"),
    tr("the interviewers' names (each is shown as a number)", lang="en"),
    tr("the names of the devices the interviews were typed on", lang="en"),
)

# What an anonymised export keeps but flags: free text a person typed may still name or point
# at someone. English source text, as above.
POSSIBLY_IDENTIFYING: tuple[str, ...] = (
    tr("the interviewer's free-text notes", lang="en"),
    tr("descriptions of challenges, initiatives and effects", lang="en"),
    tr("the text of quotes", lang="en"),
    tr("the respondent's role or title", lang="en"),
)


def in_words(entries: Iterable[str], lang: str | None = None) -> list[str]:
    """``entries`` (PERSONAL_DATA_REMOVED or POSSIBLY_IDENTIFYING) in ``lang``, in order."""
    return [tr(entry, lang=lang) for entry in entries]


# ------------------------------------------------------------------------------- consent


def quote_allowed(consent_given: bool, options: ExportOptions) -> bool:
    """Whether a quote of an interview may appear in a report: always with recorded consent;
    without it only when ``options.quotes_without_consent`` (and the report then says so, see
    ethics_statement)."""
    return bool(consent_given) or options.quotes_without_consent


# --------------------------------------------------------------------------- attribution


def attribution(
    *, role: str, area_label: str | None, municipality: str | None, options: ExportOptions
) -> str:
    """Who said a quote, as a report prints it: "role", "role, area" or "role, area,
    municipality" by ``options.attribution``; blank parts are skipped. Never the name (there is
    no parameter for it). With ``options.personal_data`` False the municipality is never shown,
    whatever the level. ``area_label`` is the service area's label in the report's language."""
    parts = [role]
    level = Attribution(options.attribution)
    if level in (Attribution.ROLE_AND_AREA, Attribution.ROLE_AREA_AND_MUNICIPALITY):
        parts.append(area_label or "")
    if level is Attribution.ROLE_AREA_AND_MUNICIPALITY and options.personal_data:
        parts.append(municipality or "")
    return ", ".join(part.strip() for part in parts if part and part.strip())


# ------------------------------------------------------------------------- personal data


def shown_date(value: date | None, options: ExportOptions) -> date | str | None:
    """The date as an export shows it: ``value`` itself, or its month as the text "YYYY-MM"
    when ``options.personal_data`` is False; None stays None. A datetime is treated as its date
    (its time is personal data too: see shown_time)."""
    if value is None:
        return None
    if options.personal_data:
        return value
    return f"{value.year:04d}-{value.month:02d}"


def shown_time(value: datetime | time | None, options: ExportOptions) -> datetime | time | None:
    """A time of day (or a timestamp) as an export shows it: ``value``, or None when
    ``options.personal_data`` is False."""
    return value if options.personal_data else None


def personal(value: T, options: ExportOptions) -> T | None:
    """Anything else that points at a person (the respondent's name, the municipality, the
    location): ``value``, or None when ``options.personal_data`` is False."""
    return value if options.personal_data else None


def interviewer_labels(
    interviewers: Iterable[tuple[uuid.UUID, str]], options: ExportOptions
) -> dict[uuid.UUID, str]:
    """How an export names each interviewer, by id. ``interviewers`` is every interviewer of
    the study as (id, name), not only those of the chosen interviews, so that a number means
    the same person in every export of one study. With ``options.personal_data`` the names;
    without it "Interviewer 1", "Interviewer 2", … numbered in the order of their ids (ids are
    derived from study and name, so the numbering does not depend on who was added first)."""
    ordered = sorted(interviewers, key=lambda pair: pair[0].bytes)
    if options.personal_data:
        return {interviewer_id: name for interviewer_id, name in ordered}
    return {
        interviewer_id: tr("Interviewer {number}", lang=options.language, number=number)
        for number, (interviewer_id, _name) in enumerate(ordered, start=1)
    }


# ------------------------------------------------------------------------- small numbers


def too_few(count: int, options: ExportOptions) -> bool:
    """Whether a figure computed from ``count`` interviews must not be shown: count < k
    (``options.smallest_group``). Zero interviews is too few as well."""
    return count < options.smallest_group


def too_few_text(options: ExportOptions) -> str:
    """The short mark shown instead of a figure from too few interviews, e.g. "< 3", in
    ``options.language``."""
    return tr("< {k}", lang=options.language, k=options.smallest_group)


def too_few_sentence(options: ExportOptions) -> str:
    """The longer form for table cells and chart notes, e.g. "too few interviews to show
    (fewer than 3)", in ``options.language``."""
    return tr(
        "too few interviews to show (fewer than {k})",
        lang=options.language,
        k=options.smallest_group,
    )


# -------------------------------------------------------------------------- the statement


def ethics_statement(options: ExportOptions, lang: str | None = None) -> list[str]:
    """The sentences a report prints about how it treats the people in it, in order: the
    attribution level, the consent rule (saying so when quotes without recorded consent are
    included), the smallest group k, and whether personal data is left out (and what). ``lang``
    defaults to ``options.language``. A list of plain sentences, each ending with a full stop."""
    lang = lang or options.language
    level = Attribution(options.attribution)
    if level is Attribution.ROLE:
        said = tr("Quotes are attributed by role only, never by name.", lang=lang)
    elif level is Attribution.ROLE_AND_AREA or not options.personal_data:
        said = tr("Quotes are attributed by role and service area, never by name.", lang=lang)
    else:
        said = tr(
            "Quotes are attributed by role, service area and municipality, never by name.",
            lang=lang,
        )
    if options.quotes_without_consent:
        consent = tr(
            "This report includes quotes from interviews without recorded consent.", lang=lang
        )
    else:
        consent = tr("Quotes from interviews without recorded consent are left out.", lang=lang)
    small = tr(
        "No figure is shown that is computed from fewer than {k} interviews.",
        lang=lang,
        k=options.smallest_group,
    )
    if options.personal_data:
        personal_data = tr("Personal data is included.", lang=lang)
    else:
        personal_data = tr(
            "Anonymised: this export leaves out {removed}.",
            lang=lang,
            removed=", ".join(in_words(PERSONAL_DATA_REMOVED, lang)),
        )
    return [said, consent, small, personal_data]
