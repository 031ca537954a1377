"""The study codebook: challenge themes, initiative categories and service areas, from TOML."""

from typing import Literal

from pydantic import Field, model_validator

from interviewer.data_files import (
    LocalizedLine,
    LocalizedText,
    RuleBroken,
    Strict,
    load_data_file,
)
from interviewer.guide import KEY_LIMIT, Identifier
from interviewer.i18n import tr
from interviewer.resources import default_codebook
from interviewer.storage.models import CodeKind

CODEBOOK_FORMAT = "interviewer-codebook"
CODEBOOK_FORMAT_VERSIONS = {1}
# Codes of one kind a codebook may hold: every list, filter and chart offers them all (the
# default codebook has at most 12 of a kind). Labels and descriptions: data_files' limits.
CODES_LIMIT = 500


class Code(Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=KEY_LIMIT)
    label: LocalizedLine
    description: LocalizedText


class Codebook(Strict):
    format: Literal["interviewer-codebook"]
    format_version: int
    id: Identifier
    version: Identifier
    challenge_themes: list[Code] = Field(min_length=1, max_length=CODES_LIMIT)
    initiative_categories: list[Code] = Field(min_length=1, max_length=CODES_LIMIT)
    service_areas: list[Code] = Field(min_length=1, max_length=CODES_LIMIT)

    @model_validator(mode="after")
    def unique_codes(self) -> "Codebook":
        for kind in CodeKind:
            seen: set[str] = set()
            for entry in self.codes(kind):
                if entry.code in seen:
                    raise RuleBroken(
                        tr(
                            "the code '{code}' is in '{field}' twice; codes in a list must "
                            "be unique",
                            code=entry.code,
                            field=f"{kind}s",
                        )
                    )
                seen.add(entry.code)
        return self

    def codes(self, kind: CodeKind) -> list[Code]:
        return {
            CodeKind.CHALLENGE_THEME: self.challenge_themes,
            CodeKind.INITIATIVE_CATEGORY: self.initiative_categories,
            CodeKind.SERVICE_AREA: self.service_areas,
        }[kind]


def load_codebook(source=None) -> Codebook:
    """Loads a codebook file (the default codebook when ``source`` is None)."""
    return load_data_file(
        source if source is not None else default_codebook(),
        Codebook,
        expected_format=CODEBOOK_FORMAT,
        versions=CODEBOOK_FORMAT_VERSIONS,
    )
