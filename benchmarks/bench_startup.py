"""Start to a usable main window, beside a bare PySide6 window started the same way.

Each start is a new process (a cold start of Python and Qt, the files in the OS cache),
timed from launch until the window is shown and the event loop turns: median of several.
"""

import os
import subprocess
import sys
import time

from benchmarks.common import WORK, Result, demo_database, median

STARTS = 7
READY = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
QTimer.singleShot(0, lambda: (print("ready", flush=True), app.quit()))
"""
BARE = (
    READY
    + """
from PySide6.QtWidgets import QMainWindow
window = QMainWindow()
window.resize(1200, 720)
window.show()
app.exec()
"""
)
APP = (
    READY
    + """
from pathlib import Path
from interviewer.ui.app import run_app
run_app(Path(sys.argv[1]))
"""
)


def time_start(script: str, *args: str) -> float:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(WORK / "config"),
        "XDG_DATA_HOME": str(WORK / "data"),
        "XDG_STATE_HOME": str(WORK / "state"),
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    for line in process.stdout:
        if line.startswith("ready"):
            break
    elapsed = time.perf_counter() - started
    process.wait(timeout=60)
    return elapsed


def run() -> list[Result]:
    empty = WORK / "startup-empty.sqlite"
    results = []
    bare = median([time_start(BARE) for _ in range(STARTS)])
    results.append(
        Result("start: bare PySide6 window (median)", f"{bare * 1000:.0f} ms", "-", None)
    )
    for label, path in (("new database", empty), ("10,000 interviews", demo_database(10_000))):
        time_start(APP, str(path))  # first run creates or migrates; not counted
        app = median([time_start(APP, str(path)) for _ in range(STARTS)])
        within = app < 1.0 and app < 2 * bare
        results.append(
            Result(
                f"start: main window, {label} (median)",
                f"{app * 1000:.0f} ms = {app / bare:.1f}x bare",
                "< 1 s, < 2x",
                within,
            )
        )
    return results
