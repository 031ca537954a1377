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
    return data_dir() / "backups" / f"{Path(db_path).resolve().stem}-{file_tag(db_path)[:8]}"


def device_label() -> str:
    """Names this machine in the records it creates: host name and a stable random id."""
    id_file = data_dir() / "device-id"
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
