"""The app's look: Fusion, the stylesheet from resources/ui, and the chosen font size."""

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from interviewer.resources import resource

ACCENT = "#25628f"
COLOURS = {"accent": ACCENT, "accent_soft": "#dbe9f4", "muted": "#4f5963", "rail": "#f6f7f9"}


def stylesheet(font_size: int) -> str:
    sizes = {
        "base": font_size,
        "small": max(8, font_size - 1),
        "large": font_size + 2,
        "question": round(font_size * 1.45),
        "title": round(font_size * 1.2),
    }
    text = resource("ui", "style.qss").read_text("utf-8")
    for name, value in {**COLOURS, **sizes}.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def apply_style(app: QApplication, font_size: int) -> None:
    # Set once: replacing the style while widgets use it can crash Qt.
    if not app.property("interviewer_style_set"):
        app.setStyle("Fusion")
        app.setProperty("interviewer_style_set", True)
    font = QFont(app.font())
    font.setPointSize(font_size)
    app.setFont(font)
    app.setStyleSheet(stylesheet(font_size))
