"""Central work in the app: merge in the background, see conflicts, settle them."""

import shutil
import uuid

from interviewer import interviews as svc
from interviewer.exchange.bundle import write_bundle
from interviewer.storage.database import open_database
from interviewer.ui.exchange_dialogs import ConflictsDialog, SendBundleDialog, start_merge
from interviewer.ui.main_window import MainWindow
from tests.exchange.test_merge import edit_role, first_interview


def test_merge_in_the_app_then_settle_the_conflict(qtbot, two_fields, tmp_path):
    mette, jonas = two_fields
    write_bundle(mette, tmp_path / "mette.bundle", interviewer="Mette", plain=True)
    write_bundle(jonas, tmp_path / "jonas.bundle", password="correct horse battery")
    central = open_database(tmp_path / "central.sqlite")
    window = MainWindow(central)
    qtbot.addWidget(window)
    reports = []
    task = start_merge(
        window,
        central,
        [tmp_path / "mette.bundle", tmp_path / "jonas.bundle"],
        "correct horse battery",
        None,
        reports.append,
        show_report=False,
    )
    with qtbot.waitSignal(task.worker.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: bool(reports))
    window.after_merge()
    assert window.model.rowCount() == 24
    assert reports[0].total("added") == 24

    # the same interview changed in the field and on a copy: a conflict to settle
    copy = tmp_path / "copy.sqlite"
    shutil.copy(mette, copy)
    interview_id = first_interview(mette)
    edit_role(mette, interview_id, "Office version")
    edit_role(copy, interview_id, "Train version")
    write_bundle(mette, tmp_path / "office.bundle", plain=True)
    write_bundle(copy, tmp_path / "train.bundle", plain=True)
    task = start_merge(
        window,
        central,
        [tmp_path / "office.bundle", tmp_path / "train.bundle"],
        None,
        None,
        reports.append,
        show_report=False,
    )
    with qtbot.waitSignal(task.worker.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: len(reports) == 2)
    window.after_merge()
    assert "1 conflict to settle" in window.db_label.text()  # one, not "1 conflicts"
    assert window.conflicts_action.text().replace("&", "") == "Conflicts (1)"  # Alt+C in menus

    dialog = ConflictsDialog(central, window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text() == "Train version"  # the newer is shown
    dialog.keep_other.click()
    assert dialog.table.rowCount() == 0
    with central.session() as session:
        shown = svc.get_interview(session=session, interview_id=uuid.UUID(str(interview_id)))
        assert shown.respondent_role == "Office version"
    window.close()
    central.close()


def test_the_send_dialog_checks_the_password(qtbot):
    dialog = SendBundleDialog(study_has_key=False)
    qtbot.addWidget(dialog)
    assert dialog.with_password.isChecked() and not dialog.to_key.isEnabled()
    dialog.password.setText("short")
    dialog.repeat.setText("short")
    dialog._check()
    assert not dialog.refusal.isHidden() and "8 characters" in dialog.refusal.text()
    dialog.password.setText("long enough password")
    dialog.repeat.setText("long enough passw0rd")
    dialog._check()
    assert "differ" in dialog.refusal.text()
    dialog.repeat.setText("long enough password")
    dialog._check()
    assert dialog.result() == SendBundleDialog.DialogCode.Accepted
    assert dialog.choices()["password"] == "long enough password"


def test_sending_a_bundle_runs_in_the_background(qtbot, two_fields, tmp_path):
    from interviewer.exchange.bundle import read_bundle
    from interviewer.ui.exchange_dialogs import start_sending

    mette, _ = two_fields
    database = open_database(mette, backup=False)
    parent = SendBundleDialog(study_has_key=False)
    qtbot.addWidget(parent)
    out = tmp_path / "sent.bundle"
    choices = {"password": "long enough password", "plain": False, "since": None}
    task = start_sending(parent, database, out, choices, "Mette", show_result=False)
    with qtbot.waitSignal(task.worker.finished, timeout=60_000):
        pass
    bundle = read_bundle(out, password="long enough password")
    assert bundle.manifest["interviewer"] == "Mette"
    assert len(bundle.data["interviews"]) == 12
    database.close()
