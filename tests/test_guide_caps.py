"""A guide and a codebook are held to caps wherever they come in (a guide file, `study
import`, a bundle's study): a rank count, a number of questions, probes, scales and codes,
and a length of every text, each text holding only characters the record takes. Each cap
broken is refused in one sentence naming the file and the field (breaker's F4: a guide with
max_items = 1000000000 was adopted and the Word synthesis never finished)."""

import json
import os
import re
import subprocess
import sys

import pytest
from interviewer.resources import default_codebook, default_guide

from interviewer.codebook import CODES_LIMIT, load_codebook
from interviewer.data_files import LINE_LIMIT, TEXT_LIMIT
from interviewer.errors import ResourceFileError
from interviewer.exchange.study_file import StudyRefused, check_study, export_study
from interviewer.guide import (
    MAX_ITEMS_LIMIT,
    PROBE_LIMIT,
    PROBES_LIMIT,
    QUESTIONS_LIMIT,
    load_guide,
    parse_guide,
)
from interviewer.storage.database import open_database

GUIDE = default_guide().read_text("utf-8")
CODEBOOK = default_codebook().read_text("utf-8")


def replaced(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def more_questions(count: int) -> str:
    """The default guide with ``count`` more copies of its first (ratings) question."""
    start = GUIDE.index("[[questions]]")
    first = GUIDE[start : GUIDE.index("[[questions]]", start + 1)]
    extra = [
        first.replace('key = "priority"', f'key = "extra_{n}"').replace(
            "number = 1", f"number = {100 + n}"
        )
        for n in range(count)
    ]
    return GUIDE + "\n" + "\n".join(extra)


GUIDE_CASES = {
    "max_items far too high": (
        replaced(GUIDE, "max_items = 3", "max_items = 1000000000"),
        "questions.1.max_items",
    ),
    "max_items one above the cap": (
        replaced(GUIDE, "max_items = 3", f"max_items = {MAX_ITEMS_LIMIT + 1}"),
        "questions.1.max_items",
    ),
    "max_items zero": (replaced(GUIDE, "max_items = 3", "max_items = 0"), "questions.1.max_items"),
    "two questions with one number": (
        replaced(GUIDE, "number = 2", "number = 1"),
        "number",
    ),
    "a title longer than a line": (
        replaced(GUIDE, 'en = "Priority"', 'en = "' + "P" * (LINE_LIMIT + 1) + '"'),
        "questions.0.title.en",
    ),
    "a title of 900,000 characters": (
        replaced(GUIDE, 'en = "Priority"', 'en = "' + "P" * 900_000 + '"'),
        "questions.0.title.en",
    ),
    "a title with ESC and BEL": (
        replaced(GUIDE, 'da = "Prioritet"', 'da = "Priori\\u001b[2J\\u0007tet"'),
        "questions.0.title.da",
    ),
    "a title with a bidi override": (
        replaced(GUIDE, 'da = "Prioritet"', 'da = "Prio\\u202eritet"'),
        "questions.0.title.da",
    ),
    "the guide's title with ESC": (
        replaced(
            GUIDE,
            'en = "Municipal managers and cross-organisational efforts"',
            'en = "Municipal\\u001b]0;owned\\u0007 managers"',
        ),
        "title.en",
    ),
    "a question's text too long": (
        replaced(GUIDE, 'en = "How high a priority', 'en = "' + "w" * TEXT_LIMIT + " How high"),
        "questions.0.text.en",
    ),
    "a probe too long": (
        replaced(
            GUIDE,
            '"What shows that it is (or is not) a priority?"',
            '"' + "p" * (PROBE_LIMIT + 1) + '"',
        ),
        "questions.0.probes.en",
    ),
    "too many probes": (
        replaced(
            GUIDE,
            '"What shows that it is (or is not) a priority?",',
            '"Why?", ' * PROBES_LIMIT + '"What shows that it is (or is not) a priority?",',
        ),
        "questions.0.probes.en",
    ),
    "a scale label with NUL": (
        replaced(GUIDE, 'en = "Your department"', 'en = "Your\\u0000 department"'),
        "questions.0.scales.0.label.en",
    ),
    "too many questions": (more_questions(QUESTIONS_LIMIT - 3), "questions"),
    "a version with a line break": (
        replaced(GUIDE, 'version = "1.0"', 'version = "1.0\\n2"'),
        "version",
    ),
}


@pytest.mark.parametrize("case", sorted(GUIDE_CASES))
def test_a_guide_over_a_cap_is_refused_naming_the_file_and_the_field(tmp_path, case):
    text, field = GUIDE_CASES[case]
    path = tmp_path / "guide.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ResourceFileError) as error:
        load_guide(str(path))
    message = str(error.value)
    assert message.startswith(f"{path}: "), message
    assert f"'{field}'" in message, message
    assert "\n" not in message and len(message) < 400  # one sentence, never the text itself
    assert "\x1b" not in message and "PPPPPPPPPP" not in message
    # the same guide as a study or a bundle carries it
    with pytest.raises(ResourceFileError, match=re.escape(f"'{field}'")):
        parse_guide(text)


def test_a_guide_at_every_cap_is_taken():
    text = replaced(GUIDE, "max_items = 3", f"max_items = {MAX_ITEMS_LIMIT}")
    text = replaced(text, 'en = "Priority"', 'en = "' + "P" * LINE_LIMIT + '"')
    text = replaced(
        text, '"What shows that it is (or is not) a priority?"', '"' + "p" * PROBE_LIMIT + '"'
    )
    guide = parse_guide(more_questions(QUESTIONS_LIMIT - 4).replace(GUIDE, text, 1))
    assert len(guide.questions) == QUESTIONS_LIMIT
    assert guide.max_challenges == MAX_ITEMS_LIMIT


def codes(count: int) -> str:
    start = CODEBOOK.index("[[challenge_themes]]")
    block = CODEBOOK[start : CODEBOOK.index("[[challenge_themes]]", start + 1)]
    extra = [
        block.replace('code = "separate_budgets"', f'code = "extra_{n}"') for n in range(count)
    ]
    return CODEBOOK + "\n" + "\n".join(extra)


CODEBOOK_CASES = {
    "too many codes of a kind": (codes(CODES_LIMIT), "challenge_themes"),
    "a label with ESC": (
        replaced(
            CODEBOOK,
            'en = "Separate budgets and goals per silo"',
            'en = "Separate\\u001b[31m budgets"',
        ),
        "challenge_themes.0.label.en",
    ),
    "a label too long": (
        replaced(
            CODEBOOK,
            'en = "Separate budgets and goals per silo"',
            'en = "' + "S" * (LINE_LIMIT + 1) + '"',
        ),
        "challenge_themes.0.label.en",
    ),
    "a description too long": (
        replaced(
            CODEBOOK,
            'en = "Each specialised unit is steered by its own budget and targets."',
            'en = "' + "d" * (TEXT_LIMIT + 1) + '"',
        ),
        "challenge_themes.0.description.en",
    ),
    "a code far too long": (
        replaced(CODEBOOK, 'code = "separate_budgets"', 'code = "' + "s" * 65 + '"'),
        "challenge_themes.0.code",
    ),
}


@pytest.mark.parametrize("case", sorted(CODEBOOK_CASES))
def test_a_codebook_over_a_cap_is_refused_naming_the_file_and_the_field(tmp_path, case):
    text, field = CODEBOOK_CASES[case]
    path = tmp_path / "codebook.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ResourceFileError) as error:
        load_codebook(str(path))
    message = str(error.value)
    assert message.startswith(f"{path}: ") and f"'{field}'" in message, message
    assert "\n" not in message and len(message) < 400


def test_a_codebook_at_the_cap_is_taken(tmp_path):
    path = tmp_path / "codebook.toml"
    path.write_text(codes(CODES_LIMIT - 10), "utf-8")
    assert len(load_codebook(str(path)).challenge_themes) == CODES_LIMIT


@pytest.fixture
def study(tmp_path) -> dict:
    lead = tmp_path / "lead.sqlite"
    open_database(lead).close()
    export_study(lead, tmp_path / "study.json")
    return json.loads((tmp_path / "study.json").read_text("utf-8"))


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("  ", "the study's name is blank where text is required"),
        ("Study\x1b[2J\x07", "the study's name holds a control character"),
        ("Study \u202eevil", "the study's name holds a bidirectional control character"),
        ("Two\nlines", "the study's name holds a line break in a one-line field"),
    ],
)
def test_a_study_whose_name_the_record_does_not_take_is_refused(study, name, reason):
    check_study(study["study"])  # as exported: taken
    with pytest.raises(StudyRefused, match=re.escape(reason)):
        check_study(study["study"] | {"name": name})


def test_study_import_refuses_a_guide_over_a_cap_in_one_sentence(tmp_path, study):
    """The breaker's sf/max_items.json, as a process: refused, naming the file and the
    field, and the database keeps its own study."""
    study["study"]["guide_toml"] = replaced(
        study["study"]["guide_toml"], "max_items = 3", "max_items = 1000000000"
    )
    path = tmp_path / "max_items.json"
    path.write_text(json.dumps(study), "utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "interviewer",
            "study",
            "import",
            "--db",
            tmp_path / "fs.sqlite",
            path,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")},
        timeout=300,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert str(path) in line and "'questions.1.max_items'" in line
    assert "less than or equal to 20" in line
