"""What the screen shows is what is stored, on question 4 and in the side panel's quotes: random
sequences of what an interviewer does (add an effect by quick entry, pick its initiative,
select, edit the description, change initiative or kind, type a figure — a number or not —,
remove, undo, redo, switch step; add, edit, remove and put aside quotes), and after each one
every tree row, list row and editor equals the database, read back through a session of its
own, and "New effect of" is where the interviewer last put it.

The default run is short; HYPOTHESIS_PROFILE=long (or EFFECTS_MACHINE_EXAMPLES=n) runs longer.
"""

import os
import uuid
from datetime import date

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from interviewer import interviews as svc
from interviewer.figures import FigureError, format_figure, parse_figure
from interviewer.storage.database import open_database
from interviewer.ui.fields import row_text
from interviewer.ui.interview_window import InterviewWindow
from interviewer.wording import effect_summary
from tests.ui.keyboard import focused, in_modal, press, shortcut, type_text

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
EXAMPLES = int(os.environ.get("EFFECTS_MACHINE_EXAMPLES", 150 if LONG else 15))
STEPS = 50 if LONG else 18

INITIATIVES = ("Joint budget", "Case conferences", "Shared intake")
words = st.sampled_from(["fewer", "cases", "Ærø", "møde", "placements", "calls", "No#1", "ok"])
texts = st.lists(words, min_size=1, max_size=4).map(" ".join)
kinds = st.sampled_from(["", "m", "o", "e", "n"])
numbers = st.one_of(
    st.integers(min_value=-5000, max_value=50_000).map(float),
    st.floats(min_value=0, max_value=10_000, allow_nan=False).map(lambda v: round(v, 2)),
)
not_numbers = st.sampled_from(["ca. 50", "1,250.5", "50%", "nan", "—"])


