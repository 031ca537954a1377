"""The name the app proposes for an export holds none of a respondent's data (breaker11 F12):
driven through the main window's and the interview window's own Export actions; only the
native save dialog is replaced, to read what it was offered (and cancel)."""

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from interviewer.demo import add_sample_interview
from interviewer.export.file_names import NAME_BYTES, suggested_file_name
from interviewer.interviews import current_study
from interviewer.storage.database import open_database
from interviewer.ui import export_dialog
from interviewer.ui.main_window import MainWindow
from tests.ui.effects_windows import open_window

# a study name of 300 Danish letters (600 bytes in UTF-8) and characters no file name takes
LONG_STUDY = "Ærø/Æbeltoft: samarbejde*" + "æ" * 300


@pytest.fixture
def study(tmp_path):
    database = open_database(tmp_path / "study.sqlite")
    with database.session() as session:
        interview = add_sample_interview(session, interview_date=date(2017, 6, 20))
        current_study(session=session).name = LONG_STUDY
        session.commit()
        facts = (interview.id, interview.municipality, interview.respondent_name)
    yield database, facts
    database.close()


def offered(monkeypatch, *, kind_chosen=None) -> list[Path]:
    """Answers the export dialog with OK (after ``kind_chosen(dialog)``), and the save dialog
    with Cancel; returns the list the proposed paths are put in."""
    proposed: list[Path] = []

    def accept(dialog):
        if kind_chosen is not None:
            kind_chosen(dialog)
        return 1

    monkeypatch.setattr(export_dialog.ExportDialog, "exec", accept)
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda parent, caption, path, *rest, **k: (proposed.append(Path(path)), ("", ""))[1],
    )
    return proposed


def assert_neutral(name: str, facts) -> None:
    interview_id, municipality, respondent = facts
    assert len(name.encode("utf-8")) <= NAME_BYTES, name
    for personal in (municipality, respondent, "2017-06-20", "2017-06"):
        assert personal not in name, (personal, name)
    assert "/" not in name and ":" not in name and "*" not in name


@pytest.mark.parametrize(
    ("choose", "suffix", "first"),
    [
        (None, ".xlsx", "workbook-"),
        (lambda dialog: dialog.synthesis.setChecked(True), ".docx", "synthesis-"),
    ],
)
def test_the_study_export_proposes_the_study_and_todays_date(
    qtbot, study, monkeypatch, choose, suffix, first
):
    database, facts = study
    proposed = offered(monkeypatch, kind_chosen=choose)
    window = MainWindow(database)
    window.show()
    qtbot.waitExposed(window)
    try:
        window.export_study()
    finally:
        window.close()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    [path] = proposed
    kind = export_dialog.WORKBOOK if suffix == ".xlsx" else export_dialog.SYNTHESIS
    assert path.name == suggested_file_name(kind, study_name=LONG_STUDY)
    assert path.name.startswith(f"{first}Ærø-Æbeltoft-samarbejde-æææ")
    assert path.name.endswith(f"-{date.today().isoformat()}{suffix}")
    assert_neutral(path.name, facts)


@pytest.mark.parametrize("leave_out", [False, True])
def test_the_summary_proposes_a_neutral_name_whatever_is_left_out(
    qtbot, study, monkeypatch, leave_out
):
    database, facts = study
    proposed = offered(
        monkeypatch, kind_chosen=lambda dialog: dialog.no_personal_data.setChecked(leave_out)
    )
    window = open_window(qtbot, database, facts[0])
    window.export_summary()
    [path] = proposed
    assert path.name == f"interview-summary-{facts[0].hex[:8]}.docx"
    assert_neutral(path.name, facts)
