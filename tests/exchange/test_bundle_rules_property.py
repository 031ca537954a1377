"""Property: bundles that follow the schema but each break one rule of the record, merged in
one run together with a good bundle, are each refused by name with the rule they break, the
good one is merged exactly as if alone, and no output or log holds record content (every
text of the interviews, and every bad value that is text, carries a marker).

Hypothesis draws a rule to break, where (which interview, which record) and with what value
from the good bundle the app wrote. The default run is a few hundred examples;
HYPOTHESIS_PROFILE=long (or BUNDLE_RULES_EXAMPLES=n) runs many more."""

import copy
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from interviewer.exchange.bundle import write_bundle
from interviewer.exchange.merge import merge_bundles
from tests.exchange.hostile import rewrite
from tests.exchange.test_bundle_rules import data_of, records, revised

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
EXAMPLES = int(os.environ.get("BUNDLE_RULES_EXAMPLES", 3000 if LONG else 300))
CLI_EXAMPLES = 25 if LONG else 4
MARKER = f"ZQXRULES{uuid.uuid4().hex[:12]}"
RULES_BROKEN = "it breaks the record's rules"

# (part, field) of each kind of value, as the record's rules name them
CHOICES = [
    ("interview", "status"),
    ("interview", "mode"),
    ("initiatives", "status"),
    ("effects", "kind"),
]
CODES = [
    ("interview", "service_area"),
    ("challenges", "theme_code"),
    ("initiatives", "category_code"),
    ("quotes", "theme_code"),
]
NOT_BLANK = [
    ("interview", "respondent_role"),
    ("interview", "municipality"),
    ("challenges", "title"),
    ("initiatives", "title"),
    ("quotes", "text"),
    ("quotes", "speaker_role"),
]
ONE_LINE = [
    ("interview", "respondent_role"),
    ("interview", "respondent_name"),
    ("interview", "location"),
    ("challenges", "title"),
    ("initiatives", "title"),
    ("effects", "metric"),
    ("quotes", "speaker_role"),
]
DATES = [("interview", "interview_date"), ("interview", "consent_date")]
TIMES = [("interview", "start_time"), ("interview", "end_time")]
NOT_NEGATIVE = [
    ("answers", "seconds_spent"),
    ("initiatives", "position"),
    ("effects", "position"),
    ("quotes", "offset_seconds"),
]
CHILDREN = ["answers", "ratings", "challenges", "initiatives", "effects", "quotes"]
LINKS = [
    ("effects", "initiative_id", "initiatives"),
    ("quotes", "challenge_id", "challenges"),
    ("quotes", "initiative_id", "initiatives"),
]


def marked_text(draw) -> str:
    return MARKER + draw(
        st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8)
    )


def records_of(data: dict, part: str) -> list[tuple[dict, dict]]:
    """(document, record) of every record of ``part`` in the bundle's data."""
    found = []
    for item in data["interviews"]:
        document = item["document"]
        if part == "interview":
            found.append((document, document["interview"]))
        else:
            found.extend((document, record) for record in document[part])
    return found


class Break:
    """One rule broken: ``edit(data, centre)`` makes it; ``name`` says which, for a failure."""

    def __init__(self, name: str, edit):
        self.name, self.edit = name, edit

    def __repr__(self) -> str:
        return self.name


