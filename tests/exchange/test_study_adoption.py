"""A database takes a bundle's study only while it holds no study or the default one the app
sets up, with no interviews; a study set up on purpose is never replaced by a stray bundle's.
A guide or codebook that cannot be used never reaches a database, by merge or by import."""

import json
import sqlite3

import pytest

from interviewer.errors import InterviewerError
from interviewer.exchange.bundle import write_bundle
from interviewer.exchange.crypto import new_key_pair
from interviewer.exchange.merge import merge_bundles
from interviewer.exchange.study_file import export_study, import_study
from interviewer.interviews import current_study, study_guide
from interviewer.storage.database import open_database
from interviewer.storage.health import check_database
from tests.exchange.conftest import field_database
from tests.helpers import database_content

SEVEN = [
    "Mette Sørensen",
    "Jonas Berg",
    "Aisha Khan",
    "Lars Holm",
    "Sofie Dahl",
    "Per Lund",
    "Ida Møller",
]


def study_row(path):
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT id, name, public_key_pem FROM study").fetchone()
    finally:
        connection.close()


def interviewer_names(path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        return {row[0] for row in connection.execute("SELECT name FROM interviewer")}
    finally:
        connection.close()


def app_default(path):
    """A database as the app leaves it when first opened: the default study, nothing else."""
    database = open_database(path)
    with database.session() as session:
        current_study(session=session)
    database.close()


@pytest.fixture
def stray_bundle(tmp_path):
    """A bundle of another study than the central team's (its own lead, its own study)."""
    lead = tmp_path / "other-lead.sqlite"
    app_default(lead)
    export_study(lead, tmp_path / "other-study.json")
    stranger = field_database(tmp_path, tmp_path / "other-study.json", "stranger", seed=9)
    write_bundle(stranger, tmp_path / "stray.bundle", plain=True)
    return tmp_path / "stray.bundle"


def test_a_study_imported_on_purpose_never_takes_a_stray_bundles_study(
    tmp_path, stray_bundle, two_fields
):
    lead = tmp_path / "lead.sqlite"
    app_default(lead)
    public, _ = new_key_pair(tmp_path / "keys", "centre passphrase")
    export_study(
        lead, tmp_path / "team.json", public_key_pem=public.read_bytes(), interviewers=SEVEN
    )
    central = tmp_path / "central.sqlite"  # a second office machine, no interviews yet
    import_study(central, tmp_path / "team.json")
    held = study_row(central)
    before = database_content(central)
    [result] = merge_bundles(central, [stray_bundle]).bundles
    assert result.refused and "belongs to another study" in result.refused
    assert study_row(central) == held  # its key is kept
    assert interviewer_names(central) == set(SEVEN)  # and all seven interviewers
    assert database_content(central) == before


def test_a_stray_bundle_from_another_machine_is_refused_before_its_key_is_held(
    tmp_path, study_file, stray_bundle
):
    """Refused by its study, never held for a person to accept a sender of another study."""
    from interviewer.exchange.signing import SigningKey

    stranger = tmp_path / "stranger.sqlite"
    write_bundle(stranger, tmp_path / "far.bundle", plain=True, signing_key=SigningKey.generate())
    central = tmp_path / "central.sqlite"
    import_study(central, study_file)
    before = database_content(central)
    [result] = merge_bundles(central, [tmp_path / "far.bundle"]).bundles
    assert result.refused and "belongs to another study" in result.refused
    assert database_content(central) == before  # no key waiting in the list of senders


def test_a_study_given_the_teams_key_is_on_purpose_too(tmp_path, stray_bundle):
    central = tmp_path / "central.sqlite"
    app_default(central)
    public, _ = new_key_pair(tmp_path / "keys", "centre passphrase")
    export_study(central, tmp_path / "team.json", public_key_pem=public.read_bytes())
    held = study_row(central)
    [result] = merge_bundles(central, [stray_bundle]).bundles
    assert result.refused and "belongs to another study" in result.refused
    assert study_row(central) == held


def test_a_study_imported_from_a_plain_study_file_is_on_purpose(tmp_path, study_file, stray_bundle):
    """Even a study file of the shipped guide and codebook, without a key or interviewers:
    the database came from the study file, not from the app's default."""
    central = tmp_path / "central.sqlite"
    import_study(central, study_file)
    held = study_row(central)
    [result] = merge_bundles(central, [stray_bundle]).bundles
    assert result.refused and "belongs to another study" in result.refused
    assert study_row(central) == held


def test_the_default_study_of_a_new_database_takes_the_first_bundles_study(
    tmp_path, two_fields, stray_bundle
):
    central = tmp_path / "central.sqlite"
    app_default(central)  # opened in the app first: the default study, no interviews
    write_bundle(two_fields[0], tmp_path / "mette.bundle", plain=True)
    [result] = merge_bundles(central, [tmp_path / "mette.bundle"]).bundles
    assert result.refused is None and result.added == 12
    assert study_row(central)[0] == study_row(two_fields[0])[0]
    # from now on it is that study's database: another study's bundle is refused
    [result] = merge_bundles(central, [stray_bundle]).bundles
    assert result.refused and "belongs to another study" in result.refused


def broken_study_bundle(tmp_path, study_file, name: str, sql: str):
    """A bundle, signed and sealed as the app writes it, of a field database whose study
    was then damaged by ``sql`` (as a hand-edited file or a faulty tool would)."""
    field = field_database(tmp_path, study_file, name, seed=3, interviews=2)
    connection = sqlite3.connect(field)
    connection.execute(sql)
    connection.commit()
    connection.close()
    bundle = tmp_path / f"{name}.bundle"
    write_bundle(field, bundle, plain=True)
    return bundle


BROKEN = {
    "guide-not-toml": ("UPDATE study SET guide_toml = 'format = [[[ broken'", "not valid TOML"),
    "guide-no-questions": (
        "UPDATE study SET guide_toml = 'format = \"interviewer-guide\"\nformat_version = 1\n'",
        "the study's guide",
    ),
    "guide-not-the-one-named": ("UPDATE study SET guide_id = 'another-guide'", "not the guide"),
    "no-service-areas": ("DELETE FROM codebook_entry WHERE kind = 'service_area'", "codebook"),
    "blank-label": ("UPDATE codebook_entry SET label_da = '  ' WHERE position = 0", "codebook"),
    "bad-code": ("UPDATE codebook_entry SET code = 'Not A Code' WHERE position = 1", "codebook"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_bundle_whose_study_cannot_be_used_is_refused_and_never_installed(
    tmp_path, study_file, two_fields, case
):
    sql, reason = BROKEN[case]
    bundle = broken_study_bundle(tmp_path, study_file, case, sql)
    central = tmp_path / "central.sqlite"
    app_default(central)
    before = database_content(central)
    write_bundle(two_fields[0], tmp_path / "good.bundle", plain=True)
    report = merge_bundles(central, [bundle, tmp_path / "good.bundle"])
    broken, good = report.bundles
    assert broken.refused and "its study cannot be used" in broken.refused, broken.refused
    assert reason in broken.refused, broken.refused
    assert good.refused is None and good.added == 12  # the next bundle is still merged
    assert database_content(central) != before
    assert check_database(central).healthy
    database = open_database(central)  # the app can still start on it: its guide reads
    with database.session() as session:
        assert study_guide(current_study(session=session)).questions
    database.close()


def study_file_with(tmp_path, study_file, change) -> object:
    content = json.loads(study_file.read_text("utf-8"))
    change(content["study"])
    path = tmp_path / "changed-study.json"
    path.write_text(json.dumps(content), "utf-8")
    return path


def duplicate_code(study):
    study["codes"].append(dict(study["codes"][0], position=99))


def no_codes(study):
    study["codes"] = []


def unknown_kind(study):
    study["codes"][0]["kind"] = "mood"


def guide_of_a_later_format(study):
    study["guide_toml"] = study["guide_toml"].replace("format_version = 1", "format_version = 7")


@pytest.mark.parametrize(
    "change, reason",
    [
        (duplicate_code, "codes in a list must be unique"),
        (no_codes, "codebook cannot be used"),
        (unknown_kind, "codebook cannot be used"),
        (guide_of_a_later_format, "format_version"),
    ],
)
def test_a_study_file_whose_guide_or_codebook_cannot_be_used_is_refused_by_import(
    tmp_path, study_file, change, reason
):
    target = tmp_path / "target.sqlite"
    app_default(target)
    before = database_content(target)
    with pytest.raises(InterviewerError, match=reason):
        import_study(target, study_file_with(tmp_path, study_file, change))
    assert database_content(target) == before
