"""Every command that writes a file, and every file a command reads, at the edges: outputs that
would destroy a database or are not files, inputs that are devices, pipes, folders or binary.

The commands and their file options are read from build_parser(), so a new command with
``-o`` or a new input option is covered here, or fails the recipe test until it is.
Each case runs the real command in a subprocess, under a 1.5 GB address-space limit and a
timeout: a FIFO that blocks or /dev/zero read whole fails the test instead of hanging."""

import argparse
import os
import resource
import stat
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from interviewer import paths
from interviewer.cli import build_parser
from interviewer.exchange import signing
from interviewer.storage.file_lock import lock_path, try_writer_lock
from tests.helpers import database_content, file_digest

MEMORY_LIMIT = 1536 * 1024 * 1024  # far below what reading /dev/zero unbounded reaches
TIMEOUT = 120


def _bounded():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


_HOME = {}  # the user folders the commands see, set by the files fixture


@contextmanager
def app_environment():
    """This process sees the user folders the commands see (platformdirs reads them)."""
    saved = dict(os.environ)
    os.environ.update(_HOME)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run(*args) -> subprocess.CompletedProcess:
    """The command as a user runs it; output decoded strictly, as a strict terminal would
    (a non-UTF-8 name printed raw would crash it)."""
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *map(str, args)],
        capture_output=True,
        env={**os.environ, **_HOME, "PYTHONIOENCODING": "utf-8:strict"},
        timeout=TIMEOUT,
        preexec_fn=_bounded,
    )


def text(stream: bytes) -> str:
    return stream.decode("utf-8")  # strict: the output itself is valid UTF-8


# ---------------------------------------------------------------- the commands, from the parser


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """(command words, parser) for every command that runs (has no subcommands)."""
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        yield path, parser
        return
    for action in subparsers:
        for name, child in action.choices.items():
            yield from _leaves(child, (*path, name))


COMMANDS = dict(_leaves(build_parser()))


def _path_options(parser) -> list[argparse.Action]:
    return [a for a in parser._actions if a.type is Path and a.dest != "db"]


WRITERS = {
    words: next(a for a in _path_options(p) if "-o" in a.option_strings)
    for words, p in COMMANDS.items()
    if any("-o" in a.option_strings for a in _path_options(p))
}
INPUTS = [
    (words, action.option_strings[-1] if action.option_strings else action.dest)
    for words, p in COMMANDS.items()
    for action in _path_options(p)
    if "-o" not in action.option_strings
]


def test_the_parser_has_the_writers_and_inputs_this_file_knows():
    # the recipes below must grow with the commands; this fails first when one is missing
    assert set(WRITERS) == set(WRITER_ARGS), "add the new command's recipe to WRITER_ARGS"
    assert set(INPUTS) == set(INPUT_RECIPES), "add the new input's recipe to INPUT_RECIPES"


