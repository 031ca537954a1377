"""Reading the versioned TOML data files (guides, codebooks) with messages that name the field."""

import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from interviewer.errors import FileRefused, ResourceFileError
from interviewer.file_safety import DATA_FILE_LIMIT, read_input_file
from interviewer.i18n import tr
from interviewer.record_rules import characters_problem, text_problem

Model = TypeVar("Model", bound=BaseModel)

# The longest texts a guide or codebook may hold, in characters: a title or label shown on a
# line (LINE_LIMIT), a question's text or a code's description (TEXT_LIMIT). Far above any
# real guide's (the default's longest text is under 300), low enough that every layout and
# report stays usable whatever a study file or a bundle brings.
LINE_LIMIT = 200
TEXT_LIMIT = 2_000


def checked_text(value: str, *, limit: int, one_line: bool) -> str:
    """``value`` when it holds at most ``limit`` characters and only characters the record
    takes (record_rules: no control character, noncharacter or lone surrogate; on one line,
    no line break, tab or bidi control); else ValueError with the reason (never the text)."""
    if len(value) > limit:
        raise ValueError(f"must be at most {limit} characters long (it has {len(value)})")
    if problem := text_problem(value) or characters_problem(value, one_line=one_line):
        raise ValueError(problem)
    return value


class RuleBroken(ResourceFileError):
    """A rule across a file's fields is broken (two codes alike, keys that name one workbook
    column twice). Raised from a model validator as it is, not as pydantic's ValueError, so the
    refusal reads as one plain sentence; parse_data_text puts the file's name in front."""


class Strict(BaseModel):
    """A part of a data file: unknown fields are typos, so they are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(Strict):
    """A text in every language the app ships."""

    en: str
    da: str

    @field_validator("en", "da")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value

    def in_language(self, language: str) -> str:
        return self.da if language == "da" else self.en


class LocalizedLine(Localized):
    """A text of one line in every language (a title, a label): see ``checked_text``."""

    @field_validator("en", "da")
    @classmethod
    def one_line(cls, value: str) -> str:
        return checked_text(value, limit=LINE_LIMIT, one_line=True)


class LocalizedText(Localized):
    """A text of several lines in every language (a question, a description)."""

    @field_validator("en", "da")
    @classmethod
    def bounded(cls, value: str) -> str:
        return checked_text(value, limit=TEXT_LIMIT, one_line=False)


class LocalizedList(Strict):
    en: list[str]
    da: list[str]

    def in_language(self, language: str) -> list[str]:
        return self.da if language == "da" else self.en


def load_data_file(
    source, model: type[Model], *, expected_format: str, versions: set[int]
) -> Model:
    """Reads ``source`` (a path or a packaged resource) as a data file of ``model``."""
    name = str(source)
    return parse_data_text(
        read_data_text(source),
        model,
        name=name,
        expected_format=expected_format,
        versions=versions,
    )


def read_data_text(source) -> str:
    """The text of a data file (a str path a person chose, or a packaged resource), read
    bounded; raises ResourceFileError, one sentence naming the file, when it cannot be read."""
    name = str(source)
    try:
        return _read_text(source)
    except FileNotFoundError:
        raise ResourceFileError(f"{name}: the file does not exist") from None
    except UnicodeDecodeError:
        raise ResourceFileError(f"{name}: the file is not UTF-8 text") from None


def _read_text(source) -> str:
    """A file a person chose (a str path) read bounded and never from a device or pipe
    (file_safety.read_input_file, limit DATA_FILE_LIMIT); a packaged resource as it is."""
    if not isinstance(source, str):
        return source.read_text("utf-8")
    try:
        raw = read_input_file(Path(source), what=tr("the file"), limit=DATA_FILE_LIMIT)
    except FileRefused as refusal:
        raise ResourceFileError(f"{source}: {refusal.reason}") from None
    return raw.decode("utf-8")


def parse_data_text(
    text: str, model: type[Model], *, name: str, expected_format: str, versions: set[int]
) -> Model:
    """Parses TOML text into ``model``, or raises an error naming the file and the field."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ResourceFileError(f"{name}: not valid TOML ({error})") from None
    except RecursionError:  # tomllib recurses per nested array or table: 100,000 brackets
        raise ResourceFileError(f"{name}: not valid TOML (nested too deeply)") from None
    if raw.get("format") != expected_format:
        raise ResourceFileError(
            f"{name}: field 'format' must be {expected_format!r}, found {raw.get('format')!r}"
        )
    if type(raw.get("format_version")) is not int or raw["format_version"] not in versions:
        raise ResourceFileError(
            f"{name}: field 'format_version' is {raw.get('format_version')!r}; "
            f"this version of the app reads {sorted(versions)}"
        )
    try:
        return model.model_validate(raw)
    except RuleBroken as problem:
        raise ResourceFileError(f"{name}: {problem}") from None
    except ValidationError as error:
        problems = [
            f"field '{'.'.join(map(str, problem['loc'])) or '(top level)'}': {problem['msg']}"
            for problem in error.errors()[:3]
        ]
        raise ResourceFileError(f"{name}: " + "; ".join(problems)) from None
