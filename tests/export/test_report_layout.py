"""The layout of the Word reports, as a reader meets it: read back from the .docx XML (python-docx
and lxml) and from the PDF LibreOffice makes of it (pdftotext).

Tables repeat their header row and keep rows whole; headings and what introduces a table or a
chart never end a page; no word breaks inside a word in a table, in Danish and English, with
the study's longest codebook labels; tables and figures are numbered, each caption with its n;
every chart has alternative text; the contents list the headings with their real pages; the
file's metadata names the report, the study, the language and now.
"""

import re
import shutil
import sqlite3
import subprocess
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from PIL import ImageFont

import interviewer
from interviewer import interviews as svc
from interviewer.demo import add_sample_interview, generate_demo
from interviewer.export import charts, docx_common
from interviewer.export.docx_common import fit_widths
from interviewer.export.docx_interview import write_interview_docx
from interviewer.export.docx_synthesis import write_synthesis_docx
from interviewer.export.options import ExportOptions
from interviewer.storage.database import open_database
from interviewer.storage.models import EffectKind

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftotext") is None,
    reason="LibreOffice or pdftotext is not installed here (apt-get install "
    "libreoffice-writer poppler-utils to run this test)",
)

# a codebook label longer than any of the default codebook, one long Danish compound in it
LONG_LABEL = "Tværfagligt kompetenceudviklingsforløb for sagsbehandlere"
LONG_WORDS = ("Kommunaldirektør", "kompetenceudviklingsforløb", "Observeret", "Interviews")
FONTS = Path(__import__("matplotlib").__file__).parent / "mpl-data" / "fonts" / "ttf"
TWIPS_PER_PT = 20


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """A 60-interview study with the sample interview, one interview of long Danish words
    (a Kommunaldirektør in Ringkøbing-Skjern), and a codebook label longer than any shipped."""
    path = tmp_path_factory.mktemp("layout") / "study.sqlite"
    database = open_database(path)
    with database.session() as session:
        add_sample_interview(session)
    generate_demo(database, interviews=60, seed=12)
    with database.session() as session:
        interview = svc.create_interview(
            session=session,
            study=svc.current_study(session=session),
            respondent_role="Kommunaldirektør",
            service_area="employment",
            municipality="Ringkøbing-Skjern",
            interview_date=date(2017, 6, 12),
            consent_given=True,
            consent_date=date(2017, 6, 12),
        )
        svc.add_challenge(
            session=session,
            interview_id=interview.id,
            title="Beskæftigelsesforvaltningens sagsbehandlingstider",
            theme_code="resource_pressure",
        )
        initiative = svc.add_initiative(
            session=session,
            interview_id=interview.id,
            title="Tværfaglighedsuddannelse",
            category_code="joint_training",
        )
        svc.add_effect(
            session=session,
            initiative_id=initiative.id,
            kind=EffectKind.OBSERVED,
            description="Sagsbehandlerne kender hinanden",
        )
        long_id = interview.id
    database.close()
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "UPDATE codebook_entry SET label_da = ?, label_en = ? WHERE code = 'joint_training'",
            (LONG_LABEL, "Joint interdisciplinary training programme for caseworkers"),
        )
    connection.close()
    return path, long_id


@pytest.fixture(scope="module")
def reports(study, tmp_path_factory):
    """The Danish and English synthesis and the Danish summary of the long-word interview."""
    path, long_id = study
    folder = tmp_path_factory.mktemp("reports")
    files = {
        "synthesis-da": folder / "synthesis-da.docx",
        "synthesis-en": folder / "synthesis-en.docx",
        "summary-da": folder / "summary-da.docx",
    }
    write_synthesis_docx(path, files["synthesis-da"], ExportOptions(language="da"))
    write_synthesis_docx(path, files["synthesis-en"], ExportOptions(language="en"))
    write_interview_docx(path, files["summary-da"], long_id, ExportOptions(language="da"))
    return files


@pytest.fixture(scope="module")
def documents(reports):
    return {name: Document(file) for name, file in reports.items()}


