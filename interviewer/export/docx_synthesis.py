"""Word, study synthesis: the report the central team writes from.

For all or a filtered set of interviews: how they were chosen (the methods paragraph), priority
ratings by service area, challenge themes ranked by how many interviews name them and at which
rank, initiatives by category with the kinds of their effects, their figures summarised per
measure, and quotes grouped by theme.

A report at any size: it summarises, and the workbook lists every record. Every number comes
from SQL aggregates over the chosen interviews and is written by interviewer/figures.py. The
research-ethics rules are those of export/ethics.py: quotes only from interviews with recorded
consent (unless asked), attributed by role unless asked, and no number computed from fewer than
k interviews. Every ordering ends in a code or an id, so the same data gives the same document.
"""

import unicodedata
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from babel.lists import format_list
from sqlalchemy import case, func, not_, or_, text
from sqlmodel import Session, col, select

from interviewer.export import ethics
from interviewer.export.charts import priority_chart, theme_chart
from interviewer.export.consent import consent_recorded
from interviewer.export.docx_common import (
    caption,
    check_target,
    contents,
    new_document,
    paragraph,
    picture,
    save_whole,
    set_metadata,
    table,
)
from interviewer.export.options import (
    Attribution,
    ExportOptions,
    check_filter,
    live_condition,
    no_progress,
)
from interviewer.export.reading import describe_filter, read_only_engine, study_context
from interviewer.figures import (
    format_count,
    format_figure,
    format_mean,
    format_share,
    median,
    ratio,
)
from interviewer.guide import AnswerType
from interviewer.i18n import tr, tr_n
from interviewer.storage.health import naming_bad_records
from interviewer.storage.models import (
    Challenge,
    CodeKind,
    Effect,
    EffectKind,
    Initiative,
    Interview,
    Interviewer,
    Quote,
    Rating,
)
from interviewer.wording import effect_kind_labels

STEPS = 6  # progress: one step per section of the report

# Quotes shown per theme, those marked "use in report" first; a line under each theme says how
# many more the workbook holds. Five keep the quotes of a 10,000-interview study to a few pages.
QUOTES_PER_THEME = 5

# A quote wider than this many characters is shortened in the synthesis (the workbook holds
# it whole); a wide character (an emoji, a CJK letter) counts as two, as it takes the room of
# two on the page. 600 is about eight lines: longer than any quote a report sets as a quote,
# short enough that five per theme stay within a page, so one pasted transcript (seen: a
# 20,000-emoji quote filling seven pages) cannot break the page budget.
QUOTE_CHARACTERS = 600

# The room of one printed line of a quote, in characters: a line break takes a whole line
# whatever follows it, so it counts as this many (a quote of 2,000 one-letter lines would
# otherwise be "short" and fill six pages). 600 / 75 = eight lines at most.
LINE_CHARACTERS = 75
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def write_synthesis_docx(
    db_path: Path,
    out_path: Path,
    options: ExportOptions | None = None,
    progress: Callable[[int, int], None] = no_progress,
) -> int:
    """Writes the synthesis report; returns the number of interviews it covers."""
    options = options or ExportOptions()
    check_target(out_path)
    engine = read_only_engine(db_path)
    try:
        with naming_bad_records(db_path), Session(engine) as session:
            check_filter(  # a filter naming nothing, or leaving out 1 to k-1: refused
                session,
                options.filter,
                personal_data=options.personal_data,
                smallest_group=options.smallest_group,
            )
            document, covered = _build(session, options, progress)
    finally:
        engine.dispose()
    save_whole(document, out_path)
    progress(STEPS, STEPS)
    return covered


