"""The numbers a report shows (counts, means, shares, medians, figures and their changes) are
written as the reader writes them, rounded as Excel's ROUND rounds, with no binary noise and
never in scientific notation (figures.py, the one place that formats them)."""

import math
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from babel.numbers import parse_decimal
from hypothesis import given
from hypothesis import strategies as st

from interviewer.export.text import MARKER
from interviewer.figures import (
    PRECISION,
    SIGNIFICANT,
    before_and_now,
    change,
    figure_change,
    format_count,
    format_figure,
    format_mean,
    format_share,
    mean,
    median,
    parse_figure,
    ratio,
    round_half_up,
    share,
)

LANGUAGES = st.sampled_from(["da", "en"])


def excel_round(value: Fraction, decimals: int) -> Fraction:
    """Excel's ROUND on an exact value: half away from zero, in whole arithmetic."""
    scaled = abs(value) * 10**decimals
    whole = int(scaled)
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return Fraction(whole if value >= 0 else -whole, 10**decimals)


# ------------------------------------------------------------------ the examples of issue 11


@pytest.mark.parametrize(
    ("lang", "count", "shown"),
    [("da", 1250, "1.250"), ("en", 1250, "1,250"), ("da", 10000, "10.000"), ("en", 7, "7")],
)
def test_a_count_groups_thousands_as_the_language_does(lang, count, shown):
    assert format_count(count, lang) == shown


@pytest.mark.parametrize(
    ("lang", "value", "shown"),
    [
        ("da", 3.7, "3,7"),
        ("en", 3.7, "3.7"),
        ("da", 3.25, "3,3"),  # Python's round(3.25, 1) gives 3.2
        ("en", 3.25, "3.3"),
        ("en", 2.25, "2.3"),
        ("en", 4, "4.0"),
        ("da", 1250.25, "1.250,3"),
        ("en", 1250.25, "1,250.3"),
    ],
)
def test_a_mean_is_rounded_half_away_from_zero_in_the_language(lang, value, shown):
    assert format_mean(value, lang) == shown


def test_a_mean_of_ratings_is_exact_before_it_is_rounded():
    # 3, 3, 4, 3 have the mean 3.25: exactly half, so 3.3 as in Excel
    assert mean([3, 3, 4, 3]) == Decimal("3.25")
    assert format_mean(mean([3, 3, 4, 3]), "en") == "3.3"
    assert format_mean(ratio(13, 4), "da") == "3,3"
    assert mean([]) is None and ratio(5, 0) is None and format_mean(None, "en") == ""


@pytest.mark.parametrize(
    ("lang", "part", "whole", "shown"),
    [
        ("en", 1, 8, "13%"),  # 12.5 %: Python's round gives 12
        ("da", 1, 8, "13\xa0%"),
        ("en", 1, 3, "33%"),
        ("en", 2, 3, "67%"),
        ("da", 1250, 1250, "100\xa0%"),
        ("en", 0, 5, "0%"),
    ],
)
def test_a_share_is_a_whole_per_cent_rounded_half_away_from_zero(lang, part, whole, shown):
    assert format_share(part, whole, lang) == shown
    assert format_share(part, 0, lang) == ""


@pytest.mark.parametrize(
    ("lang", "value", "shown"),
    [
        ("en", 1.23457e06, "1,234,570"),  # seen as "1.23457e+06"
        ("da", 1.23457e06, "1.234.570"),
        ("en", 1.2e-05, "0.000012"),  # seen as "1.2e-05"
        ("da", 1.2e-05, "0,000012"),
        ("en", 12.3457, "12.3457"),  # as typed: no digit more, none less
        ("da", 12.5, "12,5"),
        ("en", 1e22, "10,000,000,000,000,000,000,000"),
        ("en", -0.0, "0"),
    ],
)
def test_a_figure_shows_the_digits_it_was_typed_with(lang, value, shown):
    assert format_figure(value, lang) == shown


def test_a_change_has_the_decimals_of_its_figures():
    assert figure_change(0.1, 0.7) == 0.6  # seen as 0.6000000000000001
    assert repr(figure_change(0.1, 0.7)) == "0.6"
    assert figure_change(48, 11) == -37
    assert figure_change(3.1, 3.7) == 0.6
    assert figure_change(None, 7) is None and figure_change(7, None) is None
    # beyond any float: inf, which the workbook marks (never an empty cell)
    assert figure_change(-1.7e308, 1.7e308) == math.inf
    assert math.isnan(figure_change(math.inf, 7))  # a figure no number shows: nor its change


