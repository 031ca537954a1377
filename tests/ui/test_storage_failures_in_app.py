"""The app says the same sentence as the command line for an ordinary failure: a file on
read-only media opens read-only and says so; a folder where no database can be made is
refused plainly; a failed autosave (a lock held by another program) and a failed automatic
backup are said calmly; a database in a synced folder is warned about once, unless the
setting says not to."""

import shutil
import sqlite3
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlmodel import select

from interviewer import interviews as svc
from interviewer.demo import generate_demo
from interviewer.storage.database import open_database
from interviewer.storage.failures import Failure, backups_root, sentence
from interviewer.storage.models import Interview
from interviewer.ui.app import App
from interviewer.ui.interview_context import InterviewContext
from interviewer.ui.settings import Preferences
from interviewer.ui.settings_dialog import SettingsDialog
from tests.permissions import run_as_normal_user

DRIVER = Path(__file__).with_name("storage_failures_driver.py")


def drive(mode: str, db: Path):
    result = run_as_normal_user([sys.executable, str(DRIVER), mode, str(db)], timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def demo_file(path: Path, interviews: int = 3) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    database = open_database(path)
    generate_demo(database, interviews=interviews, seed=4)
    database.close()
    return path


def test_a_file_in_a_read_only_folder_opens_read_only_and_says_why(tmp_path):
    db = demo_file(tmp_path / "stick" / "study.sqlite")
    db.parent.chmod(0o555)
    try:
        out = drive("open", db)
    finally:
        db.parent.chmod(0o755)
    assert "read_only=True" in out
    assert "status Read-only: the file's folder or disk cannot be written" in out
    assert "saved=False" in out  # nothing is even tried
    assert sorted(p.name for p in db.parent.iterdir()) == ["study.sqlite"]


def test_a_read_only_file_opens_read_only_and_says_why(tmp_path):
    db = demo_file(tmp_path / "study.sqlite")
    db.chmod(0o444)
    try:
        out = drive("open", db)
    finally:
        db.chmod(0o644)
    assert "read_only=True" in out
    assert "status Read-only: the file is read-only" in out


def test_no_database_can_be_made_in_a_read_only_folder_and_the_app_says_so(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o555)
    try:
        out = drive("start", folder / "new.sqlite")
    finally:
        folder.chmod(0o755)
    assert "rc=1" in out
    assert sentence(Failure.DATABASE_FOLDER_READ_ONLY) in out
    assert "damaged" not in out


def test_a_failed_automatic_backup_is_said_in_the_status_bar(tmp_path):
    db = demo_file(tmp_path / "study.sqlite")
    root = backups_root()
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o555)
    try:
        out = drive("backup", db)
    finally:
        root.chmod(0o755)
    assert f"message Automatic backup: {sentence(Failure.BACKUP_FOLDER_READ_ONLY)}" in out


def test_a_failed_autosave_says_why_and_keeps_the_typing_for_later(qapp, tmp_path, caplog):
    db = demo_file(tmp_path / "study.sqlite")
    database = open_database(db)
    with database.session() as session:
        interview_id = session.exec(select(Interview)).first().id
    context = InterviewContext(database, interview_id)
    context.session.connection().exec_driver_sql("PRAGMA busy_timeout=50")
    refused, status = [], []
    context.refused.connect(refused.append)
    context.status.connect(status.append)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the file
    marker = "ZQXMARKER-autosave"
    try:
        context.save(
            lambda: svc.update_interview(
                session=context.session, interview_id=interview_id, location=marker
            ),
            key="location",
        )
    finally:
        holder.rollback()
        holder.close()
    assert status[-1] == "Not saved"
    assert sentence(Failure.LOCKED) in refused[-1]
    assert "saved again in a moment" in refused[-1]
    assert marker not in caplog.text and marker not in refused[-1]
    context.flush()  # the retry: the lock is gone now
    assert status[-1].startswith("Saved")
    with database.session() as session:
        assert svc.get_interview(session=session, interview_id=interview_id).location == marker
    context.close()
    database.close()


def answer_location_warning(seen: list[str], tick: bool) -> None:
    def poll():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.checkBox().setChecked(tick)
            box.accept()
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def test_a_database_in_a_synced_folder_is_warned_about_until_told_not_to(
    qapp, tmp_path, monkeypatch
):
    monkeypatch.delenv("INTERVIEWER_ALLOW_SHARED_FOLDER", raising=False)
    db = demo_file(tmp_path / "Dropbox" / "Interviews" / "study.sqlite")
    database = open_database(db)
    app = App(qapp, database)
    app.show()
    seen: list[str] = []
    answer_location_warning(seen, tick=False)
    assert app.warn_about_location()
    assert "Dropbox" in seen[0] and "send bundles" in seen[0]
    answer_location_warning(seen, tick=True)  # "Do not warn me about this again"
    assert app.warn_about_location()
    assert Preferences().warn_about_shared_location is False
    assert not app.warn_about_location()
    app.main_window.close()
    database.close()


def test_the_settings_dialog_turns_the_warning_on_and_off(qapp, database, session, study):
    dialog = SettingsDialog(session, study, has_interviews=False)
    assert dialog.warn_shared.isChecked()
    dialog.warn_shared.setChecked(False)
    dialog._save()
    assert Preferences().warn_about_shared_location is False
    again = SettingsDialog(session, study, has_interviews=False)
    assert not again.warn_shared.isChecked()
    dialog.deleteLater()
    again.deleteLater()


def test_the_environment_variable_also_silences_the_app(qapp, tmp_path, monkeypatch):
    monkeypatch.setenv("INTERVIEWER_ALLOW_SHARED_FOLDER", "1")
    db = demo_file(tmp_path / "OneDrive" / "study.sqlite")
    database = open_database(db)
    app = App(qapp, database)
    app.show()
    assert not app.warn_about_location()
    app.main_window.close()
    database.close()


def test_a_change_made_outside_an_interview_window_that_fails_is_said_plainly(
    qapp, tmp_path, monkeypatch
):
    """Deleting, duplicating or adding an interview go through the app's error hook: an
    ordinary failure there (here a lock another program holds) is a plain warning with the
    command line's sentence, not the unexpected-error dialog."""
    from interviewer.ui import app as app_module

    db = demo_file(tmp_path / "study.sqlite")
    monkeypatch.setattr(app_module, "_open_db_path", db)
    shown = []
    monkeypatch.setattr(app_module.QMessageBox, "warning", lambda *a: shown.append(a[1:]))
    monkeypatch.setattr(app_module.QMessageBox, "critical", lambda *a: shown.append(a[1:]))
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    writer = sqlite3.connect(db, timeout=0.05)
    try:
        writer.execute("DELETE FROM quote")
    except sqlite3.OperationalError as error:
        app_module._report_unexpected_error(type(error), error, error.__traceback__)
    finally:
        writer.close()
        holder.rollback()
        holder.close()
    assert shown == [("Not saved", f"{db}: {sentence(Failure.LOCKED)}")]


def test_an_older_file_on_read_only_media_is_refused_with_what_to_do(tmp_path):
    """It would need a migration, which cannot be written there: refused, file untouched."""
    media = tmp_path / "cd"
    media.mkdir()
    db = media / "study.sqlite"
    shutil.copyfile(Path(__file__).parent.parent / "fixtures" / "schema_0001.sqlite", db)
    before = db.read_bytes()
    media.chmod(0o555)
    try:
        out = drive("start", db)
    finally:
        media.chmod(0o755)
    assert "rc=1" in out
    assert "earlier version of Interviewer" in out and "copy it to a folder of your own" in out
    assert db.read_bytes() == before
