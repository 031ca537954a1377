"""file_safety: which outputs may be written and how inputs are read, on real files, links,
folders, devices and pipes."""

import contextlib
import os
import socket
import sqlite3
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.errors import FileRefused, InterviewerError
from interviewer.file_safety import (
    SECRET_LIMIT,
    check_output_folder,
    check_output_path,
    is_interviewer_database,
    read_input_file,
    read_secret_file,
    shown_path,
)
from interviewer.storage.database import APPLICATION_ID, open_database
from tests.helpers import file_digest
from tests.permissions import run_as_normal_user

WHAT = "the export"


@pytest.fixture
def ours(tmp_path):
    """A real Interviewer database with its WAL journal open beside it."""
    database = open_database(tmp_path / "study.sqlite")
    database.close()
    return tmp_path / "study.sqlite"


def refused(output, database=None, **options) -> str:
    with pytest.raises(FileRefused) as caught:
        check_output_path(output, database=database, what=WHAT, **options)
    message = str(caught.value)
    assert message.startswith(f"Cannot write {WHAT} to ")
    assert "\n" not in message
    return message


def test_the_refusal_is_a_user_facing_error():
    assert issubclass(FileRefused, InterviewerError)


def test_a_new_name_and_an_ordinary_file_may_be_written(tmp_path, ours):
    check_output_path(tmp_path / "new.xlsx", database=ours, what=WHAT)
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"PK\x03\x04 an older export")
    check_output_path(old, database=ours, what=WHAT)
    plain_sqlite = tmp_path / "other-app.sqlite"  # SQLite, but not ours: an ordinary file
    sqlite3.connect(plain_sqlite).execute("CREATE TABLE t (x)").connection.close()
    check_output_path(plain_sqlite, database=ours, what=WHAT)


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_the_database_and_its_journals_are_refused_however_spelt(tmp_path, ours, suffix):
    (tmp_path / "sub").mkdir()
    for spelling in (
        tmp_path / f"study.sqlite{suffix}",
        tmp_path / "sub" / ".." / f"study.sqlite{suffix}",
    ):
        message = refused(spelling, ours)
        assert ("database itself" if not suffix else "journal") in message


def test_a_database_not_made_yet_is_refused_as_its_own_output(tmp_path):
    assert "database itself" in refused(tmp_path / "new.sqlite", tmp_path / "new.sqlite")


def test_a_symlink_or_hard_link_to_the_database_is_refused(tmp_path, ours):
    link = tmp_path / "link.xlsx"
    link.symlink_to(ours)
    assert "database itself" in refused(link, ours)
    hard = tmp_path / "hard.xlsx"
    os.link(ours, hard)
    assert "database itself" in refused(hard, ours)


def test_any_interviewer_database_and_its_journals_are_refused(tmp_path, ours):
    other_folder = tmp_path / "elsewhere"
    other_folder.mkdir()
    other = other_folder / "centre.sqlite"
    open_database(other).close()
    before = file_digest(other)
    assert is_interviewer_database(other)
    assert "Interviewer database" in refused(other, ours)
    assert "Interviewer database" in refused(other, None)  # no --db: still recognised
    for suffix in ("-wal", "-shm"):
        assert "journal" in refused(other_folder / f"centre.sqlite{suffix}", ours)
    link = tmp_path / "to-centre"
    link.symlink_to(other)
    assert "Interviewer database" in refused(link, ours)
    assert file_digest(other) == before


def test_the_application_id_is_read_from_the_header(tmp_path):
    path = tmp_path / "x.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (x)")
    connection.execute(f"PRAGMA application_id={APPLICATION_ID}")
    connection.commit()
    connection.close()
    assert is_interviewer_database(path)
    short = tmp_path / "short"
    short.write_bytes(path.read_bytes()[:60])  # the magic but no id
    assert not is_interviewer_database(short)
    assert not is_interviewer_database(tmp_path)
    assert not is_interviewer_database(tmp_path / "nowhere")


@pytest.mark.parametrize("device", ["/dev/null", "/dev/full", "/dev/zero"])
def test_a_device_is_refused_and_left_alone(ours, device):
    before = os.stat(device)
    assert "a device" in refused(device, ours)
    after = os.stat(device)
    assert (after.st_ino, after.st_rdev, after.st_mode) == (
        before.st_ino,
        before.st_rdev,
        before.st_mode,
    )


