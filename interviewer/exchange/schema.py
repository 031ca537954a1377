"""The JSON Schema of bundle format 1, shipped as resources/schemas/bundle-1.schema.json.

`build_schema()` derives it from the tables, and a test checks the shipped file is what it
builds, so the published format and the code cannot drift apart. Bundles are validated
against the shipped file when they are read.
"""

import json
from functools import cache

import fastjsonschema

from interviewer.exchange.documents import ENCODING, PARTS
from interviewer.i18n import tr
from interviewer.resources import resource

SCHEMA_FILE = ("schemas", "bundle-1.schema.json")
# How many of each list one bundle may hold. Each is far beyond a real study and is what the
# app's writer keeps to (bundle.write_bundle refuses to write more, saying which), so a
# bundle beyond one was not written by the app and is refused by name before anything of it
# is stored: within the data size limit a list of tiny entries (a million 32-hex revisions
# in 3 MB) would otherwise become a million rows at the centre.
ANCESTRY_KEPT = 1000  # revisions an interview carries: its own and those before it
INTERVIEWS_PER_BUNDLE = 100_000
INTERVIEWERS_PER_BUNDLE = 10_000
CODES_PER_STUDY = 5_000  # codebook codes of every kind together
RECORDS_PER_KIND = 10_000  # records of one kind (answers, quotes, …) in one interview
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
            **{
                part: {
                    "type": "array",
                    "items": {"$ref": f"#/$defs/{part}"},
                    "maxItems": RECORDS_PER_KIND,
                }
                for part in PARTS
            },
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
            "codes": {"type": "array", "items": code, "maxItems": CODES_PER_STUDY},
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
                "maxItems": INTERVIEWERS_PER_BUNDLE,
            },
            "interviews": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "revision": REVISION,
                        "ancestry": {
                            "type": "array",
                            "items": REVISION,
                            "minItems": 1,
                            "maxItems": ANCESTRY_KEPT,
                        },
                        "document": document,
                    },
                    "required": ["revision", "ancestry", "document"],
                    "additionalProperties": False,
                },
                "maxItems": INTERVIEWS_PER_BUNDLE,
            },
        },
        "required": ["format", "format_version", "study", "interviewers", "interviews"],
        "additionalProperties": False,
        "$defs": records,
    }


def over_caps(data: dict) -> str | None:
    """Which list of a bundle's ``data`` (as the writer is about to write it) holds more
    than its cap above, in one sentence, or None. The writer refuses such a bundle, as
    every reader would."""
    interviews = data["interviews"]
    if len(interviews) > INTERVIEWS_PER_BUNDLE:
        return tr(
            "one bundle holds at most {limit} interviews; send those changed since a date",
            limit=INTERVIEWS_PER_BUNDLE,
        )
    if len(data["interviewers"]) > INTERVIEWERS_PER_BUNDLE:
        return tr("one bundle names at most {limit} interviewers", limit=INTERVIEWERS_PER_BUNDLE)
    if len(data["study"]["codes"]) > CODES_PER_STUDY:
        return tr("a study's codebook has at most {limit} codes", limit=CODES_PER_STUDY)
    for item in interviews:
        for part in PARTS:
            if len(item["document"][part]) > RECORDS_PER_KIND:
                return tr(
                    "the interview {id} has more than {limit} records of one kind ({kind}), "
                    "more than one bundle carries",
                    id=item["document"]["interview"]["id"],
                    limit=RECORDS_PER_KIND,
                    kind=part,
                )
    return None


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