# ---------------------------------------------------------------- the files


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A demo database, another Interviewer database, a bundle, a key pair and secrets."""
    home = tmp_path_factory.mktemp("home")
    for variable in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        _HOME[variable] = str(home / variable.lower())
    root = tmp_path_factory.mktemp("edges")
    db, other = root / "study.sqlite", root / "other" / "centre.sqlite"
    other.parent.mkdir()
    for path in (db, other):
        result = run("demo", "--db", path, "--interviews", 3)  # a synthesis needs k = 3
        assert result.returncode == 0, result.stderr
    passphrase = root / "passphrase.txt"
    passphrase.write_text("a long enough passphrase\n")
    assert run("keys", "new", "-o", root / "keys", "--passphrase-file", passphrase).returncode == 0
    bundle = root / "good.bundle"
    assert run("export", "bundle", "--plain", "--db", other, "-o", bundle).returncode == 0
    folder = root / "a-folder"
    folder.mkdir()
    fifo = root / "a-fifo"
    os.mkfifo(fifo)  # nobody writes to it: opening it to read would block for ever
    binary = root / "binary.bin"
    binary.write_bytes(bytes(range(256)) * 16)
    odd_name = root / os.fsdecode(b"caf\xe9-\xff.bin")  # not UTF-8, as an old stick holds it
    odd_name.write_bytes(bytes(range(256)))
    huge = root / "huge.bin"
    with open(huge, "wb") as sparse:  # 3 GiB that take no disk: only a size check is safe
        sparse.truncate(3 * 1024**3)
    link_to_db = root / "link.out"
    link_to_db.symlink_to(db)
    with app_environment():
        backups = paths.backup_dir_for(db)
        app = {
            "backups": backups,
            "all backups": backups.parent,
            "backup": next(
                (p for p in backups.glob("*.sqlite") if p.is_file()), backups / "a.sqlite"
            ),
            "log": paths.log_file(),
            "settings": paths.settings_file(),
            "device id": paths.device_id_file(),
            "signing key": signing.key_file(),
        }
    for name in ("log", "settings", "device id"):  # as the app leaves them
        app[name].parent.mkdir(parents=True, exist_ok=True)
        app[name].write_text("kept by the app\n")
    return {
        "app": app,
        "root": root,
        "db": db,
        "other": other,
        "passphrase": passphrase,
        "public": root / "keys" / "study-public.pem",
        "private": root / "keys" / "study-private.pem",
        "bundle": bundle,
        "folder": folder,
        "fifo": fifo,
        "binary": binary,
        "odd_name": odd_name,
        "huge": huge,
        "link_to_db": link_to_db,
    }


def one_sentence(result: subprocess.CompletedProcess, command: tuple[str, ...]) -> str:
    err = text(result.stderr)
    assert result.returncode == 1, (command, err, text(result.stdout))
    assert "Traceback" not in err, err
    assert err.startswith(f"interviewer {command[0]}: "), err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    return err


# ---------------------------------------------------------------- outputs

# the rest of a working command line for each writer, given the files and the output
WRITER_ARGS = {
    ("backup",): lambda f, out: ["--db", f["db"], "-o", out],
    ("export", "docx"): lambda f, out: ["--db", f["db"], "-o", out],
    ("export", "xlsx"): lambda f, out: ["--db", f["db"], "-o", out],
    ("export", "bundle"): lambda f, out: ["--plain", "--db", f["db"], "-o", out],
    ("study", "export"): lambda f, out: ["--db", f["db"], "-o", out],
    ("keys", "new"): lambda f, out: ["-o", out, "--passphrase-file", f["passphrase"]],
}
# writers that make a missing folder on purpose (a backup, as the automatic ones do)
MAKE_THEIR_FOLDER = {("backup",), ("keys", "new")}

BAD_OUTPUTS = {
    "the database": lambda f: f["db"],
    "its -wal": lambda f: f"{f['db']}-wal",
    "its -shm": lambda f: f"{f['db']}-shm",
    "the database by ..": lambda f: f["folder"] / ".." / f["db"].name,
    "another Interviewer database": lambda f: f["other"],
    "a symlink to the database": lambda f: f["link_to_db"],
    "a folder": lambda f: f["folder"],
    "/dev/null": lambda f: "/dev/null",
    "/dev/full": lambda f: "/dev/full",
    "a FIFO": lambda f: f["fifo"],
    "a missing folder": lambda f: f["root"] / "no-such-folder" / "out.file",
    # the files the app keeps for itself (paths.kept_beside, paths.app_files)
    "its writer lock": lambda f: f"{f['db']}.lock",
    "its writer lock by ..": lambda f: f["folder"] / ".." / f"{f['db'].name}.lock",
    "another database's writer lock": lambda f: f"{f['other']}.lock",
    "a restore's partial copy": lambda f: f["db"].with_name(f".{f['db'].name}.partial"),
    "a restore's partial journal": lambda f: f["db"].with_name(f".{f['db'].name}.partial-wal"),
    "the backups folder's lock": lambda f: f["app"]["backups"] / ".lock",
    "a backup": lambda f: f["app"]["backup"],
    "a kept backup": lambda f: f["app"]["backups"] / "kept" / "before-restore.sqlite",
    "a partial backup": lambda f: f["app"]["backups"] / ".rolling.sqlite.partial",
    "another database's backups": lambda f: f["app"]["all backups"] / "other-0000" / "x.sqlite",
    "the app's log": lambda f: f["app"]["log"],
    "the app's rotated log": lambda f: f"{f['app']['log']}.1",
    "the app's settings": lambda f: f["app"]["settings"],
    "the device id": lambda f: f["app"]["device id"],
    "the signing key": lambda f: f["app"]["signing key"],
}


def _writer_cases():
    for words in sorted(WRITER_ARGS):
        folder_writer = WRITERS.get(words) is not None and WRITERS[words].metavar == "DIR"
        for name in BAD_OUTPUTS:
            if folder_writer and name == "a folder":
                continue  # a folder is what it writes into
            if words in MAKE_THEIR_FOLDER and name == "a missing folder":
                continue
            yield pytest.param(words, name, id=f"{' '.join(words)}-{name}")


def _file_state(path) -> tuple | None:
    """A file's identity and bytes (None when there is nothing at ``path``)."""
    if not os.path.lexists(path):
        return None
    found = os.lstat(path)
    content = Path(path).read_bytes() if stat.S_ISREG(found.st_mode) else None
    return found.st_ino, stat.S_IFMT(found.st_mode), content


