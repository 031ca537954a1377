"""The app's save dialogs refuse what the command line refuses, with the same sentence, before
any work starts: the database, its journals, another Interviewer database, a folder, a
device. Driven through the main window's own actions; only the native file dialog is
replaced by the path a person would have chosen."""

import ast
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from interviewer.demo import generate_demo
from interviewer.errors import FileRefused
from interviewer.file_safety import check_output_path
from interviewer.i18n import tr
from interviewer.storage.database import open_database
from interviewer.ui import exchange_dialogs, export_dialog
from interviewer.ui.main_window import MainWindow
from tests.helpers import file_digest
from tests.ui.test_app import close_next_dialog

UI = Path(export_dialog.__file__).parent


@pytest.fixture
def demo(tmp_path):
    database = open_database(tmp_path / "study.sqlite")
    generate_demo(database, interviews=3, seed=4)
    yield database
    database.close()


@pytest.fixture
def main(qtbot, demo):
    window = MainWindow(demo)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def outputs(database: Path, tmp_path: Path) -> dict[str, Path]:
    other = tmp_path / "other" / "centre.sqlite"
    other.parent.mkdir(exist_ok=True)
    open_database(other).close()
    return {
        "the database": database,
        "its -wal": Path(f"{database}-wal"),
        "another Interviewer database": other,
        "a folder": tmp_path,
        "/dev/full": Path("/dev/full"),
    }


def cli_sentence(path: Path, database: Path, what: str) -> str:
    with pytest.raises(FileRefused) as caught:
        check_output_path(path, database=database, what=what)
    return str(caught.value)


def choose(monkeypatch, path: Path) -> None:
    """The native save dialog, answered with ``path``."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


def export_outputs(database: Path, tmp_path: Path) -> dict[str, Path]:
    """Refused outputs under an export's name: the dialog adds .xlsx to any other name, so
    only these can reach the check from it."""
    other = tmp_path / "centre.xlsx"
    open_database(other).close()
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    named = {
        "a symlink to the database": (tmp_path / "link.xlsx", database),
        "a symlink to /dev/full": (tmp_path / "full.xlsx", Path("/dev/full")),
    }
    for link, target in named.values():
        link.symlink_to(target)
    hard = tmp_path / "hard.xlsx"
    os.link(database, hard)
    return {
        **{name: link for name, (link, _) in named.items()},
        "a hard link to the database": hard,
        "another Interviewer database": other,
        "a folder": folder,
    }


@pytest.mark.parametrize(
    "name",
    [
        "a symlink to the database",
        "a hard link to the database",
        "another Interviewer database",
        "a folder",
        "a symlink to /dev/full",
    ],
)
def test_export_refuses_before_any_work(qtbot, main, demo, tmp_path, monkeypatch, name):
    chosen = export_outputs(demo.path, tmp_path)[name]
    monkeypatch.setattr(export_dialog.ExportDialog, "exec", lambda self: 1)
    choose(monkeypatch, chosen)
    started = []
    monkeypatch.setattr(export_dialog, "start_export", lambda *a, **k: started.append(a))
    before = file_digest(demo.path)
    seen: list[str] = []
    close_next_dialog(seen)
    main.export_study()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [cli_sentence(chosen, demo.path, tr("the export"))]
    assert started == []
    assert file_digest(demo.path) == before


@pytest.mark.parametrize(
    "name", ["the database", "its -wal", "another Interviewer database", "a folder", "/dev/full"]
)
def test_send_bundle_refuses_before_any_work(qtbot, main, demo, tmp_path, monkeypatch, name):
    chosen = outputs(demo.path, tmp_path)[name]
    monkeypatch.setattr(exchange_dialogs.SendBundleDialog, "exec", lambda self: 1)
    choose(monkeypatch, chosen)
    started = []
    monkeypatch.setattr(exchange_dialogs, "start_sending", lambda *a, **k: started.append(a))
    before = file_digest(demo.path)
    seen: list[str] = []
    close_next_dialog(seen)
    main.send_bundle()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [cli_sentence(chosen, demo.path, tr("the bundle"))]
    assert started == []
    assert file_digest(demo.path) == before


@pytest.mark.parametrize("key", ["/dev/zero", "/dev/urandom", "folder", "fifo"])
def test_the_private_key_field_refuses_what_is_not_a_key_file(qtbot, tmp_path, key):
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "fifo")  # nobody writes: a blocking read would hang the window
    path = key if key.startswith("/") else str(tmp_path / key)
    dialog = exchange_dialogs.MergeSecretsDialog()
    qtbot.addWidget(dialog)
    dialog.key_file.setText(path)
    dialog.passphrase.setText("a long enough passphrase")
    dialog._check()  # what the Merge button does
    assert dialog.private_key is None and dialog.result() == 0
    assert "Cannot read the private key: " in dialog.refusal.text()


def test_every_save_dialog_in_the_app_checks_its_path():
    """Each module of the app that asks for a file to save also calls refuses_output: a new
    save dialog without the check fails here."""
    for path in UI.rglob("*.py"):
        calls = {
            getattr(node.func, "attr", getattr(node.func, "id", None))
            for node in ast.walk(ast.parse(path.read_text("utf-8")))
            if isinstance(node, ast.Call)
        }
        if "getSaveFileName" in calls or "getExistingDirectory" in calls:
            assert "refuses_output" in calls, f"{path.name} saves without refuses_output"
