"""Exports against their budgets: the workbook for 10,000 interviews (time, peak memory, and
its time side by side with a plain openpyxl loop writing the same cells) and the Word
synthesis for 1,000 and 10,000 (each under 15 s). Each runs in a process of its own, so its
peak memory is its own.

The workbook alone: ``python -m benchmarks.bench_export [DB] [--runs N]``.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import WORK, Result, demo_database

EXPORT = """
import sys
from pathlib import Path
from interviewer.export.{module} import {function}
{function}(Path(sys.argv[1]), Path(sys.argv[2]))
"""


@dataclass(frozen=True)
class Process:
    """One script run in a process of its own: the whole process (wall and CPU seconds, peak
    resident MB) and, when the script prints them, the wall and CPU seconds of its timed part
    (after its imports), all of the same run."""

    wall: float
    cpu: float
    megabytes: float
    part_wall: float | None = None
    part_cpu: float | None = None


def run_process(script: str, *arguments) -> Process:
    """Runs ``script`` with ``arguments`` in a fresh Python; raises RuntimeError when it
    fails. Its last line of output, when it is two numbers, is its timed part."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-W", "ignore", "-c", script, *map(str, arguments)],
        stdout=subprocess.PIPE,
        text=True,
    )
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.stdout.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"the benchmark's process failed with exit code {process.returncode}")
    lines = output.strip().splitlines()
    part = lines[-1].split() if lines else []
    timed = tuple(map(float, part)) if len(part) == 2 else (None, None)
    # Linux reports kilobytes
    return Process(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, *timed)


def run_export(module: str, function: str, db, out) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of one export in a fresh process."""
    result = run_process(EXPORT.format(module=module, function=function), db, out)
    return result.wall, result.megabytes


# The export as a user runs it, in a fresh process, timing its own work (after the imports)
# in the same run.
TIMED_WORKBOOK = """
import sys, time
from pathlib import Path
from interviewer.export.xlsx_workbook import write_workbook
started, cpu = time.perf_counter(), time.process_time()
write_workbook(Path(sys.argv[1]), Path(sys.argv[2]))
print(time.perf_counter() - started, time.process_time() - cpu)
"""
# The yardstick: openpyxl's write-only mode writing the very cells of the exported workbook
# (read back first, untimed), with nothing else to do. The export's own work (reading the
# database, judging and converting each value, splitting long text) is the difference.
PLAIN_LOOP = """
import sys, time
from openpyxl import Workbook, load_workbook
source = load_workbook(sys.argv[1], read_only=True)
sheets = [(s.title, [list(row) for row in s.iter_rows(values_only=True)]) for s in source]
source.close()
started, cpu = time.perf_counter(), time.process_time()
workbook = Workbook(write_only=True)
for title, rows in sheets:
    sheet = workbook.create_sheet(title)
    for row in rows:
        sheet.append(row)
workbook.save(sys.argv[2])
print(time.perf_counter() - started, time.process_time() - cpu)
"""


@dataclass(frozen=True)
class Comparison:
    """One run of the workbook export and, right after it, of the plain loop on its cells."""

    export: Process
    loop: Process

    @property
    def wall_ratio(self) -> float:
        return self.export.part_wall / self.loop.part_wall

    @property
    def cpu_ratio(self) -> float:
        return self.export.part_cpu / self.loop.part_cpu


def workbook_against_loop(db) -> Comparison:
    """The workbook export in a fresh process (the whole process and its own work, one run),
    then the plain loop writing the cells it wrote. On a shared machine the CPU seconds are
    the fairer comparison: another process's load stretches wall time unevenly."""
    export = run_process(TIMED_WORKBOOK, db, WORK / "study.xlsx")
    loop = run_process(PLAIN_LOOP, WORK / "study.xlsx", WORK / "plain.xlsx")
    return Comparison(export, loop)


