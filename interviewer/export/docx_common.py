"""What both Word exports share, so that every report gets it by default: the reference
document and its styles (headings kept with what follows), page numbers, the file's metadata,
a table of contents, numbered captions with their n, tables whose column widths follow their
content and that break across pages cleanly, charts with alternative text, and writing the
file whole or not at all.

Layout rules, for Word and for LibreOffice alike:
- a heading, the question text under it, a table's caption and the paragraph just before a
  table or chart keep with what follows, so none of them ends a page;
- a table's header row repeats on every page and keeps with the first rows below it, and the
  last rows keep together (KEPT_ROWS each; a table of up to SHORT_TABLE rows is kept whole),
  so no page ends with a caption, a header and one row, nor begins with a header and the last
  row; a row never splits across pages unless it is taller than a third of a page;
- a column is at least as wide as its longest word (measured with export/text_width.py), so no
  word breaks inside; the columns together fill the text width exactly (fixed layout);
- table captions go above the table ("Table 2: …"), figure captions below the chart
  ("Figure 1: …"), numbered by SEQ fields whose stored result is already the right number.
"""

import io
import math
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt

from interviewer import __version__
from interviewer.errors import InterviewerError
from interviewer.export.text import writable
from interviewer.export.text_width import longest_word, text_width
from interviewer.figures import format_count
from interviewer.files import write_whole
from interviewer.i18n import tr, tr_n
from interviewer.resources import resource

TABLE_STYLE = "Interviewer Table"
TABLE_TEXT = "Table Text"  # the paragraph style of text in table cells (added when missing)
AUTHOR = "Interviewer"  # the program that wrote the file, in its metadata
CONTENTS_LEVELS = 2  # the table of contents lists Heading 1 and Heading 2
_CONTENTS_MARK = "_InterviewerContents"  # the bookmark where contents() wants the list
_CONTENTS_ID = 900_000  # bookmark ids of the contents, apart from any the template holds

# keep with the paragraph that follows: what introduces something never ends a page
_KEEP_WITH_NEXT = ("Title", "Subtitle", "TOC Heading") + tuple(
    f"Heading {level}" for level in range(1, 10)
)
# a cell's text is inset by the table style's cell margins (Word's default, 0.19 cm each
# side) and its borders; a little more, so that rounding in either program never wraps a word
_CELL_PADDING_PT = 2 * 5.4 + 1.5 + 2.0
_COMPACT_MARGIN_TWIPS = 57  # 0.1 cm: the narrow cell margins of a table with many columns
_COMPACT_PADDING_PT = 2 * _COMPACT_MARGIN_TWIPS / 20 + 1.5 + 2.0
_SMALLEST_SIZE = 7.0  # the smallest type a crowded table is set in, in points
_LINE_HEIGHT = 1.25  # a line of table text is about 1.25 times its font size high
_UNSPLIT_SHARE = 1 / 3  # a row up to a third of a page high is never split across pages
# a table's first rows keep with its header (and caption), so a page never ends with a table
# begun by one row, and its last rows keep together, so no page holds a header and one row
# that ends it; a table this short is kept whole
KEPT_ROWS = 3
SHORT_TABLE = 8

Kind = Literal["table", "figure"]


# ------------------------------------------------------------------------------ document


def new_document(language: str) -> DocumentType:
    """A document on the reference styles (resources/export/reference.docx), with page
    numbers in the footer, its language set for spelling and hyphenation, headings that keep
    with the next paragraph, and metadata that names this program and the time of writing
    (set_metadata adds the report's title and study)."""
    document = Document(io.BytesIO(resource("export", "reference.docx").read_bytes()))
    _set_language(document, _language_tag(language))
    _keep_introductions_with_next(document)
    _add_table_text_style(document)
    _drop_thumbnail(document)
    set_metadata(document, title="", study="", language=language)
    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(tr("Page ", lang=language))
    _field(footer, "PAGE")
    footer.add_run(tr(" of ", lang=language))
    _field(footer, "NUMPAGES")
    return document


def _language_tag(language: str) -> str:
    return "da-DK" if language == "da" else "en-GB"


