"""One database file, one name: a file reached by a second name (a hard link, the file itself
bind-mounted elsewhere) is refused by every opening, and the writer lock is keyed on the
file's identity, not its name.

SQLite keeps a database's write-ahead log and its locks in ``<name>-wal``/``<name>-shm``,
named after the name it was opened by: through two names, two merges (or the app and a
merge) each get their own log and locks, neither waits for the other, and a whole merge
vanishes or the file is damaged (https://www.sqlite.org/howtocorrupt.html, 2.5)."""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from interviewer.errors import DatabaseRefused
from interviewer.exchange.bundle import write_bundle
from interviewer.exchange.merge import merge_bundles
from interviewer.storage.database import (
    inspect_file,
    open_database,
    open_database_read_only,
    open_database_unwritable,
)
from interviewer.storage.health import check_database
from interviewer.storage.location import second_name
from tests.exchange.conftest import field_database, study_file  # noqa: F401 (a fixture)
from tests.exchange.test_merge_at_once import edit_every_role, merged_content
from tests.helpers import file_digest
from tests.test_cli import run

ROOT = Path(__file__).parents[2]
INTERVIEWS = 6
TWO_NAMES = "also has another name (a hard link"


def start(*args: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "interviewer", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def no_log_beside(path: Path) -> bool:
    """No -wal holding changes beside ``path``: nothing was written by that name."""
    wal = Path(f"{path}-wal")
    return not wal.exists() or wal.stat().st_size == 0


@pytest.fixture
def central_and_bundles(tmp_path, study_file):  # noqa: F811
    """A central database holding Mette's interviews, and two bundles that each change every
    one of them since (her office laptop's, and a copy of her database on another)."""
    office = field_database(tmp_path, study_file, "office", seed=4, interviews=INTERVIEWS)
    first = tmp_path / "first.bundle"
    write_bundle(office, first, plain=True)
    central = tmp_path / "centre" / "central.sqlite"
    central.parent.mkdir()
    merge_bundles(central, [first])
    train = tmp_path / "train.sqlite"
    shutil.copy(office, train)
    edit_every_role(office, "Edited at the office:")
    edit_every_role(train, "Edited on the train:")
    bundles = [tmp_path / "office.bundle", tmp_path / "train.bundle"]
    write_bundle(office, bundles[0], plain=True)
    write_bundle(train, bundles[1], plain=True)
    return central, bundles


def test_two_merges_through_a_hard_link_are_refused_and_change_nothing(
    central_and_bundles, tmp_path
):
    central, (office, train) = central_and_bundles
    link = tmp_path / "elsewhere" / "same.sqlite"
    link.parent.mkdir()
    os.link(central, link)
    before = file_digest(central)
    merges = [start("merge", "--db", central, office), start("merge", "--db", link, train)]
    for merge in merges:
        out, err = merge.communicate(timeout=300)
        assert merge.returncode == 1, (out, err)
        assert TWO_NAMES in err and "copy it to a file of its own" in err, err
        assert "Traceback" not in err
    assert file_digest(central) == before
    assert no_log_beside(central) and no_log_beside(link)

    # as the sentence says: the file under one name; then two merges at once end as one
    # after the other would (the second is refused by the writer lock, or waits at BEGIN)
    link.unlink()
    reference = tmp_path / "reference.sqlite"
    shutil.copy(central, reference)
    merge_bundles(reference, [office])
    merge_bundles(reference, [train])
    other_order = tmp_path / "other-order.sqlite"
    shutil.copy(central, other_order)
    merge_bundles(other_order, [train])
    merge_bundles(other_order, [office])
    merges = [start("merge", "--db", central, office), start("merge", "--db", central, train)]
    for merge, bundle in zip(merges, (office, train), strict=True):
        out, err = merge.communicate(timeout=300)
        if merge.returncode != 0:  # refused at once by the writer lock: run it again
            assert "is open in the Interviewer app" in err, err
            again = run("merge", "--db", central, bundle)
            assert again.returncode == 0, again.stderr
    assert merged_content(central) in (merged_content(reference), merged_content(other_order))
    assert check_database(central).healthy


OPENINGS = {
    "open for writing (merge, demo, the app)": lambda path: open_database(path).close(),
    "open read-only (a second copy of the app)": lambda path: open_database_read_only(path),
    "open unwritable (read-only media)": lambda path: open_database_unwritable(path),
    "inspect (every opening's first look)": inspect_file,
    "check": check_database,
}


@pytest.mark.parametrize("opening", list(OPENINGS))
@pytest.mark.parametrize("by", ["the link", "the first name"])
def test_every_opening_refuses_a_database_with_a_second_name(tmp_path, opening, by):
    path = tmp_path / "study.sqlite"
    open_database(path).close()
    link = tmp_path / "other" / "link.sqlite"
    link.parent.mkdir()
    os.link(path, link)
    before = file_digest(path)
    with pytest.raises(DatabaseRefused, match="also has another name"):
        OPENINGS[opening](link if by == "the link" else path)
    assert file_digest(path) == before
    assert not Path(f"{link}-wal").exists() and not Path(f"{link}.lock").exists()


def test_the_export_reads_nothing_through_a_hard_link_even_on_read_only_media(tmp_path):
    """An export's read-only opening uses ``immutable=1`` where the folder cannot be written,
    with no locks at all: a link must be refused before that."""
    from interviewer.export.reading import read_only_engine
    from interviewer.storage.location import read_only_uri

    path = tmp_path / "study.sqlite"
    open_database(path).close()
    link = tmp_path / "link.sqlite"
    os.link(path, link)
    with pytest.raises(DatabaseRefused, match="also has another name"):
        read_only_engine(link)
    assert "immutable" not in read_only_uri(path)  # a folder that can be written: mode=ro


# the command's words, then what follows its --db
COMMANDS = {
    "check": (["check"], []),
    "backups": (["backups"], []),
    "backup": (["backup"], ["-o", "{tmp}/copy.sqlite"]),
    "senders": (["senders"], []),
    "conflicts": (["conflicts"], []),
    "export xlsx": (["export", "xlsx"], ["-o", "{tmp}/out.xlsx"]),
    "export docx": (["export", "docx"], ["-o", "{tmp}/out.docx"]),
    "demo": (["demo"], ["--interviews", "1"]),
    "restore": (["restore"], ["{tmp}/copy-made-before.sqlite"]),
}


@pytest.fixture(scope="module")
def demo_with_a_link(tmp_path_factory):
    folder = tmp_path_factory.mktemp("linked")
    path = folder / "study.sqlite"
    assert run("demo", "--db", path, "--interviews", 3).returncode == 0
    shutil.copy(path, folder / "copy-made-before.sqlite")
    os.link(path, folder / "link.sqlite")
    return path


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_refuses_a_database_with_a_second_name(demo_with_a_link, command):
    folder = demo_with_a_link.parent
    before = file_digest(demo_with_a_link)
    words, rest = COMMANDS[command]
    for name in (demo_with_a_link, folder / "link.sqlite"):
        result = run(*words, "--db", name, *(part.format(tmp=folder) for part in rest))
        assert result.returncode == 1, result.stdout
        assert TWO_NAMES in result.stderr and "Traceback" not in result.stderr
    assert file_digest(demo_with_a_link) == before
    for made in ("copy.sqlite", "out.xlsx", "out.docx", "link.sqlite-wal"):
        assert not (folder / made).exists(), made


HOLDER = textwrap.dedent(
    """
    import sys
    from interviewer.storage.file_lock import try_writer_lock
    lock = try_writer_lock(sys.argv[1])
    print("held" if lock is not None else "not held", flush=True)
    sys.stdin.read()  # until the test closes it
    """
)


def test_the_writer_lock_is_the_files_not_the_names(tmp_path):
    """A name that slips past the refusal (a link made while a writer works) still meets the
    writer's lock: it is keyed on the file's device and inode as well as on its path."""
    from interviewer.storage.file_lock import DatabaseInUse, try_writer_lock, writing

    path = tmp_path / "study.sqlite"
    open_database(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        link = tmp_path / "other" / "link.sqlite"
        link.parent.mkdir()
        os.link(path, link)
        assert try_writer_lock(link) is None
        with pytest.raises(DatabaseInUse), writing(link):
            pass
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    lock = try_writer_lock(link)  # the holder is gone: free again, by either name
    assert lock is not None
    lock.release()


def test_the_app_open_and_a_command_through_a_hard_link_made_meanwhile(tmp_path):
    """The app has the file open; someone then links it and writes through the link: refused,
    the app's file unchanged and whole."""
    driver = ROOT / "tests" / "ui" / "second_copy_driver.py"
    path = tmp_path / "study.sqlite"
    assert run("demo", "--db", path, "--interviews", 3).returncode == 0
    app = subprocess.Popen(
        [sys.executable, str(driver), "first", str(path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready = next((line for line in app.stdout if line.startswith("ready")), "")
        assert ready.strip() == "ready read_only=False", app.stderr.read()
        before = merged_content(path)
        link = tmp_path / "link.sqlite"
        os.link(path, link)
        for arguments in (["demo", "--interviews", "1"], ["senders", "--add", "Ida Holm"]):
            result = run(arguments[0], "--db", link, *arguments[1:])
            assert result.returncode == 1
            assert TWO_NAMES in result.stderr
        assert no_log_beside(link)
        link.unlink()
        after = merged_content(path)
    finally:
        app.kill()
        app.wait(timeout=60)
    assert after == before
    assert check_database(path).healthy


def test_the_app_refuses_to_open_a_database_with_a_second_name(tmp_path):
    from interviewer.ui.app import open_for_app

    path = tmp_path / "study.sqlite"
    open_database(path).close()
    os.link(path, tmp_path / "link.sqlite")
    for name in (path, tmp_path / "link.sqlite"):
        with pytest.raises(DatabaseRefused, match="copy it to a file of its own"):
            open_for_app(name)
    assert not (tmp_path / "link.sqlite.lock").exists()


MOUNTS = textwrap.dedent(
    """\
    22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
    40 22 8:1 /home/mette/study.sqlite /srv/centre/study.sqlite rw - ext4 /dev/sda1 rw
    41 22 8:1 /home/mette/field /srv/field rw - ext4 /dev/sda1 rw
    """
)


def test_a_bind_mounted_file_is_refused_but_a_bind_mounted_folder_is_not(tmp_path):
    # a real file, so it has one link; the mount table is given, as root alone can mount
    path = tmp_path / "study.sqlite"
    path.write_bytes(b"")
    assert second_name(path, mountinfo=MOUNTS) is None
    mounted = MOUNTS.replace("/srv/centre/study.sqlite", str(path))
    assert "bind mount of the file itself" in second_name(path, mountinfo=mounted)
    # a folder reached by two paths: the -wal, -shm and lock are the same files either way
    beside = MOUNTS.replace("/srv/field", str(tmp_path))
    assert second_name(path, mountinfo=beside) is None


@pytest.mark.parametrize("command", [["senders"], ["conflicts"], ["backups"], ["check"]])
def test_a_listing_whose_reader_is_gone_ends_quietly(demo_with_a_link, tmp_path, command):
    """``interviewer senders | head -1``: the reader closes the pipe; the command says
    nothing alarming (no "database reported an error", no traceback)."""
    path = tmp_path / "own.sqlite"
    shutil.copy(demo_with_a_link, path)  # a copy has one name
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written: every write fails
    try:
        result = subprocess.run(
            [sys.executable, "-m", "interviewer", *command, "--db", str(path)],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
        )
    finally:
        os.close(write_end)
    assert result.stderr == ""
    assert result.returncode == 1


def bind_mount(source: Path, target: Path) -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a bind mount needs root (mount --bind)")
    result = subprocess.run(["mount", "--bind", str(source), str(target)], capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"mount --bind is not allowed here: {result.stderr.decode(errors='replace')}")


def test_a_really_bind_mounted_file_is_refused_by_both_names(demo_with_a_link, tmp_path):
    path = tmp_path / "own.sqlite"
    shutil.copy(demo_with_a_link, path)
    mounted = tmp_path / "elsewhere.sqlite"
    mounted.write_bytes(b"")
    bind_mount(path, mounted)
    try:
        before = file_digest(path)
        for name in (path, mounted):
            result = run("demo", "--db", name, "--interviews", "1")
            assert result.returncode == 1
            assert "bind mount of the file itself" in result.stderr, result.stderr
        assert file_digest(path) == before
    finally:
        subprocess.run(["umount", str(mounted)], check=True)
    # one name again: it opens and takes writes
    assert run("demo", "--db", path, "--interviews", "1", "--seed", "9").returncode == 0


def test_a_bind_mounted_folder_is_one_file_and_one_lock(demo_with_a_link, tmp_path):
    """Through a second path to its folder the -wal, -shm and lock are the same files: the
    file opens, and a writer by one path is seen by the other."""
    from interviewer.storage.file_lock import try_writer_lock

    folder = tmp_path / "real"
    folder.mkdir()
    shutil.copy(demo_with_a_link, folder / "study.sqlite")
    other = tmp_path / "other"
    other.mkdir()
    bind_mount(folder, other)
    try:
        lock = try_writer_lock(folder / "study.sqlite")
        try:
            assert try_writer_lock(other / "study.sqlite") is None
            result = run("demo", "--db", other / "study.sqlite", "--interviews", "1")
            assert result.returncode == 1 and "is open in the Interviewer app" in result.stderr
        finally:
            lock.release()
        again = run("demo", "--db", other / "study.sqlite", "--interviews", "1", "--seed", "9")
        assert again.returncode == 0, again.stderr
    finally:
        subprocess.run(["umount", str(other)], check=True)
