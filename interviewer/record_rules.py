"""The rules every value of the interview record meets, in one copy: the services call them
before they write, `interviewer check` holds every stored row to them, and merging holds every
incoming record to them.

Plain Python, no Qt, no database. Two layers:

- ``value_problem(rule, value)`` judges a value as the app handles it (``uuid.UUID``, ``date``,
  ``time``, timezone-aware ``datetime``, ``str``, ``int``, ``float``, ``bool`` or None), as the
  services and a decoded bundle hold it;
- ``stored_problem(rule, raw)`` judges a value as SQLite hands it back with a ``bytes`` text
  factory (``bytes`` for TEXT and BLOB alike, with ``typeof()`` telling them apart), first
  decoding it the way the app reads it, then calling ``value_problem``.

``RECORD[table][column]`` is the ``FieldRule`` of each stored column, derived from the tables in
``storage/models.py`` (types, nullability, enums) plus the rules the types cannot say (text that
must not be blank or must stay on one line, number ranges, codebook kinds). Cross-record rules
(ranks, links inside one interview, codes of the study's codebook, one answer per question) are
stated here as data and small functions; `check` turns them into SQL, merge into lookups.

Every problem is a short phrase in the user's language (``tr``) that never repeats the value.
"""

import math
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from enum import StrEnum

from interviewer.i18n import tr

# The years a date or timestamp may fall in: any real meeting, initiative or edit, and far
# enough from year 1 and 9999 that moving a time to a time zone can never overflow.
YEARS = range(1900, 3000)
RATING_VALUES = range(1, 6)
# Counts, positions, seconds: SQLite's integers reach 2**63, but nothing we count comes close;
# a bound keeps exports and JSON (which loses precision above 2**53) exact.
LARGEST_COUNT = 2**53


class Kind(StrEnum):
    UUID = "uuid"
    TEXT = "text"
    CHOICE = "choice"  # text from a fixed list (an enum of models.py)
    DATE = "date"
    TIME = "time"
    TIMESTAMP = "timestamp"
    INTEGER = "integer"
    NUMBER = "number"  # a finite float
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class FieldRule:
    """What one column's value must be. ``choices`` for a CHOICE; ``minimum``/``maximum``
    bound an INTEGER; ``code_kind`` names the codebook kind (models.CodeKind value) the text
    must be a code of, in the record's own study (a cross-record rule: see ``CODE_FIELDS``)."""

    kind: Kind
    nullable: bool = False
    not_blank: bool = False
    one_line: bool = False
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    code_kind: str | None = None


# ------------------------------------------------------------------------- single values


def text_problem(value: str) -> str | None:
    """Text that cannot be written as UTF-8 (a lone surrogate, half an emoji) breaks every
    export and the database's own encoding."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return tr("holds a character that is not valid Unicode")
    return None


# Characters no stored text holds: the C0 controls but tab, line feed and carriage return
# (CR LF ends the lines of a file saved on Windows, and older records hold it), DEL and the
# C1 controls (they drive a terminal; NUL ends a C string), and the noncharacters
# (U+FDD0-U+FDEF and the last two of every plane).
NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000)
)
NOT_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + NONCHARACTERS + "]")
# The bidi embeddings, overrides and isolates: in a line they reorder what follows them, so a
# name could be made to read as another's.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
# Invisible characters that do nothing in one line of text but can hide in a name, so that
# "Mette\u200b Sørensen" passes for another person: the soft hyphen, the Mongolian vowel
# separator, the zero-width space, the word joiner and invisible operators, the byte order
# mark. (The zero-width joiner and non-joiner and the variation selectors shape Persian,
# Indic scripts and emoji, so a line keeps them; signing.names_look_alike ignores them.)
INVISIBLE_IN_A_LINE = "\u00ad\u180e\u200b\u2060-\u2064\ufeff"
# What a one-line field does not hold either: no tab, line break, line or paragraph
# separator, no bidi control and no invisible character (INVISIBLE_IN_A_LINE).
NOT_IN_ONE_LINE = re.compile("[\t\n\r\u2028\u2029" + BIDI_CONTROLS + INVISIBLE_IN_A_LINE + "]")
_BIDI_CONTROL = re.compile("[" + BIDI_CONTROLS + "]")
_LINE_BREAK = re.compile("[\n\r\u2028\u2029]")


def characters_problem(value: str, *, one_line: bool = False) -> str | None:
    """Text holding a character no field holds (``NOT_IN_TEXT``), or, in a one-line field,
    a line break, a tab, a bidi control or an invisible character (``NOT_IN_ONE_LINE``);
    None when every character is one the field may hold. The services store text through
    text_rules' cleaning, which drops exactly these."""
    if one_line:
        if _LINE_BREAK.search(value):
            return tr("holds a line break in a one-line field")
        if NOT_IN_ONE_LINE.search(value):
            if "\t" in value:
                return tr("holds a control character")
            if _BIDI_CONTROL.search(value):
                return tr("holds a bidirectional control character in a one-line field")
            return tr("holds an invisible character in a one-line field")
    found = NOT_IN_TEXT.search(value)
    if found is None:
        return None
    if found.group() <= "\x9f":
        return tr("holds a control character")
    return tr("holds a Unicode noncharacter")


