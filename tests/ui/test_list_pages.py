"""Questions 1-3 by keyboard: quick entry within its key budget, focus that stays in the
new-item line, one-line fields, rows of one line, and long text that never freezes a page."""

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from interviewer import interviews as svc
from interviewer.demo import add_sample_interview
from interviewer.i18n import set_language
from interviewer.storage.database import open_database
from interviewer.ui.fields import ROW_CHARACTERS, TextArea, one_line_edit
from interviewer.ui.interview_window import InterviewWindow
from tests.ui.keyboard import focused, press, shortcut, tab_to, type_text

WRAPPING_ANYWHERE = (
    QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere,
    QTextOption.WrapMode.WrapAnywhere,
)


def open_window(qtbot, database, interview_id) -> InterviewWindow:
    window = InterviewWindow(database, interview_id)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    return window


@pytest.fixture
def database(tmp_path):
    database = open_database(tmp_path / "study.sqlite")
    yield database
    database.close()


@pytest.fixture
def blank(database):
    """A fresh interview: nothing answered yet."""
    with database.session() as session:
        interview = add_sample_interview(session)
        for challenge in svc.live_challenges(session=session, interview_id=interview.id):
            svc.remove_challenge(session=session, challenge_id=challenge.id)
        for initiative in svc.live_initiatives(session=session, interview_id=interview.id):
            svc.remove_initiative(session=session, initiative_id=initiative.id)
        return interview.id


@pytest.fixture
def window(qtbot, database, blank):
    return open_window(qtbot, database, blank)


def stored_challenges(window):
    context = window.context
    return svc.live_challenges(session=context.session, interview_id=context.interview_id)


def stored_initiatives(window):
    context = window.context
    return svc.live_initiatives(session=context.session, interview_id=context.interview_id)


class KeyCount:
    """Counts the keys beyond the typed words: Enter, Tab, arrows, shortcuts, and the
    characters of the quick-entry syntax (``#`` and what names the code)."""

    def __init__(self):
        self.keys = 0

    def words(self, text: str) -> None:
        type_text(text)

    def syntax(self, text: str) -> None:
        self.keys += len(text.strip())
        type_text(text)

    def press(self, key) -> None:
        self.keys += 1
        press(key)


def test_a_challenge_with_its_theme_takes_three_keys_and_focus_stays_for_the_next(window):
    shortcut("Ctrl+2")
    page = window.pages[2]
    counted = []
    for title, token in (
        ("Budgets in silos", " #1"),
        ("No one owns it", " #blame"),
        ("Cuts turn inwards", " #6"),
    ):
        assert focused() is page.new_title
        keys = KeyCount()
        keys.words(title)
        keys.syntax(token if token != " #blame" else " #7")
        keys.press(Qt.Key.Key_Return)
        counted.append(keys.keys)
        assert focused() is page.new_title and page.new_title.text() == ""
    assert counted == [3, 3, 3]
    assert [(c.rank, c.title, c.theme_code) for c in stored_challenges(window)] == [
        (1, "Budgets in silos", "separate_budgets"),
        (2, "No one owns it", "blame_culture"),
        (3, "Cuts turn inwards", "resource_pressure"),
    ]
    # the limit is reached: the line keeps the focus and says why; typing goes on there
    assert page.new_title.isEnabled() and not page.note.isHidden()
    type_text("A fourth")
    press(Qt.Key.Key_Return)
    assert focused() is page.new_title and page.new_title.text() == "A fourth"
    assert "Remove one" in window.message.text() and len(stored_challenges(window)) == 3
    assert page.description.toPlainText() == ""  # nothing landed in the editor


def test_a_theme_by_the_first_letters_of_its_label(window):
    shortcut("Ctrl+2")
    type_text("Nobody takes the blame #BLAME")
    press(Qt.Key.Key_Return)
    [challenge] = stored_challenges(window)
    assert (challenge.title, challenge.theme_code) == ("Nobody takes the blame", "blame_culture")
    assert window.pages[2].list.item(0).text() == "1.  Nobody takes the blame  —  Blame culture"
    assert window.pages[2].theme.currentData() == "blame_culture"


