"""The log of the app and of the command line: one rotating file in the user's log folder
(platformdirs), holding events and where errors happened, never interview content.

The terminal of a command shows warnings and errors only, and never an error's frames: those
go to the file alone (``FILE_ONLY``), behind the one sentence the command prints.
"""

import logging
import sys
from logging.handlers import RotatingFileHandler

from interviewer.paths import log_file
from interviewer.storage.failures import keep_content_out_of_logs

LOG_BYTES = 1_000_000  # per file; the oldest of LOG_FILES_KEPT is dropped as a new one starts
LOG_FILES_KEPT = 3
FILE_ONLY = {"file_only": True}  # ``extra=`` of a record the terminal does not show


class _Stderr(logging.StreamHandler):
    """Writes to ``sys.stderr`` as it is when each record comes (as logging's own last-resort
    handler does), so a command run in-process after its caller replaced or closed the stream
    it started with never writes to a closed file."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


class _NotFileOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(record, "file_only", False)


def log_to_terminal() -> None:
    """Warnings and errors of a command on stderr, without the records meant for the file;
    called again (a command run in-process after another), it replaces the one before."""
    handler = _Stderr()
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_NotFileOnly())
    _replace("interviewer_terminal", handler)


def _replace(mark: str, handler: logging.Handler) -> None:
    """Makes ``handler`` the root logger's one handler marked ``mark``."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, mark, False)]:
        root.removeHandler(old)
        old.close()
    setattr(handler, mark, True)
    root.addHandler(handler)
    keep_content_out_of_logs()


def setup_logging() -> None:
    """Makes the rotating log file at ``paths.log_file()`` the root logger's file log, at
    level INFO (kept when it is already that file); a log folder that cannot be written
    leaves the process without a file log, never a failure."""
    root = logging.getLogger()
    path = str(log_file())
    if any(getattr(h, "interviewer_log", False) and h.baseFilename == path for h in root.handlers):
        return
    try:
        log_file().parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            path,
            maxBytes=LOG_BYTES,
            backupCount=LOG_FILES_KEPT,
            encoding="utf-8",
            errors="backslashreplace",  # a file name that is not UTF-8 is logged, escaped
        )
    except OSError:
        return  # no log is better than no app, and no command
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _replace("interviewer_log", handler)
    root.setLevel(logging.INFO)
