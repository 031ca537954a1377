"""Field to central: bundles merged exactly, again without change, conflicts kept, provenance."""

import shutil
import sqlite3
import uuid
from datetime import date

from sqlmodel import select

from interviewer import interviews as svc
from interviewer.exchange.bundle import write_bundle
from interviewer.exchange.conflicts import list_conflicts, resolve_conflict, source_text
from interviewer.exchange.merge import merge_bundles
from interviewer.storage.database import open_database
from interviewer.storage.health import check_database
from interviewer.storage.models import Provenance
from tests.helpers import database_content

TABLES = ("interview", "answer", "rating", "challenge", "initiative", "effect", "quote")


def ids(path, table) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        return {row[0] for row in connection.execute(f"SELECT id FROM {table}")}
    finally:
        connection.close()


def test_two_interviewers_merge_into_one_centre_and_again_without_change(two_fields, tmp_path):
    mette, jonas = two_fields
    bundles = [tmp_path / "mette.bundle", tmp_path / "jonas.bundle"]
    write_bundle(mette, bundles[0], interviewer="Mette", plain=True)
    write_bundle(jonas, bundles[1], interviewer="Jonas", plain=True)
    central = tmp_path / "central.sqlite"
    report = merge_bundles(central, bundles)
    assert [(b.added, b.updated, b.unchanged, b.conflicts) for b in report.bundles] == [
        (12, 0, 0, 0),
        (12, 0, 0, 0),
    ]
    for table in TABLES:  # every record of both, none lost, none twice
        assert ids(central, table) == ids(mette, table) | ids(jonas, table), table
        assert not ids(mette, table) & ids(jonas, table)
    assert check_database(central).healthy
    before = database_content(central)
    again = merge_bundles(central, bundles)
    assert again.total("added") == again.total("updated") == again.total("conflicts") == 0
    assert all(b.merged_before for b in again.bundles)
    assert database_content(central) == before


def test_the_same_interview_from_two_bundles_is_one_interview(two_fields, tmp_path):
    mette, _ = two_fields
    write_bundle(mette, tmp_path / "first.bundle", plain=True)
    write_bundle(mette, tmp_path / "second.bundle", plain=True)  # another bundle, same content
    central = tmp_path / "central.sqlite"
    report = merge_bundles(central, [tmp_path / "first.bundle", tmp_path / "second.bundle"])
    assert [(b.added, b.unchanged) for b in report.bundles] == [(12, 0), (0, 12)]
    assert len(ids(central, "interview")) == 12


def first_interview(path) -> uuid.UUID:
    connection = sqlite3.connect(path)
    try:
        return uuid.UUID(connection.execute("SELECT id FROM interview ORDER BY id").fetchone()[0])
    finally:
        connection.close()


def edit_role(path, interview_id, role):
    database = open_database(path, backup=False)
    with database.session() as session:
        svc.update_interview(session=session, interview_id=interview_id, respondent_role=role)
    database.close()


def test_a_later_version_from_the_same_field_is_an_update(two_fields, tmp_path):
    mette, _ = two_fields
    central = tmp_path / "central.sqlite"
    write_bundle(mette, tmp_path / "monday.bundle", plain=True)
    merge_bundles(central, [tmp_path / "monday.bundle"])
    interview_id = first_interview(mette)
    edit_role(mette, interview_id, "Head of Family Services (acting)")
    last = uuid.UUID(max(ids(mette, "interview")))
    database = open_database(mette, backup=False)
    with database.session() as session:
        svc.delete_interview(session=session, interview_id=last)
    database.close()
    write_bundle(mette, tmp_path / "tuesday.bundle", since=date.today(), plain=True)
    report = merge_bundles(central, [tmp_path / "tuesday.bundle"])
    assert [(b.added, b.updated, b.conflicts) for b in report.bundles] == [(0, 2, 0)]
    connection = sqlite3.connect(central)
    role = connection.execute(
        "SELECT respondent_role FROM interview WHERE id = ?", (interview_id.hex,)
    ).fetchone()[0]
    deleted = connection.execute(
        "SELECT count(*) FROM interview WHERE deleted_at IS NOT NULL"
    ).fetchone()[0]
    connection.close()
    assert role == "Head of Family Services (acting)"
    assert deleted == 1  # a deletion travels as a deletion


def test_an_interview_changed_in_two_places_is_a_conflict_with_both_versions_kept(
    two_fields, tmp_path
):
    mette, _ = two_fields
    central = tmp_path / "central.sqlite"
    write_bundle(mette, tmp_path / "base.bundle", plain=True)
    merge_bundles(central, [tmp_path / "base.bundle"])
    copy = tmp_path / "laptop-copy.sqlite"
    shutil.copy(mette, copy)
    interview_id = first_interview(mette)
    edit_role(mette, interview_id, "Version from the office")
    edit_role(copy, interview_id, "Version from the train")  # later: shown by default
    write_bundle(mette, tmp_path / "office.bundle", plain=True)
    write_bundle(copy, tmp_path / "train.bundle", plain=True)
    report = merge_bundles(central, [tmp_path / "office.bundle", tmp_path / "train.bundle"])
    assert [(b.updated, b.conflicts) for b in report.bundles] == [(1, 0), (0, 1)]
    database = open_database(central, backup=False)
    with database.session() as session:
        [conflict] = list_conflicts(session=session)
        assert conflict.interview_id == interview_id
        shown = svc.get_interview(session=session, interview_id=interview_id)
        assert shown.respondent_role == "Version from the train"  # the newer is shown
        # the office version, which the centre held before this merge, is the one kept aside
        assert source_text(conflict.other_source) == "this database, before the merge"
        resolve_conflict(session=session, conflict_id=conflict.id, keep="other", by="Lead")
        session.expire_all()
        assert (
            svc.get_interview(session=session, interview_id=interview_id).respondent_role
            == "Version from the office"
        )
        assert list_conflicts(session=session) == []
        [settled] = list_conflicts(session=session, include_resolved=True)
        assert (settled.resolution, settled.resolved_by) == ("other", "Lead")
    database.close()
    before = database_content(central)
    again = merge_bundles(central, [tmp_path / "office.bundle", tmp_path / "train.bundle"])
    assert again.total("conflicts") == 0
    assert database_content(central) == before
    assert check_database(central).healthy


def test_every_merged_record_knows_where_it_came_from(two_fields, tmp_path):
    mette, _ = two_fields
    central = tmp_path / "central.sqlite"
    write_bundle(mette, tmp_path / "mette.bundle", interviewer="Mette Sørensen", plain=True)
    merge_bundles(central, [tmp_path / "mette.bundle"])
    database = open_database(central, backup=False)
    with database.session() as session:
        rows = session.exec(select(Provenance)).all()
    database.close()
    # the study too: the new central database took it from the bundle
    merged = set().union(*(ids(central, table) for table in (*TABLES, "study")))
    assert {row.record_id.hex for row in rows} == merged
    assert {(row.interviewer, row.device.split("/")[0] != "") for row in rows} == {
        ("Mette Sørensen", True)
    }
    assert all(row.merged_at is not None for row in rows)


def test_since_counts_a_change_to_any_record_of_an_interview(two_fields, tmp_path):
    mette, _ = two_fields
    interview_id = first_interview(mette)
    database = open_database(mette, backup=False)
    with database.session() as session:  # only a child record changes: a new quote
        svc.add_quote(session=session, interview_id=interview_id, text="Sagt i dag.")
    database.close()
    count = write_bundle(mette, tmp_path / "today.bundle", since=date.today(), plain=True)
    assert count == 1  # the demo interviews date from 2017; this one changed today
