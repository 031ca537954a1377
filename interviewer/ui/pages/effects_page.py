"""Question 4: the concrete effects of each initiative, with an optional figure
(metric, baseline → current, unit, period).

What the page shows is what is stored: every refresh fills the tree and the editor from
storage (a text field being typed into keeps its text, it is saved as typed), and the tree's
rows follow every save. "New effect of" names the initiative new effects go to; it changes only
when the interviewer picks another one, selects an initiative, or adds one under question 3.
"""

import uuid

import shiboken6
from PySide6.QtCore import QEvent, QStringListModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
)

from interviewer import interviews as svc
from interviewer.figures import FigureError, format_figure, parse_figure
from interviewer.i18n import language, tr
from interviewer.quick_entry import UnknownCode, letter_keys, parse_effect
from interviewer.storage.models import Effect, EffectKind, Initiative
from interviewer.ui.fields import (
    CodeCompleter,
    autosave_text,
    choice_combo,
    fit_combo,
    on_delete_key,
    one_line_edit,
    row_text,
    set_quietly,
    text_area,
)
from interviewer.ui.help_overlay import add_help_rows
from interviewer.ui.pages.base import StepPage, show_refusal
from interviewer.wording import effect_kind_labels, effect_summary

ID_ROLE = Qt.ItemDataRole.UserRole
TEXT_FIELDS = ("metric", "unit", "period")
NUMBER_FIELDS = ("baseline", "current")


def kind_choices() -> list[tuple[str, EffectKind]]:
    return [(text, kind) for kind, text in effect_kind_labels().items()]


def help_rows() -> list[tuple[str, str]]:
    """The quick-entry keys of question 4, for F1."""
    labels = list(effect_kind_labels().values())
    letters = letter_keys(labels)
    return [
        (
            tr("description #{letter} 50>7", letter=letters[0]),
            tr("New effect with its kind (a letter) and its figure, before>now"),
        ),
        (tr("description #50>7"), tr("New measured effect with its figure, before>now")),
        (
            "  ".join(f"#{letter}" for letter in letters),
            tr(
                "The kinds of effect: {kinds}",
                kinds=", ".join(
                    f"{letter} = {label}" for letter, label in zip(letters, labels, strict=True)
                ),
            ),
        ),
        ("Alt+↑ / Alt+↓", tr("In the new-effect line: the initiative new effects go to")),
    ]


add_help_rows(help_rows)


class KindCompleter(CodeCompleter):
    """The popup that ``#`` opens in the new-effect line: the kinds by their letter
    ("m  Measured"); choosing one puts its letter after the ``#``."""

    def __init__(self, line: QLineEdit, letters: list[str], labels: list[str]):
        super().__init__(line, labels)
        entries = [f"{letter}  {label}" for letter, label in zip(letters, labels, strict=True)]
        # parented, so Python does not collect the model under the completer
        self.setModel(QStringListModel(entries, self))


