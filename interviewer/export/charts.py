"""Charts of the Word synthesis, drawn with matplotlib's object API into PNG bytes."""

import io

from interviewer.i18n import tr
from interviewer.storage.models import CodeKind


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=160, bbox_inches="tight")
    return buffer.getvalue()


def _figure(width: float, height: float):
    """A figure of matplotlib's object API: no pyplot state, so exports on several threads
    at once cannot draw into each other's charts."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    return figure, figure.subplots()


ACCENT = "#25628f"
SECOND = "#9cc3e0"


def priority_chart(question, areas, means, context, lang) -> bytes:
    labels = [context.label(CodeKind.SERVICE_AREA, area) for area in areas]
    figure, axes = _figure(7.5, 0.5 + 0.45 * len(areas) * len(question.scales))
    height = 0.8 / max(len(question.scales), 1)
    for index, (scale, colour) in enumerate(
        zip(question.scales, (ACCENT, SECOND, "#666"), strict=False)
    ):
        values = [means[scale.key].get(area) or 0 for area in areas]
        positions = [n + index * height for n in range(len(areas))]
        axes.barh(
            positions,
            values,
            height=height * 0.9,
            color=colour,
            label=scale.label.in_language(lang),
        )
    axes.set_yticks(
        [n + height * (len(question.scales) - 1) / 2 for n in range(len(areas))], labels
    )
    axes.invert_yaxis()
    axes.set_xlim(0, 5)
    axes.set_xlabel(tr("Mean rating (1–5)", lang=lang))
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return _png(figure)


def theme_chart(themes, ranks, limit, context, lang) -> bytes:
    labels = [
        context.label(CodeKind.CHALLENGE_THEME, th) or tr("No theme", lang=lang) for th in themes
    ]
    figure, axes = _figure(7.5, 0.6 + 0.38 * len(themes))
    left = [0] * len(themes)
    shades = [ACCENT, "#5f93bd", SECOND, "#cfe1ef"]
    for rank in range(1, limit + 1):
        values = [ranks[th][rank] for th in themes]
        axes.barh(
            range(len(themes)),
            values,
            left=left,
            color=shades[(rank - 1) % 4],
            label=tr("Ranked {rank}", lang=lang, rank=rank),
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(range(len(themes)), labels)
    axes.invert_yaxis()
    axes.set_xlabel(tr("Times named", lang=lang))
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return _png(figure)