class EffectsAndQuotesMachine(RuleBasedStateMachine):
    qtbot = None
    folder = None

    def __init__(self):
        super().__init__()
        self.database = open_database(self.folder / f"{uuid.uuid4().hex}.sqlite")
        with self.database.session() as session:
            interview = svc.create_interview(
                session=session,
                study=svc.current_study(session=session),
                respondent_role="Head of Employment Services",
                service_area="child_family",
                municipality="Vejle",
                interview_date=date(2017, 9, 12),
            )
            for title in INITIATIVES:
                svc.add_initiative(session=session, interview_id=interview.id, title=title)
            self.interview_id = interview.id
            self.initiative_ids = [
                i.id for i in svc.live_initiatives(session=session, interview_id=interview.id)
            ]
        self.window = InterviewWindow(self.database, self.interview_id)
        self.window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.window.show()
        self.qtbot.waitExposed(self.window)
        self.window.activateWindow()
        self.qtbot.waitUntil(self.window.isActiveWindow)
        self.effects_step = next(n for n, p in enumerate(self.window.pages) if p.key == "effects")
        shortcut(f"Ctrl+{self.effects_step}")
        self.on_effects = True
        self.new_for = self.initiative_ids[-1]  # the initiative added last

    def teardown(self):
        self.window.close()
        self.window.deleteLater()
        QApplication.processEvents()
        self.database.close()

    # ------------------------------------------------------------------ helpers

    @property
    def page(self):
        return self.window.pages[self.effects_step]

    @property
    def panel(self):
        return self.window.side_panel

    def settle(self) -> None:
        """Lets the app do what it does by itself: its autosave timer runs out."""
        QApplication.processEvents()
        if not self.window.isActiveWindow():
            # a completer popup closed: a window manager gives the window its activation
            # back, the offscreen platform does not
            self.window.activateWindow()
            self.qtbot.waitUntil(self.window.isActiveWindow)
        timer = self.window.context._timer
        self.qtbot.waitUntil(lambda: not timer.isActive(), timeout=5000)
        QApplication.processEvents()

    def stored(self):
        with self.database.session() as session:
            return (
                svc.live_initiatives(session=session, interview_id=self.interview_id),
                svc.live_effects(session=session, interview_id=self.interview_id),
                svc.live_quotes(session=session, interview_id=self.interview_id),
            )

    def effect_items(self):
        tree = self.page.tree
        return [
            tree.topLevelItem(top).child(row)
            for top in range(tree.topLevelItemCount())
            for row in range(tree.topLevelItem(top).childCount())
        ]

    def replace_text(self, widget, text: str) -> None:
        widget.setFocus()
        shortcut("Ctrl+A")
        press(Qt.Key.Key_Delete)
        type_text(text)

    # ------------------------------------------------------------------ effects

    @precondition(lambda self: self.on_effects)
    @rule(description=texts, kind=kinds, figure=st.none() | st.tuples(numbers, numbers))
    def add_effect(self, description, kind, figure):
        page = self.page
        page.new_description.setFocus()
        token = kind
        if figure is not None:
            token += f"{format_figure(figure[0])}>{format_figure(figure[1])}"
        type_text(description + (f" #{token}" if token else ""))
        press(Qt.Key.Key_Return)
        assert focused() is page.new_description, "focus stays in the new-effect line"
        assert page.new_description.text() == ""
        _, effects, _ = self.stored()
        newest = max(effects, key=lambda e: e.created_at)
        assert newest.initiative_id == self.new_for, "the effect goes where New effect of says"
        if figure is not None:
            assert (newest.baseline, newest.current) == figure

    @precondition(lambda self: self.on_effects)
    @rule(up=st.booleans())
    def pick_initiative(self, up):
        self.page.new_description.setFocus()
        shortcut("Alt+Up" if up else "Alt+Down")
        row = self.initiative_ids.index(self.new_for) + (-1 if up else 1)
        if 0 <= row < len(self.initiative_ids):
            self.new_for = self.initiative_ids[row]

    @precondition(lambda self: self.on_effects)
    @rule(index=st.integers(min_value=0, max_value=20))
    def select_row(self, index):
        tree = self.page.tree
        rows = []
        for top in range(tree.topLevelItemCount()):
            parent = tree.topLevelItem(top)
            rows.append(parent)
            rows += [parent.child(row) for row in range(parent.childCount())]
        item = rows[index % len(rows)]
        tree.setFocus()
        tree.setCurrentItem(item)  # as a click does
        QApplication.processEvents()
        if item.parent() is None:
            self.new_for = item.data(0, Qt.ItemDataRole.UserRole)

    @precondition(lambda self: self.on_effects and self.page.selected_id() is not None)
    @rule(text=texts)
    def edit_description(self, text):
        self.replace_text(self.page.description, text)

    @precondition(lambda self: self.on_effects and self.page.selected_id() is not None)
    @rule(text=texts, field=st.sampled_from(["metric", "unit", "period"]))
    def edit_figure_words(self, text, field):
        self.replace_text(getattr(self.page, field), text)

    @precondition(lambda self: self.on_effects and self.page.selected_id() is not None)
    @rule(field=st.sampled_from(["baseline", "current"]), value=numbers | not_numbers)
    def type_figure(self, field, value):
        text = format_figure(value) if isinstance(value, float) else value
        self.replace_text(getattr(self.page, field), text)

    @precondition(lambda self: self.on_effects and self.page.selected_id() is not None)
    @rule(combo=st.sampled_from(["initiative", "kind"]), down=st.booleans())
    def change_choice(self, combo, down):
        getattr(self.page, combo).setFocus()
        press(Qt.Key.Key_Down if down else Qt.Key.Key_Up)

    @precondition(lambda self: self.on_effects and self.page.selected_id() is not None)
    @rule()
    def remove_effect(self):
        self.page.tree.setFocus()
        press(Qt.Key.Key_Delete)

    @rule(redo=st.booleans())
    def undo_or_redo(self, redo):
        (self.page.tree if self.on_effects else self.panel.quotes).setFocus()
        shortcut("Ctrl+Y" if redo else "Ctrl+Z")

    @rule(away=st.sampled_from([1, 3, 5]))
    def switch_step(self, away):
        shortcut(f"Ctrl+{away}")
        self.on_effects = False
        self.settle()
        self.check_quotes()
        shortcut(f"Ctrl+{self.effects_step}")
        self.on_effects = True

    # ------------------------------------------------------------------ quotes

    @rule(text=texts, keep=st.booleans())
    def add_quote(self, text, keep):
        def fill(box):
            type_text(text)
            press(Qt.Key.Key_Return if keep else Qt.Key.Key_Escape)

        in_modal(lambda: shortcut("Ctrl+G"), fill)

    @precondition(lambda self: self.panel.quotes.count() > 0)
    @rule(index=st.integers(min_value=0, max_value=20))
    def select_quote(self, index):
        quotes = self.panel.quotes
        quotes.setFocus()
        quotes.setCurrentRow(index % quotes.count())

    @precondition(lambda self: self.panel.selected_quote() is not None)
    @rule(text=texts, field=st.sampled_from(["quote_text", "speaker"]))
    def edit_quote(self, text, field):
        self.replace_text(getattr(self.panel, field), text)

    @precondition(lambda self: self.panel.selected_quote() is not None)
    @rule(down=st.booleans())
    def change_theme(self, down):
        self.panel.theme.setFocus()
        press(Qt.Key.Key_Down if down else Qt.Key.Key_Up)

    @precondition(lambda self: self.panel.selected_quote() is not None)
    @rule()
    def remove_quote(self):
        self.panel.quotes.setFocus()
        press(Qt.Key.Key_Delete)

    # ------------------------------------------------------------------ what is shown

    @invariant()
    def the_screen_shows_what_is_stored(self):
        self.settle()
        if self.on_effects:
            self.check_effects()
        self.check_quotes()

    def check_effects(self):
        page = self.page
        initiatives, effects, _ = self.stored()
        tree = page.tree
        assert [tree.topLevelItem(n).text(0) for n in range(tree.topLevelItemCount())] == [
            row_text(i.title) for i in initiatives
        ]
        items = self.effect_items()
        by_id = {e.id: e for e in effects}
        assert [item.data(0, Qt.ItemDataRole.UserRole) for item in items] == [e.id for e in effects]
        for item in items:
            effect = by_id[item.data(0, Qt.ItemDataRole.UserRole)]
            assert item.parent().data(0, Qt.ItemDataRole.UserRole) == effect.initiative_id
            assert item.text(0) == row_text(effect_summary(effect))  # the row follows each save
        assert page.for_initiative.currentData() == self.new_for, "New effect of never jumps"
        selected = by_id.get(page.selected_id())
        if selected is None:
            assert not page.description.isEnabled()
            return
        assert page.initiative.currentData() == selected.initiative_id
        assert page.kind.currentData() == selected.kind
        assert page.description.toPlainText() == selected.description
        for field in ("metric", "unit", "period"):
            assert getattr(page, field).text() == (getattr(selected, field) or "")
        for field in ("baseline", "current"):
            text = getattr(page, field).text()
            try:
                shown = parse_figure(text)
            except FigureError:  # not a number yet: said beside it, and not saved
                assert page.figure_refusal.isVisible()
                continue
            assert shown == getattr(selected, field)
            understood = page.understood[field].text()
            if understood.startswith("⚠"):  # left after text that is not a number:
                # the field shows the stored value again, and beside it that it was kept
                assert format_figure(shown) in understood and page.figure_refusal.isVisible()
                continue
            assert understood == (f"= {format_figure(shown)}" if shown is not None else "")

    def check_quotes(self):
        panel = self.panel
        _, _, quotes = self.stored()
        rows = [panel.quotes.item(n) for n in range(panel.quotes.count())]
        assert [row.data(Qt.ItemDataRole.UserRole) for row in rows] == [q.id for q in quotes]
        for row, quote in zip(rows, quotes, strict=True):
            assert row.text().endswith(f"“{row_text(quote.text)}”")
            assert "\n" not in row.text()
        selected = next((q for q in quotes if q.id == panel.selected_quote()), None)
        if quotes:
            assert selected is not None, "a quote is always selected when there is one"
        assert panel.quote_text.toPlainText() == (selected.text if selected else "")
        assert panel.speaker.text() == (selected.speaker_role if selected else "")
        assert panel.theme.currentData() == (selected.theme_code if selected else None)
        assert panel.question.currentData() == (selected.question_key if selected else None)


def test_effects_and_quotes_show_what_is_stored(qtbot, tmp_path):
    EffectsAndQuotesMachine.qtbot, EffectsAndQuotesMachine.folder = qtbot, tmp_path
    EffectsAndQuotesMachine.TestCase.settings = settings(
        max_examples=EXAMPLES,
        stateful_step_count=STEPS,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    EffectsAndQuotesMachine.TestCase().runTest()
