"""The rules of the interview record, through the service functions the app and CLI call."""

from datetime import date

import pytest
from sqlmodel import select

from interviewer import interviews as svc
from interviewer.errors import DomainError
from interviewer.listing import list_interviews
from interviewer.storage.models import Answer, CodeKind, EffectKind, Rating
from tests.helpers import database_content


@pytest.fixture
def interview(session, study):
    return svc.create_interview(
        session=session,
        study=study,
        respondent_role="Head of Child and Family Services",
        service_area="child_family",
        municipality="Ærø",
        interview_date=date(2017, 5, 2),
    )


def ranks(session, interview):
    return [
        (c.rank, c.title) for c in svc.live_challenges(session=session, interview_id=interview.id)
    ]


def test_new_interview_has_a_record_for_every_question_and_scale(session, interview):
    answers = session.exec(select(Answer).where(Answer.interview_id == interview.id)).all()
    ratings = session.exec(select(Rating).where(Rating.interview_id == interview.id)).all()
    assert sorted(a.question_key for a in answers) == [
        "challenges",
        "effects",
        "initiatives",
        "priority",
    ]
    assert sorted(r.scale_key for r in ratings) == ["department", "municipality"]
    assert interview.status == "draft"


@pytest.mark.parametrize("field", ["respondent_role", "municipality"])
def test_required_respondent_fields(session, study, field):
    values = dict(
        respondent_role="Jobcenterchef",
        service_area="employment",
        municipality="Odense",
        interview_date=date(2017, 6, 1),
    )
    values[field] = "   "
    with pytest.raises(DomainError, match="Please fill in"):
        svc.create_interview(session=session, study=study, **values)


def test_service_area_must_be_in_the_codebook(session, study):
    with pytest.raises(DomainError, match="not a service area"):
        svc.create_interview(
            session=session,
            study=study,
            respondent_role="Chef",
            service_area="space_travel",
            municipality="Odense",
            interview_date=date(2017, 6, 1),
        )


def test_a_fourth_challenge_is_refused_and_nothing_changes(session, database, interview):
    for title in ("Silo budgets", "No shared task", "Blame"):
        svc.add_challenge(session=session, interview_id=interview.id, title=title)
    before = database_content(database.path)
    with pytest.raises(DomainError, match="at most 3 challenges"):
        svc.add_challenge(session=session, interview_id=interview.id, title="Fourth")
    assert database_content(database.path) == before
    assert ranks(session, interview) == [(1, "Silo budgets"), (2, "No shared task"), (3, "Blame")]


def test_reorder_move_remove_and_restore_keep_ranks_contiguous(session, interview):
    a, b, c = (
        svc.add_challenge(session=session, interview_id=interview.id, title=t) for t in "ABC"
    )
    svc.move_challenge(session=session, challenge_id=c.id, rank=1)
    assert ranks(session, interview) == [(1, "C"), (2, "A"), (3, "B")]
    svc.reorder_challenges(
        session=session, interview_id=interview.id, ordered_ids=[b.id, a.id, c.id]
    )
    assert ranks(session, interview) == [(1, "B"), (2, "A"), (3, "C")]
    svc.remove_challenge(session=session, challenge_id=a.id)
    assert ranks(session, interview) == [(1, "B"), (2, "C")]
    svc.restore_challenge(session=session, challenge_id=a.id, rank=1)
    assert ranks(session, interview) == [(1, "A"), (2, "B"), (3, "C")]


def test_a_reorder_that_drops_or_repeats_a_challenge_is_refused(session, interview):
    a, b = (svc.add_challenge(session=session, interview_id=interview.id, title=t) for t in "AB")
    with pytest.raises(DomainError, match="each of the interview's challenges once"):
        svc.reorder_challenges(session=session, interview_id=interview.id, ordered_ids=[a.id, a.id])
    with pytest.raises(DomainError, match="outside 1 to 2"):
        svc.move_challenge(session=session, challenge_id=a.id, rank=3)
    assert ranks(session, interview) == [(1, "A"), (2, "B")]


