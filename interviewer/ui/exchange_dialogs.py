"""Field to central in the app: send a bundle, merge bundles, settle conflicts. The dialogs
only gather choices; exchange/ does the work, in the background for merges."""

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from interviewer.errors import InterviewerError
from interviewer.exchange.conflicts import (
    conflict_differences,
    list_conflicts,
    resolve_conflict,
    source_text,
)
from interviewer.file_safety import SECRET_LIMIT, read_input_file, shown_path
from interviewer.i18n import tr, tr_n
from interviewer.storage.database import Database
from interviewer.ui.background import run_in_background
from interviewer.ui.date_fields import DateField
from interviewer.ui.export_dialog import refuses_output
from interviewer.ui.lifetime import deleted_after
from interviewer.ui.pages.base import show_refusal
from interviewer.ui.screen_fit import fit_to_screen
from interviewer.ui.settings import Preferences
from interviewer.ui.tab_order import keep_visual_tab_order


class SendBundleDialog(QDialog):
    """How to lock the bundle, and which interviews: all, or those changed since a date."""

    def __init__(self, parent=None, *, study_has_key: bool):
        super().__init__(parent)
        self.setWindowTitle(tr("Send a bundle"))
        self.to_key = QRadioButton(tr("Encrypted to the central team's key (no password needed)"))
        self.with_password = QRadioButton(tr("Encrypted with a password"))
        self.plain = QRadioButton(tr("Not encrypted"))
        self.to_key.setEnabled(study_has_key)
        (self.to_key if study_has_key else self.with_password).setChecked(True)
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(tr("Password"))
        self.repeat.setAccessibleName(tr("Password again"))
        for field in (self.password, self.repeat):  # a Tab stop only when a password locks it
            field.setEnabled(self.with_password.isChecked())
            self.with_password.toggled.connect(field.setEnabled)
        self.only_since = QCheckBox(tr("Only interviews changed since"))
        self.since = DateField(date.today())
        self.since.setEnabled(False)
        self.only_since.toggled.connect(self.since.setEnabled)
        self.refusal = QLabel()
        self.refusal.setObjectName("refusal")
        self.refusal.hide()
        # said where the choice is made, as soon as it is made: never a bundle sent plain unaware
        self.plain_warning = QLabel(
            tr(
                "Not encrypted: respondents' names and everything typed travel readable to "
                "anyone who gets the file. Choose this only to hand the file over in person "
                "or over a channel you trust."
            )
        )
        self.plain_warning.setObjectName("refusal")
        self.plain_warning.setWordWrap(True)
        self.plain_warning.setVisible(False)
        form = QFormLayout()
        locks = QVBoxLayout()
        for button in (self.to_key, self.with_password, self.plain):
            locks.addWidget(button)
        locks.addWidget(self.plain_warning)
        form.addRow(tr("Lock"), locks)
        form.addRow(tr("Password"), self.password)
        form.addRow(tr("Password again"), self.repeat)
        since = QHBoxLayout()
        since.addWidget(self.only_since)
        since.addWidget(self.since)
        since.addStretch()
        form.addRow(tr("Interviews"), since)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.save = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.save.setText(tr("Save bundle…"))
        self.plain.toggled.connect(self._plain_chosen)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.refusal)
        layout.addWidget(buttons)
        keep_visual_tab_order(self)

    def _plain_chosen(self, plain: bool) -> None:
        self.plain_warning.setVisible(plain)
        self.save.setText(tr("Save unencrypted bundle…") if plain else tr("Save bundle…"))

    def _check(self) -> None:
        if self.with_password.isChecked():
            if len(self.password.text()) < 8:
                show_refusal(self.refusal, tr("Use a password of at least 8 characters."))
                return
            if self.password.text() != self.repeat.text():
                show_refusal(self.refusal, tr("The two passwords differ."))
                return
        self.accept()

    def choices(self) -> dict:
        plain = self.plain.isChecked()
        return {
            "password": self.password.text() if self.with_password.isChecked() else None,
            "plain": plain,
            "since": self.since.date().toPython() if self.only_since.isChecked() else None,
        }


def send_bundle(parent: QWidget, database: Database, study_has_key: bool) -> None:
    with deleted_after(SendBundleDialog(parent, study_has_key=study_has_key)) as dialog:
        if not dialog.exec():
            return
        choices = dialog.choices()
    preferences = Preferences()
    folder = Path(preferences.last_folder("bundles"))
    name = f"interviews-{preferences.interviewer_name or 'field'}-{date.today().isoformat()}"
    chosen, _ = QFileDialog.getSaveFileName(
        parent, tr("Save the bundle"), str(folder / f"{name}.bundle"), tr("Bundles (*.bundle)")
    )
    if not chosen:
        return
    out = Path(chosen)
    if refuses_output(parent, out, database=database.path, what=tr("the bundle")):
        return
    preferences.set_last_folder("bundles", str(out.parent))
    start_sending(parent, database, out, choices, preferences.interviewer_name)


