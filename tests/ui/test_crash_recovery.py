"""Never lose a word: kill the running app hard while typing, and find all but the last second;
start again and be back in the field where the typing was, the cursor at its end."""

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from interviewer import interviews as svc
from interviewer.storage.database import open_database
from interviewer.storage.health import check_database

DRIVER = Path(__file__).with_name("typing_driver.py")
ROOT = Path(__file__).parent.parent.parent
TEXT = (
    "Budgets are split between three departments and nobody owns the family's whole "
    "case; the new forum meets every second week and looks at the hardest cases first. "
)
KEYS_BEFORE_KILL = 90


def driver(mode: str, db_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(DRIVER), mode, str(db_path), TEXT],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_hard_kill_loses_at_most_the_last_second(tmp_path):
    path = tmp_path / "study.sqlite"
    database = open_database(path)
    with database.session() as session:
        study = svc.current_study(session=session)
        interview = svc.create_interview(
            session=session,
            study=study,
            respondent_role="Jobcenterchef",
            service_area="employment",
            municipality="Vejle",
            interview_date=date.today(),
        )
    database.close()

    app = driver("type", path)
    typed_at: dict[int, float] = {}
    try:
        for line in app.stdout:
            if line.startswith("typed"):
                count = int(line.split()[1])
                typed_at[count] = time.monotonic()
                if count >= KEYS_BEFORE_KILL:
                    break
        killed_at = time.monotonic()
        app.send_signal(signal.SIGKILL)  # no chance to save anything more
        app.wait(timeout=30)
    finally:
        if app.poll() is None:
            app.kill()
    assert len(typed_at) >= KEYS_BEFORE_KILL, app.stderr.read()
    assert app.returncode == -signal.SIGKILL

    database = open_database(path)
    with database.session() as session:
        notes = svc.answers_by_question(session=session, interview_id=interview.id)["priority"]
        saved = notes.notes
    database.close()
    typed = TEXT[:KEYS_BEFORE_KILL]
    at_least = max(count for count, at in typed_at.items() if at <= killed_at - 1.0)
    assert typed.startswith(saved), "what was saved is what was typed, in order"
    assert len(saved) >= at_least, (
        f"{len(saved)} characters saved, but {at_least} were typed more than a second "
        "before the kill"
    )

    assert check_database(path).healthy
    result = subprocess.run(
        [sys.executable, "-m", "interviewer", "check", "--db", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    reopened = driver("reopen", path)
    output, errors = reopened.communicate(timeout=120)
    assert reopened.returncode == 0, errors
    assert "offered" in output
    assert f"reopened {interview.id}" in output
    # back where the interviewer was: question 1, in its notes, the cursor after the last word
    lines = output.splitlines()
    assert "step 1" in lines, output
    assert "focus notes" in lines, output
    assert f"cursor {len(saved)} of {len(saved)}" in lines, output
