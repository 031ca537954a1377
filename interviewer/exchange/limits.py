"""The bounds of a bundle, checked before or while each part is read, so that no file,
however made, costs more than a bounded amount of memory and time or reaches the parser in a
shape it handles badly.

``read_entries`` opens the zip (exactly manifest.json and data.json, each within its size,
read in chunks); ``load_json`` reads a JSON text as I-JSON (RFC 7493) asks and a little
stricter: UTF-8, no name twice in an object, integers exact in any reader, finite numbers, no
lone surrogates, and within a depth and a string length. Both raise OutOfBounds, whose message
says which bound and never repeats what the file holds.
"""

import io
import json
import math
import re
import struct
import zipfile
from itertools import accumulate

from interviewer.errors import InterviewerError
from interviewer.figures import format_figure
from interviewer.i18n import tr
from interviewer.record_rules import LARGEST_COUNT, text_problem

# The zip's entries and the most each may unpack to, in bytes. A manifest is about 600 bytes
# (a signature adds a few hundred); 64 KiB leaves room for long names. data.json is what
# parsing turns into Python objects at about five times its size: the demo's interviews are
# 7 KiB each, so 128 MiB holds some 18,000 of them (a whole 10,000-interview study with long
# notes) while parsing stays under a gigabyte. A bundle's file may be larger (file_safety's
# BUNDLE_LIMIT, 256 MiB), but what it unpacks to is bounded here.
ENTRY_LIMITS = {"manifest.json": 64 * 1024, "data.json": 128 * 1024 * 1024}
# The zip's table of contents: two entries with short names take about 130 bytes. A larger one
# is refused before zipfile reads it, since zipfile keeps an object per entry it lists
# (a 256 MiB file could list millions).
CENTRAL_DIRECTORY_LIMIT = 4096
# The deepest a bundle the app writes nests is 6 levels (data, interviews, an interview,
# its document, a list of records, a record); 16 leaves room for a later format, and stays far
# below where a recursive parser runs out of stack (200,000 brackets would).
DEPTH_LIMIT = 16
# Any one text: the app itself does not cap what is typed or pasted, and a whole transcript of
# a 90-minute interview pasted into a note is about 100,000 characters; ten times that is
# still a text the interview window and the exports handle, and no person types it. A bundle
# whose text is longer (the 200 MB quote) was not written by a person with this app.
STRING_LIMIT = 1_000_000
# Integers: exact in every JSON reader (a double holds integers up to 2**53), the bound the
# record's own counts keep (record_rules.LARGEST_COUNT).
INTEGER_LIMIT = LARGEST_COUNT
# Chunks in which an entry is unpacked: the running total stops an entry at its limit, whatever
# its header declares.
CHUNK = 1024 * 1024

_END_RECORD = struct.Struct("<4s4H2LH")  # the zip's "end of central directory" record
_END_SIGNATURE, _ZIP64_LOCATOR = b"PK\x05\x06", b"PK\x06\x07"
_ZIP64_LOCATOR_SIZE = 20
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_DIGITS = b"0" * len(str(INTEGER_LIMIT))
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_KEEP_ONLY_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_DEPTH_STEP = [0] * 256
for _byte in b"[{":
    _DEPTH_STEP[_byte] = 1
for _byte in b"]}":
    _DEPTH_STEP[_byte] = -1


class OutOfBounds(InterviewerError):
    """A bundle (or its encrypted header) outside one of the bounds above; the message
    names the bound and holds nothing of the file's content."""


def _size(count: int) -> str:
    return format_figure(count)


# ------------------------------------------------------------------------ the zip


