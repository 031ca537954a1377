"""Charts of the Word synthesis, drawn with matplotlib's object API into PNG bytes.

Every number on a chart is written in the report's language (a decimal comma in Danish), and
the research-ethics rule of small groups holds here as in the tables: a bar computed from
fewer than k interviews (export/ethics.py) is not drawn and says so; a missing value is said
in words at its place, never drawn as an invisible bar.
"""

import io
import re
import textwrap
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from interviewer.export.ethics import too_few, too_few_sentence
from interviewer.export.options import ExportOptions
from interviewer.export.text import MARKER
from interviewer.figures import format_count, format_mean
from interviewer.i18n import tr
from interviewer.storage.models import CodeKind

ACCENT = "#25628f"
SECOND = "#9cc3e0"
NOTE = "#5a6570"  # the grey of the words said in place of a bar
SCALE = (1, 5)  # a rating runs from 1 to 5
SHORT_POINT = 14  # the scale's point labels go under the ticks when none is longer
# A label on a chart (a service area, a theme, a scale: typed text of any length) is wrapped
# to LABEL_WIDTH characters a line and LABEL_LINES lines, the rest cut with "…": the chart
# keeps its width, and the full label is in the table and the alternative text.
LABEL_WIDTH = 48
LABEL_LINES = 2


@cache
def _glyphs() -> frozenset[int]:
    """The characters the charts' font draws (matplotlib's default font, DejaVu Sans)."""
    from matplotlib.font_manager import FontProperties, findfont, get_font

    return frozenset(get_font(findfont(FontProperties())).get_charmap())


def chart_label(label: str) -> str:
    """``label`` as a chart shows it: on at most LABEL_LINES lines of LABEL_WIDTH characters
    (cut with "…"), every run of characters the font lacks (emoji, control characters) as one
    MARKER, so matplotlib has nothing to warn about."""
    glyphs = _glyphs()
    drawable = "".join(c if ord(c) in glyphs else MARKER for c in " ".join(label.split()))
    drawable = re.sub(f"{MARKER}+", MARKER, drawable)
    lines = textwrap.wrap(
        drawable, LABEL_WIDTH, max_lines=LABEL_LINES, placeholder=" …", break_on_hyphens=False
    )
    return "\n".join(lines)


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    # labels are made drawable (chart_label); a warning matplotlib still raises is its own
    # business, never text on the user's terminal
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        figure.savefig(buffer, format="png", dpi=160, bbox_inches="tight")
    return buffer.getvalue()


def _figure(width: float, height: float):
    """A figure of matplotlib's object API: no pyplot state, so exports on several threads
    at once cannot draw into each other's charts."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    return figure, figure.subplots()


def _count_axis(axes, lang: str) -> None:
    """Counts on the x axis as the reader writes them (1.250 in Danish), whole numbers only."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: format_count(int(value), lang)))


def _plain(axes) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


@dataclass(frozen=True)
class Chart:
    """A drawn chart: the picture, and what it shows in words for a reader who cannot see it
    (the picture's alternative text, every value with its n)."""

    png: bytes
    alt_text: str


def priority_chart(
    question,
    areas: Sequence[str],
    means: Mapping[str, Mapping[str, object]],
    counts: Mapping[str, Mapping[str, int]],
    context,
    options: ExportOptions,
) -> Chart:
    """The chart of priority_figure, drawn, with its alternative text."""
    figure, alt_text = _priority(question, areas, means, counts, context, options)
    return Chart(_png(figure), alt_text)


def priority_figure(question, areas, means, counts, context, options: ExportOptions):
    """The matplotlib Figure of priority_chart (to look at its axes)."""
    return _priority(question, areas, means, counts, context, options)[0]


