"""The sender is told: a bundle goes out unencrypted, respondents' names readable, only when
someone chose that (--plain, or Not encrypted in the app, which says what it means)."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from interviewer.exchange.bundle import PlainBundleRefused, read_bundle, write_bundle
from interviewer.exchange.crypto import new_key_pair
from interviewer.exchange.study_file import export_study, import_study
from interviewer.storage.database import open_database
from interviewer.ui import exchange_dialogs
from interviewer.ui.exchange_dialogs import SendBundleDialog, start_sending
from tests.exchange.conftest import field_database
from tests.helpers import database_content

ROOT = Path(__file__).parents[2]
ENCRYPTED = b"IVWBUNDLE1"


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=180,
    )


@pytest.fixture
def field(tmp_path, study_file):
    """An interviewer's database of a study that carries no key of the central team."""
    return field_database(tmp_path, study_file, "mette", seed=1, interviews=3)


@pytest.fixture
def keyed_field(tmp_path):
    """An interviewer's database of a study that carries the central team's public key."""
    lead = tmp_path / "lead.sqlite"
    open_database(lead).close()
    public, _ = new_key_pair(tmp_path / "keys", "centre passphrase")
    export_study(lead, tmp_path / "keyed.json", public_key_pem=public.read_bytes())
    path = tmp_path / "keyed.sqlite"
    import_study(path, tmp_path / "keyed.json")
    return path


def test_without_a_key_or_password_the_command_line_writes_nothing_unless_plain(field, tmp_path):
    out = tmp_path / "out.bundle"
    before = database_content(field)
    result = run("export", "bundle", "--db", field, "-o", out)
    assert result.returncode == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message, message
    assert "not written" in message and "unencrypted" in message and "--plain" in message
    assert "names" in message  # says what would have travelled readable
    assert not out.exists()
    assert database_content(field) == before  # no revision recorded as sent
    result = run("export", "bundle", "--db", field, "-o", out, "--plain")
    assert result.returncode == 0, result.stderr
    assert zipfile.is_zipfile(out)  # chosen: a plain zip
    assert len(read_bundle(out).data["interviews"]) == 3


def test_a_password_or_the_studys_key_needs_no_plain(field, keyed_field, tmp_path):
    secret = tmp_path / "password.txt"
    secret.write_text("a long enough password", "utf-8")
    out = tmp_path / "locked.bundle"
    assert (
        run("export", "bundle", "--db", field, "-o", out, "--password-file", secret).returncode == 0
    )
    assert out.read_bytes().startswith(ENCRYPTED)
    out = tmp_path / "to-key.bundle"
    result = run("export", "bundle", "--db", keyed_field, "-o", out)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(ENCRYPTED)
    out = tmp_path / "plain-anyway.bundle"  # --plain overrides the study's key, as asked
    assert run("export", "bundle", "--db", keyed_field, "-o", out, "--plain").returncode == 0
    assert zipfile.is_zipfile(out)


def test_the_library_refuses_too(field, tmp_path):
    with pytest.raises(PlainBundleRefused, match="not written"):
        write_bundle(field, tmp_path / "quiet.bundle")
    assert not (tmp_path / "quiet.bundle").exists()


def test_the_send_dialog_never_starts_at_not_encrypted_and_warns_when_chosen(qtbot):
    for has_key in (False, True):
        dialog = SendBundleDialog(study_has_key=has_key)
        qtbot.addWidget(dialog)
        dialog.show()
        assert not dialog.plain.isChecked()
        assert not dialog.plain_warning.isVisible()
        assert dialog.choices()["plain"] is False
    dialog.plain.setChecked(True)
    assert dialog.plain_warning.isVisible()
    assert "names" in dialog.plain_warning.text() and "readable" in dialog.plain_warning.text()
    assert dialog.save.text() == "Save unencrypted bundle…"
    dialog._check()
    assert dialog.result() == SendBundleDialog.DialogCode.Accepted
    assert dialog.choices()["plain"] is True and dialog.choices()["password"] is None
    dialog.to_key.setChecked(True)  # changed its mind: the warning goes, the button says so
    assert not dialog.plain_warning.isVisible()
    assert dialog.save.text() == "Save bundle…"


def test_the_app_sends_plain_only_when_chosen(qtbot, field, tmp_path, monkeypatch):
    warnings = []
    monkeypatch.setattr(
        exchange_dialogs.QMessageBox, "warning", lambda *args: warnings.append(args[2])
    )
    database = open_database(field, backup=False)
    parent = SendBundleDialog(study_has_key=False)
    qtbot.addWidget(parent)
    unchosen = {"password": None, "plain": False, "since": None}
    task = start_sending(parent, database, tmp_path / "a.bundle", unchosen, "Mette")
    with qtbot.waitSignal(task.worker.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: bool(warnings))
    assert "Nothing was written" in warnings[0] and "unencrypted" in warnings[0]
    assert not (tmp_path / "a.bundle").exists()
    chosen = {"password": None, "plain": True, "since": None}
    task = start_sending(
        parent, database, tmp_path / "b.bundle", chosen, "Mette", show_result=False
    )
    with qtbot.waitSignal(task.worker.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: (tmp_path / "b.bundle").exists())
    assert zipfile.is_zipfile(tmp_path / "b.bundle")
    database.close()
