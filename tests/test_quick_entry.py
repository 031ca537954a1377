"""The inline syntax of the new-item lines: `title #3` for a challenge's theme, `title #2p` for
an initiative's category and status; line breaks never reach a one-line title."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interviewer import quick_entry as qe
from interviewer.i18n import set_language
from interviewer.text_rules import one_line_nfc

THEMES = [
    ("separate_budgets", "Separate budgets and goals per silo"),
    ("own_resources_focus", "Managers focused on own resources"),
    ("structures", "Structures favour existing solutions"),
    ("blame_culture", "Blame culture"),
    ("other", "Other"),
]
STATUSES = [
    ("planned", "Planned"),
    ("underway", "Underway"),
    ("completed", "Completed"),
    ("stopped", "Stopped"),
]
STATUSES_DA = [
    ("planned", "Planlagt"),
    ("underway", "I gang"),
    ("completed", "Afsluttet"),
    ("stopped", "Stoppet"),
]


def test_a_number_names_the_theme_in_codebook_order():
    assert qe.parse_challenge("Budgets fight #3", THEMES) == qe.ChallengeEntry(
        "Budgets fight", "structures"
    )


def test_letters_name_the_first_theme_whose_label_starts_so():
    assert qe.parse_challenge("No one owns it #BLAME", THEMES).theme_code == "blame_culture"
    assert qe.parse_challenge("x #s", THEMES).theme_code == "separate_budgets"
    assert qe.parse_challenge("x #str", THEMES).theme_code == "structures"


def test_labels_match_in_nfc_whatever_form_was_typed():
    themes = [("a", "Årlige mål"), ("b", "Ændringer")]
    decomposed = unicodedata.normalize("NFD", "år")
    assert qe.parse_challenge(f"x #{decomposed}", themes).theme_code == "a"
    assert qe.parse_challenge("x #æn", themes).theme_code == "b"


@pytest.mark.parametrize("token", ["0", "6", "99", "zzz", "3x"])
def test_an_unknown_code_is_refused_with_a_reason_that_does_not_repeat_it(token):
    with pytest.raises(qe.UnknownCode) as refused:
        qe.parse_challenge(f"Budgets #{token}", THEMES)
    assert isinstance(refused.value, ValueError)
    assert "1 to 5" in refused.value.reason
    assert token not in refused.value.reason


def test_the_reason_is_in_the_app_language():
    set_language("da")
    try:
        with pytest.raises(qe.UnknownCode) as refused:
            qe.parse_challenge("x #9", THEMES)
        assert "Intet tema" in refused.value.reason
    finally:
        set_language("en")


def test_a_bare_mark_sets_no_theme_and_a_word_inner_mark_stays_in_the_title():
    assert qe.parse_challenge("Budgets #", THEMES) == qe.ChallengeEntry("Budgets")
    assert qe.parse_challenge("Team No#1 #2", THEMES) == qe.ChallengeEntry(
        "Team No#1", "own_resources_focus"
    )
    assert qe.parse_challenge("Team No#1", THEMES) == qe.ChallengeEntry("Team No#1")


def test_initiative_category_and_status_in_at_most_four_keys():
    assert qe.parse_initiative("Joint team #2p", THEMES, STATUSES) == qe.InitiativeEntry(
        "Joint team", "own_resources_focus", "planned"
    )
    assert qe.parse_initiative("Joint team #2 c", THEMES, STATUSES).status == "completed"
    assert qe.parse_initiative("Joint team #4", THEMES, STATUSES) == qe.InitiativeEntry(
        "Joint team", "blame_culture", None
    )
    assert qe.parse_initiative("Joint team #blame s", THEMES, STATUSES) == qe.InitiativeEntry(
        "Joint team", "blame_culture", "stopped"
    )
    assert qe.parse_initiative("Joint team #blame cul", THEMES, STATUSES).status is None


def test_danish_status_letters_are_distinct():
    assert qe.letter_keys([label for _, label in STATUSES_DA]) == ["p", "i", "a", "s"]
    assert qe.parse_initiative("Fælles team #1i", THEMES, STATUSES_DA).status == "underway"


def test_letters_are_made_distinct_when_labels_share_a_first_letter():
    assert qe.letter_keys(["Planned", "Paused", "Stopped"]) == ["p", "a", "s"]
    choices = [("planned", "Planned"), ("paused", "Paused")]
    assert qe.match_letter("a", choices) == "paused"
    assert qe.match_letter("pa", choices) == "paused"


def test_an_unknown_status_letter_is_refused_listing_the_letters():
    with pytest.raises(qe.UnknownCode) as refused:
        qe.parse_initiative("x #1x", THEMES, STATUSES)
    assert "p = Planned" in refused.value.reason


@pytest.mark.parametrize("line_break", ["\r\n", "\n", "\r", "\u2028", "\u2029"])
def test_line_breaks_become_single_spaces(line_break):
    assert qe.one_line(f"one{line_break}two{line_break}three") == "one two three"
    assert qe.split_line(f"one{line_break}two #1") == ("one two", "1")


@pytest.mark.parametrize("kept_apart", ["\t", "\v", "\f", "\x1c", "\x85"])
def test_a_tab_and_the_other_breaks_become_one_space(kept_apart):
    assert qe.one_line(f"Line three{kept_apart}Tabbed LS") == "Line three Tabbed LS"
    assert qe.split_line(f"Line three{kept_apart}Tabbed #2") == ("Line three Tabbed", "2")


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x7f", "\x80", "\x9f"])
def test_other_control_characters_are_dropped(control):
    assert qe.one_line(f"Bud{control}gets") == "Budgets"


def holds_one_line(line: str) -> bool:
    """No character str.splitlines breaks at, no tab, no control character."""
    return all(
        len(f"a{character}b".splitlines()) == 1
        and character != "\t"
        and unicodedata.category(character) != "Cc"
        for character in line
    )


@given(st.text())
def test_the_one_line_form_holds_no_break_no_tab_no_control_and_is_settled(text):
    line = qe.one_line(text)
    assert holds_one_line(line)
    assert qe.one_line(line) == line
    # each break or tab is one space (CR LF one), nothing else becomes one
    assert line.count(" ") == text.replace("\r\n", "\n").count(" ") + sum(
        len(f"a{character}b".splitlines()) == 2 or character == "\t"
        for character in text.replace("\r\n", "\n")
    )


@given(st.text())
def test_what_a_one_line_field_stores_is_one_line_in_nfc_and_settled(text):
    """The rule every one-line field and service applies (interviewer.text_rules)."""
    stored = one_line_nfc(text)
    assert holds_one_line(stored)
    assert unicodedata.is_normalized("NFC", stored)
    assert one_line_nfc(stored) == stored


titles = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="#"), min_size=1
).filter(lambda text: text.strip())


@given(titles)
def test_any_title_without_a_mark_round_trips(title):
    expected = qe.one_line(title).strip()
    assert qe.parse_challenge(title, THEMES) == qe.ChallengeEntry(expected)
    assert qe.parse_initiative(title, THEMES, STATUSES) == qe.InitiativeEntry(expected)
    assert "\n" not in expected and "\r" not in expected


@given(titles, st.integers(1, len(THEMES)))
def test_any_title_with_a_number_keeps_the_title_and_names_that_theme(title, number):
    entry = qe.parse_challenge(f"{title} #{number}", THEMES)
    assert entry == qe.ChallengeEntry(qe.one_line(title).strip(), THEMES[number - 1][0])


def test_the_token_being_typed_is_found_for_the_completer():
    assert qe.code_token_at("Budgets #bl") == (9, "bl")
    assert qe.code_token_at("Budgets #") == (9, "")
    assert qe.code_token_at("Budgets") is None
    assert qe.code_token_at("No#1") is None
    assert qe.code_token_at("Budgets #bl", cursor=4) is None
