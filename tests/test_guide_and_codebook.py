"""The guide and codebook are data files: the defaults load, and broken files are named clearly."""

import pytest
from interviewer.resources import default_codebook, default_guide, municipalities

from interviewer.codebook import load_codebook
from interviewer.errors import ResourceFileError
from interviewer.guide import AnswerType, load_guide
from interviewer.storage.models import CodeKind


def test_the_default_guide_has_the_four_questions_in_both_languages():
    guide = load_guide()
    assert [(q.number, q.key, q.answer) for q in guide.questions] == [
        (1, "priority", AnswerType.RATINGS),
        (2, "challenges", AnswerType.RANKED_CHALLENGES),
        (3, "initiatives", AnswerType.INITIATIVES),
        (4, "effects", AnswerType.EFFECTS),
    ]
    for question in guide.questions:
        assert question.text.en != question.text.da
        assert len(question.probes.en) == len(question.probes.da) >= 2
    priority = guide.question("priority")
    assert [scale.key for scale in priority.scales] == ["department", "municipality"]
    assert guide.max_challenges == 3


def test_the_default_codebook_holds_the_studys_codes():
    codebook = load_codebook()
    codes = {kind: [code.code for code in codebook.codes(kind)] for kind in CodeKind}
    assert len(codes[CodeKind.CHALLENGE_THEME]) == 10
    assert len(codes[CodeKind.INITIATIVE_CATEGORY]) == 8
    assert len(codes[CodeKind.SERVICE_AREA]) == 7
    assert "relational_coordination" in codes[CodeKind.INITIATIVE_CATEGORY]
    assert all(code[-1] == "other" for code in codes.values())
    area = codebook.service_areas[0]
    assert area.label.in_language("da") == "Børn og familie"


def test_all_98_municipalities_are_offered():
    names = municipalities()
    assert len(names) == len(set(names)) == 98
    assert {"København", "Ærø", "Lyngby-Taarbæk"} <= set(names)


def broken_copy(tmp_path, source, old, new):
    text = source.read_text("utf-8")
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('da = "Prioritet"', 'dk = "Prioritet"', "field 'questions.0.title.dk'"),
        ('en = "Priority"\nda = "Prioritet"', 'en = "Priority"', "field 'questions.0.title.da'"),
        ("format_version = 1", "format_version = 7", "'format_version' is 7"),
        ('answer = "effects"', 'answer = "essay"', "field 'questions.3.answer'"),
        ('key = "priority"', "key = [", "not valid TOML"),
        (
            'key = "effects"',
            'key = "priority"',
            "questions 1 and 4 both have the key 'priority'; each question needs its own key",
        ),
    ],
)
def test_a_broken_guide_names_the_file_and_the_field(tmp_path, old, new, message):
    path = broken_copy(tmp_path, default_guide(), old, new)
    with pytest.raises(ResourceFileError) as error:
        load_guide(str(path))
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_a_broken_codebook_names_the_file_and_the_field(tmp_path):
    path = broken_copy(
        tmp_path, default_codebook(), 'code = "blame_culture"', 'code = "Blame culture"'
    )
    with pytest.raises(ResourceFileError, match=r"field 'challenge_themes\.6\.code'"):
        load_codebook(str(path))


def test_a_missing_or_non_text_file_is_reported(tmp_path):
    with pytest.raises(ResourceFileError, match="does not exist"):
        load_guide(str(tmp_path / "nope.toml"))
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ResourceFileError, match="not UTF-8"):
        load_codebook(str(binary))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        # a ratings question "service" with a scale "area": the workbook has service_area
        (
            [('key = "priority"', 'key = "service"'), ('key = "department"', 'key = "area"')],
            "the scale key 'area' of question 1 ('service') gives the workbook column "
            "'service_area', which the workbook already has for its own data",
        ),
        # "notes" + "effects" is the notes column of the question "effects"
        (
            [('key = "priority"', 'key = "notes"'), ('key = "department"', 'key = "effects"')],
            "the key of question 4 ('effects') gives the workbook column 'notes_effects', "
            "which the scale key 'effects' of question 1 ('notes') gives too",
        ),
    ],
)
def test_guide_keys_that_would_name_two_workbook_columns_alike_are_refused(
    tmp_path, changes, message
):
    text = default_guide().read_text("utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "colliding.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ResourceFileError) as error:
        load_guide(str(path))
    assert str(path) in str(error.value) and message in str(error.value)
    assert "\n" not in str(error.value)