@dataclass
class _Cells:
    """The numbers of the report's tables as text, with the small-numbers rule applied: a
    count of 1 to k-1 interviews, and anything computed from fewer than k, shows the mark."""

    options: ExportOptions
    lang: str = field(init=False)
    mark: str = field(init=False)

    def __post_init__(self):
        self.lang = self.options.language
        self.mark = ethics.too_few_text(self.options)

    def too_few(self, interviews: int) -> bool:
        return ethics.too_few(interviews, self.options)

    def count(self, count: int, interviews: int | None = None, *, hide: bool = False) -> str:
        """``count`` things reported by ``interviews`` interviews (default: ``count`` is itself
        a number of interviews); 0 is shown as 0, nothing of a group being no one's answer.
        ``hide``: the cell is one ethics.hidden_cells hides so that the totals give nothing
        away, or it stands in a row whose base (its interviews) is hidden: then even a 0 is
        the mark, as "none of these 1 or 2 did it" is their answer."""
        interviews = count if interviews is None else interviews
        if hide or (count and self.too_few(interviews)):
            return self.mark
        return format_count(count, self.lang)

    def mean(self, total: int, answers: int, *, hide: bool = False) -> str:
        """The mean of ``answers`` ratings adding up to ``total``, with its n: "3.7 (25)";
        ``hide`` as for count."""
        if hide:
            return self.mark
        if not answers:
            return tr("no answers", lang=self.lang)
        if self.too_few(answers):
            return self.mark
        return (
            f"{format_mean(ratio(total, answers), self.lang)} ({format_count(answers, self.lang)})"
        )

    def share(
        self, part: int, whole: int, part_interviews: int | None = None, *, hide: bool = False
    ) -> str:
        """``part`` of ``whole`` interviews in per cent; hidden when the whole is under k, or
        when ``part_interviews`` (a count shown beside it) is hidden, so the share cannot undo
        that count's mark; ``hide`` as for count (the count it belongs to is hidden)."""
        if hide:
            return self.mark
        if not whole:
            return "—"
        if self.too_few(whole) or (part_interviews and self.too_few(part_interviews)):
            return self.mark
        return format_share(part, whole, self.lang)

    def medians(self, figures: list["_Figure"]) -> str:
        """The median figure before and the median now of ``figures``: "48 → 11". A side
        is the median of the figures that give it; when not all do, each side says its n
        ("48 (12) → 11 (10)"); a side no figure gives says so ("no current value"), and a side
        from fewer than k interviews shows the mark."""
        before = [f for f in figures if f.baseline is not None]
        now = [f for f in figures if f.current is not None]
        every = len(before) == len(now) == len(figures)

        def side(given: list[_Figure], value, missing: str) -> str:
            if not given:
                return tr(missing, lang=self.lang)
            if self.too_few(len({f.interview_id for f in given})):
                return self.mark
            middle = format_figure(median(value(f) for f in given), self.lang)
            return middle if every else f"{middle} ({format_count(len(given), self.lang)})"

        return (
            side(before, lambda f: f.baseline, "no baseline")
            + " → "
            + side(now, lambda f: f.current, "no current value")
        )


