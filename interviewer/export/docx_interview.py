"""Word, one interview: a clean summary a respondent could be sent.

A header block (study, respondent role, service area, municipality, date, interviewer, the
consent recorded), the four questions with their answers, the ranked challenges as a table,
each initiative with its effects and figures, and the quotes, on the styles of the reference
document. The interviewer's own notes stay out unless options.internal_notes (the document then
says "For internal use" at the top of every page); a draft says "Draft" in its title and on
every page; personal data follows export/ethics.py (without it: every date as its month, the
interviewer as a number, never the name, the municipality, the location or the device).
"""

import uuid
from pathlib import Path

from docx.shared import Pt
from sqlmodel import Session, col, select

from interviewer import interviews as svc
from interviewer.errors import InterviewerError
from interviewer.export.consent import consent_recorded
from interviewer.export.docx_common import (
    check_target,
    labelled,
    new_document,
    paragraph,
    quote,
    save_whole,
    set_metadata,
    table,
    text,
)
from interviewer.export.ethics import interviewer_labels, personal, shown_date, shown_time
from interviewer.export.options import ExportOptions
from interviewer.export.reading import read_only_engine, study_context
from interviewer.guide import AnswerType
from interviewer.i18n import tr
from interviewer.storage.health import naming_bad_records
from interviewer.storage.models import CodeKind, Interview, Interviewer, InterviewStatus
from interviewer.wording import (
    effect_kind_labels,
    figure_text,
    initiative_status_labels,
    mode_labels,
)


def write_interview_docx(
    db_path: Path, out_path: Path, interview_id: uuid.UUID, options: ExportOptions | None = None
) -> None:
    options = options or ExportOptions()
    check_target(out_path)
    engine = read_only_engine(db_path)
    try:
        with naming_bad_records(db_path, interview_id), Session(engine) as session:
            interview = session.get(Interview, interview_id)
            if interview is None or interview.deleted_at is not None:
                raise InterviewerError(f"there is no interview {interview_id} in {db_path}")
            document = _build(session, interview, options)
    finally:
        engine.dispose()
    save_whole(document, out_path)