def date_problem(value: date) -> str | None:
    if value.year not in YEARS:
        return tr("is a date outside the years {first} to {last}", first=YEARS[0], last=YEARS[-1])
    return None


def timestamp_problem(value: datetime) -> str | None:
    if value.tzinfo is None or value.utcoffset() is None:
        return tr("is a timestamp without a time zone")
    return date_problem(value.date())


def number_problem(value: float | int) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return tr("is not a number")
    try:
        if not math.isfinite(value):  # "inf" and "nan" parse as floats but are no figures
            return tr("is not a finite number")
    except OverflowError:  # an int too large for a float
        return tr("is not a finite number")
    return None


def rating_problem(value: int | None, dont_know: bool) -> str | None:
    """A rating is 1-5, "don't know", or unanswered (None and not "don't know")."""
    if value is not None and (isinstance(value, bool) or value not in RATING_VALUES):
        return tr(
            "A rating is a whole number from {first} to {last}.",
            first=RATING_VALUES[0],
            last=RATING_VALUES[-1],
        )
    if dont_know and value is not None:
        return tr('A rating is either a number or "don\'t know", not both.')
    return None


def ranks_problems(ranks: Sequence[int], limit: int) -> list[str]:
    """What is wrong with the ranks of one interview's live challenges: they must be exactly
    1..n, and rank at most ``limit`` (the guide's ``max_challenges``)."""
    problems = []
    if len(ranks) > limit:
        problems.append(tr("rank more than {limit} challenges", limit=limit))
    if sorted(ranks) != list(range(1, len(ranks) + 1)):
        problems.append(tr("challenge ranks are not 1..n without gaps"))
    return problems


def value_problem(rule: FieldRule, value: object) -> str | None:
    """What is wrong with ``value`` for ``rule`` (a phrase that never repeats the value), or
    None when it is fine. Values are as the app holds them (see the module docstring)."""
    if value is None:
        return None if rule.nullable else tr("is empty where a value is required")
    kind = rule.kind
    if kind in (Kind.TEXT, Kind.CHOICE):
        if not isinstance(value, str):
            return tr("is not text")
        if problem := text_problem(value):
            return problem
        if kind == Kind.CHOICE and value not in rule.choices:
            return tr("is not one of: {choices}", choices=", ".join(rule.choices))
        if rule.not_blank and not value.strip():
            return tr("is blank where text is required")
        return characters_problem(value, one_line=rule.one_line)
    if kind == Kind.UUID:
        return None if isinstance(value, uuid.UUID) else tr("is not a UUID")
    if kind == Kind.TIMESTAMP:
        if not isinstance(value, datetime):
            return tr("is not a real timestamp")
        return timestamp_problem(value)
    if kind == Kind.DATE:
        if not isinstance(value, date) or isinstance(value, datetime):
            return tr("is not a real date")
        return date_problem(value)
    if kind == Kind.TIME:
        return None if isinstance(value, time) else tr("is not a real time")
    if kind == Kind.BOOLEAN:
        return None if isinstance(value, bool) else tr("is not yes or no")
    if kind == Kind.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            return tr("is not a whole number")
        low = -LARGEST_COUNT if rule.minimum is None else rule.minimum
        high = LARGEST_COUNT if rule.maximum is None else rule.maximum
        if not low <= value <= high:
            return tr("is outside {low} to {high}", low=low, high=high)
        return None
    return number_problem(value)


