"""Question 3: the concrete initiatives underway, each with category, status and start date.

Add one with category and status in one line: ``short title #2p`` (category 2, planned).
"""

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QWidget

from interviewer import interviews as svc
from interviewer.i18n import language, tr
from interviewer.quick_entry import letter_keys, parse_initiative
from interviewer.storage.models import CodeKind, Initiative, InitiativeStatus
from interviewer.ui.date_fields import DateField
from interviewer.ui.fields import (
    CodeCombo,
    autosave_text,
    choice_combo,
    none_text,
    row_text,
    text_area,
)
from interviewer.ui.help_overlay import add_help_rows
from interviewer.ui.pages.record_list import TITLE_CHARACTERS, RecordListPage
from interviewer.wording import initiative_status_labels


def status_choices() -> list[tuple[str, InitiativeStatus]]:
    return [(text, status) for status, text in initiative_status_labels().items()]


def status_letters() -> str:
    """The status letters of quick entry in the app's language, e.g. "p planned, u underway,
    c completed, s stopped"."""
    labels = list(initiative_status_labels().values())
    return ", ".join(
        f"{key} {label.lower()}" for key, label in zip(letter_keys(labels), labels, strict=True)
    )


def help_rows() -> list[tuple[str, str]]:
    """The quick-entry keys of question 3, for F1."""
    return [
        (
            tr("title #2p"),
            tr(
                "New initiative with category 2 and a status letter ({letters}); without a "
                "letter the status is underway",
                letters=status_letters(),
            ),
        )
    ]


add_help_rows(help_rows)


class InitiativesPage(RecordListPage):
    def __init__(self, context, question, parent=None):
        self.new_placeholder = tr("New initiative: a short title #2p, Enter")
        self.new_hint = tr(
            "After # a category's number or first letters, then a status letter: {letters}. "
            "Without one the status is underway. Typing # lists the categories.",
            letters=status_letters(),
        )
        self.list_name = tr("Initiatives")
        super().__init__(context, question, parent)

    def build_editor(self) -> None:
        context = self.context
        self.title_edit = QLineEdit()
        self.category = CodeCombo(context.code_entries(CodeKind.INITIATIVE_CATEGORY), none_text())
        self.status = choice_combo(status_choices())
        self.started = QCheckBox(tr("Started on"))
        self.start_date = DateField()
        self.start_date.setAccessibleName(tr("Start date"))
        started_row = QHBoxLayout()
        started_row.setContentsMargins(0, 0, 0, 0)
        started_row.addWidget(self.started)
        started_row.addWidget(self.start_date)
        started_row.addStretch()
        started_holder = QWidget()
        started_holder.setLayout(started_row)
        self.description = text_area(height=100)
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

        autosave_text(context, self.title_edit, self.selected_id, save("title"), self.show_stored)
        autosave_text(
            context, self.description, self.selected_id, save("description"), self.show_stored
        )
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

    def categories(self) -> list[tuple[str, str]]:
        """The initiative categories as (code, label) in codebook order, in the app's
        language: what ``#`` numbers and matches."""
        return [
            (entry.code, entry.label(language()))
            for entry in self.context.code_entries(CodeKind.INITIATIVE_CATEGORY)
        ]

    def code_labels(self) -> list[str]:
        return [label for _, label in self.categories()]

    def records(self) -> list[Initiative]:
        return svc.live_initiatives(
            session=self.context.session, interview_id=self.context.interview_id
        )

    def item_text(self, initiative: Initiative) -> str:
        category = self.context.code_label(CodeKind.INITIATIVE_CATEGORY, initiative.category_code)
        status = initiative_status_labels()[initiative.status]
        details = " · ".join(part for part in (category, status) if part)
        return f"{row_text(initiative.title, TITLE_CHARACTERS)}  —  {details}"

    def add(self, line: str):
        context = self.context
        statuses = [(status, text) for text, status in status_choices()]
        entry = parse_initiative(line, self.categories(), statuses)
        return context.save(
            lambda: svc.add_initiative(
                session=context.session,
                interview_id=context.interview_id,
                title=entry.title,
                category_code=entry.category_code,
                status=entry.status or InitiativeStatus.UNDERWAY,
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
        self.show_value(self.title_edit, initiative.title if initiative else "")
        self.show_value(self.description, initiative.description if initiative else "")
        self.show_value(self.category, initiative.category_code if initiative else None)
        self.show_value(self.status, initiative.status if initiative else InitiativeStatus.UNDERWAY)
        started = initiative is not None and initiative.start_date is not None
        self.show_value(self.started, started)
        self.start_date.blockSignals(True)
        self.start_date.setDate(QDate(initiative.start_date) if started else QDate.currentDate())
        self.start_date.blockSignals(False)
        self.start_date.setEnabled(started)