def read_entries(content: bytes) -> dict[str, bytes]:
    """The unpacked entries of a bundle's zip, {name: bytes}, exactly those of
    ENTRY_LIMITS. Raises OutOfBounds for another set of entries (one twice, one missing, one
    more) or an entry over its limit, and zipfile.BadZipFile (or what zipfile raises) for
    a file that is not a zip."""
    _check_end_record(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        infos = archive.infolist()
        names = sorted(info.filename for info in infos)
        if names != sorted(ENTRY_LIMITS):
            raise OutOfBounds(
                tr("the bundle must hold manifest.json and data.json, each once, and nothing else")
            )
        return {info.filename: _read_entry(archive, info) for info in infos}


def _check_end_record(content: bytes) -> None:
    """The zip ends with its end record and no comment, the table of contents it points to
    is small, and there is no zip64 record to point elsewhere: this is the record zipfile
    then uses, so what is checked here is what it reads."""
    end = content[-_END_RECORD.size :]
    if len(end) != _END_RECORD.size or not end.startswith(_END_SIGNATURE):
        raise zipfile.BadZipFile("no end record at the end")  # not a zip, or cut short
    _, disk, first_disk, on_disk, entries, directory_size, _, comment = _END_RECORD.unpack(end)
    locator = content[-_END_RECORD.size - _ZIP64_LOCATOR_SIZE : -_END_RECORD.size]
    if comment or disk or first_disk or locator.startswith(_ZIP64_LOCATOR):
        raise zipfile.BadZipFile("an end record this app does not write")
    if on_disk != len(ENTRY_LIMITS) or entries != len(ENTRY_LIMITS):
        raise OutOfBounds(
            tr("the bundle must hold manifest.json and data.json, each once, and nothing else")
        )
    if directory_size > CENTRAL_DIRECTORY_LIMIT:
        raise OutOfBounds(
            tr(
                "the bundle's table of contents is larger than {limit} bytes",
                limit=_size(CENTRAL_DIRECTORY_LIMIT),
            )
        )


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    limit = ENTRY_LIMITS[info.filename]
    too_large = OutOfBounds(
        tr(
            "{entry} unpacks to more than {limit} bytes",
            entry=info.filename,
            limit=_size(limit),
        )
    )
    if info.file_size > limit:
        raise too_large
    chunks, total = [], 0
    with archive.open(info) as stream:  # the declared size may lie: count what comes out
        while chunk := stream.read(CHUNK):
            total += len(chunk)
            if total > limit:
                raise too_large
            chunks.append(chunk)
    return b"".join(chunks)


# ------------------------------------------------------------------------ JSON


def load_json(raw: bytes, *, entry: str):
    """``raw`` (UTF-8 JSON text) as Python values, within the bounds above; ``entry`` names
    the file in messages. Raises OutOfBounds for text nested deeper than DEPTH_LIMIT, a
    string longer than STRING_LIMIT characters or holding a lone surrogate, an integer beyond
    ±INTEGER_LIMIT, a number that is not finite (NaN, Infinity, 1e999), an object naming a
    member twice; ValueError for text that is not UTF-8 JSON."""
    depth, numbers_to_check = _scan(raw)
    if depth > DEPTH_LIMIT:
        raise OutOfBounds(
            tr("{entry} nests deeper than {limit} levels", entry=entry, limit=DEPTH_LIMIT)
        )
    text = raw.decode("utf-8")  # strict: a UnicodeDecodeError is a ValueError

    def unique_members(pairs):
        members = dict(pairs)
        if len(members) != len(pairs):  # readers differ on which of the two they keep
            raise OutOfBounds(tr("{entry} names a member of an object twice", entry=entry))
        return members

    def integer(digits: str) -> int:
        if len(digits.lstrip("-")) > len(str(INTEGER_LIMIT)) or abs(int(digits)) > INTEGER_LIMIT:
            raise OutOfBounds(
                tr(
                    "{entry} holds an integer beyond ±{limit}",
                    entry=entry,
                    limit=_size(INTEGER_LIMIT),
                )
            )
        return int(digits)

    def number(digits: str) -> float:
        value = float(digits)
        if not math.isfinite(value):
            raise not_finite
        return value

    def constant(name: str):
        raise not_finite

    not_finite = OutOfBounds(tr("{entry} holds a number that is not finite", entry=entry))
    hooks = {"object_pairs_hook": unique_members}
    if numbers_to_check:  # hooks on every number would double the time a bundle takes
        hooks |= {"parse_int": integer, "parse_float": number, "parse_constant": constant}
    try:
        value = json.loads(text, **hooks)
    except RecursionError:  # not reached within DEPTH_LIMIT; kept so no input can crash
        raise OutOfBounds(
            tr("{entry} nests deeper than {limit} levels", entry=entry, limit=DEPTH_LIMIT)
        ) from None
    # no string is longer than the text, and a lone surrogate can only come from an escape
    if len(raw) > STRING_LIMIT or _SURROGATE_ESCAPE.search(raw):
        _check_strings(value, entry)
    return value


def payload_problem(payload: bytes) -> str | None:
    """Why a centre would refuse ``payload`` as a bundle's data.json by these bounds, or
    None. Asked before a bundle is written, so the sender hears it, not the centre."""
    limit = ENTRY_LIMITS["data.json"]
    if len(payload) > limit:
        return tr(
            "{entry} unpacks to more than {limit} bytes", entry="data.json", limit=_size(limit)
        )
    try:
        load_json(payload, entry="data.json")
    except OutOfBounds as refusal:
        return str(refusal)
    return None


def _scan(raw: bytes) -> tuple[int, bool]:
    """How deep the arrays and objects of JSON text ``raw`` nest, and whether a number
    outside its strings may be out of bounds (a long run of digits, an exponent, NaN or
    Infinity), found without parsing it: a chunk at a time, strings left out. Exact for
    valid JSON; for other text, some answer (the parser refuses that text anyway)."""
    if b"\\" in raw:  # an escaped quote is no string's end: drop every escape first
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    deepest = depth = 0
    numbers_to_check = False
    inside = False  # whether the chunk starts inside a string
    tail = b""
    for start in range(0, len(raw), CHUNK):
        pieces = raw[start : start + CHUNK].split(b'"')
        outside = b"".join(pieces[1 if inside else 0 :: 2])
        if len(pieces) % 2 == 0:  # an odd number of quotes in this chunk
            inside = not inside
        # with the end of the chunk before, so that a number cut by the chunk is seen whole
        numbers_to_check = numbers_to_check or _numbers_to_check(tail + outside)
        tail = (tail + outside)[-32:]
        brackets = outside.translate(None, _KEEP_ONLY_BRACKETS)
        if brackets:
            depths = list(accumulate(map(_DEPTH_STEP.__getitem__, brackets), initial=depth))
            deepest, depth = max(deepest, max(depths)), depths[-1]
            if deepest > DEPTH_LIMIT:
                break
    return deepest, numbers_to_check


def _numbers_to_check(outside: bytes) -> bool:
    """Whether JSON text outside its strings holds a number that may be out of bounds: an
    integer of as many digits as INTEGER_LIMIT or more, an exponent, NaN or (-)Infinity.
    Byte searches, not a regex: this runs on every bundle."""
    words = outside.replace(b"true", b"").replace(b"false", b"")  # JSON's words with an e
    return any(
        mark in words for mark in (b"e", b"E", b"N", b"I")
    ) or _LONG_DIGITS in words.translate(_DIGITS_AS_ZERO)


def _check_strings(value, entry: str) -> None:
    """Every string (member names too) within STRING_LIMIT and valid Unicode."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            if len(item) > STRING_LIMIT:
                raise OutOfBounds(
                    tr(
                        "{entry} holds a text longer than {limit} characters",
                        entry=entry,
                        limit=_size(STRING_LIMIT),
                    )
                )
            if not item.isascii() and text_problem(item) is not None:
                raise OutOfBounds(
                    tr("{entry} holds a character that is not valid Unicode", entry=entry)
                )
