"""A backup is made only when something will be written: a command refused before it writes
(a demo of a seed already there, a read-only file, a merge of nothing mergeable or of a
bundle merged before) makes none, so it never pushes a real backup out of the rotation or
fills the disk with copies; a refused merge into a path without a database leaves none."""

import os
from pathlib import Path

from interviewer.demo import generate_demo
from interviewer.storage.backup import kept_backups, rolling_backups
from interviewer.storage.database import open_database
from tests.permissions import run_as_normal_user
from tests.storage.test_restore_safety import COMMAND
from tests.test_cli import run


def test_a_refused_demo_makes_no_backup(tmp_path):
    path = tmp_path / "study.sqlite"
    assert run("demo", "--db", path, "--interviews", 3, "--seed", 1).returncode == 0
    assert run("demo", "--db", path, "--interviews", 3, "--seed", 2).returncode == 0  # a write
    assert len(rolling_backups(path)) == 1
    for _ in range(3):  # the same seed again: refused, nothing written
        result = run("demo", "--db", path, "--interviews", 3, "--seed", 2)
        assert result.returncode == 1 and "already holds" in result.stderr
    assert len(rolling_backups(path)) == 1


def test_a_demo_refused_by_a_read_only_file_makes_no_backup(tmp_path):
    path = tmp_path / "study.sqlite"
    assert run("demo", "--db", path, "--interviews", 3).returncode == 0
    path.chmod(0o444)
    try:
        result = run_as_normal_user(
            [*COMMAND, "demo", "--db", str(path), "--interviews", "1", "--seed", "8"],
            env={**os.environ},
        )
    finally:
        path.chmod(0o644)
    assert result.returncode == 1 and "read-only" in result.stderr
    assert rolling_backups(path) == []


def central_and_bundle(tmp_path: Path) -> tuple[Path, Path]:
    central = tmp_path / "central.sqlite"
    database = open_database(central)
    generate_demo(database, interviews=3, seed=2)
    database.close()
    study = tmp_path / "study.json"
    assert run("study", "export", "--db", central, "-o", study).returncode == 0
    field = tmp_path / "field.sqlite"  # an interviewer's, of the same study
    assert run("study", "import", "--db", field, study).returncode == 0
    database = open_database(field)
    generate_demo(database, interviews=2, seed=9)
    database.close()
    bundle = tmp_path / "field.bundle"
    assert run("export", "bundle", "--db", field, "-o", bundle, "--plain").returncode == 0
    return central, bundle


def test_a_merge_keeps_its_backup_only_before_a_bundle_is_written(tmp_path):
    central, bundle = central_and_bundle(tmp_path)
    not_a_bundle = tmp_path / "notes.txt"
    not_a_bundle.write_text("not a bundle at all\n")
    for nothing in ("/dev/zero", not_a_bundle):
        result = run("merge", "--db", central, nothing)
        assert "Traceback" not in result.stderr
        assert kept_backups(central) == [], nothing
    result = run("merge", "--db", central, bundle)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(kept_backups(central)) == 1  # the state before the merge
    result = run("merge", "--db", central, bundle)  # merged before: nothing to write
    assert len(kept_backups(central)) == 1


def test_a_refused_merge_leaves_no_new_database(tmp_path):
    not_a_bundle = tmp_path / "notes.txt"
    not_a_bundle.write_text("not a bundle at all\n")
    missing = tmp_path / "nowhere" / "central.sqlite"
    missing.parent.mkdir()
    result = run("merge", "--db", missing, not_a_bundle)
    assert "Traceback" not in result.stderr
    left = [p.name for p in missing.parent.iterdir() if not p.name.endswith(".lock")]
    assert left == []