# ------------------------------------------------------------------------- stored values

# How SQLAlchemy writes each kind into SQLite (and reads it back), exactly.
STORED_UUID = re.compile(rb"[0-9a-f]{32}")
_STORED_DATE = re.compile(rb"(\d{4})-(\d{2})-(\d{2})")
_STORED_TIME = re.compile(rb"(\d{2}):(\d{2}):(\d{2})(?:\.(\d{6}))?")
_STORED_TIMESTAMP = re.compile(rb"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{6}))?")
# typeof() values each kind may be stored as
_STORAGE = {
    Kind.UUID: {"text"},
    Kind.TEXT: {"text"},
    Kind.CHOICE: {"text"},
    Kind.DATE: {"text"},
    Kind.TIME: {"text"},
    Kind.TIMESTAMP: {"text"},
    Kind.INTEGER: {"integer"},
    Kind.BOOLEAN: {"integer"},
    Kind.NUMBER: {"integer", "real"},
}


class Unreadable(Exception):
    """A stored value the app could not read; ``reason`` says why (never the value)."""

    def __init__(self, reason: str):
        self.reason = reason


def _numbers(match: re.Match | None, reason: str) -> list[int]:
    if match is None:
        raise Unreadable(reason)
    return [int(part or 0) for part in match.groups()]


def stored_value(rule: FieldRule, raw: object, storage: str) -> object:
    """``raw`` (as SQLite returns it with a bytes text factory; ``storage`` its ``typeof()``)
    as the app reads it. Raises Unreadable with the reason when the app could not read it."""
    if storage == "null":
        return None
    if storage not in _STORAGE[rule.kind]:
        if storage == "blob":
            raise Unreadable(tr("holds bytes (a BLOB) where a value of its own type is meant"))
        raise Unreadable(
            tr("is stored as {storage}, not as {kind}", storage=storage, kind=rule.kind)
        )
    kind = rule.kind
    if kind in (Kind.INTEGER, Kind.NUMBER):
        return raw
    if kind == Kind.BOOLEAN:
        if raw not in (0, 1):
            raise Unreadable(tr("is not yes or no"))
        return bool(raw)
    assert isinstance(raw, bytes)
    try:
        text = raw.decode("utf-8")  # strict: refuses encoded surrogates too
    except UnicodeDecodeError:
        raise Unreadable(tr("holds text that is not valid UTF-8")) from None
    try:
        if kind == Kind.UUID:
            if not STORED_UUID.fullmatch(raw):
                raise Unreadable(tr("is not a UUID"))
            return uuid.UUID(text)
        if kind == Kind.DATE:
            return date(*_numbers(_STORED_DATE.fullmatch(raw), tr("is not a real date")))
        if kind == Kind.TIME:
            return time(*_numbers(_STORED_TIME.fullmatch(raw), tr("is not a real time")))
        if kind == Kind.TIMESTAMP:
            parts = _numbers(_STORED_TIMESTAMP.fullmatch(raw), tr("is not a real timestamp"))
            return datetime(*parts, tzinfo=UTC)  # stored as UTC without its zone
    except ValueError:  # 2024-02-30, 25:99
        reason = {Kind.DATE: tr("is not a real date"), Kind.TIME: tr("is not a real time")}
        raise Unreadable(reason.get(kind, tr("is not a real timestamp"))) from None
    return text


