"""Small helpers the tests share."""

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def database_content(path: Path) -> list:
    """Every row of every table, for comparing a database before and after an operation."""
    connection = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
            )
        ]
        return [
            (table, sorted(map(repr, connection.execute(f'SELECT * FROM "{table}"'))))
            for table in tables
        ]
    finally:
        connection.close()


def run_cli(*args, home: Path) -> subprocess.CompletedProcess:
    """``interviewer ARGS`` in a process of its own, with its data, settings and state under
    ``home`` (so each machine of a test has its own signing key and log)."""
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
    }
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