def report_language(document: DocumentType) -> str:
    """The language a document was made in by new_document: "da" or "en"."""
    path = "/".join(qn(tag) for tag in ("w:docDefaults", "w:rPrDefault", "w:rPr", "w:lang"))
    tag = document.styles.element.find(path)
    return "da" if tag is not None and (tag.get(qn("w:val")) or "").startswith("da") else "en"


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
    """The document's default language (spelling, hyphenation; report_language reads it),
    making the defaults where a restyled reference document has none."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    run_properties = run_defaults.find(qn("w:rPr"))
    if run_properties is None:
        run_properties = OxmlElement("w:rPr")
        run_defaults.append(run_properties)
    language = run_properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_properties.append(language)
    language.set(qn("w:val"), tag)


def _style(document: DocumentType, name: str):
    try:
        return document.styles[name]
    except KeyError:
        return None


def _keep_introductions_with_next(document: DocumentType) -> None:
    """Headings, the title and the subtitle (the question under a heading) keep with the next
    paragraph and are never split, on the styles themselves: so in a restyled reference
    document too, and for every paragraph of those styles."""
    for name in _KEEP_WITH_NEXT:
        style = _style(document, name)
        if style is not None:
            style.paragraph_format.keep_with_next = True
            style.paragraph_format.keep_together = True


def _add_table_text_style(document: DocumentType) -> None:
    """The paragraph style of table cells, unless the reference document has its own: Normal
    at the table style's font size, without the space between paragraphs."""
    if _style(document, TABLE_TEXT) is not None:
        return
    style = document.styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    table_style = _style(document, TABLE_STYLE)
    if table_style is not None and table_style.font.size is not None:
        style.font.size = table_style.font.size
    style.paragraph_format.space_before = Pt(1)
    style.paragraph_format.space_after = Pt(1)
    style.paragraph_format.line_spacing = 1.0


def _drop_thumbnail(document: DocumentType) -> None:
    """The reference document's preview picture (an empty page) would stand for the report
    in file browsers: it goes."""
    package = document.part.package
    for key, relationship in list(package.rels.items()):
        if relationship.reltype == RT.THUMBNAIL:
            del package.rels[key]


def _size_pt(style) -> float:
    """The font size of a paragraph style, through the styles it is based on, in points."""
    while style is not None:
        if style.font.size is not None:
            return style.font.size.pt
        style = style.base_style
    return 11.0


def _text_area(document: DocumentType) -> tuple[float, float]:
    """The width and height of the text area of the last section, in points."""
    section = document.sections[-1]
    width = section.page_width - section.left_margin - section.right_margin
    height = section.page_height - section.top_margin - section.bottom_margin
    return Emu(width).pt, Emu(height).pt


# ------------------------------------------------------------------------------ metadata


def set_metadata(document: DocumentType, *, title: str, study: str, language: str) -> None:
    """The file's core properties: ``title`` (the report's title), the subject (``study``,
    the study's name), the language ("da" or "en", written as da-DK or en-GB), this program
    as author and last editor, created and modified now (UTC), revision 1, and nothing left
    over from the reference document (its description, keywords, category). The extended
    properties name this program and its version, and nothing else (app_properties)."""
    properties = document.core_properties
    properties.title = text(title)
    properties.subject = text(study)
    properties.language = _language_tag(language)
    properties.author = AUTHOR
    properties.last_modified_by = AUTHOR
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    properties.created = now
    properties.modified = now
    properties.revision = 1
    properties.comments = ""
    properties.keywords = ""
    properties.category = ""
    for part in document.part.package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = app_properties()


def app_version(version: str = __version__) -> str:
    """This program's version in the XX.YYYY form the extended properties require (ECMA-376
    AppVersion): major, then minor and patch two digits each, "0.1.0" -> "00.0100"."""
    numbers = [int(n) for n in re.findall(r"\d+", version)[:3]] + [0, 0, 0]
    major, minor, patch = numbers[:3]
    return f"{min(major, 99):02d}.{min(minor, 99):02d}{min(patch, 99):02d}"


def app_properties() -> bytes:
    """The extended properties (docProps/app.xml): this program and its version, and none of
    the reference document's statistics (its "Pages 1, Words 0", template, edit time, titles of
    parts), which would be false for any report; Word and LibreOffice count pages and words
    themselves when the file is opened."""
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
        '2006/docPropsVTypes">'
        f"<Application>{AUTHOR}</Application>"
        "<DocSecurity>0</DocSecurity>"
        "<ScaleCrop>false</ScaleCrop>"
        "<LinksUpToDate>false</LinksUpToDate>"
        "<SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged>"
        f"<AppVersion>{app_version()}</AppVersion>"
        "</Properties>"
    ).encode()


