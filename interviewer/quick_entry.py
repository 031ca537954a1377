"""Quick entry: the inline syntax of the "new item" lines, parsed without Qt.

A new-item line is ``title #token``: the text before the last ``#`` that starts a word is the
title, the text after it names codes. Examples (English labels)::

    Budgets fight each other #3       challenge, theme 3 of the codebook's challenge themes
    Budgets fight each other #blame   challenge, the first theme whose label starts "blame"
    Joint team #2p                    initiative, category 2, status "planned"
    Joint team #2                     initiative, category 2, status "underway" (the default)
    Joint team #struct c              initiative, category by label, status "completed"

Codes are numbered 1..n in codebook order. Letters match the start of a label in the app's
language, case-insensitively and after Unicode NFC; the first match in codebook order wins.
A token that names no code raises ``UnknownCode`` (a ``ValueError``) whose ``reason`` is a
translated sentence for the line's hint; it never repeats the typed text.

API (every function is pure; labels come in as plain strings):

- ``one_line(text) -> str``: line breaks (\\r\\n, \\n, \\r, U+2028, U+2029, …) and tabs as single
  spaces, the other control characters dropped.
- ``split_line(line) -> (title, token | None)``
- ``match_code(token, entries, what) -> code``: ``entries`` are ``(code, label)`` pairs.
- ``letter_keys(labels) -> list[str]``: one distinct letter per label (first free letter of it).
- ``match_letter(token, choices, what) -> value``: ``choices`` are ``(value, label)`` pairs.
- ``parse_challenge(line, themes) -> ChallengeEntry``
- ``parse_initiative(line, categories, statuses) -> InitiativeEntry``
- ``code_token_at(text, cursor) -> (start, token) | None``: the ``#`` token being typed, for
  a completer.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from interviewer.i18n import tr

CODE_MARK = "#"

# Every character Python's str.splitlines() breaks at (CR LF counted once), and the tab.
_LINE_BREAKS = re.compile("\r\n|[\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# The other C0 and C1 control characters (Unicode category Cc): nothing a line shows.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
# A `#` at the start or after white space begins the code token; "No#1" stays in the title.
_TOKEN_START = re.compile(r"(?:^|(?<=\s))#")
_NUMBER_THEN_LETTERS = re.compile(r"^(\d+)\s*(\D.*)?$")


class UnknownCode(ValueError):  # noqa: N818 - reads as what happened
    """A ``#`` token that names no code. ``reason`` is translated, for the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ChallengeEntry:
    title: str
    theme_code: str | None = None


@dataclass(frozen=True)
class InitiativeEntry:
    title: str
    category_code: str | None = None
    status: Any = None  # the matched status value; None: the caller's default


def one_line(text: str) -> str:
    """``text`` as a field that holds one line keeps it: each line break (CR LF, LF, CR,
    U+2028/2029 and the other breaks ``str.splitlines`` knows) and each tab turned into one
    space, every other control character (C0, DEL, C1) dropped. A second pass changes
    nothing."""
    return _CONTROLS.sub("", _LINE_BREAKS.sub(" ", text))


def fold(text: str) -> str:
    """The form in which typed letters and labels are compared: NFC, case-folded, trimmed."""
    return unicodedata.normalize("NFC", text).casefold().strip()


def split_line(line: str) -> tuple[str, str | None]:
    """Splits a new-item line into ``(title, token)``. The token is the text after the last
    ``#`` that starts a word, trimmed (``""`` for a bare ``#``); ``None`` when there is no
    such ``#``. The title is trimmed, on one line."""
    line = one_line(line)
    starts = [match.start() for match in _TOKEN_START.finditer(line)]
    if not starts:
        return line.strip(), None
    start = starts[-1]
    return line[:start].strip(), line[start + 1 :].strip()


def match_code(token: str, entries: Sequence[tuple[str, str]], what: str = "code") -> str:
    """The code that ``token`` names among ``entries`` (``(code, label)`` in codebook order):
    a number 1..n, or the first letters of a label (first match wins).

    ``what`` is one of "theme", "category", "code" and only picks the wording of the reason.
    Raises ``UnknownCode`` when nothing matches."""
    wanted = fold(token)
    if wanted.isdigit():
        number = int(wanted)
        if 1 <= number <= len(entries):
            return entries[number - 1][0]
    elif wanted:
        for code, label in entries:
            if fold(label).startswith(wanted):
                return code
    raise UnknownCode(_unknown_reason(what, len(entries)))


def _unknown_reason(what: str, count: int) -> str:
    if what == "theme":
        return tr(
            "No theme has that number or starts with those letters. After # type a number "
            "from 1 to {count} or the first letters of a theme.",
            count=count,
        )
    if what == "category":
        return tr(
            "No category has that number or starts with those letters. After # type a "
            "number from 1 to {count} or the first letters of a category.",
            count=count,
        )
    return tr(
        "No code has that number or starts with those letters. After # type a number from "
        "1 to {count} or the first letters of a code.",
        count=count,
    )


def letter_keys(labels: Sequence[str]) -> list[str]:
    """One distinct letter per label, in order: its first letter not taken by an earlier
    label (then its next letters); "" when all of a label's letters are taken."""
    taken: set[str] = set()
    keys = []
    for label in labels:
        key = next((c for c in fold(label) if c.isalpha() and c not in taken), "")
        taken.add(key)
        keys.append(key)
    return keys


