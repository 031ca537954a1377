"""The record's rules, one copy: what they accept and refuse, and that the services use them."""

import math
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interviewer import interviews as svc
from interviewer import record_rules as rules
from interviewer.errors import DomainError
from interviewer.storage.models import (
    EffectKind,
    InitiativeStatus,
    InterviewMode,
    InterviewStatus,
)

RECORD = rules.RECORD


def problem(table, column, value):
    return rules.value_problem(RECORD[table][column], value)


def stored(table, column, raw, storage="text"):
    return rules.stored_problem(RECORD[table][column], raw, storage)


def test_every_table_of_the_record_has_a_rule_for_each_column():
    from sqlmodel import SQLModel

    for table in SQLModel.metadata.sorted_tables:
        assert set(RECORD[table.name]) == {column.name for column in table.columns}


@pytest.mark.parametrize(
    ("table", "column", "enum"),
    [
        ("interview", "status", InterviewStatus),
        ("interview", "mode", InterviewMode),
        ("initiative", "status", InitiativeStatus),
        ("effect", "kind", EffectKind),
    ],
)
def test_lists_come_from_the_enums_of_the_models(table, column, enum):
    assert RECORD[table][column].choices == tuple(member.value for member in enum)
    for member in enum:
        assert problem(table, column, member.value) is None
    assert "is not one of" in problem(table, column, "archived")


def test_the_values_the_app_holds_are_accepted():
    assert problem("interview", "id", uuid.uuid4()) is None
    assert problem("interview", "interview_date", date(2017, 2, 28)) is None
    assert problem("interview", "start_time", time(23, 59, 59)) is None
    assert problem("interview", "created_at", datetime.now(UTC)) is None
    assert problem("interview", "respondent_role", "Børne- og ungechef 🧒") is None
    assert problem("interview", "respondent_name", None) is None
    assert problem("effect", "baseline", -1.5e300) is None
    assert problem("rating", "value", 5) is None
    assert problem("quote", "use_in_report", True) is None


@pytest.mark.parametrize(
    ("table", "column", "value", "words"),
    [
        ("interview", "id", "7ce42c82", "not a UUID"),
        ("interview", "interview_date", "2024-02-29", "not a real date"),
        ("interview", "interview_date", datetime(2024, 1, 1, tzinfo=UTC), "not a real date"),
        ("interview", "interview_date", date(1, 1, 1), "outside the years"),
        ("interview", "consent_date", date(9999, 12, 31), "outside the years"),
        ("interview", "created_at", datetime(2024, 1, 1), "without a time zone"),
        (
            "interview",
            "created_at",
            datetime(9999, 12, 31, tzinfo=timezone(timedelta(hours=-12))),
            "outside the years",
        ),
        ("interview", "start_time", "25:99", "not a real time"),
        ("interview", "respondent_role", None, "is empty where a value is required"),
        ("interview", "respondent_role", " \t", "blank"),
        ("interview", "municipality", "Aar\nhus", "line break"),
        ("quote", "text", "half an emoji \ud83d", "not valid Unicode"),
        ("effect", "baseline", math.inf, "not a finite number"),
        ("effect", "current", math.nan, "not a finite number"),
        ("effect", "current", 2**70 * 10**300, "not a finite number"),
        ("effect", "current", "50", "not a number"),
        ("effect", "current", True, "not a number"),
        ("rating", "value", 6, "outside 1 to 5"),
        ("challenge", "rank", 0, "outside 1 to"),
        ("answer", "seconds_spent", 2**70, "outside 0 to"),
        ("quote", "use_in_report", 1, "not yes or no"),
    ],
)
def test_values_that_break_the_app_are_refused(table, column, value, words):
    found = problem(table, column, value)
    assert found is not None and words in found
    if isinstance(value, str):
        assert value not in found  # a problem never repeats the value


@pytest.mark.parametrize(
    ("table", "column", "raw", "storage", "words"),
    [
        ("interview", "interview_date", b"garbage", "text", "not a real date"),
        ("interview", "interview_date", b"2024-02-30", "text", "not a real date"),
        ("interview", "interview_date", b"2024-2-3", "text", "not a real date"),
        ("interview", "start_time", b"25:99", "text", "not a real time"),
        ("interview", "start_time", b"24:00:00", "text", "not a real time"),
        ("interview", "created_at", b"2024-01-01T10:00:00", "text", "not a real timestamp"),
        ("interview", "id", b"7CE42C8218074E8CB5BF992DC9E9C616", "text", "not a UUID"),
        ("interview", "id", b"7ce42c82-1807-4e8c-b5bf-992dc9e9c616", "text", "not a UUID"),
        ("quote", "text", b"Hi\xc3\xff", "text", "not valid UTF-8"),
        ("quote", "text", b"A\xed\xa0\x80B", "text", "not valid UTF-8"),  # a lone surrogate
        ("quote", "text", b"\x00\xff", "blob", "BLOB"),
        ("effect", "baseline", b"fifty", "text", "stored as text"),
        ("effect", "baseline", math.inf, "real", "not a finite number"),
        ("quote", "use_in_report", 2, "integer", "not yes or no"),
        ("interview", "respondent_role", None, "null", "required"),
    ],
)
def test_stored_values_the_app_could_not_read_are_refused(table, column, raw, storage, words):
    found = stored(table, column, raw, storage)
    assert found is not None and words in found