def test_restoring_into_a_full_ranking_is_refused(session, interview):
    first = svc.add_challenge(session=session, interview_id=interview.id, title="A")
    svc.remove_challenge(session=session, challenge_id=first.id)
    for title in "BCD":
        svc.add_challenge(session=session, interview_id=interview.id, title=title)
    with pytest.raises(DomainError, match="at most 3"):
        svc.restore_challenge(session=session, challenge_id=first.id)


@pytest.mark.parametrize("value", [0, 6, 2.5, True])
def test_ratings_are_1_to_5(session, interview, value):
    with pytest.raises(DomainError, match="1 to 5"):
        svc.set_rating(
            session=session,
            interview_id=interview.id,
            question_key="priority",
            scale_key="department",
            value=value,
        )


def test_rating_dont_know_and_back(session, interview):
    rating = svc.set_rating(
        session=session,
        interview_id=interview.id,
        question_key="priority",
        scale_key="municipality",
        value=None,
        dont_know=True,
    )
    assert (rating.value, rating.dont_know) == (None, True)
    rating = svc.set_rating(
        session=session,
        interview_id=interview.id,
        question_key="priority",
        scale_key="municipality",
        value=4,
    )
    assert (rating.value, rating.dont_know) == (4, False)
    with pytest.raises(DomainError, match="not both"):
        svc.set_rating(
            session=session,
            interview_id=interview.id,
            question_key="priority",
            scale_key="municipality",
            value=4,
            dont_know=True,
        )


def test_an_effect_belongs_to_an_initiative_of_the_same_interview(session, study, interview):
    other = svc.create_interview(
        session=session,
        study=study,
        respondent_role="Socialchef",
        service_area="social_psychiatric",
        municipality="Køge",
        interview_date=date(2017, 7, 3),
    )
    initiative = svc.add_initiative(
        session=session,
        interview_id=interview.id,
        title="One plan per family",
        category_code="closer_to_citizens",
    )
    effect = svc.add_effect(
        session=session,
        initiative_id=initiative.id,
        kind=EffectKind.MEASURED,
        metric="children in foster care",
        baseline=41,
        current=9,
        unit="children",
        period="2015–2017",
    )
    assert effect.interview_id == interview.id
    with pytest.raises(DomainError, match="same interview"):
        svc.add_effect(session=session, initiative_id=initiative.id, interview_id=other.id)
    foreign = svc.add_initiative(session=session, interview_id=other.id, title="Joint course")
    with pytest.raises(DomainError, match="same interview"):
        svc.update_effect(session=session, effect_id=effect.id, initiative_id=foreign.id)


def test_removing_an_initiative_takes_its_effects_and_restore_brings_them_back(session, interview):
    initiative = svc.add_initiative(session=session, interview_id=interview.id, title="Forum")
    kept = svc.add_effect(session=session, initiative_id=initiative.id, description="Calmer")
    svc.remove_initiative(session=session, initiative_id=initiative.id)
    session.refresh(kept)
    assert kept.deleted_at is not None
    svc.restore_initiative(session=session, initiative_id=initiative.id)
    session.refresh(kept)
    assert kept.deleted_at is None


def test_quote_defaults_to_the_respondent_role_and_links_within_the_interview(
    session, study, interview
):
    quote = svc.add_quote(
        session=session,
        interview_id=interview.id,
        text="Vi taler sammen, før vi beslutter – og det mærker familierne 👍",
        question_key="challenges",
        theme_code="blame_culture",
    )
    assert quote.speaker_role == "Head of Child and Family Services"
    assert quote.captured_at is not None
    other = svc.create_interview(
        session=session,
        study=study,
        respondent_role="Skolechef",
        service_area="education",
        municipality="Vejle",
        interview_date=date(2017, 7, 3),
    )
    challenge = svc.add_challenge(session=session, interview_id=other.id, title="Turnover")
    with pytest.raises(DomainError, match="same interview"):
        svc.update_quote(session=session, quote_id=quote.id, challenge_id=challenge.id)


