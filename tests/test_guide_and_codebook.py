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
        ('key = "effects"', 'key = "priority"', "question keys must be unique"),
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
            "field 'questions.0.scales.0.key' gives the workbook column 'service_area'",
        ),
        # "notes" + "effects" is the notes column of the question "effects"
        (
            [('key = "priority"', 'key = "notes"'), ('key = "department"', 'key = "effects"')],
            "field 'questions.3.key' gives the workbook column 'notes_effects', which field "
            "'questions.0.scales.0.key' gives too",
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