def start_sending(
    parent: QWidget,
    database: Database,
    out: Path,
    choices: dict,
    interviewer: str,
    *,
    show_result: bool = True,
):
    """Writes the bundle in the background (the key step takes a moment) and says how it
    went."""
    from interviewer.exchange.bundle import write_bundle

    def work(progress):
        progress(0, 1)
        return write_bundle(
            database.path,
            out,
            since=choices["since"],
            password=choices["password"],
            interviewer=interviewer,
            plain=choices["plain"],
        )

    def done(count):
        if show_result:
            QMessageBox.information(
                parent,
                tr("Bundle saved"),
                tr_n(
                    "{count} interview in {path}. Send this file to the central team.",
                    "{count} interviews in {path}. Send this file to the central team.",
                    count,
                    path=shown_path(out),
                ),
            )

    def failed(message):
        QMessageBox.warning(
            parent, tr("No bundle"), tr("Nothing was written. {reason}", reason=message)
        )

    return run_in_background(parent, tr("Saving the bundle…"), work, done=done, failed=failed)


class MergeSecretsDialog(QDialog):
    """What opens locked bundles: a password, or the study's private key and passphrase."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("Open the bundles"))
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.key_file = QLineEdit()
        self.key_file.setPlaceholderText(tr("study-private.pem"))
        browse = QPushButton(tr("Choose…"))
        browse.clicked.connect(self._choose_key)
        self.passphrase = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        for field, name in (
            (self.password, tr("Password of password-locked bundles")),
            (self.key_file, tr("The study's private key")),
            (self.passphrase, tr("The private key's passphrase")),
        ):
            field.setAccessibleName(name)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_file, 1)
        key_row.addWidget(browse)
        hint = QLabel(tr("Leave empty what the bundles do not need."))
        hint.setObjectName("hint")
        form = QFormLayout()
        form.addRow(tr("Password"), self.password)
        form.addRow(tr("Private key"), key_row)
        form.addRow(tr("Passphrase"), self.passphrase)
        form.addRow("", hint)
        self.refusal = QLabel()
        self.refusal.setObjectName("refusal")
        self.refusal.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Merge"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.refusal)
        layout.addWidget(buttons)
        keep_visual_tab_order(self)
        self.private_key = None

    def _choose_key(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            tr("The study's private key"),
            Preferences().last_folder("keys"),
            tr("Keys (*.pem)"),
        )
        if chosen:
            self.key_file.setText(chosen)
            Preferences().set_last_folder("keys", str(Path(chosen).parent))

    def _check(self) -> None:
        from interviewer.exchange.crypto import load_private_key

        self.private_key = None
        if self.key_file.text().strip():
            try:
                pem = read_input_file(
                    Path(self.key_file.text().strip()),
                    what=tr("the private key"),
                    limit=SECRET_LIMIT,
                )
                self.private_key = load_private_key(pem, self.passphrase.text())
            except (OSError, InterviewerError) as error:
                show_refusal(self.refusal, str(error))
                return
        self.accept()


def merge_from_files(parent: QWidget, database: Database, when_done, before_merge=None) -> None:
    preferences = Preferences()
    chosen, _ = QFileDialog.getOpenFileNames(
        parent, tr("Bundles to merge"), preferences.last_folder("bundles"), tr("Bundles (*.bundle)")
    )
    if not chosen:
        return
    preferences.set_last_folder("bundles", str(Path(chosen[0]).parent))
    with deleted_after(MergeSecretsDialog(parent)) as secrets:
        if not secrets.exec():
            return
        password = secrets.password.text() or None
        key = secrets.private_key
    paths = [Path(path) for path in chosen]
    if before_merge is not None:  # the files are chosen: the merge really starts now
        before_merge()
    start_merge(parent, database, paths, password, key, when_done)


def start_merge(
    parent, database: Database, paths, password, private_key, when_done, *, show_report: bool = True
):
    from interviewer.exchange.merge import merge_bundles

    def work(progress):
        return merge_bundles(
            database.path, paths, password=password, private_key=private_key, progress=progress
        )

    def done(report):
        when_done(report)
        if show_report:
            icon = QMessageBox.Icon.Warning if report.refused else QMessageBox.Icon.Information
            text = "\n".join(report.lines())
            with deleted_after(QMessageBox(icon, tr("Merge finished"), text, parent=parent)) as box:
                box.exec()

    def failed(message):
        QMessageBox.warning(
            parent, tr("Merge failed"), tr("Nothing was merged. {reason}", reason=message)
        )

    return run_in_background(parent, tr("Merging…"), work, done=done, failed=failed)


class ConflictsDialog(QDialog):
    """The interviews changed in two places; beside them, what differs between the version
    shown and the other, field by field; and a choice for each, made with its own button
    (Enter closes, it never chooses)."""

    def __init__(self, database: Database, parent=None, before_settle=None):
        super().__init__(parent)
        self.database = database
        self.before_settle = before_settle  # called just before a choice rewrites an interview
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # nothing is read after it
        self.setWindowTitle(tr("Conflicts"))
        self.table = _read_only_table([tr("Interview"), tr("Municipality"), tr("Found")])
        self.table.setAccessibleName(tr("Conflicts"))
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._show_differences)
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.differences = _read_only_table(
            [tr("Record"), tr("Field"), tr("Version shown"), tr("Other version")]
        )
        self.differences.setAccessibleName(tr("What differs"))
        self.differences.setWordWrap(True)
        self.differences.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.differences.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # arrows scroll it
        header = self.differences.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        explain = QLabel(
            tr(
                "Each interview below was changed in two places. The newer "
                "version is shown in the app; the other is kept. Choose which "
                "to keep; the choice is recorded."
            )
        )
        explain.setWordWrap(True)
        self.keep_shown = QPushButton(tr("Keep the &version shown"))
        self.keep_other = QPushButton(tr("Keep the &other version"))
        # methods, not lambdas: a lambda naming the dialog would keep it alive after use
        self.keep_shown.clicked.connect(self._keep_shown)
        self.keep_other.clicked.connect(self._keep_other)
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.accept)
        for button in (self.keep_shown, self.keep_other):
            button.setAutoDefault(False)  # a choice is pressed, never Enter's
        close.setDefault(True)
        buttons = QHBoxLayout()
        for button in (self.keep_shown, self.keep_other):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(close)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.source)
        detail_layout.addWidget(self.differences, 1)
        split = self.split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self.table)
        split.addWidget(detail)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 5)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        keep_visual_tab_order(self)
        letter = self.fontMetrics().averageCharWidth()
        fit_to_screen(self, letter * 170, self.fontMetrics().lineSpacing() * 34)
        self.refresh()

    def refresh(self) -> None:
        with self.database.session() as session:
            self.lines = list_conflicts(session=session)
        self.table.setRowCount(len(self.lines))
        for row, line in enumerate(self.lines):
            values = (
                line.respondent_role,
                line.municipality,
                line.detected_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(row, column, item)
        for column in (1, 2):  # the interview's role takes the rest of the width, wrapped
            self.table.resizeColumnToContents(column)
        self.table.resizeRowsToContents()
        for button in (self.keep_shown, self.keep_other):  # a read-only copy only shows
            button.setEnabled(bool(self.lines) and not self.database.read_only)
        if self.lines:
            self.table.selectRow(0)
        self._show_differences()

    def showEvent(self, event):  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._share_the_width()  # the splitter knows its width once shown

    def _share_the_width(self) -> None:
        """The list as wide as its municipality and date columns and a short role need (so
        it never scrolls sideways); the differences take the rest."""
        letter = self.fontMetrics().averageCharWidth()
        header = self.table.horizontalHeader()
        needed = (
            sum(max(header.sectionSize(c), header.sectionSizeHint(c)) for c in (1, 2))
            + letter * 16  # the role, wrapped
            + self.table.verticalScrollBar().sizeHint().width()
            + 2 * self.table.frameWidth()
        )
        self.table.setMinimumWidth(needed)
        self.split.setSizes([needed, max(self.split.width() - needed, letter * 50)])
        self.table.resizeRowsToContents()  # wrapped at the new widths
        self.differences.resizeRowsToContents()

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.lines[rows[0].row()] if rows else None

    def _show_differences(self) -> None:
        line = self.selected()
        rows = []
        if line is not None:
            with self.database.session() as session:
                rows = conflict_differences(session=session, conflict_id=line.id)
        self.source.setText(
            tr("The other version came from: {source}", source=source_text(line.other_source))
            if line is not None
            else tr("No conflicts to settle.")
        )
        self.differences.setRowCount(len(rows))
        for number, row in enumerate(rows):
            for column, value in enumerate((row.record, row.field, row.shown, row.other)):
                self.differences.setItem(number, column, QTableWidgetItem(value))
        self.differences.resizeRowsToContents()

    def _keep_shown(self) -> None:
        self._resolve("shown")

    def _keep_other(self) -> None:
        self._resolve("other")

    def _resolve(self, keep: str) -> None:
        line = self.selected()
        if line is None:
            return
        if self.before_settle is not None:
            self.before_settle()
        try:
            with self.database.session() as session:
                resolve_conflict(
                    session=session,
                    conflict_id=line.id,
                    keep=keep,
                    by=Preferences().interviewer_name,
                )
        except InterviewerError as error:  # settled meanwhile, say, in another window
            QMessageBox.warning(self, tr("Conflicts"), str(error))
        self.refresh()


def _read_only_table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move within it
    table.verticalHeader().hide()
    return table
