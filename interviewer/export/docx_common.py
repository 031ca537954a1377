"""What both Word exports share: the reference document, page numbers, safe text, tables
built row by row, charts as pictures, and writing the file whole or not at all."""

import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from interviewer.errors import InterviewerError
from interviewer.export.text import writable
from interviewer.files import write_whole
from interviewer.i18n import tr
from interviewer.resources import resource

TABLE_STYLE = "Interviewer Table"


def new_document(language: str) -> DocumentType:
    """A document on the reference styles (resources/export/reference.docx), with page
    numbers in the footer and its language set for spelling and hyphenation."""
    document = Document(io.BytesIO(resource("export", "reference.docx").read_bytes()))
    _set_language(document, "da-DK" if language == "da" else "en-GB")
    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(tr("Page ", lang=language))
    _field(footer, "PAGE")
    footer.add_run(tr(" of ", lang=language))
    _field(footer, "NUMPAGES")
    return document


def _field(paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _set_language(document: DocumentType, tag: str) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        return
    run_properties = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if run_properties is None:
        return
    language = run_properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_properties.append(language)
    language.set(qn("w:val"), tag)


def text(value) -> str:
    """Any value as text Word can hold."""
    return "" if value is None else writable(str(value))


def paragraph(document: DocumentType, content, style: str | None = None):
    return document.add_paragraph(text(content), style=style)


def labelled(document: DocumentType, label: str, content) -> None:
    """A paragraph "Label: content" with the label in bold."""
    para = document.add_paragraph()
    para.paragraph_format.space_before = Pt(6)  # apart from a table just above
    para.add_run(f"{label}: ").bold = True
    para.add_run(text(content))


def table(
    document: DocumentType,
    headers: Sequence[str] | None,
    rows: Iterable[Sequence],
    widths_cm: Sequence[float] | None = None,
    *,
    bold_first_column: bool = False,
):
    """A table in the reference table style, built a row at a time (table.cell() in a loop
    is quadratic in python-docx). Without ``headers`` it has no header row."""
    rows = iter(rows)
    first = headers if headers is not None else next(rows, None)
    if first is None:
        return None
    result = document.add_table(rows=1, cols=len(first))
    result.style = TABLE_STYLE
    _fill(
        result.rows[0].cells,
        first,
        bold=headers is not None or bold_first_column,
        only_first=headers is None,
    )
    for values in rows:
        _fill(result.add_row().cells, values, bold=bold_first_column, only_first=True)
    if headers is None:  # no header row: tell Word not to style the first row as one
        look = result._tbl.tblPr.find(qn("w:tblLook"))
        if look is not None:
            look.set(qn("w:firstRow"), "0")
    if widths_cm:
        result.autofit = False
        for column, width in zip(result.columns, widths_cm, strict=True):
            column.width = Cm(width)
            for cell in column.cells:
                cell.width = Cm(width)
    return result


def _fill(cells, values, *, bold: bool, only_first: bool) -> None:
    for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
        cell.text = text(value)
        if bold and (index == 0 or not only_first):
            for run in cell.paragraphs[0].runs:
                run.bold = True


def picture(document: DocumentType, png: bytes, caption: str, width_cm: float = 15.5) -> None:
    document.add_picture(io.BytesIO(png), width=Cm(width_cm))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph(document, caption, "Caption")


def check_target(out_path: Path) -> None:
    """Refuses, before any work, a target whose folder is missing."""
    folder = Path(out_path).parent
    if not folder.is_dir():
        raise InterviewerError(f"the folder {folder} does not exist")


def save_whole(document: DocumentType, out_path: Path) -> None:
    """Saves beside the target and renames, so a failed save leaves no broken file."""
    out_path = Path(out_path)
    check_target(out_path)
    write_whole(out_path, document.save)
