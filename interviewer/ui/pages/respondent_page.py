"""Step 0: who the respondent is, and when and how the interview takes place."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
)

from interviewer import interviews as svc
from interviewer.i18n import tr
from interviewer.storage.models import CodeKind, InterviewMode
from interviewer.text_rules import clean_name
from interviewer.ui.date_fields import DateField, TimeField, when_left
from interviewer.ui.fields import (
    CodeCombo,
    autosave_text,
    choice_combo,
    municipality_edit,
    set_quietly,
)
from interviewer.ui.pages.base import StepPage
from interviewer.wording import mode_labels


def mode_choices() -> list[tuple[str, InterviewMode]]:
    return [(text, mode) for mode, text in mode_labels().items()]


def role_completer(session, study, parent) -> QCompleter:
    """Offers the roles of the study's earlier interviews, each once, as the role is typed."""
    completer = QCompleter(svc.known_roles(session=session, study=study), parent)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return completer


class RespondentPage(StepPage):
    key = "respondent"

    def __init__(self, context, parent=None):
        super().__init__(context, parent)
        heading = QLabel(tr("Respondent and meeting"))
        heading.setObjectName("questionTitle")
        self.body.addWidget(heading)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(10)
        self.body.addLayout(form)

        self.role = QLineEdit()
        self.role.setCompleter(role_completer(context.session, context.study, self.role))
        self.area = CodeCombo(context.code_entries(CodeKind.SERVICE_AREA))
        self.municipality = municipality_edit()
        self.consent = QCheckBox(tr("Consent given"))
        self.consent_date = DateField()
        self.name = QLineEdit(placeholderText=tr("Optional: personal data"))
        # the whole sentence does not fit the field at large text; it lives in the tooltip
        self.name.setToolTip(tr("Optional: personal data, can be left out of exports"))
        self.interview_date = DateField()
        self.start_time = TimeField()
        self.end_time = TimeField(optional=True, placeholder=tr("not yet"))
        self.location = QLineEdit()
        self.mode = choice_combo(mode_choices())
        self.interviewer = QComboBox(editable=True)
        self.interviewer.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)

        consent_row = QHBoxLayout()
        consent_row.addWidget(self.consent)
        consent_row.addWidget(self.consent_date)
        consent_row.addStretch()
        times = QHBoxLayout()
        times.setSpacing(10)
        times.addWidget(self.start_time)
        times.addWidget(QLabel(tr("to")))
        times.addWidget(self.end_time)
        times.addStretch()

        # the same order as the new-interview dialog: what must be filled in first
        rows = [
            (tr("Role or title"), self.role),
            (tr("Service area"), self.area),
            (tr("Municipality"), self.municipality),
            (tr("Consent"), consent_row),
            (tr("Name"), self.name),
            (tr("Date"), self.interview_date),
            (tr("Time"), times),
            (tr("Location"), self.location),
            (tr("Mode"), self.mode),
            (tr("Interviewer"), self.interviewer),
        ]
        for label, field in rows:
            form.addRow(label, field)
            widget = form.labelForField(field)
            if isinstance(field, QHBoxLayout):
                continue
            field.setAccessibleName(label)
            if widget is not None:
                widget.setBuddy(field)
        self.consent_date.setAccessibleName(tr("Consent date"))
        self.start_time.setAccessibleName(tr("Start time"))
        self.end_time.setAccessibleName(tr("End time"))
        self.body.addStretch()

        interview_key = lambda: context.interview_id  # noqa: E731
        for widget, field, empty_is_none, clean in (
            (self.role, "respondent_role", False, clean_name),
            (self.municipality, "municipality", False, svc.municipality_name),
            (self.name, "respondent_name", True, clean_name),
            (self.location, "location", False, clean_name),
        ):
            autosave_text(context, widget, interview_key, self._updater(field, empty_is_none))
            when_left(
                widget,
                lambda widget=widget, field=field, clean=clean: self._text_left(
                    widget, field, clean
                ),
            )
        self.area.activated.connect(lambda _: self._update(service_area=self.area.currentData()))
        self.mode.activated.connect(lambda _: self._update(mode=self.mode.currentData()))
        self.consent.toggled.connect(self._consent_changed)
        self.consent_date.committed.connect(self._consent_changed)
        self.interview_date.committed.connect(lambda value: self._update(interview_date=value))
        self.start_time.committed.connect(lambda value: self._update(start_time=value))
        self.end_time.committed.connect(lambda value: self._update(end_time=value))
        when_left(
            self.interviewer.lineEdit(), self._interviewer_changed, focus_holder=self.interviewer
        )
        self.interviewer.activated.connect(lambda _: self._interviewer_changed())

    def title(self) -> str:
        return tr("Respondent")

    def first_field(self):
        return self.role

    def _updater(self, field: str, empty_is_none: bool):
        def save(interview_id, text: str):
            value = (text.strip() or None) if empty_is_none else text
            return svc.update_interview(
                session=self.context.session,
                interview_id=self.context.interview_id,
                **{field: value},
            )

        return save

    def _text_left(self, widget: QLineEdit, field: str, clean) -> None:
        """On leaving a field: the name in its clean form, saved at once; and the field shows
        what is stored (a refused edit, such as an emptied role, shows the stored text
        again, beside the refusal)."""
        cleaned = clean(widget.text())
        if cleaned != widget.text():
            widget.setText(cleaned)
            widget.textEdited.emit(cleaned)  # queued like typing, replacing the older text
        self.context.flush()
        stored = getattr(self.context.interview, field) or ""
        if widget.text() != stored:
            set_quietly(widget, stored)

    def _update(self, **changes) -> None:
        self.context.save(
            lambda: svc.update_interview(
                session=self.context.session, interview_id=self.context.interview_id, **changes
            ),
            key=("interview", tuple(changes)),
        )

    def _consent_changed(self, *_):
        given = self.consent.isChecked()
        self.consent_date.setEnabled(given)
        if given and self.consent_date.value() is None:
            self.consent_date.set_value(self.context.interview.interview_date)
        self._update(consent_given=given, consent_date=self.consent_date.value() if given else None)

    def _interviewer_changed(self):
        name = clean_name(self.interviewer.currentText())
        context = self.context
        if not name:  # an emptied field: no interviewer recorded
            if context.interview.interviewer_id is not None:
                self._update(interviewer_id=None)
            return
        person = context.save(
            lambda: svc.interviewer_named(session=context.session, study=context.study, name=name)
        )
        if person is not None:
            if self.interviewer.currentText() != person.name:
                self.interviewer.setCurrentText(person.name)
            if person.id != context.interview.interviewer_id:
                self._update(interviewer_id=person.id)

    def refresh(self) -> None:
        interview = self.context.interview
        set_quietly(self.role, interview.respondent_role)
        set_quietly(self.area, interview.service_area)
        set_quietly(self.municipality, interview.municipality)
        set_quietly(self.name, interview.respondent_name or "")
        set_quietly(self.location, interview.location)
        set_quietly(self.mode, interview.mode)
        set_quietly(self.consent, interview.consent_given)
        self.consent_date.set_value(interview.consent_date or interview.interview_date)
        self.consent_date.setEnabled(interview.consent_given)
        self.interview_date.set_value(interview.interview_date)
        self.start_time.set_value(interview.start_time)
        self.end_time.set_value(interview.end_time)
        people = svc.study_interviewers(session=self.context.session, study=self.context.study)
        self.interviewer.blockSignals(True)
        self.interviewer.clear()
        self.interviewer.addItems([person.name for person in people])
        current = [person.name for person in people if person.id == interview.interviewer_id]
        self.interviewer.setCurrentText(current[0] if current else "")
        self.interviewer.blockSignals(False)
