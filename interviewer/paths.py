"""Where the app keeps its files: the default database, backups, logs and this device's id."""

import os
import socket
import uuid
from pathlib import Path

import platformdirs

APP_NAME = "Interviewer"
DB_ENV_VAR = "INTERVIEWER_DB"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def settings_file() -> Path:
    """The app's settings (Qt's INI format), written by interviewer.ui.settings."""
    return config_dir() / "settings.ini"


def log_file() -> Path:
    """The app's log; its rotated copies are ``interviewer.log.1`` … beside it."""
    return log_dir() / "interviewer.log"


def device_id_file() -> Path:
    return data_dir() / "device-id"


def default_db_path() -> Path:
    """The database used when no --db is given: $INTERVIEWER_DB, else the user's data folder."""
    from_env = os.environ.get(DB_ENV_VAR)
    return Path(from_env) if from_env else data_dir() / "interviews.sqlite"


def file_tag(db_path: Path) -> str:
    """A stable name for one database file, wherever it is opened from: the hex uuid5 of its
    resolved path's URI (32 characters)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, Path(db_path).resolve().as_uri()).hex


def backup_dir_for(db_path: Path) -> Path:
    """Automatic backups live beside the user's data, one folder per database file."""
    stem = short_stem(Path(db_path).resolve().stem)
    return data_dir() / "backups" / f"{stem}-{file_tag(db_path)[:8]}"


def device_label() -> str:
    """Names this machine in the records it creates: host name and a stable random id."""
    id_file = device_id_file()
    try:
        device_id = id_file.read_text("ascii").strip()
    except OSError:
        device_id = ""
    if not device_id:
        device_id = uuid.uuid4().hex[:12]
        try:
            id_file.parent.mkdir(parents=True, exist_ok=True)
            id_file.write_text(device_id, "ascii")
        except OSError:
            pass  # a read-only home still gets a label, just not a stable one
    return f"{socket.gethostname()}/{device_id}"


# The files the app keeps beside a database: its writer lock (storage/file_lock.py) and the
# partial copy a restore or a whole write makes (files.partial_path, with SQLite's journals).
LOCK_SUFFIX = ".lock"
PARTIAL_SUFFIX = ".partial"


def kept_beside(db_path: Path) -> tuple[Path, str]:
    """What the app keeps beside the database ``db_path`` (resolved): its lock file, and the
    name prefix (``.<name>.partial``) of the partial copies a restore leaves while it runs."""
    db_path = Path(db_path).resolve()
    return db_path.with_name(db_path.name + LOCK_SUFFIX), f".{db_path.name}{PARTIAL_SUFFIX}"


def app_files() -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """Every file and folder the app keeps for itself, whatever database is open:
    (files, folders). A folder counts with everything in it (the backups of every database,
    with their ``.lock``, ``kept/`` and partial copies; the log and its rotated copies).
    The signing key's name is exchange.signing.KEY_FILE_NAME (a test holds them equal:
    importing signing here would load the crypto library for every path check)."""
    files = (settings_file(), device_id_file(), data_dir() / "signing-key.pem")
    return files, (data_dir() / "backups", log_dir())


# a backup's name adds at most ~75 bytes to its stem (stamp, reason, .sqlite, .partial,
# -journal); file systems allow 255 bytes in a name (NAME_MAX)
STEM_BYTES = 120


def short_stem(stem: str, limit: int = STEM_BYTES) -> str:
    """``stem`` cut (at a character) to at most ``limit`` bytes of the file system's encoding,
    so the names made from it stay within NAME_MAX; the folder's tag keeps databases apart."""
    while len(os.fsencode(stem)) > limit:
        stem = stem[:-1]
    return stem
