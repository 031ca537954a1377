"""Date and time fields that are one Tab stop each and read dates as people write them.

A field is a line edit: ``3/5/2017``, ``03.05.2017``, ``3-5-17`` and ``3 May 2017`` are read day
first (the en-GB and Danish way), ``2017-05-03`` as ISO; times as ``9:05``, ``09.05``, ``0905``
or ``9``. Beside the field a quiet line says what was understood, or how to type it. A value
is taken only when the field is left or Enter is pressed, so a half-typed date is never saved;
text that cannot be read is put back to the last value. Alt+Down (or F4, or the button) opens a
calendar.

The fields mirror QDateEdit/QTimeEdit where pages use them (``date()``, ``setDate()``,
``dateChanged``), and add ``value()``/``set_value()`` with None for "no date".
"""

import re
from datetime import date, time

from babel.dates import format_date, format_time, get_month_names
from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTime, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from interviewer.i18n import language, tr
from interviewer.ui.fields import one_line_edit
from interviewer.ui.help_overlay import add_help_rows

_SEPARATOR = r"\s*[./\-]\s*"
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_FIRST = re.compile(rf"^(\d{{1,2}}){_SEPARATOR}(\d{{1,2}}){_SEPARATOR}(\d{{2}}|\d{{4}})\.?$")
_NAMED_MONTH = re.compile(r"^(\d{1,2})\.?\s+([^\W\d_]+)\.?,?\s+(\d{4})$")
_CLOCK = re.compile(r"^(\d{1,2})\s*[:.]\s*(\d{2})(?:\s*[:.]\s*(\d{2}))?$")
_DIGITS = re.compile(r"^(\d{1,4})$")
_HALF_DAY = re.compile(r"\s*([ap])\.?\s*m\.?$", re.IGNORECASE)


def babel_locale(lang: str | None = None) -> str:
    """The Babel locale of an app language: British English, or Danish."""
    return "da_DK" if (lang or language()) == "da" else "en_GB"


def _month_numbers(lang: str) -> dict[str, int]:
    """Month names and abbreviations of ``lang`` and of English, lower-case, to 1..12."""
    numbers: dict[str, int] = {}
    for locale in {babel_locale(lang), "en_GB"}:
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                numbers[name.lower().rstrip(".")] = number
    return numbers


def parse_date(text: str, lang: str | None = None) -> date | None:
    """The date ``text`` names, read day first (ISO year first); None for empty text.

    Raises ValueError when the text is not a date (or names one that does not exist).
    """
    text = text.strip()
    if not text:
        return None
    if match := _ISO.match(text):
        year, month, day = map(int, match.groups())
    elif match := _DAY_FIRST.match(text):
        day, month, year = map(int, match.groups())
        if len(match.group(3)) == 2:
            year += 2000
    elif match := _NAMED_MONTH.match(text):
        month = _month_numbers(lang or language()).get(match.group(2).lower())
        if month is None:
            raise ValueError("no such month")
        day, year = int(match.group(1)), int(match.group(3))
    else:
        raise ValueError("not a date")
    return date(year, month, day)  # raises ValueError for 31/2


def parse_time(text: str) -> time | None:
    """The time of day ``text`` names: "9:05", "09.05", "0905", "905", "9", "9.05 pm";
    None for empty text. Raises ValueError when it is not a time."""
    text = text.strip()
    if not text:
        return None
    half_day = _HALF_DAY.search(text)
    if half_day:
        text = text[: half_day.start()].strip()
    second = 0
    if match := _CLOCK.match(text):
        hour, minute = int(match.group(1)), int(match.group(2))
        second = int(match.group(3) or 0)
    elif match := _DIGITS.match(text):
        digits = match.group(1)
        hour, minute = (
            (int(digits), 0) if len(digits) <= 2 else (int(digits[:-2]), int(digits[-2:]))
        )
    else:
        raise ValueError("not a time")
    if half_day:
        if not 1 <= hour <= 12:
            raise ValueError("not a time")
        hour = hour % 12 + (12 if half_day.group(1).lower() == "p" else 0)
    return time(hour, minute, second)  # raises ValueError for 25:00


def date_text(value: date | None, lang: str | None = None) -> str:
    """A date as the field shows it: "03/05/2017" in English, "03.05.2017" in Danish."""
    return "" if value is None else format_date(value, "short", locale=babel_locale(lang))


def time_text(value: time | None, lang: str | None = None) -> str:
    """A time as the field shows it: "09:05" in English, "09.05" in Danish."""
    return "" if value is None else format_time(value, "short", locale=babel_locale(lang))