def _build(session: Session, options: ExportOptions, progress):
    lang = options.language
    context = study_context(session, lang)
    guide = context.guide
    chosen = select(options.filter.interview_ids_query().subquery().c.id)
    cells = _Cells(options)

    def t(text, **values):
        return tr(text, lang=lang, **values)

    def by_count_then_label(
        counts: dict[str, int], kind: CodeKind, none_label: str, hidden=frozenset()
    ):
        """Codes by count (most first), then label, then code; the blank code (no theme, no
        category) last. The ``hidden`` ones (their count not shown) come after all others, by
        label alone: among rows ordered by count, a hidden row's place would say between
        which counts it lies."""

        def label(code):
            return context.label(kind, code) if code else none_label

        return sorted(
            counts,
            key=lambda code: (
                code in hidden,
                code == "",
                0 if code in hidden else -counts[code],
                label(code).casefold(),
                code,
            ),
        )

    # ---------------------------------------------------------------- interviews covered
    progress(1, STEPS)
    by_area_status = Counter(
        {
            (area, status): count
            for area, status, count in session.execute(
                select(Interview.service_area, Interview.status, func.count())
                .where(col(Interview.id).in_(chosen))
                .group_by(Interview.service_area, Interview.status)
            )
        }
    )
    covered = sum(by_area_status.values())
    ethics.check_enough_interviews(covered, options)  # before anything is written
    drafts = sum(n for (_, status), n in by_area_status.items() if status == "draft")
    first_day, last_day = session.execute(
        select(func.min(Interview.interview_date), func.max(Interview.interview_date)).where(
            col(Interview.id).in_(chosen)
        )
    ).one()
    area_count = Counter()
    for (area, _), n in by_area_status.items():
        area_count[area] += n
    k = options.smallest_group
    # the "All" row is their total: a lone hidden area would be All minus the others
    hidden_areas = ethics.hidden_cells({**area_count, None: covered}, [(None, list(area_count))], k)
    areas = by_count_then_label(area_count, CodeKind.SERVICE_AREA, "", hidden_areas)

    document = new_document(lang)
    paragraph(document, t("Study synthesis"), "Title")
    paragraph(document, context.name, "Subtitle")
    paragraph(
        document,
        t(
            "{count} interviews · written {date}",
            count=format_count(covered, lang),
            date=datetime.now(UTC).date().isoformat(),
        ),
    )
    set_metadata(document, title=t("Study synthesis"), study=context.name, language=lang)
    contents(document)

    paragraph(document, t("The interviews"), "Heading 1")
    for sentence in _methods(
        options, context, covered, drafts, (first_day, last_day), cells.mark, bool(hidden_areas)
    ):
        paragraph(document, sentence)
    caption(document, "table", t("Interviews by service area"), covered)
    table(
        document,
        [t("Service area"), t("Interviews"), t("Share")],
        [
            (
                context.label(CodeKind.SERVICE_AREA, area),
                cells.count(area_count[area], hide=area in hidden_areas),
                cells.share(area_count[area], covered, area_count[area], hide=area in hidden_areas),
            )
            for area in areas
        ]
        + [(t("All"), format_count(covered, lang), format_share(covered, covered, lang))],
    )
    _per_interviewer(document, session, chosen, context, options, covered)

    # ---------------------------------------------------------------- priority ratings
    progress(2, STEPS)
    ratings = {}  # (question, scale, area) -> (answers, total, rated 4-5, don't know)
    for question_key, scale_key, area, answers, total, high, dont_know in session.execute(
        select(
            Rating.question_key,
            Rating.scale_key,
            Interview.service_area,
            func.count(Rating.value),
            func.coalesce(func.sum(Rating.value), 0),
            func.coalesce(func.sum(case((col(Rating.value) >= 4, 1), else_=0)), 0),
            func.coalesce(func.sum(case((col(Rating.dont_know), 1), else_=0)), 0),
        )
        .join(Interview, Interview.id == Rating.interview_id)
        .where(col(Rating.interview_id).in_(chosen))
        .group_by(Rating.question_key, Rating.scale_key, Interview.service_area)
    ):
        ratings[(question_key, scale_key, area)] = (answers, total, high, dont_know)
    nothing = (0, 0, 0, 0)
    for question in (q for q in guide.questions if q.answer is AnswerType.RATINGS):
        paragraph(document, f"{question.number}. {question.title.in_language(lang)}", "Heading 1")
        paragraph(document, question.text.in_language(lang), "Subtitle")
        headers = [t("Service area")]
        for scale in question.scales:
            name = scale.label.in_language(lang)
            headers += [t("{scale}: mean (n)", scale=name), t("{scale}: 4–5", scale=name)]
        rows, means, counts = [], defaultdict(dict), defaultdict(dict)
        answered = {  # (area, scale) -> ratings given; area None: all areas together
            (area, scale.key): ratings.get((question.key, scale.key, area), nothing)[0]
            for area in areas
            for scale in question.scales
        }
        for scale in question.scales:
            answered[(None, scale.key)] = sum(answered[(a, scale.key)] for a in areas)
        # a mean and a share go with their n: the All row's n, mean and share minus the
        # shown areas' would give a lone hidden area's. An area hidden in Table 1 is hidden
        # here too: its n would say at least how many interviews it has.
        hidden = ethics.hidden_cells(
            answered,
            [((None, sc.key), [(a, sc.key) for a in areas]) for sc in question.scales],
            k,
            already=[(a, sc.key) for a in hidden_areas for sc in question.scales],
        )
        for area in [*areas, None]:  # None: all service areas together
            row = [context.label(CodeKind.SERVICE_AREA, area) if area else t("All")]
            for scale in question.scales:
                if area is None:
                    parts = [ratings.get((question.key, scale.key, a), nothing) for a in areas]
                    answers, total, high, _ = (
                        sum(column) for column in zip(nothing, *parts, strict=True)
                    )
                else:
                    answers, total, high, _ = ratings.get((question.key, scale.key, area), nothing)
                    # the chart draws no bar from fewer than k interviews (charts.py)
                    means[scale.key][area] = ratio(total, answers)
                    # a hidden cell goes to the chart as a count under k: no bar there either
                    counts[scale.key][area] = (
                        min(answers, k - 1) if (area, scale.key) in hidden else answers
                    )
                # a row whose area Table 1 hides: every cell, "no answers" too
                hide = (area, scale.key) in hidden or area in hidden_areas
                row += [
                    cells.mean(total, answers, hide=hide),
                    cells.share(high, answers, hide=hide),
                ]
            rows.append(row)
        caption(
            document,
            "table",
            t("Ratings by service area: question {number}", number=question.number),
            covered,
        )
        table(document, headers, rows)
        dont_know = sum(value[3] for key, value in ratings.items() if key[0] == question.key)
        paragraph(
            document,
            t(
                "Ratings run from 1 (very low) to 5 (very high); “4–5” is the "
                "share rating high or very high. “Don't know” answers ({count}) "
                "are left out of the means.",
                count=cells.count(dont_know),
            ),
        )
        if any(not cells.too_few(n) for by_area in counts.values() for n in by_area.values()):
            chart = priority_chart(question, areas, means, counts, context, options)
            title = t("Mean priority by service area")
            picture(document, chart.png, title, chart.alt_text, covered)

    # ---------------------------------------------------------------- challenge themes
    progress(3, STEPS)
    paragraph(document, t("Challenge themes"), "Heading 1")
    theme = func.coalesce(Challenge.theme_code, "")
    live_challenge = (col(Challenge.interview_id).in_(chosen), live("challenge"))
    naming = dict(  # theme -> interviews naming it
        session.execute(
            select(theme, func.count(func.distinct(Challenge.interview_id)))
            .where(*live_challenge)
            .group_by(theme)
        ).all()
    )
    ranks = defaultdict(Counter)  # theme -> rank -> interviews (one challenge a rank each)
    for code, rank, count in session.execute(
        select(theme, Challenge.rank, func.count(func.distinct(Challenge.interview_id)))
        .where(*live_challenge)
        .group_by(theme, Challenge.rank)
    ):
        ranks[code][rank] += count
    themes = by_count_then_label(naming, CodeKind.CHALLENGE_THEME, t("No theme"))
    limit = max(
        [guide.max_challenges] + [rank for by_rank in ranks.values() for rank in by_rank if rank]
    )
    # a theme's interviews are (about) the sum of its ranks: a lone hidden rank would be the
    # interviews minus the shown ranks
    named_at = {(code, rank): ranks[code][rank] for code in themes for rank in range(1, limit + 1)}
    hidden = ethics.hidden_cells(
        {**named_at, **{(code, None): naming[code] for code in themes}},
        [((code, None), [(code, rank) for rank in range(1, limit + 1)]) for code in themes],
        k,
    )
    themes = by_count_then_label(
        naming, CodeKind.CHALLENGE_THEME, t("No theme"), {c for c in themes if (c, None) in hidden}
    )
    if not themes:
        paragraph(document, t("No challenges are recorded in these interviews."))
    else:
        caption(document, "table", t("Challenge themes by how many interviews name them"), covered)
        table(
            document,
            [t("Theme"), t("Interviews"), t("Share")]
            + [t("Ranked {rank}", rank=rank) for rank in range(1, limit + 1)],
            [
                (
                    context.label(CodeKind.CHALLENGE_THEME, code) or t("No theme"),
                    cells.count(naming[code], hide=(code, None) in hidden),
                    cells.share(naming[code], covered, naming[code], hide=(code, None) in hidden),
                )
                + tuple(
                    cells.count(
                        ranks[code][rank], hide=(code, rank) in hidden or (code, None) in hidden
                    )
                    for rank in range(1, limit + 1)
                )
                for code in themes
            ],
        )
        paragraph(
            document,
            t(
                "Themes by the number of interviews naming them among their {limit} most "
                "significant challenges, and how often at each rank.",
                limit=limit,
            ),
        )
    if any(not cells.too_few(n) for n in naming.values()):
        # a bar segment only where the table shows a number; charts.py leaves out the themes
        # named in fewer than k interviews
        shown_ranks = {
            code: Counter(
                {rank: n for rank, n in ranks[code].items() if (code, rank) not in hidden}
            )
            for code in themes
        }
        shown_naming = {code: 0 if (code, None) in hidden else naming[code] for code in themes}
        chart = theme_chart(themes, shown_ranks, limit, context, options, shown_naming)
        title = t("How often each theme is named, by rank")
        picture(document, chart.png, title, chart.alt_text, covered)

    # ---------------------------------------------------------------- initiatives and effects
    progress(4, STEPS)
    paragraph(document, t("Initiatives and their effects"), "Heading 1")
    category = func.coalesce(Initiative.category_code, "")
    initiatives = {  # category -> (initiatives, interviews)
        code: (count, interviews)
        for code, count, interviews in session.execute(
            select(category, func.count(), func.count(func.distinct(Initiative.interview_id)))
            .where(col(Initiative.interview_id).in_(chosen), live("initiative"))
            .group_by(category)
        )
    }
    live_effect = (
        col(Effect.interview_id).in_(chosen),
        live("effect"),
    )
    effect_kinds = defaultdict(dict)  # category -> kind -> (effects, interviews)
    for code, kind, count, interviews in session.execute(
        select(category, Effect.kind, func.count(), func.count(func.distinct(Effect.interview_id)))
        .join(Initiative, Initiative.id == Effect.initiative_id)
        .where(*live_effect)
        .group_by(category, Effect.kind)
    ):
        effect_kinds[code][EffectKind(kind)] = (count, interviews)
    categories = by_count_then_label(
        {code: interviews for code, (_, interviews) in initiatives.items()},
        CodeKind.INITIATIVE_CATEGORY,
        t("No category"),
        {code for code, (_, interviews) in initiatives.items() if cells.too_few(interviews)},
    )
    kinds = effect_kind_labels(lang)
    with_initiatives = session.execute(
        select(func.count(func.distinct(Initiative.interview_id))).where(
            col(Initiative.interview_id).in_(chosen), live("initiative")
        )
    ).scalar_one()
    if not categories:
        paragraph(document, t("No initiatives are recorded in these interviews."))
    elif cells.too_few(with_initiatives):  # its n would be a figure from fewer than k
        paragraph(
            document,
            t(
                "Initiatives are recorded in fewer than {k} of these interviews: too few to show.",
                k=k,
            ),
        )
    else:
        # a category of fewer than k interviews: its whole row is the mark, zeros too; the
        # caption's n is a total of the Interviews column and goes only where it pins nothing
        small = {code for code in categories if cells.too_few(initiatives[code][1])}
        caption(
            document,
            "table",
            t("Initiatives and the kinds of their effects, by category"),
            with_initiatives
            if ethics.total_shown(
                with_initiatives,
                [initiatives[code][1] for code in categories if code not in small],
                len(small),
                k,
            )
            else None,
        )
        table(
            document,
            [t("Category"), t("Initiatives"), t("Interviews")]
            + [kinds[kind] for kind in EffectKind],
            [
                (
                    context.label(CodeKind.INITIATIVE_CATEGORY, code) or t("No category"),
                    cells.count(*initiatives[code], hide=code in small),
                    cells.count(initiatives[code][1], hide=code in small),
                )
                + tuple(
                    cells.count(*effect_kinds[code].get(kind, (0, 0)), hide=code in small)
                    for kind in EffectKind
                )
                for code in categories
            ],
        )
        paragraph(
            document,
            t(
                "Initiatives by category, with the number of effects of each kind reported "
                "for them."
            ),
        )
    _figures(document, session, chosen, live_effect, categories, context, cells)

    # ---------------------------------------------------------------- quotes
    progress(5, STEPS)
    _quotes(document, session, chosen, options, context, cells, hidden_areas)
    return document, covered


