"""Writes PNG screenshots of the real windows, in English and Danish, for the README and for
looking at the app: `python -m interviewer.ui.screenshots [OUTDIR] [--font-size N]`.

Runs on any Qt platform; with no display it uses the offscreen one, with a 1366×768 screen
(a small laptop's), so windows and dialogs are laid out as there. A throwaway database with
demo interviews and one fully answered sample interview is made in a temporary folder.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

SCREEN = (1366, 768)


def _offscreen_laptop() -> str:
    """The offscreen platform with one 1366×768 screen (Qt's offscreen "configfile")."""
    screen = {"name": "laptop", "x": 0, "y": 0, "width": SCREEN[0], "height": SCREEN[1]}
    config = Path(tempfile.mkdtemp(prefix="interviewer-screen-")) / "screen.json"
    config.write_text(json.dumps({"screens": [{**screen, "logicalDpi": 96, "dpr": 1}]}))
    return f"offscreen:configfile={config}"


if "QT_QPA_PLATFORM" not in os.environ:
    os.environ["QT_QPA_PLATFORM"] = "xcb" if os.environ.get("DISPLAY") else _offscreen_laptop()

from PySide6.QtCore import QTimer  # noqa: E402 - the platform must be chosen first
from PySide6.QtWidgets import QApplication  # noqa: E402


def _settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def take(out_dir: Path, *, font_size: int | None, languages=("en", "da")) -> list[Path]:
    work = Path(tempfile.mkdtemp(prefix="interviewer-shots-"))
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        os.environ[variable] = str(work / variable.lower())
    from interviewer.demo import add_sample_interview, generate_demo
    from interviewer.storage.database import open_database
    from interviewer.ui.app import apply_preferences
    from interviewer.ui.help_overlay import HelpOverlay
    from interviewer.ui.main_window import MainWindow
    from interviewer.ui.quote_box import QuoteBox
    from interviewer.ui.settings import Preferences

    app = QApplication.instance() or QApplication(sys.argv)
    database = open_database(work / "shots.sqlite")
    generate_demo(database, interviews=60, seed=3)
    with database.session() as session:
        sample_id = add_sample_interview(session).id
    out_dir.mkdir(parents=True, exist_ok=True)
    suffix = f"-{font_size}pt" if font_size else ""
    written = []

    def save(widget, name: str) -> None:
        _settle(app)
        path = out_dir / f"{name}-{language}{suffix}.png"
        widget.grab().save(str(path))
        written.append(path)

    for language in languages:
        preferences = Preferences()
        preferences.language = language
        if font_size:
            preferences.font_size = font_size
        apply_preferences(app)
        main = MainWindow(database)
        main.resize(*SCREEN)
        main.show()
        main.filter_box.setText("")
        save(main, "main-window")
        window = main.open_interview(sample_id)
        window.resize(SCREEN[0], SCREEN[1] - 28)
        for step, page in enumerate(window.pages):
            window.go_to_step(step)
            save(window, f"interview-{step}-{page.key}")
        window.go_to_step(2)
        box = QuoteBox(window.context, "challenges", window._step_title(2), window)
        box.text.setPlainText("Honestly, the structure is the problem, not the people.")
        box.show()
        save(box, "quote-box")
        box.reject()
        overlay = HelpOverlay(window.context.guide, window)
        overlay.show()
        save(overlay, "help")
        overlay.close()
        for dialog, name in _dialogs(main, database):
            dialog.show()
            save(dialog, name)
            dialog.close()
            dialog.deleteLater()
        main.close()
        main.deleteLater()
        _settle(app)
    database.close()
    return written


def _dialogs(main, database) -> list:
    """Every dialog of the main window, as it opens."""
    from interviewer import interviews as svc
    from interviewer.storage.models import CodeKind
    from interviewer.ui.exchange_dialogs import (
        ConflictsDialog,
        MergeSecretsDialog,
        SendBundleDialog,
    )
    from interviewer.ui.export_dialog import ExportDialog
    from interviewer.ui.new_interview_dialog import NewInterviewDialog
    from interviewer.ui.settings_dialog import SettingsDialog

    session, study = main.session, main.study
    areas = svc.study_codes(session=session, study=study, kind=CodeKind.SERVICE_AREA)
    people = [person.name for person in svc.study_interviewers(session=session, study=study)]
    return [
        (NewInterviewDialog(session, study, main), "new-interview"),
        (SettingsDialog(session, study, True, main), "settings"),
        (ExportDialog(main, areas=areas, interviewers=people), "export"),
        (SendBundleDialog(main, study_has_key=False), "send-bundle"),
        (MergeSecretsDialog(main), "merge-secrets"),
        (ConflictsDialog(database, main), "conflicts"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m interviewer.ui.screenshots", description=__doc__
    )
    parser.add_argument("out_dir", nargs="?", type=Path, default=Path("docs/screenshots"))
    parser.add_argument(
        "--font-size",
        type=int,
        default=None,
        help="text size in points (default: the app's default)",
    )
    args = parser.parse_args()
    for path in take(args.out_dir, font_size=args.font_size):
        print(path)
    QTimer.singleShot(0, QApplication.quit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