SCALES = """[[questions.scales]]
key = "department"
[questions.scales.label]
en = "Your department"
da = "Din afdeling"
[[questions.scales]]
key = "municipality"
[questions.scales.label]
en = "The municipality"
da = "Kommunen"
"""

# every refusal of a rule across a guide's fields, as (changes to the default guide, words
# the sentence must hold): each is one plain sentence naming the question, never pydantic's
WHOLE_GUIDE_REFUSALS = {
    "two questions with one key": (
        [('key = "effects"', 'key = "priority"')],
        "questions 1 and 4 both have the key 'priority'",
    ),
    "two questions with one number": (
        [("number = 2", "number = 1")],
        "the questions 'priority' and 'challenges' both have 'number' = 1",
    ),
    "two effects questions": (
        [('answer = "initiatives"', 'answer = "effects"')],
        "question 3 ('initiatives') and question 4 ('effects') both have answer = 'effects'",
    ),
    "a ratings question without scales": (
        [(SCALES, "")],
        "question 1 ('priority') is a ratings question, so it needs at least one entry in 'scales'",
    ),
    "four scale points": (
        [('"Moderate", ', "")],
        "question 1 ('priority') is a ratings question, so its 'scale_points' must name the 5 "
        "points",
    ),
    "a scale key giving a column the workbook has": (
        [('key = "priority"', 'key = "service"'), ('key = "department"', 'key = "area"')],
        "the scale key 'area' of question 1 ('service') gives the workbook column 'service_area'",
    ),
    "a question key giving another key's column": (
        [('key = "priority"', 'key = "minutes"'), ('key = "department"', 'key = "challenges"')],
        "the key of question 2 ('challenges') gives the workbook column 'minutes_challenges', "
        "which the scale key 'challenges' of question 1 ('minutes') gives too",
    ),
    "a scale's rating column alike another scale's don't-know column": (
        [('key = "municipality"', 'key = "department_dont_know"')],
        "the scale key 'department_dont_know' of question 1 ('priority') gives the workbook "
        "column 'priority_department_dont_know', which the scale key 'department' of "
        "question 1 ('priority') gives too",
    ),
}


@pytest.mark.parametrize("case", sorted(WHOLE_GUIDE_REFUSALS))
def test_a_guide_breaking_a_rule_across_fields_is_refused_in_one_plain_sentence(tmp_path, case):
    from interviewer.guide import parse_guide

    changes, words = WHOLE_GUIDE_REFUSALS[case]
    text = default_guide().read_text("utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "guide.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ResourceFileError) as error:
        load_guide(str(path))
    message = str(error.value)
    assert message.startswith(f"{path}: "), message
    assert words in message, message
    for pydantic_wording in ("Value error", "(top level)", "field '", "questions.0"):
        assert pydantic_wording not in message, message
    assert "\n" not in message and message.count(";") <= 1, message
    # the same guide as a study keeps it: the same sentence after the study's guide's name
    with pytest.raises(ResourceFileError) as stored:
        parse_guide(text)
    assert str(stored.value) == "the study's guide: " + message.removeprefix(f"{path}: ")


def test_a_codebook_breaking_a_rule_across_fields_is_refused_in_one_plain_sentence(tmp_path):
    # a code given twice in one list: the rule spans entries, so no single field is at fault
    path = broken_copy(
        tmp_path, default_codebook(), 'code = "blame_culture"', 'code = "resource_pressure"'
    )
    assert path.read_text("utf-8").count('code = "resource_pressure"') == 2
    with pytest.raises(ResourceFileError) as error:
        load_codebook(str(path))
    message = str(error.value)
    assert message.startswith(f"{path}: "), message
    assert "the code 'resource_pressure' is in 'challenge_themes' twice" in message, message
    for pydantic_wording in ("Value error", "(top level)", "field '"):
        assert pydantic_wording not in message, message
