"""Starting the desktop app: open the database safely, then show the main window."""

import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from interviewer.errors import DatabaseRefused
from interviewer.i18n import tr
from interviewer.paths import log_dir
from interviewer.storage.database import open_database

log = logging.getLogger(__name__)


def log_file() -> Path:
    return log_dir() / "interviewer.log"


def setup_logging() -> None:
    """Rotating log in the user's log folder; it records events, never interview content."""
    try:
        log_file().parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(log_file(), maxBytes=1_000_000, backupCount=3)
    except OSError:
        return  # no log is better than no app
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)


def _report_unexpected_error(kind, value, tb) -> None:
    log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
    QMessageBox.critical(
        None,
        tr("Something went wrong"),
        tr(
            "Interviewer met an unexpected error: {error}\n\nYour saved work is safe. "
            "The details are in the log: {log}",
            error=value,
            log=log_file(),
        ),
    )


def run_app(db_path: Path) -> int:
    """Runs the desktop app on ``db_path``; returns the process exit code."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Interviewer")
    app.setOrganizationName("Interviewer")
    setup_logging()
    try:
        database = open_database(db_path)
    except DatabaseRefused as refusal:
        log.warning("refused to open %s: %s", refusal.path, refusal.reason)
        QMessageBox.critical(
            None,
            tr("Cannot open the database"),
            tr(
                "Interviewer cannot open this file:\n{path}\n\n{reason}\n\n"
                "The file has not been changed.",
                path=refusal.path,
                reason=refusal.reason,
            ),
        )
        return 1
    from interviewer.ui.main_window import MainWindow

    sys.excepthook = _report_unexpected_error
    window = MainWindow(database)
    window.show()
    try:
        return app.exec()
    finally:
        database.close()
