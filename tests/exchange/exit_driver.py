"""A real app process for the exit tests: `python exit_driver.py PARTS DB OUT BUNDLE…`.

Runs the app as `interviewer` runs it (run_app) and drives it through its actions as a person
would, answering each dialog an action opens (file dialogs by typing the file name). PARTS
are joined by "+", done in this order:

export:   starts an Excel export to OUT (.xlsx) with the Export action; the "Export finished"
          box is closed whenever it comes.
send:     sends an unencrypted bundle to OUT with .bundle, answering the report.
exchange: opens the Conflicts dialog and closes it, then merges BUNDLE… with the Merge action
          (file dialog, secrets dialog, report; a new sender's key is left for later).
close:    closes the main window, while any export may still be running.

Prints each step as it is done ("step open_conflicts", …) and "exited N steps left M" at the
end; the process's exit code is the app's. ``Script`` drives a window in a test as well.
"""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLineEdit,
    QMessageBox,
)

POLL_MS = 20


def main_window():
    from interviewer.ui.main_window import MainWindow

    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    return next((w for w in found if w.isVisible()), None)


def say(text: str) -> None:
    print("step", text, flush=True)


def answer_file_dialog(dialog: QFileDialog, paths: list[Path]) -> None:
    """Types the chosen files into the dialog's file name field and accepts, as a person
    would; several files are written the way the dialog itself writes them ("a" "b")."""
    names = " ".join(f'"{path.name}"' for path in paths) if len(paths) > 1 else paths[0].name
    dialog.setDirectory(str(paths[0].parent))
    dialog.findChild(QLineEdit, "fileNameEdit").setText(names)
    dialog.accept()


def ok_button(dialog: QDialog):
    box = dialog.findChild(QDialogButtonBox)
    return box.button(QDialogButtonBox.StandardButton.Ok)


class Script:
    """Steps run one after another; a step waits (polling) until the app shows what it needs."""

    def __init__(self, parts: str, out: Path, bundles: list[Path]):
        self.out, self.bundles = out, bundles
        self.steps = []
        for part in parts.split("+"):
            self.steps += {
                "export": [self.start_export, self.answer_export, self.answer_export_file],
                "send": [
                    self.start_send,
                    self.answer_send,
                    self.answer_send_file,
                    self.answer_bundle_saved,
                ],
                "exchange": [
                    self.open_conflicts,
                    self.close_conflicts,
                    self.start_merge,
                    self.answer_bundles,
                    self.answer_secrets,
                    self.answer_report,
                ],
                "close": [self.close_main_window],
            }[part]
        QTimer.singleShot(POLL_MS, self.tick)

    def tick(self) -> None:
        if not self.steps:
            return
        self.close_export_finished()  # it comes whenever the export is done
        self.answer_new_sender()  # it comes after a merge whose bundle's key is new here
        if self.steps[0]() is not False:  # False: not ready yet, try again soon
            say(self.steps.pop(0).__name__)
        if self.steps:
            QTimer.singleShot(POLL_MS, self.tick)

    def close_export_finished(self) -> None:
        from interviewer.i18n import tr

        title = tr("Export finished")
        for widget in QApplication.topLevelWidgets():
            shown = isinstance(widget, QMessageBox) and widget.isVisible()
            if shown and widget.windowTitle() == title:
                say("export_finished")
                widget.reject()

    def answer_new_sender(self) -> None:
        """Later, as Esc does: each run has a data folder, and so a signing key, of its own."""
        from interviewer.ui.exchange_dialogs import NewSenderDialog

        dialog = self.modal(NewSenderDialog)
        if dialog is not None:
            say("new_sender_later")
            dialog.reject()

    def modal(self, kind, title: str | None = None):
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and (title is None or widget.windowTitle() == title):
            return widget
        return None

    # each step returns False while what it needs is not on the screen yet

    def start_export(self):
        window = main_window()
        if window is None:
            return False
        QTimer.singleShot(0, window.export_action.trigger)  # exec() would block this step

    def answer_export(self):
        from interviewer.ui.export_dialog import ExportDialog

        dialog = self.modal(ExportDialog)
        if dialog is None:
            return False
        ok_button(dialog).click()

    def answer_export_file(self):
        dialog = self.modal(QFileDialog)
        if dialog is None:
            return False
        answer_file_dialog(dialog, [self.out.with_suffix(".xlsx")])

    def start_send(self):
        window = main_window()
        if window is None or QApplication.activeModalWidget() is not None:
            return False
        QTimer.singleShot(0, window.send_action.trigger)

    def answer_send(self):
        from interviewer.ui.exchange_dialogs import SendBundleDialog

        dialog = self.modal(SendBundleDialog)
        if dialog is None:
            return False
        dialog.plain.setChecked(True)
        ok_button(dialog).click()

    def answer_send_file(self):
        dialog = self.modal(QFileDialog)
        if dialog is None:
            return False
        answer_file_dialog(dialog, [self.out.with_suffix(".bundle")])

    def answer_bundle_saved(self):
        from interviewer.i18n import tr

        box = self.modal(QMessageBox, tr("Bundle saved"))
        if box is None:
            return False
        box.accept()

    def open_conflicts(self):
        window = main_window()
        if window is None or QApplication.activeModalWidget() is not None:
            return False
        QTimer.singleShot(0, window.conflicts_action.trigger)

    def close_conflicts(self):
        from interviewer.ui.exchange_dialogs import ConflictsDialog

        dialog = self.modal(ConflictsDialog)
        if dialog is None:
            return False
        dialog.reject()  # what Esc does

    def start_merge(self):
        window = main_window()
        if window is None or QApplication.activeModalWidget() is not None:
            return False
        QTimer.singleShot(0, window.merge_action.trigger)

    def answer_bundles(self):
        dialog = self.modal(QFileDialog)
        if dialog is None:
            return False
        answer_file_dialog(dialog, self.bundles)

    def answer_secrets(self):
        from interviewer.ui.exchange_dialogs import MergeSecretsDialog

        dialog = self.modal(MergeSecretsDialog)
        if dialog is None:
            return False
        ok_button(dialog).click()

    def answer_report(self):
        from interviewer.i18n import tr

        box = self.modal(QMessageBox, tr("Merge finished"))
        if box is None:
            return False
        box.accept()

    def close_main_window(self):
        window = main_window()
        if window is None or QApplication.activeModalWidget() is not None:
            return False
        window.close()


def python_owned_under_a_parent() -> list[str]:
    """Qt objects whose Python side owns them while a Qt parent holds them too: both would
    destroy them when the process ends."""
    import gc

    from PySide6.QtCore import QObject
    from shiboken6 import isValid, ownedByPython

    gc.collect()
    return [
        type(thing).__name__
        for thing in gc.get_objects()
        if isinstance(thing, QObject)
        and isValid(thing)
        and ownedByPython(thing)
        and thing.parent() is not None
    ]


def main() -> int:
    parts, db_path, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    bundles = [Path(name) for name in sys.argv[4:]]
    qt_app = QApplication(sys.argv)  # run_app takes this one, so the script can start first
    from interviewer.ui.app import run_app

    script = Script(parts, out, bundles)
    code = run_app(db_path)
    print("exited", code, "steps left", len(script.steps), flush=True)
    print("left behind:", ", ".join(python_owned_under_a_parent()) or "none", flush=True)
    del qt_app  # as run_app's own reference goes when it returns
    return code


if __name__ == "__main__":
    sys.exit(main())
