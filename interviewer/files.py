"""Writing a file whole or not at all: a failure (a full disk, a cancel) leaves no half file."""

import os
from collections.abc import Callable
from pathlib import Path


def partial_path(target: Path) -> Path:
    """Where a file is written before it takes its name: beside it, hidden."""
    target = Path(target)
    return target.with_name(f".{target.name}.partial")


def write_whole(target: Path, write: Callable[[Path], object]) -> Path:
    """Calls ``write(path)`` on a partial file and renames it to ``target`` only when it
    succeeded; on any failure the partial file is removed and the error goes on."""
    target = Path(target)
    partial = partial_path(target)
    try:
        write(partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target
