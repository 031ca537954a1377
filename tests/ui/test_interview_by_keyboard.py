"""A complete interview typed with the keyboard alone, then found again in a new window."""

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from interviewer import interviews as svc
from interviewer.storage.database import open_database
from interviewer.storage.models import EffectKind
from interviewer.ui.main_window import MainWindow
from tests.ui.keyboard import choose, focused, in_modal, press, shortcut, tab_to, type_text

ROLE = "Head of Employment Services"


@pytest.fixture
def database(tmp_path):
    database = open_database(tmp_path / "study.sqlite")
    yield database
    database.close()


def start_interview(main: MainWindow) -> None:
    def fill(dialog):
        assert focused() is dialog.role
        type_text(ROLE)
        press(Qt.Key.Key_Tab)
        choose("Employ")  # the combo jumps to "Employment services"
        press(Qt.Key.Key_Tab)
        type_text("Ærø")
        press(Qt.Key.Key_Tab)
        press(Qt.Key.Key_Space)  # consent given, right after the municipality
        tab_to(dialog.name)
        type_text("Hanne Brøgger")
        tab_to(dialog.location)
        type_text("Rådhuset, lokale 114")
        tab_to(dialog.interviewer)
        type_text("Jonas Holm")
        press(Qt.Key.Key_Return)

    in_modal(lambda: shortcut("Ctrl+N"), fill)