def test_stored_values_as_the_app_writes_them_are_accepted():
    assert stored("interview", "id", b"7ce42c8218074e8cb5bf992dc9e9c616") is None
    assert stored("interview", "interview_date", b"2024-02-29") is None
    assert stored("interview", "start_time", b"15:45:00.000000") is None
    assert stored("interview", "created_at", b"2017-07-25 15:45:00.000000") is None
    assert stored("quote", "text", "Det virker — 😀".encode()) is None
    assert stored("effect", "baseline", 50, "integer") is None
    assert stored("quote", "use_in_report", 0, "integer") is None


def test_ratings_ranks_and_codes():
    assert rules.rating_problem(None, False) is None
    assert rules.rating_problem(None, True) is None
    assert rules.rating_problem(3, False) is None
    assert "not both" in rules.rating_problem(3, True)
    assert "from 1 to 5" in rules.rating_problem(0, False)
    assert rules.ranks_problems([2, 1, 3], 3) == []
    assert rules.ranks_problems([], 3) == []
    assert rules.ranks_problems([1, 1, 5], 3) == ["challenge ranks are not 1..n without gaps"]
    assert rules.ranks_problems([1, 2, 3, 4], 3) == ["rank more than 3 challenges"]
    assert rules.code_problem("other", "challenge_theme", ["other", "blame"]) is None
    assert rules.code_problem(None, "challenge_theme", []) is None
    assert "codebook" in rules.code_problem("unknown", "challenge_theme", ["other"])


def test_record_problems_judges_a_whole_record_as_a_bundle_carries_it():
    now = datetime.now(UTC)
    rating = {
        "id": uuid.uuid4(),
        "created_at": now,
        "updated_at": now,
        "interview_id": uuid.uuid4(),
        "question_key": "priority",
        "scale_key": "department",
        "value": 4,
        "dont_know": False,
    }
    assert rules.record_problems("rating", rating) == []
    assert [c for c, _ in rules.record_problems("rating", rating | {"dont_know": True})] == [
        "value"
    ]
    broken = rules.record_problems("rating", rating | {"value": 99, "created_at": None})
    assert {column for column, _ in broken} == {"value", "created_at"}


@given(st.text())
def test_any_text_the_app_can_encode_is_valid_text(text):
    valid = rules.text_problem(text) is None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        assert not valid
    else:
        assert valid


def test_the_services_use_the_same_rules(tmp_path):
    from interviewer.storage.database import open_database

    assert {model.__tablename__: fields for model, fields in svc.SINGLE_LINE_FIELDS.items()} == {
        table: rules.single_line_fields(table)
        for table in RECORD
        if rules.single_line_fields(table)
    }
    database = open_database(tmp_path / "rules.sqlite")
    with database.session() as session:
        study = svc.current_study(session=session)
        interview = svc.create_interview(
            session=session,
            study=study,
            respondent_role="Director",
            service_area="education",
            municipality="Aarhus",
            interview_date=date(2024, 5, 1),
        )
        with pytest.raises(DomainError, match="from 1 to 5"):
            svc.set_rating(
                session=session,
                interview_id=interview.id,
                question_key="priority",
                scale_key="department",
                value=6,
            )
        with pytest.raises(DomainError, match="years 1900 to 2999"):
            svc.update_interview(
                session=session, interview_id=interview.id, interview_date=date(1, 1, 1)
            )
        initiative = svc.add_initiative(session=session, interview_id=interview.id, title="A")
        with pytest.raises(DomainError, match="finite number"):
            svc.add_effect(session=session, initiative_id=initiative.id, baseline=2**2000)
        with pytest.raises(DomainError, match="years 1900 to 2999"):
            svc.update_initiative(
                session=session, initiative_id=initiative.id, start_date=date(3000, 1, 1)
            )
    database.close()


