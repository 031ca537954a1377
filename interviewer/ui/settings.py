"""Remembered settings: the user's preferences apart from window state, in one INI file.

The file lives in the user's config folder (platformdirs), looked up on each use, so tests
and several profiles never share it by accident.
"""

import json
import uuid
from pathlib import Path

import platformdirs
from PySide6.QtCore import QByteArray, QLocale, QSettings
from PySide6.QtWidgets import QWidget

from interviewer.i18n import LANGUAGES
from interviewer.paths import APP_NAME, file_tag

DEFAULT_FONT_SIZE = 11
FONT_SIZES = (10, 11, 12, 14, 16)


def settings_file() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.ini"


def _settings() -> QSettings:
    return QSettings(str(settings_file()), QSettings.Format.IniFormat)


def system_language() -> str:
    return "da" if QLocale.system().language() == QLocale.Language.Danish else "en"


class Preferences:
    """What the user chose: interviewer name, language, font size, last folders."""

    @property
    def interviewer_name(self) -> str:
        return str(_settings().value("preferences/interviewer_name", "") or "")

    @interviewer_name.setter
    def interviewer_name(self, name: str) -> None:
        _settings().setValue("preferences/interviewer_name", name.strip())

    @property
    def language(self) -> str:
        value = str(_settings().value("preferences/language", "") or "")
        return value if value in LANGUAGES else system_language()

    @language.setter
    def language(self, language: str) -> None:
        _settings().setValue("preferences/language", language)

    @property
    def font_size(self) -> int:
        try:
            size = int(_settings().value("preferences/font_size", DEFAULT_FONT_SIZE))
        except (TypeError, ValueError):
            size = DEFAULT_FONT_SIZE
        return size if 8 <= size <= 24 else DEFAULT_FONT_SIZE

    @font_size.setter
    def font_size(self, size: int) -> None:
        _settings().setValue("preferences/font_size", int(size))

    @property
    def warn_about_shared_location(self) -> bool:
        """Warn when the database is on a network drive or in a synced folder (default on)."""
        value = _settings().value("preferences/warn_about_shared_location", True)
        return str(value).lower() not in {"false", "0", "no"}

    @warn_about_shared_location.setter
    def warn_about_shared_location(self, warn: bool) -> None:
        _settings().setValue("preferences/warn_about_shared_location", bool(warn))

    def last_folder(self, purpose: str) -> str:
        return str(_settings().value(f"folders/{purpose}", str(Path.home())) or Path.home())

    def set_last_folder(self, purpose: str, folder: str) -> None:
        _settings().setValue(f"folders/{purpose}", folder)


def save_geometry(widget: QWidget, key: str) -> None:
    _settings().setValue(f"windows/{key}", widget.saveGeometry())


def restore_geometry(widget: QWidget, key: str) -> bool:
    value = _settings().value(f"windows/{key}")
    return isinstance(value, QByteArray) and widget.restoreGeometry(value)


# Interviews whose window is open: written when a window opens, cleared when it closes
# normally, so after a crash the app can offer to return to them.
def _open_key(db_path: Path) -> str:
    return "recovery/" + file_tag(db_path)


def open_interviews(db_path: Path) -> list[uuid.UUID]:
    value = _settings().value(_open_key(db_path), "") or ""
    ids = []
    for text in str(value).split(","):
        try:
            ids.append(uuid.UUID(text))
        except ValueError:
            continue
    return ids


def set_open_interviews(db_path: Path, ids: list[uuid.UUID]) -> None:
    settings = _settings()
    if ids:
        settings.setValue(_open_key(db_path), ",".join(str(i) for i in ids))
    else:
        settings.remove(_open_key(db_path))
    settings.sync()


# Where the interviewer was in an open interview (step, focused field, selected list rows),
# written as the focus moves and synced at once, since a hard kill loses unsynced settings.
def _place_key(db_path: Path, interview_id: uuid.UUID) -> str:
    return f"recovery_place/{file_tag(db_path)}_{interview_id.hex}"


def interview_place(db_path: Path, interview_id: uuid.UUID) -> dict | None:
    """The place last written for this interview: {"step": int, "field": str,
    "rows": [[int]]} (each list's current item as a path of rows),
    or None."""
    value = _settings().value(_place_key(db_path, interview_id), "") or ""
    try:
        place = json.loads(str(value))
    except ValueError:
        return None
    if not isinstance(place, dict) or not isinstance(place.get("step"), int):
        return None
    return place


def set_interview_place(db_path: Path, interview_id: uuid.UUID, place: dict | None) -> None:
    settings = _settings()
    if place is None:
        settings.remove(_place_key(db_path, interview_id))
    else:
        settings.setValue(_place_key(db_path, interview_id), json.dumps(place))
    settings.sync()
