"""Restore puts in place exactly the file it checked, in the database's real place, never waits
for ever, refuses what `check` or the app would refuse, and leaves nothing behind: a backup
path swapped while it runs, a symlinked database, a hard link of the database, an unhealthy
backup or another study's, a read-only file, a long file name, a backups folder that is a
file, a killed restore's partial copy, a synced folder."""

import os
import sqlite3
import threading
from pathlib import Path

import pytest

from interviewer.storage.backup import (
    backup_database,
    kept_backups,
    make_rolling_backup,
    restore_partial,
)
from interviewer.storage.database import open_database
from interviewer.storage.restore import RestoreRefused, restore_backup
from tests.helpers import database_content, file_digest
from tests.permissions import run_as_normal_user
from tests.storage.test_database import make_demo_file
from tests.test_cli import run

COMMAND = [os.fspath(Path(__file__).parents[2] / ".venv" / "bin" / "python"), "-m", "interviewer"]


def triggers(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        ]
    finally:
        connection.close()


def copy_of(path: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    return backup_database(path, target)


def with_trigger(path: Path) -> Path:
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TRIGGER evil AFTER INSERT ON interview BEGIN DELETE FROM interview; END"
    )
    connection.commit()
    connection.close()
    return path


def partials_beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if ".partial" in p.name)


def test_a_backup_path_swapped_during_the_restore_never_puts_an_unchecked_file_in_place(
    tmp_path,
):
    path = make_demo_file(tmp_path / "study.sqlite", interviews=5)
    good = copy_of(path, tmp_path / "b" / "good.sqlite")
    evil = with_trigger(copy_of(path, tmp_path / "b" / "evil.sqlite"))
    link = tmp_path / "b" / "chosen.sqlite"
    link.symlink_to(good)
    stop = threading.Event()

    def swap() -> None:  # the attacker: the chosen path flips between the two files
        spare = tmp_path / "b" / "spare"
        while not stop.is_set():
            for target in (evil, good):
                spare.unlink(missing_ok=True)
                spare.symlink_to(target)
                os.replace(spare, link)

    swapper = threading.Thread(target=swap)
    swapper.start()
    restored = refused = 0
    try:
        for _ in range(25):  # a bounded number of tries
            try:
                restore_backup(path, link)
                restored += 1
            except RestoreRefused as refusal:
                assert "cannot be restored" in str(refusal)
                refused += 1
            assert triggers(path) == []  # what was checked is what is in place
    finally:
        stop.set()
        swapper.join()
    assert restored + refused == 25
    assert database_content(path) == database_content(good) or refused == 25
    assert partials_beside(path) == []


def test_a_symlinked_database_is_restored_in_its_target(tmp_path):
    real = make_demo_file(tmp_path / "real" / "study.sqlite", interviews=5)
    backup = copy_of(real, tmp_path / "saved" / "backup.sqlite")
    connection = sqlite3.connect(real)  # later edits
    connection.execute("UPDATE interview SET location='later place'")
    connection.commit()
    connection.close()
    assert database_content(real) != database_content(backup)
    link = tmp_path / "link.sqlite"
    link.symlink_to(real)
    result = run("restore", "--db", link, backup)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert database_content(real) == database_content(backup)
    assert len(kept_backups(real)) == 1  # kept for the real file, where the app finds it


@pytest.mark.parametrize("of", ["database", "wal"])
def test_a_hard_link_of_the_database_or_its_wal_is_refused_at_once(tmp_path, of):
    path = make_demo_file(tmp_path / "real" / "db.sqlite", interviews=5)
    held = None
    if of == "wal":  # a reader holds the file so its -wal stays
        held = sqlite3.connect(path)
        held.execute("BEGIN")
        held.execute("SELECT count(*) FROM interview").fetchone()
        assert Path(f"{path}-wal").exists()
    source = path if of == "database" else Path(f"{path}-wal")
    hard = tmp_path / "elsewhere" / "hard.sqlite"
    hard.parent.mkdir()
    os.link(source, hard)
    before = file_digest(path)
    try:
        result = run("restore", "--db", tmp_path / "real" / "db.sqlite", hard)  # bounded: 300 s
    finally:
        if held is not None:
            held.close()
    assert result.returncode == 1
    # the database with a second name is refused by every command before anything else
    assert ("also has another name" if of == "database" else "is the database itself") in (
        result.stderr
    )
    assert file_digest(path) == before
    assert partials_beside(path) == []