def test_the_services_refuse_a_status_mode_or_kind_outside_its_list(tmp_path):
    from interviewer.storage.database import open_database

    database = open_database(tmp_path / "lists.sqlite")
    with database.session() as session:
        study = svc.current_study(session=session)
        with pytest.raises(DomainError, match="mode is not one of: in_person, video, phone"):
            svc.create_interview(
                session=session,
                study=study,
                respondent_role="Director",
                service_area="education",
                municipality="Aarhus",
                interview_date=date(2024, 5, 1),
                mode="carrier pigeon",
            )
        interview = svc.create_interview(
            session=session,
            study=study,
            respondent_role="Director",
            service_area="education",
            municipality="Aarhus",
            interview_date=date(2024, 5, 1),
            mode="video",
        )
        with pytest.raises(DomainError, match="status is not one of: draft, complete"):
            svc.set_status(session=session, interview_id=interview.id, status="archived")
        svc.set_status(session=session, interview_id=interview.id, status=InterviewStatus.COMPLETE)
        initiative = svc.add_initiative(session=session, interview_id=interview.id, title="A")
        with pytest.raises(DomainError, match="status is not one of"):
            svc.update_initiative(session=session, initiative_id=initiative.id, status="gone")
        with pytest.raises(DomainError, match="kind is not one of"):
            svc.add_effect(session=session, initiative_id=initiative.id, kind="imagined")
    database.close()


@pytest.fixture
def one_interview(tmp_path):
    """One demo interview's records as the app holds them, with its study's codes and limit."""
    from sqlmodel import select

    from interviewer.demo import generate_demo
    from interviewer.storage.database import open_database
    from interviewer.storage.models import CHILD_TABLES, CodebookEntry, Interview

    database = open_database(tmp_path / "one.sqlite")
    generate_demo(database, interviews=8, seed=11)
    with database.session() as session:
        interview = session.exec(select(Interview).order_by(Interview.id)).first()
        records = {"interview": [interview.model_dump()]}
        for model in CHILD_TABLES:
            records[model.__tablename__] = [
                row.model_dump()
                for row in session.exec(select(model).where(model.interview_id == interview.id))
            ]
        codes: dict[str, set] = {}
        for entry in session.exec(select(CodebookEntry)):
            codes.setdefault(entry.kind.value, set()).add(entry.code)
        limit = svc.study_guide(svc.current_study(session=session)).max_challenges
    database.close()
    return records, codes, limit


def test_a_whole_interview_as_the_app_wrote_it_breaks_no_rule(one_interview):
    records, codes, limit = one_interview
    assert rules.interview_problems(records, codes=codes, max_challenges=limit) == []


def spoilt(records, table, **changes):
    copy = {name: [dict(values) for values in rows] for name, rows in records.items()}
    copy[table][0].update(changes)
    return copy


@pytest.mark.parametrize(
    ("table", "changes", "column", "words"),
    [
        ("challenge", {"rank": 7}, "challenge.rank", "not 1..n"),
        ("challenge", {"theme_code": "unknown_theme"}, "theme_code", "codebook"),
        ("challenge", {"title": " "}, "title", "blank"),
        ("effect", {"initiative_id": uuid.uuid4()}, "initiative_id", "outside this interview"),
        ("quote", {"interview_id": uuid.uuid4()}, "interview_id", "another interview"),
        ("rating", {"value": 99}, "value", "outside 1 to 5"),
        ("interview", {"status": "archived"}, "status", "is not one of"),
        ("interview", {"start_time": "99:99"}, "start_time", "not a real time"),
        ("effect", {"baseline": math.inf}, "baseline", "finite"),
        ("quote", {"text": "\ud800"}, "text", "Unicode"),
    ],
)
def test_a_whole_interview_breaking_one_rule_is_named(one_interview, table, changes, column, words):
    records, codes, limit = one_interview
    if not records[table]:
        pytest.skip(f"this demo interview has no {table}")
    found = rules.interview_problems(
        spoilt(records, table, **changes), codes=codes, max_challenges=limit
    )
    assert any(p.column == column and words in p.reason for p in found), found


def test_two_answers_to_one_question_and_a_reused_id(one_interview):
    records, codes, limit = one_interview
    twice = dict(records["answer"][0])
    twice["id"] = records["quote"][0]["id"] if records["quote"] else uuid.uuid4()
    spoiled = {**records, "answer": [*records["answer"], twice]}
    found = rules.interview_problems(spoiled, codes=codes, max_challenges=limit)
    assert any("more than one record" in p.reason for p in found)
    if records["quote"]:
        assert any(p.reason == "is the id of another record" for p in found)
