"""A bundle proves who sent it: the centre merges a bundle only from the signing key it knows
for the interviewer the bundle names, records that verified sender, holds or refuses a key it
does not know, and treats a change by anyone but an interview's own interviewer as a conflict.
"""

import io
import json
import shutil
import sqlite3
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from interviewer import interviews as svc
from interviewer.errors import InterviewerError
from interviewer.exchange import signing
from interviewer.exchange.bundle import bundle_checksum, write_bundle
from interviewer.exchange.crypto import decrypt, load_private_key, new_key_pair
from interviewer.exchange.merge import merge_bundles
from interviewer.exchange.study_file import export_study, import_study
from interviewer.storage.database import open_database
from interviewer.text_rules import interviewer_id
from tests.exchange.conftest import field_database
from tests.helpers import database_content

PASSPHRASE = "centre passphrase"
# names the demo data never gives an interviewer: ownership comes from the bundles alone
ANNA, BO = "Anna Kvist", "Bo Vinther"


@dataclass
class Centre:
    db: Path
    study_file: Path
    private_key: object

    def merge(self, *bundles):
        return merge_bundles(self.db, list(bundles), private_key=self.private_key)

    def session(self):
        return _Session(self.db)


class _Session:
    def __init__(self, path):
        self.database = open_database(path, backup=False)

    def __enter__(self):
        self.session = self.database.session()
        return self.session

    def __exit__(self, *exc):
        self.session.close()
        self.database.close()


@pytest.fixture
def keys():
    return {ANNA: signing.SigningKey.generate(), BO: signing.SigningKey.generate()}


@pytest.fixture
def centre(tmp_path, keys):
    """The study lead's database, which is the centre: the team key pair made, Anna's and
    Bo's keys added by hand, and the study file exported with them."""
    db = tmp_path / "central.sqlite"
    open_database(db).close()
    public, private = new_key_pair(tmp_path / "keys", PASSPHRASE)
    with _Session(db) as session:
        for name, key in keys.items():
            signing.add_sender(session=session, name=name, public_key=key.public_key, by="Lead")
    study_file = tmp_path / "study.json"
    export_study(db, study_file, public_key_pem=public.read_bytes(), interviewers=[ANNA, BO])
    return Centre(db, study_file, load_private_key(private.read_bytes(), PASSPHRASE))


def bundle_of(field, out, key, name):
    write_bundle(field, out, interviewer=name, signing_key=key)
    return out


def rows(path, sql, *args):
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


def open_plain(bundle: Path, centre: Centre) -> tuple[dict, bytes]:
    plain = decrypt(bundle.read_bytes(), private_key=centre.private_key)
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        return json.loads(archive.read("manifest.json")), archive.read("data.json")


def write_plain(bundle: Path, manifest: dict, payload: bytes) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("data.json", payload)
    bundle.write_bytes(buffer.getvalue())


def refused(centre, bundle, reason):
    before = database_content(centre.db)
    [result] = centre.merge(bundle).bundles
    assert result.refused is not None and reason in result.refused, result.refused
    assert database_content(centre.db) == before
    return result


def test_a_bundle_signed_by_its_interviewer_merges_with_the_verified_sender(tmp_path, centre, keys):
    anna = field_database(tmp_path, centre.study_file, "anna", seed=1)
    bundle = bundle_of(anna, tmp_path / "anna.bundle", keys[ANNA], ANNA)
    [result] = centre.merge(bundle).bundles
    assert (result.added, result.refused, result.interviewer) == (12, None, ANNA)
    senders = rows(
        centre.db, "SELECT DISTINCT interviewer FROM provenance WHERE record_type != 'study'"
    )
    assert senders == [(ANNA,)]
    assert rows(centre.db, "SELECT interviewer, sender_fingerprint FROM merged_bundle") == [
        (ANNA, keys[ANNA].fingerprint)
    ]


def test_a_bundle_naming_anna_signed_with_bos_key_is_refused_and_never_recorded(
    tmp_path, centre, keys
):
    anna = field_database(tmp_path, centre.study_file, "anna", seed=1)
    forged = bundle_of(anna, tmp_path / "forged.bundle", keys[BO], ANNA)
    refused(centre, forged, "belongs to another interviewer")
    assert rows(centre.db, "SELECT * FROM provenance WHERE record_type != 'study'") == []
    # Anna's own bundle, its name then changed to Bo's, checksum recomputed: the signature
    # no longer matches, whatever the manifest says
    bundle = bundle_of(anna, tmp_path / "renamed.bundle", keys[ANNA], ANNA)
    manifest, payload = open_plain(bundle, centre)
    study_id = uuid.UUID(manifest["study_id"])
    manifest.update(
        interviewer=BO, sender_id=str(interviewer_id(study_id, BO)),
        sender_key=keys[BO].public_key,
    )  # fmt: skip
    manifest["checksum"] = bundle_checksum(manifest, payload)
    write_plain(bundle, manifest, payload)
    refused(centre, bundle, "the signature does not match")