def test_an_unknown_theme_adds_nothing_says_why_and_keeps_the_text(window):
    shortcut("Ctrl+2")
    page = window.pages[2]
    type_text("Budgets #42")
    press(Qt.Key.Key_Return)
    assert stored_challenges(window) == []
    assert page.new_title.text() == "Budgets #42" and focused() is page.new_title
    assert not page.note.isHidden() and "1 to 10" in page.note.text()
    press(Qt.Key.Key_Backspace)  # editing the line clears the reason
    assert page.note.isHidden()


def test_typing_a_mark_opens_the_numbered_themes_and_choosing_one_adds_it(window):
    shortcut("Ctrl+2")
    page = window.pages[2]
    type_text("Budgets #")
    popup = page.completer.popup()
    assert popup.isVisible()
    listed = [popup.model().index(row, 0).data() for row in range(popup.model().rowCount())]
    assert listed[0] == "1  Separate budgets and goals per silo" and len(listed) == 10
    type_text("cult")  # narrows to the entries whose label holds the letters
    assert [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())] == [
        "7  Blame culture"
    ]
    page.completer.activated[str].emit("7  Blame culture")  # what Down, Enter in the popup does
    assert page.new_title.text() == "Budgets #7"
    shortcut("Ctrl+Z")  # the choice is an edit of the line: undone, and done again
    assert page.new_title.text() == "Budgets #cult"
    shortcut("Ctrl+Shift+Z")
    assert page.new_title.text() == "Budgets #7"
    press(Qt.Key.Key_Return)
    assert [(c.title, c.theme_code) for c in stored_challenges(window)] == [
        ("Budgets", "blame_culture")
    ]


def test_an_initiative_with_category_and_status_takes_four_keys(window):
    shortcut("Ctrl+3")
    page = window.pages[3]
    keys = KeyCount()
    keys.words("Joint budget for families")
    keys.syntax(" #4p")
    keys.press(Qt.Key.Key_Return)
    assert keys.keys == 4
    assert focused() is page.new_title
    type_text("Team meetings on cases #6")
    press(Qt.Key.Key_Return)
    found = [(i.title, i.category_code, i.status) for i in stored_initiatives(window)]
    assert found == [
        ("Joint budget for families", "common_budget", "planned"),
        ("Team meetings on cases", "management_practice", "underway"),
    ]
    assert page.status.currentData() == "underway" and page.category.currentData() == (
        "management_practice"
    )
    assert page.list.item(0).text().endswith("Common budgetary framework · Planned")


def test_danish_status_letters(qtbot, database, blank):
    set_language("da")
    window = open_window(qtbot, database, blank)
    shortcut("Ctrl+3")
    page = window.pages[3]
    assert "#2p" in page.new_title.placeholderText() and "a afsluttet" in page.hint.text()
    type_text("Fælles budget #4a")
    press(Qt.Key.Key_Return)
    [initiative] = stored_initiatives(window)
    assert (initiative.category_code, initiative.status) == ("common_budget", "completed")


def test_a_rating_is_one_digit_and_the_next_scale_follows(window):
    shortcut("Ctrl+1")
    page = window.pages[1]
    department, municipality = page.groups["department"], page.groups["municipality"]
    type_text("4")
    assert focused() in municipality.buttons()
    type_text("0")
    ratings = svc.ratings_by_scale(
        session=window.context.session, interview_id=window.context.interview_id
    )
    assert (ratings["priority", "department"].value, department.checkedId()) == (4, 4)
    assert ratings["priority", "municipality"].dont_know and municipality.checkedId() == 0
    type_text("?")  # the last scale keeps the focus
    assert focused() is municipality.button(0)


def test_tab_under_the_challenge_list_follows_the_buttons_as_drawn(qtbot, database):
    with database.session() as session:
        interview_id = add_sample_interview(session).id
    window = open_window(qtbot, database, interview_id)
    shortcut("Ctrl+2")
    page = window.pages[2]
    page.list.setFocus()
    order = [focused()]
    for _ in range(4):
        press(Qt.Key.Key_Tab)
        order.append(focused())
    assert order == [
        page.list,
        page.up_button,
        page.down_button,
        page.remove_button,
        page.title_edit,
    ]
    xs = [button.mapTo(window, button.rect().topLeft()).x() for button in order[1:4]]
    assert xs == sorted(xs)  # left to right as drawn


