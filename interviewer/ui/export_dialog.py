"""Exporting from the app: the dialog only builds the options; the exporters do the work, in
the background, and the person can open the file when it is written."""

import uuid
from datetime import date
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from interviewer.errors import FileRefused
from interviewer.export.ethics import PERSONAL_DATA_REMOVED, POSSIBLY_IDENTIFYING, in_words
from interviewer.export.file_names import SUFFIX, suggested_file_name
from interviewer.export.options import (
    SMALLEST_GROUP,
    SMALLEST_GROUP_LIMIT,
    SUMMARY,
    SYNTHESIS,
    USED_OPTIONS,
    WORKBOOK,
    Attribution,
    ExportOptions,
    FilterRefused,
    InterviewFilter,
    check_dates,
)
from interviewer.file_safety import check_output_path, shown_path
from interviewer.i18n import LANGUAGES, language, tr
from interviewer.storage.models import CodebookEntry, InterviewStatus
from interviewer.ui.background import run_in_background
from interviewer.ui.date_fields import DateField
from interviewer.ui.fields import CodeCombo, fit_combo
from interviewer.ui.lifetime import deleted_after
from interviewer.ui.settings import Preferences
from interviewer.ui.tab_order import keep_visual_tab_order
from interviewer.wording import interview_status_labels


