"""One edit saved durably, in a file holding 10,000 interviews (budget: under 10 ms)."""

import shutil
import time

from sqlmodel import select

from benchmarks.common import WORK, Result, demo_database, median, percentile
from interviewer import interviews as svc
from interviewer.storage.database import open_database
from interviewer.storage.models import Challenge, Interview

EDITS = 300


def run() -> list[Result]:
    path = WORK / "edits.sqlite"
    shutil.copy(demo_database(10_000), path)
    database = open_database(path, backup=False)
    timings = []
    with database.session() as session:
        interview_ids = session.exec(select(Interview.id).limit(EDITS)).all()
        challenge_ids = session.exec(select(Challenge.id).limit(EDITS)).all()
        for number in range(EDITS):
            # the edits an interviewer makes most: notes, a rating, a challenge's text
            started = time.perf_counter()
            match number % 3:
                case 0:
                    svc.set_notes(
                        session=session,
                        interview_id=interview_ids[number],
                        question_key="challenges",
                        notes=f"Notes typed, edit {number}",
                    )
                case 1:
                    svc.set_rating(
                        session=session,
                        interview_id=interview_ids[number],
                        question_key="priority",
                        scale_key="department",
                        value=1 + number % 5,
                    )
                case 2:
                    svc.update_challenge(
                        session=session,
                        challenge_id=challenge_ids[number],
                        description=f"Rewritten in edit {number}",
                    )
            timings.append((time.perf_counter() - started) * 1000)
    database.close()
    p50, p95 = median(timings), percentile(timings, 0.95)
    return [
        Result("one edit saved, 10,000 interviews: median", f"{p50:.2f} ms", "< 10 ms", p50 < 10),
        Result("one edit saved, 10,000 interviews: p95", f"{p95:.2f} ms", "< 1 s", p95 < 1000),
    ]
