"""What the benchmarks share: a demo database of a given size, and the result rows."""

import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

from interviewer.demo import generate_demo
from interviewer.storage.database import open_database

WORK = Path(tempfile.gettempdir()) / "interviewer-benchmarks"


@dataclass
class Result:
    name: str
    figure: str
    budget: str
    within: bool | None  # None: no budget to compare with

    @property
    def verdict(self) -> str:
        return {True: "ok", False: "OVER", None: "-"}[self.within]


def demo_database(interviews: int, *, seed: int = 1) -> Path:
    """A database file with ``interviews`` demo interviews, made once and reused."""
    path = WORK / f"demo-{interviews}-{seed}.sqlite"
    if not path.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        for leftover in WORK.glob(partial.name + "*"):
            leftover.unlink()
        database = open_database(partial, backup=False)
        generate_demo(database, interviews=interviews, seed=seed)
        database.close()
        partial.rename(path)
    return path


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values)
