"""Word, study synthesis: the report the central team writes from.

For all or a filtered set of interviews: the set covered, priority ratings by service area,
challenge themes ranked by how many interviews name them and at which rank, initiatives by
category with their effects and measured figures, and quotes grouped by theme, attributed by
role, service area and municipality only (never by name).
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from interviewer.export.charts import priority_chart, theme_chart
from interviewer.export.docx_common import (
    check_target,
    new_document,
    paragraph,
    picture,
    save_whole,
    table,
)
from interviewer.export.options import ExportOptions, no_progress
from interviewer.export.reading import describe_filter, read_only_engine, study_context
from interviewer.figures import format_figure
from interviewer.guide import AnswerType
from interviewer.i18n import tr
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
from interviewer.wording import effect_kind_labels, interview_status_labels

STEPS = 6  # progress: one step per section of the report


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
            document, covered = _build(session, options, progress)
    finally:
        engine.dispose()
    save_whole(document, out_path)
    progress(STEPS, STEPS)
    return covered


def _build(session: Session, options: ExportOptions, progress):
    lang = options.language
    context = study_context(session, lang)
    guide = context.guide
    chosen = select(options.filter.interview_ids_query().subquery().c.id)

    def t(text, **values):
        return tr(text, lang=lang, **values)

    area_of = dict(
        session.execute(
            select(Interview.id, Interview.service_area).where(col(Interview.id).in_(chosen))
        ).all()
    )
    covered = len(area_of)
    document = new_document(lang)
    paragraph(document, t("Study synthesis"), "Title")
    paragraph(document, context.name, "Subtitle")
    scope = describe_filter(options.filter, context)
    paragraph(
        document,
        t(
            "{count} interviews · written {date}",
            count=covered,
            date=datetime.now(UTC).date().isoformat(),
        ),
    )
    if scope:
        paragraph(document, t("Chosen by {filter}.", filter=scope))

    # ---------------------------------------------------------------- interviews covered
    progress(1, STEPS)
    paragraph(document, t("The interviews"), "Heading 1")
    statuses = interview_status_labels(lang)
    by_area_status = Counter(
        (area, status)
        for area, status in session.execute(
            select(Interview.service_area, Interview.status).where(col(Interview.id).in_(chosen))
        )
    )
    areas = sorted(
        {area for area, _ in by_area_status},
        key=lambda a: -sum(n for (x, _), n in by_area_status.items() if x == a),
    )
    table(
        document,
        [t("Service area"), statuses["complete"], statuses["draft"], t("All")],
        [
            (
                context.label(CodeKind.SERVICE_AREA, area),
                by_area_status[(area, "complete")],
                by_area_status[(area, "draft")],
                by_area_status[(area, "complete")] + by_area_status[(area, "draft")],
            )
            for area in areas
        ]
        + [
            (
                t("All"),
                sum(n for (_, s), n in by_area_status.items() if s == "complete"),
                sum(n for (_, s), n in by_area_status.items() if s == "draft"),
                covered,
            )
        ],
        widths_cm=(8.4, 2.7, 2.7, 2.6),
    )
    interviewers = session.execute(
        select(Interviewer.name, func.count())
        .join(Interview, Interview.interviewer_id == Interviewer.id)
        .where(col(Interview.id).in_(chosen))
        .group_by(Interviewer.name)
        .order_by(func.count().desc())
    ).all()
    if interviewers:
        paragraph(
            document,
            t(
                "Interviews per interviewer: {list}.",
                list=", ".join(f"{name} {count}" for name, count in interviewers),
            ),
        )

    # ---------------------------------------------------------------- priority ratings
    progress(2, STEPS)
    ratings = defaultdict(list)  # (question, scale, area) -> values; None = don't know
    for interview_id, question_key, scale_key, value, dont_know in session.execute(
        select(
            Rating.interview_id,
            Rating.question_key,
            Rating.scale_key,
            Rating.value,
            Rating.dont_know,
        ).where(col(Rating.interview_id).in_(chosen))
    ):
        if value is not None or dont_know:
            ratings[(question_key, scale_key, area_of[interview_id])].append(value)
    for question in (q for q in guide.questions if q.answer is AnswerType.RATINGS):
        paragraph(document, f"{question.number}. {question.title.in_language(lang)}", "Heading 1")
        paragraph(document, question.text.in_language(lang), "Subtitle")
        headers = [t("Service area")]
        for scale in question.scales:
            name = scale.label.in_language(lang)
            headers += [t("{scale}: mean (n)", scale=name), t("{scale}: 4–5", scale=name)]
        rows, means = [], defaultdict(dict)
        for area in areas:
            row = [context.label(CodeKind.SERVICE_AREA, area)]
            for scale in question.scales:
                values = [v for v in ratings[(question.key, scale.key, area)] if v is not None]
                mean = sum(values) / len(values) if values else None
                means[scale.key][area] = mean
                high = sum(v >= 4 for v in values)
                row += [
                    f"{mean:.1f} ({len(values)})" if mean is not None else "—",
                    f"{round(100 * high / len(values))} %" if values else "—",
                ]
            rows.append(row)
        table(document, headers, rows, widths_cm=_widths(4.0, len(headers)))
        dont_know = sum(
            v is None for key, values in ratings.items() if key[0] == question.key for v in values
        )
        paragraph(
            document,
            t(
                "Ratings run from 1 (very low) to 5 (very high); “4–5” is the "
                "share rating high or very high. “Don't know” answers ({count}) "
                "are left out of the means.",
                count=dont_know,
            ),
            "Caption",
        )
        if any(m is not None for scale_means in means.values() for m in scale_means.values()):
            picture(
                document,
                priority_chart(question, areas, means, context, lang),
                t("Mean priority by service area"),
            )

    # ---------------------------------------------------------------- challenge themes
    progress(3, STEPS)
    paragraph(document, t("Challenge themes"), "Heading 1")
    ranks = defaultdict(Counter)  # theme -> rank -> count
    naming = defaultdict(set)  # theme -> interviews
    for interview_id, rank, theme in session.execute(
        select(Challenge.interview_id, Challenge.rank, Challenge.theme_code).where(
            col(Challenge.interview_id).in_(chosen), col(Challenge.deleted_at).is_(None)
        )
    ):
        theme = theme or ""
        ranks[theme][rank] += 1
        naming[theme].add(interview_id)
    themes = sorted(naming, key=lambda th: (-len(naming[th]), -ranks[th][1]))
    limit = guide.max_challenges
    table(
        document,
        [t("Theme"), t("Interviews"), t("Share")]
        + [t("Ranked {rank}", rank=rank) for rank in range(1, limit + 1)],
        [
            (
                context.label(CodeKind.CHALLENGE_THEME, theme) or t("No theme"),
                len(naming[theme]),
                f"{round(100 * len(naming[theme]) / max(covered, 1))} %",
            )
            + tuple(ranks[theme][rank] for rank in range(1, limit + 1))
            for theme in themes
        ],
        widths_cm=_widths(5.6, 3 + limit),
    )
    paragraph(
        document,
        t(
            "Themes by the number of interviews naming them among the three "
            "most significant challenges, and how often at each rank."
        ),
        "Caption",
    )
    if themes:
        picture(
            document,
            theme_chart(themes, ranks, limit, context, lang),
            t("How often each theme is named, by rank"),
        )

    # ---------------------------------------------------------------- initiatives and effects
    progress(4, STEPS)
    paragraph(document, t("Initiatives and their effects"), "Heading 1")
    initiatives = session.execute(
        select(
            Initiative.id, Initiative.interview_id, Initiative.title, Initiative.category_code
        ).where(col(Initiative.interview_id).in_(chosen), col(Initiative.deleted_at).is_(None))
    ).all()
    effects = (
        session.execute(
            select(Effect).where(
                col(Effect.interview_id).in_(chosen), col(Effect.deleted_at).is_(None)
            )
        )
        .scalars()
        .all()
    )
    kinds = effect_kind_labels(lang)
    effect_kinds = defaultdict(Counter)  # initiative -> kind -> count
    for effect in effects:
        effect_kinds[effect.initiative_id][effect.kind] += 1
    by_category = defaultdict(list)
    for initiative in initiatives:
        by_category[initiative.category_code or ""].append(initiative)
    categories = sorted(by_category, key=lambda c: -len(by_category[c]))
    table(
        document,
        [t("Category"), t("Initiatives"), t("Interviews")] + [kinds[kind] for kind in EffectKind],
        [
            (
                context.label(CodeKind.INITIATIVE_CATEGORY, category) or t("No category"),
                len(by_category[category]),
                len({i.interview_id for i in by_category[category]}),
            )
            + tuple(
                sum(effect_kinds[i.id][kind] for i in by_category[category]) for kind in EffectKind
            )
            for category in categories
        ],
        widths_cm=_widths(4.0, 3 + len(EffectKind)),
    )
    paragraph(
        document,
        t("Initiatives by category, with the number of effects of each kind reported for them."),
        "Caption",
    )
    place = dict(
        session.execute(
            select(Interview.id, Interview.respondent_role + " · " + Interview.municipality).where(
                col(Interview.id).in_(chosen)
            )
        ).all()
    )
    initiative_of = {initiative.id: initiative for initiative in initiatives}
    measured = [e for e in effects if e.baseline is not None or e.current is not None]
    for category in categories:
        figures = [
            e
            for e in measured
            if initiative_of[e.initiative_id].category_code == (category or None)
        ]
        if not figures:
            continue
        paragraph(
            document,
            context.label(CodeKind.INITIATIVE_CATEGORY, category) or t("No category"),
            "Heading 2",
        )
        table(
            document,
            [t("Initiative"), t("Measure"), t("Before → now"), t("Period"), t("Reported by")],
            [
                (
                    initiative_of[e.initiative_id].title,
                    e.metric or e.description,
                    f"{format_figure(e.baseline, lang)} → {format_figure(e.current, lang)}"
                    + (f" {e.unit}" if e.unit else ""),
                    e.period or "",
                    place[e.interview_id],
                )
                for e in sorted(figures, key=lambda e: (e.metric or "", e.interview_id))
            ],
            widths_cm=(4.2, 4.2, 2.9, 2.2, 3.0),
        )

    # ---------------------------------------------------------------- quotes
    progress(5, STEPS)
    paragraph(document, t("Quotes by theme"), "Heading 1")
    quotes = session.execute(
        select(
            Quote.text,
            Quote.theme_code,
            Quote.speaker_role,
            Interview.service_area,
            Interview.municipality,
        )
        .join(Interview, Interview.id == Quote.interview_id)
        .where(
            col(Quote.interview_id).in_(chosen),
            col(Quote.deleted_at).is_(None),
            col(Quote.use_in_report),
        )
        .order_by(Quote.theme_code, Quote.created_at)
    ).all()
    if not quotes:
        paragraph(document, t("No quotes are marked “use in report” in these interviews."))
    grouped = defaultdict(list)
    for quote in quotes:
        grouped[quote.theme_code or ""].append(quote)
    for theme in sorted(grouped, key=lambda th: (th == "", -len(grouped[th]))):
        paragraph(
            document, context.label(CodeKind.CHALLENGE_THEME, theme) or t("No theme"), "Heading 2"
        )
        for quote in grouped[theme]:
            paragraph(document, f"“{quote.text}”", "Quote")
            paragraph(
                document,
                "— "
                + ", ".join(
                    (
                        quote.speaker_role,
                        context.label(CodeKind.SERVICE_AREA, quote.service_area),
                        quote.municipality,
                    )
                ),
                "Caption",
            )
    paragraph(
        document, t("Quotes are attributed by role, service area and municipality only."), "Caption"
    )
    return document, covered


TEXT_WIDTH_CM = 16.4


def _widths(first: float, columns: int) -> tuple[float, ...]:
    """A wide first column for names; the others share the rest of the line."""
    rest = (TEXT_WIDTH_CM - first) / (columns - 1)
    return (first,) + (rest,) * (columns - 1)