def _per_interviewer(document, session, chosen, context, options, covered) -> None:
    """The sentence "Interviews per interviewer: …", most first. Each interviewer is named as
    ethics.interviewer_labels says (a number when anonymised); those with fewer than k
    interviews are pooled (ethics.pooled), as a count of one or two would say who held which
    interview of a small choice. An interview without an interviewer is counted too, so the
    list adds up to ``covered``."""
    lang = options.language
    labels = ethics.interviewer_labels(
        session.execute(
            select(Interviewer.id, Interviewer.name).where(Interviewer.study_id == context.study_id)
        ).all(),
        options,
    )
    held = dict(
        session.execute(
            select(Interview.interviewer_id, func.count())
            .where(col(Interview.id).in_(chosen))
            .group_by(Interview.interviewer_id)
        ).all()
    )

    def label(interviewer_id) -> str:
        if interviewer_id is None or interviewer_id not in labels:
            return tr("no interviewer recorded", lang=lang)
        return labels[interviewer_id]

    order = sorted(
        held,
        key=lambda who: (
            who is None or who not in labels,
            -held[who],
            label(who).casefold(),
            label(who),
            str(who),
        ),
    )
    # who joins the pool depends on the counts and ids alone, never on the names or numbers
    # shown, so a report with names and one without pool the same interviewers
    by_id = sorted(held, key=lambda who: (-held[who], str(who)))
    listed, pool = ethics.pooled({who: held[who] for who in by_id}, options.smallest_group)
    listed = [who for who in order if who in listed]
    if not held:
        return
    if not listed:
        paragraph(
            document,
            tr(
                "Interviews per interviewer: each held fewer than {k}, so they are not listed.",
                lang=lang,
                k=options.smallest_group,
            ),
        )
        return
    # "Interviewer 2 (4)": the count in brackets, apart from a number in the label
    parts = [f"{label(who)} ({format_count(held[who], lang)})" for who in listed]
    if pool:
        parts.append(
            tr(
                "the others together ({count})",
                lang=lang,
                count=format_count(sum(held[who] for who in pool), lang),
            )
        )
    paragraph(document, tr("Interviews per interviewer: {list}.", lang=lang, list=", ".join(parts)))