@pytest.mark.parametrize("lang", ["en", "da"])
def test_a_figure_no_number_shows_is_the_marker(lang):
    """inf and nan (another program's write) are the visible marker, never "" or an error."""
    assert format_figure(math.inf, lang) == MARKER
    assert format_figure(-math.inf, lang) == MARKER
    assert format_figure(math.nan, lang) == MARKER
    assert before_and_now(math.inf, 12, lang) == f"{MARKER} → 12"
    assert format_figure(median([1, math.inf, 3]), lang) == MARKER


@pytest.mark.parametrize(
    ("lang", "baseline", "current", "text"),
    [
        ("en", 0.30000000000000004, 0.7000000000000001, "0.3 → 0.7 %"),
        ("da", 0.30000000000000004, 0.7000000000000001, "0,3 → 0,7 %"),
        ("en", 1.2e-05, 123456.78901234567, "0.000012 → 123,456.789012346 %"),
        ("da", 1250.5, 0.1, "1.250,5 → 0,1 %"),
    ],
)
def test_before_and_now_shows_at_most_15_significant_digits(lang, baseline, current, text):
    assert before_and_now(baseline, current, lang, "%") == text


@pytest.mark.parametrize(
    ("lang", "baseline", "current", "shown"),
    [
        ("en", 50, 7, "50 → 7"),
        ("da", 1250.5, 3.7, "1.250,5 → 3,7"),
        ("en", 12.3457, None, "12.3457 → no current value"),
        ("da", 12.3457, None, "12,3457 → ingen værdi nu"),
        ("en", None, 7, "no baseline → 7"),
        ("en", None, None, ""),
    ],
)
def test_a_figure_without_a_side_says_so(lang, baseline, current, shown):
    assert before_and_now(baseline, current, lang) == shown


def test_the_unit_follows_the_last_number_given():
    assert before_and_now(48, 11, "en", "children") == "48 → 11 children"
    assert before_and_now(48, None, "en", "children") == "48 children → no current value"
    assert before_and_now(None, 11, "da", "børn") == "ingen værdi før → 11 børn"


def test_the_median_is_the_middle_or_the_exact_mean_of_the_two_middle_figures():
    assert median([48, 11, 20]) == 20
    assert median([0.1, 0.2]) == Decimal("0.15")  # not 0.15000000000000002
    assert median([3.1, 3.7, 3.1, 3.7]) == Decimal("3.4")
    assert median([]) is None


# ---------------------------------------------------------------------------- properties


@given(LANGUAGES, st.integers(min_value=0, max_value=10**15))
def test_a_count_reads_back_as_the_same_count(lang, count):
    shown = format_count(count, lang)
    assert parse_figure(shown, lang) == count
    assert "e" not in shown.lower()


@given(
    LANGUAGES,
    st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=300),
)
def test_a_mean_rating_is_excels_round_of_the_exact_mean(lang, ratings):
    exact = Fraction(sum(ratings), len(ratings))
    shown = format_mean(ratio(sum(ratings), len(ratings)), lang)
    assert Fraction(str(parse_figure(shown, lang))) == excel_round(exact, 1)
    assert len(shown.replace(",", ".").partition(".")[2]) == 1  # always one decimal


@given(LANGUAGES, st.integers(min_value=0, max_value=10**6), st.integers(1, 10**6))
def test_a_share_is_excels_round_of_the_exact_share(lang, part, whole):
    part = min(part, whole)
    assert Fraction(share(part, whole)) == excel_round(Fraction(100 * part, whole), 0)
    shown = format_share(part, whole, lang)
    digits = shown.replace("%", "").replace("\xa0", "").strip()
    assert parse_figure(digits, lang) == float(share(part, whole))


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False),
    st.integers(min_value=0, max_value=3),
)
def test_rounding_is_half_away_from_zero_on_the_typed_digits(value, decimals):
    typed = float(value)  # what storage holds for a figure typed with these digits
    expected = excel_round(Fraction(repr(typed)), decimals)
    assert Fraction(round_half_up(typed, decimals)) == expected


@given(LANGUAGES, st.floats(allow_nan=False, allow_infinity=False))
def test_a_figure_is_never_in_scientific_notation_and_reads_back(lang, value):
    shown = format_figure(value, lang)
    assert "e" not in shown.lower()
    assert parse_figure(shown, lang) == value


DECIMALS = st.integers(min_value=0, max_value=4)