def _device_state(path: str):
    found = os.stat(path)
    return found.st_ino, found.st_rdev, stat.S_IFMT(found.st_mode)


@pytest.mark.parametrize("words, name", list(_writer_cases()))
def test_no_output_can_destroy_the_database_or_a_device(files, words, name):
    output = BAD_OUTPUTS[name](files)
    before = {key: file_digest(files[key]) for key in ("db", "other")}
    devices = {dev: _device_state(dev) for dev in ("/dev/null", "/dev/full")}
    listing = sorted(os.listdir(files["root"]))
    output_before = _file_state(output)
    result = run(*words, *WRITER_ARGS[words](files, output))
    err = one_sentence(result, words)
    assert "Cannot write" in err, err
    assert _file_state(output) == output_before  # the lock, a backup, the log: as they were
    assert {key: file_digest(files[key]) for key in ("db", "other")} == before
    assert {dev: _device_state(dev) for dev in devices} == devices
    assert stat.S_ISFIFO(os.stat(files["fifo"]).st_mode)
    assert files["folder"].is_dir() and not list(files["folder"].iterdir())
    assert sorted(os.listdir(files["root"])) == listing  # no -wal, no partial file, nothing


def test_a_writer_that_makes_its_folder_writes_there(files, tmp_path):
    for words in sorted(MAKE_THEIR_FOLDER):
        out = tmp_path / "made" / "-".join(words) / "out"
        result = run(*words, *WRITER_ARGS[words](files, out))
        assert result.returncode == 0, text(result.stderr)
        assert out.exists()


@pytest.mark.parametrize("words", sorted(WRITER_ARGS))
def test_an_ordinary_file_is_overwritten_and_a_new_name_written(files, tmp_path, words):
    if WRITERS[words].metavar == "DIR":
        out = tmp_path / "keys"
    else:  # an export's file must carry its suffix (export/file_names.py), the rest any name
        out = tmp_path / {("export", "docx"): "old.docx", ("export", "xlsx"): "old.XLSX"}.get(
            words, "old.file"
        )
        out.write_bytes(b"an older export")
    result = run(*words, *WRITER_ARGS[words](files, out))
    assert result.returncode == 0, text(result.stderr)
    assert out.is_dir() or out.read_bytes() != b"an older export"


# ---------------------------------------------------------------- inputs

# for each (command, input option): the command line, given the files and the bad input
INPUT_RECIPES = {
    (("export", "bundle"), "--public-key"): lambda f, bad: [
        "--db", f["db"], "-o", f["root"] / "x.bundle", "--public-key", bad,
    ],
    (("export", "bundle"), "--password-file"): lambda f, bad: [
        "--db", f["db"], "-o", f["root"] / "x.bundle", "--password-file", bad,
    ],
    (("merge",), "bundles"): lambda f, bad: ["--db", f["db"], bad],
    (("merge",), "--private-key"): lambda f, bad: [
        "--db", f["db"], f["bundle"], "--private-key", bad, "--passphrase-file", f["passphrase"],
    ],
    (("merge",), "--passphrase-file"): lambda f, bad: [
        "--db", f["db"], f["bundle"], "--private-key", f["private"], "--passphrase-file", bad,
    ],
    (("merge",), "--password-file"): lambda f, bad: [
        "--db", f["db"], f["bundle"], "--password-file", bad,
    ],
    (("keys", "new"), "--passphrase-file"): lambda f, bad: [
        "-o", f["root"] / "new-keys", "--passphrase-file", bad,
    ],
    (("study", "export"), "--public-key"): lambda f, bad: [
        "--db", f["db"], "-o", f["root"] / "x.study", "--public-key", bad,
    ],
    (("study", "import"), "file"): lambda f, bad: ["--db", f["db"], bad],
    (("restore",), "backup"): lambda f, bad: ["--db", f["db"], bad],
    (("guide", "check"), "file"): lambda f, bad: [bad],
    (("study", "new"), "--guide"): lambda f, bad: [
        "--db", f["db"], "--name", "A study", "--guide", bad,
    ],
    (("study", "new"), "--codebook"): lambda f, bad: [
        "--db", f["db"], "--name", "A study", "--codebook", bad,
    ],
}  # fmt: skip

