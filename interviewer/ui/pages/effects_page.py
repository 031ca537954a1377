"""Question 4: the concrete effects of each initiative, with an optional figure
(metric, baseline → current, unit, period)."""

import math
import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
)

from interviewer import interviews as svc
from interviewer.i18n import language, tr
from interviewer.storage.models import Effect, EffectKind, Initiative
from interviewer.ui.fields import autosave_text, choice_combo, fit_combo, on_delete_key, set_quietly
from interviewer.ui.pages.base import StepPage, show_refusal
from interviewer.wording import effect_kind_labels, effect_summary, format_number

ID_ROLE = Qt.ItemDataRole.UserRole
FIGURE_FIELDS = ("metric", "baseline", "current", "unit", "period")


def kind_choices() -> list[tuple[str, EffectKind]]:
    return [(text, kind) for kind, text in effect_kind_labels().items()]


def parse_number(text: str) -> float | None:
    """A figure as typed: "50", "3,7", "3.7", "1 250" or "1.250,5"; empty is no figure."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        return None
    if "," in cleaned:  # Danish: the comma is the decimal mark, the point groups thousands
        cleaned = cleaned.replace(".", "").replace(",", ".")
    value = float(cleaned)
    if not math.isfinite(value):  # "inf", "nan", "1e400": not a figure anyone measured
        raise ValueError(text)
    return value


class EffectsPage(StepPage):
    def __init__(self, context, question, parent=None):
        super().__init__(context, parent)
        self.question, self.key = question, question.key
        self._shown_id: uuid.UUID | None = None
        self.add_question_header(question)

        new_row = QHBoxLayout()
        self.for_initiative = fit_combo(QComboBox())
        self.for_initiative.setAccessibleName(tr("Initiative of the new effect"))
        self.new_description = QLineEdit(
            placeholderText=tr("New effect: describe it and press Enter")
        )
        self.new_description.setAccessibleName(tr("New effect"))
        self.new_description.returnPressed.connect(self._add)
        new_row.addWidget(QLabel(tr("New effect of")))
        new_row.addWidget(self.for_initiative, 1)
        self.body.addLayout(new_row)
        self.body.addWidget(self.new_description)
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
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(80)
        self.metric = QLineEdit(placeholderText=tr("e.g. children placed outside the home"))
        self.baseline = QLineEdit()
        self.current = QLineEdit()
        self.unit = QLineEdit(placeholderText=tr("e.g. children, %, days"))
        self.period = QLineEdit(placeholderText=tr("e.g. 2015–2017"))
        figure = QHBoxLayout()
        for label, field in ((tr("Before"), self.baseline), (tr("Now"), self.current)):
            figure.addWidget(QLabel(label))
            figure.addWidget(field)
            field.setAccessibleName(label)
        self.figure_refusal = self.refusal_label()
        rows = (
            (tr("Initiative"), self.initiative),
            (tr("Kind"), self.kind),
            (tr("Description"), self.description),
            (tr("Metric"), self.metric),
            (tr("Figure"), figure),
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
        for field in ("metric", "unit", "period"):
            autosave_text(context, getattr(self, field), self.selected_id, save(field))
        for field in ("baseline", "current"):
            getattr(self, field).textEdited.connect(lambda _, f=field: self._figure_typed(f))
        self.kind.activated.connect(lambda _: self._update(kind=self.kind.currentData()))
        self.initiative.activated.connect(
            lambda _: self._update(initiative_id=self.initiative.currentData())
        )

    def title(self) -> str:
        return self.question.title.in_language(language())

    def first_field(self):
        return self.new_description if self.new_description.isEnabled() else self.tree

    def selected_id(self) -> uuid.UUID | None:
        item = self.tree.currentItem()
        if item is None or item.parent() is None:
            return None
        return item.data(0, ID_ROLE)

    # ------------------------------------------------------------------ actions

    def _add(self) -> None:
        text = self.new_description.text().strip()
        initiative_id = self.for_initiative.currentData()
        if not text or initiative_id is None:
            return
        context = self.context
        effect = context.save(
            lambda: svc.add_effect(
                session=context.session, initiative_id=initiative_id, description=text
            )
        )
        if effect is not None:
            self.new_description.clear()
            self.refresh(select=effect.id)

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
            value = parse_number(getattr(self, field).text())
        except ValueError:
            show_refusal(
                self.figure_refusal,
                tr(
                    "“{text}” is not a number; it is not saved until it is one.",
                    text=getattr(self, field).text(),
                ),
            )
            return
        show_refusal(self.figure_refusal, "")
        self.context.save_later(
            (field, effect_id),
            lambda: svc.update_effect(
                session=self.context.session, effect_id=effect_id, **{field: value}
            ),
        )

    def _remove(self) -> None:
        effect_id = self.selected_id()
        if effect_id is None:
            return
        context = self.context
        context.push(
            tr("Remove effect"),
            lambda: svc.remove_effect(session=context.session, effect_id=effect_id),
            lambda: svc.restore_effect(session=context.session, effect_id=effect_id),
        )
        self.refresh()

    # ------------------------------------------------------------------ showing

    def _data(self) -> tuple[list[Initiative], list[Effect]]:
        context = self.context
        return (
            svc.live_initiatives(session=context.session, interview_id=context.interview_id),
            svc.live_effects(session=context.session, interview_id=context.interview_id),
        )

    def refresh(self, select: uuid.UUID | None = None) -> None:
        initiatives, effects = self._data()
        keep = select or self.selected_id()
        chosen_initiative = self.for_initiative.currentData()
        for combo in (self.for_initiative, self.initiative):
            combo.blockSignals(True)
            combo.clear()
            for initiative in initiatives:
                combo.addItem(initiative.title, initiative.id)
            combo.blockSignals(False)
        if chosen_initiative is not None:
            set_quietly(self.for_initiative, chosen_initiative)
        self.tree.blockSignals(True)
        self.tree.clear()
        current = None
        for initiative in initiatives:
            parent = QTreeWidgetItem([initiative.title])
            parent.setData(0, ID_ROLE, initiative.id)
            font = parent.font(0)
            font.setBold(True)
            parent.setFont(0, font)
            self.tree.addTopLevelItem(parent)
            for effect in (e for e in effects if e.initiative_id == initiative.id):
                child = QTreeWidgetItem([effect_summary(effect)])
                child.setToolTip(0, effect_summary(effect))
                child.setData(0, ID_ROLE, effect.id)
                parent.addChild(child)
                if effect.id == keep:
                    current = child
            parent.setExpanded(True)
        if current is None and effects:  # nothing chosen yet: show the first effect
            current = self.tree.topLevelItem(0).child(0) if self.tree.topLevelItem(0) else None
        if current is not None:
            self.tree.setCurrentItem(current)
        self.tree.blockSignals(False)
        has_initiatives = bool(initiatives)
        self.note.setVisible(not has_initiatives)
        self.new_description.setEnabled(has_initiatives)
        self.for_initiative.setEnabled(has_initiatives)
        if self.selected_id() != self._shown_id or select is not None:
            self._show_selected(effects)

    def _selection_changed(self) -> None:
        self.context.flush()
        item = self.tree.currentItem()
        if item is not None and item.parent() is None:  # an initiative: new effects go there
            set_quietly(self.for_initiative, item.data(0, ID_ROLE))
        self._show_selected(self._data()[1])

    def _show_selected(self, effects: list[Effect]) -> None:
        effect_id = self.selected_id()
        effect = next((e for e in effects if e.id == effect_id), None)
        self._shown_id = effect_id
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
        set_quietly(self.description, effect.description if effect else "")
        for field in FIGURE_FIELDS:
            value = getattr(effect, field) if effect else None
            text = format_number(value) if field in ("baseline", "current") else (value or "")
            set_quietly(getattr(self, field), text)
