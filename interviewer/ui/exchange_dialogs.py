"""Field to central in the app: send a bundle, merge bundles, settle conflicts. The dialogs
only gather choices; exchange/ does the work, in the background for merges."""

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
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
        reason = message.rstrip(".")  # a clause, as the command line prints it
        QMessageBox.warning(
            parent, tr("No bundle"), tr("Nothing was written: {reason}.", reason=reason)
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
    start_merge(parent, database, paths, password, key, when_done, before_merge=before_merge)


def start_merge(
    parent,
    database: Database,
    paths,
    password,
    private_key,
    when_done,
    *,
    show_report: bool = True,
    before_merge=None,
):
    """Merges in the background and says how it went. A bundle held for its new sender is
    shown with the key's fingerprint for a person to accept or refuse (NewSenderDialog);
    the bundles of accepted senders are merged again at once, ``before_merge`` called first."""
    from interviewer.exchange.merge import merge_bundles

    def work(progress):
        return merge_bundles(
            database.path, paths, password=password, private_key=private_key, progress=progress
        )

    def done(report):
        when_done(report)
        if show_report:
            icon = (
                QMessageBox.Icon.Warning
                if report.refused or report.held
                else QMessageBox.Icon.Information
            )
            text = "\n".join(report.lines())
            with deleted_after(QMessageBox(icon, tr("Merge finished"), text, parent=parent)) as box:
                box.exec()
            again = settle_held_senders(parent, database, report.held)
            if again:
                if before_merge is not None:
                    before_merge()
                start_merge(
                    parent,
                    database,
                    again,
                    password,
                    private_key,
                    when_done,
                    before_merge=before_merge,
                )

    def failed(message):
        QMessageBox.warning(
            parent, tr("Merge failed"), tr("Nothing was merged. {reason}", reason=message)
        )

    return run_in_background(parent, tr("Merging…"), work, done=done, failed=failed)


class NewSenderDialog(QDialog):
    """A bundle signed with a key this database does not know: who the bundle says sent it,
    the key's fingerprint to compare with the one its interviewer reads out, and a choice
    (Enter never chooses: Later is the default). ``sender``: the held key as the list of
    senders has it (signing.list_senders, as `interviewer senders` shows it), so the dialog
    warns of what that list warns of: other keys accepted for the interviewer, a name that
    looks like a known interviewer's. Without it, the report's look-alike alone."""

    def __init__(self, report, parent=None, sender=None):
        super().__init__(parent)
        self.setWindowTitle(tr("A new sender"))
        self.choice: str | None = None
        who = report.interviewer or tr("(no name)")
        intro = QLabel(
            tr(
                "The bundle {file} is signed with a key this database does not know yet. It "
                "says it comes from {name}.",
                file=shown_path(report.path.name),
                name=who,
            )
        )
        intro.setWordWrap(True)
        self.fingerprint = QLabel(report.held)
        self.fingerprint.setObjectName("fingerprint")
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint.setAccessibleName(tr("Fingerprint of the key"))
        font = self.fingerprint.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setFamily("monospace")
        self.fingerprint.setFont(font)
        how = QLabel(
            tr(
                "Call {name} on a number you already have and ask them to read out the "
                "fingerprint under Settings (or from `interviewer keys show`). Accept only if "
                "it is the same; the bundle is then merged.",
                name=who,
            )
        )
        how.setWordWrap(True)
        self.accept_button = QPushButton(tr("&Accept the key and merge"))
        self.refuse_button = QPushButton(tr("&Refuse the key"))
        later = QPushButton(tr("&Later"))
        self.accept_button.clicked.connect(self._accept_key)
        self.refuse_button.clicked.connect(self._refuse_key)
        later.clicked.connect(self.reject)
        for button in (self.accept_button, self.refuse_button):
            button.setAutoDefault(False)
        later.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.refuse_button)
        buttons.addStretch()
        buttons.addWidget(later)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        other_keys = sender.other_keys if sender is not None else 0
        if other_keys:  # a second machine of theirs, or someone passing for them?
            self.other_keys = QLabel(
                tr_n(
                    "This interviewer already has {count} other accepted key. A second key "
                    "may be a new machine of theirs, or someone passing for them: accept it "
                    "only if they read out this fingerprint.",
                    "This interviewer already has {count} other accepted keys. Another key "
                    "may be a new machine of theirs, or someone passing for them: accept it "
                    "only if they read out this fingerprint.",
                    other_keys,
                )
            )
            self.other_keys.setObjectName("otherKeys")
            self.other_keys.setWordWrap(True)
            layout.addWidget(self.other_keys)
        looks_like = sender.looks_like if sender is not None else report.looks_like
        if looks_like:  # someone passing for a known interviewer?
            self.look_alike = QLabel(
                tr(
                    "The name looks like that of the known interviewer {name}, but is not "
                    "the same: be sure this is not someone passing for them.",
                    name=looks_like,
                )
            )
            self.look_alike.setObjectName("lookAlike")
            self.look_alike.setWordWrap(True)
            layout.addWidget(self.look_alike)
        layout.addWidget(self.fingerprint)
        layout.addWidget(how)
        layout.addLayout(buttons)
        keep_visual_tab_order(self)

    def _accept_key(self) -> None:
        self.choice = "accept"
        self.accept()

    def _refuse_key(self) -> None:
        self.choice = "refuse"
        self.accept()


