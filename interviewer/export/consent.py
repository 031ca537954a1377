"""The one reading of an interview's stored consent, for every export.

The app writes consent_given as the integer 1 (given) or 0 (not given). Another program may
have written anything: 'false', 'no', 2, 0.5, X'00'. SQLAlchemy reads each of those as True
(bool() of the stored value), so an export reading the model would say "consent given" for a
consent the database does not clearly hold. The rule here: consent is given only when the
stored value is exactly the integer 1; any other value, NULL included, is no consent.
"""

from sqlalchemy import and_, func
from sqlalchemy.sql.elements import ColumnElement


def consent_sql(column: str = "consent_given") -> str:
    """The rule as an SQLite expression on ``column`` (e.g. "i.consent_given"): 1 when the
    consent is given, else 0 (never NULL)."""
    return f"(typeof({column}) = 'integer' AND {column} = 1)"


def consent_recorded(column) -> ColumnElement[bool]:
    """The rule as an SQLAlchemy condition on ``column`` (e.g. Interview.consent_given)."""
    return and_(func.typeof(column) == "integer", column == 1)


def consent_value(value) -> bool:
    """The rule on a value as the sqlite3 module returns it (int, float, str, bytes, None)."""
    return type(value) is int and value == 1
