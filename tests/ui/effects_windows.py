"""Interview windows on a real SQLite file, for the effects, quotes and review tests."""

from datetime import date

from interviewer import interviews as svc
from interviewer.ui.interview_window import InterviewWindow


def blank_interview(database, *, initiatives: tuple[str, ...] = ()):
    """A new draft interview with the given initiatives; returns its id."""
    with database.session() as session:
        study = svc.current_study(session=session)
        interview = svc.create_interview(
            session=session,
            study=study,
            respondent_role="Head of Social Services",
            service_area="child_family",
            municipality="Odense",
            interview_date=date(2018, 3, 6),
        )
        for title in initiatives:
            svc.add_initiative(session=session, interview_id=interview.id, title=title)
        return interview.id


def open_window(qtbot, database, interview_id) -> InterviewWindow:
    window = InterviewWindow(database, interview_id)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    return window
