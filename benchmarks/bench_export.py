"""Exports against their budgets: the workbook for 10,000 interviews (time and peak memory,
and its time side by side with a plain openpyxl loop writing the same cells) and the Word
synthesis for 1,000 and 10,000 (each under 15 s). Each runs in a process of its own, so its
peak memory is its own."""

import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import WORK, Result, demo_database

EXPORT = """
import sys
from pathlib import Path
from interviewer.export.{module} import {function}
{function}(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def run_export(module: str, function: str, db, out) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of one export in a fresh process."""
    script = EXPORT.format(module=module, function=function)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-W", "ignore", "-c", script, str(db), str(out)])
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{function} failed with exit code {process.returncode}")
    return seconds, usage.ru_maxrss / 1024  # Linux reports kilobytes


# The yardstick: openpyxl's write-only mode writing the very cells of the exported workbook
# (read back first, untimed), with nothing else to do. The export's own work (reading the
# database, judging and converting each value, splitting long text) is the difference.
PLAIN_LOOP = """
import sys, time
from pathlib import Path
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
# The export timed the same way, inside its process after the imports.
TIMED_WORKBOOK = """
import sys, time
from pathlib import Path
from interviewer.export.xlsx_workbook import write_workbook
started, cpu = time.perf_counter(), time.process_time()
write_workbook(Path(sys.argv[1]), Path(sys.argv[2]))
print(time.perf_counter() - started, time.process_time() - cpu)
"""


def _timed(script: str, *arguments) -> tuple[float, float]:
    """(wall seconds, CPU seconds) that ``script`` prints for its timed part."""
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", script, *map(str, arguments)],
        capture_output=True,
        text=True,
        check=True,
    )
    wall, cpu = result.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def workbook_against_loop(db) -> tuple[float, float, tuple[float, float], tuple[float, float]]:
    """The workbook export's seconds and peak MB as a user runs it (a fresh process), then
    (wall, CPU) seconds of the export's own work and of the plain loop on the same cells,
    measured one after the other in the same run. On a shared machine the CPU seconds are
    the fairer comparison: another process's load stretches wall time unevenly."""
    seconds, megabytes = run_export("xlsx_workbook", "write_workbook", db, WORK / "study.xlsx")
    export = _timed(TIMED_WORKBOOK, db, WORK / "study.xlsx")
    loop = _timed(PLAIN_LOOP, WORK / "study.xlsx", WORK / "plain.xlsx")
    return seconds, megabytes, export, loop


def run() -> list[Result]:
    seconds, megabytes, export, loop = workbook_against_loop(demo_database(10_000))
    ratio = export[1] / loop[1]  # CPU seconds
    report, _ = run_export(
        "docx_synthesis", "write_synthesis_docx", demo_database(1_000), WORK / "synthesis.docx"
    )
    large_report, _ = run_export(
        "docx_synthesis", "write_synthesis_docx", demo_database(10_000), WORK / "synthesis.docx"
    )
    return [
        Result(
            "Excel workbook, 10,000 interviews: time", f"{seconds:.1f} s", "< 10 s", seconds < 10
        ),
        Result(
            "Excel workbook, 10,000 interviews: export's work / plain openpyxl loop",
            f"{export[0]:.1f} s / {loop[0]:.1f} s (CPU {export[1]:.1f} s / {loop[1]:.1f} s)",
            "-",
            None,
        ),
        Result(
            "Excel workbook, 10,000 interviews: export / plain loop (CPU)",
            f"{ratio:.2f}x",
            "<= 1.3x",
            ratio <= 1.3,
        ),
        Result(
            "Excel workbook, 10,000 interviews: peak memory",
            f"{megabytes:.0f} MB",
            "< 300 MB",
            megabytes < 300,
        ),
        Result("Word synthesis, 1,000 interviews: time", f"{report:.1f} s", "< 15 s", report < 15),
        Result(
            "Word synthesis, 10,000 interviews: time",
            f"{large_report:.1f} s",
            "< 15 s",
            large_report < 15,
        ),
    ]


if __name__ == "__main__":  # the workbook alone: python -m benchmarks.bench_export [DB]
    database = Path(sys.argv[1]) if len(sys.argv) > 1 else demo_database(10_000)
    whole, peak, (wall, cpu), (loop_wall, loop_cpu) = workbook_against_loop(database)
    print(
        f"workbook {whole:.2f} s in its own process (peak {peak:.0f} MB); its own work "
        f"{wall:.2f} s wall, {cpu:.2f} s CPU; plain openpyxl loop on the same cells "
        f"{loop_wall:.2f} s wall, {loop_cpu:.2f} s CPU; ratio {wall / loop_wall:.2f}x wall, "
        f"{cpu / loop_cpu:.2f}x CPU"
    )
