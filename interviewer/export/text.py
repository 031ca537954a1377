"""Text as the file formats can hold it: characters XML cannot carry become a visible mark."""

import re

# The characters XML 1.0 (and so .docx and .xlsx) cannot hold: most C0 controls, lone
# surrogates and two non-characters. Tab, line feed and carriage return are kept.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MARKER = "\ufffd"  # the replacement character "�", visible wherever the text is read


def writable(text: str) -> str:
    """``text`` with every character the formats cannot hold replaced by MARKER."""
    return _UNWRITABLE.sub(MARKER, text)


# What a spreadsheet would run as a formula, or treat specially, when it starts a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)