# ------------------------------------------------------------------------------ paragraphs


def text(value) -> str:
    """Any value as text Word can hold."""
    return "" if value is None else writable(str(value))


def paragraph(document: DocumentType, content, style: str | None = None):
    """A paragraph of ``content`` in ``style``; one just below a table keeps a little space
    from it."""
    para = document.add_paragraph(text(content), style=style)
    _apart_from_table(para)
    return para


def _apart_from_table(para) -> None:
    previous = para._p.getprevious()
    if previous is not None and previous.tag == qn("w:tbl"):
        para.paragraph_format.space_before = Pt(6)


def quote(document: DocumentType, words: str, attribution: str) -> None:
    """A quote ("Quote" style, in quotation marks) and below it who said it ("Caption" style),
    indented as the quote and kept on its page, with space before the next quote."""
    said = paragraph(document, f"“{text(words)}”", "Quote")
    said.paragraph_format.keep_with_next = True
    who = paragraph(document, attribution, "Caption")
    style = document.styles["Quote"]
    while style is not None and style.paragraph_format.left_indent is None:
        style = style.base_style
    if style is not None:
        who.paragraph_format.left_indent = style.paragraph_format.left_indent
    who.paragraph_format.space_after = Pt(10)


def labelled(document: DocumentType, label: str, content) -> None:
    """A paragraph "Label: content" with the label in bold."""
    para = document.add_paragraph()
    para.paragraph_format.space_before = Pt(6)  # apart from a table just above
    para.add_run(f"{label}: ").bold = True
    para.add_run(text(content))


def _keep_previous_with_next(element) -> None:
    """The paragraph just before ``element`` (a table, a picture's paragraph) introduces it:
    it keeps with it, so it never ends a page alone."""
    previous = element.getprevious()
    if previous is not None and previous.tag == qn("w:p"):
        previous.get_or_add_pPr().keepNext_val = True


# ------------------------------------------------------------------------------ captions


def n_text(n: int, language: str) -> str:
    """How many interviews a figure or table is computed from: "n = 1,250 interviews"
    ("n = 1.250 interviews" in Danish)."""
    return tr_n(
        "n = {shown} interview",
        "n = {shown} interviews",
        count=n,
        lang=language,
        shown=format_count(n, language),
    )


def _label(kind: Kind, language: str) -> str:
    if kind == "table":
        return tr("Table", lang=language)
    if kind == "figure":
        return tr("Figure", lang=language)
    raise ValueError(f"a caption is of a table or a figure, not {kind!r}")


def caption(document: DocumentType, kind: Kind, title: str, n: int | None = None):
    """A numbered caption "Table 2: title (n = 42 interviews)" at the end of the document, in
    its language ("Tabel 2", "Figur 1" in Danish), numbered by a SEQ field whose stored
    result is already its number (1 + the captions of that kind before it), so Word and
    LibreOffice show it right before any update. A table's caption goes just above the table
    and keeps with it; a figure's goes below the picture (picture() adds it). ``n``, the
    number of interviews it is computed from, is left out when None. Returns the paragraph.
    Raises ValueError for a ``kind`` other than "table" or "figure"."""
    language = report_language(document)
    label = _label(kind, language)
    body = document.element.body
    number = 1 + int(
        body.xpath(f'count(.//w:instrText[starts-with(normalize-space(.), "SEQ {label} ")])')
    )
    para = document.add_paragraph(style="Caption")
    if kind == "table":  # apart from what is above, close to its table
        para.paragraph_format.space_before = Pt(8)
    para.add_run(f"{label} ")
    _complex_field(para._p, f" SEQ {label} \\* ARABIC ", str(number))
    para.add_run(f": {text(title)}")
    if n is not None:
        para.add_run(f" ({n_text(n, language)})").bold = False
    if kind == "table":
        para.paragraph_format.keep_with_next = True
    return para


def _run(parent, content: str | None = None):
    run = OxmlElement("w:r")
    if content is not None:
        node = OxmlElement("w:t")
        node.set(qn("xml:space"), "preserve")
        node.text = content
        run.append(node)
    parent.append(run)
    return run


def _field_char(parent, kind: str, *, dirty: bool = False) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if dirty:
        char.set(qn("w:dirty"), "true")
    _run(parent).append(char)