@st.composite
def a_value_break(draw, base: dict) -> Break:
    """A value outside its column's rule: a choice or code not in its list, blank or
    two-line text, a rating out of 1..5 or beside "don't know", a date, time or timestamp
    that is not real or falls outside the years, a negative count."""
    kind = draw(
        st.sampled_from(
            [
                "choice",
                "code",
                "blank",
                "line",
                "rating",
                "both",
                "date",
                "time",
                "timestamp",
                "negative",
            ]
        )
    )
    fields = {
        "choice": CHOICES,
        "code": CODES,
        "blank": NOT_BLANK,
        "line": ONE_LINE,
        "rating": [("ratings", "value")],
        "both": [("ratings", "value")],
        "date": DATES,
        "time": TIMES,
        "negative": NOT_NEGATIVE,
    }
    if kind == "timestamp":
        part = draw(st.sampled_from(["interview", *CHILDREN]))
        field = draw(st.sampled_from(["created_at", "updated_at"]))
    else:
        part, field = draw(st.sampled_from(fields[kind]))
    candidates = records_of(base, part)
    if not candidates:
        part, field, candidates = "interview", "status", records_of(base, "interview")
        kind = "choice"
    at = draw(st.integers(0, len(candidates) - 1))
    if kind in ("choice", "code"):
        value = marked_text(draw)
    elif kind == "blank":
        value = draw(st.sampled_from(["", " ", "\t", "\u2003", " \u00a0 "]))
    elif kind == "line":
        value = MARKER + draw(st.sampled_from(["\n", "\r", "\r\n"])) + MARKER
    elif kind == "rating":
        value = draw(st.one_of(st.integers(-(2**53), 0), st.integers(6, 2**53)))
    elif kind == "both":
        value = draw(st.integers(1, 5))
    elif kind == "date":
        # a calendar date (the schema's format): its year is what breaks the rule
        year = draw(st.one_of(st.integers(0, 1899), st.integers(3000, 9999)))
        month, day = draw(st.integers(1, 12)), draw(st.integers(1, 28))
        value = f"{year:04d}-{month:02d}-{day:02d}"
    elif kind == "time":
        hour, minute = draw(
            st.one_of(
                st.tuples(st.integers(24, 99), st.integers(0, 99)),
                st.tuples(st.integers(0, 23), st.integers(60, 99)),
            )
        )
        value = f"{hour:02d}:{minute:02d}"
    elif kind == "timestamp":
        year = draw(st.one_of(st.integers(1, 1899), st.integers(3000, 9999)))
        offset = draw(st.sampled_from(["-12:00", "+14:00", "+00:00", "Z", "-03:30"]))
        value = f"{year:04d}-06-01T12:00:00{offset}"
    else:
        value = draw(st.integers(-(2**53), -1))

    def edit(data, centre):
        _, record = records_of(data, part)[at]
        record[field] = value
        if kind == "both":
            record["dont_know"] = True

    return Break(f"{kind} {part}.{field}={value!r} at {at}", edit)


@st.composite
def a_link_break(draw, base: dict, centre: dict) -> Break:
    """A child in another interview, a link out of its interview, an id held twice."""
    kind = draw(st.sampled_from(["child", "link", "same id", "centre id"]))
    if kind == "link":
        part, field, target = draw(st.sampled_from(LINKS))
    else:
        part = draw(st.sampled_from(CHILDREN))
    candidates = records_of(base, part)
    if not candidates:
        part, candidates, kind = "answers", records_of(base, "answers"), "child"
    at = draw(st.integers(0, len(candidates) - 1))
    elsewhere = draw(st.sampled_from(["bundle", "centre", "nowhere"]))
    pick = draw(st.integers(0, 10**6))

    def another(data, source_part):
        """An id of a ``source_part`` record (or interview) of another interview."""
        own = records_of(data, part)[at][0]["interview"]["id"]
        pool = data if elsewhere == "bundle" else centre
        if elsewhere == "nowhere":
            return str(uuid.UUID(int=pick + 1))
        found = [r["id"] for d, r in records_of(pool, source_part) if d["interview"]["id"] != own]
        return found[pick % len(found)] if found else str(uuid.UUID(int=pick + 1))

    def edit(data, centre):
        document, record = records_of(data, part)[at]
        if kind == "child":
            record["interview_id"] = another(data, "interview")
        elif kind == "link":
            record[field] = another(data, target)
        elif kind == "same id":  # another record of this bundle, of any kind
            others = [r["id"] for p in CHILDREN for _, r in records_of(data, p) if r is not record]
            others += [d["interview"]["id"] for d, _ in records_of(data, "interview")]
            record["id"] = others[pick % len(others)]
        else:  # a record the centre holds, of another interview
            held = [r["id"] for p in CHILDREN for _, r in records_of(centre, p)]
            record["id"] = held[pick % len(held)]

    return Break(f"{kind} {part} at {at} ({elsewhere}, {pick})", edit)


