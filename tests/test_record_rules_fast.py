"""record_problems judges the common values by a quick check made once per column: it must
say exactly what value_problem says, for every column of the record and any value."""

import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer import record_rules as rules

COLUMNS = [(table, column) for table, columns in rules.RECORD.items() for column in columns]
CHOICES = sorted({c for cols in rules.RECORD.values() for r in cols.values() for c in r.choices})

VALUES = st.one_of(
    st.none(),
    st.text(),  # lone surrogates, line breaks, blanks, non-ASCII included
    st.sampled_from(CHOICES + ["", " ", "\n", "a\rb", "\ud800", "é", "x" * 300]),
    st.uuids(),
    st.uuids().map(str),
    st.dates(),
    st.datetimes(),  # naive
    st.datetimes(timezones=st.just(UTC)),
    st.datetimes().map(lambda d: d.replace(tzinfo=timezone(timedelta(hours=2)))),
    st.times(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.just(10**400),
)


@settings(max_examples=400)
@given(st.sampled_from(COLUMNS), VALUES)
def test_record_problems_say_what_value_problem_says(where, value):
    table, column = where
    said = dict(rules.record_problems(table, {column: value})).get(column)
    assert said == rules.value_problem(rules.RECORD[table][column], value)


def test_common_values_pass_and_their_near_misses_do_not():
    rule = rules.RECORD["interview"]["municipality"]  # not blank, one line
    for fine in ("Aarhus", "Århus"):
        assert rules.value_problem(rule, fine) is None
        assert "municipality" not in dict(
            rules.record_problems("interview", {"municipality": fine})
        )
    for wrong in ("", "  ", "a\nb", "\udc80", 7):
        assert "municipality" in dict(rules.record_problems("interview", {"municipality": wrong}))
    naive = datetime(2024, 5, 1, 12, 0)
    found = dict(rules.record_problems("interview", {"created_at": naive}))
    assert found["created_at"] == rules.value_problem(
        rules.RECORD["interview"]["created_at"], naive
    )
    assert "id" not in dict(rules.record_problems("interview", {"id": uuid.uuid4()}))
    assert "id" in dict(rules.record_problems("interview", {"id": str(uuid.uuid4())}))
    assert "interview_date" not in dict(
        rules.record_problems("interview", {"interview_date": date(2024, 5, 1)})
    )
    assert "interview_date" in dict(
        rules.record_problems("interview", {"interview_date": date(1, 1, 1)})
    )
    assert "start_time" not in dict(rules.record_problems("interview", {"start_time": time(9)}))
