"""PDF characters to glyphs to text lines: the lowest layer of the PDF reader.

pdfplumber gives one dict per character; here they become typed `Glyph`s
(garbled ones dropped and counted), then `TextLine`s: glyphs sharing a
baseline, left to right. Chinese needs no spaces: a printed space between
two Chinese characters is dropped, one beside a number or a Latin word is
kept ("1 职工基本养老保险"), and a gap with no space printed becomes a space
only between two Latin characters ("GB/T 42195", but "2025年").
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import regex

from pipeline.ingest.pdf.settings import PdfSettings

BBox = tuple[float, float, float, float]

# What pdfminer prints for a glyph its font cannot map to Unicode.
_GARBLED = regex.compile(
    r"""\(cid:\d+\)   # a character id with no Unicode mapping
      | \ufffd        # the replacement character of a broken mapping""",
    regex.VERBOSE,
)
# Characters between which a gap stays a space: printable ASCII and Latin letters.
_LATIN = regex.compile(r"[\x21-\x7e\u00c0-\u024f]")
# Punctuation that may not start a line: it wraps together with the character before it.
_CLOSING = regex.compile(r"[，。、；：？！”’）》」』】〕〉,.;:?!)\]%‰]")


class Glyph(NamedTuple):
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


class TextLine(NamedTuple):
    """Glyphs on one baseline, read left to right."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    page: int
    column_gaps: int = 0  # gaps wide enough to part the cells of an unruled table
    lead_width: float = 0.0  # width of the first unit a line break cannot split ("2022)," "惠”")

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)


def chars_to_glyphs(chars: Iterable[Mapping[str, Any]]) -> tuple[list[Glyph], int]:
    """Typed glyphs (spaces kept: they part a 序号 from a name); also how many garbled
    glyphs were dropped."""
    glyphs: list[Glyph] = []
    garbled = 0
    for char in chars:
        text = char["text"]
        if _GARBLED.search(text):
            text = _GARBLED.sub("", text)
            garbled += 1
            if not text:
                continue
        top, bottom = char["top"], char["bottom"]
        glyphs.append(Glyph(text, char["x0"], top, char["x1"], bottom,
                            char.get("size") or bottom - top))
    return glyphs, garbled


def glyphs_to_lines(glyphs: Iterable[Glyph], settings: PdfSettings, page: int) -> list[TextLine]:
    """Glyphs grouped by their vertical middle, top to bottom; blank lines left out."""
    lines: list[TextLine] = []
    row: list[Glyph] = []
    middle = 0.0
    for glyph in sorted(glyphs, key=lambda glyph: glyph.middle):
        if row and glyph.middle - middle > settings.line_overlap * glyph.size:
            lines += _row_to_line(row, settings, page)
            row = []
        if not row:
            middle = glyph.middle
        row.append(glyph)
    if row:
        lines += _row_to_line(row, settings, page)
    return lines


def _row_to_line(row: list[Glyph], settings: PdfSettings, page: int) -> list[TextLine]:
    """The row's text: a printed space stays unless Chinese stands on both sides of it;
    a gap alone is a space only between Latin characters."""
    row.sort(key=lambda glyph: glyph.x0)
    shown = [glyph for glyph in row if glyph.text.strip()]
    if not shown:
        return []
    parts = [shown[0].text]
    gaps = 0
    previous = shown[0]
    spaced = False
    for glyph in row[row.index(shown[0]) + 1:]:
        if not glyph.text.strip():
            spaced = True
            continue
        if glyph.text == previous.text and \
                abs(glyph.x0 - previous.x0) < settings.duplicate_tolerance:
            continue  # printed twice, a little shifted: fake bold
        gap = glyph.x0 - previous.x1
        gaps += gap > settings.column_gap * glyph.size
        if (spaced and _latin_side(previous.text, glyph.text)) or \
                (gap > settings.word_gap * glyph.size and _latin_pair(previous.text, glyph.text)):
            parts.append(" ")
        parts.append(glyph.text)
        previous, spaced = glyph, False
    sizes = sorted(glyph.size for glyph in shown)
    return [TextLine("".join(parts), shown[0].x0, min(glyph.top for glyph in shown),
                     max(glyph.x1 for glyph in shown), max(glyph.bottom for glyph in shown),
                     sizes[len(sizes) // 2], page, gaps, _lead_width(shown))]


def _lead_width(shown: list[Glyph]) -> float:
    """How wide the line's first unbreakable unit is: a Latin word or number, or one
    character, with the closing punctuation that follows it."""
    end = 1
    latin = bool(_LATIN.match(shown[0].text[-1]))
    while end < len(shown) and (_CLOSING.match(shown[end].text[0])
                                or (latin and _LATIN.match(shown[end].text[0]))):
        end += 1
    return shown[end - 1].x1 - shown[0].x0


def _latin_side(left: str, right: str) -> bool:
    return bool(_LATIN.match(left[-1]) or _LATIN.match(right[0]))


def _latin_pair(left: str, right: str) -> bool:
    return bool(left and right and _LATIN.match(left[-1]) and _LATIN.match(right[0]))


def join_texts(left: str, right: str) -> str:
    """Join two pieces of one text broken by a line end: a space only between Latin words.

    >>> join_texts("每人每月不低于100", "元。"), join_texts("GB/T", "42195"), join_texts("", "元")
    ('每人每月不低于100元。', 'GB/T 42195', '元')
    """
    if not left or not right:
        return left + right
    return left + " " + right if _latin_pair(left, right) else left + right


def lines_to_text(lines: Iterable[TextLine]) -> str:
    """The text of lines read as one block (a table cell), joined without line breaks."""
    text = ""
    for line in lines:
        text = join_texts(text, line.text)
    return text


def bbox_union(boxes: Iterable[BBox]) -> BBox:
    x0s, tops, x1s, bottoms = zip(*boxes)
    return (min(x0s), min(tops), max(x1s), max(bottoms))


def centre_inside(glyph: Glyph, bbox: BBox) -> bool:
    x = (glyph.x0 + glyph.x1) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= glyph.middle <= bbox[3]
