"""The app says what is true about a new key and a conflict (breaker10 F10): the New sender
dialog warns that the interviewer already has an accepted key, as `interviewer senders`
does (both from signing.list_senders); the Conflicts window never claims the newer version is
shown when the centre's older one is (a change by someone else than the interview's own
interviewer). Real bundles, a real central database, real widgets."""

import shutil

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel

from interviewer.exchange import signing
from interviewer.exchange.conflicts import conflict_differences, list_conflicts
from interviewer.storage.database import open_database
from interviewer.ui.exchange_dialogs import (
    ConflictsDialog,
    NewSenderDialog,
    SendersDialog,
    settle_held_senders,
)
from tests.exchange.conftest import field_database
from tests.exchange.test_signatures import (  # noqa: F401
    ANNA,
    BO,
    an_interview_with_a_quote,
    bundle_of,
    centre,
    edit_role,
    keys,
)


def what_the_dialog_says(qtbot, central, held) -> dict[str, str]:
    """Settles ``held`` as the app does (its own New sender dialog), reading every label of
    the dialog on the screen and pressing Later: {object name or text: text}."""
    seen: dict[str, str] = {}

    def read_and_leave():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, NewSenderDialog):
            QTimer.singleShot(20, read_and_leave)
            return
        for label in dialog.findChildren(QLabel):
            seen[label.objectName() or label.text()] = label.text()
        dialog.reject()  # Later: the key stays waiting

    QTimer.singleShot(0, read_and_leave)
    database = open_database(central.db, backup=False)
    try:
        assert settle_held_senders(None, database, held) == []
    finally:
        database.close()
    return seen


def test_the_new_sender_dialog_says_the_interviewer_already_has_an_accepted_key(
    qtbot,
    tmp_path,
    centre,  # noqa: F811
):
    laptop = signing.SigningKey.generate()  # Anna's new laptop, or someone posing as her
    anna = field_database(tmp_path, centre.study_file, "anna", seed=1)
    report = centre.merge(bundle_of(anna, tmp_path / "a.bundle", laptop, ANNA))
    with centre.session() as session:
        [listed] = [s for s in signing.list_senders(session=session) if s.status == "held"]
    assert "this interviewer has 1 other accepted key" in listed.text("en")  # the CLI's line

    seen = what_the_dialog_says(qtbot, centre, report.held)
    assert "already has 1 other accepted key" in seen["otherKeys"]
    assert seen["fingerprint"] == laptop.fingerprint
    assert "lookAlike" not in seen  # the same name, not a look-alike

    database = open_database(centre.db, backup=False)  # Later, then the Senders window
    dialog = SendersDialog(database)
    qtbot.addWidget(dialog)
    [row] = [
        r
        for r in range(dialog.table.rowCount())
        if dialog.table.item(r, 0).text() == laptop.fingerprint
    ]
    assert "this interviewer has 1 other accepted key" in dialog.table.item(row, 3).text()
    dialog.close()
    database.close()


def test_a_first_key_has_no_other_key_warning_and_a_look_alike_still_says_so(
    qtbot,
    tmp_path,
    centre,  # noqa: F811
):
    stranger = signing.SigningKey.generate()
    field = field_database(tmp_path, centre.study_file, "carl", seed=3)
    report = centre.merge(bundle_of(field, tmp_path / "c.bundle", stranger, "Carl Eskildsen"))
    seen = what_the_dialog_says(qtbot, centre, report.held)
    assert "otherKeys" not in seen and "lookAlike" not in seen

    fake = ANNA.replace("a", "а", 1)  # Cyrillic а: a new person for the database
    other = signing.SigningKey.generate()
    report = centre.merge(bundle_of(field, tmp_path / "f.bundle", other, fake))
    [held] = report.held
    seen = what_the_dialog_says(qtbot, centre, report.held)
    assert ANNA in seen["lookAlike"] and "otherKeys" not in seen
    dialog = NewSenderDialog(held)  # a report alone still shows the look-alike
    qtbot.addWidget(dialog)
    assert ANNA in dialog.look_alike.text()


def test_the_conflicts_window_says_the_centres_older_version_is_shown(
    qtbot,
    tmp_path,
    centre,  # noqa: F811
    keys,  # noqa: F811
):
    anna = field_database(tmp_path, centre.study_file, "anna", seed=1)
    centre.merge(bundle_of(anna, tmp_path / "anna.bundle", keys[ANNA], ANNA))
    bo = tmp_path / "bo.sqlite"
    shutil.copy(anna, bo)  # Bo's copy of Anna's file, his change the newer
    interview, _ = an_interview_with_a_quote(bo)
    edit_role(bo, interview, "Changed by Bo")
    [result] = centre.merge(bundle_of(bo, tmp_path / "bo.bundle", keys[BO], BO)).bundles
    assert result.conflicts == 1
    with centre.session() as session:
        [line] = list_conflicts(session=session)
        last_changed = conflict_differences(session=session, conflict_id=line.id)[0]
    assert last_changed.shown < last_changed.other  # the older version is the one shown

    database = open_database(centre.db, backup=False)
    dialog = ConflictsDialog(database)
    qtbot.addWidget(dialog)
    header = next(
        label.text()
        for label in dialog.findChildren(QLabel)
        if "changed in two places" in label.text()
    )
    assert "newer version is shown" not in header
    assert "shows the version this database had" in header
    assert dialog.differences.item(0, 2).text() == last_changed.shown  # Version shown: older
    rows = range(dialog.differences.rowCount())
    assert "Changed by Bo" not in [dialog.differences.item(r, 2).text() for r in rows]
    assert "Changed by Bo" in [dialog.differences.item(r, 3).text() for r in rows]
    dialog.close()
    database.close()