@pytest.mark.parametrize(
    "tamper, reason",
    [
        (lambda m, p: (m.pop("signature"), p), "signature is incomplete"),
        (lambda m, p: (m.update(signature=m["signature"][:-4] + "AAA="), p), "does not match"),
        (lambda m, p: (m.update(signature="not base64!"), p), "does not match"),
        (lambda m, p: (m.update(sender_key="ed25519:AAAA"), p), "does not match"),
        (
            lambda m, p: (None, p.replace(b'"respondent_role": "', b'"respondent_role": "X', 1)),
            "does not match",
        ),
        (lambda m, p: (m.update(device="elsewhere"), p), "does not match"),
        (lambda m, p: (m.update(sender_id=str(uuid.uuid4())), p), "does not match"),
    ],
    ids=["stripped", "altered", "garbage", "short key", "data byte", "device", "sender id"],
)
def test_a_bundle_changed_after_signing_is_refused_even_with_its_checksum_recomputed(
    tmp_path, centre, keys, tamper, reason
):
    anna = field_database(tmp_path, centre.study_file, "anna", seed=1)
    bundle = bundle_of(anna, tmp_path / "anna.bundle", keys[ANNA], ANNA)
    manifest, payload = open_plain(bundle, centre)
    _, payload = tamper(manifest, payload)
    manifest["checksum"] = bundle_checksum(manifest, payload)
    write_plain(bundle, manifest, payload)
    refused(centre, bundle, reason)


def test_a_bundle_from_before_signatures_is_refused_with_what_to_do(tmp_path, centre, keys):
    anna = field_database(tmp_path, centre.study_file, "anna", seed=1)
    bundle = bundle_of(anna, tmp_path / "old.bundle", keys[ANNA], ANNA)
    manifest, payload = open_plain(bundle, centre)
    for name in signing.MANIFEST_FIELDS:  # as an app from before this change wrote it
        del manifest[name]
    manifest["checksum"] = bundle_checksum(manifest, payload)
    write_plain(bundle, manifest, payload)
    result = refused(centre, bundle, "is not signed")
    assert "update the app and send it again" in result.refused


def test_a_new_sender_is_held_for_a_person_then_accepted_and_merged(tmp_path, centre):
    carl = signing.SigningKey.generate()
    field = field_database(tmp_path, centre.study_file, "carl", seed=3)
    bundle = bundle_of(field, tmp_path / "carl.bundle", carl, "Carl Eskildsen")
    before = database_content(centre.db)
    report = centre.merge(bundle)
    [result] = report.bundles
    assert result.held == carl.fingerprint and result.added == 0 and not report.refused
    assert "accepts" in report.lines("en")[-1]
    changed = [t for t, b in zip(database_content(centre.db), before, strict=True) if t != b]
    assert [table for table, _ in changed] == ["sender_key"]  # only the key waits
    assert centre.merge(bundle).bundles[0].held == carl.fingerprint  # still waiting
    with centre.session() as session:
        [waiting] = [s for s in signing.list_senders(session=session) if s.status == "held"]
        assert (waiting.name, waiting.fingerprint) == ("Carl Eskildsen", carl.fingerprint)
        typed = carl.fingerprint.lower().replace("-", " ")  # as read out on the phone
        signing.decide_sender(session=session, fingerprint_typed=typed, accept=True, by="Lead")
    [result] = centre.merge(bundle).bundles
    assert (result.added, result.interviewer, result.held) == (12, "Carl Eskildsen", None)


def test_a_refused_sender_stays_refused(tmp_path, centre):
    carl = signing.SigningKey.generate()
    field = field_database(tmp_path, centre.study_file, "carl", seed=3)
    bundle = bundle_of(field, tmp_path / "carl.bundle", carl, "Carl Eskildsen")
    assert centre.merge(bundle).bundles[0].held
    with centre.session() as session:
        signing.decide_sender(
            session=session, fingerprint_typed=carl.fingerprint, accept=False, by="Lead"
        )
    refused(centre, bundle, "was refused at this centre")