def match_letter(token: str, choices: Sequence[tuple[Any, str]], what: str = "status") -> Any:
    """The value whose letter (see ``letter_keys``) is ``token``, or else whose label starts
    with ``token``; ``choices`` are ``(value, label)`` pairs. Raises ``UnknownCode``."""
    wanted = fold(token)
    labels = [label for _, label in choices]
    if wanted:
        for (value, _), key in zip(choices, letter_keys(labels), strict=True):
            if key == wanted:
                return value
        for value, label in choices:
            if fold(label).startswith(wanted):
                return value
    listed = ", ".join(
        f"{key} = {label}" for key, label in zip(letter_keys(labels), labels, strict=True)
    )
    if what == "status":
        raise UnknownCode(tr("No status starts with that letter. Use {letters}.", letters=listed))
    raise UnknownCode(tr("Nothing starts with that letter. Use {letters}.", letters=listed))


def parse_challenge(line: str, themes: Sequence[tuple[str, str]]) -> ChallengeEntry:
    """``title #theme`` → a ``ChallengeEntry``; ``themes`` are ``(code, label)`` pairs.
    Raises ``UnknownCode`` for a token naming no theme (a bare ``#`` sets none)."""
    title, token = split_line(line)
    if not token:
        return ChallengeEntry(title)
    return ChallengeEntry(title, match_code(token, themes, "theme"))


def parse_initiative(
    line: str,
    categories: Sequence[tuple[str, str]],
    statuses: Sequence[tuple[Any, str]],
) -> InitiativeEntry:
    """``title #<category><status>`` → an ``InitiativeEntry``. The category is a number
    (``#2``), optionally followed by a status letter (``#2p``, ``#2 p``); or the first letters
    of a category's label, optionally followed by a space and a status letter
    (``#struct c``). Raises ``UnknownCode``."""
    title, token = split_line(line)
    if not token:
        return InitiativeEntry(title)
    numbered = _NUMBER_THEN_LETTERS.match(fold(token))
    if numbered:
        number, letters = numbered.groups()
        category = match_code(number, categories, "category")
        status = match_letter(letters, statuses) if letters and letters.strip() else None
        return InitiativeEntry(title, category, status)
    try:
        return InitiativeEntry(title, match_code(token, categories, "category"))
    except UnknownCode:
        words, _, last = token.rpartition(" ")
        if not words.strip():
            raise
    return InitiativeEntry(
        title, match_code(words, categories, "category"), match_letter(last, statuses)
    )


def code_token_at(text: str, cursor: int | None = None) -> tuple[int, str] | None:
    """The ``#`` token the cursor is in: ``(index just after the #, token text up to the
    cursor)``, or None when the cursor is not after a word-starting ``#``."""
    cursor = len(text) if cursor is None else cursor
    before = text[:cursor]
    starts = [match.start() for match in _TOKEN_START.finditer(before)]
    if not starts:
        return None
    return starts[-1] + 1, before[starts[-1] + 1 :]


# ------------------------------------------------------------------------- effects
# (appended by the effects part; the figures are read in the app's language)

from interviewer.figures import FigureError, parse_figure  # noqa: E402 - the effects section

# "before > now": either side may be left out ("50>" or ">7"); "→" reads like ">"
_FIGURE_ARROW = re.compile(r"\s*(?:>|→|->)\s*")
_KIND_THEN_FIGURE = re.compile(r"^([^\W\d_]*)\s*(.*)$")


@dataclass(frozen=True)
class EffectEntry:
    description: str
    kind: Any = None  # the matched kind value; None: the caller's default
    baseline: float | None = None
    current: float | None = None


def parse_effect(
    line: str, kinds: Sequence[tuple[Any, str]], lang: str | None = None
) -> EffectEntry:
    """``description #<kind> <before>><now>`` → an ``EffectEntry``; ``kinds`` are
    ``(value, label)`` pairs, matched by letter as ``match_letter`` does (English m/o/e/n).
    Examples: ``#m 50>7`` (measured, 50 before, 7 now), ``#o`` (observed), ``#m 1.250>900``
    (Danish), ``#m >7`` (only now), ``#m 7`` (one number is the value now), ``#50>7`` (a figure
    without a kind letter is measured, the first kind). Numbers are read in ``lang`` (default:
    the app's language). Raises ``UnknownCode`` for an unknown letter or a figure that is not
    a number; its reason never repeats the typed text."""
    description, token = split_line(line)
    if not token:
        return EffectEntry(description)
    letters, figure = _KIND_THEN_FIGURE.match(token).groups()
    kind = match_letter(letters, kinds, "kind") if letters else None
    baseline = current = None
    if figure.strip():
        before, arrow, now = _split_arrow(figure)
        try:
            baseline = parse_figure(before, lang) if arrow else None
            current = parse_figure(now, lang)
        except FigureError as error:
            raise UnknownCode(error.reason) from None
        if kind is None and (baseline is not None or current is not None):
            kind = kinds[0][0]
    return EffectEntry(description, kind, baseline, current)


def _split_arrow(figure: str) -> tuple[str, str, str]:
    """ "50>7" → ("50", ">", "7"); "7" → ("", "", "7")."""
    parts = _FIGURE_ARROW.split(figure.strip(), maxsplit=1)
    if len(parts) == 1:
        return "", "", parts[0]
    return parts[0], ">", parts[1]
