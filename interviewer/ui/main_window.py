"""The main window: the interviews in the open database, a filter box, and the file's health.

New, open, duplicate as template and delete (undoable) work from the toolbar and the keyboard.
"""

import uuid
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from interviewer import interviews as svc
from interviewer.errors import DomainError
from interviewer.exchange.conflicts import count_open_conflicts
from interviewer.i18n import language, tr, tr_n
from interviewer.listing import list_interviews
from interviewer.paths import device_label
from interviewer.storage.database import ChangeWatcher, Database
from interviewer.storage.models import CodeKind
from interviewer.ui import settings
from interviewer.ui.commands import SEPARATOR, all_commands, build_menus, main_menus, plain
from interviewer.ui.help_overlay import HelpOverlay
from interviewer.ui.interview_table import InterviewFilterModel, InterviewTableModel
from interviewer.ui.interview_window import InterviewWindow
from interviewer.ui.new_interview_dialog import NewInterviewDialog
from interviewer.ui.screen_fit import fit_to_screen, read_only_title
from interviewer.ui.settings_dialog import SettingsDialog

# the frequent commands, in the toolbar's order (the menu bar has them all)
TOOLBAR = ("new", "open", "export", "-", "send", "merge", "conflicts", "-", "undo", "-")
TOOLBAR += ("settings", "help")
# how often a read-only copy looks for the other copy's changes
WATCH_INTERVAL_MS = 1500