def _instruction(parent, instruction: str) -> None:
    node = OxmlElement("w:instrText")
    node.set(qn("xml:space"), "preserve")
    node.text = instruction
    _run(parent).append(node)


def _complex_field(parent, instruction: str, result: str, *, dirty: bool = False) -> None:
    """A field (begin, instruction, separate, ``result``, end) appended to ``parent``;
    ``dirty`` asks Word to update it when it opens the file."""
    _field_char(parent, "begin", dirty=dirty)
    _instruction(parent, instruction)
    _field_char(parent, "separate")
    _run(parent, result)
    _field_char(parent, "end")


# ------------------------------------------------------------------------------ contents


def contents(document: DocumentType) -> None:
    """A table of contents here: the heading "Contents" and one line per Heading 1 and
    Heading 2 that follows, each linked to its heading and ending in its page number.

    The lines are written when the document is saved (save_whole), when every heading is
    known. The page number of each is a PAGEREF field to a bookmark on its heading: LibreOffice
    computes such a field as it lays out the pages, so a PDF made without Word has the real
    numbers (it would only show the stored text of a TOC field's result); Word is asked to
    update the fields when it opens the file, which fills them in."""
    language = report_language(document)
    _add_contents_styles(document)
    paragraph(document, tr("Contents", lang=language), "TOC Heading")
    marker = document.add_paragraph()
    _bookmark(marker._p, _CONTENTS_MARK, _CONTENTS_ID)
    _update_fields_on_open(document)


def _add_contents_styles(document: DocumentType) -> None:
    """The styles TOC Heading, toc 1 and toc 2, where the reference document lacks them."""
    styles = document.styles
    if _style(document, "TOC Heading") is None:
        heading = styles.add_style("TOC Heading", WD_STYLE_TYPE.PARAGRAPH)
        heading.base_style = styles["Heading 1"]
        heading.paragraph_format.keep_with_next = True
    width, _ = _text_area(document)
    for level in range(1, CONTENTS_LEVELS + 1):
        if _style(document, f"toc {level}") is not None:
            continue
        style = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        style.paragraph_format.space_after = Pt(2)
        style.paragraph_format.tab_stops.add_tab_stop(
            Pt(width), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
        )
        if level == 1:
            style.font.bold = True


def _update_fields_on_open(document: DocumentType) -> None:
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is not None:
        return
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    compat = settings.find(qn("w:compat"))
    if compat is not None:  # the schema's order: updateFields comes just before compat
        compat.addprevious(update)
    else:
        settings.append(update)


def _fill_contents(document: DocumentType) -> None:
    """Writes the lines of the table of contents (if contents() put one in) in place of its
    marker: one paragraph per heading after it, linked to a bookmark on the heading."""
    body = document.element.body
    marks = body.xpath(f'./w:p[w:bookmarkStart[@w:name="{_CONTENTS_MARK}"]]')
    if not marks:
        return
    marker = marks[0]
    levels = {}
    for level in range(1, CONTENTS_LEVELS + 1):
        style = _style(document, f"Heading {level}")
        if style is not None:
            levels[style.style_id] = level
    entries = []
    for para in marker.itersiblings(qn("w:p")):
        style = para.pPr.style if para.pPr is not None else None
        if style in levels:
            entries.append((levels[style], para))
    style_ids = {level: _style(document, f"toc {level}").style_id for level in levels.values()}
    current = marker
    for index, (level, heading) in enumerate(entries, start=1):
        name = f"_Toc{index:08d}"
        _bookmark(heading, name, _CONTENTS_ID + index)
        entry = OxmlElement("w:p")
        current.addnext(entry)
        current = entry
        entry.get_or_add_pPr().style = style_ids[level]
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), name)
        link.set(qn("w:history"), "1")
        entry.append(link)
        _run(link, "".join(node.text or "" for node in heading.iter(qn("w:t"))))
        _run(link).append(OxmlElement("w:tab"))
        _complex_field(link, f" PAGEREF {name} \\h ", "", dirty=True)
    body.remove(marker)


def _bookmark(para, name: str, number: int) -> None:
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    finish = OxmlElement("w:bookmarkEnd")
    finish.set(qn("w:id"), str(number))
    properties = para.pPr
    if properties is not None:
        properties.addnext(start)
    else:
        para.insert(0, start)
    para.append(finish)


# ------------------------------------------------------------------------------ tables


