"""An interview as one JSON document: every record of it, keyed by UUID, in a canonical form.

The same document travels in bundles, is hashed into the interview's revision (same content,
same revision, on any machine), and is written back record by record when merged.
"""

import functools
import hashlib
import json
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Connection, Table, select
from sqlalchemy.sql.type_api import TypeEngine

from interviewer.i18n import tr
from interviewer.storage.id_lists import among
from interviewer.storage.models import (
    Answer,
    Challenge,
    Effect,
    Initiative,
    Interview,
    Quote,
    Rating,
    UTCDateTime,
)

# The parts of a document, each a table of records belonging to the interview.
PARTS: dict[str, type] = {
    "answers": Answer,
    "ratings": Rating,
    "challenges": Challenge,
    "initiatives": Initiative,
    "effects": Effect,
    "quotes": Quote,
}
# Fields that describe a copy of the interview, not its content.
LOCAL_FIELDS = {"revision"}


def _kind(column_type: TypeEngine) -> str:
    if isinstance(column_type, UTCDateTime):
        return "datetime"
    python = column_type.python_type
    return {uuid.UUID: "uuid", date: "date", time: "time", datetime: "datetime"}.get(
        python, "plain"
    )


def _encoders(table: Table) -> dict[str, str]:
    return {
        column.name: _kind(column.type)
        for column in table.columns
        if column.name not in LOCAL_FIELDS
    }


ENCODING = {
    name: _encoders(model.__table__) for name, model in {"interview": Interview, **PARTS}.items()
}