def _month(day) -> str:
    """A date as its month, "2017-06": the period of a report, as the first and the last day
    would each date one interview."""
    return f"{day.year:04d}-{day.month:02d}"


def _methods(options, context, covered, drafts, period, mark, areas_hidden) -> list[str]:
    """The methods paragraph: which interviews, held in which months (``period``: the first
    and the last interview date), chosen how, whether drafts count (their number under k
    shown as ``mark``), and the research-ethics rules the report follows; ``areas_hidden``:
    Table 1 hides some service area (its quotes are then attributed by role only)."""
    lang = options.language
    k = options.smallest_group

    def t(text, **values):
        return tr(text, lang=lang, **values)

    first, last = period
    if covered and first and last and _month(first) == _month(last):
        sentences = [
            tr_n(
                "This synthesis covers {number} interview, held in {month}.",
                "This synthesis covers {number} interviews, held in {month}.",
                covered,
                lang=lang,
                number=format_count(covered, lang),
                month=_month(first),
            )
        ]
    elif covered and first and last:
        sentences = [
            tr_n(
                "This synthesis covers {number} interview, held {first} to {last}.",
                "This synthesis covers {number} interviews, held {first} to {last}.",
                covered,
                lang=lang,
                number=format_count(covered, lang),
                first=_month(first),
                last=_month(last),
            )
        ]
    else:
        sentences = [t("No interviews match the choice.")]
    scope = describe_filter(options.filter, context, personal_data=options.personal_data)
    sentences.append(
        t("Chosen: {filter}.", filter=scope) if scope else t("Every interview of the study.")
    )
    if drafts:
        few = ethics.too_few(drafts, options)  # which interviews are drafts is theirs to say
        sentences.append(
            tr_n(
                "Including {number} draft, an interview not yet marked complete.",
                "Including {number} drafts, interviews not yet marked complete.",
                max(drafts, 2) if few else drafts,  # "< 3 drafts"
                lang=lang,
                number=mark if few else format_count(drafts, lang),
            )
        )
    elif covered:
        sentences.append(t("Complete interviews only."))
    sentences.append(" ".join(ethics.ethics_statement(options, lang)))
    if areas_hidden and options.attribution != Attribution.ROLE:
        sentences.append(
            t(
                "A quote from a service area that Table 1 does not show on its own is "
                "attributed by role only."
            )
        )
    sentences.append(
        t(
            "The rule of {k} holds within this report: reports of overlapping choices of the "
            "same study can be compared to narrow a hidden figure, so publish one choice per "
            "study, or choices that differ by at least {k} interviews.",
            k=k,
        )
    )
    sentences.append(
        t(
            "In the tables, “{mark}” stands for a figure from fewer than {k} interviews, or "
            "one hidden with it so that it cannot be worked out from the totals.",
            mark=mark,
            k=options.smallest_group,
        )
    )
    sentences.append(
        t(
            "The synthesis summarises; the workbook of the same interviews lists every "
            "interview, figure and quote."
        )
    )
    return sentences


