"""The interview window, used in the meeting: a step rail, the question, and a side panel.

Everything typed is saved within a second, without a save button; closing the window, or
switching to another interview, first saves whatever is still queued.
"""

import contextlib
import time
import uuid
from datetime import datetime

from PySide6.QtCore import QEvent, QModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPen, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QStyledItemDelegate,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from interviewer import interviews as svc
from interviewer.guide import AnswerType
from interviewer.i18n import LANGUAGES, tr
from interviewer.progress import interview_progress
from interviewer.storage.database import Database
from interviewer.storage.models import CodeKind, InterviewStatus
from interviewer.ui import settings
from interviewer.ui.commands import build_menus, interview_menus
from interviewer.ui.help_overlay import HelpOverlay
from interviewer.ui.interview_context import InterviewContext
from interviewer.ui.later import call_later
from interviewer.ui.pages.base import StepPage
from interviewer.ui.pages.challenges_page import ChallengesPage
from interviewer.ui.pages.effects_page import EffectsPage
from interviewer.ui.pages.initiatives_page import InitiativesPage
from interviewer.ui.pages.priority_page import PriorityPage
from interviewer.ui.pages.respondent_page import RespondentPage
from interviewer.ui.pages.review_page import ReviewPage
from interviewer.ui.quote_box import QuoteBox
from interviewer.ui.read_only import keep_enabled, make_read_only
from interviewer.ui.screen_fit import fit_to_screen, read_only_title
from interviewer.ui.side_panel import SidePanel, clock_text
from interviewer.ui.style import COLOURS

PAGE_FOR_ANSWER = {
    AnswerType.RATINGS: PriorityPage,
    AnswerType.RANKED_CHALLENGES: ChallengesPage,
    AnswerType.INITIATIVES: InitiativesPage,
    AnswerType.EFFECTS: EffectsPage,
}
SHORTCUT_ROLE = Qt.ItemDataRole.UserRole + 1
# the side panel's width in characters: at least, and at most (as the window allows)
SIDE_PANEL_CHARS = (28, 46)
# time on a step is written down at least this often, so a crash loses little of it
STEP_TIME_FLUSH_MS = 60_000
# the refusal bar lies over the top of the page: it never moves what is below it
REFUSAL_MARGIN = 16


def saved_mark_texts() -> list[str]:
    """Every text the saved mark shows, in every language (a time as its widest)."""
    texts = []
    for lang in LANGUAGES:
        texts += [
            tr("Saved", lang=lang),
            tr("Saved {time}", lang=lang, time="00:00:00"),
            tr("Saving…", lang=lang),
            tr("Not saved", lang=lang),
            tr("Read-only", lang=lang),
        ]
    return texts


def header_width(label: QLabel, texts) -> int:
    """The width ``label`` needs for the longest of ``texts`` in its own (styled) font,
    every digit taken as the font's widest, with its margins."""
    label.ensurePolished()
    metrics = label.fontMetrics()
    widest = max("0123456789", key=metrics.horizontalAdvance)
    margins = label.contentsMargins()
    return (
        max(
            metrics.horizontalAdvance("".join(widest if c.isdigit() else c for c in text))
            for text in texts
        )
        + margins.left()
        + margins.right()
        + 2 * label.margin()
        + 4
    )


def step_clock() -> float:
    """Seconds, monotonic: how time on a step is measured (a test may replace it)."""
    return time.monotonic()


def focus_at_end(widget: QWidget, reason=Qt.FocusReason.OtherFocusReason) -> None:
    """Gives ``widget`` the focus with the cursor at the end of its text, nothing selected:
    every "go to this field" does this, so what is typed next goes after what is there."""
    widget.setFocus(reason)
    editor = widget.lineEdit() if isinstance(widget, QComboBox | QAbstractSpinBox) else widget
    if isinstance(editor, QLineEdit) and editor is not None:
        editor.deselect()
        editor.end(False)
    elif isinstance(editor, QPlainTextEdit | QTextEdit):
        editor.moveCursor(QTextCursor.MoveOperation.End)


