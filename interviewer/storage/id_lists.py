"""Matching a column against a list of ids of any length.

SQLite refuses a statement with more bound values than SQLITE_MAX_VARIABLE_NUMBER (32,766
by default since 3.32, 250,000 in Debian's build: https://www.sqlite.org/limits.html#max_variable_number),
so ``column.in_(ids)`` fails on a long enough list (a bundle's every record). Here the list is
one bound value, a JSON array that SQLite reads with ``json_each``, whatever its length.
"""

import json
import uuid
from collections.abc import Iterable

from sqlalchemy import ColumnElement, func, literal_column, select


def among(column, ids: Iterable[uuid.UUID]) -> ColumnElement[bool]:
    """``column IN (ids)`` for a UUID column (stored as 32 hex digits, as SQLModel's GUID
    stores it), with the ids bound as one JSON array."""
    values = json.dumps([value.hex for value in ids])
    return column.in_(select(literal_column("value")).select_from(func.json_each(values)))
