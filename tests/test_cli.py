"""The command line, run as a user runs it: a real process, real files, exit codes and output."""

import argparse
import os
import re
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


# ------------------------------------------------------------- research ethics (issue 11)


def test_the_ethics_options_reach_the_export_options():
    from interviewer.cli import export_options
    from interviewer.export.options import Attribution, ExportOptions

    for command in (["export", "xlsx"], ["export", "docx"]):
        args = build_parser().parse_args([*command, "-o", "x"])
        assert export_options(args) == ExportOptions(), command  # the safe defaults
        args = build_parser().parse_args(
            [
                *command,
                "-o",
                "x",
                "--attribution",
                "role-area-municipality",
                "--quotes-without-consent",
                "--smallest-group",
                "5",
                "--internal-notes",
                "--no-personal-data",
            ]
        )
        options = export_options(args)
        assert options.attribution is Attribution.ROLE_AREA_AND_MUNICIPALITY
        assert options.quotes_without_consent is True
        assert options.smallest_group == 5
        assert options.internal_notes is True
        assert options.personal_data is False
    args = build_parser().parse_args(
        ["export", "xlsx", "-o", "x", "--attribution", "role-and-area"]
    )
    assert export_options(args).attribution is Attribution.ROLE_AND_AREA


@pytest.mark.parametrize("k", ["0", "-2", "three", "1.5", "1001", "99999999999999999999999"])
def test_a_smallest_group_outside_1_to_1000_is_refused_in_one_sentence(demo_file, tmp_path, k):
    out = tmp_path / "never.docx"
    result = run("export", "docx", "--db", demo_file, "-o", out, "--smallest-group", k)
    assert result.returncode == 2
    assert "--smallest-group: K must be a whole number from 1 to 1000" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_no_personal_data_help_says_all_it_removes(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["export", "docx", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    for removed in ("name", "municipality", "location", "exact dates", "YYYY-MM", "times"):
        assert removed in help_text, removed
    assert "free-text notes are kept but flagged" in help_text


def test_the_summary_keeps_the_interviewers_notes_only_on_request(tmp_path):
    from docx import Document

    from interviewer.demo import add_sample_interview
    from interviewer.storage.database import open_database

    db = tmp_path / "one.sqlite"
    database = open_database(db)
    with database.session() as session:
        interview_id = add_sample_interview(session).id
    database.close()
    note = "Mentions the budget agreement twice."
    out = tmp_path / "summary.docx"
    for extra, kept in (([], False), (["--internal-notes"], True)):
        result = run("export", "docx", "--db", db, "-o", out, "--interview", interview_id, *extra)
        assert result.returncode == 0, result.stderr
        document = Document(out)
        text = "\n".join(p.text for p in document.paragraphs)
        assert (note in text) is kept
        assert text.startswith("For internal use") is kept


@pytest.fixture
def with_removed_records(tmp_path):
    """A study file holding deleted and removed records of every kind, and a live effect of
    a removed initiative (as a merge may leave it); returns it and the live counts, by the
    rule: not deleted, of a live interview, and (an effect) of a live initiative."""
    from sqlmodel import select

    from interviewer import interviews as svc
    from interviewer.demo import generate_demo
    from interviewer.storage.database import open_database
    from interviewer.storage.models import Challenge, Effect, Initiative, Interview, Quote

    db = tmp_path / "study.sqlite"
    database = open_database(db)
    generate_demo(database, interviews=8, seed=3)
    with database.session() as session:

        def first(model, *where):
            return session.exec(select(model).where(*where).order_by(model.id)).first()

        ids = sorted(session.exec(select(Interview.id)).all())
        svc.delete_interview(session=session, interview_id=ids[0])  # its records stay live
        challenge = first(Challenge, Challenge.interview_id != ids[0])
        svc.remove_challenge(session=session, challenge_id=challenge.id)
        quote = first(Quote, Quote.interview_id != ids[0])
        svc.remove_quote(session=session, quote_id=quote.id)
        removed = first(Initiative, Initiative.interview_id != ids[0])
        svc.remove_initiative(session=session, initiative_id=removed.id)
        with_effects = select(Effect.initiative_id).where(
            Effect.interview_id != ids[0], Effect.initiative_id != removed.id
        )
        orphaned = session.exec(with_effects.order_by(Effect.id)).first()
    database.close()
    connection = sqlite3.connect(db)
    with connection:  # as a merge may leave it: the initiative removed, its effects not
        connection.execute(
            "UPDATE initiative SET deleted_at = '2017-06-01 10:00:00.000000' WHERE id = ?",
            (orphaned.hex,),
        )
    scalar = lambda sql: connection.execute(sql).fetchone()[0]  # noqa: E731
    live_interview = "interview_id IN (SELECT id FROM interview WHERE deleted_at IS NULL)"
    expected = {
        "interviews": scalar("SELECT count(*) FROM interview WHERE deleted_at IS NULL"),
        **{
            f"{table}s": scalar(
                f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL AND {live_interview}"
            )
            for table in ("challenge", "initiative", "quote")
        },
        "effects": scalar(
            "SELECT count(*) FROM effect WHERE deleted_at IS NULL AND "
            f"{live_interview} AND initiative_id IN "
            "(SELECT id FROM initiative WHERE deleted_at IS NULL)"
        ),
    }
    stored = {
        f"{table}s": scalar(f"SELECT count(*) FROM {table}")
        for table in ("interview", "challenge", "initiative", "effect", "quote")
    }
    connection.close()
    assert expected["interviews"] == 7
    assert all(expected[name] < stored[name] for name in expected), (expected, stored)
    return db, expected


def counted_in(output: str) -> dict[str, int]:
    """The counts in a line like "12 interviews, 30 challenges", by their plural noun."""
    return {name: int(n) for n, name in re.findall(r"(\d+) (\w+s)\b", output)}


def test_check_counts_live_records_only(with_removed_records):
    db, expected = with_removed_records
    checked = run("check", "--db", db)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert counted_in(checked.stdout) == expected
    synthesis = run("export", "docx", "--db", db, "-o", db.with_name("synthesis.docx"))
    assert f"synthesis of {expected['interviews']} interviews" in synthesis.stdout


def test_the_workbook_counts_the_live_records_check_counts(with_removed_records):
    db, expected = with_removed_records
    exported = run("export", "xlsx", "--db", db, "-o", db.with_name("study.xlsx"))
    assert exported.returncode == 0, exported.stderr
    written = counted_in(exported.stdout)
    assert {name: written[name] for name in expected} == expected


def test_every_export_option_is_known_to_the_rule_of_what_applies_where():
    """A new export option must say which exports use it (options.USED_OPTIONS), or the
    command line would pass it silently to an export that ignores it."""
    from dataclasses import fields

    from interviewer.cli import add_export_arguments, given_export_options
    from interviewer.export.options import USED_OPTIONS, ExportOptions

    parser = argparse.ArgumentParser()
    add_export_arguments(parser)
    every_export = {"--language", "--no-personal-data", "--help"}
    flags = {
        action.option_strings[-1]: action
        for action in parser._actions
        if action.option_strings[-1] not in every_export
    }
    # each given at a value other than its default
    typed = []
    for flag, action in flags.items():
        if action.nargs == 0:
            typed.append(flag)
        elif action.choices:
            typed += [flag, sorted(action.choices)[0]]
        elif flag in ("--from", "--to"):
            typed += [flag, "2017-01-01"]
        else:
            typed += [flag, "1"]
    given = given_export_options(parser.parse_args(typed))
    assert set(given) == set(flags)
    used_anywhere = set().union(*USED_OPTIONS.values())
    assert set(given.values()) <= used_anywhere
    assert used_anywhere == {field.name for field in fields(ExportOptions)}
    for used in USED_OPTIONS.values():
        assert {"language", "personal_data"} <= used  # every export takes these


@pytest.mark.parametrize(
    "args, words",
    [
        (["exprt"], "invalid choice: 'exprt'"),
        (["export"], "the following arguments are required: FORMAT"),
        (["export", "xlsx", "-o", "x.xlsx", "--from", "2017-13-01"], "'2017-13-01' is not a date"),
        (["export", "docx", "-o", "x.docx", "--smallest-group", "abc"], "--smallest-group"),
        (["check", "--no-such-option"], "unrecognized arguments: --no-such-option"),
    ],
)
def test_a_mistyped_command_line_is_refused_in_one_line_without_the_usage_block(
    tmp_path, args, words
):
    from tests.helpers import run_cli

    result = run_cli(*args, home=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert words in lines[0] and "--help" in lines[0], lines[0]
    assert "usage:" not in result.stderr and "Traceback" not in result.stderr


def test_guide_check_prints_what_a_guide_holds_and_refuses_a_broken_one(tmp_path):
    from interviewer.resources import default_guide

    from interviewer.guide import load_guide, workbook_columns
    from tests.helpers import run_cli

    shipped = default_guide()
    result = run_cli("guide", "check", shipped, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{shipped}: a valid guide\n"), result.stdout
    guide = load_guide()
    for question in guide.questions:
        assert f"{question.number}. {question.key} ({question.answer.value})" in result.stdout
        assert ", ".join(workbook_columns(question)) in result.stdout
    # keys giving a column the workbook has for its own data: one line naming file and field
    broken = tmp_path / "guide.toml"
    text = shipped.read_text("utf-8")
    broken.write_text(
        text.replace('key = "priority"', 'key = "service"', 1).replace(
            'key = "department"', 'key = "area"', 1
        ),
        "utf-8",
    )
    result = run_cli("guide", "check", broken, home=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert f"{broken}: the scale key 'area' of question 1 ('service')" in lines[0], lines[0]
    assert "'service_area'" in lines[0] and "Traceback" not in result.stderr


def test_study_new_makes_a_study_on_a_guide_and_codebook_and_refuses_a_second(tmp_path):
    from interviewer.resources import default_codebook, default_guide

    from tests.helpers import run_cli

    db = tmp_path / "follow-up.sqlite"
    guide = tmp_path / "guide.toml"
    guide.write_text(
        default_guide().read_text("utf-8").replace('version = "1.0"', 'version = "2.1"', 1),
        "utf-8",
    )
    made = run_cli(
        "study", "new", "--db", db, "--name", " Follow-up ", "--guide", guide,
        "--codebook", default_codebook(), home=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "the study 'Follow-up', on the guide" in made.stdout and "version 2.1" in made.stdout
    connection = sqlite3.connect(db)
    name, version, guide_toml = connection.execute(
        "SELECT name, guide_version, guide_toml FROM study"
    ).fetchone()
    codes = connection.execute("SELECT count(*) FROM codebook_entry").fetchone()[0]
    connection.close()
    assert (name, version) == ("Follow-up", "2.1")
    assert guide_toml == guide.read_text("utf-8")  # kept as written, comments and all
    assert codes > 0
    # the study then takes interviews, and a second study is refused with the file unchanged
    assert run_cli("demo", "--db", db, "--interviews", 2, home=tmp_path).returncode == 0
    before = database_content(db)
    again = run_cli("study", "new", "--db", db, "--name", "Another", home=tmp_path)
    assert again.returncode == 1 and "already holds the study 'Follow-up'" in again.stderr
    assert len(again.stderr.splitlines()) == 1 and database_content(db) == before
    # a name of spaces, or a broken guide: refused before any file is made
    for bad in (["--name", "   "], ["--name", "X", "--guide", tmp_path / "missing.toml"]):
        fresh = tmp_path / "never.sqlite"
        result = run_cli("study", "new", "--db", fresh, *bad, home=tmp_path)
        assert result.returncode == 1 and len(result.stderr.splitlines()) == 1, result.stderr
        assert not fresh.exists()