def _figures(document, session, chosen, live_effect, categories, context, cells) -> None:
    """The figures of the effects, summarised per measure for all categories together and
    then for each category: how many, from how many interviews, the median before and the
    median now, each with its n. Measures from fewer than k interviews share one line."""
    lang = cells.lang

    def t(text, **values):
        return tr(text, lang=lang, **values)

    by_category = defaultdict(lambda: defaultdict(list))  # category -> measure -> figures
    spellings = defaultdict(Counter)  # measure -> (metric, unit) as typed -> how often
    for code, metric, unit, baseline, current, interview_id in session.execute(
        select(
            func.coalesce(Initiative.category_code, ""),
            Effect.metric,
            Effect.unit,
            Effect.baseline,
            Effect.current,
            Effect.interview_id,
        )
        .join(Initiative, Initiative.id == Effect.initiative_id)
        .where(*live_effect, or_(col(Effect.baseline).isnot(None), col(Effect.current).isnot(None)))
    ):
        measure = (_same(metric), _same(unit))  # one measure however it was spelled
        by_category[code][measure].append(_Figure(baseline, current, interview_id))
        spellings[measure][(metric or "", unit or "")] += 1
    if not by_category:
        paragraph(document, t("No effect in these interviews carries a figure."))
        return
    with_figures = len(
        {f.interview_id for m in by_category.values() for fs in m.values() for f in fs}
    )
    if cells.too_few(with_figures):  # the table's n would be a figure from fewer than k
        paragraph(
            document,
            t(
                "Effects with a figure are recorded in fewer than {k} of these interviews: too "
                "few to show.",
                k=cells.options.smallest_group,
            ),
        )
        return

    def label(measure) -> str:
        # the spelling typed most often; of equally frequent ones, the first in order
        (metric, unit), _ = min(spellings[measure].items(), key=lambda s: (-s[1], s[0]))
        metric = metric or t("measure not named")
        return f"{metric} ({unit})" if unit else metric

    paragraph(document, t("Figures reported"), "Heading 2")
    paragraph(
        document,
        t(
            "Effects with a figure, whatever their kind, by measure: how many, from how many "
            "interviews, and the median figure before and now; first for all categories, then "
            "for each. A median "
            "is taken over the figures that give it, with its n when not all do. The workbook "
            "lists every figure."
        ),
    )
    headers = [
        t("Measure"),
        t("Figures"),
        t("Interviews"),
        t("Median before → now"),
    ]
    everything = defaultdict(list)
    for measures in by_category.values():
        for measure, figures in measures.items():
            everything[measure] += figures
    # A measure's row in "All categories" is the sum of its rows in each category: its
    # Figures exactly, its Interviews at most. A lone hidden category would be All minus the
    # shown ones, in either column (ethics.hidden_cells), so both are lines; a row shows both
    # numbers or neither, so a row hidden in one column is hidden in the other too.
    k = cells.options.smallest_group
    rows_of = {(None, m): figures for m, figures in everything.items()}
    for code, measures in by_category.items():
        for m, figures in measures.items():
            rows_of[(code, m)] = figures
    counts = {}
    for row, figures in rows_of.items():
        counts[("figures", *row)] = len(figures)
        counts[("interviews", *row)] = len({f.interview_id for f in figures})
    lines = [
        ((column, None, m), [(column, code, m) for code in by_category if m in by_category[code]])
        for m in everything
        for column in ("figures", "interviews")
    ]
    both = set()
    while True:
        cells_hidden = ethics.hidden_cells(counts, lines, k, already=both)
        hidden = {key[1:] for key in cells_hidden}
        coupled = {(column, *row) for row in hidden for column in ("figures", "interviews")}
        if coupled <= both:
            break
        both |= coupled
    sections = [(t("All categories"), None, everything)] + [
        (
            context.label(CodeKind.INITIATIVE_CATEGORY, code) or t("No category"),
            code,
            by_category[code],
        )
        for code in categories
        if code in by_category
    ]
    all_hidden = []  # categories none of whose measures can be shown on its own
    for number, (heading, code, measures) in enumerate(sections):
        hidden_here = {m for m in measures if (code, m) in hidden}
        if number and len(hidden_here) == len(measures):
            all_hidden.append(heading)
            continue
        rows, shown, hidden_parts = _figure_rows(measures, hidden_here, label, cells)
        # the caption's n totals the Interviews column: beside one hidden row it would pin it
        n = len({f.interview_id for figures in measures.values() for f in figures})
        caption(
            document,
            "table",
            t("Figures by measure: {category}", category=heading),
            n if ethics.total_shown(n, shown, hidden_parts, k) else None,
        )
        table(document, headers, rows)
    if all_hidden:
        paragraph(
            document,
            t(
                "In {categories}, no measure can be shown on its own without a figure from "
                "fewer than {k} interviews: their figures count in “All categories” above.",
                categories=format_list(all_hidden, locale=lang),
                k=cells.options.smallest_group,
            ),
        )


