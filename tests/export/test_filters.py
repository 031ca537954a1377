"""A filter that names nothing of the study, or chooses no interview, is refused by every
export, on the command line and in the app alike: one sentence, a non-zero exit, nothing
written, never a traceback, never the interviewer name typed (breaker11 F5). The same for
an output whose suffix is not the export's, and for options that do nothing for the export
chosen."""

import sqlite3
import uuid

import pytest

from interviewer.export.options import SYNTHESIS, WORKBOOK, ExportOptions, FilterRefused
from interviewer.export.options import InterviewFilter as Filter
from interviewer.ui.export_dialog import export_work
from tests.helpers import file_digest, run_cli

SUFFIX = {WORKBOOK: ".xlsx", SYNTHESIS: ".docx"}
COMMAND = {WORKBOOK: ("export", "xlsx"), SYNTHESIS: ("export", "docx")}
TYPED_NAME = "Zorroqx Nemo"  # nobody in the demo: must never be repeated in a refusal


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    from interviewer.demo import generate_demo
    from interviewer.storage.database import open_database

    path = tmp_path_factory.mktemp("filters") / "study.sqlite"
    database = open_database(path)
    generate_demo(database, interviews=20, seed=3)
    database.close()
    connection = sqlite3.connect(path)
    names = [row[0] for row in connection.execute("SELECT name FROM interviewer ORDER BY name")]
    codes = [
        row[0]
        for row in connection.execute(
            "SELECT code FROM codebook_entry WHERE kind = 'service_area' ORDER BY position"
        )
    ]
    interview = connection.execute("SELECT id FROM interview LIMIT 1").fetchone()[0]
    connection.close()
    return {"db": path, "names": names, "codes": codes, "interview": uuid.UUID(interview)}


def bad_filters(study) -> dict:
    """Each bad filter: (command-line options, the same as InterviewFilter, words of the
    sentence, words it must not hold)."""
    someone = study["names"][0]
    return {
        "an unknown service-area code": (
            ["--service-area", "nosuch"],
            Filter(service_areas=("nosuch",)),
            ["no service area 'nosuch'", "its codes are " + ", ".join(study["codes"])],
            [],
        ),
        "a known and an unknown code": (
            ["--service-area", study["codes"][0], "--service-area", "Education"],
            Filter(service_areas=(study["codes"][0], "Education")),
            ["no service area 'Education'"],
            [],
        ),
        "an interviewer nobody is": (
            ["--interviewer", TYPED_NAME],
            Filter(interviewers=(TYPED_NAME,)),
            ["no interviewer of this study has the interviewer name chosen"],
            [TYPED_NAME, "Zorroqx"],
        ),
        "a name in other letters": (
            ["--interviewer", someone.upper()],
            Filter(interviewers=(someone.upper(),)),
            ["no interviewer of this study has the interviewer name chosen"],
            [someone.upper()],
        ),
        "one real and one unknown interviewer": (
            ["--interviewer", someone, "--interviewer", TYPED_NAME],
            Filter(interviewers=(someone, TYPED_NAME)),
            ["1 of the 2 interviewer names chosen is the name of no interviewer"],
            [someone, TYPED_NAME],
        ),
        "--from after --to": (
            ["--from", "2018-01-01", "--to", "2017-01-01"],
            Filter(date_from=_day("2018-01-01"), date_to=_day("2017-01-01")),
            ["the first date chosen (2018-01-01) is after the last (2017-01-01)"],
            [],
        ),
        "dates no interview is in": (
            ["--from", "2099-01-01"],
            Filter(date_from=_day("2099-01-01")),
            ["no interview matches the filter chosen"],
            [],
        ),
        "conditions no interview meets together": (
            ["--interviewer", someone, "--from", "2099-01-01", "--status", "draft"],
            Filter(interviewers=(someone,), date_from=_day("2099-01-01"), status="draft"),
            ["no interview matches the filter chosen"],
            [someone],
        ),
    }


def _day(text):
    from datetime import date

    return date.fromisoformat(text)