def _priority(
    question,
    areas: Sequence[str],
    means: Mapping[str, Mapping[str, object]],
    counts: Mapping[str, Mapping[str, int]],
    context,
    options: ExportOptions,
):
    """The mean rating of each scale of ``question`` per service area, as bars on the 1–5
    scale (ticks 1 to 5, under each the scale's point label when all are short).
    ``means[scale_key][area]`` is the mean (a number, or None) and ``counts[scale_key][area]``
    the number of interviews it is computed from. A drawn bar carries its mean as text (3,8 in
    Danish). In place of a bar: "too few interviews to show (fewer than k)" for 1 to k-1
    interviews, "no answers" for none."""
    lang = options.language
    scales = list(question.scales)
    labels = [context.label(CodeKind.SERVICE_AREA, area) for area in areas]
    figure, axes = _figure(7.5, 0.7 + 0.45 * len(areas) * max(len(scales), 1))
    height = 0.8 / max(len(scales), 1)
    low, high = SCALE
    said = {area: [] for area in areas}  # the alternative text, per service area
    for index, (scale, colour) in enumerate(zip(scales, (ACCENT, SECOND, "#666"), strict=False)):
        name = scale.label.in_language(lang)
        drawn_name = chart_label(name)
        drawn = []
        for row, area in enumerate(areas):
            mean = means.get(scale.key, {}).get(area)
            count = counts.get(scale.key, {}).get(area, 0)
            y = row + index * height
            if count and too_few(count, options):
                note = too_few_sentence(options)
            elif mean is None or not count:
                note = tr("no answers", lang=lang)
            else:
                shown = format_mean(mean, lang)
                drawn.append((y, float(mean)))
                axes.text(
                    float(mean) + 0.04, y, shown, va="center", ha="left", fontsize=8, clip_on=False
                )
                said[area].append(f"{name} {shown} (n = {format_count(count, lang)})")
                continue
            # which bar is missing
            shown_note = f"{chart_label(name)}: {note}" if len(scales) > 1 else note
            axes.text(
                low + 0.04,
                y,
                shown_note,
                va="center",
                ha="left",
                fontsize=8,
                style="italic",
                color=NOTE,
            )
            said[area].append(f"{name}: {note}")
        # a bar from 1 to the mean: on a 1-5 scale its length is the distance from the lowest
        # rating; a mean of exactly 1 still shows its value beside it
        axes.barh(
            [y for y, _ in drawn],
            [mean - low for _, mean in drawn],
            left=low,
            height=height * 0.9,
            color=colour,
            label=drawn_name,
        )
    axes.set_yticks(
        [n + height * (len(scales) - 1) / 2 for n in range(len(areas))],
        [chart_label(label or "") for label in labels],
    )
    # every row in view, also one with no bar (its words are all there is); top to bottom
    axes.set_ylim(len(areas) - 1 + height * (len(scales) - 0.5), -height / 2)
    axes.set_xlim(low, high)
    points = question.scale_points.in_language(lang) if question.scale_points else None
    points = [chart_label(point) for point in points] if points else None
    ticks = list(range(low, high + 1))
    if points and len(points) == len(ticks) and max(len(p) for p in points) <= SHORT_POINT:
        axes.set_xticks(ticks, [f"{n}\n{point}" for n, point in zip(ticks, points, strict=True)])
    else:
        axes.set_xticks(ticks, [str(n) for n in ticks])
    axes.set_xlabel(tr("Mean rating (1–5)", lang=lang))
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    _plain(axes)
    words = [
        tr(
            "Bar chart of the mean rating on the scale from 1 to 5, by service area.",
            lang=lang,
        )
    ]
    words += [
        f"{label}: {'; '.join(said[area])}." for area, label in zip(areas, labels, strict=True)
    ]
    return figure, " ".join(words)


def theme_chart(
    themes: Sequence[str],
    ranks: Mapping[str, Mapping[int, int]],
    limit: int,
    context,
    options: ExportOptions,
    naming: Mapping[str, int] | None = None,
) -> Chart:
    """How often each challenge theme is named, stacked by rank (1 to ``limit``), counts
    written as the reader writes them. ``ranks[theme][rank]`` counts the interviews naming
    the theme at that rank (a rank left out is not drawn); ``naming[theme]`` the interviews
    naming it at all (default: the sum of its ranks). A theme named in fewer than k interviews
    gets no bar and says "too few interviews to show (fewer than k)"."""
    lang = options.language
    naming = naming or {th: sum(ranks[th].values()) for th in themes}
    labels = [
        context.label(CodeKind.CHALLENGE_THEME, th) or tr("No theme", lang=lang) for th in themes
    ]
    hidden = {th for th in themes if too_few(naming.get(th, 0), options)}
    drawn_labels = [chart_label(label) for label in labels]
    # a label on two lines takes a taller row, so that it does not touch its neighbours
    lines = max((label.count("\n") + 1 for label in drawn_labels), default=1)
    figure, axes = _figure(7.5, 0.6 + (0.38 + 0.2 * (lines - 1)) * len(themes))
    left = [0] * len(themes)
    shades = [ACCENT, "#5f93bd", SECOND, "#cfe1ef"]
    for rank in range(1, limit + 1):
        values = [0 if th in hidden else ranks[th].get(rank, 0) for th in themes]
        axes.barh(
            range(len(themes)),
            values,
            left=left,
            color=shades[(rank - 1) % 4],
            label=tr("Ranked {rank}", lang=lang, rank=rank),
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    words = [tr("Bar chart of how often each challenge theme is named, by rank.", lang=lang)]
    for row, (theme, label) in enumerate(zip(themes, labels, strict=True)):
        if theme in hidden:
            note = too_few_sentence(options)
            axes.text(
                0, row, f" {note}", va="center", ha="left", fontsize=8, style="italic", color=NOTE
            )
            words.append(f"{label}: {note}.")
            continue
        by_rank = [
            tr("rank {rank}: {count}", lang=lang, rank=rank, count=format_count(count, lang))
            for rank in range(1, limit + 1)
            if (count := ranks[theme].get(rank))
        ]
        named = format_count(naming.get(theme, 0), lang)
        words.append(
            f"{label}: n = {named}" + (f" ({', '.join(by_rank)})" if by_rank else "") + "."
        )
    axes.set_yticks(range(len(themes)), drawn_labels)
    axes.invert_yaxis()
    axes.set_xlabel(tr("Times named", lang=lang))
    _count_axis(axes, lang)
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    _plain(axes)
    return Chart(_png(figure), " ".join(words))
