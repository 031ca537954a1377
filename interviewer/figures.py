"""Figures (an effect's before and now) as people write them, read and shown in a language.

Danish groups thousands with a point and marks decimals with a comma (``1.250,5``), English the
other way round (``1,250.5``). Reading is done by Babel in strict mode, so a form that mixes the
two is refused rather than guessed; what was typed never appears in a refusal or a log.
"""

import math
import re
from decimal import Decimal, InvalidOperation, localcontext

from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

from interviewer.i18n import language, tr

# Spaces people put between groups of thousands ("1 250"), the typographic minus, and the
# characters a figure may hold at all: anything else (letters, "inf", "1e5") is not a figure.
_SPACES = " \u00a0\u202f\u2009"
_MINUS = "\u2212"
_EXAMPLE = Decimal("1250.5")
# Decimal's default keeps 28 digits; the largest float has 309
PRECISION = 800


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
    example = format_figure(float(_EXAMPLE), lang)
    not_a_number = tr(
        "Not a number yet, so not saved. Write it like {example}.", lang=lang, example=example
    )
    allowed = set("0123456789+-") | {group, decimal} | set(_SPACES)
    if not any(ch.isdigit() for ch in cleaned) or not set(cleaned) <= allowed:
        raise FigureError(not_a_number)
    cleaned = _spaces_as_groups(cleaned, group, decimal)
    if any(space in cleaned for space in _SPACES):
        raise FigureError(not_a_number)
    try:
        with localcontext() as context:
            context.prec = PRECISION
            value = parse_decimal(cleaned, locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation):
        raise FigureError(
            tr(
                "The point and the comma are mixed up, so it is not saved. "
                "Write it like {example}.",
                lang=lang,
                example=example,
            )
        ) from None
    number = float(value)
    if not math.isfinite(number):  # hundreds of digits: not a figure anyone measured
        raise FigureError(tr("The number is too large to be a figure.", lang=lang))
    return number


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


def format_figure(value: float | None, lang: str | None = None) -> str:
    """``value`` as written in ``lang`` (default: the app's language), every digit kept, so
    that parse_figure reads it back as the same number: 1250.5 is "1.250,5" in Danish and
    "1,250.5" in English; None is ""."""
    if value is None:
        return ""
    # repr gives the shortest digits that are this float; Babel adds the marks
    with localcontext() as context:
        context.prec = PRECISION
        return format_decimal(
            Decimal(repr(float(value))),
            locale=_babel_locale(lang or language()),
            decimal_quantization=False,
        )