class _Columns:
    """What the columns of a table need, gathered row by row, as widths at a 1 pt font size
    (widths grow with the size): each column's longest word, its longest line in the body
    and in the header row, and each row's line widths per cell (for its height once the
    widths are known)."""

    def __init__(self, count: int):
        self.words = [0.0] * count
        self.lines = [0.0] * count
        self.header_lines = [0.0] * count
        self.rows: list[list[list[float]]] = []

    def add(self, values: Sequence[str], bold: Sequence[bool], *, header: bool = False) -> None:
        row = []
        longest = self.header_lines if header else self.lines
        for index, (value, heavy) in enumerate(zip(values, bold, strict=True)):
            lines = [text_width(line, 1.0, bold=heavy) for line in value.split("\n")]
            self.words[index] = max(self.words[index], longest_word(value, 1.0, bold=heavy))
            longest[index] = max(longest[index], max(lines))
            row.append(lines)
        self.rows.append(row)

    def narrowest(self, size: float, padding: float) -> list[float]:
        return [word * size + padding for word in self.words]

    def widest(self, size: float, padding: float, *, header: bool = False) -> list[float]:
        """The longest lines of the body, or with ``header`` of the body and header row."""
        lines = (
            [max(a, b) for a, b in zip(self.lines, self.header_lines, strict=True)]
            if header
            else self.lines
        )
        return [line * size + padding for line in lines]

    def height(self, row: int, widths: Sequence[float], size: float, padding: float) -> float:
        """The estimated height of a row in points, at the given column widths."""
        lines = 0
        for cell, width in zip(self.rows[row], widths, strict=True):
            inner = max(width - padding, 1.0)
            lines = max(lines, sum(max(1, math.ceil(line * size / inner)) for line in cell))
        return lines * size * _LINE_HEIGHT + 2


def fit_widths(narrowest: Sequence[float], widest: Sequence[float], total: float) -> list[float]:
    """Column widths that fill ``total``: every column gets at least its ``narrowest`` (its
    longest word); the room left goes first to the columns that want least more up to their
    ``widest`` (their longest line), the rest shared equally by those that want more; what
    is left after every column has its widest is shared in proportion to it. When
    even the longest words do not fit, the narrow columns keep theirs and the others share
    the rest equally (a word that long breaks in any program). All in the same unit."""
    count = len(narrowest)
    widest = [max(w, n) for w, n in zip(widest, narrowest, strict=True)]
    if sum(narrowest) > total:
        widths = [0.0] * count
        left = total
        order = sorted(range(count), key=lambda i: narrowest[i])
        for done, index in enumerate(order):
            widths[index] = min(narrowest[index], left / (count - done))
            left -= widths[index]
        return widths
    if sum(widest) <= total:
        spare = total - sum(widest)
        return [w + spare * w / sum(widest) for w in widest]
    # the room left over the longest words, shared so that a column that wants little more
    # (a number, a short header) gets all it wants, and the columns that want much share
    # the rest equally: short columns never wrap to give a long one a little more
    room = total - sum(narrowest)
    wants = [w - n for w, n in zip(widest, narrowest, strict=True)]
    extra = [0.0] * count
    for done, index in enumerate(sorted(range(count), key=lambda i: wants[i])):
        extra[index] = min(wants[index], room / (count - done))
        room -= extra[index]
    return [n + more for n, more in zip(narrowest, extra, strict=True)]


def _layout(
    measure: _Columns, preferred: Sequence[float] | None, total: float, size: float
) -> tuple[list[float], float, float]:
    """The column widths, font size and cell padding of a table, in points: at the text
    style's size with the usual cell margins when its longest words fit; else with narrow
    margins; else also in smaller type, as small as the words need but not below
    _SMALLEST_SIZE (below it a word too long for any column breaks, as in any program)."""
    for padding in (_CELL_PADDING_PT, _COMPACT_PADDING_PT):
        narrowest = measure.narrowest(size, padding)
        if sum(narrowest) <= total:
            break
    else:
        words = sum(measure.words) or 1.0
        fitting = (total - len(measure.words) * padding) / words
        size = max(_SMALLEST_SIZE, min(size, math.floor(fitting * 2) / 2))
        narrowest = measure.narrowest(size, padding)
    if preferred:
        return fit_widths(narrowest, list(preferred), total), size, padding
    # the body's lines first, then the header's: a header may wrap between its words, a
    # row of figures or names should not
    body = [max(w, n) for w, n in zip(measure.widest(size, padding), narrowest, strict=True)]
    if sum(body) >= total:
        return fit_widths(narrowest, body, total), size, padding
    return fit_widths(body, measure.widest(size, padding, header=True), total), size, padding