def test_a_folder_a_fifo_a_socket_and_links_to_them_are_refused(tmp_path, ours):
    assert "a folder" in refused(tmp_path, ours)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert "a named pipe" in refused(fifo, ours)  # no open: nothing blocks
    listening = socket.socket(socket.AF_UNIX)
    try:
        listening.bind(str(tmp_path / "sock"))
        assert "a socket" in refused(tmp_path / "sock", ours)
    finally:
        listening.close()
    for target in (tmp_path, fifo, "/dev/full"):
        link = tmp_path / f"link-{abs(hash(str(target)))}"
        link.symlink_to(target)
        refused(link, ours)


def test_a_missing_folder_is_named(tmp_path, ours):
    message = refused(tmp_path / "missing" / "x.xlsx", ours)
    assert f"the folder {tmp_path / 'missing'} does not exist" in message


def test_a_writer_that_makes_its_folder_may_go_to_a_new_one_but_not_through_a_file(tmp_path, ours):
    new = tmp_path / "a" / "b" / "x.sqlite"
    check_output_path(new, database=ours, what=WHAT, makes_folder=True)
    refused(ours / "inside" / "x.sqlite", ours, makes_folder=True)


def test_the_folder_variant(tmp_path, ours):
    check_output_folder(tmp_path, database=ours, what="the key pair")
    check_output_folder(tmp_path / "new" / "keys", database=ours, what="the key pair")
    for not_a_folder in (ours, "/dev/null"):
        with pytest.raises(FileRefused, match="not a folder"):
            check_output_folder(not_a_folder, database=None, what="the key pair")
    for journal in ("-wal", "-shm"):  # a folder there would stop SQLite opening the database
        with pytest.raises(FileRefused, match="journal"):
            check_output_folder(f"{ours}{journal}", database=None, what="the key pair")
    with pytest.raises(FileRefused, match="database itself"):
        check_output_folder(ours, database=ours, what="the key pair")


# ---------------------------------------------------------------- reading


def test_an_ordinary_file_is_read_whole(tmp_path):
    path = tmp_path / "key.pem"
    path.write_bytes(b"x" * 1000)
    assert read_input_file(path, what="the public key", limit=1000) == b"x" * 1000
    with pytest.raises(FileRefused, match="larger than 999 B"):
        read_input_file(path, what="the public key", limit=999)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("nowhere", "does not exist"),
        ("folder", "is a folder"),
        ("pipe", "a named pipe"),
        ("/dev/zero", "a device"),
        ("/dev/urandom", "a device"),
        ("link-to-zero", "a device"),
    ],
)
def test_what_is_not_an_ordinary_file_is_refused_without_reading(tmp_path, name, expected):
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "pipe")  # nobody writes to it: a blocking open would hang here
    (tmp_path / "link-to-zero").symlink_to("/dev/zero")
    path = tmp_path / name if not name.startswith("/") else name
    with pytest.raises(FileRefused) as caught:
        read_input_file(path, what="the bundle", limit=10**9)
    assert str(caught.value).startswith("Cannot read the bundle: ")
    assert expected in str(caught.value)


def test_a_proc_file_is_bounded_by_reading(tmp_path):
    # /proc files say size 0: only the bounded read stops them
    assert os.stat("/proc/self/maps").st_size == 0
    with pytest.raises(FileRefused, match="larger than 10 B"):
        read_input_file("/proc/self/maps", what="the bundle", limit=10)


def test_an_unreadable_file_is_refused_in_one_sentence(tmp_path):
    path = tmp_path / "locked"
    path.write_text("secret")
    path.chmod(0)
    reading = (
        "import sys; from interviewer.file_safety import read_input_file as r\n"
        "try: r(sys.argv[1], what='the password file', limit=100)\n"
        "except Exception as e: print(type(e).__name__, e)"
    )
    done = run_as_normal_user([sys.executable, "-c", reading, str(path)])
    assert done.stdout.startswith("FileRefused Cannot read the password file: "), done
    assert "(Permission denied)" in done.stdout


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"correct horse\n", "correct horse"),
        (b"correct horse\r\n", "correct horse"),
        (b"\xef\xbb\xbfnotepad\r\n", "notepad"),
        ("æblegrød 🍎".encode(), "æblegrød 🍎"),
        (b"  spaces kept  \n", "  spaces kept  "),
    ],
)
def test_a_secret_file_gives_its_text(tmp_path, content, expected):
    path = tmp_path / "password.txt"
    path.write_bytes(content)
    assert read_secret_file(path, what="the password file") == expected


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "is empty"),
        (b"\n\n", "is empty"),
        (b"abc\x00def", "is not a text file"),
        (b"\xff\xfe\x00p\x00w", "is not a text file"),
        (bytes(range(256)), "is not a text file"),
        (b"x" * (SECRET_LIMIT + 1), "larger than 64 KiB"),
    ],
)
def test_a_secret_file_that_is_not_a_password_is_refused(tmp_path, content, expected):
    path = tmp_path / "password.txt"
    path.write_bytes(content)
    with pytest.raises(FileRefused, match=expected):
        read_secret_file(path, what="the password file")


