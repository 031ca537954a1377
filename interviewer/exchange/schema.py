"""The JSON Schema of bundle format 1, shipped as resources/schemas/bundle-1.schema.json.

`build_schema()` derives it from the tables, and a test checks the shipped file is what it
builds, so the published format and the code cannot drift apart. Bundles are validated
against the shipped file when they are read.
"""

import json
from functools import cache

import fastjsonschema

from interviewer.exchange.documents import ENCODING
from interviewer.resources import resource

SCHEMA_FILE = ("schemas", "bundle-1.schema.json")
UUID = {
    "type": "string",
    "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
}
REVISION = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
TIMESTAMP = {"type": "string", "format": "date-time", "minLength": 20}
NULLABLE_COLUMNS = {
    # columns that may be empty in a record; all others are required to hold a value
    "interview": {
        "interviewer_id",
        "respondent_name",
        "consent_date",
        "start_time",
        "end_time",
        "deleted_at",
    },
    "answers": {"notes_started_offset", "notes_started_at"},
    "ratings": {"value"},
    "challenges": {"rank", "theme_code", "deleted_at"},
    "initiatives": {"category_code", "start_date", "deleted_at"},
    "effects": {"metric", "baseline", "current", "unit", "period", "deleted_at"},
    "quotes": {
        "question_key",
        "theme_code",
        "challenge_id",
        "initiative_id",
        "offset_seconds",
        "captured_at",
        "deleted_at",
    },
}
PLAIN_TYPES = {"bool": "boolean", "int": "integer", "float": "number", "str": "string"}


def _record(part: str, python_types: dict[str, str]) -> dict:
    properties = {}
    for name, kind in ENCODING[part].items():
        if kind == "uuid":
            shape = UUID
        elif kind == "datetime":
            shape = TIMESTAMP
        elif kind == "date":
            shape = {"type": "string", "format": "date"}
        elif kind == "time":
            shape = {"type": "string", "pattern": "^[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?$"}
        else:
            shape = {"type": PLAIN_TYPES[python_types[name]]}
        if name in NULLABLE_COLUMNS[part]:
            shape = {"anyOf": [shape, {"type": "null"}]}
        properties[name] = shape
    return {
        "type": "object",
        "properties": properties,
        "required": sorted(properties),
        "additionalProperties": False,
    }


def build_schema() -> dict:
    from interviewer.exchange.documents import PARTS
    from interviewer.storage.models import Interview

    def python_types(model) -> dict[str, str]:
        found = {}
        for column in model.__table__.columns:
            try:
                found[column.name] = column.type.python_type.__name__
            except NotImplementedError:
                found[column.name] = "str"
        for name, value in found.items():  # enums are stored as their string values
            if value not in PLAIN_TYPES:
                found[name] = "str"
        return found

    records = {"interview": _record("interview", python_types(Interview))}
    for part, model in PARTS.items():
        records[part] = _record(part, python_types(model))
    document = {
        "type": "object",
        "properties": {
            "interview": {"$ref": "#/$defs/interview"},
            **{part: {"type": "array", "items": {"$ref": f"#/$defs/{part}"}} for part in PARTS},
        },
        "required": ["interview", *PARTS],
        "additionalProperties": False,
    }
    code = {
        "type": "object",
        "properties": {
            "kind": {"enum": ["challenge_theme", "initiative_category", "service_area"]},
            "code": {"type": "string", "minLength": 1},
            "position": {"type": "integer"},
            **{
                name: {"type": "string"}
                for name in ("label_en", "label_da", "description_en", "description_da")
            },
        },
        "required": [
            "kind",
            "code",
            "position",
            "label_en",
            "label_da",
            "description_en",
            "description_da",
        ],
        "additionalProperties": False,
    }
    study = {
        "type": "object",
        "properties": {
            "id": UUID,
            "name": {"type": "string"},
            **{
                name: {"type": "string", "minLength": 1}
                for name in (
                    "guide_id",
                    "guide_version",
                    "guide_toml",
                    "codebook_id",
                    "codebook_version",
                )
            },
            "codes": {"type": "array", "items": code},
        },
        "required": [
            "id",
            "name",
            "guide_id",
            "guide_version",
            "guide_toml",
            "codebook_id",
            "codebook_version",
            "codes",
        ],
        "additionalProperties": False,
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "interviewer-bundle-1",
        "title": "Interviewer bundle, format 1: data.json",
        "description": "The interviews of one bundle with every record, and the study they "
        "belong to. manifest.json beside it names the bundle and holds the "
        "SHA-256 of this file.",
        "type": "object",
        "properties": {
            "format": {"const": "interviewer-bundle-data"},
            "format_version": {"const": 1},
            "study": study,
            "interviewers": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"id": UUID, "name": {"type": "string"}},
                    "required": ["id", "name"],
                    "additionalProperties": False,
                },
            },
            "interviews": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "revision": REVISION,
                        "ancestry": {"type": "array", "items": REVISION, "minItems": 1},
                        "document": document,
                    },
                    "required": ["revision", "ancestry", "document"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["format", "format_version", "study", "interviewers", "interviews"],
        "additionalProperties": False,
        "$defs": records,
    }


@cache
def _compiled():
    # compiled once to Python code: checking a bundle takes milliseconds, not a tenth of a second
    return fastjsonschema.compile(json.loads(resource(*SCHEMA_FILE).read_text("utf-8")))


def schema_problem(data) -> str | None:
    """Where and how ``data`` breaks the shipped schema, or None when it follows it."""
    try:
        _compiled()(data)
    except fastjsonschema.JsonSchemaValueException as error:
        where = "/".join(error.path[1:]) or "(top)"
        return f"at {where}: {error.message.removeprefix(error.name).strip()}"
    return None
