"""Every interview a bundle brings is held to the record's rules before anything of it is
written: a bundle made by the app, then edited (its revisions, checksum and signature made
again, so only the edit can refuse it), is refused whole, by its file name, with the rule it
breaks; merged in one run before a good bundle, the good one is merged and nothing of the bad
one lands, not even the records of it that follow every rule."""

import copy
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from interviewer.exchange.bundle import write_bundle
from interviewer.exchange.documents import content_hash
from interviewer.exchange.merge import merge_bundles
from tests.exchange.hostile import entries_of, rewrite
from tests.helpers import database_content

RECORD_TABLES = ("interview", "answer", "rating", "challenge", "initiative", "effect", "quote")


# ---------------------------------------------------------------- editing a bundle


def documents(data: dict) -> list[dict]:
    return [item["document"] for item in data["interviews"]]


def live(document: dict) -> list[dict]:
    return [c for c in document["challenges"] if c["deleted_at"] is None]


def with_challenges(data: dict, count: int) -> dict:
    """The first document with exactly ``count`` live challenges (the demo's hold 0 to 3),
    or else one with at least one, more added like its first, ranked on, up to ``count``."""
    found = [d for d in documents(data) if len(live(d)) == count]
    if found:
        return found[0]
    document = next(d for d in documents(data) if live(d))
    while len(live(document)) < count:
        added = copy.deepcopy(live(document)[0])
        added["id"] = str(uuid.uuid4())
        added["rank"] = len(live(document)) + 1
        document["challenges"].append(added)
    return document


def ranks(*wanted: int) -> Callable[[dict, dict], None]:
    def edit(data, centre):
        challenges = sorted(live(with_challenges(data, len(wanted))), key=lambda c: c["rank"])
        for challenge, rank in zip(challenges[: len(wanted)], wanted, strict=True):
            challenge["rank"] = rank

    return edit


def first_with(data: dict, part: str) -> dict:
    """The first document holding a record of ``part``."""
    return next(d for d in documents(data) if d[part])


def set_field(part: str, field: str, value) -> Callable[[dict, dict], None]:
    """Gives the first record of ``part`` (of the first document holding one) ``value``."""

    def edit(data, centre):
        if part == "interview":
            documents(data)[0]["interview"][field] = value
        else:
            first_with(data, part)[part][0][field] = value

    return edit


def effect_at_initiative_of_another_interview_in_the_bundle(data, centre):
    holding = [d for d in documents(data) if d["initiatives"]]
    effect_holder = next(d for d in holding if d["effects"])
    other = next(d for d in holding if d is not effect_holder)
    effect_holder["effects"][0]["initiative_id"] = other["initiatives"][0]["id"]


def effect_at_initiative_of_an_interview_at_the_centre(data, centre):
    first_with(data, "effects")["effects"][0]["initiative_id"] = first_with(centre, "initiatives")[
        "initiatives"
    ][0]["id"]


def quote_carrying_an_interview_id_of_the_centre(data, centre):
    """The issue's case: one interviewer's bundle holds a quote that names another
    interview (one the centre holds, from another interviewer) as its own."""
    first_with(data, "quotes")["quotes"][0]["interview_id"] = documents(centre)[0]["interview"][
        "id"
    ]


def record_id_of_another_kind(data, centre):
    document = next(d for d in documents(data) if d["quotes"] and d["challenges"])
    document["quotes"][0]["id"] = document["challenges"][0]["id"]


def record_id_of_another_interview_in_the_bundle(data, centre):
    holding = [d for d in documents(data) if d["quotes"]]
    holding[0]["quotes"][0]["id"] = holding[1]["quotes"][0]["id"]


def record_id_of_another_interview_at_the_centre(data, centre):
    first_with(data, "quotes")["quotes"][0]["id"] = first_with(centre, "quotes")["quotes"][0]["id"]


def same_interview_twice(data, centre):
    data["interviews"].append(copy.deepcopy(data["interviews"][0]))


def answer_to_a_question_the_guide_lacks(data, centre):
    documents(data)[0]["answers"][0]["question_key"] = "q_not_in_the_guide"


def rating_of_a_scale_the_guide_lacks(data, centre):
    first_with(data, "ratings")["ratings"][0]["scale_key"] = "region"


def an_answer_missing(data, centre):
    del documents(data)[0]["answers"][0]


def figure(value) -> Callable[[dict, dict], None]:
    def edit(data, centre):
        first_with(data, "effects")["effects"][0]["baseline"] = value

    return edit


def value_and_dont_know(data, centre):
    rating = first_with(data, "ratings")["ratings"][0]
    rating["value"], rating["dont_know"] = 3, True


@dataclass(frozen=True)
class Case:
    name: str
    edit: Callable[[dict, dict], None]  # (the bundle's data, the centre's bundle's data)
    reason: str  # what the refusal says


