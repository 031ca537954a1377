"""The respondent step shows what is stored: random keyboard edits, pastes of several lines,
dates and times in every form, step switches, and after each one every field of the page
equals the database file."""

import unicodedata
from datetime import date, time

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from interviewer import interviews as svc
from interviewer.storage.database import open_database
from interviewer.storage.models import Interview, Interviewer
from interviewer.ui.date_fields import date_text, time_text
from interviewer.ui.interview_window import InterviewWindow
from tests.ui.keyboard import press, type_text

TEXT_FIELDS = ("role", "municipality", "name", "location")
STORED = {
    "role": "respondent_role",
    "municipality": "municipality",
    "name": "respondent_name",
    "location": "location",
}
words = st.text(alphabet="abcdefg ÆØÅæøå-", min_size=0, max_size=12)
pasted = st.lists(words, min_size=2, max_size=4).flatmap(
    lambda parts: st.sampled_from(["\n", "\r\n", "\u2028"]).map(lambda sep: sep.join(parts))
)
names = st.sampled_from(
    ["Åse Kjærgård", unicodedata.normalize("NFD", "Åse Kjærgård"), " Ida  Berg ", "ida berg", ""]
)
municipalities = st.sampled_from(["aarhus", "AARHUS", "Ærø", "ærø", "Nowhere Town", ""])
dates = st.sampled_from(["3/5/2017", "03.05.2017", "2017-05-03", "12/11/25", "31/2/2017", "x"])
times = st.sampled_from(["9:05", "09.05", "0905", "14", "25:00", ""])
MAX_TABS = 80


@pytest.fixture
def database(tmp_path):
    database = open_database(tmp_path / "study.sqlite")
    yield database
    database.close()


def typed(text: str, window) -> None:
    """Types ``text``; a completer's list that closes by itself stays the active window on
    the offscreen platform, where a desktop gives the window back its activation."""
    type_text(text)
    if QApplication.activeWindow() is not window:
        window.activateWindow()
        QApplication.processEvents()


def focus_by_tab(target) -> None:
    """Presses Tab until ``target`` has the focus, as a person moves through the page."""
    for _ in range(MAX_TABS):
        if QApplication.focusWidget() is target:
            return
        press(Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target.accessibleName()}")


class RespondentStep(RuleBasedStateMachine):
    database = None  # set by the test

    def __init__(self):
        super().__init__()
        with self.database.session() as session:
            study = svc.current_study(session=session)
            interview = svc.create_interview(
                session=session,
                study=study,
                respondent_role="Head of Education",
                service_area="education",
                municipality="Vejle",
                interview_date=date(2026, 2, 9),
                start_time=time(10, 0, 15),
                interviewer=svc.interviewer_named(session=session, study=study, name="Ida Berg"),
            )
            self.interview_id = interview.id
        self.window = InterviewWindow(self.database, self.interview_id)
        self.window.show()
        self.window.activateWindow()
        self.window.go_to_step(0)
        QApplication.processEvents()
        self.page = self.window.pages[0]

    def teardown(self):
        self.window.close()
        QApplication.processEvents()

    def stored(self) -> tuple[Interview, str]:
        with self.database.session() as session:
            interview = session.get(Interview, self.interview_id)
            person = interview.interviewer_id and session.get(Interviewer, interview.interviewer_id)
            session.expunge_all()
            return interview, person.name if person else ""

    def field(self, name: str):
        return getattr(self.page, name)

    def back_to_the_page(self) -> None:
        if self.window.current_page() is not self.page:
            self.window.go_to_step(0)

    @rule(field=st.sampled_from(TEXT_FIELDS), text=words)
    def type_into(self, field, text):
        self.back_to_the_page()
        widget = self.field(field)
        focus_by_tab(widget)
        press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        press(Qt.Key.Key_Delete)
        typed(text, self.window)
        press(Qt.Key.Key_Tab)

    @rule(field=st.sampled_from(TEXT_FIELDS))
    def empty(self, field):
        """Role and municipality are required: the refusal leaves the stored text shown."""
        self.type_into(field, "")

    @rule(field=st.sampled_from(TEXT_FIELDS), text=pasted)
    def paste_lines_into(self, field, text):
        self.back_to_the_page()
        widget = self.field(field)
        focus_by_tab(widget)
        QGuiApplication.clipboard().setText(text)
        press(Qt.Key.Key_End)
        press(Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        press(Qt.Key.Key_Tab)

    @rule(text=municipalities)
    def type_municipality(self, text):
        self.type_into("municipality", text)

    @rule(text=names)
    def type_interviewer(self, text):
        self.back_to_the_page()
        focus_by_tab(self.page.interviewer)
        press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        press(Qt.Key.Key_Delete)
        typed(text, self.window)
        press(Qt.Key.Key_Tab)

    @rule(field=st.sampled_from(["interview_date", "consent_date"]), text=dates)
    def type_date(self, field, text):
        self.back_to_the_page()
        widget = self.field(field)
        if not widget.isEnabled():
            return
        focus_by_tab(widget.edit)
        press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        type_text(text)
        press(Qt.Key.Key_Tab)

    @rule(field=st.sampled_from(["start_time", "end_time"]), text=times)
    def type_time(self, field, text):
        self.back_to_the_page()
        focus_by_tab(self.field(field).edit)
        press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        press(Qt.Key.Key_Delete)
        typed(text, self.window)
        press(Qt.Key.Key_Tab)

    @rule()
    def toggle_consent(self):
        self.back_to_the_page()
        focus_by_tab(self.page.consent)
        press(Qt.Key.Key_Space)

    @rule(field=st.sampled_from(["area", "mode"]), down=st.booleans())
    def step_a_choice(self, field, down):
        self.back_to_the_page()
        focus_by_tab(self.field(field))
        press(Qt.Key.Key_Down if down else Qt.Key.Key_Up)

    @rule(step=st.integers(min_value=1, max_value=5))
    def switch_step_and_back(self, step):
        self.window.go_to_step(step)
        QApplication.processEvents()
        self.window.go_to_step(0)
        QApplication.processEvents()

    @invariant()
    def every_field_shows_what_is_stored(self):
        interview, interviewer = self.stored()
        assert "\n" not in interview.respondent_role
        page = self.page
        for field, column in STORED.items():
            assert self.field(field).text() == (getattr(interview, column) or ""), field
        assert page.area.currentData() == interview.service_area
        assert page.mode.currentData() == interview.mode
        assert page.consent.isChecked() == interview.consent_given
        assert page.consent_date.isEnabled() == interview.consent_given
        if interview.consent_given:
            assert page.consent_date.value() == interview.consent_date
            assert page.consent_date.edit.text() == date_text(interview.consent_date)
        assert page.interview_date.value() == interview.interview_date
        assert page.interview_date.edit.text() == date_text(interview.interview_date)
        for field in ("start_time", "end_time"):
            value = getattr(interview, field)
            assert self.field(field).value() == value, field
            assert self.field(field).edit.text() == time_text(value), field
        assert page.interviewer.currentText() == interviewer


def test_the_respondent_step_always_shows_what_is_stored(qtbot, database):
    RespondentStep.database = database
    run_state_machine_as_test(
        RespondentStep,
        settings=settings(
            max_examples=12,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
