"""The command line, run as a user runs it: a real process, real files, exit codes and output."""

import os
import sqlite3
import subprocess
import sys
import uuid

import pytest

from interviewer.cli import build_parser
from tests.helpers import database_content, file_digest
from tests.storage.test_database import damage, newer_schema, not_a_database


def run(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    result = run("demo", "--db", path, "--interviews", 300, "--seed", 5)
    assert result.returncode == 0, result.stderr
    assert "added 300 demo interviews" in result.stdout
    return path


def test_check_reports_a_healthy_demo_database_without_changing_it(demo_file):
    before = file_digest(demo_file)
    result = run("check", "--db", demo_file)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("\n") == 1
    assert "healthy (300 interviews" in result.stdout
    assert file_digest(demo_file) == before


def test_demo_data_is_rich_and_every_interview_has_all_four_questions(demo_file):
    connection = sqlite3.connect(demo_file)
    scalar = lambda sql: connection.execute(sql).fetchone()[0]  # noqa: E731
    assert scalar("SELECT count(*) FROM interview") == 300
    assert (
        scalar(
            "SELECT count(DISTINCT interview_id) FROM answer GROUP BY question_key "
            "ORDER BY 1 LIMIT 1"
        )
        == 300
    )
    assert scalar("SELECT count(DISTINCT question_key) FROM answer") == 4
    assert scalar("SELECT count(DISTINCT municipality) FROM interview") > 50
    assert scalar("SELECT count(DISTINCT service_area) FROM interview") == 7
    assert scalar("SELECT count(*) FROM interview WHERE status = 'draft'") > 10
    assert scalar("SELECT count(*) FROM effect WHERE baseline IS NOT NULL") > 20
    assert scalar("SELECT count(*) FROM quote WHERE text LIKE '%ø%' OR text LIKE '%å%'") > 0
    assert scalar("SELECT max(length(description)) FROM challenge") > 2000
    connection.close()


def test_demo_is_deterministic_for_a_seed(tmp_path):
    first, second, other = tmp_path / "a.sqlite", tmp_path / "b.sqlite", tmp_path / "c.sqlite"
    for path, seed in ((first, 3), (second, 3), (other, 4)):
        assert run("demo", "--db", path, "--interviews", 25, "--seed", seed).returncode == 0

    def interviews(path):
        connection = sqlite3.connect(path)
        rows = connection.execute(
            "SELECT id, respondent_role, municipality, interview_date FROM interview ORDER BY id"
        ).fetchall()
        connection.close()
        return rows

    assert interviews(first) == interviews(second)
    assert not set(interviews(first)) & set(interviews(other))


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (damage, "damaged"),
        (not_a_database, "not an Interviewer database"),
        (newer_schema, "newer version of Interviewer"),
    ],
)
def test_check_refuses_bad_files_with_a_message_and_leaves_them_alone(
    demo_file, tmp_path, spoil, message
):
    path = tmp_path / "bad.sqlite"
    path.write_bytes(demo_file.read_bytes())
    spoil(path)
    before = file_digest(path)
    result = run("check", "--db", path)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert file_digest(path) == before


def test_check_lists_broken_rules(demo_file, tmp_path):
    path = tmp_path / "gap.sqlite"
    path.write_bytes(demo_file.read_bytes())
    connection = sqlite3.connect(path)
    connection.execute("UPDATE challenge SET rank = 4 WHERE rank = 3")  # ranks 1, 2, 4: a gap
    connection.execute(  # a fourth challenge, ranked 5, in the same interviews
        "INSERT INTO challenge (id, created_at, updated_at, interview_id, rank, title, description)"
        " SELECT lower(hex(randomblob(16))), created_at, updated_at, interview_id, 5, 'Extra', ''"
        " FROM challenge WHERE rank = 4"
    )
    connection.execute("DELETE FROM answer WHERE question_key = 'effects' AND rowid % 7 = 0")
    connection.commit()
    connection.close()
    result = run("check", "--db", path)
    assert result.returncode == 1
    assert "challenge ranks are not 1..n without gaps" in result.stdout
    assert "lack answer records" in result.stdout
    assert "rank more than 3 challenges" in result.stdout


def test_check_of_a_missing_file_says_so(tmp_path):
    result = run("check", "--db", tmp_path / "nowhere.sqlite")
    assert result.returncode == 1
    assert "no database file" in result.stderr
    assert not (tmp_path / "nowhere.sqlite").exists()


def test_backup_writes_a_consistent_copy(demo_file, tmp_path):
    target = tmp_path / "copies" / "backup.sqlite"
    result = run("backup", "--db", demo_file, "-o", target)
    assert result.returncode == 0, result.stderr
    assert database_content(target) == database_content(demo_file)
    assert run("check", "--db", target).returncode == 0