@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\r", "\u2028", "\u2029", "\t", "\x85"])
def test_lines_pasted_into_a_title_become_one_line_shown_and_stored(qtbot, database, line_break):
    with database.session() as session:
        interview_id = add_sample_interview(session).id
    window = open_window(qtbot, database, interview_id)
    shortcut("Ctrl+2")
    page = window.pages[2]
    tab_to(page.title_edit)
    shortcut("Ctrl+A")
    QApplication.clipboard().setText(line_break.join(["Budgets", "in", "silos"]))
    shortcut("Ctrl+V")
    assert page.title_edit.text() == "Budgets in silos"
    press(Qt.Key.Key_Tab)  # leaving the field saves it
    assert stored_challenges(window)[0].title == "Budgets in silos"
    assert page.list.item(0).text().startswith("1.  Budgets in silos  —  ")
    # and in the new-item line
    page.new_title.setFocus()
    shortcut("Ctrl+A")
    press(Qt.Key.Key_Delete)
    page.remove_button.click()  # room for one more
    page.new_title.setFocus()
    QApplication.clipboard().setText(f"Two{line_break}lines #2")
    shortcut("Ctrl+V")
    press(Qt.Key.Key_Return)
    assert [(c.title, c.theme_code) for c in stored_challenges(window)][-1] == (
        "Two lines",
        "own_resources_focus",
    )


def test_every_one_line_field_turns_inserted_line_breaks_into_spaces(qtbot):
    field = one_line_edit()
    qtbot.addWidget(field)
    field.setText("one\r\ntwo\u2028three")
    assert field.text() == "one two three"
    field.setCursorPosition(3)
    field.insert("\nA\u030a\n")  # a decomposed Å arrives in NFC
    assert field.text() == "one Å  two three"
    field.setText("x" * 40_000)  # longer than Qt's default limit, kept whole
    assert len(field.text()) == 40_000


def test_a_title_cleared_and_left_shows_the_stored_title_again(qtbot, database):
    with database.session() as session:
        interview_id = add_sample_interview(session).id
    window = open_window(qtbot, database, interview_id)
    shortcut("Ctrl+2")
    page = window.pages[2]
    tab_to(page.title_edit)
    shortcut("Ctrl+A")
    press(Qt.Key.Key_Delete)
    press(Qt.Key.Key_Tab)
    title = stored_challenges(window)[0].title
    assert title and page.title_edit.text() == title
    assert "needs a short title" in window.message.text()


def test_typing_a_title_shows_in_the_list_row_at_once_after_its_save(qtbot, database):
    with database.session() as session:
        interview_id = add_sample_interview(session).id
    window = open_window(qtbot, database, interview_id)
    for step, prefix in ((2, "1.  "), (3, "")):
        shortcut(f"Ctrl+{step}")
        page = window.pages[step]
        tab_to(page.title_edit)
        shortcut("Ctrl+A")
        type_text("Renamed")
        expected = f"{prefix}Renamed "
        qtbot.waitUntil(lambda p=page, e=expected: p.list.item(0).text().startswith(e))
        stored = (stored_challenges if step == 2 else stored_initiatives)(window)
        assert stored[0].title == "Renamed"


def test_unbroken_300000_characters_open_as_one_elided_row_and_wrap_anywhere(qtbot, database):
    word = "ø" * 300_000
    with database.session() as session:
        interview_id = add_sample_interview(session).id
        challenge = svc.live_challenges(session=session, interview_id=interview_id)[0]
        svc.update_challenge(
            session=session, challenge_id=challenge.id, title=word, description=word
        )
        initiative = svc.live_initiatives(session=session, interview_id=interview_id)[0]
        svc.update_initiative(
            session=session, initiative_id=initiative.id, title=word, description=word
        )
    window = open_window(qtbot, database, interview_id)
    for step in (2, 3):
        window.go_to_step(step)
        page = window.pages[step]
        row = page.list.item(0).text()
        assert "\n" not in row and len(row) <= ROW_CHARACTERS and "…" in row
        assert row.endswith(("Separate budgets and goals per silo", "Underway"))  # codes stay
        assert len(page.list.item(0).toolTip()) < 1000
        assert page.title_edit.text() == word and page.description.toPlainText() == word
        assert page.description.wordWrapMode() == QTextOption.WrapMode.WrapAnywhere
    for number in range(len(window.pages)):
        window.go_to_step(number)
        for field in window.findChildren(QPlainTextEdit):
            assert field.wordWrapMode() in WRAPPING_ANYWHERE, field.accessibleName()


