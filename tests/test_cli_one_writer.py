"""Commands that write a database refuse, with one sentence and exit code 1, while the app has
the file open; commands that read it still work; once the app is closed, the writes work."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from interviewer.demo import generate_demo
from interviewer.storage.database import open_database
from tests.ui.test_one_writer import content, start, wait_for_ready

ROOT = Path(__file__).parent.parent


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=180,
    )


@pytest.fixture
def files(tmp_path):
    """A central database with interviews, its study file, and a field database's bundle."""
    central = tmp_path / "central.sqlite"
    database = open_database(central)
    generate_demo(database, interviews=3, seed=2)
    database.close()
    study = tmp_path / "study.json"
    assert cli("study", "export", "--db", central, "-o", study).returncode == 0
    field = tmp_path / "field.sqlite"  # an interviewer's, of the same study
    assert cli("study", "import", "--db", field, study).returncode == 0
    database = open_database(field)
    generate_demo(database, interviews=2, seed=9)
    database.close()
    bundle = tmp_path / "field.bundle"
    assert cli("export", "bundle", "--db", field, "-o", bundle, "--plain").returncode == 0
    return central, bundle, study


def writes(central: Path, bundle: Path, study: Path, tmp_path: Path) -> dict[str, tuple]:
    return {
        "merge": ("merge", "--db", central, bundle),
        "demo": ("demo", "--db", central, "--interviews", "2"),
        "study import": ("study", "import", "--db", central, study),
        "conflicts --resolve": (
            "conflicts",
            "--db",
            central,
            "--resolve",
            uuid.uuid4(),
            "--keep",
            "shown",
        ),
        "export bundle": ("export", "bundle", "--db", central, "-o", tmp_path / "out.bundle"),
        "study export": ("study", "export", "--db", central, "-o", tmp_path / "out.json"),
    }


def test_writing_commands_refuse_while_the_app_has_the_file_and_work_after(files, tmp_path):
    central, bundle, study = files
    app = start("first", central)
    try:
        assert wait_for_ready(app) == "ready read_only=False"
        before = content(central)
        for name, args in writes(central, bundle, study, tmp_path).items():
            result = cli(*args)
            assert result.returncode == 1, name
            message = result.stderr.strip()
            assert "is open in the Interviewer app" in message, (name, message)
            assert len(message.splitlines()) == 1 and "Traceback" not in message, name
            if (
                name == "export bundle"
            ):  # unlike the other exports it writes: says why, and what to do
                assert "records which interview revisions" in message, message
                assert "Send bundle in the app" in message and "close the app" in message, message
        # reading still works while the app has the file
        assert cli("check", "--db", central).returncode == 0
        assert cli("backup", "--db", central, "-o", tmp_path / "copy.sqlite").returncode == 0
        assert cli("export", "xlsx", "--db", central, "-o", tmp_path / "all.xlsx").returncode == 0
        assert cli("conflicts", "--db", central).returncode == 0
        assert content(central) == before, "a refused command changed nothing"
    finally:
        app.kill()
        app.wait(timeout=30)

    merged = cli("merge", "--db", central, bundle)
    assert merged.returncode == 0, merged.stderr
    demo = cli("demo", "--db", central, "--interviews", "2")
    assert demo.returncode == 0, demo.stderr
    assert content(central) != before


def test_two_writing_commands_never_write_one_file_at_once(files, tmp_path):
    """The command line takes the same lock as the app, so a copy of the app started while a
    command writes opens the file read-only."""
    from interviewer.storage.file_lock import try_writer_lock
    from interviewer.ui.app import open_for_app

    central, *_ = files
    held = try_writer_lock(central)  # as a running `merge` holds it
    try:
        database, lock = open_for_app(central)
        assert lock is None and database.read_only
        database.close()
    finally:
        held.release()
