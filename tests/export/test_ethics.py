"""The research-ethics rules every export applies (export/ethics.py), one function at a time."""

from datetime import UTC, date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interviewer.errors import InterviewerError
from interviewer.export import ethics
from interviewer.export.options import Attribution, ExportOptions

SAFE = ExportOptions()
ANONYMOUS = ExportOptions(personal_data=False)


def test_the_defaults_are_the_safe_ones():
    assert SAFE.attribution is Attribution.ROLE
    assert SAFE.quotes_without_consent is False
    assert SAFE.smallest_group == 3
    assert SAFE.internal_notes is False
    assert SAFE.personal_data is True


@pytest.mark.parametrize(
    ("consent", "option", "allowed"),
    [(True, False, True), (True, True, True), (False, False, False), (False, True, True)],
)
def test_a_quote_without_recorded_consent_only_on_request(consent, option, allowed):
    options = ExportOptions(quotes_without_consent=option)
    assert ethics.quote_allowed(consent, options) is allowed


@pytest.mark.parametrize(
    ("level", "personal_data", "expected"),
    [
        (Attribution.ROLE, True, "Municipal Director"),
        (Attribution.ROLE_AND_AREA, True, "Municipal Director, Other"),
        (Attribution.ROLE_AREA_AND_MUNICIPALITY, True, "Municipal Director, Other, Randers"),
        (Attribution.ROLE, False, "Municipal Director"),
        (Attribution.ROLE_AND_AREA, False, "Municipal Director, Other"),
        # without personal data the municipality never shows, whatever the level
        (Attribution.ROLE_AREA_AND_MUNICIPALITY, False, "Municipal Director, Other"),
    ],
)
def test_attribution_follows_the_level(level, personal_data, expected):
    options = ExportOptions(attribution=level, personal_data=personal_data)
    said = ethics.attribution(
        role="Municipal Director", area_label="Other", municipality="Randers", options=options
    )
    assert said == expected


def test_attribution_accepts_the_level_as_the_cli_spells_it():
    options = ExportOptions(attribution="role-and-area")
    assert ethics.attribution(
        role="Nurse", area_label="Health", municipality="Aarhus", options=options
    ) == ("Nurse, Health")


def test_attribution_skips_blank_parts():
    options = ExportOptions(attribution=Attribution.ROLE_AREA_AND_MUNICIPALITY)
    assert ethics.attribution(role="Nurse", area_label=None, municipality="", options=options) == (
        "Nurse"
    )
    assert ethics.attribution(
        role="Nurse", area_label="  ", municipality="Aarhus", options=options
    ) == ("Nurse, Aarhus")


@given(
    municipality=st.text(min_size=1).filter(str.strip),
    level=st.sampled_from(list(Attribution)),
)
def test_without_personal_data_the_municipality_never_shows(municipality, level):
    options = ExportOptions(attribution=level, personal_data=False)
    said = ethics.attribution(role="R", area_label="A", municipality=municipality, options=options)
    assert said in ("R", "R, A")


def test_a_date_becomes_its_month_without_personal_data():
    day = date(2017, 5, 17)
    assert ethics.shown_date(day, SAFE) == day
    assert ethics.shown_date(day, ANONYMOUS) == "2017-05"
    assert ethics.shown_date(date(987, 1, 2), ANONYMOUS) == "0987-01"
    assert ethics.shown_date(None, ANONYMOUS) is None
    assert ethics.shown_date(None, SAFE) is None
    moment = datetime(2017, 12, 31, 23, 59, tzinfo=UTC)
    assert ethics.shown_date(moment, ANONYMOUS) == "2017-12"


def test_times_and_other_personal_values_go_without_personal_data():
    assert ethics.shown_time(time(10, 30), SAFE) == time(10, 30)
    assert ethics.shown_time(time(10, 30), ANONYMOUS) is None
    moment = datetime(2017, 5, 17, 10, 30, tzinfo=UTC)
    assert ethics.shown_time(moment, ANONYMOUS) is None
    for value in ("Karen Blixen", "Randers", "Town hall, room 2"):
        assert ethics.personal(value, SAFE) == value
        assert ethics.personal(value, ANONYMOUS) is None


def test_what_personal_data_leaves_out_is_said_in_both_languages():
    english = ethics.in_words(ethics.PERSONAL_DATA_REMOVED, "en")
    assert english == list(ethics.PERSONAL_DATA_REMOVED)
    assert "the respondent's name" in english and "the municipality" in english
    assert any("month" in entry for entry in english)
    danish = ethics.in_words(ethics.PERSONAL_DATA_REMOVED, "da")
    assert "respondentens navn" in danish
    assert len(danish) == len(english) and set(danish).isdisjoint(english)
    flagged = ethics.in_words(ethics.POSSIBLY_IDENTIFYING, "en")
    assert any("notes" in entry for entry in flagged)
    assert set(ethics.in_words(ethics.POSSIBLY_IDENTIFYING, "da")).isdisjoint(flagged)


@pytest.mark.parametrize(
    ("k", "count", "few"),
    [(3, 0, True), (3, 2, True), (3, 3, False), (1, 0, True), (1, 1, False), (10, 9, True)],
)
def test_too_few_is_fewer_than_k(k, count, few):
    assert ethics.too_few(count, ExportOptions(smallest_group=k)) is few


