"""Question 2: the respondent's most significant challenges, ranked 1..n (at most the guide's n).

Add one with its theme in one line: ``short title #3`` (theme 3) or ``short title #blame``.
Reorder with Alt+Up/Alt+Down or by dragging. Removals and reorders can be undone.
"""

import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLineEdit, QPushButton

from interviewer import interviews as svc
from interviewer.i18n import language, tr
from interviewer.quick_entry import parse_challenge
from interviewer.storage.models import Challenge, CodeKind
from interviewer.ui.fields import CodeCombo, autosave_text, none_text, row_text, text_area
from interviewer.ui.help_overlay import add_help_rows
from interviewer.ui.pages.record_list import TITLE_CHARACTERS, RecordListPage


def help_rows() -> list[tuple[str, str]]:
    """The quick-entry keys of question 2, for F1."""
    return [
        (
            tr("title #3  or  title #blame"),
            tr("New challenge with its theme: the theme's number or first letters"),
        ),
        ("#", tr("In a new-item line: lists the numbered codes to choose from")),
    ]


add_help_rows(help_rows)


class ChallengesPage(RecordListPage):
    def __init__(self, context, question, parent=None):
        self.new_placeholder = tr("New challenge: a short title #3, Enter")
        self.new_hint = tr(
            "After # a theme's number or first letters (#blame); typing # lists the themes. "
            "Alt+↑/↓ moves the selected challenge."
        )
        self.list_name = tr("Ranked challenges")
        self.limit = context.guide.max_challenges
        super().__init__(context, question, parent, draggable=True)

    def build_editor(self) -> None:
        context = self.context
        self.up_button = QPushButton(tr("↑ Move up"))
        self.down_button = QPushButton(tr("↓ Move down"))
        self.up_button.setToolTip("Alt+↑")
        self.down_button.setToolTip("Alt+↓")
        self.buttons.insertWidget(0, self.down_button)
        self.buttons.insertWidget(0, self.up_button)
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(+1))
        for keys, step in (("Alt+Up", -1), ("Alt+Down", +1)):
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _=False, step=step: self.move(step))
            self.addAction(action)
        self.title_edit = QLineEdit()
        self.theme = CodeCombo(context.code_entries(CodeKind.CHALLENGE_THEME), none_text())
        self.description = text_area(height=100)
        self.add_field(tr("Title"), self.title_edit)
        self.add_field(tr("Theme"), self.theme)
        self.add_field(tr("Description"), self.description)

        def save(field):
            return lambda challenge_id, text: svc.update_challenge(
                session=context.session, challenge_id=challenge_id, **{field: text}
            )

        autosave_text(context, self.title_edit, self.selected_id, save("title"), self.show_stored)
        autosave_text(
            context, self.description, self.selected_id, save("description"), self.show_stored
        )
        self.theme.activated.connect(lambda _: self._set_theme())

    def themes(self) -> list[tuple[str, str]]:
        """The challenge themes as (code, label) in codebook order, labels in the app's
        language: what ``#`` numbers and matches."""
        return [
            (entry.code, entry.label(language()))
            for entry in self.context.code_entries(CodeKind.CHALLENGE_THEME)
        ]

    def code_labels(self) -> list[str]:
        return [label for _, label in self.themes()]

    def records(self) -> list[Challenge]:
        return svc.live_challenges(
            session=self.context.session, interview_id=self.context.interview_id
        )

    def item_text(self, challenge: Challenge) -> str:
        theme = self.context.code_label(CodeKind.CHALLENGE_THEME, challenge.theme_code)
        title = row_text(challenge.title, TITLE_CHARACTERS)
        return f"{challenge.rank}.  {title}" + (f"  —  {theme}" if theme else "")

    def add_allowed(self) -> str:
        if len(self.records()) >= self.limit:
            return tr(
                "{limit} challenges are ranked, the most the guide asks for. Remove one "
                "(select it and press Delete) to add another.",
                limit=self.limit,
            )
        return ""

    def add(self, line: str):
        context, entry = self.context, parse_challenge(line, self.themes())
        return context.save(
            lambda: svc.add_challenge(
                session=context.session,
                interview_id=context.interview_id,
                title=entry.title,
                theme_code=entry.theme_code,
            )
        )

    def remove(self, challenge: Challenge) -> None:
        context, challenge_id, rank = self.context, challenge.id, challenge.rank
        context.push(
            tr("Remove challenge “{title}”", title=challenge.title),
            lambda: svc.remove_challenge(session=context.session, challenge_id=challenge_id),
            lambda: svc.restore_challenge(
                session=context.session, challenge_id=challenge_id, rank=rank
            ),
        )

    def show_record(self, challenge: Challenge | None) -> None:
        for widget in (
            self.title_edit,
            self.theme,
            self.description,
            self.up_button,
            self.down_button,
        ):
            widget.setEnabled(challenge is not None)
        self.show_value(self.title_edit, challenge.title if challenge else "")
        self.show_value(self.description, challenge.description if challenge else "")
        self.show_value(self.theme, challenge.theme_code if challenge else None)

    def _set_theme(self) -> None:
        challenge_id, code = self.selected_id(), self.theme.currentData()
        if challenge_id is not None:
            self.context.save(
                lambda: svc.update_challenge(
                    session=self.context.session, challenge_id=challenge_id, theme_code=code
                ),
                key=("theme", challenge_id),
            )
            self.refresh()

    def move(self, step: int) -> None:
        ids, current = self.list.ids(), self.selected_id()
        if current is None:
            return
        row = ids.index(current)
        if 0 <= row + step < len(ids):
            ids[row], ids[row + step] = ids[row + step], ids[row]
            self.reordered(ids)

    def reordered(self, new_order: list[uuid.UUID]) -> None:
        context = self.context
        old_order = [challenge.id for challenge in self.records()]
        selected = self.selected_id()
        if new_order != old_order:

            def reorder(order):
                return lambda: svc.reorder_challenges(
                    session=context.session, interview_id=context.interview_id, ordered_ids=order
                )

            context.push(tr("Reorder challenges"), reorder(new_order), reorder(old_order))
        self.refresh(select=selected)
