"""How far an interview has come: which questions have answers, and what is still missing."""

from dataclasses import dataclass, field

from sqlmodel import Session

from interviewer import interviews as svc
from interviewer.guide import AnswerType, Guide
from interviewer.i18n import language, tr
from interviewer.storage.models import EffectKind, Interview


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
