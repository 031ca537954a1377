"""The manifest tells the truth: each field typed as the app writes it and held to the data it
describes. A bundle made by the app, its manifest edited and its checksum (and signature)
recomputed, is refused by name with the reason, and the centre is left as it was."""

import uuid

import pytest

from interviewer.exchange.bundle import write_bundle
from interviewer.exchange.manifest import MANIFEST_FIELDS
from interviewer.exchange.merge import merge_bundles
from tests.exchange.conftest import field_database
from tests.exchange.hostile import entries_of, refused, rewrite, run_cli


@pytest.fixture
def central(tmp_path, two_fields):
    path = tmp_path / "central.sqlite"
    write_bundle(two_fields[1], tmp_path / "earlier.bundle", plain=True)
    assert not merge_bundles(path, [tmp_path / "earlier.bundle"]).refused
    return path


@pytest.fixture
def bundle(tmp_path, study_file):
    """A plain bundle of 3 interviews, as the app writes it."""
    field = field_database(tmp_path, study_file, "anna", seed=5, interviews=3)
    path = tmp_path / "anna.bundle"
    write_bundle(field, path, plain=True, interviewer="Anna Holm")
    return path


def setting(**fields):
    return lambda manifest: manifest.update(fields)


def without(name):
    return lambda manifest: manifest.pop(name)


NOT_TEXT = "is not text"
CASES = {
    "a count of 999 on 3 interviews": (
        setting(interviews=999),
        "the manifest counts 999 interviews, but the bundle holds 3",
    ),
    "a count of 2": (setting(interviews=2), "the manifest counts 2 interviews"),
    'a count of "lots"': (setting(interviews="lots"), "“interviews” is not a whole number"),
    "a count of true": (setting(interviews=True), "“interviews” is not a whole number"),
    "a count of 3.0": (setting(interviews=3.0), "“interviews” is not a whole number"),
    "a count of -3": (setting(interviews=-3), "“interviews” is not a whole number"),
    "format_version true": (setting(format_version=True), "bundle format version True"),
    'format_version "1"': (setting(format_version="1"), "bundle format version '1'"),
    "format_version 1.0": (setting(format_version=1.0), "bundle format version 1.0"),
    "a lying guide version": (
        setting(guide_version="2.0"),
        "the manifest's “guide_version” is not the one in the bundle's data",
    ),
    "a lying guide": (setting(guide_id="another-guide"), "“guide_id” is not the one"),
    "a lying codebook version": (
        setting(codebook_version="9"),
        "“codebook_version” is not the one",
    ),
    "a lying codebook": (setting(codebook_id="other"), "“codebook_id” is not the one"),
    "a null sender": (setting(interviewer=None), f"“interviewer” {NOT_TEXT}"),
    "a sender that is a number": (setting(interviewer=7), f"“interviewer” {NOT_TEXT}"),
    "no sender": (without("interviewer"), "the manifest has no “interviewer”"),
    "a null device": (setting(device=None), f"“device” {NOT_TEXT}"),
    "a date without a time zone": (
        setting(created_at="2026-11-30T14:05:00"),
        "“created_at” is not a date and time with a time zone",
    ),
    "a day only": (setting(created_at="2026-11-30"), "“created_at” is not a date and time"),
    "year 9999 at -12:00": (
        setting(created_at="9999-12-31T23:59:00-12:00"),
        "“created_at” is not a date and time",
    ),
    "a date that is a number": (setting(created_at=20261130), "“created_at” is not a date"),
    "a bundle id that is no UUID": (setting(bundle_id="bundle-1"), "“bundle_id” is not an id"),
    "a bundle id in capitals": (
        setting(bundle_id=str(uuid.uuid4()).upper()),
        "“bundle_id” is not an id",
    ),
    "a blank guide version": (setting(guide_version=" "), "“guide_version” is not text that"),
    "a field the app does not write": (
        setting(comment="merge me"),
        "the manifest holds fields this app does not write (1)",
    ),
    "another format": (setting(format="zip"), "this is not an Interviewer bundle"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_manifest_that_does_not_tell_the_truth_is_refused(bundle, central, case):
    change, reason = CASES[case]
    rewrite(bundle, manifest=change)
    message = refused(central, bundle, reason)
    assert "Anna Holm" not in message  # a reason names the field, never its value


@pytest.mark.parametrize(
    "field, study_field, value",
    [
        ("study_id", "id", "5f0c2a9e-3d1b-4c7e-9a2f-6b8d1e4c0a73"),
        ("guide_version", "guide_version", "0.9"),
        ("codebook_id", "codebook_id", "another-codebook"),
    ],
)
def test_data_of_another_study_than_the_manifest_names_is_refused(
    bundle, central, field, study_field, value
):
    """The manifest names this centre's study, the data another: which one would be merged
    depends on who reads it, so neither is."""
    rewrite(bundle, data=lambda data: data["study"].update({study_field: value}))
    refused(central, bundle, f"the manifest's “{field}” is not the one in the bundle's data")


def test_the_manifest_the_app_writes_is_accepted_and_knows_each_of_its_fields(bundle, central):
    manifest, _ = entries_of(bundle)
    required = {name for name, field in MANIFEST_FIELDS.items() if field.required}
    assert required <= set(manifest) <= set(MANIFEST_FIELDS)
    rewrite(bundle, manifest=lambda m: None)  # recomputed, unchanged: still a good bundle
    [result] = merge_bundles(central, [bundle]).bundles
    assert (result.refused, result.added) == (None, 3)


def test_merged_before_says_how_many_interviews_that_merge_brought(bundle, central):
    first = run_cli("merge", "--db", central, bundle)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "anna.bundle: 3 added, 0 updated, 0 unchanged, 0 conflicts" in first.stdout
    again = run_cli("merge", "--db", central, bundle)
    assert again.returncode == 0
    assert "anna.bundle (merged before): 0 added, 0 updated, 3 unchanged, 0 conflicts" in (
        again.stdout
    )
