"""One person, one name; one-line fields stay on one line, whichever service writes them."""

import unicodedata
import uuid
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import SQLModel

from interviewer import interviews as svc
from interviewer.export.options import InterviewFilter
from interviewer.storage.models import Interviewer
from interviewer.text_rules import clean_name, interviewer_id, match_listed, search_words

BREAKS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\v", "\f"]

# names as people have them: letters of many scripts, combining marks, spaces around
names = st.text(
    alphabet=st.characters(categories=("L", "M", "Zs"), exclude_characters="\x00"),
    min_size=1,
    max_size=30,
).filter(lambda name: clean_name(name))


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@given(name=names)
def test_a_name_and_its_decomposed_form_are_one_interviewer_id(name):
    study_id = uuid.UUID(int=7)
    assert interviewer_id(study_id, name) == interviewer_id(study_id, nfd(name))
    assert interviewer_id(study_id, f"  {name}\n") == interviewer_id(study_id, name)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names)
def test_typed_and_pasted_names_are_one_interviewer_in_the_database(session, study, name):
    typed = svc.interviewer_named(session=session, study=study, name=name)
    pasted = svc.interviewer_named(session=session, study=study, name=f" {nfd(name)} ")
    assert pasted.id == typed.id
    assert typed.name == clean_name(name)
    assert typed.id == interviewer_id(study.id, name)


def test_ase_kjaergard_typed_and_pasted_is_one_person_found_by_either_filter(session, study):
    typed = "Åse Kjærgård"
    pasted = nfd(typed)
    assert pasted != typed  # the decomposed form really differs, code point by code point
    first = svc.interviewer_named(session=session, study=study, name=typed)
    second = svc.interviewer_named(session=session, study=study, name=pasted)
    assert first.id == second.id
    assert [p.name for p in svc.study_interviewers(session=session, study=study)] == [typed]
    interview = svc.create_interview(
        session=session,
        study=study,
        respondent_role="Head of Elderly Services",
        service_area="elderly",
        municipality="Vejle",
        interview_date=date(2026, 3, 2),
        interviewer=second,
    )
    for name in (typed, pasted, f" {pasted}  "):
        query = InterviewFilter(interviewers=(name,)).interview_ids_query()
        assert list(session.exec(query).scalars()) == [interview.id]


def test_a_municipality_in_another_case_is_the_list_entry():
    listed = ["Aabenraa", "Aarhus", "Ærø"]
    assert match_listed("aarhus", listed) == "Aarhus"
    assert match_listed("  AARHUS ", listed) == "Aarhus"
    assert match_listed(nfd("ærø"), listed) == "Ærø"
    assert match_listed("Aarhus Nord", listed) == "Aarhus Nord"  # free text is kept
    assert svc.municipality_name("københavn") == "København"


def test_a_new_interview_stores_the_listed_municipality(session, study):
    interview = svc.create_interview(
        session=session,
        study=study,
        respondent_role=" Head of Employment Services ",
        service_area="employment",
        municipality="aarhus",
        interview_date=date(2026, 3, 2),
    )
    assert (interview.respondent_role, interview.municipality) == (
        "Head of Employment Services",
        "Aarhus",
    )


def test_filter_words_are_compared_folded_and_composed():
    assert search_words(nfd("ÅSE  Kjærgård")) == ["åse", "kjærgård"]


# ------------------------------------------------------------------ one line


def _interview(session, study):
    return svc.create_interview(
        session=session,
        study=study,
        respondent_role="Head of Disability Services",
        service_area="disability",
        municipality="Odense",
        interview_date=date(2026, 3, 2),
    )