BAD_INPUTS = {
    "/dev/zero": lambda f: "/dev/zero",
    "/dev/urandom": lambda f: "/dev/urandom",
    "a folder": lambda f: f["folder"],
    "a FIFO": lambda f: f["fifo"],
    "a binary file": lambda f: f["binary"],
    "a non-UTF-8 name": lambda f: f["odd_name"],
    "a 3 GiB file": lambda f: f["huge"],
    "a missing file": lambda f: f["root"] / "nowhere.txt",
}


@pytest.mark.parametrize(
    "words, option, name",
    [
        pytest.param(words, option, name, id=f"{' '.join(words)} {option}-{name}")
        for words, option in sorted(INPUT_RECIPES)
        for name in BAD_INPUTS
    ],
)
def test_every_input_refuses_what_is_not_its_file_bounded(files, words, option, name):
    bad = BAD_INPUTS[name](files)
    before = database_content(files["db"])
    digest = file_digest(files["db"])
    listing = sorted(os.listdir(files["root"]))
    result = run(*words, *INPUT_RECIPES[(words, option)](files, bad))
    if (words, option) == (("merge",), "bundles"):
        # a merge reports each bundle on its own line and goes on with the next
        out = text(result.stdout)
        assert result.returncode == 1, out + text(result.stderr)
        assert "Traceback" not in text(result.stderr)
        assert ": refused: " in out and "1 refused" in out, out
    else:
        one_sentence(result, words)
    assert database_content(files["db"]) == before
    if words != ("merge",):
        assert file_digest(files["db"]) == digest
    assert sorted(os.listdir(files["root"])) == listing


@pytest.mark.parametrize("option", ["--password-file", "--passphrase-file"])
def test_a_binary_secret_file_is_refused_as_not_text(files, option):
    words = ("merge",) if option == "--password-file" else ("keys", "new")
    result = run(*words, *INPUT_RECIPES[(words, option)](files, files["binary"]))
    assert "is not a text file" in one_sentence(result, words)


def test_a_non_utf8_name_is_printed_by_its_bytes(files):
    result = run("study", "import", "--db", files["db"], files["odd_name"])
    err = one_sentence(result, ("study",))
    assert "caf\\xe9-\\xff.bin" in err
    merged = run("merge", "--db", files["db"], files["odd_name"])
    assert "caf\\xe9-\\xff.bin: refused" in text(merged.stdout)


def test_the_huge_file_stays_sparse_and_unread(files):
    # the 3 GiB file was refused by its size: it would not fit under the memory limit
    assert files["huge"].stat().st_size > MEMORY_LIMIT


def test_a_database_and_outputs_with_non_utf8_names_never_crash_a_print(tmp_path):
    db = tmp_path / os.fsdecode(b"kommune-\xe6.sqlite")  # Latin-1 æ
    odd = os.fsdecode(b"\xff")
    assert run("demo", "--db", db, "--interviews", 3).returncode == 0  # k = 3 for a synthesis
    bundle = tmp_path / f"{odd}.bundle"
    for command in (
        ["check", "--db", db],
        ["backups", "--db", db],
        ["conflicts", "--db", db],
        ["backup", "--db", db, "-o", tmp_path / f"{odd}.sqlite"],
        ["export", "xlsx", "--db", db, "-o", tmp_path / f"{odd}.xlsx"],
        ["export", "docx", "--db", db, "-o", tmp_path / f"{odd}.docx"],
        ["export", "bundle", "--plain", "--db", db, "-o", bundle],
        ["study", "export", "--db", db, "-o", tmp_path / f"{odd}.study"],
        ["merge", "--db", db, bundle],
        ["export", "xlsx", "--db", db, "-o", db],  # refused: the message names it too
    ):
        result = run(*command)
        out, err = text(result.stdout), text(result.stderr)
        assert "Traceback" not in err and "UnicodeEncodeError" not in err, (command, err)
        assert result.returncode in (0, 1) and out + err, command
    assert "kommune-\\xe6.sqlite: it is the database itself" in err  # the last: refused


def test_a_refused_export_onto_the_lock_leaves_the_second_writer_kept_out(tmp_path):
    # the finding's sequence: the app holds the file, an export is aimed at its lock file,
    # then a second writer tries; the lock must be the same file and still hold it off
    db = tmp_path / "app" / "a.sqlite"
    db.parent.mkdir()
    assert run("demo", "--db", db, "--interviews", 2).returncode == 0
    digest = file_digest(db)
    held = try_writer_lock(db)  # what the open app holds
    assert held is not None
    try:
        lock = lock_path(db)
        inode = os.stat(lock).st_ino
        for words in ("export", "xlsx"), ("export", "docx"):  # they read: no lock of their own
            result = run(*words, "--db", db, "-o", lock)
            assert "it is a file the app keeps beside the database" in one_sentence(result, words)
        assert os.stat(lock).st_ino == inode
        second = run("demo", "--db", db, "--interviews", 2, "--seed", 99)
        assert second.returncode == 1, text(second.stdout)
        assert "open in the Interviewer app" in text(second.stderr)
        assert file_digest(db) == digest
    finally:
        held.release()


