"""Bundles that must be refused are refused with a reason, and the centre stays as it was."""

import io
import json
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from interviewer.resources import resource

from interviewer.exchange.bundle import (
    BundleRefused,
    read_bundle,
    write_bundle,
)
from interviewer.exchange.crypto import load_private_key, new_key_pair
from interviewer.exchange.merge import merge_bundles
from interviewer.exchange.schema import SCHEMA_FILE, build_schema
from interviewer.exchange.study_file import export_study, import_study
from interviewer.storage.database import open_database
from tests.exchange.conftest import field_database, reseal
from tests.helpers import database_content

PASSPHRASE = "centre passphrase"


@pytest.fixture
def keys(tmp_path):
    public, private = new_key_pair(tmp_path / "keys", PASSPHRASE)
    return public.read_bytes(), load_private_key(private.read_bytes(), PASSPHRASE)


@pytest.fixture
def central(tmp_path, two_fields):
    """A central database that already holds one merged bundle."""
    path = tmp_path / "central.sqlite"
    write_bundle(two_fields[1], tmp_path / "earlier.bundle", plain=True)
    merge_bundles(path, [tmp_path / "earlier.bundle"])
    return path


def refused(central, bundle, reason, **secrets):
    before = database_content(central)
    report = merge_bundles(central, [bundle], **secrets)
    [result] = report.bundles
    assert result.refused is not None, "the bundle was merged"
    assert reason in result.refused, result.refused
    assert database_content(central) == before
    return result.refused


def test_round_trip_with_the_study_key_pair(two_fields, tmp_path, keys, central):
    public_pem, private_key = keys
    bundle = tmp_path / "sealed.bundle"
    write_bundle(two_fields[0], bundle, public_key_pem=public_pem)
    assert not zipfile.is_zipfile(bundle)  # nothing readable without the key
    assert b"Head of" not in bundle.read_bytes()
    report = merge_bundles(central, [bundle], private_key=private_key)
    assert report.bundles[0].added == 12
    other_key = load_private_key(
        new_key_pair(tmp_path / "other", PASSPHRASE)[1].read_bytes(), PASSPHRASE
    )
    write_bundle(two_fields[0], tmp_path / "again.bundle", public_key_pem=public_pem)
    refused(central, tmp_path / "again.bundle", "wrong password or key", private_key=other_key)
    refused(central, tmp_path / "again.bundle", "give the private key")


def test_round_trip_with_a_password(two_fields, tmp_path, central):
    bundle = tmp_path / "locked.bundle"
    write_bundle(two_fields[0], bundle, password="kaffe og kage 2017")
    refused(central, bundle, "wrong password", password="kaffe og kage 2018")
    refused(central, bundle, "locked with a password")
    report = merge_bundles(central, [bundle], password="kaffe og kage 2017")
    assert report.bundles[0].added == 12


