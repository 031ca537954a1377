"""The ordinary failures, from the command line as a user meets them: a read-only file or
folder, a full disk, a lock held by another program, a full or unwritable backups folder, a
missing file. Each is one sentence naming the cause and what to do, exit 1, no traceback,
and the database stays as it was. A database on read-only media is read: check, the exports
and backup work there."""

import ast
import errno
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from interviewer.storage.database import open_database
from interviewer.storage.failures import (
    Failure,
    StorageFailure,
    backups_root,
    classify,
    sentence,
)
from tests.permissions import run_as_normal_user
from tests.storage.test_database import make_demo_file

PACKAGE = Path(__file__).parent.parent.parent / "interviewer"
PYTHON = sys.executable


def cli(*args) -> list[str]:
    return [PYTHON, "-m", "interviewer", *map(str, args)]


def run(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli(*args),
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def run_as_user(*args) -> subprocess.CompletedProcess:
    return run_as_normal_user(cli(*args), timeout=300)


def content(path: Path) -> list[str]:
    """Every row of the file as SQL, read without writing (also in a read-only folder)."""
    connection = sqlite3.connect(f"{Path(path).resolve().as_uri()}?immutable=1", uri=True)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def said_plainly(result: subprocess.CompletedProcess, kind: Failure) -> None:
    """Exit 1 with the one sentence of ``kind``, and nothing a person should not see."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert sentence(kind) in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert "damaged" not in result.stderr
    assert "sqlite3." not in result.stderr and "[SQL" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr  # one line


@pytest.fixture
def demo_db(tmp_path):
    folder = tmp_path / "media"
    folder.mkdir()
    path = make_demo_file(folder / "study.sqlite", interviews=5)
    assert not Path(f"{path}-wal").exists()  # closed cleanly: the -wal is checkpointed away
    return path


@pytest.fixture
def read_only_folder(demo_db):
    demo_db.parent.chmod(0o555)
    yield demo_db
    demo_db.parent.chmod(0o755)


def test_a_database_in_a_read_only_folder_is_read_checked_exported_and_backed_up(
    read_only_folder, tmp_path
):
    before = content(read_only_folder)
    checked = run_as_user("check", "--db", read_only_folder)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "healthy (5 interviews" in checked.stdout
    for kind, name in (("xlsx", "out.xlsx"), ("docx", "out.docx")):
        exported = run_as_user("export", kind, "--db", read_only_folder, "-o", tmp_path / name)
        assert exported.returncode == 0, exported.stdout + exported.stderr
        assert (tmp_path / name).stat().st_size > 0
    copied = run_as_user("backup", "--db", read_only_folder, "-o", tmp_path / "copy.sqlite")
    assert copied.returncode == 0, copied.stdout + copied.stderr
    assert content(tmp_path / "copy.sqlite") == before
    assert content(read_only_folder) == before
    assert sorted(p.name for p in read_only_folder.parent.iterdir()) == ["study.sqlite"]


def test_writing_into_a_read_only_folder_says_so_and_not_damaged(read_only_folder):
    before = content(read_only_folder)
    said_plainly(
        run_as_user("demo", "--db", read_only_folder, "--interviews", 2, "--seed", 9),
        Failure.DATABASE_FOLDER_READ_ONLY,
    )
    assert content(read_only_folder) == before


def test_a_new_database_in_a_read_only_folder_says_so(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o555)
    try:
        said_plainly(
            run_as_user("demo", "--db", folder / "new.sqlite", "--interviews", 1),
            Failure.DATABASE_FOLDER_READ_ONLY,
        )
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_a_read_only_file_is_read_and_writing_it_says_so(demo_db):
    before = content(demo_db)
    demo_db.chmod(0o444)
    try:
        checked = run_as_user("check", "--db", demo_db)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        said_plainly(
            run_as_user("demo", "--db", demo_db, "--interviews", 2, "--seed", 9),
            Failure.READ_ONLY_FILE,
        )
    finally:
        demo_db.chmod(0o644)
    assert content(demo_db) == before


def test_a_wal_holding_changes_on_read_only_media_is_refused_plainly(tmp_path):
    source = make_demo_file(tmp_path / "source.sqlite", interviews=3)
    writer = sqlite3.connect(source)
    writer.execute("PRAGMA wal_autocheckpoint=0")  # the change stays in the -wal
    writer.execute("UPDATE interview SET location = 'Rådhuset'")
    writer.commit()
    media = tmp_path / "stick"
    media.mkdir()
    for end in ("", "-wal"):  # copied as a file manager would: no -shm
        shutil.copyfile(f"{source}{end}", media / f"study.sqlite{end}")
    writer.close()
    media.chmod(0o555)
    try:
        result = run_as_user("check", "--db", media / "study.sqlite")
    finally:
        media.chmod(0o755)
    said_plainly(result, Failure.WAL_ON_READ_ONLY_MEDIA)


READ_LOCATIONS = """
import sys
from interviewer.storage.database import connect_read_only
connection = connect_read_only(sys.argv[1])
print(sorted({row[0] for row in connection.execute("SELECT location FROM interview")}))
"""


@pytest.mark.parametrize(
    ("copied", "changed"),
    [(("", "-shm"), False), (("", "-wal", "-shm"), True)],
    ids=["a -shm left without a -wal", "a -wal with its -shm"],
)
def test_a_database_copied_to_read_only_media_with_its_journal_files_is_read_whole(
    tmp_path, copied, changed
):
    source = make_demo_file(tmp_path / "source.sqlite", interviews=3)
    writer = sqlite3.connect(source)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    if changed:  # the change stays in the -wal
        writer.execute("UPDATE interview SET location = 'Rådhuset'")
        writer.commit()
    else:
        writer.execute("SELECT count(*) FROM interview").fetchone()  # makes the -shm
    media = tmp_path / "stick"
    media.mkdir()
    for end in copied:
        shutil.copyfile(f"{source}{end}", media / f"study.sqlite{end}")
    writer.close()
    media.chmod(0o555)
    try:
        result = run_as_normal_user([PYTHON, "-c", READ_LOCATIONS, str(media / "study.sqlite")])
    finally:
        media.chmod(0o755)
    assert result.returncode == 0, result.stderr
    assert ("['Rådhuset']" in result.stdout) is changed, result.stdout


def hold_lock(path: Path) -> subprocess.Popen:
    """Another program holding an exclusive transaction on ``path`` until its stdin closes."""
    holder = subprocess.Popen(
        [
            PYTHON,
            "-c",
            textwrap.dedent(
                f"""
                import sqlite3, sys
                connection = sqlite3.connect({str(path)!r}, isolation_level=None)
                connection.execute("BEGIN EXCLUSIVE")
                print("held", flush=True)
                sys.stdin.read()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def release(holder: subprocess.Popen) -> None:
    holder.stdin.close()
    holder.wait(timeout=30)


def test_a_lock_held_by_another_program_says_so_and_changes_nothing(demo_db):
    before = content(demo_db)
    holder = hold_lock(demo_db)
    try:  # SQLite waits its busy timeout (5 s) first
        result = run("demo", "--db", demo_db, "--interviews", 2, "--seed", 9)
    finally:
        release(holder)
    said_plainly(result, Failure.LOCKED)
    assert content(demo_db) == before


def test_a_file_that_may_not_be_read_says_so(demo_db):
    demo_db.chmod(0o000)
    try:
        result = run_as_user("check", "--db", demo_db)
    finally:
        demo_db.chmod(0o644)
    said_plainly(result, Failure.NO_ACCESS)


def test_a_missing_folder_is_said_without_a_traceback(tmp_path):
    result = run("check", "--db", tmp_path / "nowhere" / "study.sqlite")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


# ----------------------------------------------------------------- a full disk (tmpfs)


def small_disk_available() -> str | None:
    """Why a small disk cannot be mounted here, or None when it can (a user and mount
    namespace of our own, with a tmpfs in it: no privileges needed where user namespaces
    are allowed)."""
    if shutil.which("unshare") is None or not sys.platform.startswith("linux"):
        return "unshare(1) is missing"
    probe = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
         "d=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs $d && umount $d && rmdir $d"],
        capture_output=True,
        check=False,
    )  # fmt: skip
    return None if probe.returncode == 0 else "cannot mount a tmpfs in a user namespace here"


