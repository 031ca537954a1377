"""Writes PNG screenshots of the real windows, in English and Danish, for the README and for
looking at the app: `python -m interviewer.ui.screenshots [OUTDIR] [--font-size N]`.

Runs on any Qt platform; with no display it uses the offscreen one. A throwaway database with
demo interviews and one fully answered sample interview is made in a temporary folder.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")

from PySide6.QtCore import QTimer  # noqa: E402 - the platform must be chosen first
from PySide6.QtWidgets import QApplication  # noqa: E402

SCREEN = (1366, 768)


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
        overlay = HelpOverlay(window)
        overlay.show()
        save(overlay, "help")
        overlay.close()
        main.close()
        main.deleteLater()
        _settle(app)
    database.close()
    return written


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
