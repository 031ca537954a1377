"""Starting the desktop app: open the database safely, then show the main window."""

import logging
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator, Signal
from PySide6.QtWidgets import QApplication, QCheckBox, QMessageBox

from interviewer.errors import DatabaseRefused
from interviewer.file_safety import check_database_path
from interviewer.i18n import set_language, tr
from interviewer.logs import setup_logging
from interviewer.paths import log_dir
from interviewer.storage.backup import SessionBackup
from interviewer.storage.database import (
    Database,
    open_database,
    open_database_read_only,
    open_database_unwritable,
)
from interviewer.storage.failures import classify, error_kind
from interviewer.storage.file_lock import WriterLock, try_writer_lock
from interviewer.storage.integrity import start_integrity_check
from interviewer.storage.location import (
    file_writable,
    shared_location,
    shared_location_allowed,
)
from interviewer.storage.models import Interview
from interviewer.ui.lifetime import shut_down
from interviewer.ui.main_window import MainWindow
from interviewer.ui.settings import Preferences, open_interviews, set_open_interviews
from interviewer.ui.style import apply_style
from interviewer.ui.undo_steps import install as install_undo_steps

log = logging.getLogger(__name__)


def log_file() -> Path:
    return log_dir() / "interviewer.log"


def error_frames(kind, tb) -> str:
    """The exception's type and where it was raised (file, line, function), and nothing
    else: an exception's message and its frames' values can carry typed text (one copy, in
    storage/failures.py)."""
    from interviewer.storage.failures import _frames

    return _frames((kind, None, tb))


def _report_unexpected_error(kind, value, tb) -> None:
    if isinstance(value, DatabaseRefused):  # a write after integrity_check found damage
        QMessageBox.warning(None, tr("Not saved"), value.reason)
        return
    failure = classify(value, _open_db_path)
    if failure is not None:  # a full disk, a lock held by another program, …: said plainly
        log.warning("a change was not saved: %s", error_kind(value))
        QMessageBox.warning(None, tr("Not saved"), str(failure))
        return
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
# the database the app has open: an error's sentence can depend on its file and folder
_open_db_path: Path | None = None