def help_rows() -> list[tuple[str, str]]:
    """The keys of date and time fields, for F1."""
    example = date(2017, 5, 3)
    return [
        (
            f"{date_text(example)} · 3/5/17 · {example.isoformat()}",
            tr("In a date field: day first, or year first with dashes; one Tab leaves it"),
        ),
        ("9:05 · 09.05 · 0905", tr("In a time field: hours and minutes, as you write them")),
        ("Alt+↓ / F4", tr("In a date field: the calendar (Enter takes the day, Esc goes back)")),
    ]


add_help_rows(help_rows)


class _WhenLeft(QObject):
    def __init__(self, widget: QLineEdit, holder: QWidget, callback):
        super().__init__(widget)
        self.widget, self.holder, self.callback = widget, holder, callback
        self.watching = False
        widget.returnPressed.connect(callback)

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        if not isValid(self.widget):  # a window closing takes the focus from a field it deletes
            return False
        if event.type() == QEvent.Type.FocusOut:
            if event.reason() == Qt.FocusReason.PopupFocusReason:
                # a completer's list took the focus: the field is left only if the focus
                # then goes on elsewhere (Tab while the list shows) rather than back
                self._watch(True)
            else:
                self.callback()
        return False

    def _watch(self, on: bool) -> None:
        if on != self.watching:
            self.watching = on
            focus_changed = QApplication.instance().focusChanged
            if on:
                focus_changed.connect(self._focus_changed)
            else:
                focus_changed.disconnect(self._focus_changed)

    def _focus_changed(self, _old, now) -> None:
        if not isValid(self.widget):
            self._watch(False)
        elif now is self.holder or now is self.widget:
            self._watch(False)  # back in the field
        elif now is not None and not now.window().windowFlags() & Qt.WindowType.Popup:
            self._watch(False)
            self.callback()


def when_left(widget: QLineEdit, callback, *, focus_holder: QWidget | None = None) -> None:
    """Calls ``callback()`` when the focus leaves ``widget`` or Enter is pressed in it.
    ``focus_holder`` is the widget that really holds the focus, when another does (an
    editable combo box for its line edit).

    Unlike ``editingFinished`` it also fires for a field emptied while a completer is set
    (Qt then stays silent), so a rule applied on leaving is applied every time."""
    holder = focus_holder or widget
    holder.installEventFilter(_WhenLeft(widget, holder, callback))


class _TypedField(QWidget):
    """A line edit holding one value, taken when the field is left or Enter is pressed."""

    committed = Signal(object)  # the new value (a date or time, or None)

    def __init__(self, parent=None, *, optional: bool = False, placeholder: str = ""):
        super().__init__(parent)
        self.optional = optional
        self._value = None
        self.edit = one_line_edit(QLineEdit(placeholderText=placeholder))
        self.understood = QLabel()
        self.understood.setObjectName("hint")
        self.understood.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.edit)
        self.row = row
        # one Tab stop: the line edit; Tab goes on to the next field
        self.setFocusProxy(self.edit)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        width = self.edit.fontMetrics().horizontalAdvance(self.widest_text()) + 24
        self.edit.setMinimumWidth(width)
        self.edit.setMaximumWidth(width * 2)
        self.edit.textEdited.connect(self._typed)
        when_left(self.edit, self.commit_text)

    # for subclasses
    def parse(self, text: str):
        raise NotImplementedError

    def show_text(self, value) -> str:
        raise NotImplementedError

    def understood_text(self, value) -> str:
        return self.show_text(value)

    def hint_text(self) -> str:
        raise NotImplementedError

    def widest_text(self) -> str:
        raise NotImplementedError

    # the value
    def value(self):
        """The value last taken (None: empty)."""
        return self._value

    def set_value(self, value) -> None:
        """Shows a stored value, without it counting as an edit."""
        self._value = value
        self.edit.setText(self.show_text(value))
        self.understood.hide()

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 - Qt's name
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)

    def _typed(self, text: str) -> None:
        try:
            value = self.parse(text)
        except ValueError:
            self._say(self.hint_text())
            return
        self._say(self.understood_text(value) if value is not None else "")

    def _say(self, text: str) -> None:
        self.understood.setText(text)
        self.understood.setVisible(bool(text))

    def commit_text(self) -> None:
        """Takes the typed text as the value, if it reads as one; otherwise shows the last
        value again, with a word on why."""
        text = self.edit.text()
        if text == self.show_text(self._value):
            self.understood.hide()  # untouched: the stored value, seconds and all, stays
            return
        try:
            value = self.parse(text)
            if value is None and not self.optional:
                raise ValueError("empty")
        except ValueError:
            kept = self.show_text(self._value) or tr("empty")
            self.edit.setText(self.show_text(self._value))
            self._say(tr("Could not read that; it stays {value}.", value=kept))
            return
        self.take(value)

    def take(self, value) -> None:
        """Makes ``value`` the field's value, as if typed, and tells the listeners."""
        self.edit.setText(self.show_text(value))
        self.understood.hide()
        if value != self._value:
            self._value = value
            self.committed.emit(value)


