"""SQLite's checks of a 10,000-interview file: quick_check (run at every open) beside
integrity_check (its floor: what the full check costs; run before a command writes and, in
the app, in the background right after open), and `interviewer check` as a whole.

Each is the median of several runs on a fresh read-only connection, the file in the OS cache
(as after the first start of the day).
"""

import sqlite3
import time

from benchmarks.common import Result, demo_database, median

RUNS = 5
# the app's whole start is ~1 s (issue 13); a check at open may take a small part of it
OPEN_BUDGET_MS = 200


def time_pragma(path, pragma: str) -> float:
    timings = []
    for _ in range(RUNS):
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        started = time.perf_counter()
        rows = connection.execute(f"PRAGMA {pragma}").fetchall()
        timings.append((time.perf_counter() - started) * 1000)
        connection.close()
        assert rows == [("ok",)], rows
    return median(timings)


def time_check(path) -> float:
    from interviewer.storage.health import check_database

    check_database(path)  # the reference schema is built once per process
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        report = check_database(path)
        timings.append(time.perf_counter() - started)
        assert report.healthy, report.problems
    return median(timings)


def run() -> list[Result]:
    path = demo_database(10_000)
    quick = time_pragma(path, "quick_check")
    full = time_pragma(path, "integrity_check")
    check = time_check(path)
    return [
        Result(
            "quick_check at open, 10,000 interviews",
            f"{quick:.0f} ms",
            f"< {OPEN_BUDGET_MS} ms",
            quick < OPEN_BUDGET_MS,
        ),
        Result(
            "integrity_check (floor of a full check), 10,000 interviews",
            f"{full:.0f} ms ({full / quick:.1f}x quick_check)",
            "background",
            None,
        ),
        Result("interviewer check, 10,000 interviews", f"{check:.1f} s", "-", None),
    ]


if __name__ == "__main__":
    for result in run():
        print(f"{result.name}: {result.figure} (budget {result.budget}: {result.verdict})")