@dataclass(frozen=True)
class _Figure:
    baseline: float | None
    current: float | None
    interview_id: object


def _figure_rows(
    measures: dict, hidden: set, label, cells: "_Cells"
) -> tuple[list[tuple[str, ...]], list[int], int]:
    """One row per measure not in ``hidden`` (those ethics.hidden_cells hides: from fewer than
    k interviews, or hidden with one), most interviews first (then most figures, then by
    name), and one row for the hidden measures together. That row shows its numbers only when
    it pools two measures or more, else it would be the one measure's. Returns (the rows, the
    Interviews the rows show, how many rows hide theirs), for the caption's n."""
    lang = cells.lang
    interviews = {m: len({f.interview_id for f in figures}) for m, figures in measures.items()}
    shown = sorted(
        (m for m in measures if m not in hidden),
        key=lambda m: (-interviews[m], -len(measures[m]), label(m).casefold(), label(m), m),
    )
    rows, shown_interviews, hidden_rows = [], [], 0
    for measure in shown:
        figures = measures[measure]
        shown_interviews.append(interviews[measure])
        rows.append(
            (
                label(measure),
                cells.count(len(figures), interviews[measure]),
                cells.count(interviews[measure]),
                cells.medians(figures),
            )
        )
    rare = [f for m in measures if m in hidden for f in measures[m]]
    if rare:
        rare_interviews = len({f.interview_id for f in rare})
        alone = len(hidden) < 2
        if alone or cells.too_few(rare_interviews):
            hidden_rows += 1
        else:
            shown_interviews.append(rare_interviews)
        rows.append(
            (
                tr("Other measures together, each too few to show on its own", lang=lang),
                cells.count(len(rare), rare_interviews, hide=alone),
                cells.count(rare_interviews, hide=alone),
                "—",  # a median across different measures would mean nothing
            )
        )
    return rows, shown_interviews, hidden_rows


def _same(text: str | None) -> str:
    """A metric or unit as typed, folded so that spellings of the same one group together."""
    return " ".join((text or "").split()).casefold()


def _quotes(document, session, chosen, options, context, cells, hidden_areas) -> None:
    """Quotes by theme, up to QUOTES_PER_THEME each: those marked "use in report" first, then
    in the order they were captured; a line says how many more of the theme the workbook
    holds. Only quotes of interviews with recorded consent, unless the options ask. A quote
    from one of ``hidden_areas`` (the service areas Table 1 hides) is attributed by role
    only, whatever the attribution asked."""
    lang = options.language

    def t(text, **values):
        return tr(text, lang=lang, **values)

    paragraph(document, t("Quotes by theme"), "Heading 1")
    theme = func.coalesce(Quote.theme_code, "")
    counted = [col(Quote.interview_id).in_(chosen), live("quote")]
    if not options.quotes_without_consent:
        left_out, left_out_interviews = session.execute(
            select(func.count(), func.count(func.distinct(Quote.interview_id)))
            .join(Interview, Interview.id == Quote.interview_id)
            .where(*counted, not_(consent_recorded(col(Interview.consent_given))))
        ).one()
        counted.append(consent_recorded(col(Interview.consent_given)))
    ranked = (
        select(
            theme.label("theme"),
            Quote.id.label("quote_id"),
            Quote.text,
            Quote.speaker_role,
            Interview.service_area,
            Interview.municipality,
            func.row_number()
            .over(
                partition_by=theme,
                order_by=(
                    col(Quote.use_in_report).desc(),
                    col(Quote.created_at),
                    col(Quote.id),
                ),
            )
            .label("place"),
            func.count().over(partition_by=theme).label("total"),
        )
        .join(Interview, Interview.id == Quote.interview_id)
        .where(*counted)
        .subquery()
    )
    grouped = defaultdict(list)
    total = {}
    for row in session.execute(
        select(ranked)
        .where(ranked.c.place <= QUOTES_PER_THEME)
        .order_by(ranked.c.theme, ranked.c.place)
    ):
        grouped[row.theme].append(row)
        total[row.theme] = row.total
    paragraph(
        document,
        t(
            "Up to {limit} quotes per theme, those marked “use in report” first; the workbook "
            "holds every quote.",
            limit=QUOTES_PER_THEME,
        ),
    )
    if not options.quotes_without_consent and left_out:
        paragraph(
            document,
            t(
                "Left out: {count} quotes from interviews without recorded consent.",
                count=cells.count(left_out, left_out_interviews),
            ),
        )
    if not grouped:
        paragraph(document, t("No quotes in these interviews."))
    order = sorted(
        grouped,
        key=lambda code: (
            code == "",
            -total[code],
            (context.label(CodeKind.CHALLENGE_THEME, code) or "").casefold(),
            code,
        ),
    )
    for code in order:
        heading = paragraph(
            document, context.label(CodeKind.CHALLENGE_THEME, code) or t("No theme"), "Heading 2"
        )
        heading.paragraph_format.keep_with_next = True  # never alone at the foot of a page
        for quote in grouped[code]:
            # blank lines around the words would print as empty lines inside the quote marks
            text, cut = shortened(quote.text.strip(), QUOTE_CHARACTERS)
            said = paragraph(document, f"“{text}”", "Quote")
            said.paragraph_format.keep_with_next = True  # never apart from who said it
            said_by = ethics.attribution(
                role=quote.speaker_role,
                area_label=context.label(CodeKind.SERVICE_AREA, quote.service_area),
                municipality=quote.municipality,
                options=options,
                area_hidden=quote.service_area in hidden_areas,
            )
            if cut:  # the same id as the workbook's Quotes sheet, column quote_id
                said_by += " · " + t(
                    "shortened; the whole quote is in the workbook, quote_id {id}",
                    id=str(uuid.UUID(str(quote.quote_id))),
                )
            paragraph(document, f"— {said_by}", "Caption")
        more = total[code] - len(grouped[code])
        if more:
            paragraph(
                document,
                tr_n(
                    "{number} more quote on this theme is in the workbook.",
                    "{number} more quotes on this theme are in the workbook.",
                    more,
                    lang=lang,
                    number=format_count(more, lang),
                ),
            )