def test_known_senders_only_refuses_a_new_key_until_it_is_added(tmp_path, centre):
    with centre.session() as session:
        signing.set_sender_rule(session=session, rule="known_only")
    carl = signing.SigningKey.generate()
    field = field_database(tmp_path, centre.study_file, "carl", seed=3)
    bundle = bundle_of(field, tmp_path / "carl.bundle", carl, "Carl Eskildsen")
    refused(centre, bundle, "known senders only")
    with centre.session() as session:
        signing.add_sender(
            session=session, name="Carl Eskildsen", public_key=carl.public_key, by="Lead"
        )
    assert centre.merge(bundle).bundles[0].added == 12


def test_a_second_key_for_a_known_interviewer_is_held_not_taken(tmp_path, centre, keys):
    laptop = signing.SigningKey.generate()  # Anna's new laptop, or someone posing as her
    anna = field_database(tmp_path, centre.study_file, "anna", seed=1)
    [result] = centre.merge(bundle_of(anna, tmp_path / "a.bundle", laptop, ANNA)).bundles
    assert result.held == laptop.fingerprint
    with centre.session() as session:
        [held] = [s for s in signing.list_senders(session=session) if s.status == "held"]
        assert held.other_keys == 1 and "1 other accepted key" in held.text("en")


def edit_role(path, interview_id, role):
    database = open_database(path, backup=False)
    with database.session() as session:
        svc.update_interview(session=session, interview_id=interview_id, respondent_role=role)
    database.close()


def an_interview_with_a_quote(path) -> tuple[uuid.UUID, uuid.UUID]:
    [(interview, quote)] = rows(
        path,
        "SELECT interview_id, id FROM quote WHERE deleted_at IS NULL ORDER BY id LIMIT 1",
    )
    return uuid.UUID(interview), uuid.UUID(quote)


def test_bos_change_to_annas_interview_is_a_conflict_and_annas_version_stays(
    tmp_path, centre, keys
):
    anna = field_database(tmp_path, centre.study_file, "anna", seed=1)
    centre.merge(bundle_of(anna, tmp_path / "anna.bundle", keys[ANNA], ANNA))
    bo = tmp_path / "bo.sqlite"
    shutil.copy(anna, bo)  # Bo has a copy of Anna's file: he knows her interviews whole
    interview, _ = an_interview_with_a_quote(bo)
    edit_role(bo, interview, "Made up by Bo")
    [result] = centre.merge(bundle_of(bo, tmp_path / "bo.bundle", keys[BO], BO)).bundles
    assert (result.updated, result.conflicts, result.interviewer) == (0, 1, BO)
    roles = rows(centre.db, "SELECT respondent_role FROM interview WHERE id = ?", interview.hex)
    assert roles != [("Made up by Bo",)]  # the centre still shows Anna's version
    [(source, document)] = rows(centre.db, "SELECT other_source, other_document FROM conflict")
    assert json.loads(source)["interviewer"] == BO
    assert json.loads(document)["interview"]["respondent_role"] == "Made up by Bo"
    # Anna's own later change to the same interview is hers to make: an update
    edit_role(anna, interview, "Head of Child Services")
    [result] = centre.merge(bundle_of(anna, tmp_path / "anna2.bundle", keys[ANNA], ANNA)).bundles
    assert (result.updated, result.conflicts) == (1, 0)


def test_bos_deletion_of_annas_quote_is_a_conflict_and_the_quote_stays(tmp_path, centre, keys):
    anna = field_database(tmp_path, centre.study_file, "anna", seed=1)
    centre.merge(bundle_of(anna, tmp_path / "anna.bundle", keys[ANNA], ANNA))
    bo = tmp_path / "bo.sqlite"
    shutil.copy(anna, bo)
    _, quote = an_interview_with_a_quote(bo)
    database = open_database(bo, backup=False)
    with database.session() as session:
        svc.remove_quote(session=session, quote_id=quote)
    database.close()
    [result] = centre.merge(bundle_of(bo, tmp_path / "bo.bundle", keys[BO], BO)).bundles
    assert (result.updated, result.conflicts) == (0, 1)
    assert rows(centre.db, "SELECT deleted_at FROM quote WHERE id = ?", quote.hex) == [(None,)]


