"""Study settings: the interviewer's name, language, font size, and the study's guide and
codebook (replaceable by other files until the first interview is taken)."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from interviewer import interviews as svc
from interviewer.codebook import load_codebook
from interviewer.data_files import read_data_text
from interviewer.errors import InterviewerError
from interviewer.guide import parse_guide
from interviewer.i18n import LANGUAGES, tr
from interviewer.text_rules import clean_name
from interviewer.ui.pages.base import show_refusal
from interviewer.ui.settings import FONT_SIZES, Preferences
from interviewer.ui.tab_order import keep_visual_tab_order


class SettingsDialog(QDialog):
    def __init__(self, session, study, has_interviews: bool, parent=None):
        super().__init__(parent)
        self.session, self.study = session, study
        # a guide (its text) and a codebook chosen in this dialog, applied on OK only
        self.pending_guide: str | None = None
        self.pending_codebook = None
        self.preferences = Preferences()
        self.setWindowTitle(tr("Settings"))
        self.setMinimumWidth(560)

        self.name = QLineEdit(self.preferences.interviewer_name)
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(self.language.findData(self.preferences.language))
        self.font_size = QComboBox()
        for size in FONT_SIZES:
            self.font_size.addItem(tr("{size} pt", size=size), size)
        self.font_size.setCurrentIndex(max(0, self.font_size.findData(self.preferences.font_size)))
        self.warn_shared = QCheckBox(tr("Warn about shared folders"))
        self.warn_shared.setChecked(self.preferences.warn_about_shared_location)
        shared_hint = QLabel(
            tr(
                "When the database is on a network drive or in a folder that OneDrive, "
                "Dropbox or the like keeps in sync, where it can be damaged."
            )
        )
        shared_hint.setObjectName("hint")
        shared_hint.setWordWrap(True)

        self.signing_key = QLabel(_signing_fingerprint())
        self.signing_key.setObjectName("fingerprint")
        self.signing_key.setWordWrap(True)
        self.signing_key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.signing_key.setAccessibleName(tr("Your signing key"))
        key_hint = QLabel(tr("Read it out when the central team calls about your first bundle."))
        key_hint.setObjectName("hint")
        key_hint.setWordWrap(True)

        self.guide_label = QLabel()
        self.codebook_label = QLabel()
        self.guide_button = QPushButton(tr("Load guide file…"))
        self.codebook_button = QPushButton(tr("Load codebook file…"))
        for button in (self.guide_button, self.codebook_button):
            button.setEnabled(not has_interviews)
        self.guide_button.clicked.connect(self._load_guide)
        self.codebook_button.clicked.connect(self._load_codebook)
        guide_row, codebook_row = QHBoxLayout(), QHBoxLayout()
        guide_row.addWidget(self.guide_label, 1)
        guide_row.addWidget(self.guide_button)
        codebook_row.addWidget(self.codebook_label, 1)
        codebook_row.addWidget(self.codebook_button)
        locked = QLabel(
            tr("The study already has interviews, so its guide and codebook stay as they are.")
            if has_interviews
            else ""
        )
        locked.setObjectName("hint")
        locked.setWordWrap(True)
        self.refusal = QLabel()
        self.refusal.setObjectName("refusal")
        self.refusal.setWordWrap(True)
        self.refusal.hide()

        form = QFormLayout()
        form.addRow(tr("Your name, as interviewer"), self.name)
        form.addRow(tr("Language"), self.language)
        form.addRow(tr("Text size"), self.font_size)
        form.addRow("", self.warn_shared)
        form.addRow("", shared_hint)
        form.addRow(tr("Your signing key"), self.signing_key)
        form.addRow("", key_hint)
        form.addRow(tr("Interview guide"), guide_row)
        form.addRow(tr("Codebook"), codebook_row)
        form.addRow("", locked)
        for label, field in (
            (tr("Your name, as interviewer"), self.name),
            (tr("Language"), self.language),
            (tr("Text size"), self.font_size),
        ):
            field.setAccessibleName(label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.refusal)
        layout.addWidget(buttons)
        keep_visual_tab_order(self)
        self._show_study()

    def _show_study(self) -> None:
        """The guide and codebook the study has, or the ones chosen to replace them on OK."""
        guide = parse_guide(self.pending_guide) if self.pending_guide is not None else None
        if guide is not None:
            self.guide_label.setText(
                tr("{id} · {version} (used from OK)", id=guide.id, version=guide.version)
            )
        else:
            self.guide_label.setText(f"{self.study.guide_id} · {self.study.guide_version}")
        codebook = self.pending_codebook
        if codebook is not None:
            self.codebook_label.setText(
                tr("{id} · {version} (used from OK)", id=codebook.id, version=codebook.version)
            )
        else:
            self.codebook_label.setText(f"{self.study.codebook_id} · {self.study.codebook_version}")

    def _pick(self, title: str) -> str | None:
        folder = self.preferences.last_folder("study_files")
        path, _ = QFileDialog.getOpenFileName(self, title, folder, tr("TOML files (*.toml)"))
        if path:
            self.preferences.set_last_folder("study_files", str(Path(path).parent))
        return path or None

    def _load_guide(self) -> None:
        path = self._pick(tr("Load guide file"))
        if path:
            self._hold(lambda: setattr(self, "pending_guide", _checked_guide_text(path)))

    def _load_codebook(self) -> None:
        path = self._pick(tr("Load codebook file"))
        if path:
            self._hold(lambda: setattr(self, "pending_codebook", load_codebook(path)))

    def _hold(self, action) -> None:
        """Checks a chosen file and keeps it until OK (Cancel leaves the study as it was)."""
        try:
            action()
        except InterviewerError as error:
            show_refusal(self.refusal, str(error))
            return
        show_refusal(self.refusal, "")
        self._show_study()

    def _save(self) -> None:
        if self.pending_guide is not None or self.pending_codebook is not None:
            try:  # the files chosen, applied only now: Cancel leaves the study as it was
                svc.replace_study_files(
                    session=self.session,
                    study=self.study,
                    guide_toml=self.pending_guide,
                    codebook=self.pending_codebook,
                )
            except InterviewerError as error:
                show_refusal(self.refusal, str(error))
                return
        # the name the new-interview dialog fills in: one form for one person
        self.preferences.interviewer_name = clean_name(self.name.text())
        self.preferences.language = self.language.currentData()
        self.preferences.font_size = self.font_size.currentData()
        self.preferences.warn_about_shared_location = self.warn_shared.isChecked()
        self.accept()


def _signing_fingerprint() -> str:
    """This machine's signing key's fingerprint (the key made now if it has none), or why
    it cannot be read."""
    from interviewer.exchange.signing import this_machines_key

    try:
        return this_machines_key().fingerprint
    except InterviewerError as error:
        return str(error)


def _checked_guide_text(path: str) -> str:
    """The text of a guide file, read once and bounded, refused (ResourceFileError, naming
    the field) when it is not a valid guide."""
    text = read_data_text(path)
    parse_guide(text, name=path)
    return text