def add_quote(text: str) -> None:
    def fill(box):
        assert focused() is box.text
        type_text(text)
        press(Qt.Key.Key_Tab)
        choose("Blame")  # theme
        press(Qt.Key.Key_Tab)
        press(Qt.Key.Key_Space)  # use in report
        press(Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
        press(Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
        assert focused() is box.text
        press(Qt.Key.Key_Return)

    in_modal(lambda: shortcut("Ctrl+G"), fill)


def test_a_whole_interview_by_keyboard_alone(qtbot, database):
    main = MainWindow(database)
    qtbot.addWidget(main)
    with qtbot.waitExposed(main):
        main.show()
    with qtbot.waitActive(main):
        main.activateWindow()
    main.filter_box.setFocus()  # where the app puts the cursor at start

    start_interview(main)
    [window] = main.windows.values()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.pages[0].role)
    context = window.context
    pages = {page.key: page for page in window.pages}

    # 1 Priority: department 4, municipality "don't know"
    shortcut("Ctrl+1")
    priority = pages["priority"]
    assert focused() is priority.groups["department"].button(1)
    press(Qt.Key.Key_Space)
    for _ in range(3):
        press(Qt.Key.Key_Down)  # with a point chosen, the arrows move the choice: 4
    press(Qt.Key.Key_Tab)
    assert focused() is priority.groups["municipality"].button(1)
    for _ in range(5):
        press(Qt.Key.Key_Down)  # down to "don't know", below the five points
    press(Qt.Key.Key_Space)
    shortcut("Ctrl+Shift+N")
    type_text("Political backing is strong,\nbut the budgets are not joined.")

    # 2 Challenges: three, a fourth refused, then a reorder
    shortcut("Ctrl+2")
    challenges = pages["challenges"]
    for title in ("Budgets in silos", "No shared core task", "Blame culture"):
        assert focused() is challenges.new_title
        type_text(title)
        press(Qt.Key.Key_Return)
    # full: the line keeps the focus (typing goes on there, never into the editor) and says why
    assert challenges.new_title.isEnabled()
    assert challenges.note.isVisible() and "Remove one" in challenges.note.text()
    assert focused() is challenges.new_title
    shortcut("Alt+Up")  # the challenge just added, "Blame culture", moves from 3 to 2
    tab_to(challenges.theme)
    choose("Blame")
    tab_to(challenges.description)
    type_text("Errors are passed to the next department.")
    add_quote("When something goes wrong, we start by asking whose case it was.")

    # 3 Initiatives: two
    shortcut("Ctrl+3")
    initiatives = pages["initiatives"]
    for title, category in (
        ("Joint budget for families", "Common"),
        ("Relational coordination survey", "Relational"),
    ):
        tab_to(initiatives.new_title, backwards=True)
        type_text(title)
        press(Qt.Key.Key_Return)
        tab_to(initiatives.category)
        choose(category)

    # 4 Effects: three, one with a figure
    shortcut("Ctrl+4")
    effects = pages["effects"]
    assert focused() is effects.new_description
    shortcut("Alt+Up")  # "New effect of" starts on the initiative added last: the first
    type_text("Fewer children placed outside the home")
    press(Qt.Key.Key_Return)
    tab_to(effects.kind)
    choose("M")  # Measured
    tab_to(effects.metric)
    type_text("children placed outside the home")
    press(Qt.Key.Key_Tab)
    type_text("48")
    press(Qt.Key.Key_Tab)
    type_text("11")
    tab_to(effects.unit)
    type_text("children")
    tab_to(effects.new_description, backwards=True)
    type_text("Families know who to call")
    press(Qt.Key.Key_Return)
    tab_to(effects.for_initiative, backwards=True)
    press(Qt.Key.Key_Down)  # the second initiative
    press(Qt.Key.Key_Tab)
    type_text("Managers meet on cases, not budgets")
    press(Qt.Key.Key_Return)
    add_quote("Det er relationerne, der flytter noget – ikke strukturen.")

    # Review, then close the window: nothing is left unsaved
    shortcut("Ctrl+5")
    assert focused() is pages["review"].complete_button
    press(Qt.Key.Key_Space)
    interview_id = context.interview_id
    shortcut("Ctrl+W")
    assert not main.windows
    main.close()

    # A new window on the same file finds every value
    again = MainWindow(database)
    qtbot.addWidget(again)
    window = again.open_interview(interview_id)
    session = window.context.session
    interview = svc.get_interview(session=session, interview_id=interview_id)
    assert (
        interview.respondent_role,
        interview.service_area,
        interview.municipality,
        interview.respondent_name,
        interview.consent_given,
        interview.location,
    ) == (ROLE, "employment", "Ærø", "Hanne Brøgger", True, "Rådhuset, lokale 114")
    assert interview.interview_date == date.today()
    assert interview.status == "complete"
    [jonas] = svc.study_interviewers(session=session, study=window.context.study)
    assert (jonas.name, interview.interviewer_id) == ("Jonas Holm", jonas.id)

    ratings = svc.ratings_by_scale(session=session, interview_id=interview_id)
    assert (
        ratings["priority", "department"].value,
        ratings["priority", "department"].dont_know,
    ) == (4, False)
    assert (
        ratings["priority", "municipality"].value,
        ratings["priority", "municipality"].dont_know,
    ) == (None, True)
    notes = svc.answers_by_question(session=session, interview_id=interview_id)["priority"]
    assert notes.notes == "Political backing is strong,\nbut the budgets are not joined."
    assert notes.notes_started_offset is not None and notes.notes_started_at is not None

    ranked = svc.live_challenges(session=session, interview_id=interview_id)
    assert [(c.rank, c.title, c.theme_code) for c in ranked] == [
        (1, "Budgets in silos", None),
        (2, "Blame culture", "blame_culture"),
        (3, "No shared core task", None),
    ]
    assert ranked[1].description == "Errors are passed to the next department."

    found = svc.live_initiatives(session=session, interview_id=interview_id)
    assert [(i.title, i.category_code) for i in found] == [
        ("Joint budget for families", "common_budget"),
        ("Relational coordination survey", "relational_coordination"),
    ]
    effects = svc.live_effects(session=session, interview_id=interview_id)
    assert [(e.initiative_id, e.description) for e in effects] == [
        (found[0].id, "Fewer children placed outside the home"),
        (found[0].id, "Families know who to call"),
        (found[1].id, "Managers meet on cases, not budgets"),
    ]
    figure = effects[0]
    assert (figure.kind, figure.metric, figure.baseline, figure.current, figure.unit) == (
        EffectKind.MEASURED,
        "children placed outside the home",
        48,
        11,
        "children",
    )

    quotes = svc.live_quotes(session=session, interview_id=interview_id)
    assert [
        (q.text, q.question_key, q.theme_code, q.use_in_report, q.speaker_role) for q in quotes
    ] == [
        (
            "When something goes wrong, we start by asking whose case it was.",
            "challenges",
            "blame_culture",
            True,
            ROLE,
        ),
        (
            "Det er relationerne, der flytter noget – ikke strukturen.",
            "effects",
            "blame_culture",
            True,
            ROLE,
        ),
    ]
    assert all(q.offset_seconds is not None and q.captured_at is not None for q in quotes)

    # and the widgets of the new window show them
    window.go_to_step(2)
    assert window.pages[2].list.item(1).text().startswith("2.  Blame culture")
    window.close()
