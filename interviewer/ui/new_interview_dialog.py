"""A new interview: who, where and when, with today's date, the start time and the study's
interviewer filled in.

The fields a person must fill come first, consent right after them, so role, service area,
municipality and consent take a Tab each and Enter in any field starts the interview.
"""

from datetime import date, datetime

from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from interviewer import interviews as svc
from interviewer.errors import DomainError
from interviewer.i18n import tr
from interviewer.paths import device_label
from interviewer.storage.models import CodeKind, Interview
from interviewer.ui.date_fields import DateField, TimeField
from interviewer.ui.fields import CodeCombo, choice_combo, municipality_edit, one_line_edit
from interviewer.ui.help_overlay import add_help_rows
from interviewer.ui.pages.base import show_refusal
from interviewer.ui.pages.respondent_page import mode_choices, role_completer
from interviewer.ui.settings import Preferences
from interviewer.ui.tab_order import keep_visual_tab_order


def help_rows() -> list[tuple[str, str]]:
    """The keys of the new-interview dialog, for F1."""
    return [
        ("Enter", tr("In the new-interview dialog: start the interview, from any field")),
        (
            tr("First letters"),
            tr("In a list of choices (service area, mode): the entry that starts so"),
        ),
    ]


add_help_rows(help_rows)


class NewInterviewDialog(QDialog):
    def __init__(self, session, study, parent=None):
        super().__init__(parent)
        self.session, self.study = session, study
        self.interview: Interview | None = None
        self.setWindowTitle(tr("New interview"))
        self.setMinimumWidth(520)

        self.role = QLineEdit(placeholderText=tr("e.g. Head of Child and Family Services"))
        self.role.setCompleter(role_completer(session, study, self.role))
        self.area = CodeCombo(
            svc.study_codes(session=session, study=study, kind=CodeKind.SERVICE_AREA)
        )
        self.municipality = municipality_edit()
        self.consent = QCheckBox(tr("Consent given"))
        self.consent_date = DateField(date.today())
        self.consent_date.setEnabled(False)
        self.consent.toggled.connect(self.consent_date.setEnabled)
        self.name = QLineEdit(placeholderText=tr("Optional: personal data"))
        self.interview_date = DateField(date.today())
        # untouched, the start is the moment the interview is started, to the second
        self.opened_at = datetime.now().replace(microsecond=0)
        self.start_time = TimeField(self.opened_at.time())
        self.location = QLineEdit()
        self.mode = choice_combo(mode_choices())
        self.interviewer = QLineEdit(Preferences().interviewer_name)
        for field in (self.role, self.name, self.location, self.interviewer):
            one_line_edit(field)  # pasted line breaks and tabs become spaces, undoably

        consent_row = QHBoxLayout()
        consent_row.addWidget(self.consent)
        consent_row.addWidget(self.consent_date)
        consent_row.addStretch()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, field in (
            (tr("Role or title"), self.role),
            (tr("Service area"), self.area),
            (tr("Municipality"), self.municipality),
            (tr("Consent"), consent_row),
            (tr("Name"), self.name),
            (tr("Date"), self.interview_date),
            (tr("Start time"), self.start_time),
            (tr("Location"), self.location),
            (tr("Mode"), self.mode),
            (tr("Interviewer"), self.interviewer),
        ):
            form.addRow(label, field)
            if not isinstance(field, QHBoxLayout):
                field.setAccessibleName(label)
                form.labelForField(field).setBuddy(field)
        self.consent_date.setAccessibleName(tr("Consent date"))
        hint = QLabel(
            tr(
                "Tab moves on · type the first letters of a service area · Space gives consent"
                " · Enter in any field starts the interview"
            )
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.refusal = QLabel()
        self.refusal.setObjectName("refusal")
        self.refusal.setWordWrap(True)
        self.refusal.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.start_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.start_button.setText(tr("Start interview"))
        self.start_button.setDefault(True)  # Enter in any field, the check box too
        buttons.accepted.connect(self._create)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.refusal)
        layout.addWidget(buttons)
        keep_visual_tab_order(self)
        QApplication.instance().focusChanged.connect(self._focus_moved)
        self._watching_focus = True
        self.role.setFocus()

    def _focus_moved(self, _old, now) -> None:
        # Qt leaves a button passed by Tab as the default; back in a field, Enter starts
        if now is not None and self.isAncestorOf(now) and not isinstance(now, QPushButton):
            self.start_button.setDefault(True)

    def done(self, result: int) -> None:
        if self._watching_focus:
            self._watching_focus = False
            QApplication.instance().focusChanged.disconnect(self._focus_moved)
        super().done(result)

    def _create(self) -> None:
        try:
            interviewer = None
            if self.interviewer.text().strip():
                interviewer = svc.interviewer_named(
                    session=self.session, study=self.study, name=self.interviewer.text()
                )
                Preferences().interviewer_name = interviewer.name
            given = self.consent.isChecked()
            start = self.start_time.value()
            if start == self.opened_at.time():  # not changed by hand: now, with its seconds
                start = datetime.now().time().replace(microsecond=0)
            self.interview = svc.create_interview(
                session=self.session,
                study=self.study,
                respondent_role=self.role.text(),
                service_area=self.area.currentData(),
                municipality=self.municipality.text(),
                respondent_name=self.name.text(),
                consent_given=given,
                consent_date=self.consent_date.value() if given else None,
                interview_date=self.interview_date.value(),
                start_time=start,
                location=self.location.text(),
                mode=self.mode.currentData(),
                interviewer=interviewer,
                device=device_label(),
            )
        except DomainError as error:
            show_refusal(self.refusal, str(error))
            return
        self.accept()