def test_a_backup_that_check_finds_unhealthy_is_refused_with_its_count(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite", interviews=5)
    backup = copy_of(path, tmp_path / "saved" / "backup.sqlite")
    connection = sqlite3.connect(backup)
    connection.execute("PRAGMA ignore_check_constraints=ON")
    connection.execute("UPDATE interview SET interview_date='garbage'")
    connection.commit()
    connection.close()
    before = file_digest(path)
    result = run("restore", "--db", path, backup)
    assert result.returncode == 1
    assert "problem" in result.stderr and "run interviewer check on it" in result.stderr
    assert "garbage" not in result.stderr and "Traceback" not in result.stderr
    assert file_digest(path) == before
    assert kept_backups(path) == []  # refused before anything was kept or written


def test_a_backup_of_another_study_is_restored_only_when_asked(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite", interviews=5)
    other = make_demo_file(tmp_path / "other" / "another.sqlite", interviews=3)
    before = file_digest(path)
    result = run("restore", "--db", path, other)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "another database" in result.stderr
    assert file_digest(path) == before
    result = run("restore", "--db", path, other, "--other-database")
    assert result.returncode == 0, result.stderr
    assert database_content(path) == database_content(other)


def test_a_killed_restores_partial_copy_goes_at_the_next_writing_open(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite", interviews=3)
    partial = restore_partial(path)
    for leftover in (partial, Path(f"{partial}-journal")):
        leftover.write_bytes(b"x" * 4096)
    result = run("demo", "--db", path, "--interviews", 1, "--seed", 99)
    assert result.returncode == 0, result.stderr
    assert partials_beside(path) == []
    partial.write_bytes(b"x")  # the app opens through the same writing open
    open_database(path, backup=False, full_check=False).close()
    assert partials_beside(path) == []


def test_restore_refuses_a_read_only_database_as_demo_does(tmp_path):
    path = make_demo_file(tmp_path / "study.sqlite", interviews=3)
    backup = copy_of(path, tmp_path / "saved" / "backup.sqlite")
    tmp_path.chmod(0o777)
    path.chmod(0o444)
    before = file_digest(path)
    try:
        env = {**os.environ}
        restored = run_as_normal_user(
            [*COMMAND, "restore", "--db", str(path), str(backup)], env=env
        )
        demo = run_as_normal_user(
            [*COMMAND, "demo", "--db", str(path), "--interviews", "1", "--seed", "3"], env=env
        )
    finally:
        path.chmod(0o644)
    assert restored.returncode == 1 and demo.returncode == 1
    assert "the file is read-only" in restored.stderr
    sentence = lambda err: err.split(": ", 2)[-1]  # noqa: E731 - after "interviewer X: <path>"
    assert sentence(restored.stderr) == sentence(demo.stderr)
    assert file_digest(path) == before


def test_a_database_with_a_long_name_is_backed_up_and_restored(tmp_path):
    name = "å" * 60 + "s" * 110 + ".sqlite"  # 237 bytes: SQLite's own -journal still fits
    assert len(os.fsencode(name)) <= 247
    path = make_demo_file(tmp_path / name, interviews=3)
    rolling = make_rolling_backup(path)
    assert rolling.exists()
    result = run("restore", "--db", path, rolling)
    assert result.returncode == 0, result.stderr
    assert len(kept_backups(path)) == 1
    assert all(len(os.fsencode(p.name)) <= 255 for p in kept_backups(path))
    assert partials_beside(path) == []


@pytest.mark.parametrize("which", ["backups", "folder", "kept"])
def test_a_backups_folder_that_is_a_file_is_said_in_one_sentence(tmp_path, which):
    from interviewer.paths import backup_dir_for

    path = make_demo_file(tmp_path / "study.sqlite", interviews=3)
    backup = copy_of(path, tmp_path / "saved" / "backup.sqlite")
    folder = backup_dir_for(path)
    blocker = {"backups": folder.parent, "folder": folder, "kept": folder / "kept"}[which]
    if blocker.exists():
        import shutil

        shutil.rmtree(blocker)
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")
    before = database_content(path)
    result = run("restore", "--db", path, backup)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr  # one sentence, no log lines
    assert "should be the backups folder but is a file" in result.stderr
    assert database_content(path) == before


def test_restore_into_a_synced_folder_warns_as_demo_does(tmp_path):
    folder = tmp_path / "home" / "Dropbox"
    folder.mkdir(parents=True)
    path = make_demo_file(folder / "study.sqlite", interviews=3)
    backup = copy_of(path, tmp_path / "saved" / "backup.sqlite")
    env = {"INTERVIEWER_ALLOW_SHARED_FOLDER": ""}
    restored = run("restore", "--db", path, backup, env=env)
    demo = run("demo", "--db", path, "--interviews", 1, "--seed", 4, env=env)
    assert restored.returncode == 0, restored.stderr
    warning = [line for line in demo.stderr.splitlines() if "Dropbox" in line]
    assert warning and warning[0] in restored.stderr.splitlines()


def test_a_copy_whose_source_stays_locked_gives_up_instead_of_waiting_for_ever(
    tmp_path, monkeypatch
):
    from interviewer.storage import backup as backups

    monkeypatch.setattr(backups, "BUSY_WAIT_SECONDS", 0.5)
    source = tmp_path / "held.sqlite"
    holder = sqlite3.connect(source, isolation_level=None)
    holder.execute("CREATE TABLE t(x)")
    holder.execute("BEGIN EXCLUSIVE")  # another program holds it (rollback journal mode)
    holder.execute("INSERT INTO t VALUES (1)")
    try:
        with pytest.raises(backups.SourceBusy):
            backups.backup_database(source, tmp_path / "copy.sqlite")
    finally:
        holder.close()
    assert not (tmp_path / "copy.sqlite").exists()
    assert partials_beside(tmp_path / "copy.sqlite") == []
