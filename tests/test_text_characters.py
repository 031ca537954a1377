"""The characters text may hold, class by class: the record's rule (record_rules) refuses
control characters, noncharacters and lone surrogates in every text, and line breaks, tabs
and bidi controls in a one-line field; the app's cleaning (text_rules) drops exactly those,
so whatever a person types or pastes, what the services store passes the rule (and so a
bundle the app writes passes the centre's checks); the command line escapes them."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewer import interviews as svc
from interviewer import record_rules as rules
from interviewer.storage.database import open_database
from interviewer.storage.health import check_database
from interviewer.text_rules import clean_name, clean_text, one_line_nfc, shown_text

ONE_LINE = rules.RECORD["interview"]["respondent_role"]
SEVERAL = rules.RECORD["quote"]["text"]
NOTES = rules.RECORD["answer"]["notes"]


def chars(*ranges: tuple[int, int]) -> st.SearchStrategy[str]:
    return st.one_of(*(st.integers(low, high) for low, high in ranges)).map(chr)


# refused in every text
C0 = chars((0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F))
DEL_AND_C1 = chars((0x7F, 0x9F))
NONCHARACTERS = st.one_of(
    chars((0xFDD0, 0xFDEF)),
    st.integers(0, 16)
    .flatmap(lambda plane: st.sampled_from([plane * 0x10000 + 0xFFFE, plane * 0x10000 + 0xFFFF]))
    .map(chr),
)
SURROGATES = chars((0xD800, 0xDFFF))
REFUSED_EVERYWHERE = {
    "C0": C0,
    "DEL and C1": DEL_AND_C1,
    "noncharacter": NONCHARACTERS,
    "lone surrogate": SURROGATES,
}
# refused on one line only
BREAKS_AND_TAB = st.sampled_from(["\t", "\n", "\r", "\u2028", "\u2029"])
BIDI = chars((0x202A, 0x202E), (0x2066, 0x2069))
# allowed everywhere: letters of many scripts, digits, punctuation, emoji and their joiners,
# the no-break space, marks the RTL scripts use (not the embeddings)
ALLOWED = st.one_of(
    st.characters(
        codec="utf-8",
        categories=("L", "M", "N", "P", "S", "Zs"),
        exclude_characters="".join(chr(c) for c in range(0xFDD0, 0xFDF0)),
    ),
    st.sampled_from(["\u200d", "\u200e", "\u200f", "\u00a0", "🤝", "👍", "\U0001f3fd", "ø", "ש"]),
).filter(lambda c: not rules.NOT_IN_TEXT.match(c))
text_around = st.tuples(st.text(ALLOWED, max_size=8), st.text(ALLOWED, max_size=8))


@pytest.mark.parametrize("name", sorted(REFUSED_EVERYWHERE))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_refused_class_is_refused_in_every_text(name, data):
    before, after = data.draw(text_around)
    value = before + data.draw(REFUSED_EVERYWHERE[name]) + after
    for rule in (ONE_LINE, SEVERAL, NOTES):
        assert rules.value_problem(rule, value) is not None, (name, rule)


@settings(max_examples=150, deadline=None)
@given(around=text_around, odd=st.one_of(BREAKS_AND_TAB, BIDI))
def test_breaks_tabs_and_bidi_controls_are_refused_on_one_line_only(around, odd):
    value = "x" + around[0] + odd + around[1]
    assert rules.value_problem(ONE_LINE, value) is not None
    assert rules.value_problem(SEVERAL, value) is None  # a quote keeps its lines, RTL marks


@settings(max_examples=200, deadline=None)
@given(st.text(ALLOWED, min_size=1, max_size=40).filter(str.strip))
def test_letters_digits_emoji_and_marks_of_every_script_are_allowed(text):
    assert rules.value_problem(ONE_LINE, text) is None
    assert rules.value_problem(SEVERAL, text + "\n\tnext line\r\n") is None


def test_the_reasons_name_the_class_and_never_the_text():
    assert rules.value_problem(ONE_LINE, "Room\x1b[2J\x07") == "holds a control character"
    assert rules.value_problem(ONE_LINE, "Head \u202eof\u202c Care") == (
        "holds a bidirectional control character in a one-line field"
    )
    assert rules.value_problem(SEVERAL, "x\uffff") == "holds a Unicode noncharacter"
    assert rules.value_problem(SEVERAL, "Room\x00 4") == "holds a control character"


# anything a person may type or paste: every class mixed
pasted = st.text(
    st.one_of(ALLOWED, C0, DEL_AND_C1, NONCHARACTERS, SURROGATES, BREAKS_AND_TAB, BIDI),
    max_size=30,
)


@settings(max_examples=400, deadline=None)
@given(pasted)
def test_the_apps_cleaning_leaves_only_what_the_rule_takes(text):
    for cleaned, rule in (
        (one_line_nfc(text), ONE_LINE),
        (clean_name(text), ONE_LINE),
        (clean_text(text), SEVERAL),
    ):
        assert rules.text_problem(cleaned) is None
        assert rules.characters_problem(cleaned, one_line=rule.one_line) is None
    assert clean_text(clean_text(text)) == clean_text(text)
    assert one_line_nfc(one_line_nfc(text)) == one_line_nfc(text)


@settings(max_examples=400, deadline=None)
@given(pasted)
def test_what_the_command_line_prints_holds_no_control_or_bidi_character(text):
    for shown in (shown_text(text), shown_text(text, lines=True)):
        assert not rules.NOT_IN_TEXT.search(shown)
        assert not any(c in shown for c in "\r\u2028\u2029\u202a\u202b\u202c\u202d\u202e")
        assert not any("\u2066" <= c <= "\u2069" or "\ud800" <= c <= "\udfff" for c in shown)
    assert "\n" not in shown_text(text) and "\t" not in shown_text(text)


def test_shown_text_writes_each_character_as_its_escape():
    assert shown_text("Jonas Berg\x1b[31m\u202e FAKE\x07") == "Jonas Berg\\x1b[31m\\u202e FAKE\\x07"
    assert shown_text("a\U0010ffff\ud800b") == "a\\U0010ffff\\ud800b"
    assert shown_text("two\r\nlines\ttab", lines=True) == "two\nlines\ttab"
    assert shown_text("two\nlines") == "two\\x0alines"
    assert shown_text("Åse Kjærgård, ש 🤝") == "Åse Kjærgård, ש 🤝"


@pytest.fixture
def session(tmp_path):
    database = open_database(tmp_path / "typed.sqlite")
    with database.session() as session:
        yield session, tmp_path / "typed.sqlite"
    database.close()


# one database for all the examples: each adds an interview of its own
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=pasted.map(lambda t: "Word " + t + " end"))
def test_whatever_is_typed_the_services_store_passes_the_rule(session, text):
    """Every service that stores text a person typed, given text of every class; each
    stored record then passes the record's rules, as merging and `check` hold them."""
    session, path = session
    study = svc.current_study(session=session)
    interview = svc.create_interview(
        session=session,
        study=study,
        respondent_role=text,
        service_area="education",
        municipality=text,
        respondent_name=text,
        location=text,
        interview_date=date(2026, 3, 3),
        device=text,
    )
    svc.update_interview(session=session, interview_id=interview.id, location=text)
    svc.set_notes(session=session, interview_id=interview.id, question_key="effects", notes=text)
    challenge = svc.add_challenge(
        session=session, interview_id=interview.id, title=text, description=text
    )
    svc.update_challenge(session=session, challenge_id=challenge.id, description=text)
    initiative = svc.add_initiative(
        session=session, interview_id=interview.id, title=text, description=text
    )
    svc.update_initiative(session=session, initiative_id=initiative.id, description=text)
    effect = svc.add_effect(
        session=session, initiative_id=initiative.id, description=text, metric=text, unit=text
    )
    svc.update_effect(session=session, effect_id=effect.id, description=text, period=text)
    quote = svc.add_quote(session=session, interview_id=interview.id, text=text, speaker_role=text)
    svc.update_quote(session=session, quote_id=quote.id, text=text)
    person = svc.interviewer_named(session=session, study=study, name=text)
    for record in (interview, challenge, initiative, effect, quote, person):
        session.refresh(record)
        values = record.model_dump()
        assert rules.record_problems(record.__tablename__, values) == [], type(record)
    for answer in svc.answers_by_question(session=session, interview_id=interview.id).values():
        assert rules.record_problems("answer", answer.model_dump()) == []


def test_check_finds_what_another_program_stored(tmp_path):
    """A file written before the rule (or by another program) holding ESC in a name is
    named by `check`, through its SQL pre-filter and the rule."""
    import sqlite3

    path = tmp_path / "older.sqlite"
    database = open_database(path)
    with database.session() as session:
        study = svc.current_study(session=session)
        svc.create_interview(
            session=session,
            study=study,
            respondent_role="Director",
            service_area="education",
            municipality="Aarhus",
            interview_date=date(2026, 3, 3),
        )
    database.close()
    assert check_database(path).healthy
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE interview SET location = 'Room\x1b[2J\x07'")
    connection.close()
    report = check_database(path)
    assert not report.healthy
    assert any(
        str(problem).startswith("interview, location: holds a control character")
        for problem in report.problems
    ), [str(problem) for problem in report.problems]