def stored_problem(rule: FieldRule, raw: object, storage: str) -> str | None:
    """What is wrong with a stored value (see ``stored_value``), or None."""
    try:
        value = stored_value(rule, raw, storage)
    except Unreadable as unreadable:
        return unreadable.reason
    return value_problem(rule, value)


# ------------------------------------------------------------------------- the record


def _derive() -> dict[str, dict[str, FieldRule]]:
    from sqlalchemy import Boolean, Date, Enum, Float, Integer, String, Time, Uuid
    from sqlmodel import AutoString, SQLModel

    import interviewer.storage.models  # noqa: F401 - registers the tables
    from interviewer.storage.models import UTCDateTime

    kinds = [
        (UTCDateTime, Kind.TIMESTAMP),
        (Uuid, Kind.UUID),
        (Enum, Kind.CHOICE),
        (Boolean, Kind.BOOLEAN),
        (Integer, Kind.INTEGER),
        (Float, Kind.NUMBER),
        (Date, Kind.DATE),
        (Time, Kind.TIME),
        (String, Kind.TEXT),
        (AutoString, Kind.TEXT),
    ]
    record: dict[str, dict[str, FieldRule]] = {}
    for table in SQLModel.metadata.sorted_tables:
        columns = {}
        for column in table.columns:
            kind = next(k for t, k in kinds if isinstance(column.type, t))
            choices = tuple(column.type.enums) if kind == Kind.CHOICE else ()
            columns[column.name] = FieldRule(kind, nullable=bool(column.nullable), choices=choices)
        record[table.name] = columns
    for table, column, changes in _MORE:
        record[table][column] = replace(record[table][column], **changes)
    return record


NOT_NEGATIVE = {"minimum": 0}
# What the column types cannot say. Blank text where the record needs words, one-line fields
# (every service stores these through one_line_nfc), ranges, codebook kinds.
_MORE: list[tuple[str, str, dict]] = [
    ("interview", "respondent_role", {"not_blank": True, "one_line": True}),
    ("interview", "service_area", {"not_blank": True, "code_kind": "service_area"}),
    ("interview", "municipality", {"not_blank": True, "one_line": True}),
    ("interview", "respondent_name", {"one_line": True}),
    ("interview", "location", {"one_line": True}),
    ("interview", "created_device", {"one_line": True}),
    ("study", "name", {"not_blank": True, "one_line": True}),
    ("interviewer", "name", {"not_blank": True, "one_line": True}),
    ("answer", "question_key", {"not_blank": True}),
    ("answer", "notes_started_offset", NOT_NEGATIVE),
    ("answer", "seconds_spent", NOT_NEGATIVE),
    ("rating", "value", {"minimum": RATING_VALUES[0], "maximum": RATING_VALUES[-1]}),
    ("challenge", "rank", {"minimum": 1}),
    ("challenge", "title", {"not_blank": True, "one_line": True}),
    ("challenge", "theme_code", {"code_kind": "challenge_theme"}),
    ("initiative", "position", NOT_NEGATIVE),
    ("initiative", "title", {"not_blank": True, "one_line": True}),
    ("initiative", "category_code", {"code_kind": "initiative_category"}),
    ("effect", "position", NOT_NEGATIVE),
    ("effect", "metric", {"one_line": True}),
    ("effect", "unit", {"one_line": True}),
    ("effect", "period", {"one_line": True}),
    ("quote", "text", {"not_blank": True}),
    ("quote", "speaker_role", {"not_blank": True, "one_line": True}),
    ("quote", "theme_code", {"code_kind": "challenge_theme"}),
    ("quote", "offset_seconds", NOT_NEGATIVE),
    ("codebook_entry", "code", {"not_blank": True}),
    ("codebook_entry", "label_en", {"one_line": True}),
    ("codebook_entry", "label_da", {"one_line": True}),
    ("codebook_entry", "position", NOT_NEGATIVE),
    ("merged_bundle", "added", NOT_NEGATIVE),
    ("merged_bundle", "updated", NOT_NEGATIVE),
    ("merged_bundle", "unchanged", NOT_NEGATIVE),
    ("merged_bundle", "conflicts", NOT_NEGATIVE),
    # who sent a bundle and from where: shown on a line of the lists at the centre
    ("merged_bundle", "interviewer", {"one_line": True}),
    ("merged_bundle", "device", {"one_line": True}),
    ("provenance", "interviewer", {"one_line": True}),
    ("provenance", "device", {"one_line": True}),
    ("sender_key", "interviewer_name", {"one_line": True}),
    ("sender_key", "decided_by", {"one_line": True}),
    ("conflict", "resolved_by", {"one_line": True}),
]
# alembic_version is Alembic's: one text column
_ALEMBIC = {"alembic_version": {"version_num": FieldRule(Kind.TEXT, not_blank=True)}}

