"""A bundle is held to what the app itself writes: every list within its cap, every value
and key in the one form the app writes, interviewers with the ids their names give, every
record the centre holds still in an update; and a new key under a name that looks like a
known interviewer's says so. Bundles made by the app, then edited (breaker10 F1, F2, F6-F9)."""

import base64
import json
import shutil
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from interviewer.resources import resource

from interviewer.errors import InterviewerError
from interviewer.exchange import schema, signing
from interviewer.exchange.conflicts import list_conflicts, resolve_conflict
from interviewer.exchange.documents import ENCODING, PARTS, PLAIN_TYPES, to_json
from interviewer.exchange.merge import merge_bundles
from interviewer.exchange.validate import decoded_records
from interviewer.storage.database import open_database
from interviewer.text_rules import interviewer_id
from tests.exchange.conftest import field_database
from tests.exchange.hostile import rewrite
from tests.exchange.test_bundle_rules import data_of, records, revised, setting  # noqa: F401
from tests.exchange.test_signatures import (  # noqa: F401
    ANNA,
    bundle_of,
    centre,
    keys,
    open_plain,
    write_plain,
)
from tests.exchange.test_signatures import refused as refused_at
from tests.helpers import database_content

NOT_AS_WRITTEN = "is not written as the app writes it"


def an_update(data: dict) -> dict:
    """The data with only its first interview, changed as its interviewer's app would (its
    revision descends from the one sent before)."""
    data["interviews"] = data["interviews"][:1]
    item = data["interviews"][0]
    item["document"]["interview"]["location"] = "Room by the garden"
    before = item["revision"]
    revised(data)
    item["ancestry"] = [item["revision"], before, *item["ancestry"][1:]]
    return item["document"]


def edited(bundle, out, edit, _centre=None):
    """A copy of ``bundle`` at ``out`` as another bundle (a new id) with ``edit(data,
    None)`` made, its revisions, count, checksum and signature made again."""
    shutil.copy(bundle, out)
    counted = {}

    def change(data):
        edit(data, None)
        revised(data)
        counted["interviews"] = len(data["interviews"])

    def manifest(held):
        held.update(interviews=counted["interviews"], bundle_id=str(uuid.uuid4()))

    rewrite(out, data=change, manifest=manifest)
    return out


def refused(central, bundle, reason) -> str:
    """Merges ``bundle`` alone: refused with ``reason`` in its message, and the central
    database byte for byte as it was."""
    before = database_content(central)
    [result] = merge_bundles(central, [bundle]).bundles
    assert result.refused is not None and reason in result.refused, result.refused
    assert database_content(central) == before
    return result.refused


def merged_then(setting, edit, name="edited.bundle"):  # noqa: F811
    """Mette's bundle merged, then a copy of it with ``edit(data)`` (an update of her
    first interview) made: the centre and the edited bundle."""
    assert not merge_bundles(setting.central, [setting.good]).refused
    return edited(setting.good, setting.folder / name, lambda d, c: edit(d), {})


# ---------------------------------------------------------------- F1: every list capped


