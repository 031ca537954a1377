"""How fast `interviewer demo` writes interviews."""

import time

from benchmarks.common import WORK, Result
from interviewer.demo import generate_demo
from interviewer.storage.database import open_database


def run(sizes=(10_000, 100_000)) -> list[Result]:
    results = []
    for size in sizes:
        path = WORK / f"demo-speed-{size}.sqlite"
        for leftover in WORK.glob(path.name + "*"):
            leftover.unlink()
        WORK.mkdir(parents=True, exist_ok=True)
        database = open_database(path, backup=False)
        started = time.perf_counter()
        generate_demo(database, interviews=size, seed=42)
        seconds = time.perf_counter() - started
        database.close()
        path.unlink()
        results.append(
            Result(
                f"demo, {size:,} interviews",
                f"{size / seconds:,.0f} interviews/s ({seconds:.1f} s)",
                "-",
                None,
            )
        )
    return results
