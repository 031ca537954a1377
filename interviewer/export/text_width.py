"""How wide a text prints, in points: an estimate from the advance widths of DejaVu Sans.

A report's reader may open it in Word (Calibri) or in LibreOffice, which prints Calibri as
DejaVu Sans where Calibri and its metric twin Carlito are not installed. DejaVu Sans is the
wider of the two (Calibri is about 0.85 of it), so a width measured here is enough in both.
The font files come with matplotlib, a dependency of the charts; fontTools comes with
matplotlib. Kerning is ignored (a fraction of a point per word).
"""

import importlib.util
import re
from functools import cache
from pathlib import Path

# where a line may break besides a space: after a hyphen, an en or em dash or a slash, as
# Word and LibreOffice both do
_PIECES = re.compile(r"[^\s\-–—/]*[\-–—/]+|[^\s\-–—/]+")
_FALLBACK_EM = 1.0  # a character DejaVu Sans lacks (most emoji): a full em, the wide side


@cache
def _advances(bold: bool) -> tuple[dict[int, int], int]:
    """Code point → advance width in font units, and the units per em."""
    from fontTools.ttLib import TTFont

    spec = importlib.util.find_spec("matplotlib")
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    path = Path(next(iter(spec.submodule_search_locations)), "mpl-data", "fonts", "ttf", name)
    font = TTFont(path, lazy=True)
    metrics = font["hmtx"].metrics
    advances = {point: metrics[glyph][0] for point, glyph in font.getBestCmap().items()}
    return advances, font["head"].unitsPerEm


def text_width(text: str, size_pt: float, *, bold: bool = False) -> float:
    """The width of ``text`` on one line at ``size_pt`` points, in points."""
    advances, per_em = _advances(bold)
    fallback = _FALLBACK_EM * per_em
    units = sum(advances.get(ord(ch), fallback) for ch in text)
    return units * size_pt / per_em


def longest_line(text: str, size_pt: float, *, bold: bool = False) -> float:
    """The width of the widest line of ``text`` (lines split at line breaks), in points:
    what the text needs to print without wrapping."""
    return max((text_width(line, size_pt, bold=bold) for line in text.splitlines()), default=0.0)


def longest_word(text: str, size_pt: float, *, bold: bool = False) -> float:
    """The width of the widest piece of ``text`` that cannot be broken (a word, or the part
    of a compound up to its hyphen or dash), in points: the narrowest a column holding it
    can be without breaking a word."""
    return max(
        (text_width(piece, size_pt, bold=bold) for piece in _PIECES.findall(text)), default=0.0
    )
