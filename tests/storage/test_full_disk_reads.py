"""A command that only reads works on a full disk: SQLite cannot make the -shm it would need
there, so the file is read as on read-only media (location.read_only_uri); "the disk is
full" is said only by a command that writes."""

import os

from tests.storage.test_failures import cli, make_demo_file, on_full_disk


def _codes(result) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith("rc=")]


def test_check_and_an_export_read_a_database_on_a_full_disk(tmp_path):
    db = make_demo_file(tmp_path / "study.sqlite", interviews=3)
    disk = tmp_path / "disk"
    on_disk = disk / "study.sqlite"
    reads = on_full_disk(
        disk,
        cli("check", "--db", on_disk),
        cli("export", "xlsx", "--db", on_disk, "-o", tmp_path / "out.xlsx"),
        cli("check", "--db", on_disk),  # again: nothing the first left stops it
        copy_in=[db],
    )
    assert _codes(reads) == ["rc=0"] * 3, reads.stdout + reads.stderr
    assert reads.stdout.count("healthy (3 interviews") == 2, reads.stdout
    assert reads.stderr == ""
    assert (tmp_path / "out.xlsx").stat().st_size > 0
    assert sorted(os.listdir(f"{disk}.after")) == ["study.sqlite"]  # no stub -shm left


def test_a_write_on_a_full_disk_says_the_disk_is_full(tmp_path):
    db = make_demo_file(tmp_path / "study.sqlite", interviews=3)
    disk = tmp_path / "disk"
    write = on_full_disk(
        disk, cli("demo", "--db", disk / "study.sqlite", "--interviews", 1, "--seed", 5),
        copy_in=[db],
    )  # fmt: skip
    assert _codes(write) == ["rc=1"], write.stdout + write.stderr
    lines = write.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("interviewer demo: "), write.stderr
    assert "the disk is full" in lines[0]