CASES = [
    "an unknown service-area code",
    "a known and an unknown code",
    "an interviewer nobody is",
    "a name in other letters",
    "one real and one unknown interviewer",
    "--from after --to",
    "dates no interview is in",
    "conditions no interview meets together",
]


def refused_in_one_line(result, *, code: int = 1) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("interviewer export: "), result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), result.stderr
    assert result.stdout == ""
    return result.stderr.removeprefix("interviewer export: ").rstrip("\n")


def output_folder(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("kind", [WORKBOOK, SYNTHESIS])
@pytest.mark.parametrize("case", CASES)
def test_a_bad_filter_is_refused_by_the_command_line_and_the_app_alike(study, tmp_path, kind, case):
    options, chosen, said, never = bad_filters(study)[case]
    out = output_folder(tmp_path) / f"export{SUFFIX[kind]}"
    db_before = file_digest(study["db"])
    result = run_cli(*COMMAND[kind], "--db", study["db"], "-o", out, *options, home=tmp_path)
    sentence = refused_in_one_line(result)
    for words in said:
        assert words in sentence, sentence
    for words in never:
        assert words not in result.stderr, sentence
    assert list(out.parent.iterdir()) == []  # no file, no partial file
    # the app's dialog runs export_work: the same refusal, the same sentence, nothing written
    work = export_work(kind, study["db"], out, ExportOptions(filter=chosen))
    with pytest.raises(FilterRefused) as refused:
        work(lambda done, total: None)
    assert str(refused.value) == sentence
    assert list(out.parent.iterdir()) == []
    assert file_digest(study["db"]) == db_before


@pytest.mark.parametrize("kind", [WORKBOOK, SYNTHESIS])
def test_a_filter_that_chooses_something_is_taken(study, tmp_path, kind):
    out = tmp_path / f"export{SUFFIX[kind]}"
    someone = study["names"][0]
    result = run_cli(
        *COMMAND[kind],
        "--db",
        study["db"],
        "-o",
        out,
        "--interviewer",
        someone,
        *(["--smallest-group", "1"] if kind == SYNTHESIS else []),
        home=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert out.exists()


@pytest.mark.parametrize("value", ["2017-13-01", "2017-02-30", "yesterday", "20170601x", "x" * 300])
@pytest.mark.parametrize("option", ["--from", "--to"])
def test_a_date_that_is_no_date_is_said_in_the_apps_words(study, tmp_path, option, value):
    out = tmp_path / "export.docx"
    result = run_cli("export", "docx", "--db", study["db"], "-o", out, option, value, home=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    last = result.stderr.rstrip("\n").splitlines()[-1]
    assert len(result.stderr.splitlines()) == 1, result.stderr  # the line, not a usage block
    assert last.startswith(f"interviewer export docx: argument {option}: '"), last
    assert "' is not a date written YYYY-MM-DD (e.g. 2017-06-20)" in last, last
    assert "fromisoformat" not in result.stderr and len(last) < 200
    assert not out.exists()


# --------------------------------------------------------------- the output's suffix


@pytest.mark.parametrize(
    ("command", "name", "export"),
    [
        (("export", "xlsx"), "study.docx", "the study workbook needs a file name ending in .xlsx"),
        (("export", "xlsx"), "study", "the study workbook needs a file name ending in .xlsx"),
        (
            ("export", "docx"),
            "report.xlsx",
            "the study synthesis needs a file name ending in .docx",
        ),
        (("export", "docx"), "notes.txt", "the study synthesis needs a file name ending in .docx"),
        (
            ("export", "docx", "--interview", "{interview}"),
            "summary.xlsx",
            "one interview's summary needs a file name ending in .docx",
        ),
    ],
)
def test_an_output_without_the_exports_suffix_is_refused_and_left_as_it_was(
    study, tmp_path, command, name, export
):
    out = tmp_path / name
    out.write_text("a file someone keeps\n")
    words = [part.format(interview=study["interview"]) for part in command]
    result = run_cli(*words, "--db", study["db"], "-o", out, home=tmp_path)
    sentence = refused_in_one_line(result)
    assert sentence.endswith(export), sentence
    assert out.read_text() == "a file someone keeps\n"


@pytest.mark.parametrize("name", ["STUDY.XLSX", "study.Xlsx"])
def test_the_suffix_is_matched_ignoring_case(study, tmp_path, name):
    result = run_cli("export", "xlsx", "--db", study["db"], "-o", tmp_path / name, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / name).exists()


# --------------------------------------------------- options that do nothing for the export


@pytest.mark.parametrize(
    ("command", "options", "said"),
    [
        (
            ("export", "xlsx"),
            ["--internal-notes"],
            "--internal-notes does nothing for the study workbook",
        ),
        (
            ("export", "docx"),
            ["--internal-notes"],
            "--internal-notes does nothing for the study synthesis",
        ),
        (
            ("export", "xlsx"),
            ["--attribution", "role", "--quotes-without-consent", "--smallest-group", "5"],
            "--attribution, --quotes-without-consent, --smallest-group do nothing for the study "
            "workbook",
        ),
        (
            ("export", "docx", "--interview", "{interview}"),
            ["--service-area", "education", "--status", "complete"],
            "--service-area, --status do nothing for one interview's summary",
        ),
        (
            ("export", "docx", "--interview", "{interview}"),
            ["--interviewer", TYPED_NAME, "--from", "2017-01-01", "--to", "2017-12-31"],
            "--interviewer, --from, --to do nothing for one interview's summary",
        ),
        (
            ("export", "docx", "--interview", "{interview}"),
            ["--attribution", "role-and-area", "--quotes-without-consent", "--smallest-group", "4"],
            "--attribution, --quotes-without-consent, --smallest-group do nothing for one "
            "interview's summary",
        ),
    ],
)
def test_an_option_that_does_nothing_for_the_export_is_refused_not_ignored(
    study, tmp_path, command, options, said
):
    out = output_folder(tmp_path) / ("x.xlsx" if command[1] == "xlsx" else "x.docx")
    words = [part.format(interview=study["interview"]) for part in command]
    result = run_cli(*words, "--db", study["db"], "-o", out, *options, home=tmp_path)
    sentence = refused_in_one_line(result)
    assert sentence.startswith(said), sentence
    assert TYPED_NAME not in result.stderr
    assert list(out.parent.iterdir()) == []


def test_whatever_the_filter_it_is_refused_exactly_when_it_chooses_nothing(study):
    """Any mix of known and unknown codes and names, statuses and dates: check_filter lets a
    filter through only when it chooses at least one interview, and a refusal never repeats
    a name typed."""
    from datetime import date

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from sqlalchemy import create_engine
    from sqlmodel import Session

    from interviewer.export.options import check_filter

    days = st.sampled_from([None, date(2016, 1, 1), date(2017, 6, 15), date(2099, 1, 1)])
    filters = st.builds(
        Filter,
        service_areas=st.lists(st.sampled_from([*study["codes"], "nosuch"]), max_size=3).map(tuple),
        interviewers=st.lists(st.sampled_from([*study["names"], TYPED_NAME]), max_size=2).map(
            tuple
        ),
        status=st.sampled_from([None, "draft", "complete"]),
        date_from=days,
        date_to=days,
    )
    engine = create_engine(f"sqlite:///{study['db']}")

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(chosen=filters)
    def check(chosen):
        with Session(engine) as session:
            chosen_ids = session.execute(chosen.interview_ids_query()).all()
            try:
                check_filter(session, chosen)
            except FilterRefused as refused:
                for name in chosen.interviewers:
                    assert name not in str(refused)
                assert (
                    not chosen_ids
                    or "nosuch" in chosen.service_areas
                    or (TYPED_NAME in chosen.interviewers)
                ), (chosen, str(refused))
            else:
                assert chosen_ids, chosen

    try:
        check()
    finally:
        engine.dispose()