def test_backup_onto_itself_is_refused(demo_file):
    before = file_digest(demo_file)
    result = run("backup", "--db", demo_file, "-o", demo_file)
    assert result.returncode == 1
    assert "another file" in result.stderr
    assert file_digest(demo_file) == before


def test_the_database_comes_from_the_environment_variable_unless_given(tmp_path):
    from_env = tmp_path / "env.sqlite"
    result = run("demo", "--interviews", 2, env={"INTERVIEWER_DB": str(from_env)})
    assert result.returncode == 0, result.stderr
    assert from_env.exists()
    given = tmp_path / "given.sqlite"
    assert (
        run(
            "--db", given, "demo", "--interviews", 1, env={"INTERVIEWER_DB": str(from_env)}
        ).returncode
        == 0
    )
    assert given.exists()


def test_the_default_database_lives_in_the_user_data_folder(isolated_user_folders):
    result = run("demo", "--interviews", 1)
    assert result.returncode == 0, result.stderr
    expected = isolated_user_folders / "xdg_data_home" / "Interviewer" / "interviews.sqlite"
    assert expected.exists()


@pytest.mark.parametrize(
    ("command", "mentions"),
    [
        ([], "--db"),
        (["demo"], "--db"),
        (["check"], "--db"),
        (["backup"], "--db"),
        (["export"], "docx"),
        (["export", "docx"], "--interview"),
        (["export", "xlsx"], "--no-personal-data"),
    ],
)
def test_every_command_has_help(command, mentions, capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args([*command, "--help"])
    assert exit_.value.code == 0
    assert mentions in capsys.readouterr().out


def test_export_commands_write_what_they_say(demo_file, tmp_path):
    from docx import Document
    from openpyxl import load_workbook

    workbook = tmp_path / "study.xlsx"
    result = run(
        "export",
        "xlsx",
        "--db",
        demo_file,
        "-o",
        workbook,
        "--service-area",
        "education",
        "--status",
        "complete",
        "--language",
        "da",
        "--no-personal-data",
    )
    assert result.returncode == 0, result.stderr
    assert "interviews" in result.stdout
    book = load_workbook(workbook, read_only=True)
    header = next(book["Interviews"].iter_rows(values_only=True))
    assert "respondent_name" not in header
    book.close()

    report = tmp_path / "synthesis.docx"
    result = run("export", "docx", "--db", demo_file, "-o", report, "--from", "2017-06-01")
    assert result.returncode == 0, result.stderr
    assert "synthesis of" in result.stdout
    assert Document(report).paragraphs[0].text == "Study synthesis"

    connection = sqlite3.connect(demo_file)
    interview_id = uuid.UUID(connection.execute("SELECT id FROM interview LIMIT 1").fetchone()[0])
    connection.close()
    summary = tmp_path / "one.docx"
    result = run("export", "docx", "--db", demo_file, "-o", summary, "--interview", interview_id)
    assert result.returncode == 0, result.stderr
    assert Document(summary).paragraphs[0].text == "Interview summary"


def test_export_refuses_clearly(demo_file, tmp_path):
    result = run(
        "export", "docx", "--db", demo_file, "-o", tmp_path / "x.docx", "--interview", uuid.uuid4()
    )
    assert result.returncode == 1 and "there is no interview" in result.stderr
    result = run("export", "xlsx", "--db", tmp_path / "none.sqlite", "-o", tmp_path / "x.xlsx")
    assert result.returncode == 1 and "no study" in result.stderr
    result = run("export", "xlsx", "--db", demo_file, "-o", tmp_path / "missing" / "x.xlsx")
    assert result.returncode == 1 and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob("*.docx")) and not list(tmp_path.glob("*.xlsx"))


def test_demo_twice_with_one_seed_says_so_in_one_sentence(tmp_path):
    db = tmp_path / "demo.sqlite"
    assert run("demo", "--db", str(db), "--interviews", "3", "--seed", "5").returncode == 0
    again = run("demo", "--db", str(db), "--interviews", "3", "--seed", "5")
    assert again.returncode == 1
    assert "already holds demo interviews of seed 5" in again.stderr
    assert "Traceback" not in again.stderr and "INSERT" not in again.stderr
    assert run("check", "--db", str(db)).returncode == 0


@pytest.mark.parametrize(
    "command",
    [
        ("export", "xlsx"),
        ("export", "docx"),
        ("export", "bundle", "--plain"),
        ("study", "export"),
        ("backup",),
    ],
)
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_no_command_writes_its_output_over_the_database(tmp_path, command, suffix):
    db = tmp_path / "study.sqlite"
    assert run("demo", "--db", db, "--interviews", "2").returncode == 0
    before = db.read_bytes()
    target = tmp_path / "sub" / ".." / f"study.sqlite{suffix}"  # the same file, spelt another way
    (tmp_path / "sub").mkdir()
    result = run(*command, "--db", db, "-o", target)
    assert result.returncode == 1
    assert "choose another file" in result.stderr
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == before
