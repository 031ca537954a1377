"""File › Restore from a backup… with a backup of another study: the app asks first (the
command line needs --other-database); No changes nothing and closes nothing, Yes restores."""

from PySide6.QtWidgets import QMessageBox

from interviewer.storage.backup import kept_backups
from tests.helpers import database_content
from tests.storage.test_database import make_demo_file
from tests.ui.test_restore_dialog import Said, close_app, start_app


def test_a_backup_of_another_study_is_restored_only_when_the_person_says_so(
    qapp, tmp_path, monkeypatch
):
    path = make_demo_file(tmp_path / "study.sqlite", interviews=4)
    other = make_demo_file(tmp_path / "other" / "another.sqlite", interviews=2)
    before, theirs = database_content(path), database_content(other)
    said = Said(monkeypatch)
    asked = []

    def answer(reply):
        def question(_parent, _title, text, *_args):
            asked.append(text)
            return reply

        return question

    app = start_app(qapp, path)
    try:
        window = app.main_window
        monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
        assert not app.restore_from(other)
        assert "another database (another study)" in asked[-1]
        assert app.main_window is window and window.isVisible()
        assert database_content(path) == before and kept_backups(path) == []
        monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
        assert app.restore_from(other)
        assert database_content(path) == theirs
        assert len(kept_backups(path)) == 1
        assert said.messages[-1][0] == "information"
    finally:
        close_app(app)
