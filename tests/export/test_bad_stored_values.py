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