def _one_line_writes(session, study):
    """(description, write(text) -> the stored value) for every service storing a one-line
    field."""
    interview = _interview(session, study)
    challenge = svc.add_challenge(session=session, interview_id=interview.id, title="t")
    initiative = svc.add_initiative(session=session, interview_id=interview.id, title="t")
    effect = svc.add_effect(session=session, initiative_id=initiative.id)
    quote = svc.add_quote(session=session, interview_id=interview.id, text="Said.")
    writes = []
    for field in sorted(svc.SINGLE_LINE_FIELDS[svc.Interview] & svc.INTERVIEW_EDITABLE):
        writes.append(
            (
                f"update_interview {field}",
                lambda text, field=field: getattr(
                    svc.update_interview(
                        session=session, interview_id=interview.id, **{field: text}
                    ),
                    field,
                ),
            )
        )
    writes += [
        (
            "create_interview role",
            lambda text: (
                svc.create_interview(
                    session=session,
                    study=study,
                    respondent_role=text,
                    service_area="education",
                    municipality=text,
                    location=text,
                    respondent_name=text,
                    interview_date=date(2026, 3, 3),
                ).respondent_role
            ),
        ),
        (
            "create_interview device",
            lambda text: (
                svc.create_interview(
                    session=session,
                    study=study,
                    respondent_role="Head of care",
                    service_area="education",
                    municipality="Aarhus",
                    interview_date=date(2026, 3, 3),
                    device=text,
                ).created_device
            ),
        ),
        (
            "add_challenge",
            lambda text: (
                svc.add_challenge(
                    session=session, interview_id=_interview(session, study).id, title=text
                ).title
            ),
        ),
        (
            "update_challenge",
            lambda text: (
                svc.update_challenge(session=session, challenge_id=challenge.id, title=text).title
            ),
        ),
        (
            "add_initiative",
            lambda text: (
                svc.add_initiative(session=session, interview_id=interview.id, title=text).title
            ),
        ),
        (
            "update_initiative",
            lambda text: (
                svc.update_initiative(
                    session=session, initiative_id=initiative.id, title=text
                ).title
            ),
        ),
        (
            "add_quote speaker",
            lambda text: (
                svc.add_quote(
                    session=session, interview_id=interview.id, text="x", speaker_role=text
                ).speaker_role
            ),
        ),
        (
            "update_quote speaker",
            lambda text: (
                svc.update_quote(session=session, quote_id=quote.id, speaker_role=text).speaker_role
            ),
        ),
        (
            "interviewer_named",
            lambda text: svc.interviewer_named(session=session, study=study, name=text).name,
        ),
    ]
    for field in ("metric", "unit", "period"):
        writes += [
            (
                f"add_effect {field}",
                lambda text, field=field: getattr(
                    svc.add_effect(session=session, initiative_id=initiative.id, **{field: text}),
                    field,
                ),
            ),
            (
                f"update_effect {field}",
                lambda text, field=field: getattr(
                    svc.update_effect(session=session, effect_id=effect.id, **{field: text}),
                    field,
                ),
            ),
        ]
    return writes


@pytest.mark.parametrize("line_break", BREAKS)
def test_every_one_line_field_stores_pasted_line_breaks_as_spaces(session, study, line_break):
    pasted = f"Joint intake{line_break}for families{line_break}in {nfd('Ærø')}"
    for what, write in _one_line_writes(session, study):
        stored = write(pasted)
        assert stored == "Joint intake for families in Ærø", what
    session.expire_all()  # and so it is in the file, not only on the objects
    for model, fields in svc.SINGLE_LINE_FIELDS.items():
        for record in session.exec(svc.select(model)):
            for field in fields:
                value = getattr(record, field)
                assert value is None or not any(b in value for b in BREAKS), (model, field)


def test_every_short_text_column_is_either_one_line_or_known_to_hold_many():
    """A new text column must be classified: the next one-line field cannot be forgotten."""
    many_lines = {
        ("challenge", "description"),
        ("initiative", "description"),
        ("effect", "description"),
        ("quote", "text"),
        ("answer", "notes"),
    }
    record_tables = {"interview", "challenge", "initiative", "effect", "quote", "answer"}
    single = {
        (model.__tablename__, field)
        for model, fields in svc.SINGLE_LINE_FIELDS.items()
        for field in fields
    }
    not_typed = {"service_area", "theme_code", "category_code", "question_key", "scale_key"}
    not_typed |= {"guide_version", "created_device", "revision", "status", "mode", "kind"}
    for table in SQLModel.metadata.sorted_tables:
        if table.name not in record_tables:
            continue
        for column in table.columns:
            if column.type.python_type is str and column.name not in not_typed:
                key = (table.name, column.name)
                assert key in single or key in many_lines, key
    assert ("interviewer", "name") in single and Interviewer.__tablename__ == "interviewer"
