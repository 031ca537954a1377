"""Small helpers the tests share."""

import hashlib
import sqlite3
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