@st.composite
def a_whole_break(draw, base: dict) -> Break:
    """Rules of the interview whole or of the bundle: ranks, an interview twice, its study or
    interviewer unknown, answers for questions the guide lacks or missing."""
    kind = draw(
        st.sampled_from(
            [
                "ranks",
                "twice",
                "study",
                "interviewer",
                "question",
                "scale",
                "no answer",
                "removed with rank",
            ]
        )
    )
    at = draw(st.integers(0, len(base["interviews"]) - 1))
    ranks = draw(
        st.lists(st.integers(-3, 9), min_size=1, max_size=6).filter(
            lambda found: len(found) > 3 or sorted(found) != list(range(1, len(found) + 1))
        )
    )
    word = draw(st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12))
    number = draw(st.integers(1, 2**64))

    def edit(data, centre):
        document = data["interviews"][at]["document"]
        interview = document["interview"]
        if kind == "ranks":
            template = {
                "id": "",
                "created_at": interview["created_at"],
                "updated_at": interview["updated_at"],
                "interview_id": interview["id"],
                "rank": None,
                "title": f"{MARKER} challenge",
                "description": MARKER,
                "theme_code": None,
                "deleted_at": None,
            }
            kept = [c for c in document["challenges"] if c["deleted_at"] is not None]
            made = [
                {**template, "id": str(uuid.uuid5(uuid.NAMESPACE_OID, f"{at}-{n}")), "rank": r}
                for n, r in enumerate(ranks)
            ]
            gone = {c["id"] for c in document["challenges"]} - {c["id"] for c in kept}
            for quote in document["quotes"]:  # quotes of the replaced challenges: unlinked
                if quote["challenge_id"] in gone:
                    quote["challenge_id"] = None
            document["challenges"] = kept + made
        elif kind == "twice":
            data["interviews"].append(copy.deepcopy(data["interviews"][at]))
        elif kind == "study":
            interview["study_id"] = str(uuid.UUID(int=number))
        elif kind == "interviewer":
            interview["interviewer_id"] = str(uuid.UUID(int=number))
        elif kind == "question":
            document["answers"][number % len(document["answers"])]["question_key"] = "x" + word
        elif kind == "scale":
            document["ratings"][number % len(document["ratings"])]["scale_key"] = "x" + word
        elif kind == "no answer":
            del document["answers"][number % len(document["answers"])]
        else:
            live = [c for c in document["challenges"] if c["deleted_at"] is None]
            if live:
                live[-1]["deleted_at"] = interview["updated_at"]
            else:  # none to remove: one removed, with a rank
                document["challenges"].append(
                    {
                        "id": str(uuid.UUID(int=number)),
                        "created_at": interview["created_at"],
                        "updated_at": interview["updated_at"],
                        "interview_id": interview["id"],
                        "rank": 1,
                        "title": MARKER,
                        "description": "",
                        "theme_code": None,
                        "deleted_at": interview["updated_at"],
                    }
                )

    return Break(f"{kind} at {at} ({ranks if kind == 'ranks' else number})", edit)


def breaks(base: dict, centre: dict):
    return st.one_of(a_value_break(base), a_link_break(base, centre), a_whole_break(base))


# ---------------------------------------------------------------- the setting


def mark_every_text(path: Path) -> None:
    """Every text a person types, in every interview of the field database, made to hold the
    marker (through SQL: the demo's words are its own)."""
    connection = sqlite3.connect(path)
    try:
        for table, columns in {
            "interview": ["respondent_name", "location", "municipality", "respondent_role"],
            "answer": ["notes"],
            "challenge": ["title", "description"],
            "initiative": ["title", "description"],
            "effect": ["description"],
            "quote": ["text", "speaker_role"],
        }.items():
            for column in columns:
                connection.execute(
                    f"UPDATE {table} SET {column} = ? || ' ' || {column} "
                    f"WHERE {column} IS NOT NULL",
                    (MARKER,),
                )
        connection.commit()
    finally:
        connection.close()


