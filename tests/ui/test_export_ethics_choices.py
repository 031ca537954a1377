"""The export dialog offers the research-ethics choices of the command line, at the safe
defaults, reachable by keyboard, and builds ExportOptions from them."""

from PySide6.QtCore import Qt

from interviewer.export.options import Attribution, ExportOptions
from interviewer.i18n import set_language
from interviewer.ui.export_dialog import ExportDialog


def test_the_study_dialog_starts_at_the_safe_defaults(qtbot):
    dialog = ExportDialog(interviewers=["Ole Dahl"])
    qtbot.addWidget(dialog)
    options = dialog.options()
    safe = ExportOptions()
    assert options.attribution is Attribution.ROLE
    assert options.quotes_without_consent is False
    assert options.smallest_group == safe.smallest_group == 3
    assert options.internal_notes is False
    assert options.personal_data is True


def test_the_study_dialog_builds_every_ethics_choice(qtbot):
    dialog = ExportDialog(interviewers=["Ole Dahl"])
    qtbot.addWidget(dialog)
    dialog.synthesis.setChecked(True)
    dialog.attribution.setCurrentIndex(
        dialog.attribution.findData(Attribution.ROLE_AREA_AND_MUNICIPALITY.value)
    )
    dialog.quotes_without_consent.setChecked(True)
    dialog.smallest_group.setValue(5)
    dialog.no_personal_data.setChecked(True)
    options = dialog.options()
    assert options.attribution is Attribution.ROLE_AREA_AND_MUNICIPALITY
    assert options.quotes_without_consent is True
    assert options.smallest_group == 5
    assert options.personal_data is False
    assert options.internal_notes is False  # a study export holds no one's summary


def test_k_cannot_go_below_one_by_typing(qtbot):
    dialog = ExportDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.synthesis.setChecked(True)  # k is the synthesis's choice
    dialog.smallest_group.setFocus()
    dialog.smallest_group.selectAll()
    qtbot.keyClicks(dialog.smallest_group, "0")
    dialog.smallest_group.interpretText()
    assert dialog.options().smallest_group >= 1
    for _ in range(5):
        qtbot.keyClick(dialog.smallest_group, Qt.Key.Key_Down)
    assert dialog.options().smallest_group == 1


def test_one_interviews_summary_offers_the_internal_notes(qtbot):
    dialog = ExportDialog(one_interview=True)
    qtbot.addWidget(dialog)
    assert dialog.options().internal_notes is False
    dialog.internal_notes.setChecked(True)
    options = dialog.options()
    assert options.internal_notes is True
    assert options.attribution is Attribution.ROLE  # the rest keeps its defaults


def test_every_choice_is_reached_by_tab(qtbot):
    dialog = ExportDialog(interviewers=["Ole Dahl"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.synthesis.setChecked(True)  # the workbook uses none of the synthesis's choices
    dialog.workbook.setFocus()
    reached = set()
    for _ in range(40):
        reached.add(dialog.focusWidget())
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    for widget in (
        dialog.no_personal_data,
        dialog.attribution,
        dialog.quotes_without_consent,
        dialog.smallest_group,
    ):
        assert widget in reached or widget.focusProxy() in reached, widget


def test_the_workbook_offers_only_the_choices_it_uses(qtbot):
    """Attribution, consent and k shape the synthesis only (the workbook holds every quote
    and marks consent): with the workbook chosen they cannot be changed, and the options
    keep their defaults, as the command line refuses them for `export xlsx`."""
    dialog = ExportDialog(interviewers=["Ole Dahl"])
    qtbot.addWidget(dialog)
    synthesis_only = (dialog.attribution, dialog.quotes_without_consent, dialog.smallest_group)
    dialog.synthesis.setChecked(True)
    dialog.quotes_without_consent.setChecked(True)
    dialog.smallest_group.setValue(7)
    assert all(widget.isEnabled() for widget in synthesis_only)
    assert dialog.options().smallest_group == 7
    dialog.workbook.setChecked(True)
    assert not any(widget.isEnabled() for widget in synthesis_only)
    options = dialog.options()
    assert (options.smallest_group, options.quotes_without_consent) == (3, False)
    assert dialog.no_personal_data.isEnabled() and dialog.language.isEnabled()
    assert dialog.area.isEnabled() and dialog.interviewer.isEnabled()  # it filters too
    dialog.synthesis.setChecked(True)
    assert all(widget.isEnabled() for widget in synthesis_only)
    assert dialog.options().smallest_group == 7  # the choice made is still there


def test_the_choices_speak_danish(qtbot):
    set_language("da")
    try:
        dialog = ExportDialog()
        qtbot.addWidget(dialog)
        texts = [dialog.attribution.itemText(i) for i in range(dialog.attribution.count())]
        assert texts == ["Kun rolle", "Rolle og område", "Rolle, område og kommune"]
        assert dialog.no_personal_data.text() == "Udelad personoplysninger"
        assert "respondentens navn" in dialog.no_personal_data.accessibleDescription()
    finally:
        set_language("en")


def test_dates_the_wrong_way_round_are_refused_before_a_file_is_asked_for(qtbot):
    """The export's own sentence (options.check_dates), said by the dialog's OK; the dialog
    stays open to choose other dates. The rest of a filter is the export's to refuse."""
    from datetime import date

    from PySide6.QtWidgets import QDialog

    from tests.ui.test_app import close_next_dialog

    dialog = ExportDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    (from_check, from_edit), (to_check, to_edit) = dialog.date_from, dialog.date_to
    from_check.setChecked(True)
    to_check.setChecked(True)
    from_edit.set_value(date(2018, 1, 1))
    to_edit.set_value(date(2017, 1, 1))
    seen: list[str] = []
    close_next_dialog(seen)
    dialog.accept()
    assert seen == [
        "the first date chosen (2018-01-01) is after the last (2017-01-01), so no interview "
        "can be between them"
    ]
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    to_edit.set_value(date(2018, 1, 1))  # one day: from and to alike is a choice
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
