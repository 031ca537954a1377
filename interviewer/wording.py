"""How record values read in words, in the app and in exports alike."""

from interviewer.figures import before_and_now
from interviewer.i18n import tr
from interviewer.storage.models import (
    Effect,
    EffectKind,
    InitiativeStatus,
    InterviewMode,
    InterviewStatus,
)


def mode_labels(lang: str | None = None) -> dict[InterviewMode, str]:
    return {
        InterviewMode.IN_PERSON: tr("In person", lang=lang),
        InterviewMode.VIDEO: tr("Video", lang=lang),
        InterviewMode.PHONE: tr("Phone", lang=lang),
    }


def initiative_status_labels(lang: str | None = None) -> dict[InitiativeStatus, str]:
    return {
        InitiativeStatus.PLANNED: tr("Planned", lang=lang),
        InitiativeStatus.UNDERWAY: tr("Underway", lang=lang),
        InitiativeStatus.COMPLETED: tr("Completed", lang=lang),
        InitiativeStatus.STOPPED: tr("Stopped", lang=lang),
    }


def effect_kind_labels(lang: str | None = None) -> dict[EffectKind, str]:
    return {
        EffectKind.MEASURED: tr("Measured", lang=lang),
        EffectKind.OBSERVED: tr("Observed", lang=lang),
        EffectKind.EXPECTED: tr("Expected", lang=lang),
        EffectKind.NONE_YET: tr("None yet", lang=lang),
    }


def interview_status_labels(lang: str | None = None) -> dict[InterviewStatus, str]:
    return {
        InterviewStatus.DRAFT: tr("Draft", lang=lang),
        InterviewStatus.COMPLETE: tr("Complete", lang=lang),
    }


def figure_text(effect: Effect, lang: str | None = None) -> str:
    """An effect's figure in ``lang``, e.g. "children placed outside the home: 48 → 11
    children (2015–2017)", "no baseline → 7" with only the value now; "" when it has none."""
    if effect.baseline is None and effect.current is None:
        return ""
    metric = f"{effect.metric}: " if effect.metric else ""
    period = f" ({effect.period})" if effect.period else ""
    # a side not given says so ("50 → no current value"), never an empty "50 →"
    figures = before_and_now(effect.baseline, effect.current, lang, effect.unit or "")
    return f"{metric}{figures}{period}"


def effect_summary(effect: Effect, lang: str | None = None) -> str:
    """ "Measured: description (figure)" in one line."""
    summary = f"{effect_kind_labels(lang)[effect.kind]}: {effect.description or '…'}"
    figure = figure_text(effect, lang)
    return f"{summary}  ({figure})" if figure else summary
