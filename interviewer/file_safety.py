"""Files named by the person using the app: which outputs may be written, and reading an input
whole but bounded. Every command and dialog that writes or reads a user-given path calls these,
so no typo can overwrite a database and no device or pipe can hang or flood a read."""

import os
import stat
from pathlib import Path

from interviewer.errors import DatabaseRefused, FileRefused, NotOurDatabase
from interviewer.i18n import tr
from interviewer.paths import LOCK_SUFFIX, PARTIAL_SUFFIX, app_files, kept_beside

# Sizes, in bytes, above which an input is refused before it is read (read_input_file).
# A password, passphrase or PEM key file is a few hundred bytes; 64 KiB leaves room for any
# editor's padding yet stops a wrong file (a photo, /dev/urandom) at once.
SECRET_LIMIT = 64 * 1024
# A study file holds one guide, one codebook, names and a public key: tens of KiB in practice.
STUDY_FILE_LIMIT = 8 * 1024 * 1024
# A guide or codebook TOML file: a few KiB; the same margin as a study file.
DATA_FILE_LIMIT = STUDY_FILE_LIMIT
# A bundle is read into memory whole (then decrypted and unzipped), so its size bounds the
# merge's memory. 10,000 interviews with long notes and quotes compress to well under 100 MiB;
# 256 MiB keeps a centre's largest bundle while bounding memory on a laptop. Issue 10 caps
# what a bundle unpacks to.
BUNDLE_LIMIT = 256 * 1024 * 1024

# The files SQLite keeps beside a database (WAL mode and rollback mode); writing over one of
# them corrupts the database as surely as writing over the database itself.
JOURNAL_SUFFIXES = ("-wal", "-shm", "-journal")

# The SQLite file header (https://www.sqlite.org/fileformat.html#the_database_header):
# 100 bytes; the "application ID" is the big-endian 32-bit integer at offset 68.
_HEADER_SIZE, _APPLICATION_ID_OFFSET = 100, 68
_READ_CHUNK = 1024 * 1024
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after the stat never blocks the open
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def shown_path(path) -> str:
    """``path`` (str, bytes or os.PathLike) as text that is always safe to print or show.

    A file name that is not valid UTF-8 arrives surrogate-escaped (PEP 383); its bytes are
    shown as ``\\xNN`` instead of crashing print() on a strict terminal or a Qt label.
    Control characters (a newline, ESC) are shown the same way, so a name cannot break a
    one-line message or drive the terminal."""
    raw = os.fsencode(path) if not isinstance(path, bytes) else path
    from interviewer.text_rules import shown_text  # one way of escaping what is printed

    return shown_text(raw.decode("utf-8", errors="backslashreplace"))


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return tr("a device")
    if stat.S_ISFIFO(mode):
        return tr("a named pipe")
    if stat.S_ISSOCK(mode):
        return tr("a socket")
    return tr("a special file")


def _size_text(size: int) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:g} {unit}"
    return f"{size} B"