def test_the_interviewer_recorded_on_an_interview_may_change_it(tmp_path, centre, keys):
    """Bo typed an interview of Anna's on his laptop and sent it; Anna, its interviewer, may
    change it from hers; a third interviewer may not."""
    bo = field_database(tmp_path, centre.study_file, "bo", seed=4)
    interview, _ = an_interview_with_a_quote(bo)
    database = open_database(bo, backup=False)
    with database.session() as session:
        study = svc.current_study(session=session)
        person = svc.interviewer_named(session=session, study=study, name=ANNA)
        svc.update_interview(session=session, interview_id=interview, interviewer_id=person.id)
    database.close()
    centre.merge(bundle_of(bo, tmp_path / "bo.bundle", keys[BO], BO))
    anna = tmp_path / "anna.sqlite"
    shutil.copy(bo, anna)
    edit_role(anna, interview, "Head of Employment Services")
    [result] = centre.merge(bundle_of(anna, tmp_path / "anna.bundle", keys[ANNA], ANNA)).bundles
    assert (result.updated, result.conflicts) == (1, 0)
    dora = signing.SigningKey.generate()
    with centre.session() as session:
        signing.add_sender(session=session, name="Dora Ry", public_key=dora.public_key, by="")
    edit_role(anna, interview, "Not Dora's to change")
    [result] = centre.merge(bundle_of(anna, tmp_path / "dora.bundle", dora, "Dora Ry")).bundles
    assert (result.updated, result.conflicts) == (0, 1)


def test_the_study_file_brings_the_known_senders_to_another_centre(tmp_path, centre, keys):
    second = tmp_path / "second-centre.sqlite"
    import_study(second, centre.study_file)
    anna = field_database(tmp_path, centre.study_file, "anna", seed=1)
    bundle = bundle_of(anna, tmp_path / "anna.bundle", keys[ANNA], ANNA)
    [result] = merge_bundles(second, [bundle], private_key=centre.private_key).bundles
    assert (result.added, result.interviewer) == (12, ANNA)
    with _Session(second) as session:
        assert {s.name for s in signing.list_senders(session=session)} == {ANNA, BO}
        assert {s.source for s in signing.list_senders(session=session)} == {"study file"}


def test_a_key_known_for_one_interviewer_cannot_be_added_for_another(centre, keys):
    with centre.session() as session:
        with pytest.raises(InterviewerError, match="another interviewer"):
            signing.add_sender(session=session, name="Eve", public_key=keys[ANNA].public_key, by="")
        with pytest.raises(InterviewerError, match="not a signing key"):
            signing.add_sender(session=session, name="Eve", public_key="ssh-rsa AAAA", by="")


def test_this_machines_key_is_made_once_kept_private_and_never_replaced():
    key = signing.this_machines_key()
    path = signing.key_file()
    assert path.stat().st_mode & 0o777 == 0o600
    assert signing.this_machines_key().public_key == key.public_key
    assert signing.own_public_key() == key.public_key
    path.write_bytes(b"damaged")
    with pytest.raises(InterviewerError, match="cannot be read; it is not replaced"):
        signing.this_machines_key()
    assert path.read_bytes() == b"damaged"


def test_the_key_never_travels_in_a_bundle_or_the_database(tmp_path, centre, keys):
    key = signing.this_machines_key()
    secret = key.pem().split(b"\n")[1]
    anna = field_database(tmp_path, centre.study_file, "anna", seed=1)
    bundle = tmp_path / "anna.bundle"
    write_bundle(anna, bundle, interviewer=ANNA)  # signed with this machine's key
    manifest, payload = open_plain(bundle, centre)
    assert manifest["sender_key"] == key.public_key
    assert secret not in json.dumps(manifest).encode() + payload
    assert secret not in anna.read_bytes()


def test_a_bundle_signed_with_the_centres_own_key_needs_no_acceptance(tmp_path, centre):
    anna = field_database(tmp_path, centre.study_file, "lead-field", seed=5)
    bundle = tmp_path / "lead.bundle"
    write_bundle(anna, bundle, interviewer="Lead Person")  # this machine's key: the centre's
    [result] = centre.merge(bundle).bundles
    assert (result.added, result.held, result.interviewer) == (12, None, "Lead Person")


def test_a_fingerprint_is_short_unambiguous_and_stable():
    key = signing.SigningKey.generate()
    text = key.fingerprint
    assert len(text) == 19 and text.count("-") == 3
    assert set(text.replace("-", "")) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    )  # no 0 or 1 to read as O or I
    assert signing.fingerprint(key.public_key) == text
    assert signing.parse_public_key(key.public_key) is not None