# ---------------------------------------------------------------- showing paths


def test_a_non_utf8_name_is_shown_by_its_bytes(tmp_path):
    name = os.fsdecode(b"caf\xe9.bundle")  # Latin-1 é, as an old USB stick holds it
    shown = shown_path(tmp_path / name)
    assert shown.endswith("caf\\xe9.bundle")
    shown.encode("utf-8")  # strict: no surrogate left to crash a print
    assert shown_path(b"caf\xe9") == "caf\\xe9"
    assert shown_path("line\nbreak\x1b[31m") == "line\\x0abreak\\x1b[31m"
    assert shown_path("Æblegård 😀.xlsx") == "Æblegård 😀.xlsx"


def test_messages_about_a_non_utf8_name_can_be_printed(tmp_path):
    path = tmp_path / os.fsdecode(b"\xff\xfe.txt")
    with pytest.raises(FileRefused) as caught:
        read_input_file(path, what="the bundle", limit=10)
    str(caught.value).encode("utf-8")
    (tmp_path / "sub").mkdir()
    database = tmp_path / os.fsdecode(b"db-\xe6.sqlite")
    with pytest.raises(FileRefused) as caught:
        check_output_path(database, database=database, what=WHAT)
    str(caught.value).encode("utf-8")


names = st.lists(
    st.sampled_from(["..", ".", "sub", "study.sqlite", "x", "study.sqlite-wal"]),
    min_size=1,
    max_size=5,
)


@settings(max_examples=200, deadline=None)
@given(parts=names, suffix=st.sampled_from(["", "-wal", "-shm", "-journal"]))
def test_any_spelling_of_the_database_path_is_refused(tmp_path_factory, parts, suffix):
    """However the path is spelt (``.``, ``..``, a folder through a symlink), an output that
    resolves to the database or a journal of it is refused, and any other is not."""
    root = tmp_path_factory.mktemp("spell")
    (root / "sub").mkdir()
    (root / "x").symlink_to(root)  # a folder link back to the root
    database = root / "study.sqlite"
    database.write_bytes(b"")  # a database about to be made: only its name says so
    output = root.joinpath(*parts[:-1], parts[-1] + suffix)
    target = os.path.realpath(output)
    journal_or_self = {os.path.realpath(database) + s for s in ("", "-wal", "-shm", "-journal")}
    if target in journal_or_self:
        with pytest.raises(FileRefused):
            check_output_path(output, database=database, what=WHAT)
    elif os.path.isdir(output):
        with pytest.raises(FileRefused, match="folder"):
            check_output_path(output, database=database, what=WHAT)
    elif not os.path.lexists(output) and output.parent.is_dir():
        check_output_path(output, database=database, what=WHAT)  # a new name: allowed


@settings(max_examples=100, deadline=None)
@given(content=st.binary(max_size=200))
def test_a_secret_file_never_raises_anything_but_a_refusal(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("secret") / "password.txt"
    path.write_bytes(content)
    try:
        text = read_secret_file(path, what="the password file")
    except FileRefused as refusal:
        assert "\n" not in str(refusal)
    else:
        assert text and "\x00" not in text and not text.endswith(("\n", "\r"))


def test_nothing_is_left_behind(tmp_path, ours):
    before = sorted(p.name for p in tmp_path.iterdir())
    for output in (ours, tmp_path / "x.xlsx", tmp_path):
        with contextlib.suppress(FileRefused):
            check_output_path(output, database=ours, what=WHAT)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("chosen", ["/dev/zero", "/dev/urandom", "fifo", "folder"])
def test_a_guide_or_codebook_file_chosen_in_the_app_is_read_bounded(tmp_path, chosen):
    from interviewer.codebook import load_codebook
    from interviewer.errors import ResourceFileError
    from interviewer.guide import load_guide

    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "fifo")
    path = chosen if chosen.startswith("/") else str(tmp_path / chosen)
    for load in (load_guide, load_codebook):
        with pytest.raises(ResourceFileError, match="not an ordinary file|is a folder"):
            load(path)


