"""What the screen shows is what is stored: random sequences of what an interviewer does on the
list pages (add, select, type, choose a code, remove, undo, redo, reorder, switch step, paste
several lines), and after each one every visible list row and editor equals the database, read
back through a session of its own.

The default run is short; HYPOTHESIS_PROFILE=long (or LISTS_MACHINE_EXAMPLES=n) runs longer.
"""

import os
import unicodedata
import uuid

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from interviewer import interviews as svc
from interviewer.demo import add_sample_interview
from interviewer.quick_entry import one_line
from interviewer.storage.database import open_database
from interviewer.storage.models import CodeKind
from interviewer.ui import interview_context
from interviewer.ui.fields import row_text
from interviewer.ui.interview_window import InterviewWindow
from interviewer.ui.pages.record_list import TITLE_CHARACTERS
from interviewer.wording import initiative_status_labels
from tests.ui.keyboard import focused, press, shortcut, type_text

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
EXAMPLES = int(os.environ.get("LISTS_MACHINE_EXAMPLES", 200 if LONG else 15))
STEPS = 60 if LONG else 20

PRIORITY, CHALLENGES, INITIATIVES = 1, 2, 3

# Words with letters beyond ASCII, a decomposed "å" and a literal "#" inside a word.
words = st.sampled_from(
    ["budget", "silo", "Ærø", "møde", "cases", "plan", "A\u030ase", "No#1", "team", "ok"]
)
titles = st.lists(words, min_size=1, max_size=4).map(" ".join)
# What a one-line field turns into a space (line breaks, a tab) or drops (other controls).
breaks = st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\u2029", "\t", "\x85", "\x07"])


def stored_one_line(text: str) -> str:
    """What a one-line field holds for pasted or typed ``text``."""
    return unicodedata.normalize("NFC", one_line(text))