def _ask_about_sender(parent, report, database: Database) -> str | None:
    from interviewer.exchange.signing import list_senders

    with database.session() as session:  # the held key as `interviewer senders` lists it
        sender = next(
            (line for line in list_senders(session=session) if line.fingerprint == report.held),
            None,
        )
    with deleted_after(NewSenderDialog(report, parent, sender=sender)) as dialog:
        dialog.exec()
        return dialog.choice


def settle_held_senders(parent, database: Database, held, ask=None) -> list[Path]:
    """Asks about each new key of ``held`` (reports of bundles held for their sender) once,
    records the choice (signing.decide_sender), and returns the bundles whose sender was
    accepted, to merge again. ``ask(parent, report)`` returns "accept", "refuse" or None
    (default: NewSenderDialog)."""
    from interviewer.exchange.signing import decide_sender

    if ask is None:

        def ask(parent, report):
            return _ask_about_sender(parent, report, database)

    choices: dict[str, str | None] = {}
    for report in held:
        if report.held not in choices:
            choices[report.held] = choice = ask(parent, report)
            if choice is None:
                continue
            try:
                with database.session() as session:
                    decide_sender(
                        session=session,
                        fingerprint_typed=report.held,
                        accept=choice == "accept",
                        by=Preferences().interviewer_name,
                    )
            except InterviewerError as error:
                QMessageBox.warning(parent, tr("A new sender"), str(error))
                choices[report.held] = None
    return [report.path for report in held if choices.get(report.held) == "accept"]


