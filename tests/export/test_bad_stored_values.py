"""A database whose rows break the record's rules (written by another program, past SQLite's
CHECK constraints) never makes an export print a traceback or a stored value: each export
either leaves out what it does not read, or stops with one sentence naming the record's
table and id and pointing at `interviewer check`. And whatever goes wrong that nobody
foresaw, a command ends in one sentence with the error's kind, its frames in the log."""

import shutil
import sqlite3
import uuid
import zipfile
from pathlib import Path

import pytest

from interviewer import cli
from interviewer.demo import generate_demo
from interviewer.paths import log_file
from interviewer.storage.database import open_database

MARKER = "ZQXMARKER"
BLOB = "X'" + MARKER.encode().hex() + "'"
# the breaker's values of issue 9, finding 6: (table, column, SQL value)
BAD_VALUES = [
    ("interview", "status", f"'{MARKER}'"),
    ("initiative", "start_date", f"'{MARKER}'"),
    ("effect", "baseline", f"'{MARKER}'"),
    ("interview", "interview_date", f"'{MARKER}-13-45'"),
    ("interview", "consent_date", "'2024-13-45'"),
    ("interview", "start_time", f"'25:99:{MARKER}'"),
    ("interview", "updated_at", f"'2024-13-45 99:00:00{MARKER}'"),
    ("interview", "created_at", "'2024-13-45 99:00:00'"),
    ("quote", "captured_at", f"'{MARKER}'"),
    ("interview", "mode", f"'{MARKER}'"),
    ("initiative", "status", f"'{MARKER}'"),
    ("effect", "kind", f"'{MARKER}'"),
    ("quote", "challenge_id", f"'{MARKER}'"),
    ("interview", "interviewer_id", BLOB),
]
COMMANDS = {
    "xlsx": ["export", "xlsx", "-o", "{out}.xlsx"],
    "docx": ["export", "docx", "-o", "{out}.docx"],
    "docx --interview": ["export", "docx", "--interview", "{interview}", "-o", "{out}.docx"],
    "bundle": ["export", "bundle", "--plain", "-o", "{out}.bundle"],
    "study export": ["study", "export", "-o", "{out}.json"],
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bad") / "demo.sqlite"
    database = open_database(path, backup=False)
    generate_demo(database, interviews=4, seed=11)
    database.close()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    return path


def _spoil(demo: Path, folder: Path, table: str, column: str, value: str) -> tuple[Path, str]:
    """A copy of the demo with ``value`` in ``column`` of every row of ``table``; returns it
    and an interview holding such a row."""
    path = folder / "spoilt.sqlite"
    shutil.copyfile(demo, path)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA ignore_check_constraints=1")
    owner = "id" if table == "interview" else "interview_id"
    (interview,) = connection.execute(f'SELECT {owner} FROM "{table}" LIMIT 1').fetchone()
    connection.execute(f'UPDATE "{table}" SET "{column}" = {value}')
    connection.commit()
    connection.close()
    return path, str(uuid.UUID(interview))


def _written_text(out: Path) -> str:
    if not out.exists():
        return ""
    try:
        with zipfile.ZipFile(out) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    except zipfile.BadZipFile:
        return out.read_bytes().decode("utf-8", "replace")


@pytest.mark.parametrize(("table", "column", "value"), BAD_VALUES)
def test_a_bad_stored_value_is_one_sentence_in_every_export(
    demo, tmp_path, capsys, table, column, value
):
    path, interview = _spoil(demo, tmp_path, table, column, value)
    for name, command in COMMANDS.items():
        out = tmp_path / name.replace(" ", "_")
        argv = [part.format(out=out, interview=interview) for part in command]
        code = cli.main([*argv, "--db", str(path)])
        captured = capsys.readouterr()
        logged = log_file().read_text("utf-8") if log_file().exists() else ""
        for text in (captured.out, captured.err, logged):
            assert MARKER not in text, (name, text)
            assert "Traceback" not in text, (name, text)
        if code == 0:  # this export does not read the column; nothing of it is shown
            assert MARKER not in "".join(_written_text(p) for p in tmp_path.glob(out.name + "*"))
            continue
        assert code == 1, name
        lines = captured.err.strip().splitlines()
        assert len(lines) == 1, (name, captured.err)
        assert f"{table} " in lines[0] and f"({column})" in lines[0], (name, lines[0])
        assert "interviewer check --db" in lines[0], (name, lines[0])
        assert "unexpected" not in lines[0], (name, lines[0])


@pytest.mark.parametrize(("table", "column", "value"), BAD_VALUES[:3])
def test_the_commands_own_process_prints_no_traceback(demo, tmp_path, table, column, value):
    import subprocess
    import sys

    path, _interview = _spoil(demo, tmp_path, table, column, value)
    result = subprocess.run(
        [sys.executable, "-m", "interviewer", "export", "xlsx", "--db", str(path)]
        + ["-o", str(tmp_path / "out.xlsx")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert MARKER not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr


def test_an_error_nobody_foresaw_is_its_kind_in_one_sentence(demo, tmp_path, capsys, monkeypatch):
    import interviewer.export.xlsx_workbook as workbook

    def broken(*_args, **_kwargs):
        raise ValueError(f"a message quoting a stored value {MARKER}")

    monkeypatch.setattr(workbook, "write_workbook", broken)
    code = cli.main(["export", "xlsx", "--db", str(demo), "-o", str(tmp_path / "o.xlsx")])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.strip().splitlines() == [
        "interviewer export: An unexpected error (ValueError) stopped it. "
        "Where it happened is in the log."
    ]
    logged = log_file().read_text("utf-8")
    assert "ValueError" in logged and "in broken" in logged  # kind and frames
    assert MARKER not in captured.out + captured.err + logged


# ---------------------------------------------------------------- text that is not UTF-8

# Invalid UTF-8 as another program may store it: a lone surrogate (CESU-8) and a byte that
# never starts a character. Python reads each invalid byte as one replacement character.
NOT_UTF8 = "EDA080FF"
REPLACEMENT = "\ufffd"
# the migration tool's own table: its text names the schema, and a file of an unknown schema
# is refused before anything is read (as it must be), so it holds no record text to mark
NOT_RECORD_TEXT = {"alembic_version"}


def _text_columns(path: Path) -> list[tuple[str, str]]:
    """Every (table, column) of the file's schema whose rule is free text (a choice from a
    fixed list holding anything else is a bad value of its own kind: see BAD_VALUES)."""
    from interviewer import record_rules as rules

    connection = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return [
            (table, row[1])
            for table in tables
            if table in rules.RECORD and table not in NOT_RECORD_TEXT
            for row in connection.execute(f'PRAGMA table_info("{table}")')
            if rules.RECORD[table][row[1]].kind is rules.Kind.TEXT
        ]
    finally:
        connection.close()


def _holds_toml(connection, table: str, column: str) -> bool:
    """Whether the column's values are TOML documents of several lines (a guide)."""
    import tomllib

    values = [row[0] for row in connection.execute(f'SELECT "{column}" FROM "{table}"')]
    try:
        return any("\n" in value and tomllib.loads(value) for value in values if value)
    except (tomllib.TOMLDecodeError, TypeError):
        return False


def _shown_text(out: Path) -> str:
    """The text of every part of the file, character references decoded (a part may write
    the marker as &#65533;)."""
    import html

    return html.unescape(_written_text(out))


def _sentinel(number: int) -> str:
    return f"QZN{number:03d}Q"


def _spoil_every_text(demo: Path, path: Path) -> tuple[dict[str, tuple[str, str]], str]:
    """A copy of the demo where every stored text of every text column ends in invalid
    UTF-8 and then a sentinel naming the column: of every row of a table outside the
    interviews, and of one interview's rows (the columns take the interviews in turn, so
    that a spoilt key, such as an answer's question key, does not hide the spoilt text of
    the same rows). Returns {sentinel: (table, column)} and the first interview."""
    shutil.copyfile(demo, path)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA ignore_check_constraints=1")
    interviews = [
        row[0]
        for row in connection.execute(
            "SELECT id FROM interview WHERE deleted_at IS NULL ORDER BY id"
        )
    ]
    spoilt = {}
    for number, (table, column) in enumerate(_text_columns(path)):
        columns = {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}
        interview = interviews[number % len(interviews)]
        if table == "interview":
            where, params = "id = ?", (interview,)
        elif "interview_id" in columns:
            where, params = "interview_id = ?", (interview,)
        else:
            where, params = "1", ()
        sentinel = _sentinel(number)
        # a column holding a TOML document (the guide) gets them in a comment of its own:
        # invalid TOML is refused as such, whatever its bytes
        before = "\n# " if _holds_toml(connection, table, column) else ""
        changed = connection.execute(
            f'UPDATE "{table}" SET "{column}" = CAST(CAST("{column}" AS BLOB)'
            f" || CAST(? AS BLOB) || X'{NOT_UTF8}' || CAST(? AS BLOB) AS TEXT)"
            f' WHERE "{column}" IS NOT NULL AND {where}',
            (before, sentinel, *params),
        ).rowcount
        if changed:
            spoilt[sentinel] = (table, column)
    connection.commit()
    connection.close()
    return spoilt, str(uuid.UUID(interviews[0]))


def test_text_that_is_not_utf8_is_marked_in_every_export(demo, tmp_path):
    """Invalid UTF-8 in any text column of any table never stops an export: each of the
    three writes its file, and wherever a spoilt value is shown the marker stands where
    the invalid bytes were. The workbook lists every field of its sheets' records, so each
    column named like a header of its table's sheet shows its value; `interviewer check`
    still names every such value."""
    from openpyxl import load_workbook

    from tests.helpers import run_cli

    path = tmp_path / "not-utf8.sqlite"
    spoilt, interview = _spoil_every_text(demo, path)
    assert len(spoilt) >= 30  # the schema's text columns, not a handful
    outputs = {
        "workbook": tmp_path / "study.xlsx",
        "synthesis": tmp_path / "synthesis.docx",
        "summary": tmp_path / "summary.docx",
    }
    commands = {
        "workbook": ["export", "xlsx"],
        "synthesis": ["export", "docx"],
        "summary": ["export", "docx", "--interview", interview],
    }
    for name, command in commands.items():
        result = run_cli(*command, "--db", path, "-o", outputs[name], home=tmp_path)
        assert result.returncode == 0, (name, result.stderr)
        assert "Traceback" not in result.stderr
        written = _shown_text(outputs[name])
        for sentinel, where in spoilt.items():
            at = written.find(sentinel)
            while at >= 0:
                # the invalid bytes stand just before the sentinel: marked, not dropped
                assert written[at - 1] == REPLACEMENT, (name, where)
                at = written.find(sentinel, at + 1)
    shown = _shown_text(outputs["workbook"])
    workbook = load_workbook(outputs["workbook"], read_only=True)
    headers = {
        sheet.title.lower(): {cell for cell in next(sheet.iter_rows(values_only=True))}
        for sheet in workbook
        if sheet.title != "README"
    }
    workbook.close()
    listed = {
        sentinel: (table, column)
        for sentinel, (table, column) in spoilt.items()
        if column in headers.get(table + "s", headers.get(table, set()))
    }
    # every record sheet has columns of its table among them
    assert {table for table, _column in listed.values()} >= {
        "interview",
        "challenge",
        "initiative",
        "effect",
        "quote",
    }
    for sentinel, where in listed.items():
        assert REPLACEMENT + sentinel in shown, where
    # the notes to a question (in notes_<key> columns), the interviewer's and study's names
    named = {where: sentinel for sentinel, where in spoilt.items()}
    for where in (("answer", "notes"), ("interviewer", "name"), ("study", "name")):
        assert REPLACEMENT + named[where] in shown, where
    check = run_cli("check", "--db", path, home=tmp_path)
    assert check.returncode == 1
    assert "not valid UTF-8" in check.stdout + check.stderr


# ---------------------------------------------------------------- consent written oddly

# consent as another program may store it (breaker11b F15): the app writes the integer 1 or 0
ODD_CONSENT = ["'false'", "'no'", "'FALSE'", "'true'", "2", "-1", "0.5", "X'00'", "X'01'", "''"]
CONSENT_QUOTE = "ZQXCONSENTQUOTE"


def _with_consent(demo: Path, folder: Path, value: str) -> tuple[Path, str]:
    """A copy of the demo whose first interview holds ``value`` as its consent and whose
    quotes all say CONSENT_QUOTE, marked for the report; returns it and that interview."""
    path = folder / "consent.sqlite"
    shutil.copyfile(demo, path)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA ignore_check_constraints=1")
    (interview,) = connection.execute(
        "SELECT interview_id FROM quote WHERE deleted_at IS NULL ORDER BY interview_id LIMIT 1"
    ).fetchone()
    connection.execute(f"UPDATE interview SET consent_given = {value} WHERE id = ?", (interview,))
    connection.execute(
        "UPDATE quote SET text = ?, use_in_report = 1 WHERE interview_id = ?",
        (CONSENT_QUOTE, interview),
    )
    connection.commit()
    connection.close()
    return path, str(uuid.UUID(interview))


def _consent_cells(out: Path, interview: str) -> list:
    """The consent_given cells of ``interview`` in the Interviews and Quotes sheets."""
    from openpyxl import load_workbook

    workbook = load_workbook(out, read_only=True)
    cells = []
    for name, key in (("Interviews", "interview_id"), ("Quotes", "interview_id")):
        rows = workbook[name].iter_rows(values_only=True)
        headers = list(next(rows))
        for row in rows:
            if row[headers.index(key)] == interview:
                cells.append(row[headers.index("consent_given")])
    workbook.close()
    return cells


@pytest.mark.parametrize("value", [*ODD_CONSENT, "1"])
def test_consent_is_given_only_when_stored_as_1_in_every_export(demo, tmp_path, capsys, value):
    from docx import Document

    path, interview = _with_consent(demo, tmp_path, value)
    given = value == "1"
    summary, synthesis, workbook = (tmp_path / n for n in ("s.docx", "r.docx", "w.xlsx"))
    db = ["--db", str(path)]
    assert cli.main(["export", "docx", "--interview", interview, "-o", str(summary), *db]) == 0
    assert cli.main(["export", "docx", "--smallest-group", "1", "-o", str(synthesis), *db]) == 0
    assert cli.main(["export", "xlsx", "-o", str(workbook), *db]) == 0
    capsys.readouterr()
    facts = {row.cells[0].text: row.cells[1].text for row in Document(summary).tables[0].rows}
    assert facts["Consent"].startswith("Yes") is given, facts["Consent"]
    if not given:
        assert facts["Consent"] == "No consent recorded"
    # the synthesis leaves out quotes of interviews without consent
    assert (CONSENT_QUOTE in _written_text(synthesis)) is given
    cells = _consent_cells(workbook, interview)
    assert len(cells) >= 2 and set(cells) == {given}, cells


# ---------------------------------------------------------------- figures no number can show


@pytest.mark.parametrize(("baseline", "current"), [("9e999", "-9e999"), ("9e999", "12")])
def test_an_infinite_figure_is_marked_in_every_export(demo, tmp_path, capsys, baseline, current):
    """An infinite figure (another program's write, breaker11b F4) is MARKER in the summary,
    the synthesis and the workbook: the export goes on, and the figure is never an empty cell
    beside a description that gives it."""
    from docx import Document
    from openpyxl import load_workbook

    path = tmp_path / "inf.sqlite"
    shutil.copyfile(demo, path)
    connection = sqlite3.connect(path)
    effect, interview = connection.execute(
        "SELECT id, interview_id FROM effect WHERE deleted_at IS NULL AND kind = 'measured'"
        " ORDER BY id LIMIT 1"
    ).fetchone()
    connection.execute(
        f"UPDATE effect SET baseline = {baseline}, current = {current}, metric = 'ZQXMETRIC'"
        " WHERE id = ?",
        (effect,),
    )
    connection.commit()
    connection.close()
    summary, synthesis, workbook = (tmp_path / n for n in ("s.docx", "r.docx", "w.xlsx"))
    db = ["--db", str(path)]
    interview = str(uuid.UUID(interview))
    assert cli.main(["export", "docx", "--interview", interview, "-o", str(summary), *db]) == 0
    assert cli.main(["export", "docx", "--smallest-group", "1", "-o", str(synthesis), *db]) == 0
    assert cli.main(["export", "xlsx", "-o", str(workbook), *db]) == 0
    capsys.readouterr()
    lines = [p.text for p in Document(summary).paragraphs if "ZQXMETRIC" in p.text]
    assert len(lines) == 1 and "ZQXMETRIC: " + REPLACEMENT + " → " in lines[0], lines
    rows = [
        [cell.text for cell in row.cells]
        for table in Document(synthesis).tables
        for row in table.rows
        if any("ZQXMETRIC" in cell.text for cell in row.cells)
    ]
    assert rows and all(REPLACEMENT in row[-1] for row in rows), rows
    sheet = load_workbook(workbook, read_only=True)["Effects"].iter_rows(values_only=True)
    headers = next(sheet)
    (row,) = [dict(zip(headers, r, strict=True)) for r in sheet if r[0] == str(uuid.UUID(effect))]
    assert row["baseline"] == REPLACEMENT and row["change"] == REPLACEMENT, row
    assert row["current"] == (REPLACEMENT if current.startswith("-9") else 12), row
