"""Two merges at once into one central database give what one after the other gives: each
bundle's reads and writes are one write transaction (BEGIN IMMEDIATE), so the second waits
for the first and then sees what it wrote. The processes call merge_bundles themselves, as
a second path to the same file (a hard link, another tool) would: the writer lock is not
what keeps them apart here."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from interviewer import interviews as svc
from interviewer.exchange.bundle import write_bundle
from interviewer.exchange.merge import merge_bundles
from interviewer.storage.database import open_database
from interviewer.storage.health import check_database
from tests.exchange.conftest import field_database

ROOT = Path(__file__).parents[2]
INTERVIEWS = 40

# Copied whole from the bundles' documents: every column must come out the same.
RECORDS = {"interview", "answer", "rating", "challenge", "initiative", "effect", "quote"}
# Elsewhere the merge keeps its own books: the time it did something (any "..._at" column)
# and the ids it draws for the rows it makes; those differ from one run to the next.
DRAWN_IDS = {"codebook_entry", "conflict", "merged_bundle"}


def volatile(table: str, column: str) -> bool:
    if table in RECORDS:
        return False
    return column.endswith("_at") or (column == "id" and table in DRAWN_IDS)


MERGER = """
import json, sys, time
from pathlib import Path
from interviewer.exchange.merge import merge_bundles
go = Path(sys.argv[1])
while not go.exists():  # both start together
    time.sleep(0.005)
report = merge_bundles(Path(sys.argv[2]), [Path(p) for p in sys.argv[3:]])
print(json.dumps([[b.path.name, b.added, b.updated, b.unchanged, b.conflicts, b.refused,
                   b.merged_before] for b in report.bundles]))
"""


def merged_content(path: Path) -> list:
    """Every row of every table, but the columns the merge fills with a fresh id or the
    time (``volatile``), so two merges of the same bundles can be compared."""
    connection = sqlite3.connect(path)
    try:
        content = []
        for (table,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
        ):
            cursor = connection.execute(f'SELECT * FROM "{table}"')
            names = [column[0] for column in cursor.description]
            keep = [i for i, name in enumerate(names) if not volatile(table, name)]
            rows = sorted(repr(tuple(row[i] for i in keep)) for row in cursor)
            content.append((table, rows))
        return content
    finally:
        connection.close()


def edit_every_role(path: Path, role: str) -> None:
    connection = sqlite3.connect(path)
    ids = [uuid.UUID(row[0]) for row in connection.execute("SELECT id FROM interview")]
    connection.close()
    database = open_database(path, backup=False)
    with database.session() as session:
        for interview_id in ids:
            svc.update_interview(
                session=session, interview_id=interview_id, respondent_role=f"{role} {interview_id}"
            )
    database.close()


def start_merge(go: Path, central: Path, bundles: list[Path]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", MERGER, str(go), str(central), *map(str, bundles)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def merge_at_once(tmp_path: Path, base: Path, first: list[Path], second: list[Path], run: int):
    """Copies ``base`` and merges ``first`` and ``second`` into it from two processes
    started together; returns the copy and each process's report rows."""
    central = tmp_path / f"at-once-{run}.sqlite"
    shutil.copy(base, central)
    go = tmp_path / f"go-{run}"
    processes = [start_merge(go, central, first), start_merge(go, central, second)]
    time.sleep(0.5)  # both are importing; neither can start before the file exists
    go.touch()
    reports = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert "Traceback" not in err
        reports.append(json.loads(out))
    return central, reports


@pytest.fixture
def two_devices(tmp_path, study_file):
    """A central database holding Mette's interviews, and two bundles that each change
    every one of them since: her office laptop's and a copy of her database on another."""
    office = field_database(tmp_path, study_file, "office", seed=4, interviews=INTERVIEWS)
    base_bundle = tmp_path / "base.bundle"
    write_bundle(office, base_bundle, plain=True)
    base = tmp_path / "base.sqlite"
    merge_bundles(base, [base_bundle])
    train = tmp_path / "train.sqlite"
    shutil.copy(office, train)
    edit_every_role(office, "Edited at the office:")
    edit_every_role(train, "Edited on the train:")
    bundles = [tmp_path / "office.bundle", tmp_path / "train.bundle"]
    write_bundle(office, bundles[0], plain=True)
    write_bundle(train, bundles[1], plain=True)
    return base, bundles


def serial(tmp_path: Path, base: Path, bundles: list[Path], name: str) -> list:
    central = tmp_path / f"{name}.sqlite"
    shutil.copy(base, central)
    for bundle in bundles:  # one merge, then the other
        merge_bundles(central, [bundle])
    return merged_content(central)