class ExportDialog(QDialog):
    """Chooses what to export and how; ``kind`` is fixed for one interview's summary."""

    def __init__(
        self,
        parent=None,
        *,
        areas: list[CodebookEntry] = (),
        interviewers: list[str] = (),
        one_interview: bool = False,
    ):
        super().__init__(parent)
        self.setWindowTitle(tr("Export"))
        self.one_interview = one_interview
        form = QFormLayout()
        self.workbook = QRadioButton(tr("Excel workbook, a sheet per record type (.xlsx)"))
        self.synthesis = QRadioButton(tr("Word synthesis report (.docx)"))
        self.workbook.setChecked(True)
        if not one_interview:
            kinds = QVBoxLayout()
            kinds.addWidget(self.workbook)
            kinds.addWidget(self.synthesis)
            form.addRow(tr("What"), kinds)
            self.area = CodeCombo(list(areas), tr("All service areas"))
            self.interviewer = fit_combo(QComboBox())
            self.interviewer.addItem(tr("All interviewers"), None)
            for name in interviewers:
                self.interviewer.addItem(name, name)
            self.status = fit_combo(QComboBox())
            self.status.addItem(tr("Drafts and complete"), None)
            for status, text in interview_status_labels().items():
                self.status.addItem(text, status.value)
            self.date_from, from_row = _optional_date(tr("From"))
            self.date_to, to_row = _optional_date(tr("To"))
            form.addRow(tr("Service area"), self.area)
            form.addRow(tr("Interviewer"), self.interviewer)
            form.addRow(tr("Status"), self.status)
            form.addRow(tr("Dates"), _row(from_row, to_row))
        self.language = fit_combo(QComboBox())
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(self.language.findData(language()))
        form.addRow(tr("Language"), self.language)
        self._add_ethics_rows(form)
        self.workbook.toggled.connect(lambda _checked: self._offer_what_applies())
        self._offer_what_applies()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Export…"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        keep_visual_tab_order(self)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # a window's first size leaves out the wrapped explanation's height: make room for it
        self.setMinimumHeight(self.heightForWidth(self.width()))

    def _add_ethics_rows(self, form: QFormLayout) -> None:
        """The research-ethics choices, as the command line offers them, each at its safe
        default (export/ethics.py applies them)."""
        self.no_personal_data = QCheckBox(tr("Leave out personal data"))
        said = QLabel(
            tr(
                "Leaves out {removed}. Keeps but flags as possibly identifying: {flagged}.",
                removed="; ".join(in_words(PERSONAL_DATA_REMOVED)),
                flagged="; ".join(in_words(POSSIBLY_IDENTIFYING)),
            )
        )
        said.setWordWrap(True)
        self.no_personal_data.setAccessibleDescription(said.text())
        personal = QVBoxLayout()  # the wrapped text in a box of its own gets its height
        personal.addWidget(self.no_personal_data)
        personal.addWidget(said)
        form.addRow(tr("Personal data"), personal)
        # one interview's summary takes only the notes choice; the study exports the rest
        self.attribution = self.quotes_without_consent = self.smallest_group = None
        self.internal_notes = None
        if self.one_interview:
            self.internal_notes = QCheckBox(
                tr("Keep the interviewer's own notes (for internal use)")
            )
            form.addRow(tr("Notes"), self.internal_notes)
            return
        self.attribution = fit_combo(QComboBox())
        for level, text in (
            (Attribution.ROLE, tr("Role only")),
            (Attribution.ROLE_AND_AREA, tr("Role and service area")),
            (Attribution.ROLE_AREA_AND_MUNICIPALITY, tr("Role, service area and municipality")),
        ):
            self.attribution.addItem(text, level.value)
        form.addRow(tr("Quotes attributed by"), self.attribution)
        self.quotes_without_consent = QCheckBox(
            tr("Include quotes of interviews without recorded consent (the report says so)")
        )
        form.addRow(tr("Consent"), self.quotes_without_consent)
        self.smallest_group = QSpinBox()
        self.smallest_group.setRange(1, SMALLEST_GROUP_LIMIT)
        self.smallest_group.setValue(SMALLEST_GROUP)
        self.smallest_group.setAccessibleName(tr("Hide figures from fewer than"))
        form.addRow(
            tr("Hide figures from fewer than"),
            _row(self.smallest_group, QLabel(tr("interviews"))),
        )

    def _ethics_widgets(self) -> dict:
        """The ethics choices of a study export, by their ExportOptions field."""
        return {
            "attribution": self.attribution,
            "quotes_without_consent": self.quotes_without_consent,
            "smallest_group": self.smallest_group,
        }

    def _offer_what_applies(self) -> None:
        """Only the choices the chosen export uses can be changed (options.USED_OPTIONS):
        the workbook holds every quote and every figure, so attribution, consent and k are
        the synthesis's alone."""
        if self.one_interview:
            return
        used = USED_OPTIONS[self.kind()]
        for name, widget in self._ethics_widgets().items():
            widget.setEnabled(name in used)

    def accept(self) -> None:
        """OK: refused here, with the sentence the export would give, when the dates are
        the wrong way round (the rest of the filter is checked against the study by the
        export itself, see options.check_filter)."""
        try:
            check_dates(self.options().filter, personal_data=self.options().personal_data)
        except FilterRefused as refusal:
            QMessageBox.warning(self, tr("Choose other dates"), str(refusal))
            return
        super().accept()

    def kind(self) -> str:
        if self.one_interview:
            return SUMMARY
        return WORKBOOK if self.workbook.isChecked() else SYNTHESIS

    def options(self, interview_id: uuid.UUID | None = None) -> ExportOptions:
        if self.one_interview:
            chosen = InterviewFilter(interview_ids=(interview_id,))
        else:
            area, name, status = (
                self.area.currentData(),
                self.interviewer.currentData(),
                self.status.currentData(),
            )
            chosen = InterviewFilter(
                service_areas=(area,) if area else (),
                interviewers=(name,) if name else (),
                status=InterviewStatus(status) if status else None,
                date_from=_date_of(self.date_from),
                date_to=_date_of(self.date_to),
            )
        return ExportOptions(
            language=self.language.currentData(),
            personal_data=not self.no_personal_data.isChecked(),
            filter=chosen,
            **self._ethics(),
        )

    def _ethics(self) -> dict:
        """The ethics fields of ExportOptions the dialog offers; the others keep their
        defaults."""
        if self.one_interview:
            return {"internal_notes": self.internal_notes.isChecked()}
        chosen = {
            "attribution": Attribution(self.attribution.currentData()),
            "quotes_without_consent": self.quotes_without_consent.isChecked(),
            "smallest_group": self.smallest_group.value(),
        }
        used = USED_OPTIONS[self.kind()]
        return {name: value for name, value in chosen.items() if name in used}


def _optional_date(label: str) -> tuple[tuple[QCheckBox, DateField], QWidget]:
    check, edit = QCheckBox(label), DateField(date.today())
    edit.setEnabled(False)
    edit.setAccessibleName(label)
    check.toggled.connect(edit.setEnabled)
    return (check, edit), _row(check, edit)


