"""What a bundle's manifest.json may hold, and that it tells the truth about data.json.

``MANIFEST_FIELDS`` is the one list of the manifest's fields, each with the shape its value
must have; a new field (a signature, say) is one line there. ``manifest_problem`` holds a
manifest to it, ``data_problem`` holds it to the data it describes. Both return a reason in
the user's language that never repeats a value, or None.
"""

import re
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from interviewer.i18n import tr
from interviewer.record_rules import RECORD, timestamp_problem, value_problem


def _text(value) -> bool:
    return isinstance(value, str)


def _identifier(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _whole_number(value) -> bool:
    return type(value) is int and value >= 0  # bool is an int to Python: True is not 1


def _uuid(value) -> bool:
    """A UUID as the app writes it: lower case, with hyphens."""
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _timestamp(value) -> bool:
    """An ISO date and time with its offset from UTC, in the years the record allows."""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return False
    return moment is not None and timestamp_problem(moment) is None


def _sha256(value) -> bool:
    return isinstance(value, str) and re.fullmatch("[0-9a-f]{64}", value) is not None


def _one(expected):
    def check(value) -> bool:
        return type(value) is type(expected) and value == expected

    return check


class Field(NamedTuple):
    check: Callable[[object], bool]
    shape: str  # what the value must be, for the reason (see _shape)
    required: bool = True


# Every field a manifest may hold. The sender's fields are optional here: an unsigned bundle
# is refused, or held, by exchange/signing.py with its own reason.
MANIFEST_FIELDS: dict[str, Field] = {
    "format": Field(_one("interviewer-bundle"), "interviewer-bundle"),
    "format_version": Field(_one(1), "1"),
    "bundle_id": Field(_uuid, "uuid"),
    "created_at": Field(_timestamp, "timestamp"),
    "interviewer": Field(_text, "text"),
    "device": Field(_text, "text"),
    "study_id": Field(_uuid, "uuid"),
    "guide_id": Field(_identifier, "identifier"),
    "guide_version": Field(_identifier, "identifier"),
    "codebook_id": Field(_identifier, "identifier"),
    "codebook_version": Field(_identifier, "identifier"),
    "interviews": Field(_whole_number, "count"),
    "checksum": Field(_sha256, "sha256"),
    "sender_id": Field(_uuid, "uuid", required=False),
    "sender_key": Field(_identifier, "identifier", required=False),
    "signature": Field(_identifier, "identifier", required=False),
}
# the manifest's fields that repeat the study of data.json, by the name they have there
STUDY_FIELDS = {
    "study_id": "id",
    "guide_id": "guide_id",
    "guide_version": "guide_version",
    "codebook_id": "codebook_id",
    "codebook_version": "codebook_version",
}


def _shape(kind: str) -> str:
    shapes = {
        "uuid": tr("an id (a UUID)"),
        "timestamp": tr("a date and time with a time zone"),
        "text": tr("text"),
        "line": tr("one line of text without control or invisible characters"),
        "identifier": tr("text that is not blank"),
        "count": tr("a whole number"),
        "sha256": tr("a SHA-256 checksum"),
    }
    return shapes.get(kind, f"“{kind}”")


def manifest_problem(manifest: object) -> str | None:
    """Why ``manifest`` (the parsed manifest.json) is not one the app writes: not an
    object, a field missing, of the wrong type or shape, or one it does not know."""
    if not isinstance(manifest, dict):
        return tr("the manifest is not a JSON object")
    for name, field in MANIFEST_FIELDS.items():
        if name not in manifest:
            if field.required:
                return tr("the manifest has no “{field}”", field=name)
        elif not field.check(manifest[name]):
            return tr(
                "the manifest's “{field}” is not {shape}", field=name, shape=_shape(field.shape)
            )
    for name in ("interviewer", "device"):  # stored as merged_bundle's, shown on a line
        if value_problem(RECORD["merged_bundle"][name], manifest[name]):
            return tr("the manifest's “{field}” is not {shape}", field=name, shape=_shape("line"))
    unknown = sorted(set(manifest) - set(MANIFEST_FIELDS))
    if unknown:
        return tr("the manifest holds fields this app does not write ({count})", count=len(unknown))
    return None


def data_problem(manifest: dict, data: dict) -> str | None:
    """Where a checked manifest says something else than data.json (checked against its
    schema): another study, guide or codebook, or another number of interviews."""
    for name, study_name in STUDY_FIELDS.items():
        if manifest[name] != data["study"][study_name]:
            return tr("the manifest's “{field}” is not the one in the bundle's data", field=name)
    if manifest["interviews"] != len(data["interviews"]):
        return tr(
            "the manifest counts {claimed} interviews, but the bundle holds {count}",
            claimed=manifest["interviews"],
            count=len(data["interviews"]),
        )
    return None
