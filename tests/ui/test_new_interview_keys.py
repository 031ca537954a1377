"""The new-interview dialog within its keystroke budget: role, service area, municipality and
consent, the rest left at their defaults, in at most 8 keys beyond the words typed."""

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from interviewer import interviews as svc
from interviewer.i18n import set_language
from interviewer.storage.database import open_database
from interviewer.storage.models import CodeKind, InterviewMode
from interviewer.ui.interview_context import InterviewContext
from interviewer.ui.new_interview_dialog import NewInterviewDialog
from interviewer.ui.settings import Preferences
from tests.ui.keyboard import choose, focused, in_modal, press, type_text

BUDGET = 8
ROLE = {"en": "Head of Disability Services", "da": "Leder af Handicapområdet"}


@pytest.fixture
def database(tmp_path):
    database = open_database(tmp_path / "study.sqlite")
    yield database
    database.close()


class KeyCount:
    """Presses keys on the focused widget and counts them: what is not typed words."""

    def __init__(self):
        self.keys = 0

    def press(self, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.keys += 1
        press(key, modifier)

    def letters(self, combo, code: str) -> None:
        """Types the fewest first letters of the code's label that choose it in the focused
        combo (type-ahead); each letter counts as a key."""
        label = combo.itemText(combo.findData(code))
        start = combo.currentIndex()
        for length in range(len(label) + 1):
            combo.setCurrentIndex(start)  # another try from where the person began
            if length:
                choose(label[:length])  # typed at once, as a person types a word
            if combo.currentData() == code:
                self.keys += length
                return
        raise AssertionError(f"type-ahead never reached {label}")


def start_by_keyboard(database, lang: str, area: str, municipality: str) -> tuple:
    """Opens the dialog, types role, area, municipality and consent, and starts; returns the
    interview and the keys counted."""
    set_language(lang)
    Preferences().interviewer_name = "Maja Lund"
    session = database.session()
    study = svc.current_study(session=session)
    count = KeyCount()
    result = {}

    def fill(dialog):
        assert focused() is dialog.role
        type_text(ROLE[lang])
        count.press(Qt.Key.Key_Tab)
        assert focused() is dialog.area
        count.letters(dialog.area, area)
        count.press(Qt.Key.Key_Tab)
        assert focused() is dialog.municipality
        type_text(municipality)
        count.press(Qt.Key.Key_Tab)
        assert focused() is dialog.consent
        count.press(Qt.Key.Key_Space)
        result["before"] = datetime.now().replace(microsecond=0)
        count.press(Qt.Key.Key_Return)
        result["after"] = datetime.now()
        result["dialog"] = dialog

    dialog = NewInterviewDialog(session, study)
    in_modal(dialog.exec, fill)
    assert dialog.interview is not None, dialog.refusal.text()
    return dialog.interview, count.keys, result, session


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_new_interview_dialog_takes_at_most_8_keys_for_every_service_area(
    qtbot, database, lang
):
    rows = []
    with database.session() as session:
        areas = [
            entry.code
            for entry in svc.study_codes(
                session=session,
                study=svc.current_study(session=session),
                kind=CodeKind.SERVICE_AREA,
            )
        ]
    for area in areas:
        interview, keys, _, session = start_by_keyboard(database, lang, area, "Ærø")
        assert (interview.service_area, interview.consent_given) == (area, True)
        rows.append((area, keys))
        session.close()
    print(f"\nnew-interview dialog ({lang}): keys beyond the typed words")
    for area, keys in rows:
        print(f"  {area:<20} {keys}")
    assert max(keys for _, keys in rows) <= BUDGET


def test_the_defaults_are_today_now_the_preferred_interviewer_and_in_person(qtbot, database):
    interview, keys, times, session = start_by_keyboard(database, "en", "employment", "aarhus")
    assert keys <= BUDGET
    assert interview.respondent_role == ROLE["en"]
    assert interview.municipality == "Aarhus"  # matched to the list, whatever the case
    assert (interview.interview_date, interview.consent_date) == (date.today(), date.today())
    assert interview.mode == InterviewMode.IN_PERSON
    [maja] = svc.study_interviewers(session=session, study=svc.current_study(session=session))
    assert (maja.name, interview.interviewer_id) == ("Maja Lund", maja.id)
    # the start is the moment Enter was pressed, to the second, not to the minute
    started = datetime.combine(interview.interview_date, interview.start_time)
    assert times["before"] <= started <= times["after"]
    assert interview.start_time.microsecond == 0
    session.close()


def test_the_clock_counts_from_the_stored_second(qtbot, database):
    interview, _, times, session = start_by_keyboard(database, "en", "elderly", "Vejle")
    context = InterviewContext(database, interview.id)
    try:
        started = datetime.combine(interview.interview_date, interview.start_time)
        assert context.clock_origin() == started  # seconds and all
    finally:
        context.close()
        session.close()


def test_the_dialog_says_how_to_go_fast(qtbot, database):
    with database.session() as session:
        dialog = NewInterviewDialog(session, svc.current_study(session=session))
        qtbot.addWidget(dialog)
        texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
        assert "Enter in any field starts the interview" in texts
        assert "Space gives consent" in texts


FIELDS = ["role", "area", "municipality", "consent", "name", "interview_date", "start_time"]
FIELDS += ["location", "mode", "interviewer"]


@pytest.mark.parametrize("field", FIELDS)
def test_enter_in_any_field_starts_the_interview(qtbot, database, field):
    session = database.session()
    study = svc.current_study(session=session)

    def fill(dialog):
        type_text("Head of Elderly Services")
        press(Qt.Key.Key_Tab)
        press(Qt.Key.Key_Tab)
        type_text("Ærø")
        target = getattr(dialog, field)
        target = getattr(target, "edit", target)  # a date or time field: its line edit
        for _ in range(20):
            if focused() is target:
                break
            press(Qt.Key.Key_Tab)
        assert focused() is target
        press(Qt.Key.Key_Return)

    dialog = NewInterviewDialog(session, study)
    in_modal(dialog.exec, fill)
    assert dialog.result() == NewInterviewDialog.DialogCode.Accepted, (field, dialog.refusal.text())
    assert dialog.interview.municipality == "Ærø"
    session.close()


def test_one_tab_leaves_the_municipality_while_its_completions_show(qtbot, database):
    session = database.session()
    result = {}

    def fill(dialog):
        type_text("Head of Elderly Services")
        press(Qt.Key.Key_Tab)
        press(Qt.Key.Key_Tab)
        type_text("Aa")  # Aabenraa, Aalborg, Aarhus: the list shows
        result["list shown"] = dialog.municipality.completer().popup().isVisible()
        press(Qt.Key.Key_Tab)
        result["then"] = focused()
        dialog.reject()

    dialog = NewInterviewDialog(session, svc.current_study(session=session))
    in_modal(dialog.exec, fill)
    assert result["list shown"]
    assert result["then"] is dialog.consent
    session.close()