class _Notices(QObject):
    """Sentences from other threads (the automatic backup), shown on the UI thread."""

    backup_failed = Signal(str)
    damage_found = Signal(str)


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

    def __init__(self, qt_app: QApplication, database: Database, lock: WriterLock | None = None):
        self.qt_app, self.database, self.lock = qt_app, database, lock
        self.main_window: MainWindow | None = None
        self.notices = _Notices()
        self.notices.backup_failed.connect(self._show_backup_failure)
        self.notices.damage_found.connect(self._show_damage)
        self.session_backup: SessionBackup | None = None
        self.integrity = None  # the background integrity_check's IntegrityWatch

    def start_session_backup(self) -> None:
        """The rolling backup of this session: copied now, in the background, and kept only
        if the session writes (see storage/backup.py)."""
        if self.read_only:
            return
        self.session_backup = SessionBackup(self.database.path)
        self.session_backup.on_failure = self.notices.backup_failed.emit  # said calmly
        self.session_backup.watch(self.database.engine)
        self.session_backup.start()

    def finish_session_backup(self) -> None:
        if self.session_backup is not None:
            self.session_backup.finish()
            self.session_backup = None

    def restore_from(self, backup: Path) -> bool:
        """File › Restore from a backup…: checks ``backup``, closes the interview windows
        (saving what was typed) and the database, puts the backup in place under the writer
        lock this app holds, and reopens the file. Says what happened; returns True when
        restored. A refused backup changes nothing and closes nothing."""
        from interviewer.errors import InterviewerError
        from interviewer.storage.failures import failure_message
        from interviewer.storage.restore import (
            check_backup,
            other_database_question,
            restore_backup,
            restored_message,
            study_differs,
        )

        path = self.database.path
        try:
            check_backup(backup, path)
        except InterviewerError as refusal:
            QMessageBox.warning(self.main_window, tr("Restore from a backup"), str(refusal))
            return False
        other = study_differs(path, backup)
        if other:  # a backup of another study: only when the person says so
            answer = QMessageBox.question(
                self.main_window,
                tr("Restore from a backup"),
                other_database_question(backup),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        if self.main_window is not None:
            self.main_window.close()  # each interview window saves and closes with it
            self.main_window.deleteLater()
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            self.main_window = None
        self.finish_session_backup()
        self.database.close()
        message, restored = "", False
        try:
            result = restore_backup(path, backup, lock=self.lock, other_database=other)
            restored = True
            message = restored_message(result)
        except Exception as error:  # whatever it was, the file is reopened and work goes on
            log.warning("a restore failed: %s", error_kind(error))
            message = failure_message(error, path)
        if not self._reopen(path):
            return False
        if restored:
            QMessageBox.information(self.main_window, tr("Restore from a backup"), message)
        else:
            QMessageBox.warning(self.main_window, tr("Restore from a backup"), message)
        return restored

    def _reopen(self, path: Path) -> bool:
        """Opens ``path`` again after a restore (an older schema is migrated here), as at the
        start: checked fully in the background, its session backup begun. A file that cannot
        be opened now is said plainly and the app ends."""
        try:
            self.database = open_database(path, backup=False, full_check=False)
        except DatabaseRefused as refusal:
            say_cannot_open(refusal)
            self.qt_app.quit()
            return False
        self.integrity = start_integrity_check(self.database, self.notices.damage_found.emit)
        self.show()
        self.start_session_backup()
        return True

    def _show_damage(self, sentence: str) -> None:
        # integrity_check found damage after open: the database refuses writes from now on
        if self.main_window is not None:
            self.main_window.mark_damaged(sentence)
        QMessageBox.critical(self.main_window, tr("The database file is damaged"), sentence)

    def _show_backup_failure(self, sentence: str) -> None:
        # calm: the work goes on; the status bar says it until something else is said there
        if self.main_window is not None:
            self.main_window.statusBar().showMessage(sentence)

    def warn_about_location(self) -> bool:
        """Says once, when the database is on a network drive or in a synced folder, with
        what to do, unless the person chose not to be told (a setting, or
        $INTERVIEWER_ALLOW_SHARED_FOLDER). Returns whether it warned."""
        preferences = Preferences()
        if not preferences.warn_about_shared_location or shared_location_allowed():
            return False
        place = shared_location(self.database.path)
        if place is None:
            return False
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            tr("The database is in a shared place"),
            place.warning(),
            QMessageBox.StandardButton.Ok,
            self.main_window,
        )
        again = QCheckBox(tr("Do not warn me about this again"))
        box.setCheckBox(again)
        self.location_warning = box  # for a test to find and close
        box.exec()
        if again.isChecked():
            preferences.warn_about_shared_location = False
        box.deleteLater()
        return True

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
        # after the menu's slot has returned: the restore replaces this very window
        window.restore_chosen.connect(
            lambda backup: QTimer.singleShot(0, lambda: self.restore_from(backup))
        )
        if self.integrity is not None and self.integrity.damage is not None:
            window.mark_damaged(self.integrity.damage)  # rebuilt after the check spoke
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
    the app (or a command) writes it, or when it cannot be written here (a read-only file,
    folder or medium). Raises DatabaseRefused or StorageFailure."""
    check_database_path(db_path)  # a folder, device or pipe: before a lock file is made
    if Path(db_path).exists() and not file_writable(db_path):
        log.info("%s cannot be written here; opening it read-only", Path(db_path).name)
        return open_database_unwritable(db_path), None
    try:
        lock = try_writer_lock(db_path)
    except OSError as error:  # a folder where no lock file can be made: SQLite still locks
        log.warning("no writer lock for %s: %s", Path(db_path).name, error.strerror)
        return open_database(db_path, backup=False, full_check=False), None
    if lock is None:
        log.info("%s is open for writing elsewhere; opening it read-only", Path(db_path).name)
        return open_database_read_only(db_path), None
    try:
        # integrity_check runs right after, in the background (see run_app)
        return open_database(db_path, backup=False, full_check=False), lock
    except BaseException:
        lock.release()
        raise


def say_cannot_open(refusal: DatabaseRefused) -> None:
    """The one dialog for a database file the app will not open, at start or after a restore."""
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


def run_app(db_path: Path) -> int:
    """Runs the desktop app on ``db_path``; returns the process exit code."""
    qt_app = QApplication.instance() or QApplication(sys.argv)
    qt_app.setApplicationName("Interviewer")
    qt_app.setOrganizationName("Interviewer")
    setup_logging()
    apply_preferences(qt_app)
    try:
        database, lock = open_for_app(db_path)
    except Exception as error:
        refusal = error if isinstance(error, DatabaseRefused) else classify(error, db_path)
        if refusal is None:
            raise
        log.warning("refused to open %s: %s", Path(db_path).name, error_kind(error))
        say_cannot_open(refusal)
        return 1
    global _open_db_path
    _open_db_path = database.path
    sys.excepthook = _report_unexpected_error
    threading.excepthook = _log_thread_error
    app = App(qt_app, database, lock)
    app.show()
    QTimer.singleShot(0, app.warn_about_location)
    if not database.read_only:
        app.integrity = start_integrity_check(database, app.notices.damage_found.emit)
        app.start_session_backup()
        QTimer.singleShot(0, app.offer_recovery)
    try:
        return qt_app.exec()
    finally:
        shut_down()  # threads joined and windows deleted while Python and Qt are whole
        app.finish_session_backup()  # kept in the rotation only if the session wrote
        app.database.close()
        if lock is not None:
            lock.release()
