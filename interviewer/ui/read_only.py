"""A window that only shows: every editor in it read-only or disabled, lists still browsable.

Used when the database file is open for writing in another copy of the app. The walk is
generic (by widget kind), and widgets a page creates or re-enables later are caught too, so
no page has to know. A widget that only shows or navigates (an export button, the side-panel
toggle) keeps working when it sets the ``KEEP_ENABLED`` property to True.
"""

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTextEdit,
    QWidget,
)

KEEP_ENABLED = "keepsEnabledWhenReadOnly"
_LOCKED = "lockedReadOnly"
_LOCKED_WINDOW = "readOnlyWindow"


def keep_enabled(widget: QWidget) -> QWidget:
    """Marks a widget that changes nothing (it shows, exports or navigates)."""
    widget.setProperty(KEEP_ENABLED, True)
    return widget


def _kept(widget: QWidget) -> bool:
    while widget is not None:
        if widget.property(KEEP_ENABLED):
            return True
        widget = widget.parentWidget()
        if widget is not None and widget.isWindow():
            return bool(widget.property(KEEP_ENABLED))
    return False


def lock_widget(widget: QWidget) -> None:
    """Makes one widget unable to change anything, by its kind."""
    if _kept(widget):
        return
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit | QAbstractSpinBox):
        widget.setReadOnly(True)  # text can still be selected and copied
        if isinstance(widget, QAbstractSpinBox):
            widget.setEnabled(False)  # its arrows and calendar would still step it
            widget.setProperty(_LOCKED, True)
    elif isinstance(widget, QAbstractItemView):
        widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        widget.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
    elif isinstance(widget, QComboBox | QAbstractButton) or (
        isinstance(widget, QAbstractSlider) and not isinstance(widget, QScrollBar)
    ):
        if isinstance(widget.parentWidget(), QAbstractSpinBox | QComboBox):
            return  # part of a field locked as a whole
        widget.setProperty(_LOCKED, True)
        widget.setEnabled(False)


class _Guard(QObject):
    """Locks widgets that appear later in a locked window, and undoes a page's re-enabling."""

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.EnabledChange:
            if watched.isWidgetType() and watched.property(_LOCKED) and watched.isEnabled():
                watched.setEnabled(False)
        elif (
            kind == QEvent.Type.Polish
            and watched.isWidgetType()
            and watched.window().property(_LOCKED_WINDOW)
        ):
            lock_widget(watched)
        return False


_guard: _Guard | None = None
_locked_windows = 0


def _window_gone(*_args) -> None:
    # the app-wide filter stays only while a locked window lives: none is left at exit
    global _guard, _locked_windows
    _locked_windows -= 1
    if _locked_windows <= 0 and _guard is not None:
        application = QApplication.instance()
        if application is not None:
            application.removeEventFilter(_guard)
        _guard, _locked_windows = None, 0


def make_read_only(window: QWidget) -> None:
    """Locks every input widget of ``window`` now and whenever one appears or is re-enabled."""
    global _guard, _locked_windows
    if _guard is None:
        _guard = _Guard()
        QApplication.instance().installEventFilter(_guard)
    window.setProperty(_LOCKED_WINDOW, True)
    _locked_windows += 1
    window.destroyed.connect(_window_gone)
    for widget in window.findChildren(QWidget):
        lock_widget(widget)


def is_locked(widget: QWidget) -> bool:
    """Whether ``widget`` can change nothing: read-only, disabled, or not an input at all."""
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
        return widget.isReadOnly() or not widget.isEnabled()
    if isinstance(widget, QComboBox | QAbstractButton | QAbstractSpinBox) or (
        isinstance(widget, QAbstractSlider) and not isinstance(widget, QScrollBar)
    ):
        return not widget.isEnabled() or _kept(widget)
    if isinstance(widget, QAbstractItemView):
        return widget.dragDropMode() == QAbstractItemView.DragDropMode.NoDragDrop
    return True
