"""Looking at an interview is not an edit: opening it, walking every step and closing it
changes no row of the file, so the field's next bundle merges as an update, not a conflict.
Time per question is counted only while the interview is being conducted (a draft, in a
writable copy, its meeting going on now)."""

import uuid
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from sqlmodel import select

from interviewer import interviews as svc
from interviewer.demo import generate_demo
from interviewer.exchange.bundle import write_bundle
from interviewer.exchange.merge import merge_bundles
from interviewer.exchange.study_file import export_study
from interviewer.storage.database import open_database
from interviewer.storage.models import Answer, Interview, InterviewStatus
from interviewer.ui import interview_window
from interviewer.ui.interview_window import InterviewWindow
from tests.exchange.conftest import field_database
from tests.helpers import database_content


@pytest.fixture
def slow_steps(monkeypatch):
    """Each reading of the step clock is 5 s after the last: every step "takes" 5 s."""
    now = [1000.0]

    def clock() -> float:
        now[0] += 5
        return now[0]

    monkeypatch.setattr(interview_window, "step_clock", clock)


def walk_every_step(qtbot, database, interview_id) -> None:
    window = InterviewWindow(database, interview_id)  # deletes itself on closing
    window.show()
    qtbot.waitExposed(window)
    for step in [*range(len(window.pages)), 0]:
        window.go_to_step(step)
    window.close()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def an_interview(database, status: InterviewStatus | None = None) -> uuid.UUID:
    with database.session() as session:
        for interview in session.exec(select(Interview)).all():
            if status in (None, interview.status) and interview.deleted_at is None:
                return interview.id
    raise AssertionError(f"no {status} interview in the demo")


@pytest.mark.parametrize("status", [InterviewStatus.DRAFT, InterviewStatus.COMPLETE])
def test_walking_an_interview_whose_meeting_is_not_now_changes_no_row(
    qtbot, tmp_path, slow_steps, status
):
    database = open_database(tmp_path / "study.sqlite")
    generate_demo(database, interviews=6, seed=5)  # meetings in 2017
    interview_id = an_interview(database, status)
    before = database_content(database.path)
    walk_every_step(qtbot, database, interview_id)
    assert database_content(database.path) == before
    database.close()


def seconds_spent(database, interview_id) -> int:
    with database.session() as session:
        answers = session.exec(select(Answer).where(Answer.interview_id == interview_id)).all()
        return sum(answer.seconds_spent for answer in answers)


def test_time_per_question_is_counted_while_the_interview_is_conducted(qtbot, tmp_path, slow_steps):
    database = open_database(tmp_path / "study.sqlite")
    generate_demo(database, interviews=6, seed=5)
    interview_id = an_interview(database, InterviewStatus.DRAFT)
    started = datetime.now() - timedelta(minutes=5)  # the meeting began five minutes ago
    with database.session() as session:
        svc.update_interview(
            session=session,
            interview_id=interview_id,
            interview_date=started.date(),
            start_time=started.time().replace(microsecond=0),
        )
    spent = seconds_spent(database, interview_id)
    walk_every_step(qtbot, database, interview_id)
    assert seconds_spent(database, interview_id) > spent
    database.close()


def test_no_time_is_written_when_none_passed(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(interview_window, "step_clock", lambda: 1000.0)  # the clock stands
    database = open_database(tmp_path / "study.sqlite")
    generate_demo(database, interviews=6, seed=5)
    interview_id = an_interview(database, InterviewStatus.DRAFT)
    now = datetime.now()
    with database.session() as session:
        svc.update_interview(
            session=session,
            interview_id=interview_id,
            interview_date=now.date(),
            start_time=now.time().replace(microsecond=0),
        )
    before = database_content(database.path)
    walk_every_step(qtbot, database, interview_id)
    assert database_content(database.path) == before
    database.close()


def test_a_later_bundle_merges_as_an_update_after_the_centre_looked(qtbot, tmp_path, slow_steps):
    lead = tmp_path / "lead.sqlite"
    open_database(lead).close()
    study = tmp_path / "study.json"
    export_study(lead, study)
    field = field_database(tmp_path, study, "field", seed=3, interviews=4)
    central = tmp_path / "central.sqlite"
    write_bundle(field, tmp_path / "monday.bundle", plain=True)
    merge_bundles(central, [tmp_path / "monday.bundle"])

    centre = open_database(central, backup=False)
    interview_id = an_interview(centre)
    walk_every_step(qtbot, centre, interview_id)  # the centre only looks
    centre.close()

    database = open_database(field, backup=False)
    with database.session() as session:  # the field goes on with the interview
        svc.update_interview(
            session=session, interview_id=interview_id, respondent_role="Head of Youth Services"
        )
    database.close()
    write_bundle(field, tmp_path / "tuesday.bundle", since=date.today(), plain=True)
    report = merge_bundles(central, [tmp_path / "tuesday.bundle"])
    assert [(b.updated, b.conflicts) for b in report.bundles] == [(1, 0)]
