"""Numbers as people write them, read and shown in a language: an effect's figures (before and
now), and the counts, means, shares and medians a report computes from them.

Danish groups thousands with a point and marks decimals with a comma (``1.250,5``), English the
other way round (``1,250.5``). Reading is done by Babel in strict mode, so a form that mixes the
two is refused rather than guessed; what was typed never appears in a refusal or a log.

This is the one place numbers are formatted for a reader. The rules: never scientific notation;
a figure shows the digits it was typed with and no binary noise (0.1 + 0.5 is 0.6, not
0.6000000000000001), so arithmetic on figures is done in Decimal; means and shares are rounded
half away from zero, as Excel's ROUND does (3.25 -> 3.3), not by Python's round(), which rounds
half to even on a binary float.

A figure computed from figures (a change, a median) has no more decimals than its figures (one
more for the middle of an even count) and at most SIGNIFICANT significant digits: a float holds
15 significant decimal digits faithfully, so any digit past those is binary noise, not something
typed (1.2e-05 and 0.7000000000000001 have the median 0.350006, not 0.35000600000000005).
"""

import math
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from babel.numbers import (
    NumberFormatError,
    format_decimal,
    format_percent,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

from interviewer.export.text import MARKER
from interviewer.i18n import language, tr

# Spaces people put between groups of thousands ("1 250"), the typographic minus, and the
# characters a figure may hold at all: anything else (letters, "inf", "1e5") is not a figure.
_SPACES = " \u00a0\u202f\u2009"
_MINUS = "\u2212"
_EXAMPLE = Decimal("1250.5")
# Decimal's default keeps 28 digits; the largest float has 309
PRECISION = 800
# Every decimal number of up to 15 significant digits comes back unchanged from a float (C's
# DBL_DIG): the most digits a figure computed from stored figures can honestly show.
SIGNIFICANT = 15


class FigureError(ValueError):
    """A text that is not a figure in the language; ``reason`` says why, in that language,
    without repeating the text."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _babel_locale(lang: str) -> str:
    return lang if lang in ("da", "en") else "en"


def parse_figure(text: str, lang: str | None = None) -> float | None:
    """``text`` as a number in ``lang`` (default: the app's language); "" or spaces is None.

    Raises FigureError when the text is not a number, mixes the marks of two languages
    (English "1,250.5" typed in Danish) or is not finite.
    """
    lang = lang or language()
    locale = _babel_locale(lang)
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    cleaned = text.strip().replace(_MINUS, "-")
    if not cleaned:
        return None
    allowed = set("0123456789+-") | {group, decimal} | set(_SPACES)
    if not any(ch.isdigit() for ch in cleaned) or not set(cleaned) <= allowed:
        raise FigureError(
            tr(
                "A figure is a number only, like {example}: words such as “about” go in the "
                "description.",
                lang=lang,
                example=format_figure(float(_EXAMPLE), lang),
            )
        )
    cleaned = _spaces_as_groups(cleaned, group, decimal)
    try:
        if any(space in cleaned for space in _SPACES):
            raise NumberFormatError("a space that does not group thousands")
        with localcontext() as context:
            context.prec = PRECISION
            value = parse_decimal(cleaned, locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation):
        raise FigureError(_reason(cleaned, group, decimal, lang)) from None
    number = float(value)
    if not math.isfinite(number):  # hundreds of digits: not a figure anyone measured
        raise FigureError(tr("The number is too large to be a figure.", lang=lang))
    return number


def _mark_names(lang: str) -> tuple[str, str]:
    """The names of the group mark and the decimal mark in ``lang``: ("a point", "a comma")."""
    point, comma = tr("a point", lang=lang), tr("a comma", lang=lang)
    return (point, comma) if get_group_symbol(_babel_locale(lang)) == "." else (comma, point)


def _reason(text: str, group: str, decimal: str, lang: str) -> str:
    """Why ``text`` (digits, signs, the two marks) is not a number in ``lang``: the actual
    problem, said with fixed examples, never with the text itself."""
    group_name, decimal_name = _mark_names(lang)
    example = format_figure(float(_EXAMPLE), lang)
    whole = text.partition(decimal)[0]
    if group in text and decimal in text and text.rindex(group) > text.index(decimal):
        return tr(
            "The point and the comma are swapped: {group_name} groups thousands and "
            "{decimal_name} marks the decimals, like {example}.",
            lang=lang,
            group_name=group_name,
            decimal_name=decimal_name,
            example=example,
        )
    if text.count(decimal) > 1:
        return _capital(
            tr(
                "{decimal_name} marks the decimals and comes only once; {group_name} groups "
                "thousands, like {example}.",
                lang=lang,
                decimal_name=decimal_name,
                group_name=group_name,
                example=example,
            )
        )
    if group in whole:
        return _capital(
            tr(
                "{group_name} groups thousands in threes, like {example}, so this is not a "
                "number; decimals take {decimal_name}: {decimal_example}.",
                lang=lang,
                group_name=group_name,
                example=example,
                decimal_name=decimal_name,
                decimal_example=format_figure(3.7, lang),
            )
        )
    return tr("Not a number: write it like {example}.", lang=lang, example=example)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _spaces_as_groups(text: str, group: str, decimal: str) -> str:
    """ "1 250" (any space between groups of three) as "1.250" in Danish, "1,250" in English;
    other spaces are left for the parser to refuse."""
    if not any(space in text for space in _SPACES):
        return text
    whole, mark, fraction = text.partition(decimal)
    pattern = rf"[+-]?\d{{1,3}}([{_SPACES}]\d{{3}})+"
    if re.fullmatch(pattern, whole):
        whole = re.sub(f"[{_SPACES}]", group, whole)
    return whole + mark + fraction


def format_figure(value: float | Decimal | None, lang: str | None = None) -> str:
    """``value`` as written in ``lang`` (default: the app's language), every digit kept, so
    that parse_figure reads it back as the same number: 1250.5 is "1.250,5" in Danish and
    "1,250.5" in English; 1e22 is written out in full, never as "1e+22"; None is "". A value
    that is no figure (inf or nan, as another program may store it) is MARKER, visible."""
    if value is None:
        return ""
    if not finite(value):
        return MARKER
    with localcontext() as context:
        context.prec = PRECISION
        number = exact(value)
        if number.is_zero():
            number = Decimal(0)  # -0.0 is a float artefact, not a figure anyone typed
        return format_decimal(
            number, locale=_babel_locale(lang or language()), decimal_quantization=False
        )


def finite(value: float | int | Decimal) -> bool:
    """False for inf and nan (float or Decimal): a stored value no figure can show."""
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def shown(value: float | int | Decimal) -> Decimal | float:
    """A stored figure as a reader is shown it: its typed digits, at most SIGNIFICANT of them
    (0.30000000000000004 is 0.3: the digits past 15 are binary noise, see SIGNIFICANT); inf
    and nan unchanged (format_figure marks them)."""
    if not finite(value):
        return value
    return computed(exact(value), places(value))


def exact(value: float | int | Decimal) -> Decimal:
    """``value`` as the decimal number it was typed as: a float by its shortest repr (the
    digits that were typed: 0.1 is Decimal("0.1"), not 0.1000000000000000055…); an int or a
    Decimal as it is. Raises ValueError for inf and nan."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    else:
        number = Decimal(repr(float(value)))
    if not number.is_finite():
        raise ValueError("not a finite number")
    return number


def places(value: float | int | Decimal) -> int:
    """How many decimals ``value`` was typed with: 0.25 has 2, 1.2e-05 has 6, 50 and 1e20
    have 0 (a float keeps no trailing zeros, so 1.50 typed is 1.5: 1)."""
    with localcontext() as context:
        context.prec = PRECISION
        return max(0, -exact(value).normalize().as_tuple().exponent)


def computed(value: Decimal, decimals: int) -> Decimal:
    """``value``, a figure computed from figures, as it may be shown: rounded half away from
    zero to ``decimals`` places and to at most SIGNIFICANT significant digits, without trailing
    zeros and never with an exponent (20, not 2E+1). Raises ValueError for inf and nan."""
    with localcontext() as context:
        context.prec = PRECISION
        number = exact(value)
        if number.is_zero():
            return Decimal(0)
        keep = min(decimals, SIGNIFICANT - 1 - number.adjusted())
        number = number.quantize(Decimal(1).scaleb(-keep), rounding=ROUND_HALF_UP).normalize()
        if number.is_zero():
            return Decimal(0)
        return number.quantize(Decimal(1)) if number.as_tuple().exponent > 0 else number


def change(baseline: float | Decimal | None, current: float | Decimal | None) -> Decimal | None:
    """``current - baseline`` in Decimal with no more decimals than the two figures have and
    no binary noise (0.7 - 0.1 is 0.6, not 0.6000000000000001; 0.1 -> 0.7000000000000001 is
    0.6 too: see SIGNIFICANT). None unless both are given; Decimal("NaN") when either is inf
    or nan (format_figure marks it)."""
    if baseline is None or current is None:
        return None
    if not (finite(baseline) and finite(current)):
        return Decimal("NaN")
    with localcontext() as context:
        context.prec = PRECISION
        difference = exact(current) - exact(baseline)
    return computed(difference, max(places(baseline), places(current)))


def figure_change(baseline: float | None, current: float | None) -> float | None:
    """change() as the nearest float, whose repr is the same digits (for a workbook cell): 0.6
    for 0.1 -> 0.7. None unless both are given; inf or nan when either figure or the change is
    beyond a float (the workbook marks it)."""
    difference = change(baseline, current)
    if difference is None:
        return None
    if not difference.is_finite():
        return math.nan
    return float(difference)


def round_half_up(value: float | int | Decimal, decimals: int = 0) -> Decimal:
    """``value`` rounded to ``decimals`` places, a half away from zero, as Excel's ROUND:
    3.25 -> 3.3, 2.675 -> 2.68, -2.5 -> -3 (Python's round gives 3.2, 2.67 and -2)."""
    with localcontext() as context:
        context.prec = PRECISION
        return exact(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def mean(values: Iterable[int | float | Decimal]) -> Decimal | None:
    """The exact mean of ``values`` (computed in Decimal from the typed digits, so a mean of
    exactly 3.25 is 3.25 and rounds to 3.3); None when there are none. Unrounded: show it with
    format_mean (ratings) or, for a mean of figures, through computed()."""
    with localcontext() as context:
        context.prec = PRECISION
        numbers = [exact(value) for value in values]
        return sum(numbers, Decimal(0)) / len(numbers) if numbers else None


def median(values: Iterable[float | int | Decimal]) -> Decimal | None:
    """The median of ``values`` in Decimal: the middle value, or the mean of the two middle
    values, shown as computed() shows a figure: with the decimals of the figures (one more for
    an even count, where the mean may end in a 5) and no binary noise. None when there are
    none; Decimal("NaN") when one is inf or nan (format_figure marks it)."""
    values = list(values)
    if not all(finite(value) for value in values):
        return Decimal("NaN")
    numbers = sorted(exact(value) for value in values)
    if not numbers:
        return None
    decimals = max(places(number) for number in numbers)
    middle = len(numbers) // 2
    if len(numbers) % 2:
        return computed(numbers[middle], decimals)
    with localcontext() as context:
        context.prec = PRECISION
        mid = (numbers[middle - 1] + numbers[middle]) / 2
    return computed(mid, decimals + 1)


def format_count(count: int, lang: str | None = None) -> str:
    """A count of things in ``lang``: 1250 is "1.250" in Danish and "1,250" in English."""
    return format_decimal(int(count), locale=_babel_locale(lang or language()))


MEAN_DECIMALS = 1  # a mean rating is shown to one decimal: 3.7


def format_mean(
    value: float | Decimal | None, lang: str | None = None, decimals: int = MEAN_DECIMALS
) -> str:
    """A mean in ``lang``, rounded half away from zero to ``decimals`` places and always
    showing them: 3.25 is "3,3" in Danish and "3.3" in English, 4 is "4.0". None is ""."""
    if value is None:
        return ""
    rounded = round_half_up(value, decimals)
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    # already rounded, so Babel's own rounding (half to even) has nothing left to do
    return format_decimal(rounded, format=pattern, locale=_babel_locale(lang or language()))


def ratio(total: int | float | Decimal, count: int) -> Decimal | None:
    """``total / count`` in Decimal, exact to far more digits than any rounding needs (the
    mean of ``count`` values that add up to ``total``); None when ``count`` is 0."""
    if not count:
        return None
    with localcontext() as context:
        context.prec = PRECISION
        return exact(total) / count


def share(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in per cent, rounded half away from zero to a whole per cent
    (1 of 8 is 13, not Python's 12); None when ``whole`` is 0."""
    if not whole:
        return None
    return round_half_up(ratio(100 * part, whole), 0)


def format_share(part: int, whole: int, lang: str | None = None) -> str:
    """``part`` of ``whole`` as a whole per cent in ``lang``: "13 %" in Danish, "13%" in
    English (each language's own pattern, from Babel); "" when ``whole`` is 0."""
    percent = share(part, whole)
    if percent is None:
        return ""
    return format_percent(percent / 100, locale=_babel_locale(lang or language()))


def before_and_now(
    baseline: float | Decimal | None,
    current: float | Decimal | None,
    lang: str | None = None,
    unit: str = "",
) -> str:
    """An effect's figures as "before → now" in ``lang``: "50 → 7", with ``unit`` after the
    last number given ("48 → 11 children"); a side that is not given says so ("50 children →
    no current value", "no baseline → 7 children"); "" when neither is given. Each figure
    with at most SIGNIFICANT digits (shown()): 0.30000000000000004 → 0.7000000000000001 is
    "0.3 → 0.7"."""
    if baseline is None and current is None:
        return ""
    unit = f" {unit}" if unit else ""
    if current is None:
        return f"{format_figure(shown(baseline), lang)}{unit} → {tr('no current value', lang=lang)}"
    before = (
        format_figure(shown(baseline), lang)
        if baseline is not None
        else tr("no baseline", lang=lang)
    )
    return f"{before} → {format_figure(shown(current), lang)}{unit}"