def table(
    document: DocumentType,
    headers: Sequence[str] | None,
    rows: Iterable[Sequence],
    widths_cm: Sequence[float] | None = None,
    *,
    bold_first_column: bool = False,
    titled_columns: Sequence[int] = (),
    caption_title: str | None = None,
    n: int | None = None,
):
    """A table in the reference table style, built a row at a time (table.cell() in a loop
    is quadratic in python-docx). Without ``headers`` it has no header row. With
    ``caption_title`` a numbered caption "Table 3: caption_title (n = …)" goes just above it
    (caption()), ``n`` being the number of interviews the table is computed from. In the
    body cells of ``titled_columns`` (indexes) the first line is a bold title over the rest
    (a challenge's title over its description).

    Column widths follow the content: each column at least as wide as its longest word, the
    rest of the text width shared by how much text each column holds (``widths_cm``, if
    given, are preferred widths instead of the longest lines; a word still never breaks).
    When the longest words of all columns do not fit the line, the cell margins narrow and
    then the type gets smaller, down to 7 pt. The header row repeats on every page and keeps
    with the first KEPT_ROWS rows, the last KEPT_ROWS rows keep together (a table of up to
    SHORT_TABLE rows stays whole); no row
    splits across pages unless it is taller than a third of a page; the paragraph just before
    the table keeps with it. Returns the python-docx table,
    or None when there is nothing to show."""
    rows = iter(rows)
    first = headers if headers is not None else next(rows, None)
    if first is None:
        return None
    if caption_title is not None:
        caption(document, "table", caption_title, n)
    columns = len(first)
    result = document.add_table(rows=1, cols=columns)
    result.style = TABLE_STYLE
    _keep_previous_with_next(result._tbl)
    cell_style = document.styles[TABLE_TEXT]
    style_id = cell_style.style_id
    measure = _Columns(columns)
    header_bold = [True] * columns
    body_bold = [bold_first_column] + [False] * (columns - 1)
    titled = [index in titled_columns for index in range(columns)]
    # a titled cell is measured as bold throughout: its words then fit whichever line they are on
    body_measure = [heavy or title for heavy, title in zip(body_bold, titled, strict=True)]
    first_bold = header_bold if headers is not None else body_bold
    measure.add(
        _fill(
            result.rows[0].cells,
            first,
            bold=first_bold,
            style_id=style_id,
            titled=[False] * columns if headers is not None else titled,
        ),
        first_bold if headers is not None else body_measure,
        header=headers is not None,
    )
    for values in rows:
        cells = result.add_row().cells
        shown = _fill(cells, values, bold=body_bold, style_id=style_id, titled=titled)
        measure.add(shown, body_measure)
    if headers is None:  # no header row: tell Word not to style the first row as one
        look = result._tbl.tblPr.find(qn("w:tblLook"))
        if look is not None:
            look.set(qn("w:firstRow"), "0")
    width, height = _text_area(document)
    preferred = [Cm(w).pt for w in widths_cm] if widths_cm else None
    size = _size_pt(cell_style)
    widths, shown_size, padding = _layout(measure, preferred, width, size)
    _set_widths(result, widths)
    if padding != _CELL_PADDING_PT:
        _narrow_margins(result)
    if shown_size != size:
        for run in result._tbl.iter(qn("w:r")):
            run.get_or_add_rPr().sz_val = Pt(shown_size)
    all_rows = result._tbl.tr_lst
    with_next = _kept_with_next(len(all_rows), header=headers is not None)
    for index, row in enumerate(all_rows):
        tall = measure.height(index, widths, shown_size, padding) > height * _UNSPLIT_SHARE
        _row_rules(
            row,
            header=index == 0 and headers is not None,
            whole=not tall,
            with_next=with_next[index] and not tall,
        )
    return result


def _kept_with_next(rows: int, *, header: bool) -> list[bool]:
    """For each of a table's ``rows`` (the header row first when ``header``), whether it keeps
    with the row below: all but the last in a table of up to SHORT_TABLE body rows; otherwise
    the header with the first KEPT_ROWS rows, and the last KEPT_ROWS rows with each other."""
    body = rows - header
    if body <= SHORT_TABLE:
        return [index < rows - 1 for index in range(rows)]
    first = KEPT_ROWS + header - 1
    return [index < first or rows - KEPT_ROWS <= index < rows - 1 for index in range(rows)]