# The content cases of the issue, point 1 (seen merged without a word, seen merged and then
# breaking exports, seen crashing the run), and the rules beside them.
CASES = [
    Case("four challenges", ranks(1, 2, 3, 4), "rank more than 3 challenges"),
    Case("five challenges", ranks(1, 2, 3, 4, 5), "rank more than 3 challenges"),
    Case("ranks 5, 6, 7", ranks(5, 6, 7), "challenge ranks are not 1..n without gaps"),
    Case("ranks 1, 1, 5", ranks(1, 1, 5), "challenge ranks are not 1..n without gaps"),
    Case("rank 0", ranks(0), ", rank: is outside 1 to"),
    Case(
        "unknown theme code",
        set_field("challenges", "theme_code", "no_such_theme"),
        "theme_code: is not a challenge theme in the study's codebook",
    ),
    Case(
        "unknown initiative category",
        set_field("initiatives", "category_code", "no_such_category"),
        "category_code: is not a initiative category in the study's codebook",
    ),
    Case(
        "unknown service area",
        set_field("interview", "service_area", "no_such_area"),
        "service_area: is not a service area in the study's codebook",
    ),
    Case(
        "blank role",
        set_field("interview", "respondent_role", "   "),
        "respondent_role: is blank where text is required",
    ),
    Case(
        "blank speaker role",
        set_field("quotes", "speaker_role", ""),
        "speaker_role: is blank where text is required",
    ),
    Case(
        "effect at another interview's initiative, in the bundle",
        effect_at_initiative_of_another_interview_in_the_bundle,
        "initiative_id: points at a initiative outside this interview",
    ),
    Case(
        "effect at another interview's initiative, at the centre",
        effect_at_initiative_of_an_interview_at_the_centre,
        "initiative_id: points at a initiative outside this interview",
    ),
    Case(
        "quote carrying another interview's id",
        quote_carrying_an_interview_id_of_the_centre,
        "interview_id: belongs to another interview",
    ),
    Case(
        "a quote's id is a challenge's",
        record_id_of_another_kind,
        "id: is the id of another record",
    ),
    Case(
        "a quote's id is another interview's quote's, in the bundle",
        record_id_of_another_interview_in_the_bundle,
        "id: is the id of a record of another interview or kind",
    ),
    Case(
        "a quote's id is another interview's quote's, at the centre",
        record_id_of_another_interview_at_the_centre,
        "id: is the id of another interview's record at this centre",
    ),
    Case("an Infinity figure", figure(float("inf")), "holds a number that is not finite"),
    Case("a NaN figure", figure(float("nan")), "holds a number that is not finite"),
    Case("an integer of 2**70", figure(2**70), "holds an integer beyond"),
    Case("a rating of 99", set_field("ratings", "value", 99), "value: is outside 1 to 5"),
    Case("a rating and don't know", value_and_dont_know, "not both"),
    Case(
        "unknown interview status",
        set_field("interview", "status", "archived"),
        "status: is not one of: draft, complete",
    ),
    Case("unknown mode", set_field("interview", "mode", "telepathy"), "mode: is not one of"),
    Case(
        "unknown initiative status",
        set_field("initiatives", "status", "paused"),
        "status: is not one of",
    ),
    Case("unknown effect kind", set_field("effects", "kind", "hoped"), "kind: is not one of"),
    Case(
        "year 0",
        set_field("interview", "interview_date", "0000-01-01"),
        "interview_date: is not a real date",
    ),
    Case(
        "a time of 99:99",
        set_field("interview", "start_time", "99:99"),
        "start_time: is not a real time",
    ),
    Case(
        "a timestamp at year 9999, -12:00",
        set_field("interview", "updated_at", "9999-12-31T23:59:59-12:00"),
        "updated_at: is a date outside the years 1900 to 2999",
    ),
    Case(
        "half a surrogate pair",
        set_field("quotes", "text", "half an emoji \ud800"),
        "holds a character that is not valid Unicode",
    ),
    Case("the same interview twice", same_interview_twice, "id: comes twice in the bundle"),
    Case(
        "an unknown interviewer id",
        set_field("interview", "interviewer_id", "0b0c5bd6-27b4-4a3f-9c43-0c1f2d9a7e11"),
        "interviewer_id: is not an interviewer of the bundle or of this database",
    ),
    Case(
        "another study's id",
        set_field("interview", "study_id", "7d3f0a52-4a36-4b0e-a2f5-59f4c8e0d6b3"),
        "study_id: belongs to another study",
    ),
    Case(
        "an answer to a question the guide lacks",
        answer_to_a_question_the_guide_lacks,
        "question_key: is not a question of the study's guide",
    ),
    Case(
        "a rating of a scale the guide lacks",
        rating_of_a_scale_the_guide_lacks,
        "scale_key: is not a scale of a question in the study's guide",
    ),
    Case(
        "an answer record missing",
        an_answer_missing,
        "answer: lacks an answer record for a question of the study's guide",
    ),
]