@pytest.mark.parametrize("lock", ["password", "key"])
def test_a_flipped_byte_anywhere_or_a_cut_is_refused(two_fields, tmp_path, keys, central, lock):
    public_pem, private_key = keys
    bundle = tmp_path / f"{lock}.bundle"
    write_bundle(
        two_fields[0],
        bundle,
        password="pw" if lock == "password" else None,
        public_key_pem=public_pem if lock == "key" else None,
    )
    original = bundle.read_bytes()
    secrets = {"password": "pw", "private_key": private_key}
    step = max(1, len(original) // 23)
    for offset in [0, 5, 11, 16, 40, *range(60, len(original), step), len(original) - 1]:
        damaged = bytearray(original)
        damaged[offset] ^= 0x01
        bundle.write_bytes(bytes(damaged))
        refused(central, bundle, "", **secrets)
    bundle.write_bytes(original[: len(original) // 2])
    refused(central, bundle, "", **secrets)
    bundle.write_bytes(original)
    assert merge_bundles(central, [bundle], **secrets).bundles[0].added == 12


def test_a_plain_bundle_refuses_every_change_to_what_it_carries(two_fields, tmp_path, central):
    """A plain zip has bookkeeping bytes (file times, say) that carry nothing; a flip there
    may pass. A flip in anything read (manifest or data) is refused."""
    bundle = tmp_path / "plain.bundle"
    write_bundle(two_fields[0], bundle, plain=True)
    original = bundle.read_bytes()
    expected = read_bundle(bundle)
    step = max(1, len(original) // 200)
    refused_count = 0
    for offset in range(0, len(original), step):
        damaged = bytearray(original)
        damaged[offset] ^= 0x01
        bundle.write_bytes(bytes(damaged))
        try:
            got = read_bundle(bundle)
        except BundleRefused:
            refused_count += 1
            continue
        assert (got.manifest, got.data) == (expected.manifest, expected.data), offset
    assert refused_count > 150
    bundle.write_bytes(original[:-30])
    refused(central, bundle, "")


def rewrite(bundle, change_manifest=None, change_data=None, fix_checksum=True):
    with zipfile.ZipFile(bundle) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        data = json.loads(archive.read("data.json"))
    if change_manifest:
        change_manifest(manifest)
    if change_data:
        change_data(data)
    payload = json.dumps(data).encode()
    if fix_checksum:
        reseal(manifest, payload)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("data.json", payload)
    bundle.write_bytes(buffer.getvalue())


def test_a_wrong_version_a_broken_schema_or_an_altered_record_is_refused(
    two_fields, tmp_path, central
):
    bundle = tmp_path / "b.bundle"
    write_bundle(two_fields[0], bundle, plain=True)
    original = bundle.read_bytes()
    rewrite(bundle, change_manifest=lambda m: m.update(format_version=2))
    refused(central, bundle, "format version 2")
    bundle.write_bytes(original)
    rewrite(
        bundle,
        change_data=lambda d: d["interviews"][0]["document"]["ratings"][0].update(value="five"),
    )
    refused(central, bundle, "breaks its schema at interviews/0/document/ratings/0/value")
    bundle.write_bytes(original)

    def alter(data):
        data["interviews"][3]["document"]["interview"]["municipality"] = "Atlantis"

    rewrite(bundle, change_data=alter)  # valid JSON, right checksum, but not its revision
    refused(central, bundle, "does not match its revision")
    bundle.write_bytes(original)
    rewrite(bundle, change_data=alter, fix_checksum=False)
    refused(central, bundle, "checksum does not match")


def test_a_bundle_of_another_study_is_refused(tmp_path, central):
    other_lead = tmp_path / "other-lead.sqlite"
    open_database(other_lead).close()
    export_study(other_lead, tmp_path / "other-study.json")
    stranger = field_database(tmp_path, tmp_path / "other-study.json", "stranger", seed=9)
    write_bundle(stranger, tmp_path / "stranger.bundle", plain=True)
    refused(central, tmp_path / "stranger.bundle", "belongs to another study")


def test_a_study_file_is_refused_by_a_database_of_another_study(tmp_path, study_file, two_fields):
    other_lead = tmp_path / "other.sqlite"
    open_database(other_lead).close()
    export_study(other_lead, tmp_path / "other.json")
    from interviewer.errors import InterviewerError

    before = database_content(two_fields[0])
    with pytest.raises(InterviewerError, match="already belongs to the study"):
        import_study(two_fields[0], tmp_path / "other.json")
    with pytest.raises(InterviewerError, match="already has interviews"):
        import_study(two_fields[0], study_file)
    assert database_content(two_fields[0]) == before


def test_the_shipped_schema_is_the_one_the_code_builds():
    shipped = json.loads(resource(*SCHEMA_FILE).read_text("utf-8"))
    assert shipped == build_schema()


# ---------------------------------------------------------------- never crash, never change

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(content=st.binary(max_size=2000))
def test_arbitrary_bytes_are_refused_and_change_nothing(tmp_path, central, content):
    bundle = tmp_path / "fuzz.bundle"
    bundle.write_bytes(content)
    with pytest.raises(BundleRefused):
        read_bundle(bundle, password="pw")
    before = database_content(central)
    merge_bundles(central, [bundle], password="pw")
    assert database_content(central) == before


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=25,
)


@FUZZ
@given(data=JSON, keep_shape=st.booleans())
def test_arbitrary_json_is_refused_and_changes_nothing(
    tmp_path, central, two_fields, data, keep_shape
):
    bundle = tmp_path / "fuzz-json.bundle"
    write_bundle(two_fields[0], bundle, plain=True)
    if keep_shape:  # arbitrary values inside a real bundle's frame
        rewrite(bundle, change_data=lambda d: d["interviews"][0]["document"].update(interview=data))
    else:
        rewrite(bundle, change_data=lambda d: (d.clear(), d.update({"x": data})))
    before = database_content(central)
    report = merge_bundles(central, [bundle])
    assert report.bundles[0].refused
    assert database_content(central) == before
