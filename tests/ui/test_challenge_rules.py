"""The ranking rules hold through the interview window: removal, undo, reorder, the limit."""

import pytest
from PySide6.QtCore import Qt

from interviewer import interviews as svc
from interviewer.demo import add_sample_interview
from interviewer.storage.database import open_database
from interviewer.ui.interview_window import InterviewWindow
from tests.ui.keyboard import focused, press, shortcut, type_text


@pytest.fixture
def window(qtbot, tmp_path):
    database = open_database(tmp_path / "study.sqlite")
    with database.session() as session:
        interview_id = add_sample_interview(session).id
    window = InterviewWindow(database, interview_id)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    window.go_to_step(2)
    yield window  # qtbot closes it
    database.close()


def stored(window) -> list[tuple[int, str]]:
    context = window.context
    return [
        (c.rank, c.title)
        for c in svc.live_challenges(session=context.session, interview_id=context.interview_id)
    ]


def shown(window) -> list[str]:
    page = window.pages[2]
    return [page.list.item(row).text().split("  —  ")[0] for row in range(page.list.count())]


BUDGETS, PICTURE, CUTS = (
    "Each unit guards its own budget line",
    "No common picture of the task",
    "Cuts make everyone look inwards",
)


def test_delete_closes_the_gap_and_undo_brings_the_challenge_back_in_place(window):
    page = window.pages[2]
    page.list.setFocus()
    page.list.setCurrentRow(0)
    press(Qt.Key.Key_Delete)
    assert stored(window) == [(1, PICTURE), (2, CUTS)]
    assert shown(window) == [f"1.  {PICTURE}", f"2.  {CUTS}"]
    assert page.new_title.isEnabled()  # there is room again
    shortcut("Ctrl+Z")
    assert stored(window) == [(1, BUDGETS), (2, PICTURE), (3, CUTS)]
    assert shown(window)[0] == f"1.  {BUDGETS}"
    shortcut("Ctrl+Shift+Z")
    assert stored(window) == [(1, PICTURE), (2, CUTS)]


def test_alt_arrows_reorder_and_ranks_stay_1_to_n(window):
    page = window.pages[2]
    page.list.setFocus()
    page.list.setCurrentRow(2)
    shortcut("Alt+Up")
    shortcut("Alt+Up")
    assert stored(window) == [(1, CUTS), (2, BUDGETS), (3, PICTURE)]
    assert focused() is page.list and page.list.currentRow() == 0
    shortcut("Alt+Up")  # already first: nothing moves
    assert stored(window) == [(1, CUTS), (2, BUDGETS), (3, PICTURE)]
    shortcut("Ctrl+Z")
    assert stored(window) == [(1, BUDGETS), (2, CUTS), (3, PICTURE)]


def test_a_drop_reorders_through_the_same_rule(window):
    page = window.pages[2]
    model = page.list.model()
    # what the view does on a drop: move the row, then tell the page the new order
    assert model.moveRow(page.list.rootIndex(), 0, page.list.rootIndex(), 3)
    page.list.on_reordered(page.list.ids())
    assert stored(window) == [(1, PICTURE), (2, CUTS), (3, BUDGETS)]
    assert shown(window) == [f"1.  {PICTURE}", f"2.  {CUTS}", f"3.  {BUDGETS}"]


def test_a_fourth_challenge_is_refused_with_a_visible_reason(window):
    page = window.pages[2]
    # the line stays usable (focus never jumps away from it); it says why, and Enter there
    # says it again, keeping what was typed
    assert page.new_title.isEnabled() and focused() is page.new_title
    assert not page.note.isHidden() and "Remove one" in page.note.text()
    type_text("A fourth one")
    press(Qt.Key.Key_Return)
    assert focused() is page.new_title and page.new_title.text() == "A fourth one"
    assert not window.message.isHidden() and "Remove one" in window.message.text()
    assert len(stored(window)) == 3
    assert page.add("A fourth one") is None  # even if asked directly, the rule says no
    assert not window.message.isHidden()
    assert "at most 3 challenges" in window.message.text()
    assert len(stored(window)) == 3


def test_a_figure_that_is_not_finite_is_not_saved(window):
    from interviewer.figures import parse_figure

    for text in ("inf", "nan", "1e400", "-Infinity"):
        with pytest.raises(ValueError):
            parse_figure(text)
    assert parse_figure("3,7", "da") == 3.7 and parse_figure("1.250,5", "da") == 1250.5
