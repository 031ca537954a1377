"""What differs between the two versions of a conflicted interview, field by field, before a
person chooses: on a real central database, the conflict made by merging two bundles of one
interview changed in two places."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from interviewer import interviews as svc
from interviewer.exchange.bundle import write_bundle
from interviewer.exchange.conflicts import (
    BOOKKEEPING,
    IN_THE_RECORD_NAME,
    _field_labels,
    conflict_differences,
    list_conflicts,
)
from interviewer.exchange.documents import ENCODING
from interviewer.exchange.merge import merge_bundles
from interviewer.i18n import tr
from interviewer.storage.database import open_database
from interviewer.ui.settings import FONT_SIZES
from tests.exchange.conftest import field_database
from tests.exchange.test_merge import first_interview
from tests.ui.keyboard import press
from tests.ui.test_fits_the_screen import laptop_screen, problems_in, run_fits_driver
from tests.ui.test_tab_order import assert_tab_follows_the_screen, shown, walk_tab

FITS_DRIVER = Path(__file__).with_name("dialogs_fit_driver.py")
ROOT = Path(__file__).parent.parent.parent


def edit(path, change) -> None:
    database = open_database(path, backup=False)
    with database.session() as session:
        change(session)
    database.close()


@pytest.fixture
def conflicted(tmp_path, study_file):
    """A central database with one conflict: the office changed the role, a challenge's
    title and a rating and removed an initiative; the train copy changed the role otherwise
    and added a quote. Returns (central path, interview id, names of the records)."""
    office = field_database(tmp_path, study_file, "office", seed=3, interviews=3)
    interview_id = first_interview(office)
    database = open_database(office, backup=False)
    with database.session() as session:
        challenge = svc.live_challenges(session=session, interview_id=interview_id)[0]
        initiative = svc.live_initiatives(session=session, interview_id=interview_id)[0]
        ratings = svc.ratings_by_scale(session=session, interview_id=interview_id)
        (question_key, scale_key), rating = sorted(ratings.items())[0]
        guide = svc.study_guide(svc.current_study(session=session))
        [scale] = [s for s in guide.question(question_key).scales if s.key == scale_key]
        effects = [
            effect
            for effect in svc.live_effects(session=session, interview_id=interview_id)
            if effect.initiative_id == initiative.id
        ]
        names = {
            "old_title": challenge.title,
            "initiative": initiative.title,
            "rating": rating.value,
            "scale": scale.label.en,
            "question": guide.question(question_key).number,
            "effects": len(effects),
        }
    database.close()
    train = tmp_path / "train.sqlite"
    shutil.copy(office, train)

    def in_the_office(session):
        svc.update_interview(
            session=session, interview_id=interview_id, respondent_role="Head of family services"
        )
        svc.update_challenge(
            session=session, challenge_id=challenge.id, title="Budgets split in three"
        )
        svc.set_rating(
            session=session,
            interview_id=interview_id,
            question_key=question_key,
            scale_key=scale_key,
            value=None,
            dont_know=True,
        )
        svc.remove_initiative(session=session, initiative_id=initiative.id)

    def on_the_train(session):
        svc.update_interview(
            session=session, interview_id=interview_id, respondent_role="Family services lead"
        )
        svc.add_quote(
            session=session, interview_id=interview_id, text="We meet every second week now."
        )

    edit(office, in_the_office)
    edit(train, on_the_train)
    write_bundle(office, tmp_path / "office.bundle", plain=True)
    write_bundle(train, tmp_path / "train.bundle", plain=True)
    central = tmp_path / "central.sqlite"
    report = merge_bundles(central, [tmp_path / "office.bundle", tmp_path / "train.bundle"])
    assert report.total("conflicts") == 1
    return central, interview_id, names


def differences(central, lang="en"):
    database = open_database(central, backup=False)
    with database.session() as session:
        [line] = list_conflicts(session=session)
        rows = conflict_differences(session=session, conflict_id=line.id, lang=lang)
    database.close()
    return line, rows


def test_every_field_that_differs_is_a_row_and_nothing_else(conflicted):
    central, _, names = conflicted
    line, rows = differences(central)
    assert line.respondent_role == "Family services lead"  # the newer, the train's, is shown
    assert rows[0].field == "Last changed"
    found = sorted((row.record.split(" “")[0], row.field, row.change) for row in rows[1:])
    rating = f"Rating, question 1: {names['scale']}"
    assert found == sorted(
        [
            ("Interview", "Role or title", "changed"),
            (rating, "Rating", "changed"),
            (rating, "don't know", "changed"),
            ("Challenge", "Title", "changed"),
            ("Initiative", "The whole record", "shown_only"),  # removed in the office
            ("Quote", "The whole record", "shown_only"),  # added on the train
        ]
        + [("Effect", "The whole record", "shown_only")] * names["effects"]  # went with it
    )
    cells = {(row.record.split(" “")[0], row.field): (row.shown, row.other) for row in rows}
    assert cells["Interview", "Role or title"] == (
        "Family services lead",
        "Head of family services",
    )
    assert cells["Challenge", "Title"] == (names["old_title"], "Budgets split in three")
    assert cells[rating, "don't know"] == ("No", "Yes")
    assert cells[rating, "Rating"] == (str(names["rating"]), "")
    assert cells["Quote", "The whole record"] == (
        "We meet every second week now.",
        "not in this version",
    )
    initiative, absent = cells["Initiative", "The whole record"]
    assert (
        names["initiative"].startswith(initiative.rstrip("…")) and absent == "not in this version"
    )
    assert not any(row.shown == row.other for row in rows[1:])


def test_the_rows_are_in_the_apps_language(conflicted):
    central, _, _ = conflicted
    _, rows = differences(central, lang="da")
    fields = {row.field for row in rows}
    assert tr("Role or title", lang="da") in fields and "Role or title" not in fields
    assert tr("Last changed", lang="da") == rows[0].field != "Last changed"
    assert any(row.shown in ("Ja", "Nej") for row in rows)


def test_choosing_the_other_version_swaps_the_sides(conflicted):
    from interviewer.exchange.conflicts import resolve_conflict

    central, _, _ = conflicted
    line, before = differences(central)
    database = open_database(central, backup=False)
    with database.session() as session:
        resolve_conflict(session=session, conflict_id=line.id, keep="other", by="test")
        after = conflict_differences(session=session, conflict_id=line.id, lang="en")
    database.close()

    def kind(row) -> str:  # a record is named from the version shown, so by its kind
        return row.record.split(" “")[0]

    swapped = {(kind(r), r.field, r.other, r.shown) for r in before[1:]}
    assert {(kind(r), r.field, r.shown, r.other) for r in after[1:]} == swapped


def test_every_stored_field_is_compared_or_named_bookkeeping():
    labels = _field_labels("en")
    for part, fields in ENCODING.items():
        unlisted = set(fields) - set(labels[part]) - BOOKKEEPING
        unlisted -= IN_THE_RECORD_NAME.get(part, set())
        assert not unlisted, f"{part}: {unlisted} would never be shown as a difference"


def test_the_command_prints_the_same_rows(conflicted):
    central, _, _ = conflicted
    line, rows = differences(central)
    shown = subprocess.run(
        [
            sys.executable,
            "-m",
            "interviewer",
            "conflicts",
            "--db",
            str(central),
            "--show",
            str(line.id),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    for row in rows[1:]:
        assert row.field in shown.stdout and row.record in shown.stdout
        assert row.shown in shown.stdout and row.other in shown.stdout


def open_dialog(qtbot, central):
    from interviewer.ui.exchange_dialogs import ConflictsDialog

    database = open_database(central, backup=False)
    dialog = ConflictsDialog(database)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)  # looked at after closing
    return shown(qtbot, dialog), database


def test_the_dialog_shows_the_rows_beside_the_conflicts(qtbot, conflicted):
    central, _, _ = conflicted
    _, rows = differences(central)
    dialog, database = open_dialog(qtbot, central)
    table = dialog.differences
    shown = [
        tuple(table.item(row, column).text() for column in range(4))
        for row in range(table.rowCount())
    ]
    assert shown == [(r.record, r.field, r.shown, r.other) for r in rows]
    beside = dialog.differences.mapTo(dialog, dialog.differences.rect().topLeft())
    assert beside.x() > dialog.table.mapTo(dialog, dialog.table.rect().topRight()).x()
    assert dialog.source.text().startswith("The other version came from: ")
    database.close()


def test_enter_and_escape_close_the_dialog_and_choose_nothing(qtbot, conflicted):
    central, _, _ = conflicted
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Escape):
        dialog, database = open_dialog(qtbot, central)
        dialog.table.setFocus()
        qtbot.waitUntil(lambda dialog=dialog: dialog.table.hasFocus())
        press(key)
        assert not dialog.isVisible()
        with database.session() as session:
            assert len(list_conflicts(session=session)) == 1, "still open: nothing was chosen"
        database.close()


def test_tab_reaches_every_control_and_a_choice_is_its_own_button(qtbot, conflicted):
    central, _, _ = conflicted
    dialog, database = open_dialog(qtbot, central)
    assert_tab_follows_the_screen(dialog, qtbot, "conflicts, one to settle")
    close = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Close")
    controls = [dialog.table, dialog.differences, dialog.keep_shown, dialog.keep_other, close]
    assert walk_tab(dialog, qtbot) == controls
    assert close.isDefault() and not dialog.keep_shown.autoDefault()
    dialog.keep_other.setFocus()
    press(Qt.Key.Key_Space)  # pressed, the choice is made
    with database.session() as session:
        assert list_conflicts(session=session) == []
    assert dialog.differences.rowCount() == 0 and "No conflicts" in dialog.source.text()
    database.close()


@pytest.mark.parametrize("language", ["en", "da"])
@pytest.mark.parametrize("size", [min(FONT_SIZES), max(FONT_SIZES)])
def test_the_exchange_and_export_dialogs_fit_a_1366_by_768_screen(
    conflicted, tmp_path, language, size
):
    central, _, _ = conflicted
    lines = run_fits_driver(FITS_DRIVER, language, size, central, laptop_screen(tmp_path))
    assert "checked 5 dialogs" in lines
    problems = problems_in(lines)
    assert not problems, "\n".join(problems)