RECORD: dict[str, dict[str, FieldRule]] = {**_derive(), **_ALEMBIC}

# Cross-record rules, as data.
# (table, column): the codebook kind its value must be a code of, in the record's study
CODE_FIELDS: dict[tuple[str, str], str] = {
    (table, column): rule.code_kind
    for table, columns in RECORD.items()
    for column, rule in columns.items()
    if rule.code_kind
}
# (table, column, parent table): a link that must stay inside the record's own interview
SAME_INTERVIEW_LINKS: list[tuple[str, str, str]] = [
    ("effect", "initiative_id", "initiative"),
    ("quote", "challenge_id", "challenge"),
    ("quote", "initiative_id", "initiative"),
]
# the tables whose records belong to one interview (by interview_id)
CHILD_TABLES = ("answer", "rating", "challenge", "initiative", "effect", "quote")
# at most one record per these columns: one answer per question, one rating per scale
ONE_PER: list[tuple[str, tuple[str, ...]]] = [
    ("answer", ("interview_id", "question_key")),
    ("rating", ("interview_id", "question_key", "scale_key")),
    ("codebook_entry", ("study_id", "kind", "code")),
]


def single_line_fields(table: str) -> frozenset[str]:
    """The columns of ``table`` that hold one line."""
    return frozenset(name for name, rule in RECORD.get(table, {}).items() if rule.one_line)


def _rating_row(values: dict[str, object]) -> list[tuple[str, str]]:
    problem = rating_problem(values.get("value"), bool(values.get("dont_know")))
    return [("value", problem)] if problem else []


# Rules between the columns of one record: table → fn(values) → [(column, problem)], called
# once every column of the record is valid on its own.
ROW_RULES = {"rating": _rating_row}


_MULTI_LINE_ASCII = re.compile("[\t\n\r -~]*").fullmatch


def _surely_fine(rule: FieldRule):
    """fn(value) → True only for values ``value_problem(rule, value)`` surely accepts (the
    common case, judged without a call or a tr()); False means: ask ``value_problem``.
    Exact types only (a subclass goes the long way)."""
    nullable = rule.nullable
    kind = rule.kind
    if kind in (Kind.TEXT, Kind.CHOICE):
        choices = frozenset(rule.choices) if kind == Kind.CHOICE else None
        not_blank, one_line = rule.not_blank, rule.one_line

        def text(value) -> bool:
            if value is None:
                return nullable
            # printable ASCII (with tab, LF, CR where several lines may be) holds no surrogate,
            # control character or noncharacter: no encode, no search needed
            return (
                type(value) is str
                and value.isascii()
                and (value.isprintable() or (not one_line and _MULTI_LINE_ASCII(value)))
                and (choices is None or value in choices)
                and (not not_blank or bool(value.strip()))
            )

        return text
    if kind == Kind.UUID:
        return lambda value: type(value) is uuid.UUID or (value is None and nullable)
    if kind == Kind.TIMESTAMP:

        def timestamp(value) -> bool:
            if value is None:
                return nullable
            return (
                type(value) is datetime
                and value.tzinfo is not None
                and value.utcoffset() is not None
                and value.year in YEARS
            )

        return timestamp
    if kind == Kind.DATE:
        return lambda value: (
            (type(value) is date and value.year in YEARS) or (value is None and nullable)
        )
    if kind == Kind.TIME:
        return lambda value: type(value) is time or (value is None and nullable)
    if kind == Kind.BOOLEAN:
        return lambda value: type(value) is bool or (value is None and nullable)
    if kind == Kind.INTEGER:
        low = -LARGEST_COUNT if rule.minimum is None else rule.minimum
        high = LARGEST_COUNT if rule.maximum is None else rule.maximum
        return lambda value: (
            (type(value) is int and low <= value <= high) or (value is None and nullable)
        )
    return lambda value: (
        (type(value) is float and math.isfinite(value)) or (value is None and nullable)
    )


