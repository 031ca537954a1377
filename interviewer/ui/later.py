"""Calls made once control is back in Qt's event loop, that go with the object they are for.

``QTimer.singleShot(0, context, callable)`` drops the call when ``context`` is deleted first,
but PySide then keeps the Python callable for good, and with it everything it names: a
window closed with such a call pending (a focus to scroll into view, a tab order to set)
stayed in memory with every page, list and closure of it, its dead wrappers kept alive by
the pending call. ``call_later`` holds the callable in a timer that is a child of ``owner``:
Qt deletes it with its owner, and the Python side goes with it.
"""

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


def call_later(owner: QObject, slot: Callable[[], object]) -> None:
    """Calls ``slot()`` once the events waiting now are done, unless ``owner`` is deleted
    before; the timer that waits is deleted after the call."""
    timer = QTimer(owner, singleShot=True, interval=0)
    timer.timeout.connect(slot)
    timer.timeout.connect(timer.deleteLater)
    timer.start()
