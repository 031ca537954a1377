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


# ------------------------------------- a synthesis leaving out fewer than k (breaker11b F1)


def _text(path) -> str:
    from docx import Document

    document = Document(path)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _last_day(study) -> tuple[str, str, int]:
    """(the study's last interview day, the day before it as --to, interviews held on it)."""
    from datetime import timedelta

    connection = sqlite3.connect(study["db"])
    day, held = connection.execute(
        "SELECT interview_date, count(*) FROM interview WHERE deleted_at IS NULL"
        " GROUP BY interview_date ORDER BY interview_date DESC LIMIT 1"
    ).fetchone()
    connection.close()
    return day, (date_of(day) - timedelta(days=1)).isoformat(), held


def date_of(text):
    from datetime import date

    return date.fromisoformat(text)


def test_a_synthesis_leaving_out_fewer_than_k_interviews_is_refused(study, tmp_path):
    """The full report and one to the day before the last differ by the last day's
    interviews: set side by side they would give those interviews' ratings, ranks and area.
    So a synthesis leaves out nothing or at least k, on the command line and in the app."""
    _, day_before, held = _last_day(study)
    k = held + 1  # the last day's interviews are fewer than k
    out = output_folder(tmp_path) / "to-the-day-before.docx"
    options = ["--to", day_before, "--smallest-group", str(k)]
    result = run_cli("export", "docx", "--db", study["db"], "-o", out, *options, home=tmp_path)
    sentence = refused_in_one_line(result)
    assert sentence.startswith(f"the choice leaves out {held} interview"), sentence
    assert f"fewer than the smallest group a report may show ({k})" in sentence
    assert sentence.endswith(f"leave out none or at least {k}"), sentence
    assert list(out.parent.iterdir()) == []
    chosen = ExportOptions(filter=Filter(date_to=date_of(day_before)), smallest_group=k)
    with pytest.raises(FilterRefused) as refused:
        export_work(SYNTHESIS, study["db"], out, chosen)(lambda done, total: None)
    assert str(refused.value) == sentence
    assert list(out.parent.iterdir()) == []


