"""Lays out the app's windows on a 1366×768 screen and prints what does not fit, run as
`python fits_driver.py LANGUAGE POINT_SIZE DB SCREEN_CONFIG`.

Prints one line "problem <window>: <what>" per widget outside its window, label whose text is
wider than the label, window larger than the screen or main-table column too narrow for its
text, then "checked <n> windows".
"""

import os
import sys

# the screen is set before Qt starts: offscreen, with the size of a small laptop's screen
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={sys.argv[4]}"

from pathlib import Path  # noqa: E402

from PySide6.QtCore import QPoint, QRect, Qt  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QWidget,
)

from interviewer.i18n import set_language  # noqa: E402
from interviewer.storage.database import open_database  # noqa: E402
from interviewer.ui.help_overlay import HelpOverlay  # noqa: E402
from interviewer.ui.main_window import MainWindow  # noqa: E402
from interviewer.ui.style import apply_style  # noqa: E402

problems: list[str] = []


def scroll_area_of(widget: QWidget, window: QWidget) -> QAbstractScrollArea | None:
    """The scroll area whose viewport holds ``widget``: it may lie below the window's edge,
    and scrolls into view."""
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractScrollArea) and parent.viewport().isAncestorOf(widget):
            return parent
        parent = parent.parentWidget()
    return None


def check(window: QWidget, name: str) -> None:
    QApplication.processEvents()
    screen = window.screen().availableGeometry()
    if not screen.contains(window.frameGeometry()):
        problems.append(f"{name}: the window {window.frameGeometry()} is larger than {screen}")
    inside = window.rect()
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.isWindow():
            continue
        if isinstance(widget, QAbstractScrollArea) and widget.horizontalScrollBar().isVisible():
            name_of = widget.accessibleName() or widget.objectName() or type(widget).__name__
            problems.append(f"{name}: {name_of} hides part of its content sideways")
        label = widget.accessibleName() or widget.objectName() or type(widget).__name__
        if isinstance(widget, QLabel):
            label = widget.text()[:40] or label
        area = scroll_area_of(widget, window)
        if area is not None:
            # down is where a page scrolls; sideways, a widget beyond the viewport is cut
            viewport = area.viewport()
            where = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
            sideways = area.horizontalScrollBar().isVisible()
            if not sideways and (where.left() < 0 or where.right() >= viewport.width() + 1):
                problems.append(
                    f"{name}: {label} is cut at the side of its scroll area "
                    f"({where.left()}..{where.right()} of {viewport.width()})"
                )
        else:
            where = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
            if not inside.contains(where):
                problems.append(f"{name}: {label} lies outside the window ({where} in {inside})")
        if isinstance(widget, QLabel) and not widget.wordWrap() and widget.text():
            if widget.textFormat() != widget.textFormat().PlainText and "<" in widget.text():
                continue
            lines = widget.text().split("\n")
            wide = max(widget.fontMetrics().horizontalAdvance(line) for line in lines)
            if wide > widget.contentsRect().width() + 1:
                problems.append(f"{name}: the label “{label}” is cut ({wide} > {widget.width()})")


def check_table(main: MainWindow) -> None:
    """Each cell's text, wrapped at words as the table wraps it, fits its cell."""
    table = main.table
    metrics = table.fontMetrics()
    row_height = table.verticalHeader().defaultSectionSize()
    for column in range(main.model.columnCount()):
        width = table.columnWidth(column) - 8  # the cell's margins
        for row in range(main.proxy.rowCount()):
            text = str(main.proxy.index(row, column).data() or "")
            needed = metrics.boundingRect(
                QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, text
            )
            if needed.width() > width or needed.height() > row_height - 4:
                problems.append(
                    f"main: “{text}” is cut in column {column} ({needed.size()} in "
                    f"{width}×{row_height})"
                )
                break


def main() -> int:
    language, size, db_path = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    qt_app = QApplication(sys.argv[:1])
    set_language(language)
    apply_style(qt_app, size)
    database = open_database(db_path, backup=False)
    window = MainWindow(database)
    window.show()
    check(window, "main")
    check_table(window)
    count = 1
    with database.session() as session:
        from interviewer.listing import list_interviews

        interview_id = list_interviews(session=session)[0].id
    interview = window.open_interview(interview_id)
    for step in range(len(interview.pages)):
        interview.go_to_step(step)
        check(interview, f"interview step {step}")
        count += 1
    help_overlay = HelpOverlay(window.guide, window)
    help_overlay.show()
    check(help_overlay, "help")
    count += 1
    for problem in problems:
        print("problem", problem, flush=True)
    print("checked", count, "windows", flush=True)
    window.close()
    database.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