# Characters a cut must not fall before: they belong to the character ahead of them
# (combining marks, variation selectors, emoji skin tones, tag characters, the zero-width
# joiner), and those it must not fall after (the joiner, a lone high surrogate).
_JOINER = "\u200d"


def _clings(char: str) -> bool:
    point = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Me", "Mc")
        or char == _JOINER
        or 0xFE00 <= point <= 0xFE0F
        or 0xE0100 <= point <= 0xE01EF
        or 0x1F3FB <= point <= 0x1F3FF
        or 0xE0020 <= point <= 0xE007F
        or 0xDC00 <= point <= 0xDFFF
    )


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _cut_at(text: str, end: int) -> int:
    """The last place at or before ``end`` where ``text`` may be cut without splitting a
    character as the reader sees it (a grapheme: a letter with its marks, an emoji sequence, a
    flag of two regional indicators, a surrogate pair)."""
    while 0 < end < len(text):
        before, after = text[end - 1], text[end]
        if _clings(after) or before == _JOINER or 0xD800 <= ord(before) <= 0xDBFF:
            end -= 1
            continue
        if _regional(before) and _regional(after):
            run = end
            while run > 0 and _regional(text[run - 1]):
                run -= 1
            if (end - run) % 2:  # inside a flag
                end -= 1
                continue
        break
    return end


def _width(char: str) -> int:
    """The room ``char`` takes in a quote, in characters: a line break a whole line, a wide
    character two, any other one."""
    if char in _LINE_BREAKS:
        return LINE_CHARACTERS
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def shortened(text: str, limit: int) -> tuple[str, bool]:
    """``text`` itself when it is at most ``limit`` characters wide (a wide character counting
    two, a line break LINE_CHARACTERS), else (its start, True): cut at the last space or line
    break in the last third before ``limit`` (or, in text without one, at the last whole
    grapheme), the space and trailing punctuation dropped, ending with "…". The start takes
    at most ``limit`` - 1 characters of room, whatever their width."""
    if sum(map(_width, text[: limit + 1])) <= limit:
        return text, False
    room, end = limit - 1, 0  # room for the "…"
    while end < len(text) and room - _width(text[end]) >= 0:
        room -= _width(text[end])
        end += 1
    end = _cut_at(text, end)
    space = max(text.rfind(" ", 0, end + 1), text.rfind("\n", 0, end + 1))
    if space > limit * 2 // 3:
        end = space
    return text[:end].rstrip(" \t,;:.-–—" + "".join(_LINE_BREAKS)) + "…", True


TEXT_WIDTH_CM = 16.4


def live(table: str):
    """The one rule of which records count (export/options.live_condition), for ``table``."""
    return text(live_condition(table))


def _widths(first: float, columns: int) -> tuple[float, ...]:
    """A wide first column for names; the others share the rest of the line."""
    rest = (TEXT_WIDTH_CM - first) / (columns - 1)
    return (first,) + (rest,) * (columns - 1)