@given(
    st.integers(min_value=-(10**9), max_value=10**9),
    st.integers(min_value=-(10**9), max_value=10**9),
    DECIMALS,
    DECIMALS,
)
def test_a_change_keeps_the_decimals_of_its_operands(before, now, before_places, now_places):
    baseline = float(Decimal(before).scaleb(-before_places))  # as typed: before_places digits
    current = float(Decimal(now).scaleb(-now_places))
    change = figure_change(baseline, current)
    expected = Decimal(repr(current)) - Decimal(repr(baseline))
    assert change == float(expected)
    places = max(before_places, now_places)
    written = format_figure(change, "en").replace(",", "")
    assert len(written.partition(".")[2]) <= places


# ------------------------------------------------- computed figures: no binary noise (F6)


def test_the_median_of_extreme_figures_has_no_binary_noise():
    # breaker11 F6: four figures of one measure gave the median "0,35000600000000005"
    figures = [1.2e-05, 0.7000000000000001, 2.35, 1e-07]
    assert median(figures) == Decimal("0.350006")
    assert format_figure(median(figures), "da") == "0,350006"
    assert figure_change(0.1, 0.7000000000000001) == 0.6  # the workbook showed 0.6000000000000001
    assert format_figure(median([1e20, 1e-07]), "en") == "50,000,000,000,000,000,000"
    assert format_figure(change(1e-07, 1.2e-05), "da") == "0,0000119"


# figures as people type them: up to 15 significant digits, from tiny to huge
TYPED = st.one_of(
    st.builds(
        lambda digits, exponent, negative: ("-" if negative else "") + f"{digits}e{exponent}",
        st.integers(min_value=0, max_value=10**15 - 1),
        st.integers(min_value=-20, max_value=12),
        st.booleans(),
    ),
    st.sampled_from(["1e-07", "1.2e-05", "1e20", "0.7000000000000001", "0.1", "2.35", "-0"]),
)


def _decimals(shown: str, lang: str) -> int:
    mark = "," if lang == "da" else "."
    return len(shown.partition(mark)[2])


def _significant(number: Decimal) -> int:
    return 0 if number.is_zero() else len(number.normalize().as_tuple().digits)


def _check_computed(shown: str, value: Decimal, exact_value: Fraction, allowed: int, lang):
    """``shown`` (the formatted ``value``) keeps to the rule for ``exact_value`` computed from
    figures whose most decimals allow ``allowed``."""
    assert "e" not in shown.lower()
    with localcontext() as context:  # 1e25 has more digits than Decimal's default 28 allow
        context.prec = PRECISION
        assert parse_decimal(shown, locale=lang, strict=True) == value  # reads back exactly
    assert _decimals(shown, lang) <= allowed
    assert _significant(value) <= SIGNIFICANT
    # the nearest number of those digits: off by at most half the last place kept
    exact_decimal = Decimal(exact_value.numerator) / Decimal(exact_value.denominator)
    magnitude = 0 if exact_value == 0 else exact_decimal.adjusted()
    kept = min(allowed, SIGNIFICANT - 1 - magnitude)
    assert abs(Fraction(value) - exact_value) <= Fraction(1, 2) * Fraction(10) ** -kept
    # nothing is lost when the exact result fits the rule (every ordinary figure)
    if kept >= 0 and exact_value * 10**kept == int(exact_value * 10**kept):
        assert Fraction(value) == exact_value


def _typed_decimals(text: str) -> int:
    return max(0, -Decimal(repr(float(text))).normalize().as_tuple().exponent)


@given(LANGUAGES, st.lists(TYPED, min_size=1, max_size=9))
def test_a_median_of_typed_figures_keeps_their_decimals_and_reads_back(lang, typed):
    figures = [float(text) for text in typed]
    exact_figures = sorted(Fraction(repr(figure)) for figure in figures)
    middle = len(figures) // 2
    allowed = max(_typed_decimals(text) for text in typed)
    if len(figures) % 2:
        exact_median = exact_figures[middle]
    else:
        exact_median = (exact_figures[middle - 1] + exact_figures[middle]) / 2
        allowed += 1
    value = median(figures)
    _check_computed(format_figure(value, lang), value, exact_median, allowed, lang)


@given(LANGUAGES, TYPED, TYPED)
def test_a_change_of_typed_figures_keeps_their_decimals_and_reads_back(lang, before, now):
    baseline, current = float(before), float(now)
    value = change(baseline, current)
    exact_change = Fraction(repr(current)) - Fraction(repr(baseline))
    allowed = max(_typed_decimals(before), _typed_decimals(now))
    _check_computed(format_figure(value, lang), value, exact_change, allowed, lang)
    assert figure_change(baseline, current) == float(value)  # the workbook's cell, same digits