@pytest.fixture(scope="module")
def rendered(reports, tmp_path_factory):
    """Each report as LibreOffice prints it: the text of each page (pdftotext -raw)."""
    if SOFFICE is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice or pdftotext is not installed here")
    folder = tmp_path_factory.mktemp("pdf")
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *map(str, reports.values()),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    pages = {}
    for name in reports:
        pdf = folder / f"{name}.pdf"
        assert pdf.exists(), f"LibreOffice made no PDF of {name}: {result.stderr}"
        raw = subprocess.run(
            ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        pages[name] = [page for page in raw.split("\f") if page.strip()]
    return pages


# ------------------------------------------------------------------------------ helpers


def body_tables(document):
    return [element for element in document.element.body if element.tag == qn("w:tbl")]


def rows_of(tbl):
    return tbl.findall(qn("w:tr"))


def has(row, tag: str) -> bool:
    properties = row.find(qn("w:trPr"))
    return properties is not None and properties.find(qn(tag)) is not None


def cell_text(tc) -> str:
    """A cell's text as it reads, a line break or tab as a space."""
    parts = []
    for para in tc.findall(qn("w:p")):
        for node in para.iter(qn("w:t"), qn("w:br"), qn("w:tab")):
            parts.append(node.text or "" if node.tag == qn("w:t") else " ")
        parts.append("\n")
    return "".join(parts)


def styled(document, *names: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name in names]


def pieces(word: str) -> list[str]:
    """A word as the places a line may break split it: after a hyphen, a dash or a slash."""
    return [piece for piece in re.split(r"(?<=[-–—/])", word) if piece]


def measured(word: str, size_pt: float, *, bold: bool) -> float:
    """The width of ``word`` in points as FreeType (Pillow) sets it in DejaVu Sans, the font
    LibreOffice prints Calibri in here: a measure apart from the one the export uses."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), 1000).getlength(word) * size_pt / 1000


def table_font_size(document, run) -> float:
    size = run.find(qn("w:rPr") + "/" + qn("w:sz"))
    if size is not None:
        return int(size.get(qn("w:val"))) / 2
    return document.styles[docx_common.TABLE_TEXT].font.size.pt


def cell_margins_pt(tbl) -> float:
    margins = tbl.find(qn("w:tblPr") + "/" + qn("w:tblCellMar"))
    if margins is None:
        return 2 * 108 / TWIPS_PER_PT  # the table style's margins (Light Grid), 0.19 cm each
    return sum(int(m.get(qn("w:w"))) for m in margins) / TWIPS_PER_PT


def text_width_pt(document) -> float:
    section = document.sections[-1]
    return (section.page_width - section.left_margin - section.right_margin) / 12700


def content_lines(page: str) -> list[str]:
    """A page's lines without the page number line at the foot."""
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    while lines and re.fullmatch(r"(Side|Page) \d+ (af|of) \d+", lines[-1]):
        lines.pop()
    return lines


# ------------------------------------------------------------------------------ the XML


def test_header_rows_repeat_and_rows_are_never_split(documents):
    for name, document in documents.items():
        tables = body_tables(document)
        assert tables, name
        for tbl in tables:
            rows = rows_of(tbl)
            assert all(has(row, "w:cantSplit") for row in rows), name
            first = rows[0]
            header = tbl.find(qn("w:tblPr") + "/" + qn("w:tblLook")).get(qn("w:firstRow"))
            if header != "0":
                assert has(first, "w:tblHeader"), name
                assert all(p.pPr is not None and p.pPr.keepNext_val for p in first.iter(qn("w:p")))
            assert not any(has(row, "w:tblHeader") for row in rows[1:]), name


def keeps_with_next(row) -> bool:
    return all(p.pPr is not None and p.pPr.keepNext_val for p in row.iter(qn("w:p")))


def expected_keeps(rows: int, header: bool) -> list[bool]:
    kept_rows, body = docx_common.KEPT_ROWS, rows - header
    if body <= docx_common.SHORT_TABLE:
        return [index < rows - 1 for index in range(rows)]
    return [
        index < kept_rows + header - 1 or rows - kept_rows <= index < rows - 1
        for index in range(rows)
    ]


def test_a_tables_first_and_last_rows_keep_together_and_a_short_table_stays_whole(documents):
    """No page ends with a caption, a header and one row (breaker11 F9), nor holds a header
    and a table's last row: the header and the first KEPT_ROWS rows keep together, so do the
    last KEPT_ROWS; a table of up to SHORT_TABLE rows keeps whole."""
    kept_rows, short = docx_common.KEPT_ROWS, docx_common.SHORT_TABLE
    for name, document in documents.items():
        for tbl in body_tables(document):
            rows = rows_of(tbl)
            header = has(rows[0], "w:tblHeader")
            assert [keeps_with_next(row) for row in rows] == expected_keeps(len(rows), header), (
                name,
                len(rows),
            )
    document = docx_common.new_document("en")
    docx_common.table(document, ["A", "B"], [(str(n), "x") for n in range(20)])
    docx_common.table(document, ["A", "B"], [(str(n), "x") for n in range(short)])
    docx_common.table(document, None, [(str(n), "x") for n in range(10)])  # no header row
    long_table, short_table, headerless = (
        [keeps_with_next(row) for row in rows_of(t)] for t in body_tables(document)
    )
    assert long_table[: kept_rows + 2] == [True] * kept_rows + [False, False]
    assert long_table[-kept_rows - 1 :] == [False] + [True] * (kept_rows - 1) + [False]
    assert short_table == [True] * short + [False]
    assert headerless[:4] == [True, True, False, False]


def test_a_row_taller_than_a_third_of_a_page_may_split_the_others_not(tmp_path):
    document = docx_common.new_document("en")
    long = " ".join(["A long description of a challenge, as typed in the meeting."] * 120)
    docx_common.table(document, ["Rank", "Challenge"], [("1", "Short"), ("2", long), ("3", "")])
    rows = rows_of(body_tables(document)[0])
    assert [has(row, "w:cantSplit") for row in rows] == [True, True, False, True]


def test_headings_and_what_introduces_a_table_or_chart_keep_with_next(documents):
    for name, document in documents.items():
        for style in ("Heading 1", "Heading 2", "Heading 3", "Title", "Subtitle", "TOC Heading"):
            assert document.styles[style].paragraph_format.keep_with_next, (name, style)
        body = list(document.element.body)
        for index, element in enumerate(body):
            if element.tag == qn("w:tbl") and index:
                before = body[index - 1]
                assert before.tag == qn("w:p") and before.pPr.keepNext_val, name
            if element.tag == qn("w:p") and element.findall(".//" + qn("w:drawing")):
                assert element.pPr.keepNext_val, name  # the chart keeps with its caption
                after = body[index + 1]
                assert "".join(t.text for t in after.iter(qn("w:t"))).startswith(
                    ("Figure ", "Figur ")
                ), name


def test_tables_and_figures_are_numbered_in_order_each_with_its_n(documents):
    for name, document in documents.items():
        danish = name.endswith("-da")
        label = {"table": "Tabel" if danish else "Table", "figure": "Figur" if danish else "Figure"}
        captions = [p for p in document.paragraphs if p.style.name == "Caption"]
        for kind in ("table", "figure"):
            own = [p for p in captions if p.text.startswith(label[kind] + " ")]
            numbers = [int(re.match(rf"{label[kind]} (\d+): ", p.text).group(1)) for p in own]
            assert numbers == list(range(1, len(own) + 1)), (name, kind)
            for para, number in zip(own, numbers, strict=True):
                fields = para._p.xpath(".//w:instrText")
                assert fields[0].text.split()[:2] == ["SEQ", label[kind]]
                if not re.search(r"\(n = [\d.,]+ interviews?\)$", para.text):
                    # a table hiding a row leaves out an n that would pin it (breaker11b F17)
                    after = para._p.getnext()
                    assert kind == "table" and after.tag == qn("w:tbl"), para.text
                    shown = "".join(t.text for t in after.iter(qn("w:t")))
                    assert re.search(r"< \d", shown), para.text
                assert str(number) in para.text
        if name.startswith("synthesis"):
            tables = [p for p in captions if p.text.startswith(label["table"] + " ")]
            assert len(tables) == len(body_tables(document))  # every table has its caption
            assert any(p.text.startswith(label["figure"] + " ") for p in captions)


def test_every_chart_has_alternative_text_with_its_n(documents):
    for name in ("synthesis-da", "synthesis-en"):
        document = documents[name]
        pictures = document.element.body.xpath(".//wp:docPr")
        assert len(pictures) >= 2, name
        for properties in pictures:
            description = properties.get("descr") or ""
            assert len(description) > 40, description
            assert re.search(r"n = [\d.,]+ interviews?", description), description
            assert properties.get("title")


def test_the_files_metadata_names_the_report_the_study_and_the_language(documents):
    for name, document in documents.items():
        properties = document.core_properties
        danish = name.endswith("-da")
        titles = {
            "synthesis": "Syntese af undersøgelsen" if danish else "Study synthesis",
            "summary": "Interviewresumé" if danish else "Interview summary",
        }
        assert properties.title.startswith(titles[name.split("-")[0]])  # "(draft)" too
        assert properties.subject == "Municipal managers and cross-organisational efforts"
        assert properties.language == ("da-DK" if danish else "en-GB")
        assert properties.author == "Interviewer"
        assert properties.last_modified_by == "Interviewer"
        assert properties.revision == 1
        now = datetime.now(UTC)
        for moment in (properties.created, properties.modified):
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            assert now - timedelta(minutes=10) < moment <= now + timedelta(seconds=5)
        assert "python-docx" not in (properties.comments + properties.author)
        extended = next(
            part
            for part in document.part.package.iter_parts()
            if part.partname == "/docProps/app.xml"
        )
        assert b"<Application>Interviewer</Application>" in extended.blob


def test_the_extended_properties_name_this_program_and_hold_no_stale_counts(reports):
    """docProps/app.xml, read back from the saved file: the application and its version,
    and none of the reference document's statistics ("Pages 1, Words 0", its template)."""
    namespace = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    for name, file in reports.items():
        with zipfile.ZipFile(file) as archive:
            root = etree.fromstring(archive.read("docProps/app.xml"))
        values = {child.tag.removeprefix(namespace): child.text for child in root}
        assert values["Application"] == "Interviewer", name
        assert values["AppVersion"] == docx_common.app_version(interviewer.__version__), name
        assert re.fullmatch(r"\d\d\.\d{4}", values["AppVersion"])  # the form ECMA-376 asks
        stale = {"Pages", "Words", "Characters", "CharactersWithSpaces", "Lines", "Paragraphs"}
        assert stale.isdisjoint(values), (name, stale & set(values))
        assert {"Template", "TotalTime", "TitlesOfParts", "HeadingPairs"}.isdisjoint(values)
    assert docx_common.app_version("0.1.0") == "00.0100"
    assert docx_common.app_version("2.13.4.dev1") == "02.1304"


def test_columns_are_as_wide_as_their_longest_word_and_fill_the_line(documents):
    """Measured apart from the export (FreeType through Pillow), in bold where it is bold, at
    the size it is set in, less the cell margins."""
    seen = set()
    for name, document in documents.items():
        line = text_width_pt(document)
        for tbl in body_tables(document):
            grid = [int(c.get(qn("w:w"))) / TWIPS_PER_PT for c in tbl.iter(qn("w:gridCol"))]
            assert sum(grid) == pytest.approx(line, abs=len(grid) * 0.1), name
            margins = cell_margins_pt(tbl)
            for row in rows_of(tbl):
                cells = row.findall(qn("w:tc"))
                for tc, width in zip(cells, grid, strict=True):
                    assert int(tc.find(".//" + qn("w:tcW")).get(qn("w:w"))) == round(
                        width * TWIPS_PER_PT
                    )
                    for run in tc.iter(qn("w:r")):
                        bold = run.find(qn("w:rPr") + "/" + qn("w:b")) is not None
                        size = table_font_size(document, run)
                        words = " ".join(t.text or "" for t in run.iter(qn("w:t"))).split()
                        for word in words:
                            for piece in pieces(word):
                                need = measured(piece, size, bold=bold)
                                assert need <= width - margins, (name, piece, need, width)
                                seen.add(piece)
    assert {"Kommunaldirektør", "Observeret", "kompetenceudviklingsforløb"} <= seen


def test_a_crowded_table_narrows_its_margins_then_its_type_and_still_breaks_no_word():
    document = docx_common.new_document("da")
    headers = [*LONG_WORDS, "Socialpsykiatri", "Sagsbehandling"]  # fit at 7 pt, not at 9.5
    docx_common.table(document, headers, [[str(n) for n in range(len(headers))]])
    tbl = body_tables(document)[0]
    assert tbl.find(qn("w:tblPr") + "/" + qn("w:tblCellMar")) is not None
    sizes = {table_font_size(document, run) for run in tbl.iter(qn("w:r"))}
    assert len(sizes) == 1 and 7 <= sizes.pop() < 9.5
    grid = [int(c.get(qn("w:w"))) / TWIPS_PER_PT for c in tbl.iter(qn("w:gridCol"))]
    margins = cell_margins_pt(tbl)
    size = table_font_size(document, next(tbl.iter(qn("w:r"))))
    for word, width in zip(headers, grid, strict=True):
        assert measured(word, size, bold=True) <= width - margins, word


def test_fit_widths_gives_each_column_its_longest_word_then_shares_the_rest():
    assert docx_common.fit_widths([10, 20], [10, 20], 60) == [20, 40]  # all fit: by need
    widths = docx_common.fit_widths([10, 20], [50, 20], 60)  # the first wants more
    assert widths == [40, 20]
    # short columns (numbers, short headers) get all they want; the long one the rest
    assert docx_common.fit_widths([50, 10, 10], [200, 15, 15], 100) == [70, 15, 15]
    assert docx_common.fit_widths([10, 10, 10], [100, 90, 15], 100) == [42.5, 42.5, 15]
    crowded = docx_common.fit_widths([5, 50, 50], [5, 50, 50], 60)
    assert crowded[0] == 5 and crowded[1] == crowded[2] == pytest.approx(27.5)


@given(
    st.lists(st.tuples(st.floats(1, 200), st.floats(0, 400)), min_size=1, max_size=12),
    st.floats(50, 600),
)
def test_fit_widths_always_fills_the_line_and_keeps_every_word_when_it_can(columns, total):
    narrowest = [word for word, _ in columns]
    widest = [word + more for word, more in columns]
    widths = fit_widths(narrowest, widest, total)
    assert sum(widths) == pytest.approx(total)
    assert all(width >= 0 for width in widths)
    if sum(narrowest) <= total:
        assert all(w >= n - 1e-9 for w, n in zip(widths, narrowest, strict=True))
        if sum(widest) <= total:  # every line fits whole
            assert all(w >= n - 1e-9 for w, n in zip(widths, widest, strict=True))


def test_the_contents_list_every_heading_linked_to_its_page(documents):
    for name in ("synthesis-da", "synthesis-en"):
        document = documents[name]
        entries = [p for p in document.paragraphs if p.style.name in ("toc 1", "toc 2")]
        headings = styled(document, "Heading 1", "Heading 2")
        assert [p.text.split("\t")[0] for p in entries] == headings
        bookmarks = {
            start.get(qn("w:name")) for start in document.element.body.iter(qn("w:bookmarkStart"))
        }
        for entry in entries:
            [instruction] = entry._p.xpath(".//w:instrText")
            _, target, _ = instruction.text.split()
            assert target in bookmarks
        settings = document.settings.element
        assert settings.find(qn("w:updateFields")).get(qn("w:val")) == "true"


def test_an_interview_summary_has_no_contents(documents):
    assert not styled(documents["summary-da"], "toc 1", "TOC Heading")


class _Label:
    def __init__(self, text):
        self.text = text

    def in_language(self, lang):
        return self.text


class _Scale:
    def __init__(self, key, label):
        self.key, self.label = key, _Label(label)


class _Question:
    scales = [_Scale("department", "Your department"), _Scale("municipality", "Municipality")]
    scale_points = type(
        "Points", (), {"in_language": lambda self, lang: ["Very low", "Low", "Mid", "High", "Top"]}
    )()


class _Context:
    def label(self, kind, code):
        return {"a": "Child and family", "b": "Employment", "c": "Elderly"}.get(code, code)


def test_the_priority_chart_is_on_the_1_to_5_scale_and_says_what_it_cannot_show():
    means = {"department": {"a": 3.25, "b": 4.5, "c": None}, "municipality": {"a": 1, "b": 2}}
    counts = {"department": {"a": 12, "b": 2, "c": 0}, "municipality": {"a": 5, "b": 9}}
    chart = charts.priority_chart(
        _Question(), ["a", "b", "c"], means, counts, _Context(), ExportOptions(language="da")
    )
    assert chart.png.startswith(b"\x89PNG")
    alt = chart.alt_text
    assert "Child and family: Your department 3,3 (n = 12); Municipality 1,0 (n = 5)." in alt
    assert "Your department: for få interviews til at vise (færre end 3)" in alt
    assert "Municipality: ingen svar" in alt  # Elderly has no municipality answers at all
    figure = charts.priority_figure(
        _Question(), ["a", "b", "c"], means, counts, _Context(), ExportOptions(language="da")
    )
    axes = figure.axes[0]
    assert axes.get_xlim() == (1, 5)
    assert [tick for tick in axes.get_xticks()] == [1, 2, 3, 4, 5]
    assert axes.get_xticklabels()[0].get_text() == "1\nVery low"
    words = [text.get_text() for text in axes.texts]
    assert "3,3" in words and "1,0" in words  # means in the reader's language, even 1.0
    assert "Your department: for få interviews til at vise (færre end 3)" in words
    assert {"Your department: ingen svar", "Municipality: ingen svar"} <= set(words)
    bottom, top = axes.get_ylim()
    assert all(top <= text.get_position()[1] <= bottom for text in axes.texts)  # all in view
    bars = [patch for patch in axes.patches]
    assert len(bars) == 3  # both of a, b's municipality; none for too few or none
    assert all(bar.get_x() == 1 for bar in bars)


# ------------------------------------------------------------------------------ LibreOffice


@needs_libreoffice
def test_in_libreoffice_no_heading_or_header_row_ends_a_page(documents, rendered):
    for name, pages in rendered.items():
        document = documents[name]
        introductions = styled(
            document, "Heading 1", "Heading 2", "Heading 3", "Subtitle", "TOC Heading"
        )
        # of the captions, those of tables come before what they name; a figure's caption is
        # below it and a quote's attribution after the quote
        introductions += [
            text for text in styled(document, "Caption") if text.startswith(("Table ", "Tabel "))
        ]
        header_cells = set()
        for tbl in body_tables(document):
            first = rows_of(tbl)[0]
            if has(first, "w:tblHeader"):
                for tc in first.findall(qn("w:tc")):
                    header_cells.add(cell_text(tc))
                    header_cells.update(cell_text(tc).split())
        for number, page in enumerate(pages[:-1], start=1):
            last = content_lines(page)[-1]
            assert not any(len(last) >= 4 and text.endswith(last) for text in introductions), (
                name,
                number,
                last,
            )
            assert last not in header_cells, (name, number, last)


@needs_libreoffice
def test_in_libreoffice_no_word_in_a_table_is_broken(documents, rendered):
    for name, pages in rendered.items():
        words = set()
        for tbl in body_tables(documents[name]):
            for tc in tbl.iter(qn("w:tc")):
                for word in cell_text(tc).split():
                    words.update(pieces(word))
        lines = [line for page in pages for line in content_lines(page)]
        for above, below in zip(lines, lines[1:], strict=False):
            joined = above.split()[-1] + below.split()[0]
            assert joined not in words, (name, above, below)
        tokens = {token for line in lines for token in line.split()}
        for word in LONG_WORDS:
            if any(word in w for w in words):
                assert word in tokens or any(word in token for token in tokens), (name, word)


@needs_libreoffice
def test_in_libreoffice_the_contents_show_the_real_pages(documents, rendered):
    for name in ("synthesis-da", "synthesis-en"):
        pages = rendered[name]
        headings = styled(documents[name], "Heading 1", "Heading 2")
        listed = {}
        for line in content_lines(pages[0]):
            match = re.fullmatch(r"(.+?)\.{3,}\s*(\d+)", line)
            if match:
                listed[match.group(1).strip()] = int(match.group(2))
        assert list(listed) == headings, name
        for heading, page in listed.items():
            found = [n for n, text in enumerate(pages, start=1) if heading in content_lines(text)]
            assert page in found, (name, heading, page, found)


@needs_libreoffice
def test_in_libreoffice_captions_are_numbered_in_order(documents, rendered):
    for name, pages in rendered.items():
        label = "Tabel" if name.endswith("-da") else "Table"
        text = "\n".join(pages)
        numbers = [int(n) for n in re.findall(rf"^{label} (\d+): ", text, re.M)]
        expected = len(body_tables(documents[name])) if name.startswith("synthesis") else 0
        assert numbers == list(range(1, expected + 1)), name


def test_unknown_caption_kinds_are_refused():
    document = docx_common.new_document("en")
    with pytest.raises(ValueError):
        docx_common.caption(document, "chart", "Anything", 3)


@needs_libreoffice
def test_in_libreoffice_a_heading_caption_and_header_row_move_to_the_next_page_together(
    tmp_path,
):
    """The same short report with more and more text before a heading, its table's caption
    and the table: wherever the page ends, the heading, the caption and the header row are
    never left at its foot."""
    files = []
    for lines in range(34, 50):
        document = docx_common.new_document("en")
        for number in range(lines):
            docx_common.paragraph(document, f"Line {number} of the text before the table.")
        docx_common.paragraph(document, "Themes named", "Heading 1")
        docx_common.table(
            document,
            ["Theme", "Interviews", "Share"],
            [(f"Theme {n}", str(n), f"{n} %") for n in range(1, 13)],
            caption_title="Themes by interviews",
            n=40,
        )
        files.append(tmp_path / f"lines-{lines}.docx")
        docx_common.save_whole(document, files[-1])
    rendered = rendered_pages(files, tmp_path)
    moved = 0
    for file in files:
        pages = rendered[file]
        for page in pages[:-1]:
            assert page[-1].startswith(("Line ", "Theme ")), (file.name, page[-3:])
            assert not page[-1].startswith("Theme Interviews"), (file.name, page[-3:])
        following = [page for page in pages if "Themes named" in page]
        moved += following[0][0] == "Themes named"  # the heading opened a page
        for page in pages[1:]:
            if page[0].startswith("Theme ") and page[0] != "Theme Interviews Share":
                raise AssertionError(f"{file.name}: a page of the table without its header row")
    assert moved  # some page break fell where the heading would have ended a page


@needs_libreoffice
def test_in_libreoffice_a_table_begins_with_its_first_rows_or_not_at_all(tmp_path):
    """Wherever the page ends, a long table leaves at least its first KEPT_ROWS rows with its
    caption and header at the foot of a page and carries at least KEPT_ROWS on, and a short
    table is never split (breaker11 F9: at 10,000 interviews a caption, a header and one row
    ended a page)."""
    files = []
    for lines in range(26, 42):
        for rows in (12, docx_common.SHORT_TABLE):
            document = docx_common.new_document("en")
            for number in range(lines):
                docx_common.paragraph(document, f"Line {number} of the text before the table.")
            docx_common.table(
                document,
                ["Theme", "Interviews", "Share"],
                [(f"Theme {n}", str(n), f"{n} %") for n in range(1, rows + 1)],
                caption_title="Themes by interviews",
                n=40,
            )
            files.append(tmp_path / f"lines-{lines}-rows-{rows}.docx")
            docx_common.save_whole(document, files[-1])
    rendered = rendered_pages(files, tmp_path)
    split = 0
    for file in files:
        pages = rendered[file]
        for page in pages[:-1]:
            begun = [line for line in page if re.fullmatch(r"Theme \d+ \d+ \d+ %", line)]
            if begun:  # the table begins on this page and goes on on the next
                split += 1
                assert not file.stem.endswith(f"rows-{docx_common.SHORT_TABLE}"), file.name
                assert len(begun) >= docx_common.KEPT_ROWS, (file.name, page[-4:])
        for page in pages[1:]:  # a page the table goes on to holds its last rows, not one
            ended = [line for line in page if re.fullmatch(r"Theme \d+ \d+ \d+ %", line)]
            assert not ended or len(ended) >= docx_common.KEPT_ROWS, (file.name, page[:4])
    assert split  # some page break fell inside the long table


def rendered_pages(files: list, folder) -> dict:
    """Each .docx of ``files`` as LibreOffice lays it out: {file: [lines of each page]}, the
    PDFs written in ``folder`` (one LibreOffice run for all)."""
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    pages = {}
    for file in files:
        raw = subprocess.run(
            ["pdftotext", "-raw", str(file.with_suffix(".pdf")), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pages[file] = [content_lines(page) for page in raw.split("\f") if page.strip()]
    return pages