def _date_of(pair) -> date | None:
    check, edit = pair
    return edit.date().toPython() if check.isChecked() else None


def _row(*widgets) -> QWidget:
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(widget) if isinstance(widget, QWidget) else row.addLayout(widget)
    row.addStretch()
    return holder


def export_work(
    kind: str,
    db_path: Path,
    out_path: Path,
    options: ExportOptions,
    interview_id: uuid.UUID | None = None,
):
    """The plain function that does one export: ``work(progress)`` for the background."""

    def work(progress):
        if kind == WORKBOOK:
            from interviewer.export.xlsx_workbook import write_workbook

            return write_workbook(db_path, out_path, options, progress)
        if kind == SYNTHESIS:
            from interviewer.export.docx_synthesis import write_synthesis_docx

            return write_synthesis_docx(db_path, out_path, options, progress)
        from interviewer.export.docx_interview import write_interview_docx

        progress(0, 1)
        write_interview_docx(db_path, out_path, interview_id, options)
        return 1

    return work


def start_export(
    parent: QWidget,
    kind: str,
    db_path: Path,
    out_path: Path,
    options: ExportOptions,
    interview_id: uuid.UUID | None = None,
    *,
    offer_to_open: bool = True,
):
    """Runs the export in the background; says how it went and offers to open the file."""

    def done(_result):
        if not offer_to_open:
            return
        box = QMessageBox(
            QMessageBox.Icon.Information,
            tr("Export finished"),
            tr("Written to {path}", path=shown_path(out_path)),
            parent=parent,
        )
        with deleted_after(box):
            open_button = box.addButton(tr("Open the file"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(QMessageBox.StandardButton.Close)
            box.exec()
            chosen = box.clickedButton() is open_button
        if chosen:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(out_path)))

    def failed(message):
        reason = message.rstrip(".")  # a clause, as the command line prints it
        QMessageBox.warning(
            parent, tr("Export failed"), tr("Nothing was written: {reason}.", reason=reason)
        )

    return run_in_background(
        parent,
        tr("Exporting…"),
        export_work(kind, db_path, out_path, options, interview_id),
        done=done,
        failed=failed,
    )


def refuses_output(parent: QWidget, out_path: Path, *, database: Path, what: str) -> bool:
    """True, after saying why, when ``out_path`` must not be written (the database, one of
    its journals, another Interviewer database, a folder or device: see
    file_safety.check_output_path); False when it may be. Every save dialog calls this on the
    chosen path before any work starts, with the sentence the command line prints."""
    try:
        check_output_path(out_path, database=database, what=what)
    except FileRefused as refusal:
        QMessageBox.warning(parent, tr("Choose another file"), str(refusal))
        return True
    return False


def ask_and_export(
    parent: QWidget,
    dialog: ExportDialog,
    db_path: Path,
    study_name: str = "",
    interview_id: uuid.UUID | None = None,
):
    """Shows the dialog, asks where to save (remembering the folder; the name proposed is
    file_names.suggested_file_name's, never a respondent's data) and starts the export.
    The dialog is deleted afterwards."""
    with deleted_after(dialog):
        if not dialog.exec():
            return None
        kind, options = dialog.kind(), dialog.options(interview_id)
    preferences = Preferences()
    folder = Path(preferences.last_folder("export"))
    filters = tr("Excel workbook (*.xlsx)") if kind == WORKBOOK else tr("Word document (*.docx)")
    chosen, _ = QFileDialog.getSaveFileName(
        parent,
        tr("Export to"),
        str(folder / suggested_file_name(kind, study_name=study_name, interview_id=interview_id)),
        filters,
    )
    if not chosen:
        return None
    out_path = Path(chosen)
    if out_path.suffix.lower() != SUFFIX[kind]:
        out_path = out_path.with_name(out_path.name + SUFFIX[kind])
    if refuses_output(parent, out_path, database=db_path, what=tr("the export")):
        return None
    preferences.set_last_folder("export", str(out_path.parent))
    return start_export(parent, kind, db_path, out_path, options, interview_id)