def arrays(node, where="") -> list[tuple[str, dict]]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == "array":
            found.append((where, node))
        for key, value in node.items():
            found += arrays(value, f"{where}/{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            found += arrays(value, f"{where}/{n}")
    return found


def test_every_list_of_the_shipped_schema_has_a_cap():
    """The next list added to the format is refused beyond a size too, or this fails."""
    shipped = json.loads(resource(*schema.SCHEMA_FILE).read_text("utf-8"))
    lists = arrays(shipped)
    assert len(lists) >= 10
    assert [where for where, node in lists if "maxItems" not in node] == []


def test_an_ancestry_beyond_the_writers_cap_is_refused_by_name_and_nothing_stored(setting):  # noqa: F811
    def long_ancestry(data):
        an_update(data)
        item = data["interviews"][0]
        item["ancestry"] += [uuid.uuid4().hex for _ in range(schema.ANCESTRY_KEPT)]

    bad = merged_then(setting, long_ancestry)
    reason = refused(setting.central, bad, "ancestry")
    assert str(schema.ANCESTRY_KEPT) in reason

    def full_ancestry(data):  # exactly as long as the writer keeps: merged
        an_update(data)
        item = data["interviews"][0]
        item["ancestry"] += [uuid.uuid4().hex for _ in range(schema.ANCESTRY_KEPT)]
        item["ancestry"] = item["ancestry"][: schema.ANCESTRY_KEPT]

    good = edited(setting.good, setting.folder / "full.bundle", lambda d, c: full_ancestry(d), {})
    assert merge_bundles(setting.central, [good]).total("updated") == 1


@pytest.mark.parametrize(
    "what, cap",
    [
        ("interviews", schema.INTERVIEWS_PER_BUNDLE),
        ("interviewers", schema.INTERVIEWERS_PER_BUNDLE),
        ("codes", schema.CODES_PER_STUDY),
        ("quotes", schema.RECORDS_PER_KIND),
    ],
)
def test_the_writer_keeps_to_each_cap(what, cap):
    document = {"interview": {"id": str(uuid.uuid4())}, **{part: [] for part in PARTS}}
    data = {"study": {"codes": []}, "interviewers": [], "interviews": [{"document": document}]}
    target = {
        "interviews": data["interviews"],
        "interviewers": data["interviewers"],
        "codes": data["study"]["codes"],
        "quotes": document["quotes"],
    }[what]
    assert schema.over_caps(data) is None
    target.extend([target[0] if target else {}] * (cap + 1 - len(target)))
    assert schema.over_caps(data) is not None


# ---------------------------------------------------------------- F2: interviewers


@pytest.mark.parametrize(
    "edit, reason",
    [
        (lambda p, study: p.update(id=str(uuid.uuid4())), "is not the id the app gives"),
        (lambda p, study: p.update(name=p["name"] + "\x1b[2J\x07"), "name:"),
        (lambda p, study: p.update(name=" " + p["name"]), "name:"),
    ],
    ids=["id not derived", "control characters", "name not clean"],
)
def test_a_listed_interviewer_the_app_would_not_write_is_refused(setting, edit, reason):  # noqa: F811
    def change(data, _centre):
        person = data["interviewers"][0]
        edit(person, uuid.UUID(data["study"]["id"]))

    bad = edited(setting.good, setting.folder / "people.bundle", change, {})
    refused(setting.central, bad, reason)


def test_a_bundle_adds_only_the_interviewers_its_interviews_name(setting):  # noqa: F811
    ghost = "Ghost Person"

    def change(data, _centre):
        study = uuid.UUID(data["study"]["id"])
        data["interviewers"].append({"id": str(interviewer_id(study, ghost)), "name": ghost})

    bundle = edited(setting.good, setting.folder / "ghost.bundle", change, {})
    assert merge_bundles(setting.central, [bundle]).total("added") == 12
    database = open_database(setting.central, backup=False)
    with database.engine.connect() as connection:
        people = {name for (name,) in connection.exec_driver_sql("SELECT name FROM interviewer")}
    database.close()
    assert people and ghost not in people
    # and the app's own bundle lists no one its interviews do not name (nor its sender)
    data = data_of(setting.good)
    named = {i["document"]["interview"]["interviewer_id"] for i in data["interviews"]}
    assert data["interviewers"] and {person["id"] for person in data["interviewers"]} <= named


# ---------------------------------------------------------------- F9: values as written


def variants(kind: str, python_type: type, value):
    """Strategies of values of the same content written in other forms (and the app's own)."""
    if kind == "datetime":
        moment = datetime.fromisoformat(value)
        offsets = st.integers(-12 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
        return st.tuples(offsets, st.sampled_from(["auto", "microseconds", "Z"])).map(
            lambda pair: _written(moment.astimezone(pair[0]), pair[1])
        )
    if kind == "date":
        day = date.fromisoformat(value)
        return st.sampled_from([day.isoformat(), day.strftime("%Y%m%d")])
    if kind == "time":
        moment = time.fromisoformat(value)
        forms = ["auto", "minutes", "seconds", "microseconds"]
        return st.sampled_from([moment.isoformat(timespec=form) for form in forms])
    if kind == "uuid":
        found = uuid.UUID(value)
        return st.sampled_from([str(found), str(found).upper(), found.hex])
    if python_type is float:
        return st.sampled_from([float(value), int(value)] if float(value).is_integer() else [value])
    return st.just(value)


def _written(moment: datetime, form: str) -> str:
    text = moment.isoformat(timespec="auto" if form == "Z" else form)
    return text.replace("+00:00", "Z") if form == "Z" else text


def app_form(kind: str, value):
    if kind == "datetime":
        return to_json(datetime.fromisoformat(value).astimezone(UTC), kind)
    if kind in ("date", "time", "uuid"):
        reader = {"date": date.fromisoformat, "time": time.fromisoformat, "uuid": uuid.UUID}
        return to_json(reader[kind](value), kind)
    return value


FIELDS = [(part, name) for part, fields in ENCODING.items() for name in fields]


@pytest.fixture
def app_document(setting):  # noqa: F811
    """A document of Mette's bundle as her app wrote it, with a value in every field the
    demo data fills (at least one record of each part)."""
    documents = [item["document"] for item in data_of(setting.good)["interviews"]]
    return max(documents, key=lambda d: sum(1 for p in PARTS for _ in d[p]))


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_value_of_any_field_is_taken_only_as_the_app_writes_it(app_document, data):
    part, name = data.draw(st.sampled_from(FIELDS))
    document = json.loads(json.dumps(app_document))
    rows = [document["interview"]] if part == "interview" else document[part]
    filled = [row for row in rows if row.get(name) is not None]
    if not filled:
        return
    row = data.draw(st.sampled_from(filled))
    kind, python_type = ENCODING[part][name], PLAIN_TYPES[part].get(name, str)
    row[name] = value = data.draw(variants(kind, python_type, row[name]))
    _, problems = decoded_records(document)
    flagged = [p for p in problems if p.column == name and NOT_AS_WRITTEN in p.reason]
    written_so = value == app_form(kind, value) and type(value) is type(app_form(kind, value))
    if kind == "plain":
        written_so = type(value) is python_type
    assert bool(flagged) is not written_so, (part, name, value)


def test_an_owners_update_with_a_value_in_another_form_is_refused_and_the_next_is_an_update(
    setting,  # noqa: F811
):
    def offset(data):
        document = an_update(data)
        stamp = datetime.fromisoformat(document["interview"]["updated_at"])
        document["interview"]["updated_at"] = stamp.astimezone(
            timezone(timedelta(hours=2))
        ).isoformat()
        revised(data)

    bad = merged_then(setting, offset)
    refused(setting.central, bad, f"updated_at: {NOT_AS_WRITTEN}")
    good = edited(setting.good, setting.folder / "n2.bundle", lambda d, c: an_update(d), {})
    report = merge_bundles(setting.central, [good])
    assert (report.total("updated"), report.total("conflicts")) == (1, 0)


# ---------------------------------------------------------------- F8: records left out


def test_an_update_leaving_records_out_is_refused_by_name_and_nothing_is_destroyed(setting):  # noqa: F811
    def omit(data):
        document = an_update(data)
        document["quotes"] = []
        revised(data)

    bad = merged_then(setting, omit)
    before = records(setting.central)
    reason = refused(setting.central, bad, "is missing from the version")
    assert reason.startswith("it breaks the record's rules") and "quote " in reason
    assert records(setting.central) == before


def test_keeping_a_version_that_lacks_records_keeps_them_marked_removed(setting):  # noqa: F811
    """A version kept aside from before a quote was added would destroy it: the quote is
    kept, marked removed; a version lacking an answer (no removed mark) is not kept."""
    assert not merge_bundles(setting.central, [setting.good]).refused
    database = open_database(setting.central, backup=False)
    connection = database.engine.raw_connection()
    [(interview,)] = connection.execute(
        "SELECT interview_id FROM quote WHERE deleted_at IS NULL ORDER BY id LIMIT 1"
    ).fetchall()
    interview = uuid.UUID(interview)
    connection.close()
    from interviewer.exchange.documents import content_hash, interview_documents

    with database.engine.begin() as c:
        document = interview_documents(c, [interview])[interview]
    quotes = {quote["id"] for quote in document["quotes"]}
    document["quotes"] = []
    document["interview"]["location"] = "Elsewhere"
    with database.engine.begin() as c:
        c.exec_driver_sql(
            "INSERT INTO conflict (id, created_at, updated_at, interview_id, shown_revision, "
            "other_revision, other_source, other_document) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                uuid.uuid4().hex,
                "2026-11-30 10:00:00",
                "2026-11-30 10:00:00",
                interview.hex,
                "0" * 32,
                content_hash(document),
                json.dumps({"local": True}),
                json.dumps(document),
            ),
        )
    with database.session() as session:
        [line] = list_conflicts(session=session)
        resolve_conflict(session=session, conflict_id=line.id, keep="other", by="Lead")
    with database.engine.begin() as c:
        held = interview_documents(c, [interview])[interview]
    database.close()
    assert held["interview"]["location"] == "Elsewhere"
    assert {quote["id"] for quote in held["quotes"]} == quotes
    assert all(quote["deleted_at"] for quote in held["quotes"])


# ---------------------------------------------------------------- F7: keys in one form


def spare_bit_flipped(key_text: str) -> str:
    body = key_text.removeprefix(signing.KEY_PREFIX)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet[alphabet.index(body[42]) ^ 1]
    return signing.KEY_PREFIX + body[:42] + last + body[43:]


@pytest.mark.parametrize("rewrite_key", [spare_bit_flipped, lambda k: k + " "])
def test_a_refused_key_written_differently_is_refused_not_held(
    tmp_path,
    centre,  # noqa: F811
    keys,  # noqa: F811
    rewrite_key,
):
    key = keys[ANNA]
    same = rewrite_key(key.public_key)
    assert same != key.public_key
    assert base64.b64decode(same.removeprefix(signing.KEY_PREFIX).strip()) == base64.b64decode(
        key.public_key.removeprefix(signing.KEY_PREFIX)
    )
    assert signing.fingerprint(same) == key.fingerprint
    with centre.session() as session:
        signing.decide_sender(
            session=session, fingerprint_typed=key.fingerprint, accept=False, by="Lead"
        )
    anna = field_database(tmp_path, centre.study_file, "anna", seed=1)
    bundle = bundle_of(anna, tmp_path / "anna.bundle", key, ANNA)
    manifest, payload = open_plain(bundle, centre)
    manifest["sender_key"] = same
    from interviewer.exchange.bundle import bundle_checksum

    manifest["checksum"] = bundle_checksum(manifest, payload)
    manifest["signature"] = key.sign(manifest["checksum"])
    write_plain(tmp_path / "same.bundle", manifest, payload)
    refused_at(centre, tmp_path / "same.bundle", "signing key is not written as the app")
    with centre.session() as session:
        lines = signing.list_senders(session=session)
    assert [line.status for line in lines if line.fingerprint == key.fingerprint] == ["refused"]


def test_a_study_file_giving_one_key_to_two_interviewers_is_refused(tmp_path):
    from interviewer.exchange.study_file import import_study

    key = signing.SigningKey.generate()
    lead = tmp_path / "lead.sqlite"
    open_database(lead).close()
    from interviewer.exchange.study_file import export_study

    path = tmp_path / "study.json"
    export_study(lead, path)
    content = json.loads(path.read_text("utf-8"))
    content["senders"] = [
        {"name": "Anna Kvist", "public_key": key.public_key},
        {"name": "Bo Vinther", "public_key": spare_bit_flipped(key.public_key)},
    ]
    path.write_text(json.dumps(content), "utf-8")
    field = tmp_path / "field.sqlite"
    with pytest.raises(InterviewerError, match="to two interviewers"):
        import_study(field, path)


# ---------------------------------------------------------------- F6: look-alike names

LATIN_TO_CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х"}


@given(
    st.text(alphabet="aeopcxMnrstuvwlik ", min_size=1, max_size=20).filter(
        lambda s: any(ch in LATIN_TO_CYRILLIC for ch in s) and s.strip()
    ),
    st.data(),
)
def test_a_name_with_a_homoglyph_or_another_case_looks_like_the_name(name, data):
    spots = [n for n, ch in enumerate(name) if ch in LATIN_TO_CYRILLIC]
    spot = data.draw(st.sampled_from(spots))
    fake = name[:spot] + LATIN_TO_CYRILLIC[name[spot]] + name[spot + 1 :]
    assert signing.names_look_alike(fake, name)
    assert signing.names_look_alike(name.upper(), name)
    assert not signing.names_look_alike(name + "q", name)


def test_a_new_key_under_a_look_alike_name_says_whose_name_it_looks_like(
    tmp_path,
    centre,  # noqa: F811
    qtbot,
):
    fake_name = ANNA.replace("a", "а", 1)  # Cyrillic а
    stranger = signing.SigningKey.generate()
    anna = field_database(tmp_path, centre.study_file, "anna", seed=1)
    [result] = centre.merge(bundle_of(anna, tmp_path / "a.bundle", stranger, fake_name)).bundles
    assert result.held == stranger.fingerprint and result.looks_like == ANNA
    with centre.session() as session:
        [held] = [s for s in signing.list_senders(session=session) if s.status == "held"]
    assert held.other_keys == 0
    assert f"looks like that of the known interviewer {ANNA}" in held.text("en")
    from interviewer.ui.exchange_dialogs import NewSenderDialog

    dialog = NewSenderDialog(result)
    qtbot.addWidget(dialog)
    assert ANNA in dialog.look_alike.text()
