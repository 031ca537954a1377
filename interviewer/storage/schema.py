"""The schema a database file should have, and how a file's schema differs from it.

The reference is what the migrations make: they are run once per process on a temporary file
and its tables, columns, indexes, triggers and views read back in a normalised form. `check`
reports every difference; opening a file for writing refuses one that holds objects the app
never makes (a trigger, a view, an extra table or index), cheaply, by name (``our_objects``,
which a test keeps equal to what the migrations make).
"""

import re
import sqlite3
import tempfile
from functools import cache
from pathlib import Path

from interviewer.errors import ForeignSchema
from interviewer.i18n import tr


@cache
def our_objects() -> frozenset[tuple[str, str]]:
    """(type, name) of every table and named index the app makes: those its tables declare
    (storage/models.py), which are what the migrations make (a test keeps the two equal),
    and Alembic's own table. SQLite's objects (sqlite_autoindex_…, sqlite_sequence,
    sqlite_stat…) are its business, not foreign."""
    from sqlmodel import SQLModel

    import interviewer.storage.models  # noqa: F401 - registers the tables

    tables = {*SQLModel.metadata.tables, "alembic_version"}
    indexes = {index.name for table in SQLModel.metadata.tables.values() for index in table.indexes}
    return frozenset({("table", name) for name in tables} | {("index", name) for name in indexes})


def _sqlite_own(name: str) -> bool:
    return name.startswith("sqlite_")


def _normal_sql(sql: str | None) -> str | None:
    # Whitespace and quoting of names vary with how an object was made; the meaning does not.
    if sql is None:
        return None
    return re.sub(r"\s+", " ", sql.replace('"', "")).strip().casefold()


def _text(value) -> str:
    """A name or SQL text read with a bytes text factory, never failing on bad bytes."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_schema(connection: sqlite3.Connection) -> dict[tuple[str, str], dict]:
    """(type, name) → its normalised description, for every object in sqlite_master but
    SQLite's own. Works with any text factory; raises sqlite3.Error on an unreadable file."""
    objects: dict[tuple[str, str], dict] = {}
    rows = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    for kind, name, table, sql in rows:
        kind, name, table, sql = _text(kind), _text(name), _text(table), _text(sql) or None
        if _sqlite_own(name):
            continue  # automatic indexes (described with their table), sqlite_sequence, stats
        described: dict = {"table": table, "sql": _normal_sql(sql)}
        if kind == "table":
            try:
                described.update(_table_shape(connection, name))
            except sqlite3.Error:  # a virtual table of a module this SQLite lacks, say
                described.update(columns=[], indexes=[])
        objects[(kind, name)] = described
    return objects


def _table_shape(connection: sqlite3.Connection, name: str) -> dict:
    """A table's columns (PRAGMA table_xinfo) and indexes (index_list, index_info)."""
    columns = [
        (_text(column[1]), _text(column[2]).upper(), column[3], _text(column[4]), column[5])
        for column in connection.execute(f"PRAGMA table_xinfo({_quoted(name)})")
    ]
    indexes = []
    for _seq, index, unique, origin, partial in connection.execute(
        f"PRAGMA index_list({_quoted(name)})"
    ):
        index = _text(index)
        parts = connection.execute(f"PRAGMA index_info({_quoted(index)})")
        indexes.append((index, unique, _text(origin), partial, tuple(_text(p[2]) for p in parts)))
    return {"columns": columns, "indexes": sorted(indexes)}


def reference_schema(revision: str | None = None) -> dict[tuple[str, str], dict]:
    """The schema the migrations make up to ``revision`` (default: the newest), built once
    per process on a temporary file."""
    from interviewer.storage.database import head_revision

    return _reference_schema(revision or head_revision())


@cache
def _reference_schema(revision: str) -> dict[tuple[str, str], dict]:
    from alembic import command
    from sqlalchemy import create_engine

    from interviewer.storage.database import alembic_config

    with tempfile.TemporaryDirectory(prefix="interviewer-schema-") as folder:
        path = Path(folder) / "reference.sqlite"
        engine = create_engine(f"sqlite:///{path}", hide_parameters=True)
        try:
            with engine.begin() as connection:
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        finally:
            engine.dispose()
        connection = sqlite3.connect(path)
        try:
            return read_schema(connection)
        finally:
            connection.close()


def _what(kind: str) -> str:
    return {
        "table": tr("table"),
        "index": tr("index"),
        "trigger": tr("trigger"),
        "view": tr("view"),
    }.get(kind, kind)


def schema_differences(
    found: dict[tuple[str, str], dict], expected: dict[tuple[str, str], dict]
) -> list[str]:
    """One sentence per difference between a file's schema and the reference: objects
    missing, foreign or changed; for tables, which columns."""
    problems = []
    for kind, name in sorted(expected.keys() - found.keys()):
        problems.append(tr("{what} {name}: missing", what=_what(kind), name=name))
    for kind, name in sorted(found.keys() - expected.keys()):
        problems.append(
            tr(
                "{what} {name} (on {table}): not made by Interviewer",
                what=_what(kind),
                name=name,
                table=found[(kind, name)]["table"],
            )
        )
    for key in sorted(found.keys() & expected.keys()):
        have, want = found[key], expected[key]
        if have == want:
            continue
        kind, name = key
        if kind == "table":
            have_columns = {column[0]: column for column in have["columns"]}
            want_columns = {column[0]: column for column in want["columns"]}
            for column in sorted(want_columns.keys() - have_columns.keys()):
                problems.append(
                    tr("table {name}: lacks the column {column}", name=name, column=column)
                )
            for column in sorted(have_columns.keys() - want_columns.keys()):
                problems.append(
                    tr(
                        "table {name}: has a column {column} that Interviewer does not make",
                        name=name,
                        column=column,
                    )
                )
            changed = [
                column
                for column in sorted(have_columns.keys() & want_columns.keys())
                if have_columns[column] != want_columns[column]
            ]
            for column in changed:
                problems.append(
                    tr(
                        "table {name}: the column {column} is defined differently",
                        name=name,
                        column=column,
                    )
                )
            if have_columns.keys() == want_columns.keys() and not changed:
                problems.append(
                    tr("table {name}: defined differently (its constraints or keys)", name=name)
                )
        else:
            problems.append(tr("{what} {name}: defined differently", what=_what(kind), name=name))
    return problems


def foreign_objects(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    """(type, name) of every object in the file that no migration makes: any trigger or
    view, a table or named index of another name. Cheap: sqlite_master only."""
    rows = connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    foreign = []
    for kind, name, sql in rows:
        kind, name = _text(kind), _text(name)
        if kind == "index" and sql is None:
            continue  # an automatic index of a UNIQUE or PRIMARY KEY constraint
        if kind == "table" and (name == "sqlite_sequence" or name.startswith("sqlite_stat")):
            continue
        if (kind, name) not in our_objects():
            foreign.append((kind, name))
    return sorted(foreign)


def refuse_foreign_objects(path: Path, connection: sqlite3.Connection) -> None:
    """Raises ForeignSchema when the file holds objects the app does not make."""
    foreign = foreign_objects(connection)
    if foreign:
        listed = ", ".join(f"{_what(kind)} {name}" for kind, name in foreign[:5])
        raise ForeignSchema(
            path,
            tr(
                "the file holds objects Interviewer does not make ({objects}), so it is not "
                "opened for writing; run “interviewer check” to see them",
                objects=listed,
            ),
        )