def revised(data: dict) -> None:
    """Each edited document's revision made again, as the sender's app would: the bundle
    holds together, so only the edit itself can refuse it."""
    for item in data["interviews"]:
        try:
            revision = content_hash(item["document"])
        except (UnicodeEncodeError, ValueError):  # half a surrogate pair: left as it was
            continue
        item["revision"] = revision
        item["ancestry"][0] = revision


def edited(bundle: Path, out: Path, edit, centre_data: dict) -> Path:
    """A copy of ``bundle`` at ``out`` with ``edit(data, centre_data)`` made, its revisions,
    manifest count, checksum and signature made again."""
    shutil.copy(bundle, out)
    counted = {}

    def change(data):
        edit(data, centre_data)
        revised(data)
        counted["interviews"] = len(data["interviews"])

    rewrite(out, data=change, manifest=lambda m: m.update(interviews=counted["interviews"]))
    return out


def data_of(bundle: Path) -> dict:
    import json

    return json.loads(entries_of(bundle)[1])


def records(path: Path) -> set[tuple]:
    """Every interview record at ``path``: (table, id, interview), with its content."""
    connection = sqlite3.connect(path)
    try:
        found = set()
        for table in RECORD_TABLES:
            owner = "id" if table == "interview" else "interview_id"
            for row in connection.execute(f"SELECT {owner}, * FROM {table}"):
                found.add((table, *map(repr, row)))
        return found
    finally:
        connection.close()


# ---------------------------------------------------------------- fixtures


@dataclass
class Setting:
    central: Path  # holds jonas's interviews
    good: Path  # mette's bundle, as the app wrote it
    centre_data: dict  # jonas's bundle's data: the interviews the centre holds
    folder: Path


@pytest.fixture
def setting(tmp_path, two_fields) -> Setting:
    mette, jonas = two_fields
    write_bundle(jonas, tmp_path / "jonas.bundle", plain=True)
    central = tmp_path / "central.sqlite"
    assert not merge_bundles(central, [tmp_path / "jonas.bundle"]).refused
    write_bundle(mette, tmp_path / "mette.bundle", plain=True)
    return Setting(central, tmp_path / "mette.bundle", data_of(tmp_path / "jonas.bundle"), tmp_path)


# ---------------------------------------------------------------- the cases


def test_the_good_bundle_follows_every_rule(setting):
    """The base every case edits is merged as it is: each refusal below is its edit's."""
    report = merge_bundles(setting.central, [setting.good])
    assert not report.refused and report.total("added") == 12


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_bundle_breaking_a_rule_is_refused_whole_by_name_and_the_next_merged(setting, case):
    bad = edited(setting.good, setting.folder / "edited.bundle", case.edit, setting.centre_data)
    reference = setting.folder / "reference.sqlite"
    shutil.copy(setting.central, reference)
    before = database_content(setting.central)

    alone = merge_bundles(setting.central, [bad])
    [result] = alone.bundles
    assert result.refused is not None, f"{case.name}: merged"
    assert case.reason in result.refused, result.refused
    assert result.line().startswith("edited.bundle: refused: "), result.line()
    assert database_content(setting.central) == before  # nothing of it written

    # in one run with a good bundle after it: refused, and the good one merged as if alone
    report = merge_bundles(setting.central, [bad, setting.good])
    refused, merged = report.bundles
    assert refused.refused is not None and case.reason in refused.refused
    assert merged.refused is None and merged.added == 12
    assert not merge_bundles(reference, [setting.good]).refused
    assert records(setting.central) == records(reference)


def test_a_refusal_counts_the_problems_and_names_the_first_by_id(setting):
    def two_problems(data, centre):
        document = documents(data)[0]
        document["interview"]["status"] = "archived"
        document["interview"]["mode"] = "telepathy"

    bad = edited(setting.good, setting.folder / "two.bundle", two_problems, setting.centre_data)
    [result] = merge_bundles(setting.central, [bad]).bundles
    interview_id = documents(data_of(bad))[0]["interview"]["id"]
    assert result.refused.startswith(
        f"it breaks the record's rules in 2 places, the first: interview {interview_id}, "
    ), result.refused


def test_a_quote_naming_another_interview_never_lands_in_it(setting):
    """The issue's case, seen from the interview the quote named: its quotes stay those it
    had."""
    target = documents(setting.centre_data)[0]["interview"]["id"]
    bad = edited(
        setting.good,
        setting.folder / "stray-quote.bundle",
        quote_carrying_an_interview_id_of_the_centre,
        setting.centre_data,
    )

    def quotes_of(interview_id):
        connection = sqlite3.connect(setting.central)
        try:
            return connection.execute(
                "SELECT id FROM quote WHERE interview_id = ? ORDER BY id",
                (uuid.UUID(interview_id).hex,),
            ).fetchall()
        finally:
            connection.close()

    before = quotes_of(target)
    report = merge_bundles(setting.central, [bad])
    assert report.refused and quotes_of(target) == before
