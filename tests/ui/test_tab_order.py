"""Tab follows the screen: in every step page and every dialog, pressing Tab visits the fields
top to bottom and, within a row, left to right, and reaches every one of them."""

from datetime import date

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGridLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QWidget,
)

from interviewer import interviews as svc
from interviewer.storage.database import open_database
from interviewer.storage.models import EffectKind
from interviewer.ui.date_fields import DateField
from interviewer.ui.export_dialog import ExportDialog
from interviewer.ui.interview_window import InterviewWindow
from interviewer.ui.main_window import MainWindow
from interviewer.ui.new_interview_dialog import NewInterviewDialog
from interviewer.ui.quote_box import QuoteBox
from interviewer.ui.settings_dialog import SettingsDialog
from interviewer.ui.tab_order import keep_visual_tab_order
from tests.ui.keyboard import press

MAX_STOPS = 80


@pytest.fixture
def database(tmp_path):
    database = open_database(tmp_path / "study.sqlite")
    yield database
    database.close()


@pytest.fixture
def interview_id(database):
    """An interview with a challenge, an initiative, an effect and a quote, so every editor
    of every page is enabled."""
    with database.session() as session:
        study = svc.current_study(session=session)
        interview = svc.create_interview(
            session=session,
            study=study,
            respondent_role="Head of Social and Psychiatric Services",
            service_area="social_psychiatric",
            municipality="Viborg",
            interview_date=date(2026, 2, 9),
            consent_given=True,
            consent_date=date(2026, 2, 9),
            interviewer=svc.interviewer_named(session=session, study=study, name="Ida Berg"),
        )
        svc.add_challenge(session=session, interview_id=interview.id, title="Two budgets")
        initiative = svc.add_initiative(
            session=session,
            interview_id=interview.id,
            title="Shared case meetings",
            start_date=date(2025, 9, 1),
        )
        svc.add_effect(
            session=session,
            initiative_id=initiative.id,
            kind=EffectKind.MEASURED,
            description="Fewer cases handed on",
            baseline=40,
            current=12,
        )
        svc.add_quote(session=session, interview_id=interview.id, text="We meet first now.")
        # a chosen point: the scale's Tab stop is that point, not the first
        svc.set_rating(
            session=session,
            interview_id=interview.id,
            question_key="priority",
            scale_key="department",
            value=4,
        )
        return interview.id


def rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def same_row(a: QRect, b: QRect) -> bool:
    """On one line of the screen: they overlap by at least half the smaller height."""
    overlap = min(a.bottom(), b.bottom()) - max(a.top(), b.top())
    return overlap * 2 >= min(a.height(), b.height())


def place(widget: QWidget) -> QRect:
    """Where a Tab stop is on the screen; a button of an exclusive group (a rating scale) is
    one stop, where the group starts."""
    group = widget.group() if isinstance(widget, QAbstractButton) else None
    if group is None or not group.exclusive():
        return rect(widget)
    return min((rect(b) for b in group.buttons()), key=lambda r: (r.top(), r.left()))


def comes_after(a: QWidget, b: QWidget) -> bool:
    """True when a person reading the screen meets ``b`` after ``a``."""
    ra, rb = place(a), place(b)
    if same_row(ra, rb):
        return rb.left() > ra.left()
    return rb.top() > ra.top()


def reachable(container: QWidget) -> list[QWidget]:
    """What Tab must reach in ``container``: shown, enabled fields and buttons that take Tab
    focus (the inner parts of combo and spin boxes are their box's)."""
    found = []
    for widget in container.findChildren(QWidget):
        if not (
            widget.isVisible()
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.focusProxy() is None
            and not isinstance(widget, QScrollArea)
        ):
            continue
        parent = widget.parentWidget()
        inner = False
        while parent is not None and parent is not container:
            if isinstance(parent, (QComboBox, QAbstractSpinBox)):
                inner = parent.focusProxy() is not widget
            parent = parent.parentWidget()
        if not inner:
            found.append(widget)
    return found


def one_stop_per_group(widgets: list[QWidget]) -> set:
    """Qt gives one Tab stop to the buttons of an exclusive group: count the group once."""
    stops = set()
    for widget in widgets:
        group = widget.group() if isinstance(widget, QAbstractButton) else None
        stops.add(("group", id(group)) if group is not None and group.exclusive() else widget)
    return stops