class RailDelegate(QStyledItemDelegate):
    """Draws a step's name, with its keyboard shortcut in grey at the right."""

    def paint(self, painter, option, index):
        shortcut = index.data(SHORTCUT_ROLE) or ""
        width = option.fontMetrics.horizontalAdvance(shortcut) + 14
        super().paint(painter, option, index)
        painter.save()
        painter.setPen(QPen(QColor(COLOURS["muted"])))
        area = QRect(
            option.rect.right() - width, option.rect.top(), width - 8, option.rect.height()
        )
        painter.drawText(
            area, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, shortcut
        )
        painter.restore()

    def sizeHint(self, option, index):  # noqa: N802 - Qt's name
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + 60, max(hint.height(), 34))


class InterviewWindow(QMainWindow):
    closed = Signal(uuid.UUID)

    def __init__(self, database: Database, interview_id: uuid.UUID, parent=None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.context = InterviewContext(database, interview_id, self)
        context = self.context

        self.pages: list[StepPage] = [RespondentPage(context)]
        for question in context.guide.questions:
            self.pages.append(PAGE_FOR_ANSWER[question.answer](context, question))
        self.pages.append(ReviewPage(context))

        self.rail = QListWidget()
        self.rail.setObjectName("stepRail")
        self.rail.setAccessibleName(tr("Interview steps"))
        self.rail.setItemDelegate(RailDelegate(self.rail))
        self.rail.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        for number, page in enumerate(self.pages):
            item = QListWidgetItem()
            item.setData(SHORTCUT_ROLE, f"Ctrl+{number}" if number <= 9 else "")
            self.rail.addItem(item)
            self.stack.addWidget(page)
        self.rail.currentRowChanged.connect(self._step_changed)

        self.side_panel = SidePanel(context)
        self._fit_side_panel()
        self.side_panel.new_quote_button.clicked.connect(self.open_quote_box)

        self.role_label = QLabel()
        self.role_label.setObjectName("headerRole")
        self.place_label = QLabel()
        self.place_label.setObjectName("muted")
        # a long role or place wraps in the header rather than widening the window past
        # a small screen (1393 px for "Head of Child and Family Services" at 16 pt)
        for label in (self.role_label, self.place_label):
            label.setWordWrap(True)
        self.clock = QLabel()
        self.clock.setObjectName("clock")
        self.clock.setAccessibleName(tr("Interview clock"))
        self.clock_button = QPushButton(tr("Start clock now"))
        self.clock_button.setToolTip(tr("Sets the interview's start time to now"))
        self.clock_button.clicked.connect(self._start_clock)
        self.saved_mark = QLabel(tr("Saved"))
        self.saved_mark.setObjectName("savedMark")
        self.saved_mark.setMinimumWidth(header_width(self.saved_mark, saved_mark_texts()))
        self.clock.setMinimumWidth(header_width(self.clock, (clock_text(10 * 3600 - 1),)))
        self.export_button = QPushButton(tr("Export Word…"))
        self.export_button.setToolTip("Ctrl+Shift+E")
        self.export_button.clicked.connect(self.export_summary)
        keep_enabled(self.export_button)  # a read-only copy still exports
        self.panel_button = QPushButton(tr("Side panel (Ctrl+Shift+P)"))
        self.panel_button.setCheckable(True)
        self.panel_button.setChecked(True)
        self.panel_button.toggled.connect(self.side_panel.setVisible)
        keep_enabled(self.panel_button)
        self.message = QLabel()
        self.message.setObjectName("refusal")
        self.message.setWordWrap(True)
        self.message.setAutoFillBackground(True)
        self.message.hide()

        header = QFrame()
        header.setObjectName("header")
        header_row = QHBoxLayout(header)
        header_row.setContentsMargins(16, 8, 16, 8)
        who = QVBoxLayout()
        who.setSpacing(0)
        who.addWidget(self.role_label)
        who.addWidget(self.place_label)
        header_row.addLayout(who, 1)
        for widget in (
            self.clock,
            self.clock_button,
            self.saved_mark,
            self.export_button,
            self.panel_button,
        ):
            header_row.addWidget(widget)
        body = QHBoxLayout()
        body.setSpacing(0)
        body.addWidget(self.rail)
        body.addWidget(self.stack, 1)
        body.addWidget(self.side_panel)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(header)
        column.addLayout(body, 1)
        self.setCentralWidget(central)
        self.header = header
        self.message.setParent(central)  # over the page, not in the layout: nothing moves

        self._add_shortcuts()
        # a scroll area is no place to type and shows no focus: Tab goes to the fields in it
        self._scroll_areas = self.findChildren(QScrollArea)
        for area in self._scroll_areas:
            area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            if area.widget() is not None:  # its content growing (a hint shown) may hide the focus
                area.widget().installEventFilter(self)
        context.status.connect(self._show_status)
        context.refused.connect(self._show_refusal)
        context.changed.connect(self._after_change)
        context.undo_stack.indexChanged.connect(self._after_undo)
        self._clock_timer = QTimer(self, interval=1000)
        self._clock_timer.timeout.connect(self._tick)
        self._clock_timer.start()
        self._message_timer = QTimer(self, singleShot=True, interval=10_000)
        self._message_timer.timeout.connect(self.message.hide)
        self._step_started = step_clock()
        self._step_timer = QTimer(self, interval=STEP_TIME_FLUSH_MS)
        self._step_timer.timeout.connect(self._record_step_time)
        self._step_timer.start()

        self._current_step = 0
        self._shown_once = False
        self._last_place: dict | None = None
        self._update_header()
        self._update_rail()
        self._fit_rail()
        self.side_panel.refresh_quotes()
        self.rail.setCurrentRow(0)  # shows the first step
        fit_to_screen(self, 1366, 800)  # a small laptop's whole screen, at most
        settings.restore_geometry(self, "interview")
        fit_to_screen(self)  # a size remembered from a larger screen
        self._place: dict | None = None  # where to return to, after a crash
        if context.read_only:
            self.saved_mark.setText(tr("Read-only"))  # nothing is saved from this copy
            make_read_only(self)
        else:
            # remember where the interviewer is, as the focus moves, for a restart after a crash
            QApplication.instance().focusChanged.connect(self._remember_place)
        self._tracking_place = not context.read_only
        # a field that gets the focus, however, is scrolled into view in its page or panel
        QApplication.instance().focusChanged.connect(self._show_focused)
        self._showing_focus = True

    # ------------------------------------------------------------------ set-up

    def _add_shortcuts(self) -> None:
        """The menu bar carries every command of the window, each with its shortcut."""
        pages = len(self.pages)
        slots = {
            "export": self.export_summary,
            "start_clock": self._start_clock,
            "close": self.close,
            "quote": self.open_quote_box,
            "notes": self._focus_notes,
            "next_step": lambda: self.go_to_step((self._current_step + 1) % pages),
            "previous_step": lambda: self.go_to_step((self._current_step - 1) % pages),
            "side_panel": self.panel_button.toggle,
            "help": self.show_help,
        }
        for number in range(pages):
            # triggered passes `checked` first: it must not land in `number`
            slots[f"step_{number}"] = lambda _=False, number=number: self.go_to_step(number)
        undo = self.context.undo_stack.createUndoAction(self, tr("&Undo"))
        redo = self.context.undo_stack.createRedoAction(self, tr("&Redo"))
        self.actions_by_name = build_menus(
            self,
            interview_menus(self.step_names()),
            slots.__getitem__,
            existing={"undo": undo, "redo": redo},
        )
        self.undo_action, self.redo_action = undo, redo
        keep_enabled(self.menuBar())
        if self.context.read_only:
            for name in ("start_clock", "quote", "undo", "redo"):
                self.actions_by_name[name].setEnabled(False)

    def step_names(self) -> list[str]:
        return [page.title() for page in self.pages]

    def show_help(self) -> None:
        overlay = HelpOverlay(self.context.guide, self, steps=self.step_names())
        overlay.exec()
        overlay.deleteLater()  # not left under the window when done (see ui/lifetime.py)

    # ------------------------------------------------------------------ steps

    def go_to_step(self, number: int) -> None:
        self.rail.setCurrentRow(number)
        page = self.pages[number]
        target = page.first_field()
        focus_at_end(target or page, Qt.FocusReason.ShortcutFocusReason)

    def current_page(self) -> StepPage:
        return self.pages[self._current_step]

    def _step_changed(self, row: int) -> None:
        if row < 0:
            return
        self.context.flush()
        self._record_step_time()
        self._current_step = row
        page = self.pages[row]
        self.stack.setCurrentWidget(page)
        page.refresh()
        question = page.question
        self.side_panel.show_notes_for(question.key if question else None, self._step_title(row))

    def _step_title(self, row: int) -> str:
        page = self.pages[row]
        return f"{page.question.number} {page.title()}" if page.question else page.title()

    def conducting(self) -> bool:
        """Whether the interview is being conducted now, in this window: a draft, in a
        writable copy, with the clock counting from the interview's own start (the meeting
        is now, see InterviewContext.clock_origin). Only then is time per question counted:
        looking at an interview later is not an edit, and changes nothing in the file."""
        context = self.context
        interview = context.interview
        if context.read_only or interview.status is not InterviewStatus.DRAFT:
            return False
        if interview.start_time is None:
            return False
        start = datetime.combine(interview.interview_date, interview.start_time)
        return context.clock_origin() == start

    def _record_step_time(self) -> None:
        """Adds the whole seconds spent on the current question to its answer, while the
        interview is being conducted (``conducting``); otherwise, and for 0 s, writes
        nothing."""
        now = step_clock()
        seconds, self._step_started = int(now - self._step_started), now
        question = self.current_page().question
        if question is not None and seconds > 0 and self.conducting():
            context = self.context
            context.save(
                lambda: svc.add_time_spent(
                    session=context.session,
                    interview_id=context.interview_id,
                    question_key=question.key,
                    seconds=seconds,
                )
            )

    def _focus_notes(self) -> None:
        if not self.side_panel.isVisible():
            self.panel_button.setChecked(True)
        if self.side_panel.notes.isEnabled():
            focus_at_end(self.side_panel.notes, Qt.FocusReason.ShortcutFocusReason)

    def export_summary(self) -> None:
        from interviewer.ui.export_dialog import ExportDialog, ask_and_export

        self.context.flush()  # the summary shows what is on screen now
        # the name proposed holds none of the respondent's data (file_names)
        self.export_task = ask_and_export(
            self,
            ExportDialog(self, one_interview=True),
            self.context.database.path,
            interview_id=self.context.interview.id,
        )

    def open_quote_box(self) -> None:
        before = QApplication.focusWidget()
        page = self.current_page()
        box = QuoteBox(
            self.context,
            page.question.key if page.question else None,
            self._step_title(self._current_step),
            self,
        )
        if box.exec() and box.saved_quote is not None:
            self.side_panel.refresh_quotes(select=box.saved_quote.id)
        box.deleteLater()  # not left under the window when done (see ui/lifetime.py)
        # back in the field the quote box was opened from, typing on after its text
        with contextlib.suppress(RuntimeError):  # the field went with a refreshed page
            if before is not None and before.window() is self and before.isVisible():
                focus_at_end(before)

    # ------------------------------------------------------------------ showing

    def _update_header(self) -> None:
        interview = self.context.interview
        self.role_label.setText(interview.respondent_role)
        area = self.context.code_label(CodeKind.SERVICE_AREA, interview.service_area)
        self.place_label.setText(f"{interview.municipality} · {area}")
        self.setWindowTitle(
            read_only_title(
                tr(
                    "{role}, {municipality} — Interviewer",
                    role=interview.respondent_role,
                    municipality=interview.municipality,
                ),
                self.context.read_only,
            )
        )
        self._tick()

    def _tick(self) -> None:
        self.clock.setText(clock_text(self.context.elapsed_seconds()))

    def _update_rail(self) -> None:
        context = self.context
        progress = interview_progress(
            session=context.session, interview=context.interview, guide=context.guide
        )
        for row, page in enumerate(self.pages):
            if page.question is not None:
                done = progress.answered.get(page.question.key, False)
            elif page.key == "review":
                done = context.interview.status is InterviewStatus.COMPLETE
            else:
                done = progress.respondent_complete
            mark = "✓" if done else "○"
            item = self.rail.item(row)
            item.setText(f"{mark}  {self._step_title(row)}")
            state = tr("has answers") if done else tr("no answers yet")
            item.setData(
                Qt.ItemDataRole.AccessibleTextRole, f"{self._step_title(row)}, {state}, Ctrl+{row}"
            )
            item.setToolTip(f"{self._step_title(row)} (Ctrl+{row})")

    def _fit_rail(self) -> None:
        """Makes the rail wide enough for its longest step name and shortcut."""
        metrics = self.rail.fontMetrics()
        widest = max(
            metrics.horizontalAdvance(self.rail.item(row).text())
            + metrics.horizontalAdvance(self.rail.item(row).data(SHORTCUT_ROLE))
            for row in range(self.rail.count())
        )
        self.rail.setFixedWidth(widest + 56)

    def _fit_side_panel(self) -> None:
        """The panel grows with the text size, so larger text wraps instead of being cut,
        but takes at most a quarter of the window, so the question keeps its room."""
        char = self.fontMetrics().averageCharWidth()
        least = max(char * SIDE_PANEL_CHARS[0], self._side_panel_content_width())
        width = max(least, min(char * SIDE_PANEL_CHARS[1], self.width() // 4))
        if self.side_panel.width() != width:
            self.side_panel.setFixedWidth(width)

    def _side_panel_content_width(self) -> int:
        """The width the panel's fields need, with room for its scroll bar."""
        needed = 0
        for area in self.side_panel.findChildren(QScrollArea):
            if area.widget() is not None:
                bar = area.verticalScrollBar().sizeHint().width()
                needed = max(needed, area.widget().minimumSizeHint().width() + bar + 8)
        return needed

    def resizeEvent(self, event):  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_side_panel()
        self._place_message()

    def _place_message(self) -> None:
        """The refusal bar lies over the top of the page, below the header, as wide as the
        window less its margins and as tall as its wrapped text."""
        central, header = self.centralWidget(), getattr(self, "header", None)
        if central is None or header is None:  # not built yet, or being taken down
            return
        width = max(0, central.width() - 2 * REFUSAL_MARGIN)
        height = self.message.heightForWidth(width)
        if height < 0:
            height = self.message.sizeHint().height()
        self.message.setGeometry(REFUSAL_MARGIN, self.header.geometry().bottom() + 4, width, height)
        self.message.raise_()

    def _after_change(self) -> None:
        self._update_rail()
        self._update_header()
        self._clear_refusal()

    def _clear_refusal(self) -> None:
        """The refusal's cause is gone: a save went through (or its field was edited, below)."""
        self.message.hide()

    def _after_undo(self, _index: int = 0) -> None:
        self.current_page().refresh()
        self.side_panel.refresh_quotes()

    def _show_status(self, text: str) -> None:
        self.saved_mark.setText(text)

    def _show_refusal(self, text: str) -> None:
        self._clear_refusal()
        self.message.setText(f"⚠ {text}")
        self._place_message()
        self.message.show()
        self._message_timer.start()
        # the next edit of the refused field takes the bar away (its cause has changed); a
        # Qt-to-Qt connection, made once, that goes with either widget (no reference kept)
        field = QApplication.focusWidget()
        if field is not None and field.window() is self and _edited_signal(field) is not None:
            _edited_signal(field).connect(self.message.hide, Qt.ConnectionType.UniqueConnection)

    def _show_focused(self, _old: QWidget | None, new: QWidget | None) -> None:
        """However a widget got the focus (Tab, a shortcut, a return after a crash, code),
        every scroll area around it in this window scrolls to show it, when the layouts
        have settled (a page just shown has no geometry yet)."""
        if new is None or not self.isVisible():
            return
        # Never now: the focus also moves while a widget is being deleted, and scrolling a
        # half-deleted page corrupts it. Once the events are done, the focus is asked for
        # again (no widget is held: it may be gone by then).
        call_later(self, self._scroll_to_focus)

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize and self.isVisible():
            call_later(self, self._scroll_to_focus)  # a page's content changed size
        return super().eventFilter(watched, event)

    def _scroll_to_focus(self) -> None:
        focus = QApplication.focusWidget()
        if focus is not None and focus.window() is self:
            self._scroll_to(focus)

    def _scroll_to(self, widget: QWidget) -> None:
        """Every scroll area of this window around ``widget`` scrolls to show it: the whole
        field where it fits, and its cursor in any case. (The areas are the pages' and the
        side panel's own: no walk up through Qt's inner widgets.)"""
        for area in self._scroll_areas:
            content = area.widget()
            if content is None or not content.isAncestorOf(widget):
                continue
            centre = widget.mapTo(content, widget.rect().center())
            half_width = min(widget.width() // 2 + 8, area.width() // 2)
            half_height = min(widget.height() // 2 + 8, area.height() // 2)
            sideways = area.horizontalScrollBar().value()
            area.ensureVisible(centre.x(), centre.y(), half_width, half_height)
            area.ensureWidgetVisible(widget, 8, 8)
            if area.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
                area.horizontalScrollBar().setValue(sideways)  # a page never scrolls sideways

    def _start_clock(self) -> None:
        now = datetime.now()
        context = self.context
        context.save(
            lambda: svc.update_interview(
                session=context.session,
                interview_id=context.interview_id,
                interview_date=now.date(),
                start_time=now.time().replace(microsecond=0),
            )
        )
        self._tick()

    def showEvent(self, event):  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._fit_side_panel()  # its fields know their size once shown in the chosen font
        if not self._shown_once:  # the cursor starts in the first field, ready to type
            self._shown_once = True
            # with self as context, the call is dropped if the window is gone by then
            call_later(self, self._first_focus)

    def _first_focus(self) -> None:
        place, self._place = self._place, None
        if place is None or not self._go_to_place(place):
            self.go_to_step(self._current_step)

    def refresh_from_file(self) -> None:
        """Shows what the file holds now (another copy of the app wrote it)."""
        self.context.session.expire_all()
        self.current_page().refresh()
        self.side_panel.refresh_quotes()
        question = self.current_page().question
        self.side_panel.show_notes_for(
            question.key if question else None, self._step_title(self._current_step)
        )
        self._update_rail()
        self._update_header()

    # ------------------------------------------------------------------ returning after a crash

    def return_to_place(self, place: dict | None = None) -> None:
        """On first showing, goes to ``place`` (as ``place()`` gave it), by default the step
        and field where the interviewer last was before a crash."""
        self._place = place or settings.interview_place(
            self.context.database.path, self.context.interview_id
        )

    def place(self) -> dict:
        """Where the interviewer is now: the step, the focused field, the lists' items."""
        focus = QApplication.focusWidget()
        field = self._field_key(focus) if focus is not None else None
        if field is None and self._last_place is not None:
            field = self._last_place.get("field")
        return {"step": self._current_step, "field": field or "", "rows": self._list_rows()}

    def _field_key(self, widget: QWidget) -> str | None:
        """A name for a field that is the same in the next run and in another language: its
        kind and its place among the window's widgets of that kind."""
        while isinstance(widget.parentWidget(), QComboBox | QAbstractSpinBox):
            widget = widget.parentWidget()  # a combo's or date's own line edit: the field
        if widget.window() is not self:
            return None
        kind = type(widget)
        same = [w for w in self.findChildren(kind) if type(w) is kind]
        index = next((i for i, w in enumerate(same) if w is widget), None)
        return None if index is None else f"{kind.__name__}|{index}"

    def _field_for(self, key: str) -> QWidget | None:
        kind_name, _, index = key.partition("|")
        same = [w for w in self.findChildren(QWidget) if type(w).__name__ == kind_name]
        return same[int(index)] if index.isdigit() and int(index) < len(same) else None

    def _lists(self) -> list[QAbstractItemView]:
        """The lists of the current step (not the pop-up lists of its combo boxes)."""
        views = self.current_page().findChildren(QAbstractItemView)
        return [view for view in views if view.window() is self]

    def _list_rows(self) -> list[list[int]]:
        """The current item of each list, as its path of rows from the top (a tree's effect
        under its initiative is [initiative row, effect row]); [] for none."""
        paths = []
        for view in self._lists():
            path, index = [], view.currentIndex()
            while index.isValid():
                path.insert(0, index.row())
                index = index.parent()
            paths.append(path)
        return paths

    def _remember_place(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or not self.isVisible() or self._place is not None:
            return
        field = self._field_key(new)
        if field is None:
            return
        place = {"step": self._current_step, "field": field, "rows": self._list_rows()}
        if place != self._last_place:
            self._last_place = place
            settings.set_interview_place(
                self.context.database.path, self.context.interview_id, place
            )

    def _go_to_place(self, place: dict) -> bool:
        step = place.get("step")
        if not isinstance(step, int) or not 0 <= step < len(self.pages):
            return False
        self.go_to_step(step)
        for view, path in zip(self._lists(), place.get("rows") or [], strict=False):
            model, index = view.model(), QModelIndex()
            for row in path if isinstance(path, list) else []:
                if not isinstance(row, int) or not 0 <= row < model.rowCount(index):
                    break
                index = model.index(row, 0, index)
            if index.isValid():
                view.setCurrentIndex(index)
        field = self._field_for(str(place.get("field", "")))
        if field is None or not field.isEnabled() or not field.isVisibleTo(self):
            return True  # the step at least: its first field has the focus
        if isinstance(self.side_panel, QWidget) and self.side_panel.isAncestorOf(field):
            self.panel_button.setChecked(True)
        focus_at_end(field)
        return True

    # ------------------------------------------------------------------ closing

    def closeEvent(self, event):  # noqa: N802 - Qt's name
        if self._tracking_place:
            self._tracking_place = False
            QApplication.instance().focusChanged.disconnect(self._remember_place)
            # closed normally: the next opening starts at the top
            settings.set_interview_place(
                self.context.database.path, self.context.interview_id, None
            )
        if self._showing_focus:  # once: a second close must not disconnect again
            self._showing_focus = False
            QApplication.instance().focusChanged.disconnect(self._show_focused)
        self._record_step_time()
        self.context.close()
        settings.save_geometry(self, "interview")
        self._clock_timer.stop()
        self._step_timer.stop()
        self.closed.emit(self.context.interview_id)
        super().closeEvent(event)


def _edited_signal(widget: QWidget):
    """The signal a text field emits when its text changes, or None for other widgets."""
    if isinstance(widget, QLineEdit):
        return widget.textChanged
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.textChanged
    return None
