"""Figures are read and shown as people write them in the app's language (Babel, strict)."""

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interviewer.figures import FigureError, format_figure, parse_figure
from interviewer.i18n import set_language

READ = [
    ("da", "1.250", 1250),
    ("da", "3,7", 3.7),
    ("da", "1.250,5", 1250.5),
    ("da", "1 250", 1250),
    ("da", "-12,5", -12.5),
    ("da", "−4", -4),
    ("da", " 50 ", 50),
    ("en", "1,250", 1250),
    ("en", "1,250.5", 1250.5),
    ("en", "3.7", 3.7),
    ("en", "1 250.5", 1250.5),
    ("en", "7", 7),
]
MIXED = [("da", "1,250.5"), ("da", "1.2345"), ("en", "1.250,5"), ("en", "3,7"), ("en", "12,50")]
NOT_NUMBERS = ["ca. 50", "50%", "about fifty", "inf", "nan", "-Infinity", "1e5", "1e400", "½"]


@pytest.mark.parametrize(("lang", "text", "value"), READ)
def test_a_figure_is_read_as_written_in_the_language(lang, text, value):
    assert parse_figure(text, lang) == value


@pytest.mark.parametrize(("lang", "text"), MIXED)
def test_a_form_that_mixes_the_marks_is_refused_with_the_reason(lang, text):
    with pytest.raises(FigureError) as refused:
        parse_figure(text, lang)
    assert format_figure(1250.5, lang) in refused.value.reason  # shows how to write it
    assert text not in refused.value.reason  # what was typed is not repeated


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("text", NOT_NUMBERS + ["9" * 400])
def test_what_is_not_a_finite_number_is_refused(lang, text):
    with pytest.raises(FigureError):
        parse_figure(text, lang)


def test_the_reason_is_in_the_language():
    with pytest.raises(FigureError) as danish:
        parse_figure("ca. 50", "da")
    with pytest.raises(FigureError) as english:
        parse_figure("ca. 50", "en")
    assert danish.value.reason != english.value.reason
    assert "1.250,5" in danish.value.reason and "1,250.5" in english.value.reason


def test_empty_is_no_figure():
    assert parse_figure("", "da") is None and parse_figure("  ", "en") is None


def test_the_app_language_is_the_default():
    set_language("da")
    assert parse_figure("1.250") == 1250 and format_figure(1250.5) == "1.250,5"
    set_language("en")
    assert parse_figure("1.250") == 1.25 and format_figure(1250.5) == "1,250.5"


def test_numbers_are_shown_in_the_language_asked_for():
    assert format_figure(50.0, "da") == "50" and format_figure(3.7, "da") == "3,7"
    assert format_figure(1250, "en") == "1,250" and format_figure(None, "en") == ""


def test_nothing_typed_reaches_the_log(caplog):
    caplog.set_level(logging.DEBUG)
    for text in ("ca. 50 børn", "1,250.5"):
        with pytest.raises(FigureError):
            parse_figure(text, "da")
    assert "ca. 50" not in caplog.text and "1,250.5" not in caplog.text


@given(
    st.sampled_from(["da", "en"]),
    st.floats(allow_nan=False, allow_infinity=False),
)
def test_a_number_shown_reads_back_as_the_same_number(lang, value):
    shown = format_figure(value, lang)
    assert parse_figure(shown, lang) == value


# (language, text, a word the reason must hold, a word it must not): each refusal names the
# actual problem, not a stock one ("3,7" in English has no point to be mixed up with)
REASONS = [
    ("en", "3,7", "threes", "swapped"),
    ("en", "12,50", "threes", "swapped"),
    ("da", "12.5", "tre", "byttet"),
    ("da", "1.2345", "tre", "byttet"),
    ("en", "1.250,5", "swapped", "threes"),
    ("da", "1,250.5", "byttet", "grupper"),
    ("en", "1.2.3", "only once", "swapped"),
    ("da", "1,2,3", "én gang", "byttet"),
    ("en", "ca. 50", "description", "swapped"),
    ("da", "ca. 50", "beskrivelsen", "byttet"),
]


@pytest.mark.parametrize(("lang", "text", "says", "not_says"), REASONS)
def test_a_refusal_names_the_actual_problem(lang, text, says, not_says):
    set_language(lang)  # the reasons are translated through the app's catalogue
    try:
        with pytest.raises(FigureError) as refused:
            parse_figure(text, lang)
    finally:
        set_language("en")
    assert says in refused.value.reason and not_says not in refused.value.reason
    assert text not in refused.value.reason
