"""One bad bundle never stops the rest: whatever fails inside one bundle's merge rolls that
bundle back alone, it is refused with a plain reason (the error's kind, never its message,
which can quote names or SQL parameters), the bundles after it are still tried, and the
report, on the command line and in the app, says what was merged."""

import io
import json
import logging
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from interviewer.exchange import merge
from interviewer.exchange.bundle import write_bundle
from interviewer.exchange.merge import merge_bundles
from interviewer.storage.database import open_database
from interviewer.storage.health import check_database
from interviewer.ui import exchange_dialogs
from interviewer.ui.exchange_dialogs import start_merge
from interviewer.ui.main_window import MainWindow
from tests.exchange.conftest import field_database, reseal

ROOT = Path(__file__).parents[2]
NAME = "Marianne Quistgaard-Ebbesen"  # a respondent's name, typed in the field


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=180,
    )


def named_field(tmp_path, study_file, name, seed):
    """A field database whose interviews all carry the respondent name NAME."""
    path = field_database(tmp_path, study_file, name, seed=seed, interviews=3)
    import sqlite3

    connection = sqlite3.connect(path)
    connection.execute("UPDATE interview SET respondent_name = ?", (NAME,))
    connection.commit()
    connection.close()
    return path


@pytest.fixture
def three_bundles(tmp_path, study_file):
    """Bundles of three interviewers, each of three interviews."""
    bundles = []
    for n, name in enumerate(("first", "middle", "last")):
        field = named_field(tmp_path, study_file, name, seed=40 + n)
        bundles.append(tmp_path / f"{name}.bundle")
        write_bundle(field, bundles[-1], interviewer=name.title(), plain=True)
    return bundles


def the_same_interview_twice(bundle: Path) -> None:
    """Rewrites ``bundle`` (signed again, as only its sender could) to carry its first
    interview twice: the second insert of the same id fails in SQLite, whose message
    would quote the row's values."""
    with zipfile.ZipFile(bundle) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        data = json.loads(archive.read("data.json"))
    data["interviews"].append(data["interviews"][0])
    manifest["interviews"] = len(data["interviews"])
    payload = json.dumps(data).encode()
    reseal(manifest, payload)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("data.json", payload)
    bundle.write_bytes(buffer.getvalue())


def test_a_bug_inside_one_bundle_refuses_it_alone_by_kind(
    three_bundles, tmp_path, monkeypatch, caplog
):
    central = tmp_path / "central.sqlite"
    merge_bundles(central, three_bundles[:1])  # the first, before the faulty run
    real, faults = merge.insert_documents, [KeyError(f"respondent_name={NAME}")]

    def with_a_bug_once(connection, documents):
        """A bug met by the next bundle only, after it has written some of its rows; its
        message carries record content, which must go nowhere."""
        real(connection, documents[:1])
        if faults:
            raise faults.pop()
        return real(connection, documents[1:])

    monkeypatch.setattr(merge, "insert_documents", with_a_bug_once)
    with caplog.at_level(logging.INFO):
        report = merge_bundles(central, three_bundles[1:])
    middle, last = report.bundles
    assert middle.refused == (
        "an unexpected error (KeyError) stopped it, so nothing of it was merged; where it "
        "happened is in the log"
    )
    assert (last.refused, last.added) == (None, 3)  # the bundle after it was still merged
    assert report.total("added") == 3
    assert NAME not in "\n".join(report.lines())
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "KeyError" in logged and "merge.py" in logged  # its kind and where it happened
    assert NAME not in logged and "respondent_name" not in logged
    assert all(record.exc_info is None for record in caplog.records)
    monkeypatch.setattr(merge, "insert_documents", real)
    again = merge_bundles(central, three_bundles)  # nothing of it was kept: it merges now
    assert [b.added for b in again.bundles] == [0, 3, 0]
    assert check_database(central).healthy


def test_on_the_command_line_a_failing_bundle_is_one_line_and_the_rest_merge(
    three_bundles, tmp_path
):
    the_same_interview_twice(three_bundles[1])
    central = tmp_path / "central.sqlite"
    result = run("merge", "--db", central, *three_bundles)
    assert result.returncode == 1  # a bundle was refused
    out = result.stdout.splitlines()
    assert out[0].startswith("first.bundle: 3 added")
    assert out[1].startswith("middle.bundle: refused: ")
    assert out[2].startswith("last.bundle: 3 added")
    assert out[3].startswith("total: 6 added") and out[3].endswith("1 refused")
    assert "Traceback" not in result.stderr and "Nothing was merged" not in result.stdout
    assert NAME not in result.stdout + result.stderr
    assert "INSERT" not in result.stdout + result.stderr  # no SQL, no parameters
    assert check_database(central).healthy


def test_the_apps_merge_report_lists_each_bundle_when_one_fails(
    qtbot, three_bundles, tmp_path, monkeypatch
):
    the_same_interview_twice(three_bundles[1])
    shown, failures = [], []
    monkeypatch.setattr(exchange_dialogs.QMessageBox, "exec", lambda box: shown.append(box.text()))
    monkeypatch.setattr(
        exchange_dialogs.QMessageBox, "warning", lambda *args: failures.append(args[2])
    )
    central = open_database(tmp_path / "central.sqlite")
    window = MainWindow(central)
    qtbot.addWidget(window)
    reports = []
    task = start_merge(window, central, three_bundles, None, None, reports.append)
    with qtbot.waitSignal(task.worker.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: bool(shown))
    assert failures == []  # never "Nothing was merged" when bundles were
    lines = shown[0].splitlines()
    assert lines[0].startswith("first.bundle: 3 added")
    assert lines[1].startswith("middle.bundle: refused: ")
    assert lines[2].startswith("last.bundle: 3 added")
    assert NAME not in shown[0]
    window.after_merge()
    assert window.model.rowCount() == 6
    central.close()


def test_cancelling_keeps_what_was_merged_and_says_what_was_not(three_bundles, tmp_path):
    from interviewer.export.options import Cancelled

    def cancelled_after_the_first(done, _total):
        if done == 1:
            raise Cancelled

    central = tmp_path / "central.sqlite"
    report = merge_bundles(central, three_bundles, progress=cancelled_after_the_first)
    first, *rest = report.bundles
    assert (first.refused, first.added) == (None, 3)  # committed before Cancel: kept, and said
    assert [b.refused for b in rest] == [
        "not merged: the merge was cancelled before this bundle"
    ] * 2
    again = merge_bundles(central, three_bundles)
    assert [b.merged_before for b in again.bundles] == [True, False, False]