def _narrow_margins(result) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(_COMPACT_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    result._tbl.tblPr.insert_element_before(
        margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange"
    )


def _fill(
    cells, values, *, bold: Sequence[bool], style_id: str, titled: Sequence[bool]
) -> list[str]:
    """Each cell's text, bold where ``bold``; where ``titled``, its first line bold over the
    rest. Returns the texts as written (for the column widths)."""
    shown = []
    for cell, value, heavy, title in zip(cells, values, bold, titled, strict=True):
        content = text(value)
        first, newline, rest = content.partition("\n")
        cell.text = first if title else content
        para = cell.paragraphs[0]
        para._p.get_or_add_pPr().style = style_id
        if heavy or (title and newline):
            for run in para.runs:
                run.bold = True
        if title and newline:
            para.add_run("\n" + rest)
        shown.append(content)
    return shown


def _set_widths(result, widths_pt: Sequence[float]) -> None:
    """Fixed layout at these widths: on the grid, on every cell and on the table, so Word and
    LibreOffice lay it out alike (LibreOffice reads the grid, Word the cells)."""
    result.autofit = False
    tbl = result._tbl
    twips = [round(w * 20) for w in widths_pt]
    for column, width in zip(tbl.tblGrid.gridCol_lst, twips, strict=True):
        column.set(qn("w:w"), str(width))
    for row in tbl.tr_lst:
        for cell, width in zip(row.tc_lst, twips, strict=True):
            cell.width = Emu(width * 635)
    table_width = tbl.tblPr.find(qn("w:tblW"))
    if table_width is None:
        table_width = OxmlElement("w:tblW")
        tbl.tblPr.append(table_width)
    table_width.set(qn("w:type"), "dxa")
    table_width.set(qn("w:w"), str(sum(twips)))


_AFTER_CANT_SPLIT = ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden")
_AFTER_HEADER = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")


def _row_rules(row, *, header: bool, whole: bool, with_next: bool) -> None:
    """A row kept on one page (w:cantSplit) when ``whole``; a header row repeated on every
    page (w:tblHeader); a row whose paragraphs keep with the next row when ``with_next`` (Word
    and LibreOffice then keep the two rows on one page), as a header row always does."""
    properties = row.get_or_add_trPr()
    if whole and properties.find(qn("w:cantSplit")) is None:
        properties.insert_element_before(OxmlElement("w:cantSplit"), *_AFTER_CANT_SPLIT)
    if header and properties.find(qn("w:tblHeader")) is None:
        properties.insert_element_before(OxmlElement("w:tblHeader"), *_AFTER_HEADER)
    if header or with_next:
        for para in row.iter(qn("w:p")):
            para.get_or_add_pPr().keepNext_val = True


# ------------------------------------------------------------------------------ pictures


def picture(
    document: DocumentType,
    png: bytes,
    caption_title: str,
    alt_text: str,
    n: int | None = None,
    width_cm: float = 15.5,
) -> None:
    """A chart: the picture, centred and kept with its caption below ("Figure 1: …", with its
    n), and ``alt_text`` (what the chart shows, for a reader who cannot see it) with its n as
    the picture's description, the caption as its title."""
    language = report_language(document)
    para = document.add_paragraph()
    shape = para.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.keep_with_next = True
    _keep_previous_with_next(para._p)
    description = text(alt_text)
    if n is not None:
        description = f"{description} ({n_text(n, language)})".strip()
    properties = shape._inline.docPr
    properties.set("descr", description)
    properties.set("title", text(caption_title))
    caption(document, "figure", caption_title, n)


# ------------------------------------------------------------------------------ saving


def check_target(out_path: Path) -> None:
    """Refuses, before any work, a target whose folder is missing."""
    folder = Path(out_path).parent
    if not folder.is_dir():
        raise InterviewerError(f"the folder {folder} does not exist")


def save_whole(document: DocumentType, out_path: Path) -> None:
    """Lists the contents (if the document has a table of contents), then saves beside the
    target and renames, so a failed save leaves no broken file."""
    out_path = Path(out_path)
    check_target(out_path)
    _fill_contents(document)
    write_whole(out_path, document.save)