def test_too_few_says_k_in_the_report_language():
    assert ethics.too_few_text(ExportOptions()) == "< 3"
    assert ethics.too_few_text(ExportOptions(smallest_group=5, language="da")) == "< 5"
    assert ethics.too_few_sentence(ExportOptions()) == "too few interviews to show (fewer than 3)"
    assert ethics.too_few_sentence(ExportOptions(smallest_group=4, language="da")) == (
        "for få interviews til at vise (færre end 4)"
    )


def test_the_ethics_statement_says_each_choice():
    default = ethics.ethics_statement(SAFE)
    assert default == [
        "Quotes are attributed by role only, never by name.",
        "Quotes from interviews without recorded consent are left out.",
        "No figure is shown that is computed from fewer than 3 interviews.",
        "Personal data is included.",
    ]
    chosen = ExportOptions(
        attribution=Attribution.ROLE_AREA_AND_MUNICIPALITY,
        quotes_without_consent=True,
        smallest_group=5,
    )
    said = ethics.ethics_statement(chosen)
    assert said[0] == "Quotes are attributed by role, service area and municipality, never by name."
    assert said[1] == "This report includes quotes from interviews without recorded consent."
    assert "fewer than 5 interviews" in said[2]
    anonymous = ethics.ethics_statement(
        ExportOptions(attribution=Attribution.ROLE_AREA_AND_MUNICIPALITY, personal_data=False)
    )
    # the municipality is left out without personal data: the statement does not claim it
    assert anonymous[0] == "Quotes are attributed by role and service area, never by name."
    assert anonymous[3].startswith("Anonymised: this export leaves out the respondent's name")
    assert "YYYY-MM" in anonymous[3]


def test_the_ethics_statement_speaks_the_report_language():
    options = ExportOptions(language="da", quotes_without_consent=True)
    said = ethics.ethics_statement(options)
    assert said[1] == "Rapporten indeholder citater fra interviews uden registreret samtykke."
    assert ethics.ethics_statement(options, "en")[1].startswith("This report includes")
    danish_anonymous = ethics.ethics_statement(ExportOptions(language="da", personal_data=False))
    assert "respondentens navn" in danish_anonymous[3]


# ------------------------------------------------------------------------- small numbers


def test_a_lone_hidden_group_gets_a_second_so_the_total_gives_neither_away():
    # breaker11 F3: six areas shown, one of 2 hidden, All 60: 60 minus the others was 2
    areas = {"other": 12, "education": 11, "social": 10, "elderly": 9, "disability": 8}
    areas |= {"employment": 8, "child_family": 2, "all": 60}
    hidden = ethics.hidden_cells(areas, [("all", [a for a in areas if a != "all"])], 3)
    assert hidden == {"child_family", "disability"}  # the smallest shown, first of equals
    # two hidden that still add up to under k: a third joins them
    assert ethics.hidden_cells({"a": 1, "b": 1, "c": 5, "d": 9, "t": 16}, [("t", "abcd")], 3) == {
        "a",
        "b",
        "c",
    }
    # a 0 is shown and never hidden; nothing under k, nothing hidden
    assert ethics.hidden_cells({"a": 0, "b": 7, "t": 7}, [("t", "ab")], 3) == set()


def test_a_total_under_k_is_hidden_with_its_parts():
    assert ethics.hidden_cells({"a": 1, "b": 1, "t": 2}, [("t", "ab")], 3) == {"a", "b", "t"}


def test_groups_under_k_are_pooled_and_the_pool_grows_to_k():
    counts = {"Jonas": 15, "Aisha": 14, "Sofie": 4, "Lars": 1}
    listed, pool = ethics.pooled(counts, 3)
    assert listed == ["Jonas", "Aisha"] and pool == ["Sofie", "Lars"]  # 1 alone is under 3
    assert ethics.pooled({"a": 5, "b": 3}, 3) == (["a", "b"], [])


def test_a_choice_of_fewer_than_k_interviews_is_refused_in_one_sentence():
    with pytest.raises(InterviewerError) as refused:
        ethics.check_enough_interviews(2, ExportOptions(smallest_group=3))
    message = str(refused.value)
    assert message.startswith("the choice holds 2 interviews, fewer than the smallest group")
    assert "\n" not in message and not message.endswith(".")  # a clause, as every refusal
    ethics.check_enough_interviews(3, ExportOptions(smallest_group=3))  # k itself is enough


@pytest.mark.parametrize("level", list(Attribution))
def test_a_quote_of_a_hidden_area_is_attributed_by_role_only(level):
    """An area the report hides is one of fewer than k people: naming it beside a role would
    point at them (breaker11b F10)."""
    options = ExportOptions(attribution=level)
    said = ethics.attribution(
        role="Head of Unit",
        area_label="Child and family services",
        municipality="Randers",
        options=options,
        area_hidden=True,
    )
    assert said == "Head of Unit"


@given(
    st.integers(min_value=1, max_value=6),
    st.lists(st.integers(min_value=1, max_value=12), max_size=5),
    st.lists(st.integers(min_value=1, max_value=12), max_size=5),
)
def test_a_total_is_shown_only_where_it_pins_no_hidden_part(k, shown, hidden):
    """A caption's n beside rows some of which are hidden (breaker11b F17): shown only when
    the total minus the shown rows is nothing, or at least k spread over two hidden rows or
    more; the parts here do not overlap, so the total is their sum."""
    total = sum(shown) + sum(hidden)
    left = sum(hidden)
    expected = not hidden or (len(hidden) >= 2 and left >= k)
    assert ethics.total_shown(total, shown, len(hidden), k) == expected
    # overlapping parts (an interview in two rows) can leave nothing to subtract
    assert ethics.total_shown(sum(shown), shown, len(hidden), k)
