"""Settings: a guide or codebook file chosen there replaces the study's only on OK."""

import sqlite3

from interviewer.resources import default_codebook, default_guide
from PySide6.QtWidgets import QFileDialog

from interviewer.ui.settings_dialog import SettingsDialog


def stored(database) -> tuple[str, str]:
    connection = sqlite3.connect(database.path)
    try:
        return connection.execute("SELECT guide_version, codebook_version FROM study").fetchone()
    finally:
        connection.close()


def choose(monkeypatch, path) -> None:
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *args, **kwargs: (str(path), ""))
    )


def test_files_chosen_in_settings_are_used_on_ok_and_cancel_keeps_the_study(
    qapp, database, session, study, tmp_path, monkeypatch
):
    guide = tmp_path / "guide.toml"
    guide.write_text(
        default_guide().read_text("utf-8").replace('version = "1.0"', 'version = "2.0"', 1),
        "utf-8",
    )
    codebook = tmp_path / "codebook.toml"
    codebook.write_text(
        default_codebook().read_text("utf-8").replace('version = "1.0"', 'version = "3.0"', 1),
        "utf-8",
    )
    before = stored(database)
    assert before == ("1.0", "1.0")

    dialog = SettingsDialog(session, study, has_interviews=False)
    choose(monkeypatch, guide)
    dialog.guide_button.click()
    choose(monkeypatch, codebook)
    dialog.codebook_button.click()
    assert "2.0" in dialog.guide_label.text() and "3.0" in dialog.codebook_label.text()
    dialog.reject()  # Cancel: nothing of it reaches the study
    assert stored(database) == before
    dialog.deleteLater()

    again = SettingsDialog(session, study, has_interviews=False)
    assert "2.0" not in again.guide_label.text()  # the cancelled choice is gone
    choose(monkeypatch, guide)
    again.guide_button.click()
    again._save()  # OK
    assert stored(database) == ("2.0", "1.0")
    again.deleteLater()


def test_a_broken_guide_chosen_in_settings_is_refused_and_changes_nothing(
    qapp, database, session, study, tmp_path, monkeypatch
):
    broken = tmp_path / "broken.toml"
    broken.write_text(default_guide().read_text("utf-8").replace("[[questions]]", "[[q]]"), "utf-8")
    dialog = SettingsDialog(session, study, has_interviews=False)
    choose(monkeypatch, broken)
    dialog.guide_button.click()
    assert str(broken) in dialog.refusal.text()
    dialog._save()
    assert stored(database) == ("1.0", "1.0")
    dialog.deleteLater()