def to_json(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "uuid":
        return str(value)
    if kind in ("date", "time", "datetime"):
        return value.isoformat()
    if hasattr(value, "value"):  # an enum
        return value.value
    return value


class Undecodable(ValueError):
    """A document's value that is not of its field's kind (year 0, 99:99, not a UUID);
    ``reason`` is the record's rule's phrase (record_rules), never the value."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


# The same id comes back many times in a merge (every child's interview_id; judged, then
# written): each text is parsed once. A UUID is immutable, so one object may be shared.
_uuid = functools.lru_cache(maxsize=1 << 16)(uuid.UUID)

_READERS = {
    "uuid": (_uuid, "is not a UUID"),
    "date": (date.fromisoformat, "is not a real date"),
    "time": (time.fromisoformat, "is not a real time"),
    "datetime": (datetime.fromisoformat, "is not a real timestamp"),
}


def from_json(value: Any, kind: str) -> Any:
    """``value`` as the app holds it; raises Undecodable (and nothing else) when it cannot be
    one of ``kind``. A value that decodes may still break the record's rules (a timestamp at
    year 9999, a naive one): record_rules judges that."""
    if value is None or kind not in _READERS:
        return value
    read, reason = _READERS[kind]
    try:
        if not isinstance(value, str):
            raise TypeError
        return read(value)
    except (ValueError, TypeError, OverflowError):
        raise Undecodable(tr(reason)) from None


def _python_types(model) -> dict[str, type]:
    found = {}
    for column in model.__table__.columns:
        try:
            kind = column.type.python_type
        except NotImplementedError:
            kind = str
        found[column.name] = kind if kind in (bool, int, float, str) else str  # enums: text
    return found


# plain field → the one JSON type the app writes it as (a float column's 12 is 12.0)
PLAIN_TYPES = {
    name: _python_types(model) for name, model in {"interview": Interview, **PARTS}.items()
}


def as_written(value: Any, part: str, name: str, decoded: Any = None) -> bool:
    """Whether ``value`` (of field ``name`` of a ``part`` record, as a document holds it) is
    exactly what the app writes there. The app writes a value
    as the database hands it back (``to_json`` of it: a timestamp in UTC, "+00:00", no
    empty fraction; a float column's figure as a float), so a document of values in any
    other form would be stored in the app's form, its revision no longer the content held.
    Call only for a value that decodes (``from_json``); ``decoded`` is that value decoded,
    when the caller has it already."""
    if value is None:
        return True
    kind = ENCODING[part][name]
    if kind == "plain":
        return type(value) is PLAIN_TYPES[part].get(name, str)
    if decoded is None:
        decoded = from_json(value, kind)
    if kind == "datetime" and decoded.tzinfo is not None:
        try:
            decoded = decoded.astimezone(UTC)  # as UTCDateTime stores and hands it back
        except OverflowError:  # beyond year 9999 in UTC: the record's rules refuse it
            return True
    return to_json(decoded, kind) == value


def _row_json(part: str, row) -> dict:
    return {name: to_json(getattr(row, name), kind) for name, kind in ENCODING[part].items()}


def interview_documents(connection: Connection, interview_ids) -> dict[uuid.UUID, dict]:
    """The documents of the given interviews (those that exist), read in one query a table."""
    ids = list(interview_ids)
    documents: dict[uuid.UUID, dict] = {}
    interviews = Interview.__table__
    for row in connection.execute(select(interviews).where(among(interviews.c.id, ids))):
        documents[row.id] = {
            "interview": _row_json("interview", row),
            **{part: [] for part in PARTS},
        }
    for part, model in PARTS.items():
        table = model.__table__
        rows = defaultdict(list)
        for row in connection.execute(select(table).where(among(table.c.interview_id, ids))):
            rows[row.interview_id].append(_row_json(part, row))
        for interview_id, records in rows.items():
            if interview_id in documents:
                documents[interview_id][part] = sorted(records, key=lambda r: r["id"])
    return documents


def content_hash(document: dict) -> str:
    """The revision id of a document: the same content gives the same id everywhere."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def last_change(document: dict) -> str:
    """When any record of the document was last changed (ISO time), to tell the newer."""
    stamps = [document["interview"]["updated_at"]]
    stamps += [record["updated_at"] for part in PARTS for record in document[part]]
    return max(stamps)


def record_ids(document: dict) -> list[tuple[str, uuid.UUID]]:
    """(record type, id) of every record in the document."""
    found = [("interview", _uuid(document["interview"]["id"]))]
    found += [(part, _uuid(record["id"])) for part in PARTS for record in document[part]]
    return found


def insert_documents(connection: Connection, documents: list[tuple[dict, str]]) -> None:
    """Inserts interviews new to this database, each with its revision, a table at a time."""
    if not documents:
        return
    interviews = []
    for document, revision in documents:
        interviews.append(_decoded("interview", document["interview"]) | {"revision": revision})
    connection.execute(Interview.__table__.insert(), interviews)
    for part in ("answers", "ratings", "challenges", "initiatives", "effects", "quotes"):
        rows = [_decoded(part, record) for document, _ in documents for record in document[part]]
        if rows:
            connection.execute(PARTS[part].__table__.insert(), rows)


def write_document(connection: Connection, document: dict) -> None:
    """Makes the database hold exactly this version of the interview: its records are
    inserted or replaced by UUID, and records of it that the document lacks are removed."""
    interview_id = uuid.UUID(document["interview"]["id"])
    interview_table = Interview.__table__
    values = _decoded("interview", document["interview"])
    exists = connection.execute(
        select(interview_table.c.id).where(interview_table.c.id == interview_id)
    ).first()
    if exists:
        connection.execute(
            interview_table.update().where(interview_table.c.id == interview_id).values(**values)
        )
    else:
        connection.execute(interview_table.insert().values(**values))
    # children go in parents-first order, and out children-first (foreign keys)
    for part in ("quotes", "effects", "challenges", "initiatives", "ratings", "answers"):
        table = PARTS[part].__table__
        keep = [uuid.UUID(record["id"]) for record in document[part]]
        connection.execute(
            table.delete().where(table.c.interview_id == interview_id, table.c.id.not_in(keep))
        )
    # ranks are unique within an interview: clear them before a reorder is written
    challenges = Challenge.__table__
    connection.execute(
        challenges.update().where(challenges.c.interview_id == interview_id).values(rank=None)
    )
    for part in ("answers", "ratings", "challenges", "initiatives", "effects", "quotes"):
        table = PARTS[part].__table__
        rows = [_decoded(part, record) for record in document[part]]
        if not rows:
            continue
        existing = {
            row[0]
            for row in connection.execute(
                select(table.c.id).where(table.c.interview_id == interview_id)
            )
        }
        fresh = [row for row in rows if row["id"] not in existing]
        if fresh:
            connection.execute(table.insert(), fresh)
        for row in rows:
            if row["id"] in existing:
                connection.execute(table.update().where(table.c.id == row["id"]).values(**row))


def _decoded(part: str, record: dict) -> dict:
    values = {}
    for name, kind in ENCODING[part].items():
        value = record.get(name)  # None and plain fields as they stand: skip a call
        values[name] = value if value is None or kind == "plain" else from_json(value, kind)
    return values