def _same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file (a hard link, a bind mount, a symlink): by device and
    inode, following symlinks; False when either does not exist."""
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def is_interviewer_database(path: Path) -> bool:
    """Whether ``path`` (following symlinks) is a regular file with the SQLite header and this
    app's application id: one of our databases or backups. Reads at most 100 bytes and needs
    no SQLite connection; any file that cannot be read is not recognised (False)."""
    # imported here: storage.database may use shown_path, and a cycle at import would break
    from interviewer.storage.database import APPLICATION_ID, SQLITE_MAGIC

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return False
        header = os.read(descriptor, _HEADER_SIZE)
    except OSError:
        return False
    finally:
        os.close(descriptor)
    offset = _APPLICATION_ID_OFFSET
    return (
        len(header) == _HEADER_SIZE
        and header.startswith(SQLITE_MAGIC)
        and int.from_bytes(header[offset : offset + 4], "big") == APPLICATION_ID
    )


def _journal_of(path: Path) -> Path | None:
    """The database ``path`` would be the -wal/-shm/-journal of, by its name; else None."""
    for suffix in JOURNAL_SUFFIXES:
        base = path.name.removesuffix(suffix)
        if base != path.name and base not in ("", ".", ".."):
            return path.with_name(base)
    return None


def _refuse_output(what: str, path: Path, why: str) -> FileRefused:
    message = tr("Cannot write {what} to {path}: {why}", what=what, path=shown_path(path), why=why)
    return FileRefused(path, message, why)


def _refuse_database_names(output: Path, *, database: Path | None, what: str) -> None:
    """Raises FileRefused when ``output`` names ``database`` or one of its journals (by
    resolved path and by file identity), or the journal of an Interviewer database."""
    output = Path(output)
    resolved = output.resolve()
    if database is not None:
        database = Path(database)
        base = database.resolve()
        if resolved == base or _same_file(output, database):
            raise _refuse_output(what, output, tr("it is the database itself; choose another file"))
        for suffix in JOURNAL_SUFFIXES:
            journal = Path(f"{base}{suffix}")
            if resolved == journal or _same_file(output, journal):
                raise _refuse_output(
                    what,
                    output,
                    tr("it is the journal SQLite keeps beside the database; choose another file"),
                )
    for named in (output, resolved):
        beside = _journal_of(named)
        if beside is not None and is_interviewer_database(beside):
            raise _refuse_output(
                what,
                output,
                tr(
                    "it is the journal SQLite keeps beside the Interviewer database {database}; "
                    "choose another file",
                    database=shown_path(beside),
                ),
            )
    _refuse_app_files(output, resolved, database=database, what=what)


def _kept_for(named: Path) -> Path | None:
    """The database ``named`` would be the lock file or a restore's partial copy of, by its
    name (``a.sqlite.lock``, ``.a.sqlite.partial-journal``); else None."""
    name = named.name
    if name.endswith(LOCK_SUFFIX) and name.removesuffix(LOCK_SUFFIX) not in ("", ".", ".."):
        return named.with_name(name.removesuffix(LOCK_SUFFIX))
    base, found, _rest = name.partition(PARTIAL_SUFFIX)
    if found and base.startswith(".") and base[1:] not in ("", ".", ".."):
        return named.with_name(base[1:])
    return None


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _refuse_app_files(output: Path, resolved: Path, *, database: Path | None, what: str) -> None:
    """Raises FileRefused when ``output`` is a file the app keeps for itself (paths.app_files,
    paths.kept_beside): writing over the lock file lets a second writer in; over a backup,
    the log or the settings loses them."""
    beside = []
    if database is not None:
        lock, partial_prefix = kept_beside(database)
        if resolved == lock or _same_file(output, lock):
            beside.append(lock)
        elif resolved.parent == lock.parent and resolved.name.startswith(partial_prefix):
            beside.append(resolved)
    for named in (output, resolved):
        owner = _kept_for(named)
        if owner is not None and is_interviewer_database(owner):
            beside.append(named)
    if beside:
        raise _refuse_output(
            what,
            output,
            tr("it is a file the app keeps beside the database to guard it; choose another file"),
        )
    files, folders = app_files()
    for kept in files:
        if resolved == kept.resolve() or _same_file(output, kept):
            raise _refuse_output(
                what, output, tr("it is a file the app keeps for itself; choose another file")
            )
    for folder in folders:
        if _is_within(resolved, folder.resolve()):
            raise _refuse_output(
                what,
                output,
                tr(
                    "it is in the folder {folder}, which the app keeps for itself; "
                    "choose another folder",
                    folder=shown_path(folder),
                ),
            )


def check_output_path(
    output: Path, *, database: Path | None, what: str, makes_folder: bool = False
) -> None:
    """Raises FileRefused (its message one sentence for the person) unless ``output`` is a
    path a file may be written to whole, as interviewer.files.write_whole does: a new name in
    an existing folder, or an existing regular file that is not one of our databases.

    ``database`` is the database the command works on (None when there is none); ``what`` is
    the translated noun of what is written ("the export"), as it reads in the sentence.

    Refused, following symlinks and ``..`` (compared by resolved path and by file identity,
    so a hard link counts too): the database itself and its -wal/-shm/-journal; any existing
    file with SQLite's header and our application id (interviewer.storage.database
    APPLICATION_ID), and the journals beside one; anything that exists and is not a regular
    file (a folder, a device such as /dev/null or /dev/full, a named pipe, a socket); a path
    whose folder does not exist (unless ``makes_folder``: the writer makes it, as a backup
    does; then only a folder path running through a file is refused). Nothing is opened for
    writing, and nothing is changed."""
    output = Path(output)
    _refuse_database_names(output, database=database, what=what)
    try:
        mode = os.stat(output).st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None  # a new name (or a symlink to nothing: write_whole replaces the link)
    except OSError as error:  # a symlink loop, a folder that may not be searched, …
        raise _refuse_output(what, output, shown_path(error.strerror or str(error))) from None
    if mode is None:
        folder = output.parent
        if makes_folder:  # the nearest folder that exists must be a folder, not a file
            while not os.path.lexists(folder) and folder != folder.parent:
                folder = folder.parent
        if not folder.is_dir():
            raise _refuse_output(
                what,
                output,
                tr(
                    "the folder {folder} does not exist; create it first or choose another folder",
                    folder=shown_path(folder),
                ),
            )
        return
    if stat.S_ISDIR(mode):
        raise _refuse_output(what, output, tr("it is a folder; choose a file name in it"))
    if not stat.S_ISREG(mode):
        raise _refuse_output(
            what,
            output,
            tr(
                "it is not an ordinary file but {kind}; choose an ordinary file",
                kind=_kind(mode),
            ),
        )
    if is_interviewer_database(output):
        raise _refuse_output(
            what,
            output,
            tr("it is an Interviewer database, which is never overwritten; choose another file"),
        )


def check_output_folder(folder: Path, *, database: Path | None, what: str) -> None:
    """Raises FileRefused unless ``folder`` is an existing folder (following symlinks) or a
    new path (it is then made, with its parents) that is not the name of the database, of a
    journal of it or of any Interviewer database (a folder there would stop SQLite opening
    the database). Files written into it are checked by the writer (crypto.new_key_pair
    never overwrites one)."""
    folder = Path(folder)
    _refuse_database_names(folder, database=database, what=what)
    try:
        mode = os.stat(folder).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as error:
        raise _refuse_output(what, folder, shown_path(error.strerror or str(error))) from None
    if not stat.S_ISDIR(mode):
        raise _refuse_output(what, folder, tr("it is not a folder; choose a folder"))


def not_a_database_file(path: Path) -> str | None:
    """Why ``path`` (following symlinks) can never be a database file, in one clause for
    "<path>: …" ("this is not a database file: it is a folder"); None for a regular file or
    a path with nothing there yet. Only stat is used: a pipe or device is never opened."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # nothing there (or not reachable): the opener's own messages say why
    if stat.S_ISREG(mode):
        return None
    kind = tr("a folder") if stat.S_ISDIR(mode) else _kind(mode)
    return tr("this is not a database file: it is {kind}", kind=kind)