def test_two_merges_of_conflicting_bundles_at_once_are_one_after_the_other(two_devices, tmp_path):
    base, (office, train) = two_devices
    one_way = serial(tmp_path, base, [office, train], "office-first")
    other_way = serial(tmp_path, base, [train, office], "train-first")
    for run in range(5):
        central, reports = merge_at_once(tmp_path, base, [office], [train], run)
        counts = sorted((row[2], row[4]) for [row] in reports)  # (updated, conflicts)
        # one bundle updated every interview; the other found every one changed since
        assert counts == [(0, INTERVIEWS), (INTERVIEWS, 0)], (run, reports)
        assert merged_content(central) in (one_way, other_way), run
        assert check_database(central).healthy
        # nothing was lost: merging either again changes nothing
        before = merged_content(central)
        again = merge_bundles(central, [office, train])
        assert all(bundle.merged_before for bundle in again.bundles)
        assert merged_content(central) == before


def test_two_merges_of_the_same_twenty_bundles_at_once_merge_each_once(tmp_path, study_file):
    fields = [
        field_database(tmp_path, study_file, f"field-{n}", seed=20 + n, interviews=3)
        for n in range(20)
    ]
    bundles = [tmp_path / f"field-{n}.bundle" for n in range(20)]
    for field, bundle in zip(fields, bundles, strict=True):
        write_bundle(field, bundle, plain=True)
    empty = tmp_path / "empty.sqlite"
    open_database(empty, backup=False).close()
    reference = tmp_path / "reference.sqlite"
    shutil.copy(empty, reference)
    merge_bundles(reference, bundles)
    expected = merged_content(reference)
    central, reports = merge_at_once(tmp_path, empty, bundles, bundles, 0)
    for report in reports:
        assert [row[5] for row in report] == [None] * 20, report  # none refused, no crash
    # each bundle merged by exactly one of the two; the other found it merged before
    for first, second in zip(*reports, strict=True):
        assert sorted([first[6], second[6]]) == [False, True], (first, second)
    assert sum(row[1] for report in reports for row in report) == 60
    assert merged_content(central) == expected
    assert check_database(central).healthy


def spellings(central: Path, tmp_path: Path) -> dict[str, str]:
    """Other names for the same database file."""
    (tmp_path / "link-folder").symlink_to(central.parent, target_is_directory=True)
    (tmp_path / "link.sqlite").symlink_to(central)
    (tmp_path / "sub").mkdir()
    return {
        "relative": os.path.relpath(central, ROOT),
        "with ..": str(tmp_path / "sub" / ".." / central.name),
        "symlinked file": str(tmp_path / "link.sqlite"),
        "symlinked folder": str(tmp_path / "link-folder" / central.name),
    }


def test_a_merge_is_refused_while_another_holds_the_file_by_any_name(two_devices, tmp_path):
    from interviewer.storage.file_lock import try_writer_lock

    base, (office, _) = two_devices
    central = tmp_path / "central.sqlite"
    shutil.copy(base, central)
    before = merged_content(central)
    held = try_writer_lock(central)  # as a running `interviewer merge` holds it
    try:
        for name, spelling in spellings(central, tmp_path).items():
            result = subprocess.run(
                [sys.executable, "-m", "interviewer", "merge", "--db", spelling, str(office)],
                capture_output=True,
                text=True,
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                timeout=180,
            )
            assert result.returncode == 1, name
            message = result.stderr.strip()
            assert "another command is writing it" in message, (name, message)
            assert len(message.splitlines()) == 1, name
    finally:
        held.release()
    assert merged_content(central) == before


def test_a_merge_waits_for_another_writer_and_says_so_once(two_devices, tmp_path):
    """Another writer holds the file past SQLite's busy_timeout: the merge says it waits,
    once, and merges when the other is done."""
    base, (office, _) = two_devices
    central = tmp_path / "central.sqlite"
    shutil.copy(base, central)
    other = sqlite3.connect(central, check_same_thread=False, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program's write, going on
    said = []

    def waiting():
        said.append("waiting")
        other.execute("COMMIT")  # the other writer is done meanwhile

    report = merge_bundles(central, [office], waiting=waiting)
    other.close()
    assert said == ["waiting"]
    assert (report.bundles[0].refused, report.bundles[0].updated) == (None, INTERVIEWS)


def test_a_database_locked_too_long_refuses_the_rest_with_one_sentence(
    two_devices, tmp_path, monkeypatch
):
    from interviewer.exchange import merge

    base, bundles = two_devices
    central = tmp_path / "central.sqlite"
    shutil.copy(base, central)
    before = merged_content(central)
    monkeypatch.setattr(merge, "WAIT_ROUNDS", 1)  # one busy_timeout, not two minutes
    other = sqlite3.connect(central, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        report = merge_bundles(central, bundles)
    finally:
        other.execute("ROLLBACK")
        other.close()
    reasons = [bundle.refused for bundle in report.bundles]
    assert reasons[0] == reasons[1]  # the second is not tried: it would wait as long
    assert "another program is using the database" in reasons[0]
    assert merged_content(central) == before
