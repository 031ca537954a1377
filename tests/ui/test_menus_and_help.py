"""Everything by keyboard: every command of both windows is in the menu bar, reachable by Alt
and its underlined letter, has a shortcut, and F1 lists that shortcut; F1 scrolls by keyboard
and the toolbar hides nothing at the largest text size."""

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QToolBar, QToolButton

from interviewer.demo import generate_demo
from interviewer.i18n import set_language
from interviewer.storage.database import open_database
from interviewer.ui.help_overlay import HelpOverlay, shortcuts
from interviewer.ui.main_window import MainWindow
from interviewer.ui.settings import DEFAULT_FONT_SIZE, FONT_SIZES
from interviewer.ui.style import apply_style
from tests.ui.keyboard import in_modal


@pytest.fixture
def demo(tmp_path):
    database = open_database(tmp_path / "study.sqlite")
    generate_demo(database, interviews=3, seed=4)
    yield database
    database.close()


@pytest.fixture
def largest_text(qapp):
    """The largest text size Settings offers, as the app applies it (and back after)."""

    def restyle(size: int) -> None:
        # windows closed by earlier tests go first: restyling a closing window crashes Qt
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        apply_style(qapp, size)

    restyle(max(FONT_SIZES))
    yield
    restyle(DEFAULT_FONT_SIZE)


@pytest.fixture(params=["en", "da"])
def windows(request, qtbot, demo):
    """The main window and an interview window, in each language."""
    set_language(request.param)
    main = MainWindow(demo)
    qtbot.addWidget(main)
    interview = main.open_interview(main.model.summary(0).id)
    yield main, interview  # closing the main window closes the interview's too


def menus(window) -> list[QMenu]:
    return [action.menu() for action in window.menuBar().actions() if action.menu()]


def mnemonic(text: str) -> str | None:
    position = text.replace("&&", "").find("&")
    return None if position < 0 else text.replace("&&", "")[position + 1].lower()


def menu_actions(window) -> list[QAction]:
    return [a for menu in menus(window) for a in menu.actions() if not a.isSeparator()]


def shown_keys(action: QAction) -> set[str]:
    """The action's keys as F1 writes them (Return by the name on the key, Enter)."""
    native = QKeySequence.SequenceFormat.NativeText
    return {s.toString(native).replace("Return", "Enter") for s in action.shortcuts()}


def test_every_menu_and_command_has_its_own_alt_letter(windows):
    for window in windows:
        titles = [menu.title() for menu in menus(window)]
        letters = [mnemonic(title) for title in titles]
        assert None not in letters, titles
        assert len(set(letters)) == len(letters), f"two menus share a letter: {titles}"
        for menu in menus(window):
            texts = [a.text() for a in menu.actions() if not a.isSeparator()]
            letters = [mnemonic(text) for text in texts]
            assert None not in letters, texts
            assert len(set(letters)) == len(letters), f"{menu.title()}: {texts}"


def test_every_command_has_a_shortcut_that_f1_lists_and_no_key_does_two_things(windows):
    main, interview = windows
    listed = {keys for keys, _, _ in shortcuts(main.guide)}
    listed_keys = {part for keys in listed for part in keys.split(" / ")}
    for window in windows:
        seen: dict[str, str] = {}
        for action in menu_actions(window):
            keys = shown_keys(action)
            assert keys, f"{action.text()} has no shortcut"
            # one key twice on one action is ambiguous to Qt, and then neither works
            assert len(keys) == len(action.shortcuts()), f"{action.text()}: a key twice"
            assert keys & listed_keys, f"F1 does not list {keys} ({action.text()})"
            for key in keys:
                assert key not in seen, f"{key}: {seen.get(key)} and {action.text()}"
                seen[key] = action.text()
    for missing_before in ("Ctrl+,", "Ctrl+D", "Ctrl+F", "Ctrl+Shift+B", "Ctrl+Shift+M"):
        native = QKeySequence(missing_before).toString(QKeySequence.SequenceFormat.NativeText)
        assert native in listed_keys  # in the words of Qt's catalog: Danish says Skift


def test_every_toolbar_and_window_action_is_in_the_menu_bar(windows):
    for window in windows:
        in_menus = set(map(id, menu_actions(window)))
        toolbar_actions = [a for bar in window.findChildren(QToolBar) for a in bar.actions()]
        window_actions = [a for a in window.actions() if a.shortcuts()]
        for action in toolbar_actions + window_actions:
            if action.isSeparator() or action.menu():
                continue
            assert id(action) in in_menus, f"{action.text()} is not in the menu bar"


def test_alt_and_the_letters_open_the_help_and_f1_scrolls_by_keyboard(qtbot, demo, largest_text):
    main = MainWindow(demo)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)
    main.table.setFocus()
    seen = []

    def read(dialog):
        assert isinstance(dialog, HelpOverlay)
        assert QApplication.focusWidget() is dialog.table  # keys go to the list at once
        bar = dialog.table.verticalScrollBar()
        assert bar.maximum() > 0, "at 16 pt the list is longer than the dialog"
        QTest.keyClick(dialog.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        assert bar.value() == bar.maximum()
        screen = dialog.screen().availableGeometry()
        assert dialog.frameGeometry().height() <= screen.height()
        seen.append(len(dialog.rows))
        dialog.reject()

    def open_help():
        QTest.keyClick(main.table, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
        popup = QApplication.activePopupWidget()
        assert isinstance(popup, QMenu), "Alt+H opens the Help menu"
        QTest.keyClick(popup, Qt.Key.Key_K)

    in_modal(open_help, read)
    assert seen and seen[0] > 20


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_toolbar_hides_nothing_at_1366_px_and_16_pt(qtbot, demo, language, largest_text):
    set_language(language)
    main = MainWindow(demo)
    qtbot.addWidget(main)
    main.resize(1366, 700)
    main.show()
    qtbot.waitExposed(main)
    extension = main.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert extension is None or not extension.isVisible(), "actions hidden behind »"
    for action in main.toolbar.actions():
        button = main.toolbar.widgetForAction(action)
        assert button is None or button.isVisible(), action.text()


def test_a_page_adds_its_own_keys_to_f1_in_the_language_of_the_moment(demo):
    from interviewer.ui import help_overlay
    from interviewer.ui.commands import step_titles

    def rows():
        return [("#3", "tema 3" if help_overlay.tr("Where") == "Hvor" else "theme 3")]

    help_overlay.add_help_rows(rows)
    try:
        with demo.session() as session:
            from interviewer import interviews as svc

            guide = svc.study_guide(svc.current_study(session=session))
        assert ("#3", "theme 3") in [(k, m) for k, m, _ in shortcuts(guide)]
        set_language("da")
        assert ("#3", "tema 3") in [(k, m) for k, m, _ in shortcuts(guide, step_titles(guide))]
    finally:
        help_overlay._extra_rows.remove(rows)
