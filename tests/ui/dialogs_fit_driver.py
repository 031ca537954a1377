"""Lays out every dialog of the app on a 1366×768 screen and prints what does not fit, run as
`python dialogs_fit_driver.py LANGUAGE POINT_SIZE DB SCREEN_CONFIG` (the arguments of
fits_driver.py, whose checks it shares).

Prints "problem <dialog>: <what>" per widget outside its dialog, label or placeholder cut,
or dialog larger than the screen, then "checked <n> dialogs".
"""

import sys
from pathlib import Path

# first: fits_driver sets the offscreen screen from argv before Qt starts
from fits_driver import check, problems
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QWidget  # noqa: E402

from interviewer import interviews as svc  # noqa: E402
from interviewer.i18n import set_language  # noqa: E402
from interviewer.listing import list_interviews  # noqa: E402
from interviewer.storage.backup import keep_backup  # noqa: E402
from interviewer.storage.database import open_database  # noqa: E402
from interviewer.storage.models import CodeKind  # noqa: E402
from interviewer.ui.exchange_dialogs import (  # noqa: E402
    ConflictsDialog,
    MergeSecretsDialog,
    SendBundleDialog,
)
from interviewer.ui.export_dialog import ExportDialog  # noqa: E402
from interviewer.ui.main_window import MainWindow  # noqa: E402
from interviewer.ui.new_interview_dialog import NewInterviewDialog  # noqa: E402
from interviewer.ui.quote_box import QuoteBox  # noqa: E402
from interviewer.ui.restore_dialog import RestoreDialog  # noqa: E402
from interviewer.ui.settings_dialog import SettingsDialog  # noqa: E402
from interviewer.ui.style import apply_style  # noqa: E402


def check_placeholders(dialog: QWidget, name: str) -> None:
    """A placeholder is help for the person typing: cut, it says nothing."""
    for field in dialog.findChildren(QLineEdit):
        text = field.placeholderText()
        if not field.isVisible() or not text:
            continue
        room = field.contentsRect().width() - 8  # the frame's and the text's margins
        wide = field.fontMetrics().horizontalAdvance(text)
        if wide > room:
            problems.append(f"{name}: the placeholder “{text[:40]}” is cut ({wide} > {room})")


def check_buttons(window: QWidget, name: str) -> None:
    """A check box, radio button or push button narrower than it asks for shows its text cut
    (fits_driver checks labels only)."""
    for button in window.findChildren(QAbstractButton):
        if button.isVisible() and button.text() and button.width() + 1 < button.sizeHint().width():
            problems.append(
                f"{name}: the button “{button.text()[:40]}” is cut "
                f"({button.width()} < {button.sizeHint().width()})"
            )


def check_all(window: QWidget, name: str) -> None:
    check(window, name)
    check_placeholders(window, name)
    check_buttons(window, name)


def show_and_check(dialog: QWidget, name: str) -> None:
    dialog.show()
    QApplication.processEvents()
    check_all(dialog, name)
    dialog.close()
    dialog.deleteLater()


def longest_named(session) -> object:
    """The interview whose role and place take the most room: the header's worst case."""
    rows = list_interviews(session=session)
    return max(rows, key=lambda row: len(row.respondent_role) + len(row.municipality)).id


def main() -> int:
    language, size, db_path = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    qt_app = QApplication(sys.argv[:1])
    set_language(language)
    apply_style(qt_app, size)
    database = open_database(db_path, backup=False)
    keep_backup(db_path, "settlement")  # the longest reason, for the restore dialog
    window = MainWindow(database)
    window.show()
    session, study = window.session, window.study
    areas = svc.study_codes(session=session, study=study, kind=CodeKind.SERVICE_AREA)
    people = [p.name for p in svc.study_interviewers(session=session, study=study)]
    dialogs = [
        (NewInterviewDialog(session, study, window), "new interview"),
        (SettingsDialog(session, study, True, window), "settings"),
        (SettingsDialog(session, study, False, window), "settings, no interviews yet"),
        (ExportDialog(window, areas=areas, interviewers=people), "export"),
        (ExportDialog(window, one_interview=True), "export one interview"),
        (SendBundleDialog(window, study_has_key=True), "send bundle, with a study key"),
        (SendBundleDialog(window, study_has_key=False), "send bundle, no study key"),
        (MergeSecretsDialog(window), "merge secrets"),
        (ConflictsDialog(database, window), "conflicts"),
        (RestoreDialog(db_path, window), "restore from a backup"),
    ]
    for dialog, name in dialogs:
        show_and_check(dialog, name)
    interview = window.open_interview(longest_named(session))
    for step, page in enumerate(interview.pages):
        interview.go_to_step(step)
        check_all(interview, f"interview step {step}")
        title = page.title()
        key = page.question.key if page.question else None
        show_and_check(QuoteBox(interview.context, key, title, interview), f"quote box {step}")
    for problem in problems:
        print("problem", problem, flush=True)
    print("checked", len(dialogs) + 2 * len(interview.pages), "dialogs", flush=True)
    window.close()
    database.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