def test_deleting_an_interview_is_undoable(session, interview):
    svc.delete_interview(session=session, interview_id=interview.id)
    assert list_interviews(session=session) == []
    svc.restore_interview(session=session, interview_id=interview.id)
    assert [row.id for row in list_interviews(session=session)] == [interview.id]


def test_listing_shows_labels_in_the_chosen_language(session, study, interview):
    svc.update_interview(
        session=session,
        interview_id=interview.id,
        interviewer_id=svc.interviewer_named(session=session, study=study, name="Sofie Bæk").id,
    )
    [row] = list_interviews(session=session, language="da")
    assert (row.service_area, row.interviewer, row.municipality) == (
        "Børn og familie",
        "Sofie Bæk",
        "Ærø",
    )


def test_update_interview_refuses_unknown_fields_and_blank_required_ones(session, interview):
    with pytest.raises(DomainError, match="cannot be edited"):
        svc.update_interview(session=session, interview_id=interview.id, study_id=None)
    with pytest.raises(DomainError, match="Please fill in"):
        svc.update_interview(session=session, interview_id=interview.id, municipality="")
    with pytest.raises(DomainError, match="consent"):
        svc.update_interview(
            session=session, interview_id=interview.id, consent_date=date(2017, 5, 2)
        )
    svc.update_interview(
        session=session,
        interview_id=interview.id,
        consent_given=True,
        consent_date=date(2017, 5, 2),
    )
    assert interview.consent_date == date(2017, 5, 2)


def test_a_study_takes_another_guide_or_codebook_only_before_its_first_interview(
    session, study, tmp_path
):
    from interviewer.resources import default_codebook, default_guide

    from interviewer.codebook import load_codebook

    guide_text = default_guide().read_text("utf-8").replace('version = "1.0"', 'version = "1.1"')
    codebook_path = tmp_path / "codebook.toml"
    codebook_path.write_text(
        default_codebook()
        .read_text("utf-8")
        .replace('code = "blame_culture"', 'code = "finger_pointing"'),
        "utf-8",
    )
    svc.replace_study_files(
        session=session,
        study=study,
        guide_toml=guide_text,
        codebook=load_codebook(str(codebook_path)),
    )
    assert study.guide_version == "1.1"
    themes = {
        c.code for c in svc.study_codes(session=session, study=study, kind=CodeKind.CHALLENGE_THEME)
    }
    assert "finger_pointing" in themes and "blame_culture" not in themes

    svc.create_interview(
        session=session,
        study=study,
        respondent_role="Ældrechef",
        service_area="elderly",
        municipality="Lolland",
        interview_date=date(2017, 8, 1),
    )
    with pytest.raises(DomainError, match="already has interviews"):
        svc.replace_study_files(session=session, study=study, guide_toml=guide_text)


def test_the_list_counts_answered_questions_as_the_review_does(database, session):
    from interviewer.demo import generate_demo
    from interviewer.progress import interview_progress

    generate_demo(database, interviews=60, seed=21)
    study = svc.current_study(session=session)
    guide = svc.study_guide(study)
    rows = list_interviews(session=session)
    assert {row.answered for row in rows} >= {2, 3, 4}  # the demo varies in depth
    for row in rows:
        interview = svc.get_interview(session=session, interview_id=row.id)
        progress = interview_progress(session=session, interview=interview, guide=guide)
        assert row.answered == progress.answered_count, row


@pytest.mark.parametrize("figure", [float("inf"), float("-inf"), float("nan")])
def test_a_figure_must_be_a_finite_number(session, interview, figure):
    initiative = svc.add_initiative(session=session, interview_id=interview.id, title="Plan")
    with pytest.raises(DomainError, match="finite number"):
        svc.add_effect(session=session, initiative_id=initiative.id, baseline=figure)
