"""Makes resources/export/reference.docx, the Word document every export is built on.

A study restyles its reports by editing that file in Word (fonts, colours, page size, the
styles Title, Subtitle, Heading 1-2, Normal, Quote, Caption, List Bullet and the table style
"Interviewer Table"); this script only makes the starting point:
`.venv/bin/python tools/make_reference_docx.py`.
"""

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Cm, Pt, RGBColor

ACCENT = RGBColor(0x25, 0x62, 0x8F)
INK = RGBColor(0x22, 0x2B, 0x33)
OUT = Path(__file__).parent.parent / "resources" / "export" / "reference.docx"


def main() -> None:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.3))
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)

    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    normal.font.color.rgb = INK
    normal.paragraph_format.space_after = Pt(4)
    for name, size, space_before in (
        ("Title", 24, 0),
        ("Heading 1", 15, 16),
        ("Heading 2", 12, 10),
    ):
        style = styles[name]
        style.font.name = "Calibri"
        style.font.size = Pt(size)
        style.font.color.rgb = ACCENT
        style.font.bold = name != "Title"
        style.paragraph_format.space_before = Pt(space_before)
        style.paragraph_format.space_after = Pt(4)
    subtitle = styles["Subtitle"]
    subtitle.font.name = "Calibri"
    subtitle.font.size = Pt(12)
    subtitle.font.color.rgb = RGBColor(0x4F, 0x59, 0x63)
    quote = styles["Quote"]
    quote.font.italic = True
    quote.font.color.rgb = INK
    quote.paragraph_format.left_indent = Cm(0.8)
    quote.paragraph_format.space_after = Pt(2)
    caption = styles["Caption"]
    caption.font.color.rgb = RGBColor(0x4F, 0x59, 0x63)
    caption.font.size = Pt(9)
    table = styles.add_style("Interviewer Table", WD_STYLE_TYPE.TABLE)
    table.base_style = styles["Light Grid Accent 1"]
    table.font.size = Pt(9.5)

    # the body is replaced by each export; a template keeps only its styles and page setup
    for paragraph in list(document.paragraphs):
        paragraph._element.getparent().remove(paragraph._element)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    document.save(OUT)
    print(OUT)


if __name__ == "__main__":
    main()
