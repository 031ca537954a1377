"""Tab follows the screen: the tab order of a page or dialog set from where its fields are.

Top to bottom, and left to right within a row. Two widgets are on one row when their vertical
middles are closer than half the smaller one's height (so a check box beside a taller date
field, or a button beside a line edit, counts as the same row). The buttons of one exclusive
group (a rating scale) are one Tab stop for Qt, so they stay together, placed where their
first button is.

``keep_visual_tab_order(widget)`` applies the order each time the widget is shown (pages and
dialogs finish building after their constructor, and step pages change what they show);
``set_visual_tab_order(widget)`` applies it now.
"""

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QRadioButton,
    QScrollArea,
    QWidget,
)

from interviewer.ui.later import call_later


def screen_rect(widget: QWidget) -> QRect:
    """The widget's rectangle in global (screen) coordinates."""
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def same_row(a: QRect, b: QRect) -> bool:
    """True when two rectangles sit on one row of the screen."""
    return abs(a.center().y() - b.center().y()) * 2 < min(a.height(), b.height())


def visual_order(widgets: Iterable[QWidget]) -> list[QWidget]:
    """``widgets`` top to bottom, then left to right within each row."""
    placed = sorted(
        ((screen_rect(w), w) for w in widgets), key=lambda pair: (pair[0].top(), pair[0].left())
    )
    rows: list[list[tuple[QRect, QWidget]]] = []
    for rect, widget in placed:
        if rows and same_row(rows[-1][0][0], rect):
            rows[-1].append((rect, widget))
        else:
            rows.append([(rect, widget)])
    return [widget for row in rows for _, widget in sorted(row, key=lambda p: p[0].left())]


def _outer(widget: QWidget, container: QWidget) -> QWidget | None:
    """The widget Tab stops at for ``widget``, as the tab order names it: the compound widget
    it is the focus proxy of (an editable combo for its line edit, a date field for its
    edit), itself, or None for an inner part that is no Tab stop of its own."""
    outer = widget
    parent = widget.parentWidget()
    while parent is not None and parent is not container:
        if parent.focusProxy() is outer:
            outer = parent
        elif isinstance(parent, (QComboBox, QAbstractSpinBox)):
            return None
        parent = parent.parentWidget()
    return outer


def tab_stops(container: QWidget) -> list[QWidget]:
    """The widgets inside ``container`` that Tab can stop at (enabled or not), shown ones only,
    each named by its outermost compound widget."""
    stops: list[QWidget] = []
    for widget in container.findChildren(QWidget):
        # every button of an exclusive group, even those a page takes out of Tab (a
        # roving Tab stop on the chosen point), so the group stays together in the chain
        tab = widget.focusPolicy() & Qt.FocusPolicy.TabFocus or (
            _group_key(widget) is not None and widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        )
        if (
            tab
            and widget.focusProxy() is None
            and not widget.isWindow()
            and widget.isVisibleTo(container)
            and not isinstance(widget, QScrollArea)
        ):
            outer = _outer(widget, container)
            if outer is not None and outer not in stops:
                stops.append(outer)
    return stops


def _group_key(widget: QWidget):
    """What makes buttons one Tab stop: their exclusive group, or their shared parent for
    auto-exclusive radio buttons."""
    if isinstance(widget, QAbstractButton):
        group = widget.group()
        if group is not None and group.exclusive():
            return ("group", id(group))
        if group is None and isinstance(widget, QRadioButton) and widget.autoExclusive():
            return ("parent", id(widget.parentWidget()))
    return None


def visual_tab_chain(container: QWidget) -> list[QWidget]:
    """The Tab stops of ``container`` in screen order, each exclusive group kept together."""
    ordered = visual_order(tab_stops(container))
    chain: list[QWidget] = []
    seen: set = set()
    for widget in ordered:
        key = _group_key(widget)
        if key is None:
            chain.append(widget)
        elif key not in seen:
            seen.add(key)
            chain.extend(w for w in ordered if _group_key(w) == key)
    return chain


def set_visual_tab_order(container: QWidget) -> list[QWidget]:
    """Sets the tab order inside ``container`` to its screen order; returns the chain."""
    chain = visual_tab_chain(container)
    for first, second in zip(chain, chain[1:], strict=False):
        QWidget.setTabOrder(first, second)
    return chain


class _VisualTabOrder(QObject):
    def __init__(self, container: QWidget):
        super().__init__(container)
        self.container = container

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Show:
            set_visual_tab_order(self.container)
            # once more when the layouts have settled in the shown window
            call_later(self, lambda: set_visual_tab_order(self.container))
        return False


def keep_visual_tab_order(container: QWidget) -> None:
    """Gives ``container`` its screen tab order each time it is shown."""
    container.installEventFilter(_VisualTabOrder(container))
