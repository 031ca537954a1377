"""The text rules of the domain: one-line fields stay on one line, and a name that identifies
a person or a place has one form (trimmed, single-spaced, Unicode NFC), so the same name typed
and pasted is one person with one id, one place, one match in a filter.

Plain Python, no Qt: the services, the exchange and the filters all call these.
"""

import re
import unicodedata
import uuid
from collections.abc import Iterable

from interviewer.quick_entry import one_line
from interviewer.record_rules import (
    BIDI_CONTROLS,
    INVISIBLE_IN_A_LINE,
    NONCHARACTERS,
    NOT_IN_TEXT,
)

__all__ = [
    "clean_name",
    "clean_text",
    "interviewer_id",
    "match_listed",
    "one_line",
    "one_line_nfc",
    "search_text",
    "search_words",
    "shown_text",
]

# What the app drops from typed or pasted text before it stores it: exactly what the record's
# rule (record_rules.characters_problem) refuses, and lone surrogates (text_problem).
_SURROGATES = "\ud800-\udfff"
_NOT_KEPT = re.compile(NOT_IN_TEXT.pattern[:-1] + _SURROGATES + "]")
_NOT_KEPT_IN_A_LINE = re.compile(
    "[" + BIDI_CONTROLS + INVISIBLE_IN_A_LINE + NONCHARACTERS + _SURROGATES + "]"
)


def clean_text(text: str) -> str:
    """``text`` of several lines (notes, descriptions, quotes) as the app stores it: every
    control character but tab, line feed and carriage return dropped, and every
    noncharacter and lone surrogate. Nothing else changes; a second pass changes nothing."""
    return _NOT_KEPT.sub("", text)


def one_line_nfc(text: str) -> str:
    """``text`` as ``quick_entry.one_line`` keeps it (each line break and tab one space, other
    control characters dropped), without bidi controls (U+202A-U+202E, U+2066-U+2069),
    invisible characters (record_rules.INVISIBLE_IN_A_LINE: U+200B, U+FEFF, soft hyphen…),
    noncharacters and lone surrogates, in Unicode NFC; what a one-line field stores. Nothing
    else changes (no trimming: the text may be mid-typing)."""
    return unicodedata.normalize("NFC", _NOT_KEPT_IN_A_LINE.sub("", one_line(text)))


def clean_name(name: str) -> str:
    """A name as it identifies someone or somewhere: one line (``one_line_nfc``: no control
    or bidi character), trimmed, every run of white space (line breaks included) one space.
    "  Åse\\nKjærgård " and its decomposed form both give "Åse Kjærgård"."""
    return " ".join(one_line_nfc(name).split())


# What ``shown_text`` escapes: every character the record's rules refuse anywhere, and the
# ones a line of a listing must not hold (line breaks, tabs, bidi controls), and the other
# invisible format characters a terminal may act on or hide.
_SHOWN_ESCAPED = re.compile(
    "[" + NOT_IN_TEXT.pattern[1:-1] + "\t\n\r\u2028\u2029\u200b-\u200f\u061c\ufeff"
    + BIDI_CONTROLS + INVISIBLE_IN_A_LINE + _SURROGATES + "]"
)  # fmt: skip
_SHOWN_ESCAPED_IN_LINES = re.compile(
    "[" + NOT_IN_TEXT.pattern[1:-1] + "\r\u2028\u2029\u200b-\u200f\u061c\ufeff"
    + BIDI_CONTROLS + _SURROGATES + "]"
)  # fmt: skip


def _escape(found: re.Match) -> str:
    code = ord(found.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shown_text(text: object, *, lines: bool = False) -> str:
    """``text`` (from a bundle, a study file or the database) as the command line prints it:
    every control, bidi or other invisible format character, noncharacter and lone surrogate
    written as its escape (\\x1b, \\u202e), so the terminal is never driven by data and a
    line reads as what it holds. ``lines``: keep line feeds (CR LF as LF) and tabs, for a
    text of several lines shown whole. Anything not a str is shown as ``str()`` of it."""
    text = text if isinstance(text, str) else str(text)
    if lines:
        return _SHOWN_ESCAPED_IN_LINES.sub(_escape, text.replace("\r\n", "\n"))
    return _SHOWN_ESCAPED.sub(_escape, text)


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