def test_a_text_area_wraps_at_words_until_a_word_is_very_long(qtbot):
    area = TextArea()
    qtbot.addWidget(area)
    area.setPlainText("an ordinary note with words")
    assert area.wordWrapMode() == QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
    pasted = QMimeData()
    pasted.setText("x" * 5000)
    area.insertFromMimeData(pasted)  # a paste
    assert area.wordWrapMode() == QTextOption.WrapMode.WrapAnywhere
    area.setPlainText("short again")
    assert area.wordWrapMode() == QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere


def test_f1_lists_the_quick_entry_of_questions_1_to_3(window):
    from interviewer.ui.help_overlay import shortcuts

    listed = {keys: meaning for keys, meaning, _ in shortcuts(window.context.guide)}
    assert "theme's number" in listed["title #3  or  title #blame"]
    assert "p planned, u underway, c completed, s stopped" in listed["title #2p"]
    assert "0 or ? don't know" in listed["1–5, 0, ?"]
    assert "numbered codes" in listed["#"]


def test_the_key_budget_of_questions_1_to_3(window, capsys):
    """Types question 1-3 of an interview and counts the keys beyond the words per field."""
    table = []
    shortcut("Ctrl+1")
    keys = KeyCount()
    keys.syntax("4")
    table.append(("a rating", keys.keys, 1))
    keys = KeyCount()
    keys.syntax("0")
    table.append(("a rating: don't know", keys.keys, 1))
    shortcut("Ctrl+2")
    for title, token in (("Budgets in silos", " #1"), ("Blame between departments", " #7")):
        keys = KeyCount()
        keys.words(title)
        keys.syntax(token)
        keys.press(Qt.Key.Key_Return)
        table.append(("a challenge with its theme", keys.keys, 3))
    keys = KeyCount()
    keys.syntax("")
    shortcut("Alt+Up")  # the challenge just added moves up
    keys.keys += 1
    table.append(("a reorder", keys.keys, 1))
    shortcut("Ctrl+3")
    keys = KeyCount()
    keys.words("Joint budget for families")
    keys.syntax(" #4c")
    keys.press(Qt.Key.Key_Return)
    table.append(("an initiative with category and status", keys.keys, 4))
    with capsys.disabled():
        print("\nfield                                    keys  goal")
        for field, count, goal in table:
            print(f"{field:<40} {count:>4}  ≤ {goal}")
    assert all(count <= goal for _, count, goal in table)
    context = window.context
    ranked = svc.live_challenges(session=context.session, interview_id=context.interview_id)
    assert [(c.title, c.theme_code) for c in ranked] == [
        ("Blame between departments", "blame_culture"),
        ("Budgets in silos", "separate_budgets"),
    ]
    [initiative] = stored_initiatives(window)
    assert (initiative.category_code, initiative.status) == ("common_budget", "completed")
    ratings = svc.ratings_by_scale(session=context.session, interview_id=context.interview_id)
    assert ratings["priority", "department"].value == 4
    assert ratings["priority", "municipality"].dont_know


def test_no_line_edit_of_the_interview_window_takes_a_line_break(qtbot, database):
    """Every one-line field on every step and in the side panel, whatever kind it is."""
    from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLineEdit

    with database.session() as session:
        interview_id = add_sample_interview(session).id
    window = open_window(qtbot, database, interview_id)
    checked = 0
    for number in range(len(window.pages)):
        window.go_to_step(number)
        for field in window.findChildren(QLineEdit):
            parent = field.parentWidget()
            if field.isReadOnly() or isinstance(parent, QComboBox | QAbstractSpinBox):
                continue
            field.insert("one\ntwo\u2028three")
            assert "\n" not in field.text() and "\u2028" not in field.text(), (
                field.accessibleName() or field.placeholderText()
            )
            checked += 1
    assert checked > 10
