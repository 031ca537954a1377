"""The synthesis's charts hold any codebook label (breaker11b F19, F4): a label of thousands of
characters is wrapped and shortened, so the chart keeps a page's width; a character the
chart's font lacks (an emoji, a control character) is the marker; and no library warning
reaches the terminal."""

import io
import shutil
import sqlite3
import struct
import warnings
import zipfile
from pathlib import Path

import pytest

from interviewer.demo import generate_demo
from interviewer.export.charts import LABEL_LINES, LABEL_WIDTH, chart_label
from interviewer.export.text import MARKER
from interviewer.storage.database import open_database
from tests.helpers import run_cli

LONG_LABEL = ("Education and schools " * 140)[:3000]
EMOJI_LABEL = "\U0001f3eb" * 300 + "\x0c<b>"
# the largest picture a chart may be, in pixels (7.5 inches of chart and its labels, at 160
# dpi); the breaker's long label made one 55,145 pixels wide
MOST_PIXELS_WIDE = 2400


@pytest.fixture(scope="module")
def hostile_labels(tmp_path_factory) -> Path:
    """A demo of 30 interviews whose service-area and theme labels are very long or emoji."""
    path = tmp_path_factory.mktemp("charts") / "labels.sqlite"
    database = open_database(path, backup=False)
    generate_demo(database, interviews=30, seed=19)
    database.close()
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("PRAGMA journal_mode=DELETE")
        for kind, label in (("service_area", LONG_LABEL), ("challenge_theme", EMOJI_LABEL)):
            connection.execute(
                "UPDATE codebook_entry SET label_en = ?, label_da = ? WHERE kind = ?",
                (label, label, kind),
            )
    connection.close()
    return path


def _png_sizes(docx: Path) -> list[tuple[int, int]]:
    """(width, height) in pixels of every PNG in the document, from its IHDR chunk."""
    with zipfile.ZipFile(docx) as archive:
        pictures = [archive.read(n) for n in archive.namelist() if n.endswith(".png")]
    return [struct.unpack(">II", png[16:24]) for png in pictures]


@pytest.mark.parametrize("lang", ["en", "da"])
def test_a_synthesis_of_hostile_labels_draws_bounded_charts_and_prints_no_warning(
    hostile_labels, tmp_path, lang
):
    database = tmp_path / "labels.sqlite"
    shutil.copyfile(hostile_labels, database)
    out = tmp_path / "report.docx"
    result = run_cli(
        "export", "docx", "--db", database, "--language", lang, "-o", out, home=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # matplotlib's "Glyph … missing from font(s)" came here
    sizes = _png_sizes(out)
    assert len(sizes) >= 2  # the priority chart and the theme chart
    for width, height in sizes:
        assert width <= MOST_PIXELS_WIDE, sizes
        assert height <= 40 * 160, sizes  # tall only by its rows, never by one label
    # the full labels stay in the document's tables
    with zipfile.ZipFile(out) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert LONG_LABEL.strip() in body or LONG_LABEL.strip().replace("  ", " ") in body


def test_a_chart_label_is_wrapped_and_shortened_to_a_fixed_width():
    shown = chart_label(LONG_LABEL)
    lines = shown.split("\n")
    assert len(lines) <= LABEL_LINES
    assert all(len(line) <= LABEL_WIDTH for line in lines), lines
    assert shown.endswith("…")
    assert chart_label("Education") == "Education"
    assert chart_label("Child and\nfamily  services") == "Child and family services"


def test_a_character_the_chart_font_lacks_is_the_marker_and_draws_without_a_warning():
    from matplotlib.figure import Figure

    shown = chart_label("Blame \U0001f3eb culture\x01\x0cnow")  # a form feed is a space
    assert shown == f"Blame {MARKER} culture{MARKER} now"
    assert chart_label(EMOJI_LABEL) == f"{MARKER} <b>"  # a run of them is one marker
    assert chart_label("Økonomi – «æøå» ≥ 3") == "Økonomi – «æøå» ≥ 3"  # the font has these
    figure = Figure(figsize=(4, 2))
    axes = figure.subplots()
    axes.barh([0], [1])
    axes.set_yticks([0], [chart_label(EMOJI_LABEL)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning of the drawing fails the test
        figure.savefig(io.BytesIO(), format="png", bbox_inches="tight")
