"""Focus is always visible: every widget Tab reaches in the main window and on every step of
the interview window looks different with the keyboard focus than without it."""

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from interviewer.demo import generate_demo
from interviewer.storage.database import open_database
from interviewer.ui.main_window import MainWindow
from interviewer.ui.settings import DEFAULT_FONT_SIZE
from interviewer.ui.style import apply_style


@pytest.fixture
def styled(qapp):
    """The app's own look, as it starts (its stylesheet draws the focus), and none after."""
    # windows closed by earlier tests go first: restyling a closing window crashes Qt
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    apply_style(qapp, DEFAULT_FONT_SIZE)
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.setStyleSheet("")


@pytest.fixture
def main(qtbot, tmp_path, styled):
    database = open_database(tmp_path / "study.sqlite")
    generate_demo(database, interviews=3, seed=6)
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()
    database.close()


def tab_stops(window: QWidget) -> list[QWidget]:
    return [
        w
        for w in window.findChildren(QWidget)
        if w.isVisible()
        and w.isEnabled()
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.window() is window
    ]


def without_visible_focus(qtbot, window: QWidget) -> list[str]:
    """Walks Tab through the window, as a person does (the style draws some focus marks only
    after a key moved the focus), and names each stop that looks as it did without focus."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    window.setFocus(Qt.FocusReason.OtherFocusReason)  # the window itself: no field has it
    QApplication.processEvents()
    looks = {id(w): (w, w.grab().toImage()) for w in tab_stops(window)}
    unseen, visited = [], set()
    for _ in range(len(looks) + 2):
        QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Tab)
        QApplication.processEvents()
        widget = QApplication.focusWidget()
        if widget is None or id(widget) in visited:
            break
        visited.add(id(widget))
        if id(widget) in looks and widget.grab().toImage() == looks[id(widget)][1]:
            name = widget.accessibleName() or widget.objectName()
            unseen.append(f"{type(widget).__name__} {name}")
    return unseen


def test_focus_shows_on_every_tab_stop_of_the_main_window(qtbot, main):
    assert not without_visible_focus(qtbot, main)


def test_focus_shows_on_every_tab_stop_of_every_step(qtbot, main):
    window = main.open_interview(main.model.summary(0).id)
    qtbot.waitExposed(window)
    unseen = []
    for step in range(len(window.pages)):
        window.go_to_step(step)
        unseen += [f"step {step}: {name}" for name in without_visible_focus(qtbot, window)]
    assert not unseen, "\n".join(sorted(set(unseen)))