def test_a_synthesis_leaving_out_nothing_or_at_least_k_is_written(study, tmp_path):
    day, day_before, held = _last_day(study)
    total = sqlite3.connect(study["db"]).execute("SELECT count(*) FROM interview").fetchone()[0]
    # leaving out exactly k: written, and the report covers the others
    out = tmp_path / "k-left-out.docx"
    options = ["--to", day_before, "--smallest-group", str(held)]
    result = run_cli("export", "docx", "--db", study["db"], "-o", out, *options, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"{total - held} interviews" in _text(out)
    # a filter that leaves out nothing (to the last day): written at any k up to the total
    out = tmp_path / "nothing-left-out.docx"
    options = ["--to", day, "--smallest-group", str(total)]
    result = run_cli("export", "docx", "--db", study["db"], "-o", out, *options, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"synthesis of {total} interviews" in result.stdout


def test_the_workbook_applies_no_k_to_what_it_leaves_out(study, tmp_path):
    """The workbook is the team's raw data: the filter the synthesis refuses is taken."""
    from openpyxl import load_workbook

    day, day_before, held = _last_day(study)
    out = tmp_path / "to-the-day-before.xlsx"
    result = run_cli(
        "export", "xlsx", "--db", study["db"], "-o", out, "--to", day_before, home=tmp_path
    )
    assert result.returncode == 0, result.stderr
    workbook = load_workbook(out, read_only=True)
    days = {str(row[0])[:10] for row in workbook["Interviews"].iter_rows(values_only=True)}
    workbook.close()
    assert day not in days


def test_whatever_the_filter_a_synthesis_leaves_out_none_or_at_least_k(study):
    """Any filter and k: check_filter with k lets a filter through only when the study's
    interviews it leaves out are none or at least k."""
    from datetime import date

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from sqlalchemy import create_engine
    from sqlmodel import Session

    from interviewer.export.options import check_filter

    connection = sqlite3.connect(study["db"])
    days = sorted({d for (d,) in connection.execute("SELECT interview_date FROM interview")})
    total = connection.execute("SELECT count(*) FROM interview").fetchone()[0]
    connection.close()
    filters = st.builds(
        Filter,
        service_areas=st.lists(st.sampled_from(study["codes"]), max_size=3).map(tuple),
        interviewers=st.lists(st.sampled_from(study["names"]), max_size=4).map(tuple),
        status=st.sampled_from([None, "draft", "complete"]),
        date_from=st.sampled_from([None, *map(date.fromisoformat, days[:4])]),
        date_to=st.sampled_from([None, *map(date.fromisoformat, days[-4:])]),
    )
    engine = create_engine(f"sqlite:///{study['db']}")

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(chosen=filters, k=st.integers(1, 8))
    def check(chosen, k):
        with Session(engine) as session:
            kept = len(session.execute(chosen.interview_ids_query()).all())
            try:
                check_filter(session, chosen, smallest_group=k)
            except FilterRefused as refused:
                assert kept == 0 or 0 < total - kept < k, (chosen, k, str(refused))
            else:
                assert kept > 0 and (total - kept == 0 or total - kept >= k), (chosen, k)

    try:
        check()
    finally:
        engine.dispose()


# ------------------------ day filters of an anonymised export (breaker11b F18 addendum)


@pytest.mark.parametrize("kind", [WORKBOOK, SYNTHESIS])
@pytest.mark.parametrize(
    ("options", "said"),
    [
        (
            ["--from", "2017-06-21"],
            "so the first date chosen (2017-06-21) must be the first day of its month (2017-06-01)",
        ),
        (
            ["--from", "2017-06-01", "--to", "2017-06-29"],
            "so the last date chosen (2017-06-29) must be the last day of its month (2017-06-30)",
        ),
        (
            ["--to", "2016-02-28"],  # a leap year's February ends on the 29th
            "so the last date chosen (2016-02-28) must be the last day of its month (2016-02-29)",
        ),
    ],
)
def test_an_anonymised_export_refuses_a_day_it_would_describe_as_its_month(
    study, tmp_path, kind, options, said
):
    """Without personal data an export names months: "from 2017-06" for a choice from 21
    June would misstate it (and two reports a day apart would read alike)."""
    out = output_folder(tmp_path) / f"export{SUFFIX[kind]}"
    result = run_cli(
        *COMMAND[kind], "--db", study["db"], "-o", out, "--no-personal-data", *options,
        home=tmp_path,
    )  # fmt: skip
    sentence = refused_in_one_line(result)
    assert sentence.startswith("with personal data left out an export names months, not days")
    assert sentence.endswith(said), sentence
    assert list(out.parent.iterdir()) == []
    flags = dict(zip(options[::2], map(date_of, options[1::2]), strict=True))
    chosen = Filter(date_from=flags.get("--from"), date_to=flags.get("--to"))
    work = export_work(kind, study["db"], out, ExportOptions(filter=chosen, personal_data=False))
    with pytest.raises(FilterRefused) as refused:
        work(lambda done, total: None)
    assert str(refused.value) == sentence
    assert list(out.parent.iterdir()) == []


def test_an_anonymised_export_of_whole_months_says_the_months_and_a_named_one_the_days(
    study, tmp_path
):
    from openpyxl import load_workbook

    months = ["--from", "2017-06-01", "--to", "2017-07-31"]
    out = tmp_path / "months.xlsx"
    result = run_cli(
        "export", "xlsx", "--db", study["db"], "-o", out, "--no-personal-data", *months,
        home=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    workbook = load_workbook(out, read_only=True)
    (covered,) = [
        row[1]
        for row in workbook["README"].iter_rows(values_only=True)
        if row[:1] == ("Interviews covered",)
    ]
    workbook.close()
    assert covered == "from 2017-06; to 2017-07", covered
    out = tmp_path / "days.docx"  # with personal data, any day: said as chosen
    days = ["--from", "2017-06-21", "--to", "2017-08-29", "--smallest-group", "1"]
    result = run_cli("export", "docx", "--db", study["db"], "-o", out, *days, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Chosen: from 2017-06-21; to 2017-08-29." in _text(out)


def test_the_dialog_refuses_an_anonymised_day_before_asking_for_a_file(qtbot):
    from datetime import date

    from PySide6.QtWidgets import QDialog

    from interviewer.ui.export_dialog import ExportDialog
    from tests.ui.test_app import close_next_dialog

    dialog = ExportDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    (from_check, from_edit), _ = dialog.date_from, dialog.date_to
    from_check.setChecked(True)
    from_edit.set_value(date(2017, 6, 21))
    dialog.no_personal_data.setChecked(True)
    seen: list[str] = []
    close_next_dialog(seen)
    dialog.accept()
    assert seen == [
        "with personal data left out an export names months, not days, so the first date "
        "chosen (2017-06-21) must be the first day of its month (2017-06-01)"
    ]
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    from_edit.set_value(date(2017, 6, 1))
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted


# ------------------------------------------------ options given twice (breaker11b F16)


@pytest.mark.parametrize(
    ("command", "options", "option"),
    [
        (("export", "docx"), ["--status", "draft", "--status", "complete"], "--status"),
        (
            ("export", "docx"),
            ["--smallest-group", "3", "--smallest-group", "50"],
            "--smallest-group",
        ),
        (("export", "docx"), ["--language", "en", "--language", "da"], "--language"),
        (
            ("export", "docx"),
            ["--attribution", "role", "--attribution", "role-and-area"],
            "--attribution",
        ),
        (("export", "xlsx"), ["--from", "2017-01-01", "--from", "2017-02-01"], "--from"),
        (("export", "xlsx"), ["--to", "2017-09-30", "--to", "2017-08-31"], "--to"),
        (("export", "xlsx"), ["-o", "{folder}/other.xlsx"], "-o/--output"),
        (
            ("export", "docx", "--interview", "{interview}"),
            ["--interview", "{other}"],
            "--interview",
        ),
    ],
)
def test_an_option_given_twice_with_different_values_is_refused(
    study, tmp_path, command, options, option
):
    """The last silently winning would hide a contradiction (--smallest-group 3 from a
    script, 50 typed after it: the weaker could win)."""
    folder = output_folder(tmp_path)
    out = folder / ("x.xlsx" if command[1] == "xlsx" else "x.docx")
    other = sqlite3.connect(study["db"]).execute("SELECT id FROM interview").fetchall()[-1][0]
    values = dict(interview=study["interview"], other=uuid.UUID(other), folder=folder)
    words = [*(part.format(**values) for part in command), "--db", study["db"], "-o", out]
    result = run_cli(*words, *[part.format(**values) for part in options], home=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert f"argument {option}: it is given twice with different values; give it once" in (
        result.stderr
    )
    assert list(folder.iterdir()) == []


def test_an_option_given_twice_with_one_value_is_taken_once(study, tmp_path):
    """The same value twice is no contradiction; a filter's value twice is one condition
    ("service area Education, Education." said nothing more), and a name with spaces around
    it is the name (names are matched ignoring extra spaces, as the refusal says)."""
    code, someone = (
        sqlite3.connect(study["db"])
        .execute(
            "SELECT i.service_area, p.name FROM interview i JOIN interviewer p"
            " ON p.id = i.interviewer_id WHERE i.status = 'complete' ORDER BY i.id LIMIT 1"
        )
        .fetchone()
    )
    out = tmp_path / "twice.docx"
    result = run_cli(
        "export", "docx", "--db", study["db"], "-o", out, "--status", "complete",
        "--status", "complete", "--smallest-group", "1", "--smallest-group", "1",
        "--service-area", code, "--service-area", code,
        "--interviewer", someone, "--interviewer", f"  {someone} ",
        home=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = _text(out)
    (chosen,) = [line for line in text.splitlines() if line.startswith("Chosen: ")]
    assert chosen.count(someone) == 1, chosen
    assert f"interviewer {someone};" in chosen
    assert chosen.count(", ") == 0, chosen  # one area, one interviewer: no list


def test_a_name_with_spaces_around_it_is_matched_as_the_refusal_says(study, tmp_path):
    someone = study["names"][0]
    out = tmp_path / "spaces.xlsx"
    result = run_cli(
        "export", "xlsx", "--db", study["db"], "-o", out, "--interviewer", f" {someone}  ",
        home=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    refused = run_cli(
        "export", "xlsx", "--db", study["db"], "-o", out, "--interviewer", TYPED_NAME,
        home=tmp_path,
    )  # fmt: skip
    assert "names are matched letter for letter, as the app shows them, ignoring extra spaces" in (
        refused_in_one_line(refused)
    )
