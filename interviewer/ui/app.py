"""Starting the desktop app: open the database safely, then show the main window."""

import logging
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from interviewer.errors import DatabaseRefused
from interviewer.i18n import set_language, tr
from interviewer.paths import log_dir
from interviewer.storage.backup import start_background_backup
from interviewer.storage.database import Database, open_database, open_database_read_only
from interviewer.storage.file_lock import WriterLock, try_writer_lock
from interviewer.storage.models import Interview
from interviewer.ui.lifetime import shut_down
from interviewer.ui.main_window import MainWindow
from interviewer.ui.settings import Preferences, open_interviews, set_open_interviews
from interviewer.ui.style import apply_style
from interviewer.ui.undo_steps import install as install_undo_steps

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


def error_frames(kind, tb) -> str:
    """The exception's type and where it was raised (file, line, function), and nothing
    else: an exception's message and its frames' values can carry typed text."""
    frames = [
        f"  {Path(frame.filename).name}:{frame.lineno} in {frame.name}"
        for frame in traceback.extract_tb(tb)
    ]
    return "\n".join([getattr(kind, "__qualname__", str(kind)), *frames])


def _report_unexpected_error(kind, value, tb) -> None:
    log.error("unexpected error: %s", error_frames(kind, tb))
    QMessageBox.critical(
        None,
        tr("Something went wrong"),
        tr(
            "Interviewer met an unexpected error. Your saved work is safe, and you can go on "
            "working.\n\nWhere it happened is in the log (without anything you typed): {log}",
            log=log_file(),
        ),
    )


def _log_thread_error(args) -> None:
    # a background task (a backup, say) has no window to report to: the log alone, no content
    log.error(
        "unexpected error in a background task: %s", error_frames(args.exc_type, args.exc_traceback)
    )


_qt_translator: QTranslator | None = None


def apply_preferences(app: QApplication) -> None:
    """Language, locale (dates) and text size, from the user's preferences."""
    global _qt_translator
    preferences = Preferences()
    set_language(preferences.language)
    # Qt's own words (Yes, No, Close, Cancel in standard dialogs) from Qt's catalogs
    if _qt_translator is not None:
        app.removeTranslator(_qt_translator)
        _qt_translator = None
    if preferences.language != "en":
        translator = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(f"qtbase_{preferences.language}", folder):
            app.installTranslator(translator)
            _qt_translator = translator
    QLocale.setDefault(
        QLocale(QLocale.Language.Danish, QLocale.Country.Denmark)
        if preferences.language == "da"
        else QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    )
    apply_style(app, preferences.font_size)


class App:
    """The running desktop app: the open database and its windows."""

    def __init__(self, qt_app: QApplication, database: Database):
        self.qt_app, self.database = qt_app, database
        self.main_window: MainWindow | None = None

    @property
    def read_only(self) -> bool:
        return self.database.read_only

    def show(self) -> MainWindow:
        reopen = {}
        if self.main_window is not None:  # rebuilding after a change of language or text size
            # each interview comes back where the interviewer was in it
            reopen = {i: window.place() for i, window in self.main_window.windows.items()}
            self.main_window.close()
            self.main_window.deleteLater()
            # gone before the new style is applied: restyling a closing window crashes Qt
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        apply_preferences(self.qt_app)
        install_undo_steps(self.qt_app)  # Ctrl+Z takes back a word, not a paragraph
        window = MainWindow(self.database)
        window.settings_changed.connect(self.show)
        window.show()
        self.main_window = window
        for interview_id, place in reopen.items():
            window.open_interview(interview_id, place=place)
        return window

    def offer_recovery(self) -> list:
        """After a crash, offers to return to the interviews that were open, each at the step
        and field where the interviewer was. A read-only copy offers nothing: the interviews
        listed are the other copy's, open there now."""
        if self.read_only:
            return []
        ids = [i for i in open_interviews(self.database.path) if self._exists(i)]
        set_open_interviews(self.database.path, [])
        if not ids:
            return []
        answer = QMessageBox.question(
            self.main_window,
            tr("Return to your interview?"),
            tr(
                "Interviewer was closed while an interview was open. Everything up to the last "
                "second was saved. Return to it now?"
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return []
        for interview_id in ids:
            self.main_window.open_interview(interview_id, return_to_place=True)
        return ids

    def _exists(self, interview_id) -> bool:
        with self.database.session() as session:
            interview = session.get(Interview, interview_id)
            return interview is not None and interview.deleted_at is None


def open_for_app(db_path: Path) -> tuple[Database, WriterLock | None]:
    """Opens ``db_path`` for writing under its writer lock, or read-only when another copy of
    the app (or a command) writes it. Raises DatabaseRefused."""
    try:
        lock = try_writer_lock(db_path)
    except OSError as error:  # a folder where no lock file can be made: SQLite still locks
        log.warning("no writer lock for %s: %s", Path(db_path).name, error.strerror)
        return open_database(db_path, backup=False), None
    if lock is None:
        log.info("%s is open for writing elsewhere; opening it read-only", Path(db_path).name)
        return open_database_read_only(db_path), None
    try:
        return open_database(db_path, backup=False), lock
    except BaseException:
        lock.release()
        raise


def run_app(db_path: Path) -> int:
    """Runs the desktop app on ``db_path``; returns the process exit code."""
    qt_app = QApplication.instance() or QApplication(sys.argv)
    qt_app.setApplicationName("Interviewer")
    qt_app.setOrganizationName("Interviewer")
    setup_logging()
    apply_preferences(qt_app)
    try:
        database, lock = open_for_app(db_path)
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
    sys.excepthook = _report_unexpected_error
    threading.excepthook = _log_thread_error
    app = App(qt_app, database)
    app.show()
    if not database.read_only:
        start_background_backup(database.path)
        QTimer.singleShot(0, app.offer_recovery)
    try:
        return qt_app.exec()
    finally:
        shut_down()  # threads joined and windows deleted while Python and Qt are whole
        database.close()
        if lock is not None:
            lock.release()