# ---------------------------------------------------------------- the app's own files


def test_the_names_of_the_apps_files_are_the_ones_its_parts_use(tmp_path):
    from interviewer import paths
    from interviewer.exchange import signing
    from interviewer.files import partial_path
    from interviewer.storage.file_lock import lock_path

    db = tmp_path / "study.sqlite"
    lock, partial_prefix = paths.kept_beside(db)
    assert lock == lock_path(db)
    assert partial_path(db).name.startswith(partial_prefix)
    assert signing.key_file() in paths.app_files()[0]
    assert paths.backup_dir_for(db).parent in paths.app_files()[1]


def test_a_lock_or_partial_copy_beside_any_interviewer_database_is_refused(tmp_path, ours):
    other = tmp_path / "elsewhere" / "centre.sqlite"
    other.parent.mkdir()
    open_database(other).close()
    for named in (
        f"{ours}.lock",
        tmp_path / ".study.sqlite.partial",
        tmp_path / ".study.sqlite.partial-journal",
        f"{other}.lock",
        other.with_name(".centre.sqlite.partial-wal"),
    ):
        assert "the app keeps beside the database" in refused(named, database=ours)
        assert "the app keeps beside the database" in refused(named)
    not_ours = tmp_path / "notes.txt"
    check_output_path(f"{not_ours}.lock", database=ours, what=WHAT)  # no database of that name
    check_output_path(tmp_path / ".notes.txt.partial", database=ours, what=WHAT)


def test_a_hard_link_to_the_lock_is_refused(tmp_path, ours):
    from interviewer.storage.file_lock import lock_path, try_writer_lock

    try_writer_lock(ours).release()  # the lock file exists, as after any write
    os.link(lock_path(ours), tmp_path / "innocent.xlsx")
    assert "keeps beside the database" in refused(tmp_path / "innocent.xlsx", database=ours)


def test_the_apps_folders_and_files_are_refused_with_all_in_them(tmp_path, monkeypatch, ours):
    from interviewer import paths

    for variable in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(variable, str(tmp_path / variable.lower()))
    backups = paths.backup_dir_for(ours)
    for named in (
        backups / ".lock",
        backups / "kept" / "study-before-restore.sqlite",
        backups.parent / "another-12345678" / "x.sqlite",
        paths.log_file(),
        f"{paths.log_file()}.2",
    ):
        assert "which the app keeps for itself" in refused(named, database=ours, makes_folder=True)
        with pytest.raises(FileRefused):
            check_output_folder(named, database=ours, what=WHAT)
    for named in (
        paths.settings_file(),
        paths.device_id_file(),
        paths.data_dir() / "signing-key.pem",
    ):
        assert "a file the app keeps for itself" in refused(named, database=ours, makes_folder=True)
    check_output_path(
        paths.data_dir() / "my-export.xlsx", database=ours, what=WHAT, makes_folder=True
    )


@pytest.mark.parametrize(
    "name, kind", [("folder", "a folder"), ("fifo", "a named pipe"), ("/dev/zero", "a device")]
)
def test_the_app_and_every_reader_say_a_db_is_not_a_file_without_opening_it(tmp_path, name, kind):
    from interviewer.errors import NotOurDatabase
    from interviewer.storage.database import inspect_file
    from interviewer.ui.app import open_for_app

    db = tmp_path / name
    if name == "folder":
        db.mkdir()
    elif name == "fifo":
        os.mkfifo(db)  # opened to read, it would block for ever
    else:
        db = "/dev/zero"
    lock_before = os.path.lexists(f"{db}.lock")
    for opener in (inspect_file, open_for_app):
        with pytest.raises(NotOurDatabase) as caught:
            opener(db)
        assert str(caught.value) == f"{db}: this is not a database file: it is {kind}"
    assert os.path.lexists(f"{db}.lock") == lock_before