class ListPagesMachine(RuleBasedStateMachine):
    qtbot = None
    folder = None

    def __init__(self):
        super().__init__()
        path = self.folder / f"{uuid.uuid4().hex}.sqlite"
        self.database = open_database(path)
        with self.database.session() as session:
            self.interview_id = add_sample_interview(session).id
        self.window = InterviewWindow(self.database, self.interview_id)
        self.window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.window.show()
        self.window.activateWindow()
        self.qtbot.waitUntil(self.window.isActiveWindow)
        self.window.go_to_step(CHALLENGES)
        self.step = CHALLENGES

    def teardown(self):
        self.window.close()
        self.window.deleteLater()
        QApplication.processEvents()
        self.database.close()

    # ------------------------------------------------------------------ helpers

    @property
    def page(self):
        return self.window.pages[self.step]

    def settle(self) -> None:
        """Lets the app do what it does by itself: its autosave timer runs out."""
        QApplication.processEvents()
        timer = self.window.context._timer  # the autosave timer (SAVE_DELAY_MS)
        self.qtbot.waitUntil(lambda: not timer.isActive(), timeout=5000)
        QApplication.processEvents()

    def stored(self):
        with self.database.session() as session:
            if self.step == CHALLENGES:
                return svc.live_challenges(session=session, interview_id=self.interview_id)
            if self.step == INITIATIVES:
                return svc.live_initiatives(session=session, interview_id=self.interview_id)
            return svc.ratings_by_scale(session=session, interview_id=self.interview_id)

    def label(self, kind: CodeKind, code: str | None) -> str:
        for entry in self.window.context.code_entries(kind):
            if entry.code == code:
                return entry.label_en
        return ""

    def expected_row(self, record) -> str:
        """The row of a stored record: its title cut at TITLE_CHARACTERS, the row at
        ROW_CHARACTERS, each ending in "…" when cut (the editor shows all of it)."""
        title = row_text(record.title, TITLE_CHARACTERS)
        if self.step == CHALLENGES:
            theme = self.label(CodeKind.CHALLENGE_THEME, record.theme_code)
            return row_text(f"{record.rank}.  {title}" + (f"  —  {theme}" if theme else ""))
        category = self.label(CodeKind.INITIATIVE_CATEGORY, record.category_code)
        status = initiative_status_labels("en")[record.status]
        return row_text(f"{title}  —  " + " · ".join(p for p in (category, status) if p))

    def keep_active(self) -> None:
        """The offscreen platform activates every window it shows, the ``#`` completer's
        popup too, and does not give the activation back when it hides (a desktop's window
        manager does): the test gives it back, as the window manager would."""
        if QApplication.activeWindow() is not self.window:
            self.window.activateWindow()
            self.qtbot.waitUntil(self.window.isActiveWindow, timeout=2000)

    def type_line(self, text: str) -> None:
        """Types ``text`` into the focused field, key by key."""
        for character in text:
            self.keep_active()
            type_text(character)
        self.keep_active()

    def focus(self, widget) -> None:
        """Puts the focus on ``widget`` as a click would."""
        self.keep_active()
        widget.setFocus(Qt.FocusReason.MouseFocusReason)
        QApplication.processEvents()
        assert focused() is widget

    def paste(self, text: str) -> None:
        QApplication.clipboard().setText(text)
        shortcut("Ctrl+V")

    def on_list_page(self) -> bool:
        return self.step in (CHALLENGES, INITIATIVES)

    def has_records(self) -> bool:
        return self.on_list_page() and self.page.list.count() > 0

    # ------------------------------------------------------------------ actions

    @rule(step=st.sampled_from([PRIORITY, CHALLENGES, INITIATIVES]))
    def switch_step(self, step):
        self.keep_active()
        shortcut(f"Ctrl+{step}")
        self.step = step
        assert self.window.current_page() is self.page

    @precondition(lambda self: self.on_list_page())
    @rule(title=titles, token=st.sampled_from(["", " #1", " #3", " #o", " #2p", " #2 s", " #99"]))
    def add(self, title, token):
        page = self.page
        self.focus(page.new_title)
        page.new_title.clear()
        before = len(self.stored())
        names_no_code = token == " #99" or (self.step == CHALLENGES and token[-1:] in ("p", "s"))
        refused = bool(page.add_allowed()) or names_no_code
        self.type_line(title + token)
        press(Qt.Key.Key_Return)
        self.settle()
        assert focused() is page.new_title  # every time, also when nothing could be added
        after = self.stored()
        if refused:
            assert len(after) == before
            assert page.new_title.text() == stored_one_line(title + token)  # it stays
            assert page.note.isVisible()
        else:
            assert len(after) == before + 1 and page.new_title.text() == ""
            assert page.selected_id() == after[-1].id

    @precondition(lambda self: self.on_list_page())
    @rule(lines=st.lists(titles, min_size=2, max_size=3), line_break=breaks)
    def paste_lines_into_new_line(self, lines, line_break):
        page = self.page
        self.focus(page.new_title)
        page.new_title.clear()
        self.paste(line_break.join(lines))
        assert page.new_title.text() == stored_one_line(line_break.join(lines))
        if page.add_allowed():
            return
        press(Qt.Key.Key_Return)
        self.settle()
        assert self.stored()[-1].title == stored_one_line(line_break.join(lines)).strip()

    @precondition(lambda self: self.has_records())
    @rule(key=st.sampled_from([Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_Home, Qt.Key.Key_End]))
    def select(self, key):
        self.focus(self.page.list)
        press(key)

    @precondition(lambda self: self.has_records())
    @rule(text=titles, field=st.sampled_from(["title_edit", "description"]), append=st.booleans())
    def type_into_editor(self, text, field, append):
        widget = getattr(self.page, field)
        self.focus(widget)
        if not append:
            shortcut("Ctrl+A")
        else:
            press(Qt.Key.Key_End)
        self.type_line(text)

    @precondition(lambda self: self.has_records())
    @rule(
        text=titles,
        field=st.sampled_from(["title_edit", "description"]),
        then=st.sampled_from(["select", "remove", "step", "undo", "add"]),
    )
    def type_then_act(self, text, field, then):
        """Acts at once after typing, while the save of the typing still waits: the typed
        text lands on the record it was typed for, and the screen follows."""
        page = self.page
        self.focus(getattr(page, field))
        shortcut("Ctrl+A")
        self.type_line(text)
        if then == "select":
            self.focus(page.list)
            press(Qt.Key.Key_Down)
        elif then == "remove":
            self.focus(page.list)
            press(Qt.Key.Key_Delete)
        elif then == "step":
            self.step = PRIORITY if self.step != PRIORITY else CHALLENGES
            shortcut(f"Ctrl+{self.step}")
        elif then == "undo":
            self.focus(page.list)
            shortcut("Ctrl+Z")
        else:
            self.focus(page.new_title)
            self.type_line("quick one")
            press(Qt.Key.Key_Return)

    @precondition(lambda self: self.has_records())
    @rule(lines=st.lists(titles, min_size=2, max_size=3), line_break=breaks, undo=st.booleans())
    def paste_lines_into_title(self, lines, line_break, undo):
        self.focus(self.page.title_edit)
        before = self.page.title_edit.text()
        shortcut("Ctrl+A")
        self.paste(line_break.join(lines))
        assert self.page.title_edit.text() == stored_one_line(line_break.join(lines))
        if undo:  # the field's own undo takes the whole paste back, and so is saved
            shortcut("Ctrl+Z")
            assert self.page.title_edit.text() == before

    @precondition(lambda self: self.has_records())
    @rule(
        field=st.sampled_from(["theme", "category", "status"]),
        key=st.sampled_from([Qt.Key.Key_Down, Qt.Key.Key_Up]),
        times=st.integers(1, 3),
    )
    def choose_code(self, field, key, times):
        widget = getattr(self.page, field, None)
        if widget is None:  # not a field of this page
            return
        self.focus(widget)
        for _ in range(times):
            press(key)

    @precondition(lambda self: self.has_records() and self.step == INITIATIVES)
    @rule()
    def toggle_started(self):
        self.focus(self.page.started)
        press(Qt.Key.Key_Space)

    @precondition(lambda self: self.has_records())
    @rule()
    def remove(self):
        self.focus(self.page.list)
        press(Qt.Key.Key_Delete)

    @precondition(lambda self: self.has_records() and self.step == CHALLENGES)
    @rule(
        how=st.sampled_from(["Alt+Up", "Alt+Down", "up_button", "down_button"]),
    )
    def reorder(self, how):
        page = self.page
        if how.startswith("Alt"):
            self.focus(page.list)
            shortcut(how)
        elif getattr(page, how).isEnabled():
            getattr(page, how).click()

    @precondition(lambda self: self.on_list_page())
    @rule(redo=st.booleans())
    def undo_or_redo(self, redo):
        self.focus(self.page.list)
        shortcut("Ctrl+Shift+Z" if redo else "Ctrl+Z")

    @precondition(lambda self: self.step == PRIORITY)
    @rule(scale=st.integers(0, 1), key=st.sampled_from("0123456?"))
    def rate_by_digit(self, scale, key):
        page = self.page
        group = list(page.groups.values())[scale]
        self.focus(group.checkedButton() or group.button(1))
        type_text(key)

    # ------------------------------------------------------------------ the invariant

    @invariant()
    def screen_shows_what_is_stored(self):
        self.settle()
        stored = self.stored()
        page = self.page
        if self.step == PRIORITY:
            for scale_key, group in page.groups.items():
                rating = stored.get(("priority", scale_key))
                checked = group.checkedId()
                if rating is None:
                    assert checked == -1
                elif rating.dont_know:
                    assert checked == 0
                else:
                    assert checked == rating.value
            return
        rows = [page.list.item(row).text() for row in range(page.list.count())]
        assert rows == [self.expected_row(record) for record in stored]
        assert all("\n" not in row and "\u2028" not in row for row in rows)
        selected = next((r for r in stored if r.id == page.selected_id()), None)
        if stored:
            assert selected is not None, "a record is always selected when there is one"
        assert page.title_edit.text() == (selected.title if selected else "")
        assert page.description.toPlainText() == (selected.description if selected else "")
        if self.step == CHALLENGES:
            assert page.theme.currentData() == (selected.theme_code if selected else None)
        else:
            assert page.category.currentData() == (selected.category_code if selected else None)
            if selected is not None:
                assert page.status.currentData() == selected.status
                assert page.started.isChecked() == (selected.start_date is not None)
                if selected.start_date is not None:
                    assert page.start_date.date().toPython() == selected.start_date


def test_the_list_pages_show_what_is_stored(qtbot, tmp_path, monkeypatch):
    # the autosave runs by itself as in the app, only sooner, so the run stays short;
    # type_then_act covers acting while a save is still waiting
    monkeypatch.setattr(interview_context, "SAVE_DELAY_MS", 20)
    ListPagesMachine.qtbot, ListPagesMachine.folder = qtbot, tmp_path
    ListPagesMachine.TestCase.settings = settings(
        max_examples=EXAMPLES,
        stateful_step_count=STEPS,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    ListPagesMachine.TestCase().runTest()
