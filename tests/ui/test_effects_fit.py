"""At the smallest and largest text size, in both languages, the figures of question 4 show
whole and no placeholder on question 4, the side panel or the quote box is cut."""

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit

from interviewer import interviews as svc
from interviewer.i18n import set_language
from interviewer.ui.settings import DEFAULT_FONT_SIZE, FONT_SIZES
from interviewer.ui.style import apply_style
from tests.ui.effects_windows import blank_interview, open_window
from tests.ui.keyboard import in_modal, shortcut

SIZES = (min(FONT_SIZES), max(FONT_SIZES))


@pytest.fixture
def sized(request):
    yield
    apply_style(QApplication.instance(), DEFAULT_FONT_SIZE)
    set_language("en")


def cut_placeholders(widget) -> list[str]:
    cut = []
    for field in widget.findChildren(QLineEdit):
        text = field.placeholderText()
        if not field.isVisible() or not text:
            continue
        room = field.contentsRect().width() - 8  # the frame's and the text's own margins
        if field.fontMetrics().horizontalAdvance(text) > room:
            cut.append(text)
    return cut


@pytest.mark.parametrize("lang", ["en", "da"])
@pytest.mark.parametrize("size", SIZES)
def test_figures_show_whole_and_no_placeholder_is_cut(qtbot, database, sized, lang, size):
    set_language(lang)
    apply_style(QApplication.instance(), size)
    interview_id = blank_interview(database, initiatives=("Joint budget for families",))
    with database.session() as session:
        [initiative] = svc.live_initiatives(session=session, interview_id=interview_id)
        svc.add_effect(
            session=session,
            initiative_id=initiative.id,
            description="Fewer placements outside the home",
            baseline=1250000.5,
            current=1100,
        )
    window = open_window(qtbot, database, interview_id)
    window.resize(1366, 740)
    page = next(page for page in window.pages if page.key == "effects")
    window.go_to_step(window.pages.index(page))
    window.panel_button.setChecked(True)  # the side panel open, as in a meeting
    QApplication.processEvents()
    for field in (page.baseline, page.current):
        assert field.text(), "the selected effect's figure is shown"
        room = field.contentsRect().width() - 8
        assert field.fontMetrics().horizontalAdvance(field.text()) <= room, field.text()
        field.setCursorPosition(0)
    assert cut_placeholders(window) == []
    shown = {}

    def look(box):
        QApplication.processEvents()
        shown["cut"] = cut_placeholders(box)
        box.reject()

    in_modal(lambda: shortcut("Ctrl+G"), look)
    assert shown["cut"] == []
