"""Question 3: the concrete initiatives underway, each with category, status and start date."""

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QLineEdit, QPlainTextEdit, QWidget

from interviewer import interviews as svc
from interviewer.i18n import tr
from interviewer.storage.models import CodeKind, Initiative, InitiativeStatus
from interviewer.ui.fields import CodeCombo, autosave_text, choice_combo, none_text, set_quietly
from interviewer.ui.pages.record_list import RecordListPage
from interviewer.wording import initiative_status_labels


def status_choices() -> list[tuple[str, InitiativeStatus]]:
    return [(text, status) for status, text in initiative_status_labels().items()]


class InitiativesPage(RecordListPage):
    def __init__(self, context, question, parent=None):
        self.new_placeholder = tr("New initiative: type a short title and press Enter")
        self.list_name = tr("Initiatives")
        super().__init__(context, question, parent)

    def build_editor(self) -> None:
        context = self.context
        self.title_edit = QLineEdit()
        self.category = CodeCombo(context.code_entries(CodeKind.INITIATIVE_CATEGORY), none_text())
        self.status = choice_combo(status_choices())
        self.started = QCheckBox(tr("Started on"))
        self.start_date = QDateEdit(calendarPopup=True)
        self.start_date.setAccessibleName(tr("Start date"))
        started_row = QHBoxLayout()
        started_row.setContentsMargins(0, 0, 0, 0)
        started_row.addWidget(self.started)
        started_row.addWidget(self.start_date)
        started_row.addStretch()
        started_holder = QWidget()
        started_holder.setLayout(started_row)
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(100)
        self.add_field(tr("Title"), self.title_edit)
        self.add_field(tr("Category"), self.category)
        self.add_field(tr("Status"), self.status)
        self.add_field(tr("Start"), started_holder)
        self.started.setAccessibleName(tr("Started on"))
        self.add_field(tr("Description"), self.description)

        def save(field):
            return lambda initiative_id, text: svc.update_initiative(
                session=context.session, initiative_id=initiative_id, **{field: text}
            )

        autosave_text(context, self.title_edit, self.selected_id, save("title"))
        autosave_text(context, self.description, self.selected_id, save("description"))
        self.category.activated.connect(
            lambda _: self._update(category_code=self.category.currentData())
        )
        self.status.activated.connect(lambda _: self._update(status=self.status.currentData()))
        self.started.toggled.connect(lambda _: self._start_changed())
        self.start_date.dateChanged.connect(lambda _: self._start_changed())

    def _update(self, **changes) -> None:
        initiative_id = self.selected_id()
        if initiative_id is not None:
            self.context.save(
                lambda: svc.update_initiative(
                    session=self.context.session, initiative_id=initiative_id, **changes
                ),
                key=("initiative", initiative_id, tuple(changes)),
            )
            self.refresh()

    def _start_changed(self) -> None:
        self.start_date.setEnabled(self.started.isChecked())
        self._update(
            start_date=self.start_date.date().toPython() if self.started.isChecked() else None
        )

    def records(self) -> list[Initiative]:
        return svc.live_initiatives(
            session=self.context.session, interview_id=self.context.interview_id
        )

    def item_text(self, initiative: Initiative) -> str:
        category = self.context.code_label(CodeKind.INITIATIVE_CATEGORY, initiative.category_code)
        status = initiative_status_labels()[initiative.status]
        details = " · ".join(part for part in (category, status) if part)
        return f"{initiative.title}  —  {details}"

    def add(self, title: str):
        context = self.context
        return context.save(
            lambda: svc.add_initiative(
                session=context.session, interview_id=context.interview_id, title=title
            )
        )

    def remove(self, initiative: Initiative) -> None:
        context, initiative_id = self.context, initiative.id
        context.push(
            tr("Remove initiative “{title}”", title=initiative.title),
            lambda: svc.remove_initiative(session=context.session, initiative_id=initiative_id),
            lambda: svc.restore_initiative(session=context.session, initiative_id=initiative_id),
        )

    def show_record(self, initiative: Initiative | None) -> None:
        for widget in (self.title_edit, self.category, self.status, self.started, self.description):
            widget.setEnabled(initiative is not None)
        set_quietly(self.title_edit, initiative.title if initiative else "")
        set_quietly(self.description, initiative.description if initiative else "")
        set_quietly(self.category, initiative.category_code if initiative else None)
        set_quietly(self.status, initiative.status if initiative else InitiativeStatus.UNDERWAY)
        started = initiative is not None and initiative.start_date is not None
        set_quietly(self.started, started)
        self.start_date.blockSignals(True)
        self.start_date.setDate(QDate(initiative.start_date) if started else QDate.currentDate())
        self.start_date.blockSignals(False)
        self.start_date.setEnabled(started)
