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
