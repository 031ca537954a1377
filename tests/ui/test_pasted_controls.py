"""What a person pastes into a field holds only characters the record takes: the app drops
control characters, noncharacters and (on one line) bidi controls as they come in, the same
way the services do (text_rules), so a field never shows what will not be stored."""

from PySide6.QtWidgets import QApplication, QLineEdit

from interviewer.ui.fields import one_line_edit, text_area

PASTED = "Budget\x1b[2J talks\x07\x00 went\uffff well\u202e\nnext line\tand a tab"


def test_a_pasted_text_area_keeps_its_lines_and_drops_control_characters(qtbot):
    area = text_area()
    qtbot.addWidget(area)
    QApplication.clipboard().setText(PASTED)
    area.paste()
    assert area.toPlainText() == "Budget[2J talks went well\u202e\nnext line\tand a tab"


def test_a_pasted_one_line_field_drops_controls_and_bidi_controls(qtbot):
    field = one_line_edit(QLineEdit())
    qtbot.addWidget(field)
    QApplication.clipboard().setText(PASTED)
    field.paste()
    assert field.text() == "Budget[2J talks went well next line and a tab"
