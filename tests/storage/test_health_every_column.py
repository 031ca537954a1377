"""`check` holds every column of every table of the models to its rule: a bad value of its
kind written into any column (by another program, past SQLite's CHECK constraints) is named
with its table, column and row. The columns are enumerated from the models, so a new column
is covered without touching this test."""

import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlmodel import SQLModel

from interviewer import record_rules as rules
from interviewer.demo import generate_demo
from interviewer.storage.database import open_database
from interviewer.storage.health import check_database

Kind = rules.Kind
# (SQL expression, parameter): values of each kind the app could not read or must refuse
BAD = {
    Kind.TIMESTAMP: [
        ("?", "2024-13-45 99:00:00"),
        ("?", "2024-02-30 10:00:00"),
        ("?", "0999-01-01 10:00:00"),
        ("?", "soon"),
        ("?", b"\x01\x02"),
    ],
    Kind.DATE: [("?", "2024-13-45"), ("?", "2024-02-30"), ("?", "garbage"), ("?", 20240101)],
    Kind.TIME: [("?", "25:61:00"), ("?", "99:00:00"), ("?", "noon")],
    Kind.UUID: [("?", "not-a-uuid"), ("?", uuid.uuid4().bytes), ("?", uuid.uuid4().hex.upper())],
    Kind.TEXT: [("?", b"\x00\xff"), ("CAST(? AS TEXT)", b"\xff\xfe")],
    Kind.CHOICE: [("?", "ZQXMARKER"), ("?", 3)],
    Kind.INTEGER: [("?", "abc"), ("?", 2**60), ("?", 1.5)],
    Kind.BOOLEAN: [("?", 7), ("?", "yes")],
    Kind.NUMBER: [("?", "abc"), ("?", b"\x01"), ("?", float("inf"))],
}
VALID = {
    Kind.TIMESTAMP: "2024-05-06 10:00:00.000000",
    Kind.DATE: "2024-05-06",
    Kind.TIME: "10:00:00.000000",
    Kind.TEXT: "word",
    Kind.BOOLEAN: 0,
    Kind.NUMBER: 1.5,
}
MODEL_COLUMNS = [
    (table.name, column.name)
    for table in SQLModel.metadata.sorted_tables
    for column in table.columns
]


def _valid(rule: rules.FieldRule):
    if rule.kind == Kind.UUID:
        return uuid.uuid4().hex
    if rule.kind == Kind.CHOICE:
        return rule.choices[0]
    if rule.kind == Kind.INTEGER:
        return rule.minimum if rule.minimum is not None else 0
    return VALID[rule.kind]


@pytest.fixture(scope="module")
def every_table_filled(tmp_path_factory) -> Path:
    """A demo database in which every table of the models holds at least one row (the
    empty ones get a row of valid values, links unchecked)."""
    path = tmp_path_factory.mktemp("every") / "every.sqlite"
    database = open_database(path, backup=False)
    generate_demo(database, interviews=2, seed=5)
    database.close()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=DELETE")
    for table in SQLModel.metadata.sorted_tables:
        if connection.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]:
            continue
        values = {c.name: _valid(rules.RECORD[table.name][c.name]) for c in table.columns}
        names = ", ".join(f'"{name}"' for name in values)
        marks = ", ".join("?" for _ in values)
        connection.execute(
            f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', list(values.values())
        )
    connection.commit()
    connection.close()
    return path


def test_every_model_column_has_a_rule_and_bad_values_of_its_kind():
    for table, column in MODEL_COLUMNS:
        assert rules.RECORD[table][column].kind in BAD, (table, column)


@pytest.mark.parametrize(("table", "column"), MODEL_COLUMNS)
def test_a_bad_value_in_any_column_is_named_by_table_and_row(
    every_table_filled, tmp_path, table, column
):
    rule = rules.RECORD[table][column]
    for position, (expression, value) in enumerate(BAD[rule.kind]):
        path = tmp_path / f"bad{position}.sqlite"
        shutil.copyfile(every_table_filled, path)
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA ignore_check_constraints=1")
        named_by_id = column != "id" and "id" in rules.RECORD[table]
        rowid, row_id = connection.execute(
            f'SELECT rowid, {"id" if named_by_id else "NULL"} FROM "{table}" ORDER BY rowid LIMIT 1'
        ).fetchone()
        try:
            connection.execute(
                f'UPDATE "{table}" SET "{column}" = {expression} WHERE rowid = ?',
                (value, rowid),
            )
        except sqlite3.IntegrityError:  # UNIQUE of a code or key: SQLite itself refuses it
            connection.close()
            continue
        connection.commit()
        connection.close()
        report = check_database(path)
        named = [p for p in report.problems if p.startswith(f"{table}, {column}:")]
        label = str(uuid.UUID(row_id)) if isinstance(row_id, str) else f"row {rowid}"
        assert named and label in named[0], (value, report.problems)
