"""Dates and times typed as people write them, one Tab stop each, in both languages."""

from datetime import date, time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from interviewer.i18n import set_language
from interviewer.ui.date_fields import DateField, TimeField, parse_date, parse_time
from tests.ui.keyboard import focused, press, type_text

MAY_3 = date(2017, 5, 3)
DATE_FORMS = [
    "3/5/2017",
    "03/05/2017",
    "03.05.2017",
    "3.5.2017",
    "2017-05-03",
    "3-5-2017",
    "3/5/17",
    "3. 5. 2017",
]
NAMED = {"en": ["3 May 2017", "3 may 2017"], "da": ["3. maj 2017", "3 maj 2017", "3 May 2017"]}
TIME_FORMS = {
    "9:05": time(9, 5),
    "09:05": time(9, 5),
    "09.05": time(9, 5),
    "0905": time(9, 5),
    "905": time(9, 5),
    "9": time(9, 0),
    "14.30": time(14, 30),
    "2:30 pm": time(14, 30),
    "9:05:30": time(9, 5, 30),
}


@pytest.fixture(params=["en", "da"])
def lang(request):
    set_language(request.param)
    yield request.param
    set_language("en")


def form_with(qtbot, field):
    """The field between two line edits, in a shown window with the focus in the first."""
    window = QWidget()
    form = QFormLayout(window)
    before, after = QLineEdit(), QLineEdit()
    for widget in (before, field, after):
        form.addRow("x", widget)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    before.setFocus()
    qtbot.waitUntil(lambda: focused() is before)
    before.window_ref = window  # the window lives as long as its fields are used
    return before, after


def test_every_date_form_typed_and_one_tab_later_it_is_the_date(qtbot, lang):
    for text in DATE_FORMS + NAMED[lang]:
        field = DateField(date(2026, 1, 1))
        taken = []
        field.committed.connect(taken.append)
        before, after = form_with(qtbot, field)
        press(Qt.Key.Key_Tab)
        assert focused() is field.edit
        field.edit.selectAll()
        type_text(text)
        assert taken == [], "a date is taken only when the field is left"
        press(Qt.Key.Key_Tab)
        assert focused() is after, f"one Tab leaves the date field ({text})"
        assert (field.value(), taken) == (MAY_3, [MAY_3]), text
        assert field.edit.text() == ("03.05.2017" if lang == "da" else "03/05/2017")
        before.window().close()


def test_an_untouched_date_or_time_is_left_with_one_tab_and_keeps_its_value(qtbot, lang):
    for field, value in (
        (DateField(MAY_3), MAY_3),
        (TimeField(time(9, 5, 37)), time(9, 5, 37)),
    ):
        taken = []
        field.committed.connect(taken.append)
        before, after = form_with(qtbot, field)
        press(Qt.Key.Key_Tab)
        press(Qt.Key.Key_Tab)
        assert focused() is after
        assert (field.value(), taken) == (value, [])  # the seconds are not dropped


def test_every_time_form_typed_is_read(qtbot, lang):
    for text, expected in TIME_FORMS.items():
        field = TimeField(time(8, 0))
        before, after = form_with(qtbot, field)
        press(Qt.Key.Key_Tab)
        field.edit.selectAll()
        type_text(text)
        press(Qt.Key.Key_Tab)
        assert focused() is after
        assert field.value() == expected, text
        assert field.edit.text() == expected.strftime("%H.%M" if lang == "da" else "%H:%M")


def test_unreadable_text_shows_a_hint_and_keeps_the_last_date(qtbot, lang):
    field = DateField(MAY_3)
    taken = []
    field.committed.connect(taken.append)
    before, after = form_with(qtbot, field)
    press(Qt.Key.Key_Tab)
    field.edit.selectAll()
    type_text("3/5/20x")
    assert field.understood.isVisible() and "2017-05-03" in field.understood.text()
    press(Qt.Key.Key_Tab)
    assert (field.value(), taken) == (MAY_3, [])
    assert field.edit.text() == ("03.05.2017" if lang == "da" else "03/05/2017")
    assert field.understood.isVisible()  # says why the text went back


def test_what_the_field_understood_is_shown_while_typing(qtbot, lang):
    field = DateField(date(2026, 1, 1))
    form_with(qtbot, field)
    press(Qt.Key.Key_Tab)
    field.edit.selectAll()
    type_text("3/5/2017")
    assert field.understood.text() == (
        "onsdag den 3. maj 2017" if lang == "da" else "Wednesday, 3 May 2017"
    )


def test_an_optional_time_can_be_emptied_and_a_required_date_cannot(qtbot):
    end = TimeField(time(10, 0), optional=True)
    before, after = form_with(qtbot, end)
    press(Qt.Key.Key_Tab)
    end.edit.selectAll()
    press(Qt.Key.Key_Delete)
    press(Qt.Key.Key_Tab)
    assert end.value() is None
    day = DateField(MAY_3)
    form_with(qtbot, day)
    press(Qt.Key.Key_Tab)
    day.edit.selectAll()
    press(Qt.Key.Key_Delete)
    press(Qt.Key.Key_Tab)
    assert day.value() == MAY_3


def test_the_calendar_opens_on_alt_down_and_enter_takes_the_day(qtbot):
    field = DateField(MAY_3)
    before, after = form_with(qtbot, field)
    press(Qt.Key.Key_Tab)
    press(Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: field.popup is not None and field.popup.isVisible())
    press(Qt.Key.Key_Right)  # the next day
    press(Qt.Key.Key_Return)
    assert field.value() == date(2017, 5, 4)
    qtbot.waitUntil(lambda: focused() is field.edit)
    press(Qt.Key.Key_Tab)
    assert focused() is after


@pytest.mark.parametrize("text", ["31/2/2017", "2017-13-01", "3/5", "yesterday", "3 Mai 2017x"])
def test_what_is_not_a_date_is_refused(text):
    with pytest.raises(ValueError):
        parse_date(text, "en")


@pytest.mark.parametrize("text", ["25:00", "9:60", "13 pm", "nine", "12345"])
def test_what_is_not_a_time_is_refused(text):
    with pytest.raises(ValueError):
        parse_time(text)


def test_f1_lists_the_date_and_time_keys(qtbot, lang):
    from interviewer.guide import load_guide
    from interviewer.ui.help_overlay import shortcuts

    keys = [row[0] for row in shortcuts(load_guide())]
    assert "Alt+↓ / F4" in keys
    assert any("2017-05-03" in row and "03" in row for row in keys)
    assert any(row.startswith("9:05") for row in keys)