def on_full_disk(mount_point: Path, *commands: list[str], size_kb: int = 600, copy_in=()):
    """Runs ``commands`` (each an argv) with a ``size_kb`` tmpfs mounted at ``mount_point``,
    after copying ``copy_in`` (paths) into it and filling what is left; after each command
    the files there are copied to ``<mount_point>.after/``. Returns the CompletedProcess of
    the shell; its stdout has "rc=<code>" per command, its stderr theirs."""
    reason = small_disk_available()
    if reason is not None:
        pytest.skip(f"no small disk for a full-disk test: {reason}")
    after = Path(f"{mount_point}.after")
    after.mkdir(parents=True)
    mount_point.mkdir(parents=True, exist_ok=True)
    lines = [
        f"mount -t tmpfs -o size={size_kb}k tmpfs '{mount_point}' || exit 99",
        *(f"cp '{path}' '{mount_point}/'" for path in copy_in),
        f"dd if=/dev/zero of='{mount_point}/filler' bs=4k 2>/dev/null",
        f"dd if=/dev/zero of='{mount_point}/filler2' bs=1 2>/dev/null",
    ]
    for argv in commands:
        lines.append(" ".join(f"'{a}'" for a in argv) + "; echo rc=$?")
    lines.append(f"cp -r '{mount_point}/.' '{after}/' 2>/dev/null; rm -f '{after}/filler'*")
    result = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", "\n".join(lines)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode != 99, result.stderr
    return result


