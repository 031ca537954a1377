"""A quote being typed, or put aside with Esc, is in the database within a moment: a hard kill
loses at most the last second of it, and the box offers it again after a restart or a close."""

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from interviewer import interviews as svc
from interviewer import quote_drafts
from interviewer.storage.database import open_database
from tests.ui.effects_windows import blank_interview, open_window
from tests.ui.keyboard import focused, in_modal, press, shortcut, type_text

DRIVER = Path(__file__).with_name("quote_driver.py")
ROOT = Path(__file__).parent.parent.parent
TEXT = "Unfinished quote about the two budgets that never meet, said twice and meant."
KEYS_BEFORE_KILL = 60


def new_study(path: Path):
    database = open_database(path)
    with database.session() as session:
        interview = svc.create_interview(
            session=session,
            study=svc.current_study(session=session),
            respondent_role="Skolechef",
            service_area="employment",
            municipality="Vejle",
            interview_date=date.today(),
        )
    database.close()
    return interview.id


def run_and_kill(mode: str, path: Path, until, linger: float = 0.0):
    """Runs the driver until ``until(line, typed_at)``, waits ``linger`` seconds and kills it
    with SIGKILL; returns ``typed_at`` (key count → time) and the time of the kill."""
    app = subprocess.Popen(
        [sys.executable, str(DRIVER), mode, str(path), TEXT],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    typed_at: dict[int, float] = {}
    try:
        for line in app.stdout:
            if line.startswith("typed"):
                typed_at[int(line.split()[1])] = time.monotonic()
            if until(line, typed_at):
                break
        time.sleep(linger)
        killed_at = time.monotonic()
        app.send_signal(signal.SIGKILL)
        app.wait(timeout=30)
    finally:
        if app.poll() is None:
            app.kill()
    assert app.returncode == -signal.SIGKILL, app.stderr.read()
    return typed_at, killed_at


def stored_draft(path: Path, interview_id):
    database = open_database(path)
    with database.session() as session:
        draft = quote_drafts.latest_draft(session=session, interview_id=interview_id)
        live = svc.live_quotes(session=session, interview_id=interview_id)
    database.close()
    return (draft.text if draft else None), live


@pytest.mark.parametrize("mode", ["type", "aside"])
def test_a_quote_in_the_box_or_put_aside_survives_a_hard_kill(tmp_path, mode):
    path = tmp_path / "study.sqlite"
    interview_id = new_study(path)
    if mode == "type":
        typed_at, killed_at = run_and_kill(
            mode, path, lambda line, typed: len(typed) >= KEYS_BEFORE_KILL
        )
        typed = TEXT[:KEYS_BEFORE_KILL]
        at_least = max(count for count, at in typed_at.items() if at <= killed_at - 1.0)
    else:  # put aside, then a second for the app to have saved it
        run_and_kill(mode, path, lambda line, typed: line.startswith("put aside"), linger=1.0)
        typed = TEXT
        at_least = len(TEXT)
    text, live = stored_draft(path, interview_id)
    assert live == []  # not a quote yet: Enter was never pressed
    assert text is not None and typed.startswith(text), "the draft is what was typed, in order"
    assert len(text) >= at_least, "all but the last second of typing is in the draft"


def test_the_box_reopens_with_a_draft_after_the_window_closed_and_ctrl_z_keeps_it(qtbot, database):
    interview_id = blank_interview(database, initiatives=("Team",))
    window = open_window(qtbot, database, interview_id)

    def type_and_escape(box):
        type_text(TEXT)
        press(Qt.Key.Key_Escape)

    in_modal(lambda: shortcut("Ctrl+G"), type_and_escape)
    window.close()  # Ctrl+W: no question, and nothing lost
    window = open_window(qtbot, database, interview_id)
    window.panel_button.setChecked(True)
    assert window.side_panel.draft_hint.isVisible()  # says that Ctrl+G has it
    seen = {}

    def look(box):
        seen["text"], seen["note"] = box.text.toPlainText(), box.draft_note.isVisible()
        assert focused() is box.text
        press(Qt.Key.Key_Escape)  # aside again

    in_modal(lambda: shortcut("Ctrl+G"), look)
    assert seen == {"text": TEXT, "note": True}
    context = window.context
    assert svc.live_quotes(session=context.session, interview_id=interview_id) == []
    shortcut("Ctrl+Z")
    [quote] = svc.live_quotes(session=context.session, interview_id=interview_id)
    assert quote.text == TEXT
    assert quote_drafts.latest_draft(session=context.session, interview_id=interview_id) is None
    assert not window.side_panel.draft_hint.isVisible()


def test_a_quote_removed_from_the_list_is_not_offered_as_a_draft(qtbot, database):
    interview_id = blank_interview(database)
    window = open_window(qtbot, database, interview_id)

    def keep(box):
        type_text("Short and true.")
        press(Qt.Key.Key_Return)

    in_modal(lambda: shortcut("Ctrl+G"), keep)
    context = window.context
    [quote] = svc.live_quotes(session=context.session, interview_id=interview_id)
    svc.remove_quote(session=context.session, quote_id=quote.id)
    assert quote_drafts.latest_draft(session=context.session, interview_id=interview_id) is None


def test_emptying_the_box_drops_its_draft(qtbot, database):
    interview_id = blank_interview(database)
    window = open_window(qtbot, database, interview_id)

    def type_then_erase(box):
        type_text("Wrong")
        for _ in "Wrong":
            press(Qt.Key.Key_Backspace)
        press(Qt.Key.Key_Escape)

    in_modal(lambda: shortcut("Ctrl+G"), type_then_erase)
    context = window.context
    assert quote_drafts.latest_draft(session=context.session, interview_id=interview_id) is None
    assert svc.live_quotes(session=context.session, interview_id=interview_id) == []