def test_known_senders_only_on_the_command_line_two_machines_and_a_forger(tmp_path):
    """The lead adds Anna's key (the line her `keys show` printed) and takes known senders
    only; Anna's bundle merges; a bundle from another machine under Anna's name is refused,
    exit 1, no traceback; the key file is the owner's alone."""
    from tests.exchange.test_cli_exchange import run

    lead, laptop, other = tmp_path / "lead", tmp_path / "anna", tmp_path / "other"
    central = lead / "central.sqlite"
    assert run("demo", "--db", central, "--interviews", 0, home=lead).returncode == 0
    shown = run("keys", "show", home=laptop)
    assert shown.returncode == 0, shown.stderr
    key_line = shown.stdout.split("public key: ")[1].split()[0]
    fingerprint = shown.stdout.split("fingerprint: ")[1].split()[0]
    key_path = laptop / "data" / "Interviewer" / "signing-key.pem"
    assert key_path.stat().st_mode & 0o777 == 0o600
    added = run("senders", "--db", central, "--add", ANNA, "--key", key_line, home=lead)
    assert added.returncode == 0, added.stderr
    assert f"{fingerprint}  {ANNA}: accepted; added by hand" in added.stdout
    assert run("senders", "--db", central, "--rule", "known_only", home=lead).returncode == 0
    (tmp_path / "pw").write_text("a long password\n")
    study = tmp_path / "study.json"
    assert run("study", "export", "--db", central, "-o", study, home=lead).returncode == 0
    assert json.loads(study.read_text("utf-8"))["senders"] == [
        {"name": ANNA, "public_key": key_line}
    ]
    for home in (laptop, other):
        field = home / "field.sqlite"
        assert run("study", "import", "--db", field, study, home=home).returncode == 0
        assert run("demo", "--db", field, "--interviews", 3, "--seed", 7, home=home).returncode == 0
        made = run(
            "export", "bundle", "--db", field, "-o", home / "b.bundle", "--interviewer", ANNA,
            "--password-file", tmp_path / "pw", home=home,
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
    merge = ("merge", "--db", central, "--password-file", tmp_path / "pw")
    good = run(*merge, laptop / "b.bundle", home=lead)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "3 added" in good.stdout
    forged = run(*merge, other / "b.bundle", home=lead)
    assert forged.returncode == 1
    assert "refused: its signing key" in forged.stdout and "known senders only" in forged.stdout
    assert "Traceback" not in forged.stderr
    assert rows(central, "SELECT DISTINCT interviewer FROM merged_bundle") == [(ANNA,)]
    assert rows(central, "SELECT count(*) FROM sender_key") == [(1,)]  # nothing held


def test_interviews_merged_before_signatures_keep_their_sender_after_the_upgrade(tmp_path):
    """Migration 0004: an interview merged under schema 0003 is owned by the sender its
    provenance names, so that sender's next bundle is an update, not a conflict."""
    from alembic import command

    from interviewer.storage.database import APPLICATION_ID, alembic_config, make_engine

    path = tmp_path / "old-centre.sqlite"
    engine = make_engine(path)
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
    study_id, interview_id, bundle_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO study (id, created_at, updated_at, name, guide_id, guide_version, "
            "guide_toml, codebook_id, codebook_version) VALUES (?, '2026-01-01 00:00:00', "
            "'2026-01-01 00:00:00', 's', 'g', '1', 'x', 'c', '1')",
            (study_id.hex,),
        )
        connection.exec_driver_sql(
            "INSERT INTO interview (id, study_id, guide_version, respondent_role, service_area,"
            " municipality, consent_given, interview_date, location, mode, status, "
            "created_device, created_at, updated_at) VALUES (?, ?, '1', 'r', 'a', 'm', 0, "
            "'2026-01-01', '', 'in_person', 'draft', '', '2026-01-01 00:00:00', "
            "'2026-01-01 00:00:00')",
            (interview_id.hex, study_id.hex),
        )
        connection.exec_driver_sql(
            "INSERT INTO provenance VALUES (?, 'interview', ?, ' Anna  Kvist', 'dev', "
            "'2026-01-02 00:00:00')",
            (interview_id.hex, bundle_id.hex),
        )
        connection.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")  # ours
    engine.dispose()
    open_database(path, backup=False).close()
    assert rows(path, "SELECT interview_id, interviewer_id, bundle_id FROM interview_sender") == [
        (interview_id.hex, interviewer_id(study_id, ANNA).hex, bundle_id.hex)
    ]
    assert rows(path, "SELECT sender_rule FROM study") == [("confirm_new",)]