class DateField(_TypedField):
    """A date typed as people write it, with a calendar on Alt+Down."""

    dateChanged = Signal(QDate)  # noqa: N815 - QDateEdit's name

    def __init__(self, value: date | None = None, parent=None, *, optional: bool = False):
        super().__init__(parent, optional=optional, placeholder=tr("day/month/year"))
        self.button = QToolButton()
        self.button.setText("▾")
        self.button.setToolTip(tr("Calendar (Alt+Down)"))
        self.button.setAccessibleName(tr("Calendar"))
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys are Alt+Down and F4
        self.button.clicked.connect(self.open_calendar)
        self.row.addWidget(self.button)
        self.row.addWidget(self.understood)
        self.row.addStretch()
        for keys in ("Alt+Down", "F4"):
            opener = QShortcut(QKeySequence(keys), self.edit)
            opener.setContext(Qt.ShortcutContext.WidgetShortcut)
            opener.activated.connect(self.open_calendar)
        self.committed.connect(
            lambda value: self.dateChanged.emit(QDate(value) if value else QDate())
        )
        self.popup: QWidget | None = None
        self.set_value(value)

    def parse(self, text):
        return parse_date(text)

    def show_text(self, value):
        return date_text(value)

    def understood_text(self, value):
        return format_date(value, "full", locale=babel_locale())

    def hint_text(self):
        example = date(2017, 5, 3)
        return tr(
            "Type a date such as {example} or {iso}",
            example=date_text(example),
            iso=example.isoformat(),
        )

    def widest_text(self):
        return "00/00/0000"

    # QDateEdit's names, so pages can use either
    def date(self) -> QDate:
        return QDate(self._value) if self._value else QDate()

    def setDate(self, value: QDate) -> None:  # noqa: N802 - QDateEdit's name
        self.set_value(value.toPython() if value.isValid() else None)

    def open_calendar(self) -> None:
        """Shows a calendar under the field; Enter or a click takes the day, Esc goes back."""
        popup = QWidget(self, Qt.WindowType.Popup)
        calendar = QCalendarWidget(popup)
        calendar.setGridVisible(False)
        if self._value:
            calendar.setSelectedDate(QDate(self._value))
        layout = QVBoxLayout(popup)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(calendar)

        def picked(day: QDate) -> None:
            popup.close()
            self.take(day.toPython())
            self.edit.setFocus(Qt.FocusReason.PopupFocusReason)

        calendar.activated.connect(picked)
        calendar.clicked.connect(picked)
        popup.installEventFilter(_FocusBackOnClose(self.edit, popup))
        popup.move(self.edit.mapToGlobal(self.edit.rect().bottomLeft()))
        popup.show()
        calendar.setFocus(Qt.FocusReason.PopupFocusReason)
        self.popup = popup


class _FocusBackOnClose(QObject):
    def __init__(self, target: QWidget, parent):
        super().__init__(parent)
        self.target = target

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Close:
            self.target.setFocus(Qt.FocusReason.PopupFocusReason)
        return False


class TimeField(_TypedField):
    """A time of day, typed as "9:05", "09.05" or "0905"; empty when ``optional``."""

    timeChanged = Signal(QTime)  # noqa: N815 - QTimeEdit's name

    def __init__(
        self,
        value: time | None = None,
        parent=None,
        *,
        optional: bool = False,
        placeholder: str = "",
    ):
        super().__init__(parent, optional=optional, placeholder=placeholder or tr("hh:mm"))
        self.row.addWidget(self.understood)
        self.row.addStretch()
        self.committed.connect(
            lambda value: self.timeChanged.emit(QTime(value) if value else QTime())
        )
        self.set_value(value)

    def parse(self, text):
        return parse_time(text)

    def show_text(self, value):
        return time_text(value)

    def hint_text(self):
        return tr("Type a time such as {example}", example="9:05, 09.05, 0905")

    def widest_text(self):
        return "00:00 "

    def time(self) -> QTime:
        return QTime(self._value) if self._value else QTime()

    def setTime(self, value: QTime) -> None:  # noqa: N802 - QTimeEdit's name
        self.set_value(value.toPython() if value.isValid() else None)