def check_database_path(path: Path) -> None:
    """Raises NotOurDatabase (one sentence) when ``path`` can never be a database file (see
    not_a_database_file), DatabaseRefused when the file has a second name (a hard link, see
    storage.location.second_name), which every opening refuses. Called where a database
    path first arrives (the command line, the app's open) before a lock file is made beside
    it, and by storage.database.inspect_file (so by every opening, reading ones too)."""
    not_a_file = not_a_database_file(path)
    if not_a_file is not None:
        raise NotOurDatabase(path, not_a_file)
    from interviewer.storage.location import second_name  # it imports this module

    other_name = second_name(path)  # a hard link: SQLite's locks would not see each other
    if other_name is not None:
        raise DatabaseRefused(path, other_name)


def _refuse_input(what: str, path: Path, why: str) -> FileRefused:
    message = tr("Cannot read {what}: {path} {why}", what=what, path=shown_path(path), why=why)
    return FileRefused(path, message, why)


def _check_readable_mode(mode: int, size: int, *, path: Path, what: str, limit: int) -> None:
    if stat.S_ISDIR(mode):
        raise _refuse_input(what, path, tr("is a folder, not a file"))
    if not stat.S_ISREG(mode):
        raise _refuse_input(what, path, tr("is not an ordinary file but {kind}", kind=_kind(mode)))
    if size > limit:
        raise _refuse_input(what, path, tr("is larger than {limit}", limit=_size_text(limit)))


def read_input_file(path: Path, *, what: str, limit: int) -> bytes:
    """The whole content of the regular file ``path`` (following symlinks), at most ``limit``
    bytes. ``what`` is the translated noun of what is read ("the bundle").

    Raises FileRefused (one sentence) for a path that does not exist, a folder, a device, a
    named pipe or a socket (all refused by stat before any open; the open is non-blocking, so
    a pipe swapped in meanwhile cannot hang it), a file larger than ``limit`` (by its size,
    and by reading: never more than ``limit`` + 1 bytes are read, so a file that grows or
    lies about its size, as /proc files do, is still bounded), and one that cannot be read
    (permission denied and the like)."""
    path = Path(path)
    try:
        found = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise _refuse_input(what, path, tr("does not exist")) from None
    except OSError as error:
        raise _refuse_input(what, path, f"({shown_path(error.strerror or str(error))})") from None
    _check_readable_mode(found.st_mode, found.st_size, path=path, what=what, limit=limit)
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        raise _refuse_input(what, path, f"({shown_path(error.strerror or str(error))})") from None
    with os.fdopen(descriptor, "rb", buffering=0) as file:
        opened = os.fstat(file.fileno())  # the file opened is the one checked
        _check_readable_mode(opened.st_mode, opened.st_size, path=path, what=what, limit=limit)
        content = bytearray()
        try:
            while len(content) <= limit:
                chunk = file.read(min(_READ_CHUNK, limit + 1 - len(content)))
                if not chunk:
                    break
                content += chunk
        except OSError as error:
            raise _refuse_input(
                what, path, f"({shown_path(error.strerror or str(error))})"
            ) from None
    if len(content) > limit:
        raise _refuse_input(what, path, tr("is larger than {limit}", limit=_size_text(limit)))
    return bytes(content)


def read_secret_file(path: Path, *, what: str) -> str:
    """A password or passphrase kept in a file: its text, without the line break(s) at its
    end and without a UTF-8 byte order mark at its start (Notepad writes one).

    Raises FileRefused as read_input_file does (limit SECRET_LIMIT), and for a file that is
    not text (a NUL byte, or not valid UTF-8: a key or a picture given by mistake) or holds
    nothing but line breaks."""
    content = read_input_file(path, what=what, limit=SECRET_LIMIT)
    try:
        if b"\x00" in content:
            raise UnicodeDecodeError("utf-8", content, 0, 1, "NUL byte")
        text = content.decode("utf-8").removeprefix("\ufeff").rstrip("\r\n")
    except UnicodeDecodeError:
        raise _refuse_input(what, Path(path), tr("is not a text file")) from None
    if not text:
        raise _refuse_input(what, Path(path), tr("is empty"))
    return text
