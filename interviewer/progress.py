"""How far an interview has come: which questions have answers, and what is still missing."""

import uuid
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, or_, select

from interviewer import interviews as svc
from interviewer.guide import AnswerType, Guide
from interviewer.i18n import language, tr
from interviewer.storage.models import (
    Challenge,
    Effect,
    EffectKind,
    Initiative,
    Interview,
    Rating,
)


@dataclass
class Progress:
    """The answered state of each question (by key) and the gaps a reviewer should see."""

    answered: dict[str, bool] = field(default_factory=dict)
    respondent_complete: bool = False
    missing: list[str] = field(default_factory=list)

    @property
    def answered_count(self) -> int:
        return sum(self.answered.values())


def interview_progress(*, session: Session, interview: Interview, guide: Guide) -> Progress:
    progress = Progress()
    if not interview.consent_given:
        progress.missing.append(tr("Respondent: consent is not recorded."))
    progress.respondent_complete = interview.consent_given
    ratings = svc.ratings_by_scale(session=session, interview_id=interview.id)
    challenges = svc.live_challenges(session=session, interview_id=interview.id)
    initiatives = svc.live_initiatives(session=session, interview_id=interview.id)
    effects = svc.live_effects(session=session, interview_id=interview.id)
    lang = language()
    for question in guide.questions:
        title = f"{question.number} {question.title.in_language(lang)}"
        if question.answer is AnswerType.RATINGS:
            unset = [
                scale.label.in_language(lang)
                for scale in question.scales
                if (rating := ratings.get((question.key, scale.key))) is None
                or (rating.value is None and not rating.dont_know)
            ]
            progress.answered[question.key] = not unset
            progress.missing += [
                tr("{question}: no rating for {scale}.", question=title, scale=scale)
                for scale in unset
            ]
        elif question.answer is AnswerType.RANKED_CHALLENGES:
            progress.answered[question.key] = bool(challenges)
            if not challenges:
                progress.missing.append(tr("{question}: no challenges yet.", question=title))
            progress.missing += [
                tr("{question}: challenge {rank} has no theme.", question=title, rank=c.rank)
                for c in challenges
                if not c.theme_code
            ]
        elif question.answer is AnswerType.INITIATIVES:
            progress.answered[question.key] = bool(initiatives)
            if not initiatives:
                progress.missing.append(tr("{question}: no initiatives yet.", question=title))
            progress.missing += [
                tr("{question}: “{title}” has no category.", question=title, title=i.title)
                for i in initiatives
                if not i.category_code
            ]
        elif question.answer is AnswerType.EFFECTS:
            progress.answered[question.key] = bool(effects)
            with_effects = {effect.initiative_id for effect in effects}
            progress.missing += [
                tr("{question}: “{title}” has no effects yet.", question=title, title=i.title)
                for i in initiatives
                if i.id not in with_effects
            ]
            progress.missing += [
                tr("{question}: a measured effect has no figure.", question=title)
                for effect in effects
                if effect.kind is EffectKind.MEASURED and effect.current is None
            ]
    return progress


def answered_counts(*, session: Session) -> dict[uuid.UUID, int]:
    """How many of the four kinds of question each interview has answered, for the list.

    One grouped query per kind, so listing 10,000 interviews stays fast.
    """
    counts: dict[uuid.UUID, int] = {}

    def count(ids) -> None:
        for interview_id in ids:
            counts[interview_id] = counts.get(interview_id, 0) + 1

    answered = or_(col(Rating.value).is_not(None), col(Rating.dont_know))
    count(
        session.exec(
            select(Rating.interview_id)
            .group_by(Rating.interview_id)
            .having(func.count() == func.sum(answered))
        )
    )
    for model in (Challenge, Initiative, Effect):
        count(
            session.exec(
                select(model.interview_id).where(col(model.deleted_at).is_(None)).distinct()
            )
        )
    return counts