class MainWindow(QMainWindow):
    settings_changed = Signal()  # language or text size: the app rebuilds its windows
    restore_chosen = Signal(object)  # a backup's Path: the app restores it and reopens

    def __init__(self, database: Database):
        super().__init__()
        self.database = database
        self.session = database.session()
        self.study = svc.current_study(session=self.session)
        self.guide = svc.study_guide(self.study)
        self.windows: dict[uuid.UUID, InterviewWindow] = {}
        # interviews closed for a merge or a settlement, and where each was (InterviewWindow.place)
        self._aside: dict[uuid.UUID, dict] = {}
        self.undo_stack = QUndoStack(self)
        # the file is open for writing in another copy of the app: this one only shows it
        self.read_only = database.read_only
        self.damage: str | None = None  # what integrity_check found (see mark_damaged)
        self.setWindowTitle(
            read_only_title(
                tr("Interviewer — {file}", file=Path(database.path).name), self.read_only
            )
        )

        self.filter_box = QLineEdit(
            placeholderText=tr("Filter: type a role, area, municipality, interviewer or date…")
        )
        self.filter_box.setAccessibleName(tr("Filter interviews"))
        self.filter_box.setClearButtonEnabled(True)
        self.model = InterviewTableModel(parent=self)
        self.proxy = InterviewFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setAccessibleName(tr("Interviews"))
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setResizeContentsPrecision(200)  # widths from a sample of rows
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self._natural_widths: list[int] = []
        self.table.viewport().installEventFilter(self)  # columns follow the table's width
        self.table.doubleClicked.connect(lambda _: self.open_selected())
        self.filter_box.textChanged.connect(self.proxy.set_filter_text)
        self.filter_box.returnPressed.connect(self._filter_enter)
        self.filter_box.installEventFilter(self)  # Up and Down move the table's selection
        self.empty_hint = QLabel(tr("No interviews yet. Press Ctrl+N to start one."))
        self.empty_hint.setObjectName("hint")

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(14, 10, 14, 6)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.table)
        layout.addWidget(self.empty_hint)
        self.setCentralWidget(central)
        self._add_actions()

        self.db_label = QLabel()
        self.db_label.setWordWrap(True)
        self.statusBar().addWidget(self.db_label, 1)
        self.reload()
        fit_to_screen(self, 1366, 768)  # a small laptop's whole screen, at most
        settings.restore_geometry(self, "main")
        fit_to_screen(self)
        self._watcher: ChangeWatcher | None = None
        if self.read_only:
            # the other copy writes: show its changes within a second or two
            self._watcher = ChangeWatcher(database.path)
            self._watch_timer = QTimer(self, interval=WATCH_INTERVAL_MS)
            self._watch_timer.timeout.connect(self._check_for_changes)
            self._watch_timer.start()

    def _check_for_changes(self) -> None:
        if self._watcher is not None and self._watcher.changed():
            self.refresh_from_file()

    def refresh_from_file(self) -> None:
        """Shows what the file holds now, here and in every open interview window."""
        selected = self.selected_id()
        self.session.expire_all()
        self.reload(select=selected)
        for window in self.windows.values():
            window.refresh_from_file()

    # ------------------------------------------------------------------ actions

    def _add_actions(self) -> None:
        """The menu bar carries every command (Alt+letter); the toolbar the frequent ones."""
        slots = {
            "new": self.new_interview,
            "open": self.open_selected,
            "duplicate": self.duplicate_selected,
            "delete": self.delete_selected,
            "export": self.export_study,
            "settings": self.open_settings,
            "restore": self.restore_from_backup,
            "quit": self.close,
            "find": self.focus_filter,
            "send": self.send_bundle,
            "merge": self.merge_bundles,
            "conflicts": self.show_conflicts,
            "senders": self.show_senders,
            "help": self.show_help,
        }
        menus = main_menus()
        self.undo_action = self.undo_stack.createUndoAction(self, tr("&Undo"))
        actions = build_menus(self, menus, slots.__getitem__, existing={"undo": self.undo_action})
        for name, action in actions.items():
            setattr(self, f"{name}_action", action)
        for command in all_commands(menus):
            if command.widget_only:  # Enter, Delete and Ctrl+Z belong to the table
                self.table.addAction(actions[command.name])
        toolbar = QToolBar(tr("Interviews"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(toolbar)
        for name in TOOLBAR:
            if name == SEPARATOR:
                toolbar.addSeparator()
            else:
                toolbar.addAction(actions[name])
        self.toolbar = toolbar
        if self.read_only:
            # everything that writes the file; reading, exporting and help stay
            writing = ("new", "duplicate", "delete", "send", "merge", "conflicts", "undo")
            for name in (*writing, "restore"):
                actions[name].setEnabled(False)

    # every action that writes the file (Restore stays: it is the way out of damage)
    WRITING = ("new", "duplicate", "delete", "send", "merge", "conflicts", "senders", "undo")

    def mark_damaged(self, sentence: str) -> None:
        """integrity_check found damage (``sentence`` says what to do): the status bar says
        so and every action that writes is turned off; reading and exporting go on."""
        self.damage = sentence
        for name in self.WRITING:
            getattr(self, f"{name}_action").setEnabled(False)
        self.reload(select=self.selected_id())

    def _refused_as_damaged(self) -> bool:
        """True (having said why) when a write is tried on a file found damaged."""
        if self.damage is None:
            return False
        QMessageBox.warning(self, tr("Not saved"), self.damage)
        return True

    def focus_filter(self) -> None:
        self.filter_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_box.selectAll()

    def show_help(self) -> None:
        overlay = HelpOverlay(self.guide, self)
        overlay.exec()
        overlay.deleteLater()  # not left under the window when done (see ui/lifetime.py)

    def _filter_enter(self) -> None:
        """Enter in the filter opens the selected interview; with none selected (or the
        selected one filtered away), the first one shown."""
        if not self.proxy.rowCount():
            return
        if not self.table.selectionModel().selectedRows():
            self.table.selectRow(0)
        self.open_selected()

    def _move_selection(self, step: int) -> None:
        """Moves the table's selection ``step`` rows (from the filter box, whose focus stays)."""
        count = self.proxy.rowCount()
        if not count:
            return
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() + step if rows else (0 if step > 0 else count - 1)
        row = max(0, min(count - 1, row))
        self.table.selectRow(row)
        self.table.scrollTo(self.proxy.index(row, 0))

    def selected_id(self) -> uuid.UUID | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.summary(self.proxy.mapToSource(rows[0]).row()).id

    def new_interview(self) -> None:
        if self.read_only or self._refused_as_damaged():
            return
        dialog = NewInterviewDialog(self.session, self.study, self)
        if dialog.exec() and dialog.interview is not None:
            self.reload(select=dialog.interview.id)
            self.open_interview(dialog.interview.id)
        dialog.deleteLater()  # not left under the window when done (see ui/lifetime.py)

    def open_selected(self) -> None:
        interview_id = self.selected_id()
        if interview_id is not None:
            self.open_interview(interview_id)

    def open_interview(
        self, interview_id: uuid.UUID, *, return_to_place: bool = False, place: dict | None = None
    ) -> InterviewWindow | None:
        """Shows the interview's window (opening it if needed); with ``return_to_place``, at
        the step and field where the interviewer last was (after a crash), or at ``place``
        (an InterviewWindow.place(), when the windows are rebuilt). None, having said so in
        one sentence, when the interview's stored records break the record's rules."""
        from interviewer.storage.health import UnreadableRecord, naming_bad_records

        window = self.windows.get(interview_id)
        if window is None:
            try:
                with naming_bad_records(self.database.path, interview_id):
                    window = InterviewWindow(self.database, interview_id)
            except UnreadableRecord as unreadable:
                QMessageBox.warning(self, tr("Cannot open the interview"), str(unreadable))
                return None
            window.closed.connect(self._interview_closed)
            self.windows[interview_id] = window
            if not self.read_only:  # the recovery list is the writing copy's
                settings.set_open_interviews(self.database.path, list(self.windows))
            if return_to_place or place is not None:
                window.return_to_place(place)
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def _interview_closed(self, interview_id: uuid.UUID) -> None:
        self.windows.pop(interview_id, None)
        if not self.read_only:
            settings.set_open_interviews(self.database.path, list(self.windows))
        self.session.expire_all()
        self.reload(select=interview_id)

    def duplicate_selected(self) -> None:
        interview_id = self.selected_id()
        if interview_id is None or self.read_only or self._refused_as_damaged():
            return
        copy = svc.duplicate_as_template(
            session=self.session,
            interview_id=interview_id,
            interview_date=date.today(),
            device=device_label(),
        )
        self.reload(select=copy.id)
        self.open_interview(copy.id)

    def delete_selected(self) -> None:
        interview_id = self.selected_id()
        if interview_id is None or self.read_only or self._refused_as_damaged():
            return
        if interview_id in self.windows:
            self.windows[interview_id].close()
        summary = self.model.summary(self.model.row_of(interview_id))
        self.undo_stack.push(_DeleteInterview(self, interview_id, summary.respondent_role))
        self.statusBar().showMessage(
            tr("Deleted “{role}”. Ctrl+Z brings it back.", role=summary.respondent_role), 8000
        )

    def export_study(self) -> None:
        from interviewer.ui.export_dialog import ExportDialog, ask_and_export

        for window in self.windows.values():
            window.context.flush()  # what is on screen is what gets exported
        areas = svc.study_codes(session=self.session, study=self.study, kind=CodeKind.SERVICE_AREA)
        people = [p.name for p in svc.study_interviewers(session=self.session, study=self.study)]
        dialog = ExportDialog(self, areas=areas, interviewers=people)
        self.export_task = ask_and_export(self, dialog, self.database.path, self.study.name)

    def send_bundle(self) -> None:
        from interviewer.ui.exchange_dialogs import send_bundle

        if self._refused_as_damaged():
            return
        for window in self.windows.values():
            window.context.flush()
        send_bundle(self, self.database, bool(self.study.public_key_pem))
        self.reload()

    def merge_bundles(self) -> None:
        from interviewer.ui.exchange_dialogs import merge_from_files

        if self._refused_as_damaged():
            return
        merge_from_files(
            self,
            self.database,
            lambda _report: self.after_merge(),
            before_merge=lambda: self.put_interviews_aside(tr("Merging bundles")),
        )

    def after_merge(self) -> None:
        self.session.expire_all()
        self.study = svc.current_study(session=self.session)
        self.guide = svc.study_guide(self.study)
        self.reload()
        self.bring_interviews_back()

    def put_interviews_aside(self, reason: str) -> None:
        """Closes the open interview windows (saving what was typed) before a merge or a
        settlement rewrites interviews, says so in the status bar, and keeps where each was,
        for ``bring_interviews_back``. Called again before they are back, it does nothing."""
        if not self.windows:
            return
        places = {i: window.place() for i, window in self.windows.items()}
        for window in list(self.windows.values()):
            window.close()  # merged versions must not meet half-typed ones
        self._aside.update(places)
        self.statusBar().showMessage(
            tr_n(
                "{reason}: the open interview was closed; it reopens when this is done.",
                "{reason}: the {count} open interviews were closed; they reopen when this is done.",
                len(places),
                reason=reason,
            )
        )

    def bring_interviews_back(self) -> None:
        """Reopens the interviews ``put_interviews_aside`` closed, each where it was."""
        aside, self._aside = self._aside, {}
        for interview_id, place in aside.items():
            if self.model.row_of(interview_id) is not None:  # not deleted by the merge
                self.open_interview(interview_id, place=place)
        if aside:
            self.statusBar().clearMessage()

    def show_conflicts(self) -> None:
        from interviewer.ui.exchange_dialogs import ConflictsDialog

        dialog = ConflictsDialog(
            self.database,
            self,
            # a settled conflict may rewrite an interview shown there: closed only then
            before_settle=lambda: self.put_interviews_aside(tr("Settling a conflict")),
        )
        dialog.exec()
        self.session.expire_all()
        self.reload()
        self.bring_interviews_back()

    def show_senders(self) -> None:
        from interviewer.ui.exchange_dialogs import SendersDialog
        from interviewer.ui.lifetime import deleted_after

        with deleted_after(SendersDialog(self.database, self)) as dialog:
            dialog.exec()

    def restore_from_backup(self) -> None:
        from interviewer.ui.restore_dialog import choose_backup

        if self.read_only:
            return
        for window in self.windows.values():
            window.context.flush()  # what was typed is in the state kept aside
        backup = choose_backup(self, Path(self.database.path))
        if backup is not None:
            self.restore_chosen.emit(backup)

    def open_settings(self) -> None:
        before = (settings.Preferences().language, settings.Preferences().font_size)
        has_interviews = self.model.rowCount() > 0
        dialog = SettingsDialog(self.session, self.study, has_interviews, self)
        if self.read_only:  # preferences are this computer's; the study is the file's
            for button in (dialog.guide_button, dialog.codebook_button):
                button.setEnabled(False)
        accepted = dialog.exec()
        dialog.deleteLater()  # not left under the window when done (see ui/lifetime.py)
        if accepted:
            self.guide = svc.study_guide(self.study)
            after = (settings.Preferences().language, settings.Preferences().font_size)
            if after != before:
                self.settings_changed.emit()

    # ------------------------------------------------------------------ showing

    def reload(self, select: uuid.UUID | None = None) -> None:
        from interviewer.storage.health import UnreadableRecord, naming_bad_records

        unreadable = None
        try:
            with naming_bad_records(self.database.path):
                rows = list_interviews(
                    session=self.session, language=language(), questions=len(self.guide.questions)
                )
        except UnreadableRecord as error:  # a record another program broke: said, not shown
            self.session.rollback()
            rows, unreadable = [], str(error)
            if unreadable != getattr(self, "_unreadable_said", None):
                self._unreadable_said = unreadable  # once, not at every reload
                QTimer.singleShot(
                    0,
                    lambda: QMessageBox.warning(self, tr("Cannot show the interviews"), unreadable),
                )
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        # the header's own widths have room for its padding and sort mark; a little more
        self._natural_widths = [
            self.table.columnWidth(column) + 8 for column in range(self.model.columnCount())
        ]
        self._fit_columns()
        self.empty_hint.setVisible(not rows)
        open_conflicts = count_open_conflicts(session=self.session)
        text = tr_n(
            "{file} · {count} interview · healthy",
            "{file} · {count} interviews · healthy",
            len(rows),
            file=self.database.path,
        )
        if open_conflicts:
            text += " · " + tr_n(
                "{count} conflict to settle", "{count} conflicts to settle", open_conflicts
            )
        if self.damage is not None:
            text = tr_n(
                "{file} · {count} interview · damaged: nothing more is written to it",
                "{file} · {count} interviews · damaged: nothing more is written to it",
                len(rows),
                file=self.database.path,
            )
        if unreadable is not None:
            text = unreadable
        if self.read_only:
            why = self.database.read_only_reason or tr(
                "Read-only: this file is open in another copy of Interviewer"
            )
            text = why + " · " + text
        self.db_label.setText(text)
        self.conflicts_action.setText(
            tr("&Conflicts ({count})", count=open_conflicts) if open_conflicts else tr("&Conflicts")
        )
        self.conflicts_action.setIconText(plain(self.conflicts_action.text()))
        row = self.model.row_of(select) if select else None
        if row is not None:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                self.table.selectRow(index.row())
                self.table.scrollTo(index)

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        elif watched is self.filter_box and event.type() == QEvent.Type.KeyPress:
            steps = {
                Qt.Key.Key_Down: 1,
                Qt.Key.Key_Up: -1,
                Qt.Key.Key_PageDown: 10,
                Qt.Key.Key_PageUp: -10,
            }
            if event.key() in steps and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                self._move_selection(steps[event.key()])
                return True
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """Every column as wide as its text where the table's width allows; else the role and
        the service area wrap onto two lines (never "Head of …"), and only when even that
        is too narrow does the table scroll sideways."""
        natural = self._natural_widths
        if not natural:
            return
        metrics = self.table.fontMetrics()
        one_line = metrics.lineSpacing() + 10
        room = self.table.viewport().width()
        fixed = sum(natural[2:])
        for column in range(2, len(natural)):
            self.table.setColumnWidth(column, natural[column])
        role, area = natural[0], natural[1]
        rest = room - fixed
        lines = 1
        if rest < role + area:
            lines = 2
            role, area = (self._two_line_width(column) for column in (0, 1))
        spare = max(0, rest - role - area)
        self.table.setColumnWidth(0, role + spare * 2 // 3)
        self.table.setColumnWidth(1, area + spare - spare * 2 // 3)
        self.table.verticalHeader().setDefaultSectionSize(
            one_line + (lines - 1) * metrics.lineSpacing()
        )

    def _two_line_width(self, column: int) -> int:
        """The width at which the column's texts (a sample of rows) wrap onto two lines."""
        metrics = self.table.fontMetrics()
        widest = metrics.horizontalAdvance(
            str(self.model.headerData(column, Qt.Orientation.Horizontal))
        )
        for row in range(min(self.model.rowCount(), 200)):
            text = str(self.model.index(row, column).data() or "")
            words = text.split(" ")
            widest = max(
                widest,
                min(
                    max(
                        metrics.horizontalAdvance(" ".join(words[:cut])),
                        metrics.horizontalAdvance(" ".join(words[cut:])),
                    )
                    for cut in range(len(words) + 1)
                ),
            )
        return widest + 16

    def closeEvent(self, event):  # noqa: N802 - Qt's name
        for window in list(self.windows.values()):
            window.close()
        settings.save_geometry(self, "main")
        if self._watcher is not None:
            self._watch_timer.stop()
            self._watcher.close()
            self._watcher = None
        self.session.close()
        super().closeEvent(event)


class _DeleteInterview(QUndoCommand):
    def __init__(self, window: MainWindow, interview_id: uuid.UUID, role: str):
        super().__init__(tr("Delete “{role}”", role=role))
        self.window, self.interview_id = window, interview_id

    def redo(self) -> None:
        self._do(svc.delete_interview)

    def undo(self) -> None:
        self._do(svc.restore_interview)
        self.window.reload(select=self.interview_id)

    def _do(self, action) -> None:
        try:
            action(session=self.window.session, interview_id=self.interview_id)
        except DomainError as error:
            QMessageBox.warning(self.window, tr("Interviewer"), str(error))
        self.window.reload()