def _build(session: Session, interview, options: ExportOptions):
    lang = options.language
    context = study_context(session, lang)
    guide = context.guide

    def t(text, **values):
        return tr(text, lang=lang, **values)

    document = new_document(lang)
    draft = interview.status == InterviewStatus.DRAFT
    marks = _marks(draft=draft, internal=options.internal_notes, lang=lang)
    if marks:
        _mark_every_page(document, marks)
        paragraph(document, marks, "Intense Quote")
    title = t("Interview summary (draft)") if draft else t("Interview summary")
    set_metadata(document, title=title, study=context.name, language=lang)
    paragraph(document, title, "Title")
    paragraph(document, context.name, "Subtitle")
    # numbered among all the study's interviewers when personal data is left out, so a number
    # means the same person here as in the synthesis and the workbook
    interviewers = interviewer_labels(
        session.exec(
            select(Interviewer.id, Interviewer.name).where(
                Interviewer.study_id == interview.study_id
            )
        ).all(),
        options,
    )
    facts = [
        (t("Study"), context.name),
        (t("Respondent"), interview.respondent_role),
        (t("Name"), personal(interview.respondent_name, options)),
        (t("Service area"), context.label(CodeKind.SERVICE_AREA, interview.service_area)),
        (t("Municipality"), personal(interview.municipality, options)),
        (t("Date"), _date_text(shown_date(interview.interview_date, options))),
        (t("Time"), _times(interview, options)),
        (t("Interviewer"), interviewers.get(interview.interviewer_id, "—")),
        (t("Mode"), mode_labels(lang)[interview.mode]),
        (t("Location"), personal(interview.location, options)),
        (t("Consent"), _consent(session, interview, options, lang)),
    ]
    table(
        document,
        None,
        [(label, value) for label, value in facts if value],
        bold_first_column=True,
    )

    answers = svc.answers_by_question(session=session, interview_id=interview.id)
    ratings = svc.ratings_by_scale(session=session, interview_id=interview.id)
    challenges = svc.live_challenges(session=session, interview_id=interview.id)
    initiatives = svc.live_initiatives(session=session, interview_id=interview.id)
    effects = svc.live_effects(session=session, interview_id=interview.id)
    statuses, kinds = initiative_status_labels(lang), effect_kind_labels(lang)

    for question in guide.questions:
        paragraph(document, f"{question.number}. {question.title.in_language(lang)}", "Heading 1")
        paragraph(document, question.text.in_language(lang), "Subtitle")
        if question.answer is AnswerType.RATINGS:
            points = question.scale_points.in_language(lang)
            rows = []
            for scale in question.scales:
                rating = ratings.get((question.key, scale.key))
                if rating is not None and rating.dont_know:
                    value = t("Don't know")
                elif rating is not None and rating.value:
                    value = f"{rating.value} – {points[rating.value - 1]}"
                else:
                    value = t("Not answered")
                rows.append((scale.label.in_language(lang), value))
            table(document, [t("Rated for"), t("Rating (1–5)")], rows)
        elif question.answer is AnswerType.RANKED_CHALLENGES:
            if challenges:
                table(
                    document,
                    [t("Rank"), t("Challenge"), t("Theme")],
                    [
                        (
                            c.rank,
                            _titled(c.title, c.description),
                            context.label(CodeKind.CHALLENGE_THEME, c.theme_code) or "—",
                        )
                        for c in challenges
                    ],
                    titled_columns=[1],
                )
            else:
                paragraph(document, t("No challenges were recorded."))
        elif question.answer is AnswerType.INITIATIVES:
            if not initiatives:
                paragraph(document, t("No initiatives were recorded."))
            for initiative in initiatives:
                # heading, meta line and description on one page: never a heading and its
                # line at a page's foot with the description over the leaf
                heading = paragraph(document, initiative.title, "Heading 2")
                heading.paragraph_format.keep_with_next = True
                details = [
                    context.label(CodeKind.INITIATIVE_CATEGORY, initiative.category_code),
                    statuses[initiative.status],
                ]
                if initiative.start_date:
                    since = _date_text(shown_date(initiative.start_date, options))
                    details.append(t("since {date}", date=since))
                meta = paragraph(document, " · ".join(part for part in details if part))
                meta.paragraph_format.keep_with_next = bool(initiative.description)
                if initiative.description:
                    paragraph(document, initiative.description)
        elif question.answer is AnswerType.EFFECTS:
            if not effects:
                paragraph(document, t("No effects were recorded."))
            for initiative in initiatives:
                own = [effect for effect in effects if effect.initiative_id == initiative.id]
                if not own:
                    continue
                heading = paragraph(document, initiative.title, "Heading 2")
                heading.paragraph_format.keep_with_next = True  # with its first effect
                for effect in own:
                    item = document.add_paragraph(style="List Bullet")
                    item.add_run(f"{kinds[effect.kind]}: ").bold = True
                    item.add_run(text(effect.description or "—"))
                    figure = figure_text(effect, lang)
                    if figure:
                        item.add_run(f" — {text(figure)}")
        notes = answers.get(question.key)
        # the interviewer's own notes are not the respondent's words: internal use only
        if options.internal_notes and notes is not None and notes.notes.strip():
            labelled(document, t("Notes"), notes.notes)

    quotes = svc.live_quotes(session=session, interview_id=interview.id)
    if quotes:
        paragraph(document, t("Quotes"), "Heading 1")
        numbers = {q.key: q.number for q in guide.questions}
        for said in quotes:
            where = (
                t("question {number}", number=numbers[said.question_key])
                if said.question_key in numbers
                else ""
            )
            who = " · ".join(part for part in (f"— {said.speaker_role}", where) if part)
            quote(document, said.text, who)
    return document


def _marks(*, draft: bool, internal: bool, lang: str) -> str:
    """The warnings a reader must see first: "For internal use", "Draft", or both."""
    parts = []
    if internal:
        parts.append(tr("For internal use: holds the interviewer's own notes", lang=lang))
    if draft:
        parts.append(tr("Draft: the interview is not marked complete", lang=lang))
    return " · ".join(parts)


def _mark_every_page(document, marks: str) -> None:
    """The warnings in the page header, so no printed page comes without them."""
    header = document.sections[0].header
    header.is_linked_to_previous = False
    blank = [p for p in header.paragraphs if not p.text.strip()]
    line = blank[0] if blank else header.add_paragraph()  # beside what the header holds
    run = line.add_run(text(marks))
    run.bold = True
    run.font.size = Pt(9)
    line.paragraph_format.space_after = Pt(8)  # apart from the body, when it takes two lines


def _date_text(value) -> str | None:
    """A date (ISO) or the month text shown_date gives without personal data."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def _times(interview: Interview, options: ExportOptions) -> str | None:
    """ "10:00–11:30", "10:00", or None (no time recorded, or personal data left out)."""
    times = [shown_time(value, options) for value in (interview.start_time, interview.end_time)]
    return "–".join(value.strftime("%H:%M") for value in times if value is not None) or None


def _consent(session: Session, interview: Interview, options: ExportOptions, lang: str) -> str:
    """The consent recorded, said in words: "Yes, given 2017-05-17" or "No consent recorded".
    Read by export/consent.py's rule, not the model's bool (which says True for 'false')."""
    given = session.exec(
        select(consent_recorded(col(Interview.consent_given))).where(Interview.id == interview.id)
    ).one()
    if not given:
        return tr("No consent recorded", lang=lang)
    day = _date_text(shown_date(interview.consent_date, options))
    return tr("Yes, given {date}", lang=lang, date=day) if day else tr("Yes", lang=lang)


def _titled(title: str, description: str) -> str:
    return f"{title}\n{description}" if description else title
