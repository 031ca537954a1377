"""The Qt binding keeps Python's reference counts: a release that does not aborts the app at
exit ("Fatal Python error: bool_dealloc"), so it is refused here, loudly, before users meet it."""

import sys

from PySide6.QtCore import QObject, Signal


class _Sender(QObject):
    happened = Signal()
    said = Signal(str)


def test_emitting_a_signal_leaves_the_reference_count_of_true_alone():
    # PySide6 6.12.0 dropped one reference to True on every emit (pyproject excludes it);
    # the app emits on every save, so a few hundred keystrokes were enough to crash at exit.
    sender = _Sender()
    sender.said.connect(lambda _text: None)
    emits = 400
    before = sys.getrefcount(True)
    for _ in range(emits // 2):
        sender.happened.emit()
        sender.said.emit("x")
    # a stray reference held elsewhere may come or go; one lost per emit would be -400
    assert abs(sys.getrefcount(True) - before) < 10
