"""A closed interview window runs nothing more and leaves nothing behind: no typing or
focus-out of its fields goes through its closed context, no pending call or connection keeps
its Python side (and so a slot a late signal could reach) once it is deleted, and working
one window after another while the old one waits to be deleted, with Python's garbage
collector running after nearly every allocation, raises nothing and does not crash (a real
process: a crash is its exit status)."""

import gc
import subprocess
import sys
import weakref
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, Qt

from interviewer import interviews as svc
from interviewer.demo import add_sample_interview
from interviewer.ui.interview_window import InterviewWindow

DRIVER = Path(__file__).with_name("lifetimes_driver.py")


def test_working_windows_one_after_another_under_constant_garbage_collection(tmp_path):
    done = subprocess.run(
        [sys.executable, str(DRIVER), str(tmp_path / "study.sqlite"), "2"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).parents[2],
    )
    assert "already deleted" not in done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("ok")


def test_a_field_left_as_its_window_closes_shows_and_saves_nothing_more(qtbot, database):
    with database.session() as session:
        interview_id = add_sample_interview(session).id
    window = InterviewWindow(database, interview_id)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    window.go_to_step(2)
    page = window.pages[2]
    page.list.setCurrentRow(0)
    page.title_edit.setFocus()
    qtbot.keyClicks(page.title_edit, " and more")
    window.close()  # saves what was typed; the focus leaves the field as the window goes
    with database.session() as session:
        [first, *_] = svc.live_challenges(session=session, interview_id=interview_id)
    assert " and more" in first.title
    # after the close, nothing typed or shown goes through the closed window's context
    page.title_edit.setText("typed after the close")
    page.title_edit.textEdited.emit("typed after the close")
    assert not window.context._pending and not window.context._timer.isActive()


def _work_and_close(qtbot, database, interview_id) -> dict[str, weakref.ref]:
    """Opens a window, works its list pages (focus moving, typing, a removal undone), closes
    it with the focus in a field; returns weak references to the window and its pages, by
    their class names."""
    window = InterviewWindow(database, interview_id)
    with qtbot.waitExposed(window):
        window.show()
    for step in (2, 3):
        window.go_to_step(step)
        page = window.pages[step]
        page.list.setCurrentRow(0)
        page.title_edit.setFocus()
        qtbot.keyClicks(page.title_edit, " more")
        page.list.setFocus()
        qtbot.keyClick(page.list, Qt.Key.Key_Delete)
        window.undo_action.trigger()
    window.pages[2].title_edit.setFocus()  # a scroll into view is still due as it closes
    references = {type(part).__name__: weakref.ref(part) for part in (window, *window.pages)}
    window.close()
    return references


def test_a_closed_window_leaves_nothing_of_it_behind(qtbot, database):
    """No connection, pending call or filter keeps a deleted window's Python side: a slot
    kept alive past its window is a slot a late signal can still reach."""
    with database.session() as session:
        interview_id = add_sample_interview(session).id
    references = _work_and_close(qtbot, database, interview_id)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    assert [name for name, reference in references.items() if reference() is not None] == []


def test_a_window_deleted_unclosed_signals_nothing_into_itself(qtbot, database):
    """As at shut-down (windows deleted, not closed): the undo stack, cleared as it is
    deleted, says nothing to the window and pages being deleted around it."""
    with database.session() as session:
        interview_id = add_sample_interview(session).id
    window = InterviewWindow(database, interview_id)
    with qtbot.waitExposed(window):
        window.show()
    window.go_to_step(2)
    page = window.pages[2]
    page.list.setCurrentRow(0)
    page.list.setFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_Delete)  # one undoable removal on the stack
    assert window.context.undo_stack.index() == 1
    moves = []
    window.context.undo_stack.indexChanged.connect(moves.append)
    window.hide()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert moves == []