# table → [(column, rule, surely fine)], made once: record_problems runs for every record
_CHECKS: dict[str, list[tuple[str, FieldRule, object]]] = {
    table: [(column, rule, _surely_fine(rule)) for column, rule in columns.items()]
    for table, columns in RECORD.items()
}


def record_problems(table: str, values: dict[str, object]) -> list[tuple[str, str]]:
    """(column, problem) for every value of one record of ``table`` (app-side values, as a
    decoded bundle holds them) that breaks its column's rule, then the rules between its
    columns (``ROW_RULES``). A column of ``RECORD[table]`` missing from ``values`` counts as
    None; columns the table does not have are not judged here."""
    problems = []
    get = values.get
    for column, rule, fine in _CHECKS[table]:
        value = get(column)
        if fine(value):
            continue
        if problem := value_problem(rule, value):
            problems.append((column, problem))
    if not problems and table in ROW_RULES:
        problems.extend(ROW_RULES[table](values))
    return problems


def code_problem(code: str | None, kind: str, codes: Iterable[str]) -> str | None:
    """A code must be one of the study's codebook codes of its kind (None: no code chosen)."""
    if code is None or code in set(codes):
        return None
    return tr("is not a {kind} in the study's codebook", kind=kind.replace("_", " "))


# ------------------------------------------------------------------------- one interview whole


@dataclass(frozen=True)
class Problem:
    """One broken rule in one record: ``record_id`` None when the record has no valid id."""

    table: str
    record_id: uuid.UUID | None
    column: str
    reason: str

    def __str__(self) -> str:
        record = str(self.record_id) if self.record_id else "?"
        return tr(
            "{table} {record}, {column}: {reason}",
            table=self.table,
            record=record,
            column=self.column,
            reason=self.reason,
        )


def guide_problems(
    records: dict[str, list[dict[str, object]]], questions: dict[str, Iterable[str]]
) -> list[Problem]:
    """One interview's answers, ratings and quotes against its study guide's questions
    (``questions``: question key → the keys of its scales, none for a question without):
    one answer record for each question and one rating for each scale, as the services
    make them, and none for a question or scale the guide does not have; a quote answers
    one of the guide's questions or none."""
    problems: list[Problem] = []
    scales = {key: set(found) for key, found in questions.items()}
    [interview] = records.get("interview") or [{}]
    interview_id = interview.get("id") if isinstance(interview.get("id"), uuid.UUID) else None

    def rid(values) -> uuid.UUID | None:
        found = values.get("id")
        return found if isinstance(found, uuid.UUID) else None

    answered, rated = set(), set()
    for values in records.get("answer", []):
        key = values.get("question_key")
        answered.add(key)
        if key not in scales:
            reason = tr("is not a question of the study's guide")
            problems.append(Problem("answer", rid(values), "question_key", reason))
    for values in records.get("rating", []):
        key, scale = values.get("question_key"), values.get("scale_key")
        rated.add((key, scale))
        if scale not in scales.get(key, ()):
            reason = tr("is not a scale of a question in the study's guide")
            problems.append(Problem("rating", rid(values), "scale_key", reason))
    for values in records.get("quote", []):
        key = values.get("question_key")
        if key is not None and key not in scales:
            reason = tr("is not a question of the study's guide")
            problems.append(Problem("quote", rid(values), "question_key", reason))
    if set(scales) - answered:
        reason = tr("lacks an answer record for a question of the study's guide")
        problems.append(Problem("interview", interview_id, "answer", reason))
    if {(key, scale) for key, found in scales.items() for scale in found} - rated:
        reason = tr("lacks a rating record for a scale of the study's guide")
        problems.append(Problem("interview", interview_id, "rating", reason))
    return problems


