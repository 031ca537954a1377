"""Exports against their budgets: the workbook for 10,000 interviews (time and peak memory)
and the Word synthesis for 1,000. Each runs in a process of its own, so its peak memory is
its own."""

import os
import subprocess
import sys
import time

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


def run() -> list[Result]:
    seconds, megabytes = run_export(
        "xlsx_workbook", "write_workbook", demo_database(10_000), WORK / "study.xlsx"
    )
    report, _ = run_export(
        "docx_synthesis", "write_synthesis_docx", demo_database(1_000), WORK / "synthesis.docx"
    )
    return [
        Result(
            "Excel workbook, 10,000 interviews: time", f"{seconds:.1f} s", "< 10 s", seconds < 10
        ),
        Result(
            "Excel workbook, 10,000 interviews: peak memory",
            f"{megabytes:.0f} MB",
            "< 300 MB",
            megabytes < 300,
        ),
        Result("Word synthesis, 1,000 interviews: time", f"{report:.1f} s", "< 15 s", report < 15),
    ]
