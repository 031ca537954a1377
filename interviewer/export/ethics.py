"""The research-ethics rules every export applies, in one place: whose quotes may be printed,
how a quote is attributed, what personal data leaves out, and how small a group may be shown.

Qt-free and storage-free: each function takes plain values and the ExportOptions, so the Word
reports, the workbook and a later exporter (REFI-QDA, issue #14) say and do exactly the same.
"""

import uuid
from collections.abc import Hashable, Iterable, Mapping, Sequence
from datetime import date, datetime, time
from typing import TypeVar

from interviewer.errors import InterviewerError
from interviewer.export.options import Attribution, ExportOptions
from interviewer.i18n import tr, tr_n

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

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
    *,
    role: str,
    area_label: str | None,
    municipality: str | None,
    options: ExportOptions,
    area_hidden: bool = False,
) -> str:
    """Who said a quote, as a report prints it: "role", "role, area" or "role, area,
    municipality" by ``options.attribution``; blank parts are skipped. Never the name (there is
    no parameter for it). With ``options.personal_data`` False the municipality is never shown,
    whatever the level. ``area_label`` is the service area's label in the report's language.
    ``area_hidden``: the report hides the size of the quote's service area (fewer than k
    interviews, or hidden with one): the quote is attributed by role only, as the area would
    name one of a group of fewer than k."""
    parts = [role]
    level = Attribution.ROLE if area_hidden else Attribution(options.attribution)
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


def hidden_cells(
    counts: Mapping[K, int],
    lines: Iterable[tuple[K, Sequence[K]]],
    k: int,
    already: Iterable[K] = (),
) -> set[K]:
    """Which cells of a report's tables to hide so that no figure from fewer than ``k``
    interviews can be read off the page, directly or by subtraction (complementary
    suppression, as statistics offices do it).

    ``counts[key]`` is the number of interviews a cell is computed from (the number a reader
    could subtract; a mean or share of the cell is hidden with it). ``lines`` are (total,
    parts): a total the report shows and the cells it adds up to (a column and its "All" row,
    a theme's interviews and its ranks). A total may be less than its parts' sum (an interview
    naming one theme at two ranks), never more. Keys of a line missing from ``counts`` count 0.

    ``already``: cells hidden whatever their count, because another table hides the group they
    belong to (a service area's ratings say at least how many interviews it has).

    The rule: a cell of 1 to k-1 interviews is hidden (0 is shown: it is no one's answer).
    Then, for every line whose total is shown, what subtracting the shown parts from the total
    leaves, d = total − shown parts, must be no figure under k: when a part is hidden and d > 0,
    at least two parts are hidden and d ≥ k. Else the smallest shown part (not 0; of equals,
    the one whose key reads first as text) is hidden too, or with none left the total.
    Repeated until no line changes, as hiding one cell can open another line. The cells hidden
    depend on the counts, the keys and the order of the lines, never on the order of a line's
    parts: give keys and lines that do not depend on the report's language (codes, not labels),
    so that the English and the Danish report hide the same cells (two reports of the same
    data hiding different cells would give both away). Returns the keys to hide (a subset of
    the keys of ``counts`` and ``lines``)."""
    hidden = {key for key, count in counts.items() if 0 < count < k}
    hidden |= {key for key in already if counts.get(key, 0) > 0}
    lines = [(total, list(parts)) for total, parts in lines]
    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            if total in hidden:
                continue
            shown = [part for part in parts if part not in hidden]
            left = counts.get(total, 0) - sum(counts.get(part, 0) for part in shown)
            hidden_parts = len(parts) - len(shown)
            if not hidden_parts or left <= 0 or (hidden_parts >= 2 and left >= k):
                continue
            more = [part for part in shown if counts.get(part, 0) > 0]
            if more:
                hidden.add(min(more, key=lambda part: (counts.get(part, 0), str(part))))
            else:
                hidden.add(total)
            changed = True
    return hidden


def total_shown(total: int, shown: Iterable[int], hidden_parts: int, k: int) -> bool:
    """Whether a total (a caption's "n = 5 interviews") may be printed beside parts a table
    shows (``shown``: their counts) and ``hidden_parts`` it hides: the same rule as a line of
    hidden_cells, whose total stays shown only when subtracting the shown parts leaves no
    figure under k (nothing hidden, nothing left, or two parts hidden and at least k left).
    When False the report prints the table without its n."""
    left = total - sum(shown)
    return not hidden_parts or left <= 0 or (hidden_parts >= 2 and left >= k)


def pooled(counts: Mapping[K, int], k: int) -> tuple[list[K], list[K]]:
    """Groups listed with their own count (e.g. interviews per interviewer) and those pooled
    into one "together" entry, so that no listed count and no pooled count is 1 to k-1: a group
    of fewer than ``k`` is pooled; while the pool holds fewer than ``k`` interviews the smallest
    listed group joins it (the last of equals, so the order of the list is kept). Groups of 0
    are left out of both. Returns (listed, pooled), each in the order of ``counts``; the pool is
    under k only when all of them together are."""
    listed = [key for key, count in counts.items() if count >= k]
    pool = [key for key, count in counts.items() if 0 < count < k]
    while pool and listed and sum(counts[key] for key in pool) < k:
        smallest = min(reversed(listed), key=lambda key: counts[key])
        listed.remove(smallest)
        pool.append(smallest)
    order = list(counts)
    return listed, sorted(pool, key=order.index)


def check_enough_interviews(covered: int, options: ExportOptions) -> None:
    """Refuses a synthesis of fewer than k interviews: every figure of it would come from
    fewer than k. Raises InterviewerError with one clause (in the user's language, not the
    report's; lower case and without a full stop, as every refusal: the command line prints
    "interviewer export: <clause>"), before anything is written."""
    if covered < options.smallest_group:
        raise InterviewerError(
            tr_n(
                "the choice holds {number} interview, fewer than the smallest group a "
                "report may show ({k}): choose more interviews or a smaller smallest group",
                "the choice holds {number} interviews, fewer than the smallest group a "
                "report may show ({k}): choose more interviews or a smaller smallest group",
                covered,
                number=covered,
                k=options.smallest_group,
            )
        )


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