def interview_problems(
    records: dict[str, list[dict[str, object]]],
    *,
    codes: dict[str, Iterable[str]],
    max_challenges: int,
    questions: dict[str, Iterable[str]] | None = None,
) -> list[Problem]:
    """Every rule one interview's records break, all rules of the record at once: for a
    bundle's document before it is merged (the same rules `check` applies to a file).

    ``records``: table name → its records as the app holds them (``"interview"`` → a list of
    one; ``"answer"``, ``"rating"``, ``"challenge"``, ``"initiative"``, ``"effect"``,
    ``"quote"``); ``codes``: codebook kind (CodeKind value) → the study's codes of that kind;
    ``max_challenges``: the study guide's limit. Checks each value, that every child record
    belongs to this interview, links stay inside it, ids are unique across all its records,
    one answer per question and one rating per scale, ranks 1..n of at most the limit, and
    codes from the codebook; with ``questions`` (see ``guide_problems``), also the answers
    and ratings against the guide's questions."""
    problems: list[Problem] = []
    [interview] = records.get("interview") or [{}]
    interview_id = interview.get("id")

    def record_id(values) -> uuid.UUID | None:
        found = values.get("id")
        return found if isinstance(found, uuid.UUID) else None

    seen_ids: set = set()
    for table in ("interview", *CHILD_TABLES):
        for values in records.get(table, []):
            rid = record_id(values)
            for column, reason in record_problems(table, values):
                problems.append(Problem(table, rid, column, reason))
            if rid is not None and rid in seen_ids:
                problems.append(Problem(table, rid, "id", tr("is the id of another record")))
            seen_ids.add(rid)
            if table != "interview" and values.get("interview_id") != interview_id:
                problems.append(
                    Problem(table, rid, "interview_id", tr("belongs to another interview"))
                )
    for (table, column), kind in CODE_FIELDS.items():
        known = set(codes.get(kind, ()))
        for values in records.get(table, []):
            code = values.get(column)
            if (
                isinstance(code, str)
                and code not in known  # the common case, without a call
                and (reason := code_problem(code, kind, known))
            ):
                problems.append(Problem(table, record_id(values), column, reason))
    for table, column, parent in SAME_INTERVIEW_LINKS:
        inside = {record_id(values) for values in records.get(parent, [])}
        for values in records.get(table, []):
            target = values.get(column)
            if target is not None and target not in inside:
                problems.append(
                    Problem(
                        table,
                        record_id(values),
                        column,
                        tr("points at a {parent} outside this interview", parent=parent),
                    )
                )
    for table, columns in ONE_PER:
        counted: dict[tuple, int] = {}
        for values in records.get(table, []):
            key = tuple(repr(values.get(c)) for c in columns)
            counted[key] = counted.get(key, 0) + 1
            if counted[key] == 2:
                problems.append(
                    Problem(
                        table,
                        record_id(values),
                        ", ".join(columns),
                        tr("is held by more than one record"),
                    )
                )
    ranks = []
    for values in records.get("challenge", []):
        live = values.get("deleted_at") is None
        rank = values.get("rank")
        if live != (rank is not None):
            problems.append(
                Problem(
                    "challenge",
                    record_id(values),
                    "rank",
                    tr("a removed challenge holds a rank, or a live one has none"),
                )
            )
        elif live and isinstance(rank, int):
            ranks.append(rank)
    for reason in ranks_problems(ranks, max_challenges):
        problems.append(Problem("interview", interview_id, "challenge.rank", reason))
    if questions is not None:
        problems.extend(guide_problems(records, questions))
    return problems
