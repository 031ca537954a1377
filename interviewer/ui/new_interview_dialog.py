"""A new interview: who, where and when, with today's date and the study's interviewer filled in."""

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTimeEdit,
    QVBoxLayout,
)

from interviewer import interviews as svc
from interviewer.errors import DomainError
from interviewer.i18n import tr
from interviewer.paths import device_label
from interviewer.storage.models import CodeKind, Interview
from interviewer.ui.fields import CodeCombo, choice_combo, municipality_edit
from interviewer.ui.pages.base import show_refusal
from interviewer.ui.pages.respondent_page import mode_choices
from interviewer.ui.settings import Preferences


class NewInterviewDialog(QDialog):
    def __init__(self, session, study, parent=None):
        super().__init__(parent)
        self.session, self.study = session, study
        self.interview: Interview | None = None
        self.setWindowTitle(tr("New interview"))
        self.setMinimumWidth(520)

        self.role = QLineEdit(placeholderText=tr("e.g. Head of Child and Family Services"))
        self.area = CodeCombo(
            svc.study_codes(session=session, study=study, kind=CodeKind.SERVICE_AREA)
        )
        self.municipality = municipality_edit()
        self.name = QLineEdit(placeholderText=tr("Optional: personal data"))
        self.consent = QCheckBox(tr("Consent given"))
        self.consent_date = QDateEdit(QDate.currentDate(), calendarPopup=True)
        self.consent_date.setEnabled(False)
        self.consent.toggled.connect(self.consent_date.setEnabled)
        self.interview_date = QDateEdit(QDate.currentDate(), calendarPopup=True)
        self.start_time = QTimeEdit(QTime.currentTime())
        self.location = QLineEdit()
        self.mode = choice_combo(mode_choices())
        self.interviewer = QLineEdit(Preferences().interviewer_name)

        consent_row = QHBoxLayout()
        consent_row.addWidget(self.consent)
        consent_row.addWidget(self.consent_date)
        consent_row.addStretch()
        form = QFormLayout()
        for label, field in (
            (tr("Role or title"), self.role),
            (tr("Service area"), self.area),
            (tr("Municipality"), self.municipality),
            (tr("Name"), self.name),
            (tr("Consent"), consent_row),
            (tr("Date"), self.interview_date),
            (tr("Start time"), self.start_time),
            (tr("Location"), self.location),
            (tr("Mode"), self.mode),
            (tr("Interviewer"), self.interviewer),
        ):
            form.addRow(label, field)
            if not isinstance(field, QHBoxLayout):
                field.setAccessibleName(label)
        self.consent_date.setAccessibleName(tr("Consent date"))
        self.refusal = QLabel()
        self.refusal.setObjectName("refusal")
        self.refusal.setWordWrap(True)
        self.refusal.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Start interview"))
        buttons.accepted.connect(self._create)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.refusal)
        layout.addWidget(buttons)
        self.role.setFocus()

    def _create(self) -> None:
        try:
            interviewer = None
            if self.interviewer.text().strip():
                interviewer = svc.interviewer_named(
                    session=self.session, study=self.study, name=self.interviewer.text()
                )
                Preferences().interviewer_name = self.interviewer.text()
            given = self.consent.isChecked()
            self.interview = svc.create_interview(
                session=self.session,
                study=self.study,
                respondent_role=self.role.text(),
                service_area=self.area.currentData(),
                municipality=self.municipality.text(),
                respondent_name=self.name.text(),
                consent_given=given,
                consent_date=self.consent_date.date().toPython() if given else None,
                interview_date=self.interview_date.date().toPython(),
                start_time=self.start_time.time().toPython().replace(second=0, microsecond=0),
                location=self.location.text().strip(),
                mode=self.mode.currentData(),
                interviewer=interviewer,
                device=device_label(),
            )
        except DomainError as error:
            show_refusal(self.refusal, str(error))
            return
        self.accept()