@pytest.fixture
def setting(tmp_path, two_fields):
    mette, jonas = two_fields
    mark_every_text(mette)
    mark_every_text(jonas)
    write_bundle(jonas, tmp_path / "jonas.bundle", plain=True)
    template = tmp_path / "template.sqlite"
    assert not merge_bundles(template, [tmp_path / "jonas.bundle"]).refused
    good = tmp_path / "good.bundle"
    write_bundle(mette, good, plain=True)
    reference = tmp_path / "reference.sqlite"
    shutil.copy(template, reference)
    assert not merge_bundles(reference, [good]).refused
    return {
        "template": template,
        "good": good,
        "base": data_of(good),
        "centre": data_of(tmp_path / "jonas.bundle"),
        "expected": records(reference),
        "folder": tmp_path / "run",
    }


def fresh(setting) -> Path:
    """The centre as it was before the run, at the same path every example."""
    folder = setting["folder"]
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    central = folder / "central.sqlite"
    shutil.copy(setting["template"], central)
    return central


def bad_bundles(setting, drawn: list[Break]) -> list[Path]:
    """A bundle per break: the good one edited, with a bundle id of its own (a copy is
    another bundle), its revisions, checksum and signature made again."""
    made = []
    for number, broken in enumerate(drawn):
        path = setting["folder"] / f"bad-{number}.bundle"
        shutil.copy(setting["good"], path)
        _edit(path, broken, setting["centre"])
        made.append(path)
    return made


def _edit(path: Path, broken: Break, centre: dict) -> None:
    counted = {}

    def change(data):
        broken.edit(data, centre)
        revised(data)
        counted["interviews"] = len(data["interviews"])

    def renamed(manifest):
        manifest.update(interviews=counted["interviews"], bundle_id=str(uuid.uuid4()))

    rewrite(path, data=change, manifest=renamed)


def in_order(bad: list[Path], good: Path, position: int) -> list[Path]:
    return [*bad[:position], good, *bad[position:]]


def judged(setting, central: Path, bad: list[Path], lines: list[str], drawn) -> None:
    """Each bad bundle refused by the record's rules, by name; the good one merged as if
    alone; the marker nowhere in ``lines``."""
    for path, broken in zip(bad, drawn, strict=True):
        [line] = [line for line in lines if line.startswith(f"{path.name}: ")]
        assert line.startswith(f"{path.name}: refused: {RULES_BROKEN}"), (broken, line)
    [good] = [line for line in lines if line.startswith("good.bundle: ")]
    assert "refused" not in good and "12 added" in good, good
    assert records(central) == setting["expected"], drawn
    for line in lines:
        assert MARKER not in line, line


# ---------------------------------------------------------------- the properties


def test_each_bundle_breaking_a_rule_is_refused_and_the_good_one_merged(setting, caplog):
    caplog.set_level(logging.DEBUG)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        st.lists(breaks(setting["base"], setting["centre"]), min_size=1, max_size=3),
        st.integers(0, 3),
    )
    def property_(drawn, position):
        caplog.clear()
        for broken in drawn:  # --hypothesis-show-statistics counts the rules broken
            event(broken.name.split(" ")[0])
        central = fresh(setting)
        bad = bad_bundles(setting, drawn)
        order = in_order(bad, setting["good"], min(position, len(bad)))
        report = merge_bundles(central, order)
        assert len(report.refused) == len(bad)
        judged(setting, central, bad, report.lines(lang="en"), drawn)
        assert MARKER not in caplog.text

    property_()


def test_the_command_line_refuses_each_by_name_exits_1_and_shows_no_content(setting):
    @settings(
        max_examples=CLI_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(breaks(setting["base"], setting["centre"]), min_size=1, max_size=3))
    def property_(drawn):
        central = fresh(setting)
        bad = bad_bundles(setting, drawn)
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "interviewer",
                "merge",
                "--db",
                central,
                *in_order(bad, setting["good"], len(bad)),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        assert MARKER not in result.stderr
        judged(setting, central, bad, result.stdout.splitlines(), drawn)

    property_()