def load_average() -> str:
    """The 1-minute load average (what else the machine was doing), or "?"."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def describe(run: Comparison) -> str:
    export, loop = run.export, run.loop
    return (
        f"workbook process {export.wall:.2f} s wall, {export.cpu:.2f} s CPU, peak "
        f"{export.megabytes:.0f} MB; its own work {export.part_wall:.2f} s wall, "
        f"{export.part_cpu:.2f} s CPU | plain openpyxl loop {loop.part_wall:.2f} s wall, "
        f"{loop.part_cpu:.2f} s CPU | ratio {run.wall_ratio:.2f}x wall, {run.cpu_ratio:.2f}x CPU"
    )


def median_of(runs: list[Comparison]) -> str:
    def middle(values):
        return statistics.median(values)

    return (
        f"median of {len(runs)}: workbook process {middle([r.export.wall for r in runs]):.2f} s "
        f"wall, {middle([r.export.cpu for r in runs]):.2f} s CPU; its own work "
        f"{middle([r.export.part_wall for r in runs]):.2f} s wall, "
        f"{middle([r.export.part_cpu for r in runs]):.2f} s CPU | plain loop "
        f"{middle([r.loop.part_wall for r in runs]):.2f} s wall, "
        f"{middle([r.loop.part_cpu for r in runs]):.2f} s CPU | ratio "
        f"{middle([r.wall_ratio for r in runs]):.2f}x wall, "
        f"{middle([r.cpu_ratio for r in runs]):.2f}x CPU"
    )


def run() -> list[Result]:
    comparison = workbook_against_loop(demo_database(10_000))
    export, loop = comparison.export, comparison.loop
    report, _ = run_export(
        "docx_synthesis", "write_synthesis_docx", demo_database(1_000), WORK / "synthesis.docx"
    )
    large_report, _ = run_export(
        "docx_synthesis", "write_synthesis_docx", demo_database(10_000), WORK / "synthesis.docx"
    )
    return [
        Result(
            "Excel workbook, 10,000 interviews: time (its process)",
            f"{export.wall:.1f} s (CPU {export.cpu:.1f} s)",
            "< 10 s",
            export.wall < 10,
        ),
        Result(
            "Excel workbook, 10,000 interviews: export's work / plain openpyxl loop",
            f"{export.part_wall:.1f} s / {loop.part_wall:.1f} s wall, "
            f"{export.part_cpu:.1f} s / {loop.part_cpu:.1f} s CPU",
            "-",
            None,
        ),
        Result(
            "Excel workbook, 10,000 interviews: export / plain loop",
            f"{comparison.wall_ratio:.2f}x wall, {comparison.cpu_ratio:.2f}x CPU",
            "<= 1.3x",
            comparison.cpu_ratio <= 1.3,
        ),
        Result(
            "Excel workbook, 10,000 interviews: peak memory",
            f"{export.megabytes:.0f} MB",
            "< 300 MB",
            export.megabytes < 300,
        ),
        Result("Word synthesis, 1,000 interviews: time", f"{report:.1f} s", "< 15 s", report < 15),
        Result(
            "Word synthesis, 10,000 interviews: time",
            f"{large_report:.1f} s",
            "< 15 s",
            large_report < 15,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_export",
        description="The study workbook of a database against a plain openpyxl loop writing "
        "the same cells: wall and CPU seconds of each, and their ratio (budget: under 10 s, "
        "at most 1.3x the loop).",
    )
    parser.add_argument(
        "db",
        nargs="?",
        type=Path,
        help="the database to export (never written); default: a 10,000-interview demo",
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="how many times to measure (the median is shown)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    database = args.db if args.db is not None else demo_database(10_000)
    if not database.is_file():
        parser.error(f"no database file at {database}")
    WORK.mkdir(parents=True, exist_ok=True)
    runs = []
    for number in range(1, args.runs + 1):
        before = load_average()
        runs.append(workbook_against_loop(database))
        print(f"run {number} (load {before} → {load_average()}): {describe(runs[-1])}")
    if len(runs) > 1:
        print(median_of(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