class SendersDialog(QDialog):
    """The interviewers' signing keys this database knows or holds: accept or refuse one
    (after comparing its fingerprint on the phone), add an interviewer's key before their
    first bundle, and the study's rule for bundles from a key not known yet. The same
    functions as `interviewer senders`."""

    def __init__(self, database: Database, parent=None):
        super().__init__(parent)
        self.database = database
        self.setWindowTitle(tr("Senders"))
        self.table = _read_only_table(
            [tr("Fingerprint"), tr("Interviewer"), tr("State"), tr("Where from")]
        )
        self.table.setAccessibleName(tr("Senders"))
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.accept_key = QPushButton(tr("&Accept the key"))
        self.refuse_key = QPushButton(tr("&Refuse the key"))
        self.accept_key.clicked.connect(self._accept_selected)
        self.refuse_key.clicked.connect(self._refuse_selected)
        self.name = QLineEdit()
        self.name.setAccessibleName(tr("Interviewer's name"))
        self.key = QLineEdit()
        self.key.setPlaceholderText("ed25519:…")
        self.key.setAccessibleName(tr("Public signing key"))
        self.add = QPushButton(tr("A&dd the key"))
        self.add.clicked.connect(self._add)
        self.rule = QComboBox()
        self.rule.addItem(tr("Hold a bundle from a new key for a person to accept"), "confirm_new")
        self.rule.addItem(tr("Refuse a bundle from a key not known here"), "known_only")
        self.rule.setAccessibleName(tr("Bundles from a new key"))
        self.refusal = QLabel()
        self.refusal.setObjectName("refusal")
        self.refusal.setWordWrap(True)
        self.refusal.hide()
        for button in (self.accept_key, self.refuse_key, self.add):
            button.setAutoDefault(False)
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.accept)
        close.setDefault(True)
        choices = QHBoxLayout()
        choices.addWidget(self.accept_key)
        choices.addWidget(self.refuse_key)
        choices.addStretch()
        form = QFormLayout()
        form.addRow(tr("Interviewer's name"), self.name)
        form.addRow(tr("Public signing key"), self.key)
        form.addRow("", self.add)
        form.addRow(tr("Bundles from a new key"), self.rule)
        bottom = QHBoxLayout()
        bottom.addStretch()
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(choices)
        layout.addLayout(form)
        layout.addWidget(self.refusal)
        layout.addLayout(bottom)
        keep_visual_tab_order(self)
        letter = self.fontMetrics().averageCharWidth()
        fit_to_screen(self, letter * 110, self.fontMetrics().lineSpacing() * 26)
        self.refresh()
        self.rule.currentIndexChanged.connect(self._set_rule)  # after the rule is shown

    def refresh(self) -> None:
        from interviewer.exchange.signing import list_senders, sender_rule

        with self.database.session() as session:
            self.lines = list_senders(session=session)
            rule = sender_rule(session=session)
        self.table.setRowCount(len(self.lines))
        for row, line in enumerate(self.lines):
            values = (
                line.fingerprint,
                line.name or tr("(no name)"),
                line.status_text(),
                line.source_text() + line.warnings_text(),  # as `interviewer senders` says
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(row, column, item)
        for column in (0, 1, 2):
            self.table.resizeColumnToContents(column)
        self.rule.blockSignals(True)
        self.rule.setCurrentIndex(max(0, self.rule.findData(rule)))
        self.rule.blockSignals(False)
        writable = not self.database.read_only
        for widget in (self.accept_key, self.refuse_key):
            widget.setEnabled(bool(self.lines) and writable)
        for widget in (self.name, self.key, self.add, self.rule):
            widget.setEnabled(writable)
        if self.lines and not self.table.selectionModel().selectedRows():
            self.table.selectRow(0)

    def _act(self, action) -> None:
        try:
            with self.database.session() as session:
                action(session)
        except InterviewerError as error:
            show_refusal(self.refusal, str(error))
            return
        show_refusal(self.refusal, "")
        self.refresh()

    def _decide(self, accept: bool) -> None:
        from interviewer.exchange.signing import decide_sender

        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        line = self.lines[rows[0].row()]
        self._act(
            lambda session: decide_sender(
                session=session,
                fingerprint_typed=line.fingerprint,
                accept=accept,
                by=Preferences().interviewer_name,
            )
        )

    def _accept_selected(self) -> None:
        self._decide(True)

    def _refuse_selected(self) -> None:
        self._decide(False)

    def _add(self) -> None:
        from interviewer.exchange.signing import add_sender

        name, key = self.name.text(), self.key.text()
        self._act(
            lambda session: add_sender(
                session=session, name=name, public_key=key, by=Preferences().interviewer_name
            )
        )
        if self.refusal.isHidden():
            self.name.clear()
            self.key.clear()

    def _set_rule(self) -> None:
        from interviewer.exchange.signing import set_sender_rule

        rule = self.rule.currentData()
        self._act(lambda session: set_sender_rule(session=session, rule=rule))


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
                "Each interview below was changed in two places. The app shows the "
                "version this database had, unless the interview's own interviewer sent "
                "a newer one holding every record this database holds; the other version "
                "is kept. Choose which to keep; the choice is recorded."
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