def walk_tab(container: QWidget, qtbot) -> list[QWidget]:
    """Puts the focus on the first field of ``container`` on the screen, then presses Tab
    until the focus leaves the container or comes back to where it started."""
    stops = reachable(container)
    assert stops, f"nothing to tab through in {container}"
    first = min(stops, key=lambda w: (place(w).top(), place(w).left()))
    first.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first)
    visited = [first]
    for _ in range(MAX_STOPS):
        press(Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        if now is None or now is first or not container.isAncestorOf(now):
            break
        visited.append(now)
    return visited


def assert_tab_follows_the_screen(container: QWidget, qtbot, name: str) -> None:
    visited = walk_tab(container, qtbot)
    names = [w.accessibleName() or w.objectName() or type(w).__name__ for w in visited]
    for a, b in zip(visited, visited[1:], strict=False):
        assert comes_after(a, b), (
            f"{name}: Tab went from {a.accessibleName() or a} at {rect(a)} back to "
            f"{b.accessibleName() or b} at {rect(b)}; order {names}"
        )
    missed = one_stop_per_group(reachable(container)) - one_stop_per_group(visited)
    assert not missed, f"{name}: Tab never reached {missed}; order {names}"


def shown(qtbot, widget: QWidget, *, owned: bool = True) -> QWidget:
    if owned:  # dialogs are closed by the test (some delete themselves on close)
        qtbot.addWidget(widget)
    with qtbot.waitExposed(widget):
        widget.show()
    with qtbot.waitActive(widget):
        widget.activateWindow()
    return widget


def built_out_of_order() -> QWidget:
    """A form whose widgets are made bottom-up and right-to-left, as a page that adds its
    buttons late (Move up, Move down before Remove) would: Qt's tab order is the order made."""
    form = QWidget()
    grid = QGridLayout(form)
    places = [
        (QPushButton("Remove"), 3, 2),
        (QPushButton("Move down"), 3, 1),
        (QPushButton("Move up"), 3, 0),
        (QComboBox(editable=True), 2, 0),
        (DateField(date(2026, 2, 9)), 1, 1),
        (QLineEdit(), 1, 0),
        (QLineEdit(), 0, 1),
        (QLineEdit(), 0, 0),
    ]
    for number, (widget, row, column) in enumerate(places):
        widget.setAccessibleName(f"made {number}")
        grid.addWidget(widget, row, column)
    return form


def test_the_check_catches_a_tab_order_against_the_screen(qtbot):
    form = shown(qtbot, built_out_of_order())
    with pytest.raises(AssertionError, match="back to"):
        assert_tab_follows_the_screen(form, qtbot, "out of order")


def test_a_form_made_out_of_order_tabs_in_screen_order(qtbot):
    form = built_out_of_order()
    keep_visual_tab_order(form)
    shown(qtbot, form)
    assert_tab_follows_the_screen(form, qtbot, "out of order, then ordered")


def test_tab_follows_the_screen_on_every_step_page(qtbot, database, interview_id):
    window = shown(qtbot, InterviewWindow(database, interview_id))
    for number, page in enumerate(window.pages):
        window.go_to_step(number)
        qtbot.waitUntil(lambda page=page: page.isVisible())
        QApplication.processEvents()
        assert_tab_follows_the_screen(page, qtbot, page.key)
    window.close()


def test_tab_follows_the_screen_in_every_dialog(qtbot, database, interview_id):
    from interviewer.ui.exchange_dialogs import (
        ConflictsDialog,
        MergeSecretsDialog,
        SendBundleDialog,
    )
    from interviewer.ui.help_overlay import HelpOverlay

    main = shown(qtbot, MainWindow(database))
    assert_tab_follows_the_screen(main, qtbot, "main window")
    window = shown(qtbot, InterviewWindow(database, interview_id))
    session, study = main.session, main.study
    areas = svc.study_codes(session=session, study=study, kind="service_area")
    dialogs = {
        "new interview": lambda: NewInterviewDialog(session, study, main),
        "settings": lambda: SettingsDialog(session, study, False, main),
        "quote box": lambda: QuoteBox(window.context, "challenges", "2 Challenges", window),
        "export study": lambda: ExportDialog(main, areas=areas, interviewers=["Ida Berg"]),
        "export interview": lambda: ExportDialog(window, one_interview=True),
        "send bundle": lambda: SendBundleDialog(main, study_has_key=False),
        "merge bundles": lambda: MergeSecretsDialog(main),
        "conflicts": lambda: ConflictsDialog(database, main),
        "help": lambda: HelpOverlay(window.context.guide, window, steps=window.step_names()),
    }
    for name, make in dialogs.items():
        dialog = shown(qtbot, make(), owned=False)
        assert_tab_follows_the_screen(dialog, qtbot, name)
        dialog.reject()
    window.close()
