"""Exporting from the app: options from the dialog, work in the background, cancel."""

import pytest
from openpyxl import load_workbook

from interviewer.demo import generate_demo
from interviewer.interviews import current_study, study_codes
from interviewer.storage.database import open_database
from interviewer.storage.models import CodeKind
from interviewer.ui.export_dialog import WORKBOOK, ExportDialog, start_export
from tests.ui.test_app import close_next_dialog


@pytest.fixture
def demo_path(tmp_path):
    database = open_database(tmp_path / "study.sqlite")
    generate_demo(database, interviews=300, seed=4)
    with database.session() as session:
        areas = study_codes(
            session=session, study=current_study(session=session), kind=CodeKind.SERVICE_AREA
        )
    database.close()
    return tmp_path / "study.sqlite", areas


def test_the_dialog_builds_the_options(qtbot, demo_path):
    _, areas = demo_path
    dialog = ExportDialog(areas=areas, interviewers=["Ole Dahl", "Sofie Bæk"])
    qtbot.addWidget(dialog)
    dialog.synthesis.setChecked(True)
    dialog.area.setCurrentIndex(dialog.area.findData("employment"))
    dialog.interviewer.setCurrentIndex(dialog.interviewer.findData("Sofie Bæk"))
    dialog.status.setCurrentIndex(dialog.status.findData("complete"))
    dialog.date_from[0].setChecked(True)
    dialog.language.setCurrentIndex(dialog.language.findData("da"))
    dialog.no_personal_data.setChecked(True)
    options = dialog.options()
    assert dialog.kind() == "synthesis"
    assert options.filter.service_areas == ("employment",)
    assert options.filter.interviewers == ("Sofie Bæk",)
    assert options.filter.status == "complete"
    assert options.filter.date_from is not None and options.filter.date_to is None
    assert (options.language, options.personal_data) == ("da", False)


def test_an_export_runs_in_the_background_and_writes_the_file(qtbot, demo_path, tmp_path):
    path, _ = demo_path
    out = tmp_path / "study.xlsx"
    parent = ExportDialog()
    qtbot.addWidget(parent)
    task = start_export(parent, WORKBOOK, path, out, parent.options(), offer_to_open=False)
    with qtbot.waitSignal(task.worker.finished, timeout=60_000):
        pass
    qtbot.waitUntil(out.exists)
    workbook = load_workbook(out, read_only=True)
    assert sum(1 for _ in workbook["Interviews"].iter_rows()) == 301
    workbook.close()


def test_cancel_writes_nothing(qtbot, demo_path, tmp_path):
    path, _ = demo_path
    out = tmp_path / "cancelled.xlsx"
    parent = ExportDialog()
    qtbot.addWidget(parent)
    task = start_export(parent, WORKBOOK, path, out, parent.options(), offer_to_open=False)
    task.worker.stop.set()  # as the Cancel button does
    with qtbot.waitSignal(task.worker.cancelled, timeout=60_000):
        pass
    assert not out.exists()
    assert not list(tmp_path.glob(".*.partial"))


def test_a_failed_export_says_why(qtbot, demo_path, tmp_path):
    path, _ = demo_path
    parent = ExportDialog()
    qtbot.addWidget(parent)
    seen: list[str] = []
    close_next_dialog(seen)
    _running = start_export(parent, WORKBOOK, path, tmp_path / "no" / "x.xlsx", parent.options())
    # the box the person sees is the sign: a failure this fast can come before a waitSignal
    # on the worker would be connected, and be missed by it
    qtbot.waitUntil(lambda: bool(seen), timeout=60_000)
    assert "Nothing was written" in seen[0] and "does not exist" in seen[0]


@pytest.mark.parametrize("kind", [WORKBOOK, "synthesis"])
def test_a_filter_that_chooses_nothing_is_said_and_nothing_written(
    qtbot, demo_path, tmp_path, kind
):
    from datetime import date

    from interviewer.export.options import ExportOptions, InterviewFilter

    path, _ = demo_path
    out = tmp_path / ("never.xlsx" if kind == WORKBOOK else "never.docx")
    parent = ExportDialog()
    qtbot.addWidget(parent)
    seen: list[str] = []
    close_next_dialog(seen)
    chosen = ExportOptions(filter=InterviewFilter(date_from=date(2099, 1, 1)))
    _running = start_export(parent, kind, path, out, chosen)
    # the box the person sees is the sign: a failure this fast can come before a waitSignal
    # on the worker would be connected, and be missed by it
    qtbot.waitUntil(lambda: bool(seen), timeout=60_000)
    assert seen == [
        "Nothing was written: no interview matches the filter chosen; choose fewer conditions."
    ]
    assert not out.exists() and not list(tmp_path.glob(".*.partial"))