class EffectsPage(StepPage):
    def __init__(self, context, question, parent=None):
        super().__init__(context, parent)
        self.question, self.key = question, question.key
        self._shown_id: uuid.UUID | None = None
        self._current: tuple[str, uuid.UUID] | None = None  # ("initiative" | "effect", id)
        self._new_for: uuid.UUID | None = None  # the initiative new effects go to
        self._known_initiatives: set[uuid.UUID] | None = None  # None: not shown yet
        self._unparsed: set[str] = set()  # figure fields showing text that is not a number
        # figure fields whose "not saved" message stays after leaving, until the next edit
        self._refused: set[str] = set()
        self.add_question_header(question)

        kinds = [(kind, label) for kind, label in effect_kind_labels().items()]
        self._kinds = kinds
        letters = letter_keys([label for _, label in kinds])
        new_row = QHBoxLayout()
        self.for_initiative = fit_combo(QComboBox())
        self.for_initiative.setAccessibleName(tr("Initiative of the new effect"))
        self.for_initiative.setToolTip(tr("Alt+↑ / Alt+↓ in the new-effect line"))
        self.for_initiative.activated.connect(
            lambda _: self._choose_new_for(self.for_initiative.currentData())
        )
        self.new_description = one_line_edit(
            # short enough for 16 pt in either language; the syntax is in the hint line below
            QLineEdit(placeholderText=tr("New effect: describe it, press Enter"))
        )
        self.new_description.setAccessibleName(tr("New effect"))
        self.new_description.returnPressed.connect(self._add)
        self.new_description.textEdited.connect(lambda _: show_refusal(self.entry_refusal, ""))
        KindCompleter(self.new_description, letters, [label for _, label in kinds])
        for keys, step in (("Alt+Up", -1), ("Alt+Down", 1)):
            action = QAction(self.new_description)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(lambda _=False, step=step: self._step_new_for(step))
            self.new_description.addAction(action)
        new_for_label = QLabel(tr("New effect of"))
        new_for_label.setBuddy(self.for_initiative)
        new_row.addWidget(new_for_label)
        new_row.addWidget(self.for_initiative, 1)
        self.body.addLayout(new_row)
        self.body.addWidget(self.new_description)
        self.entry_hint = QLabel(
            tr(
                "After #: the kind ({kinds}), then before>now, e.g. #{letter} 50>7; a figure "
                "alone is measured (#50>7). Alt+↑/↓ picks the initiative.",
                kinds=", ".join(
                    f"{letter} = {label}" for letter, (_, label) in zip(letters, kinds, strict=True)
                ),
                letter=letters[0],
            )
        )
        self.entry_hint.setObjectName("hint")
        self.entry_hint.setWordWrap(True)
        self.body.addWidget(self.entry_hint)
        self.entry_refusal = self.refusal_label()
        self.body.addWidget(self.entry_refusal)
        self.note = QLabel(
            tr("Effects belong to an initiative: add the initiatives under question 3 first.")
        )
        self.note.setObjectName("refusal")
        self.note.setWordWrap(True)
        self.body.addWidget(self.note)

        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName(tr("Effects by initiative"))
        self.tree.setMaximumHeight(150)
        self.tree.setUniformRowHeights(True)  # rows are one line: no need to measure each
        self.tree.setWordWrap(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.currentItemChanged.connect(lambda *_: self._selection_changed())
        self.body.addWidget(self.tree)
        on_delete_key(self.tree, self._remove)
        buttons = QHBoxLayout()
        self.remove_button = QPushButton(tr("Remove"))
        self.remove_button.setToolTip(tr("Delete, in the list"))
        self.remove_button.clicked.connect(self._remove)
        buttons.addWidget(self.remove_button)
        buttons.addStretch()
        self.body.addLayout(buttons)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.initiative = fit_combo(QComboBox())
        self.kind = choice_combo(kind_choices())
        self.description = text_area(height=80)
        self.metric = QLineEdit(placeholderText=tr("e.g. children placed outside the home"))
        self.baseline = QLineEdit()
        self.current = QLineEdit()
        self.unit = QLineEdit(placeholderText=tr("e.g. children, %, days"))
        self.period = QLineEdit(placeholderText=tr("e.g. 2015–2017"))
        # Before and Now a row each: side by side they do not fit at 16 pt beside the panel
        figures: dict[str, QHBoxLayout] = {}
        self.understood: dict[str, QLabel] = {}
        for field, label in (("baseline", tr("Before")), ("current", tr("Now"))):
            widget = getattr(self, field)
            one_line_edit(widget)
            widget.setAccessibleName(label)
            understood = QLabel()
            understood.setObjectName("hint")
            understood.setWordWrap(True)  # "not saved: still …" wraps, the figure keeps its room
            understood.setAccessibleName(tr("{field}, as read", field=label))
            row = QHBoxLayout()
            row.addWidget(widget)
            row.addWidget(understood, 1)
            figures[field] = row
            self.understood[field] = understood
        self._fit_figures()
        self.figure_refusal = self.refusal_label()
        rows = (
            (tr("Initiative"), self.initiative),
            (tr("Kind"), self.kind),
            (tr("Description"), self.description),
            (tr("Metric"), self.metric),
            (tr("Before"), figures["baseline"]),
            (tr("Now"), figures["current"]),
            (tr("Unit"), self.unit),
            (tr("Period"), self.period),
        )
        for label, field in rows:
            form.addRow(label, field)
            if not isinstance(field, QHBoxLayout):
                field.setAccessibleName(label)
        form.addRow("", self.figure_refusal)
        self.body.addLayout(form)
        self.body.addStretch()

        context = self.context

        def save(field):
            return lambda effect_id, text: svc.update_effect(
                session=context.session, effect_id=effect_id, **{field: text or None}
            )

        autosave_text(
            context,
            self.description,
            self.selected_id,
            lambda effect_id, text: svc.update_effect(
                session=context.session, effect_id=effect_id, description=text
            ),
        )
        for field in TEXT_FIELDS:
            autosave_text(context, getattr(self, field), self.selected_id, save(field))
        for field in NUMBER_FIELDS:
            getattr(self, field).textEdited.connect(lambda _, f=field: self._figure_typed(f))
            getattr(self, field).editingFinished.connect(lambda f=field: self._figure_left(f))
        self.kind.activated.connect(lambda _: self._update(kind=self.kind.currentData()))
        self.initiative.activated.connect(
            lambda _: self._update(initiative_id=self.initiative.currentData())
        )
        context.changed.connect(self._rows_follow)

    def title(self) -> str:
        return self.question.title.in_language(language())

    def _fit_figures(self) -> None:
        """Before and Now are wide enough for a figure such as −1,250,000.5 in the font they
        have now (the text size is a setting)."""
        for field in NUMBER_FIELDS:
            widget = getattr(self, field)
            room = widget.fontMetrics().horizontalAdvance(format_figure(-1250000.5) + "0")
            margins = widget.textMargins()
            # the frame and Qt's own text margin, as QLineEdit's size hint counts them
            widget.setMinimumWidth(room + margins.left() + margins.right() + 12)

    def changeEvent(self, event):  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_figures()

    def first_field(self):
        return self.new_description

    def selected_id(self) -> uuid.UUID | None:
        """The effect selected in the tree; None when nothing or an initiative is."""
        item = self.tree.currentItem()
        if item is None or item.parent() is None:
            return None
        return item.data(0, ID_ROLE)

    def new_effect_initiative(self) -> uuid.UUID | None:
        """The initiative that a new effect goes to: the one "New effect of" shows."""
        return self._new_for

    # ------------------------------------------------------------------ actions

    def _add(self) -> None:
        initiative_id = self._new_for
        if initiative_id is None:
            show_refusal(self.entry_refusal, self.note.text())
            return
        try:
            entry = parse_effect(self.new_description.text(), self._kinds)
        except UnknownCode as error:  # the typed text stays, the reason shows beside it
            show_refusal(self.entry_refusal, error.reason)
            return
        if not entry.description and entry.kind is None:
            return
        context = self.context
        effect = context.save(
            lambda: svc.add_effect(
                session=context.session,
                initiative_id=initiative_id,
                description=entry.description,
                kind=entry.kind or EffectKind.OBSERVED,
                baseline=entry.baseline,
                current=entry.current,
            )
        )
        if effect is not None:
            self.new_description.clear()
            show_refusal(self.entry_refusal, "")
            self.refresh(select=effect.id)
            # the rule of every new-item line: focus stays here, ready for the next
            self.new_description.setFocus(Qt.FocusReason.OtherFocusReason)

    def _choose_new_for(self, initiative_id: uuid.UUID | None) -> None:
        if initiative_id is not None:
            self._new_for = initiative_id
        set_quietly(self.for_initiative, self._new_for)
        item = self.tree.currentItem()
        if item is None or item.parent() is None:
            # an initiative row selected in the tree is always the one new effects go to
            row = self._initiative_row(self._new_for)
            if row is not None and row is not item:
                self.tree.blockSignals(True)
                self.tree.setCurrentItem(row)
                self.tree.blockSignals(False)
                self._current = ("initiative", self._new_for)

    def _initiative_row(self, initiative_id: uuid.UUID | None) -> QTreeWidgetItem | None:
        return next(
            (
                self.tree.topLevelItem(n)
                for n in range(self.tree.topLevelItemCount())
                if self.tree.topLevelItem(n).data(0, ID_ROLE) == initiative_id
            ),
            None,
        )

    def _step_new_for(self, step: int) -> None:
        """Alt+↑ / Alt+↓ in the new-effect line: the previous or next initiative."""
        row = self.for_initiative.currentIndex() + step
        if 0 <= row < self.for_initiative.count():
            self._choose_new_for(self.for_initiative.itemData(row))

    def _update(self, **changes) -> None:
        effect_id = self.selected_id()
        if effect_id is not None:
            self.context.save(
                lambda: svc.update_effect(
                    session=self.context.session, effect_id=effect_id, **changes
                ),
                key=("effect", effect_id, tuple(changes)),
            )
            self.refresh(select=effect_id)

    def _figure_typed(self, field: str) -> None:
        effect_id = self.selected_id()
        if effect_id is None:
            return
        try:
            value = parse_figure(getattr(self, field).text())
        except FigureError as error:  # said beside it; nothing typed is saved or logged
            self.context.discard((field, effect_id))  # nor a number it passed through
            self._unparsed.add(field)
            self._refused.add(field)
            self.understood[field].setText("⚠ " + self._still(field, effect_id))
            show_refusal(self.figure_refusal, error.reason)
            return
        self._unparsed.discard(field)
        self._refused.discard(field)
        self._show_understood(field, value)
        if not self._unparsed and not self._refused:  # the other figure's reason stays
            show_refusal(self.figure_refusal, "")
        self.context.save_later(
            (field, effect_id),
            lambda: svc.update_effect(
                session=self.context.session, effect_id=effect_id, **{field: value}
            ),
        )

    def _stored_figure(self, field: str, effect_id: uuid.UUID) -> float | None:
        effect = next((e for e in self._data()[1] if e.id == effect_id), None)
        return getattr(effect, field) if effect is not None else None

    def _still(self, field: str, effect_id: uuid.UUID) -> str:
        """What the database keeps while the field holds text that is not a number."""
        value = self._stored_figure(field, effect_id)
        if value is None:
            return tr("Not saved: still empty")
        return tr("Not saved: still {value}", value=format_figure(value))

    def _figure_left(self, field: str) -> None:
        """Leaving a figure that is not a number: the field shows the stored value again, so
        the screen never shows what is not stored; the message stays until the next edit."""
        effect_id = self.selected_id()
        if field not in self._unparsed or effect_id is None:
            return
        self._unparsed.discard(field)
        set_quietly(getattr(self, field), format_figure(self._stored_figure(field, effect_id)))

    def _show_understood(self, field: str, value: float | None) -> None:
        if field in self._refused:
            return  # "not saved: still …" stays until the next edit
        self.understood[field].setText(f"= {format_figure(value)}" if value is not None else "")

    def _remove(self) -> None:
        effect_id = self.selected_id()
        if effect_id is None:
            return
        effects = self._data()[1]
        ids = [e.id for e in effects]
        row = ids.index(effect_id) if effect_id in ids else -1
        neighbours = ids[row + 1 : row + 2] or ids[max(row - 1, 0) : max(row, 0)]
        context = self.context
        context.push(
            tr("Remove effect"),
            lambda: svc.remove_effect(session=context.session, effect_id=effect_id),
            lambda: svc.restore_effect(session=context.session, effect_id=effect_id),
        )
        self.refresh(select=neighbours[0] if neighbours else None)

    # ------------------------------------------------------------------ showing

    def _data(self) -> tuple[list[Initiative], list[Effect]]:
        context = self.context
        return (
            svc.live_initiatives(session=context.session, interview_id=context.interview_id),
            svc.live_effects(session=context.session, interview_id=context.interview_id),
        )

    def refresh(self, select: uuid.UUID | None = None) -> None:
        """Shows what storage holds now: the choosers, the tree and the selected effect."""
        if not shiboken6.isValid(self.tree):
            return  # the window is going away: its undo stack and saves may still signal
        self.context.flush()  # what is typed is stored first, so it is what comes back
        initiatives, effects = self._data()
        self._follow_initiatives(initiatives)
        for combo in (self.for_initiative, self.initiative):
            combo.blockSignals(True)
            combo.clear()
            for initiative in initiatives:
                combo.addItem(row_text(initiative.title), initiative.id)
            combo.blockSignals(False)
        set_quietly(self.for_initiative, self._new_for)
        if select is not None:
            self._current = ("effect", select)
        self._fill_tree(initiatives, effects)
        has_initiatives = bool(initiatives)
        # without initiatives the line stays focusable: the note says why, and so does Enter
        self.note.setVisible(not has_initiatives)
        self.for_initiative.setEnabled(has_initiatives)
        if has_initiatives and self.entry_refusal.text() == f"⚠ {self.note.text()}":
            show_refusal(self.entry_refusal, "")
        self._show_selected(effects)

    def _follow_initiatives(self, initiatives: list[Initiative]) -> None:
        """Keeps "New effect of" on the initiative chosen, or on one just added under
        question 3; only when that one is gone does it move, to the newest."""
        ids = {initiative.id for initiative in initiatives}
        added = [i for i in initiatives if i.id not in (self._known_initiatives or ids)]
        if added:
            self._new_for = max(added, key=lambda i: i.created_at).id
        elif self._new_for not in ids:
            newest = max(initiatives, key=lambda i: i.created_at, default=None)
            self._new_for = newest.id if newest else None
        self._known_initiatives = ids

    def _fill_tree(self, initiatives: list[Initiative], effects: list[Effect]) -> None:
        self.tree.blockSignals(True)
        self.tree.clear()
        current = None
        for initiative in initiatives:
            parent = QTreeWidgetItem([row_text(initiative.title)])
            parent.setData(0, ID_ROLE, initiative.id)
            font = parent.font(0)
            font.setBold(True)
            parent.setFont(0, font)
            self.tree.addTopLevelItem(parent)
            if self._current == ("initiative", initiative.id):
                current = parent
            for effect in (e for e in effects if e.initiative_id == initiative.id):
                child = QTreeWidgetItem()
                child.setData(0, ID_ROLE, effect.id)
                self._set_row(child, effect)
                parent.addChild(child)
                if self._current == ("effect", effect.id):
                    current = child
            parent.setExpanded(True)
        if current is None and effects:  # nothing chosen yet: show the first effect
            first = self.tree.topLevelItem(0)
            while first is not None and first.childCount() == 0:
                first = self.tree.itemBelow(first)
            current = first.child(0) if first is not None else None
        if current is None or current.parent() is None:
            # no effect selected: the row of "New effect of" (an initiative row selected is
            # always the one new effects go to), so that the tree taking the focus, which
            # makes its first row current, does not move "New effect of" by itself
            current = self._initiative_row(self._new_for)
        if current is not None:
            self.tree.setCurrentItem(current)
        self._current = self._key_of(current)
        self.tree.blockSignals(False)

    @staticmethod
    def _set_row(item: QTreeWidgetItem, effect: Effect) -> None:
        summary = effect_summary(effect)
        item.setText(0, row_text(summary))
        item.setToolTip(0, row_text(summary, 600))

    @staticmethod
    def _key_of(item: QTreeWidgetItem | None) -> tuple[str, uuid.UUID] | None:
        if item is None:
            return None
        return ("initiative" if item.parent() is None else "effect", item.data(0, ID_ROLE))

    def _rows_follow(self) -> None:
        """After any save: each effect's row says what is stored now (a figure typed, a
        description edited), without touching the editor being typed into."""
        if not shiboken6.isValid(self.tree) or not self.isVisible():
            return  # a step is refreshed when it is shown
        effects = {e.id: e for e in self._data()[1]}
        for top in range(self.tree.topLevelItemCount()):
            parent = self.tree.topLevelItem(top)
            for row in range(parent.childCount()):
                child = parent.child(row)
                effect = effects.get(child.data(0, ID_ROLE))
                if effect is not None:
                    self._set_row(child, effect)

    def _selection_changed(self) -> None:
        self.context.flush()
        item = self.tree.currentItem()
        self._current = self._key_of(item)
        if item is not None and item.parent() is None:  # an initiative: new effects go there
            self._choose_new_for(item.data(0, ID_ROLE))
        self._show_selected(self._data()[1])

    def _show_selected(self, effects: list[Effect]) -> None:
        """Fills the editor with the selected effect as stored. When the same effect stays
        selected, a text field with the focus keeps what is being typed, and a figure that is
        not a number yet stays with its hint."""
        effect_id = self.selected_id()
        effect = next((e for e in effects if e.id == effect_id), None)
        same = effect is not None and effect_id == self._shown_id
        self._shown_id = effect_id
        if not same:
            self._unparsed.clear()
            self._refused.clear()
            show_refusal(self.figure_refusal, "")
        for widget in (
            self.initiative,
            self.kind,
            self.description,
            self.metric,
            self.baseline,
            self.current,
            self.unit,
            self.period,
            self.remove_button,
        ):
            widget.setEnabled(effect is not None)
        set_quietly(self.initiative, effect.initiative_id if effect else None)
        set_quietly(self.kind, effect.kind if effect else EffectKind.OBSERVED)
        set_quietly(self.description, effect.description if effect else "", keep_typing=same)
        for field in TEXT_FIELDS:
            value = (getattr(effect, field) if effect else None) or ""
            set_quietly(getattr(self, field), value, keep_typing=same)
        for field in NUMBER_FIELDS:
            widget = getattr(self, field)
            value = getattr(effect, field) if effect else None
            if field in self._unparsed:
                continue
            try:
                shown = parse_figure(widget.text())
            except FigureError:
                shown = object()  # not a number: replaced by the stored value
            if shown != value or not same:
                set_quietly(widget, format_figure(value))
            self._show_understood(field, value)