# Where no tmpfs can be mounted (user namespaces barred, as on some CI runners), the full
# disk is SQLite's own: every connection the command makes may not grow the file any more.
NO_ROOM_LEFT = """
import sys
from interviewer.storage import database
configure = database._configure_connection
def no_room_left(connection, record):
    configure(connection, record)
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count={pages}")
database._configure_connection = no_room_left
from interviewer.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_database_that_cannot_grow_says_the_disk_is_full(demo_db, tmp_path):
    bundle = tmp_path / "field.bundle"
    made = run("export", "bundle", "--db", demo_db, "-o", bundle, "--plain")
    assert made.returncode == 0, made.stderr
    central = tmp_path / "central.sqlite"
    open_database(central).close()
    before = content(central)
    result = subprocess.run(
        [PYTHON, "-c", NO_ROOM_LEFT, "merge", "--db", str(central), str(bundle)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    # the merge reports each bundle it could not merge, with the failure's sentence
    assert sentence(Failure.DISK_FULL) in result.stdout + result.stderr, result.stdout
    assert "Traceback" not in result.stderr
    assert content(central) == before


def test_a_full_disk_says_so_and_the_database_stays_as_it_was(demo_db, tmp_path):
    before = content(demo_db)
    disk = tmp_path / "small"
    result = on_full_disk(
        disk,
        cli("demo", "--db", disk / "study.sqlite", "--interviews", 40, "--seed", 9),
        copy_in=[demo_db],
    )
    assert "rc=1" in result.stdout, result.stdout + result.stderr
    assert sentence(Failure.DISK_FULL) in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert content(Path(f"{disk}.after") / "study.sqlite") == before


def test_a_full_backups_folder_says_so_and_nothing_is_written(demo_db, tmp_path):
    before = content(demo_db)
    result = on_full_disk(
        backups_root(), cli("demo", "--db", demo_db, "--interviews", 3, "--seed", 9)
    )
    assert "rc=1" in result.stdout, result.stdout + result.stderr
    assert sentence(Failure.BACKUP_FOLDER_FULL) in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert content(demo_db) == before


def test_an_unwritable_backups_folder_says_so_and_nothing_is_written(demo_db):
    before = content(demo_db)
    root = backups_root()
    root.mkdir(parents=True, exist_ok=True)
    for old in root.iterdir():  # the fixture's own backup: a folder made as before
        shutil.rmtree(old)
    root.chmod(0o555)
    try:
        result = run_as_user("demo", "--db", demo_db, "--interviews", 3, "--seed", 9)
    finally:
        root.chmod(0o755)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert sentence(Failure.BACKUP_FOLDER_READ_ONLY) in result.stderr, result.stderr
    assert content(demo_db) == before


def test_an_export_to_a_full_disk_names_the_export_not_the_database(demo_db, tmp_path):
    disk = tmp_path / "small"
    result = on_full_disk(disk, cli("export", "xlsx", "--db", demo_db, "-o", disk / "x.xlsx"))
    assert "rc=1" in result.stdout, result.stdout + result.stderr
    assert f"{disk / 'x.xlsx'}: {sentence(Failure.OUTPUT_DISK_FULL)}" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_an_export_into_a_read_only_folder_names_the_folder(demo_db, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir(mode=0o555)
    try:
        result = run_as_user("export", "docx", "--db", demo_db, "-o", folder / "x.docx")
    finally:
        folder.chmod(0o755)
    said_plainly(result, Failure.READ_ONLY_FOLDER)
    assert f"{folder}: " in result.stderr
    assert list(folder.iterdir()) == []


# ----------------------------------------------------------------- classify, in process


def test_sqlite_full_through_sqlalchemy_is_the_full_disk_and_hides_the_values(tmp_path):
    from sqlalchemy import text

    from interviewer.storage.database import make_engine

    path = tmp_path / "tiny.sqlite"
    engine = make_engine(path)
    marker = "ZQXMARKER-full"
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE note (body TEXT)")
    with pytest.raises(Exception) as caught, engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA max_page_count=8")  # a disk with 8 pages left
        connection.execute(text("INSERT INTO note VALUES (:body)"), {"body": marker * 5000})
    engine.dispose()
    assert marker not in str(caught.value)  # hide_parameters
    failure = classify(caught.value, path)
    assert failure is not None and failure.kind is Failure.DISK_FULL
    assert str(failure) == f"{path}: {sentence(Failure.DISK_FULL)}"


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        (errno.ENOSPC, Failure.BACKUP_FOLDER_FULL),
        (errno.EACCES, Failure.BACKUP_FOLDER_READ_ONLY),
        (errno.EROFS, Failure.BACKUP_FOLDER_READ_ONLY),
    ],
)
def test_an_error_inside_the_backups_folder_is_the_backups_folders(number, kind):
    inside = backups_root() / "study-1234abcd" / ".study-x.sqlite.partial"
    failure = classify(OSError(number, os.strerror(number), str(inside)))
    assert failure.kind is kind
    assert failure.path == backups_root().resolve() / "study-1234abcd"


def test_damage_and_bugs_are_not_ordinary_failures(tmp_path):
    assert classify(ValueError("x")) is None
    assert classify(sqlite3.DatabaseError("file is not a database")) is None
    failure = StorageFailure(Failure.LOCKED, tmp_path / "a.sqlite")
    assert classify(failure) is failure


def test_every_engine_hides_its_statements_values():
    """Every create_engine in the package passes hide_parameters=True, so no error message
    or log line can quote typed text from a statement's values."""
    calls = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "create_engine":
                hidden = any(
                    k.arg == "hide_parameters" and getattr(k.value, "value", None) is True
                    for k in node.keywords
                )
                calls.append((f"{path.name}:{node.lineno}", hidden))
    assert calls
    assert [where for where, hidden in calls if not hidden] == []
