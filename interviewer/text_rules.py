"""The text rules of the domain: one-line fields stay on one line, and a name that identifies
a person or a place has one form (trimmed, single-spaced, Unicode NFC), so the same name typed
and pasted is one person with one id, one place, one match in a filter.

Plain Python, no Qt: the services, the exchange and the filters all call these.
"""

import unicodedata
import uuid
from collections.abc import Iterable

from interviewer.quick_entry import one_line

__all__ = [
    "clean_name",
    "interviewer_id",
    "match_listed",
    "one_line",
    "one_line_nfc",
    "search_text",
    "search_words",
]


def one_line_nfc(text: str) -> str:
    """``text`` as ``quick_entry.one_line`` keeps it (each line break and tab one space, other
    control characters dropped), in Unicode NFC; what a one-line field stores. Nothing else
    changes (no trimming: the text may be mid-typing)."""
    return unicodedata.normalize("NFC", one_line(text))


def clean_name(name: str) -> str:
    """A name as it identifies someone or somewhere: NFC, trimmed, every run of white space
    (line breaks included) one space. "  Åse\\nKjærgård " and its decomposed form both give
    "Åse Kjærgård"."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def interviewer_id(study_id: uuid.UUID, name: str) -> uuid.UUID:
    """The id of a study's interviewer: the same on every machine for the same name, however
    it was typed (uuid5 of the study id and the clean name)."""
    return uuid.uuid5(study_id, clean_name(name))


def match_listed(text: str, listed: Iterable[str]) -> str:
    """``text`` as a clean name, replaced by the listed entry it equals ignoring case
    ("aarhus" → "Aarhus"); a name not in the list is kept as typed (clean)."""
    name = clean_name(text)
    folded = name.casefold()
    for entry in listed:
        if clean_name(entry).casefold() == folded:
            return clean_name(entry)
    return name


def search_text(text: str) -> str:
    """Text as a filter compares it: NFC and case-folded, so "ÅSE" finds a decomposed "åse"."""
    return unicodedata.normalize("NFC", text).casefold()


def search_words(text: str) -> list[str]:
    """The words typed into a filter, as ``search_text`` compares them."""
    return search_text(text).split()
