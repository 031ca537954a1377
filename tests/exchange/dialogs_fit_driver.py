"""Lays out the exchange and export dialogs on a 1366×768 screen and prints what does not
fit, run as `python dialogs_fit_driver.py LANGUAGE POINT_SIZE DB SCREEN_CONFIG` (DB holding a
conflict). Prints "problem <dialog>: <what>" lines (the checks of tests/ui/fits_driver.py),
then "checked <n> dialogs"."""

import os
import sys

# the screen is set before Qt starts: offscreen, with the size of a small laptop's screen
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={sys.argv[4]}"

from pathlib import Path  # noqa: E402

from PySide6.QtWidgets import QApplication  # noqa: E402

from interviewer.i18n import set_language  # noqa: E402
from interviewer.storage.database import open_database  # noqa: E402
from interviewer.ui.style import apply_style  # noqa: E402
from tests.ui.fits_driver import check, problems  # noqa: E402


def main() -> int:
    from interviewer import interviews as svc
    from interviewer.ui.exchange_dialogs import (
        ConflictsDialog,
        MergeSecretsDialog,
        SendBundleDialog,
    )
    from interviewer.ui.export_dialog import ExportDialog
    from interviewer.ui.main_window import MainWindow

    language, size, db_path = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    qt_app = QApplication(sys.argv[:1])
    set_language(language)
    apply_style(qt_app, size)
    database = open_database(db_path, backup=False)
    main_window = MainWindow(database)
    main_window.show()
    session, study = main_window.session, main_window.study
    areas = svc.study_codes(session=session, study=study, kind="service_area")
    people = [p.name for p in svc.study_interviewers(session=session, study=study)]
    dialogs = {
        "send bundle": lambda: SendBundleDialog(main_window, study_has_key=True),
        "merge bundles": lambda: MergeSecretsDialog(main_window),
        "conflicts": lambda: ConflictsDialog(database, main_window),
        "export study": lambda: ExportDialog(main_window, areas=areas, interviewers=people),
        "export interview": lambda: ExportDialog(main_window, one_interview=True),
    }
    for name, make in dialogs.items():
        dialog = make()
        dialog.show()
        check(dialog, name)
        dialog.reject()
    for problem in problems:
        print("problem", problem, flush=True)
    print("checked", len(dialogs), "dialogs", flush=True)
    main_window.close()
    database.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
