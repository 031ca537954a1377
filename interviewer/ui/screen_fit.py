"""Windows that fit the screen they open on, and the title of a window that only shows."""

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from interviewer.i18n import tr

# Before a window is shown its frame is unknown; the title bar and borders take about this.
FRAME_ALLOWANCE = (16, 40)


def available_size(widget: QWidget) -> tuple[int, int]:
    """The room a window of ``widget`` has inside: the screen's available geometry (without
    task bars and docks) less the window frame, in pixels."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    frame_width, frame_height = FRAME_ALLOWANCE
    if widget.isVisible():  # the real frame is known now
        frame_width = widget.frameGeometry().width() - widget.width()
        frame_height = widget.frameGeometry().height() - widget.height()
    return area.width() - frame_width, area.height() - frame_height


def fit_to_screen(window: QWidget, width: int | None = None, height: int | None = None) -> None:
    """Sizes ``window`` to ``width`` × ``height`` (default: its size now), at most the room on
    its screen, and moves it back onto the screen if it sits partly off it."""
    room_width, room_height = available_size(window)
    width = min(width or window.width(), room_width)
    height = min(height or window.height(), room_height)
    window.setMinimumSize(min(window.minimumWidth(), width), min(window.minimumHeight(), height))
    window.resize(width, height)
    screen = window.screen() or QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    frame = window.frameGeometry()
    x = min(max(frame.x(), area.x()), area.right() - frame.width() + 1)
    y = min(max(frame.y(), area.y()), area.bottom() - frame.height() + 1)
    if (x, y) != (frame.x(), frame.y()):
        window.move(max(x, area.x()), max(y, area.y()))


def read_only_title(title: str, read_only: bool) -> str:
    """A window title, marked when the window only shows the file."""
    return f"{title} {tr('(read-only)')}" if read_only else title