# ---------------------------------------------------------------- --db that is not a file

# every command that works on a database, with the rest of a working command line
DB_COMMANDS = {
    ("demo",): lambda f: ["--interviews", 1],
    ("check",): lambda f: [],
    ("backup",): lambda f: ["-o", f["root"] / "never.sqlite"],
    ("backups",): lambda f: [],
    ("restore",): lambda f: [f["other"]],
    ("export", "docx"): lambda f: ["-o", f["root"] / "never.docx"],
    ("export", "xlsx"): lambda f: ["-o", f["root"] / "never.xlsx"],
    ("export", "bundle"): lambda f: ["--plain", "-o", f["root"] / "never.bundle"],
    ("merge",): lambda f: [f["bundle"]],
    ("conflicts",): lambda f: [],
    ("senders",): lambda f: [],
    ("study", "export"): lambda f: ["-o", f["root"] / "never.study"],
    ("study", "import"): lambda f: [f["root"] / "never.study"],
    ("study", "new"): lambda f: ["--name", "A study"],
}
NOT_DATABASE_FILES = {
    "/dev/zero": (lambda f: "/dev/zero", "a device"),
    "/dev/null": (lambda f: "/dev/null", "a device"),
    "a FIFO": (lambda f: f["fifo"], "a named pipe"),
    "a folder": (lambda f: f["folder"], "a folder"),
}


def test_every_command_with_a_database_is_in_the_db_recipes():
    # no database of their own: key pairs, and checking a guide file
    keys = {words for words in COMMANDS if words[0] in ("keys", "guide")}
    assert set(COMMANDS) - keys == set(DB_COMMANDS), "add the new command to DB_COMMANDS"


@pytest.mark.parametrize(
    "words, name",
    [
        pytest.param(words, name, id=f"{' '.join(words)}-{name}")
        for words in sorted(DB_COMMANDS)
        for name in NOT_DATABASE_FILES
    ],
)
def test_a_db_that_is_a_device_pipe_or_folder_is_said_so_in_one_sentence(files, words, name):
    where, kind = NOT_DATABASE_FILES[name]
    db = where(files)
    listing = sorted(os.listdir(files["root"]))
    lock_before = os.path.lexists(f"{db}.lock")  # /dev/zero.lock: another run's, as root
    result = run(*words, "--db", db, *DB_COMMANDS[words](files))
    err = one_sentence(result, words)
    assert err.endswith(f"{db}: this is not a database file: it is {kind}\n"), err
    assert sorted(os.listdir(files["root"])) == listing  # no lock file beside a FIFO or folder
    assert os.path.lexists(f"{db}.lock") == lock_before
    assert files["folder"].is_dir() and not list(files["folder"].iterdir())


def test_an_odd_database_name_is_shown_one_way_by_every_command(tmp_path):
    # a non-UTF-8 byte and a newline: the same \xNN escape from every command, never raw
    db = tmp_path / os.fsdecode(b"caf\xe9\nnext.sqlite")
    shown = "caf\\xe9\\x0anext.sqlite"
    assert run("demo", "--db", db, "--interviews", 2).returncode == 0
    backup = tmp_path / "copy.sqlite"
    assert run("backup", "--db", db, "-o", backup).returncode == 0
    outputs = []
    for command in (
        ["check", "--db", db],
        ["backups", "--db", db],
        ["demo", "--db", db, "--interviews", 2],  # refused: the same seed's interviews
        ["restore", "--db", db, backup],
        ["export", "xlsx", "--db", db, "-o", db],  # refused: the database itself
        ["check", "--db", tmp_path / os.fsdecode(b"\xff\nnone.sqlite")],  # no such file
    ):
        result = run(*command)
        out = text(result.stdout) + text(result.stderr)
        assert "Traceback" not in out, (command, out)
        outputs.append(out)
        assert "\\udc" not in out, (command, out)
        for line in out.splitlines():  # a newline of the name never starts a line
            assert not line.startswith("next.sqlite"), (command, out)
    for number, out in enumerate(outputs[:-1]):
        assert shown in out, (number, out)
    assert "\\xff\\x0anone.sqlite" in outputs[-1]
