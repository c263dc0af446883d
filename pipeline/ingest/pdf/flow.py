"""Pages to the layout's items: text lines to paragraphs, grids to rows, in reading order.

The pages' lines and tables are read top to bottom, page after page; a table
continued at the top of the next page is joined to the one it continues, and
a line that carries on the previous one's paragraph (wrapped at the right
margin, not indented, no section marker) is joined to it, even across a page
break. Chinese lines join without a space.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import regex

from pipeline.ingest.layout import Item, Paragraph, Where, captions_to_paragraphs
from pipeline.ingest.pdf.grids import BBOX_DECIMALS, Grid, continues, grid_to_rows, join_continued
from pipeline.ingest.pdf.lines import BBox, TextLine, bbox_union, join_texts
from pipeline.ingest.pdf.settings import PdfSettings

# A line opening with one of these starts a paragraph of its own, wherever it stands.
_PARAGRAPH_START = regex.compile(
    r"""^\s*(?:
        [一二三四五六七八九十百]+\s*[、.．]              # 一、 a part
      | [(（]\s*[一二三四五六七八九十百]+\s*[)）]        # (一) a section
      | \d{1,2}\s*(?:[、．]|\.(?!\d))                   # 1. or 1、 an item, but not 1.3倍
      | [(（]\s*\d{1,2}\s*[)）]                          # (1) a sub-item
      | [①-⑳⑴-⒇⒈-⒛]                                   # ① ⑴ ⒈ circled or stopped numbers
      | 第[一二三四五六七八九十百零〇\d]+[章节条]          # 第一章, 第三条
      | 附\s*件\s*\d{0,2}\s*(?:[:：]|$)                   # 附件: / 附件 on its own
      | [\d〇零一二三四五六七八九]{4}\s*年\s*[\d一二三四五六七八九十]{1,2}\s*月
        \s*[\d一二三四五六七八九十]{1,3}\s*日\s*$        # a date line under the signature
    )""",
    regex.VERBOSE,
)


class Recognised(NamedTuple):
    """A line of a page read by OCR: its box (points) and how sure the recogniser was."""

    bbox: BBox
    confidence: float


@dataclass
class PageContent:
    """One page as read: its text lines outside tables and its tables, furniture and all."""

    number: int
    width: float
    height: float
    lines: list[TextLine] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    characters: int = 0  # characters on the page, garbled ones included
    images: int = 0
    recognised: list[Recognised] = field(default_factory=list)  # read by OCR: its lines


@dataclass(frozen=True)
class Margins:
    left: float
    right: float


Block = TextLine | Grid


def pages_to_items(pages: list[PageContent], settings: PdfSettings) -> list[Item]:
    """Paragraphs and table rows of the whole document, in reading order."""
    by_width = pages_to_margins(pages, settings)
    widths = {page.number: round(page.width) for page in pages}

    def margins(line: TextLine) -> Margins:
        return by_width[widths[line.page]]

    items: list[Item] = []
    draft: _Draft | None = None
    for block in pages_to_flow(pages, settings):
        if isinstance(block, TextLine) and draft and continues_paragraph(
                draft.last, block, margins(draft.last), margins(block), settings):
            draft.add(block)
            continue
        if draft:
            items.append(draft.paragraph())
        draft = _Draft(block) if isinstance(block, TextLine) else None
        if isinstance(block, Grid):
            items += captions_to_paragraphs(grid_to_rows(block))
    return items + ([draft.paragraph()] if draft else [])


def pages_to_flow(pages: Iterable[PageContent], settings: PdfSettings) -> list[Block]:
    """Lines and grids top to bottom, page after page; a continued table joined up."""
    flow: list[Block] = []
    for page in pages:
        blocks: list[Block] = sorted([*page.lines, *page.grids], key=_top)
        for index, block in enumerate(blocks):
            previous = flow[-1] if flow else None
            if index == 0 and isinstance(block, Grid) and isinstance(previous, Grid) \
                    and previous.rows and previous.rows[-1].page == page.number - 1 \
                    and continues(previous, block, settings):
                join_continued(previous, block, settings)
            else:
                flow.append(block)
    return flow


def _top(block: Block) -> float:
    return block.top if isinstance(block, TextLine) else block.bbox[1]


def pages_to_margins(pages: list[PageContent], settings: PdfSettings) -> dict[int, Margins]:
    """The text's left and right margins for each page width (portrait, landscape).

    The `margin_lines`-th furthest line edge, so that one line running into
    the margin does not move it.
    """
    edges: dict[int, tuple[list[float], list[float]]] = {}
    for page in pages:
        lefts, rights = edges.setdefault(round(page.width), ([], []))
        lefts += [line.x0 for line in page.lines]
        rights += [line.x1 for line in page.lines]
    margins: dict[int, Margins] = {}
    for width, (lefts, rights) in edges.items():
        rank = min(settings.margin_lines, len(lefts))
        margins[width] = Margins(sorted(lefts)[rank - 1], sorted(rights)[-rank]) if rank \
            else Margins(0.0, float(width))
    return margins


def continues_paragraph(previous: TextLine, line: TextLine, previous_margins: Margins,
                        margins: Margins, settings: PdfSettings) -> bool:
    """The line carries on the previous line's paragraph, which wrapped at the margin."""
    if line.page == previous.page:
        if line.top - previous.bottom > settings.paragraph_gap * line.size:
            return False
    elif line.page != previous.page + 1:
        return False
    larger, smaller = max(line.size, previous.size), min(line.size, previous.size)
    if larger > settings.size_ratio * smaller or _PARAGRAPH_START.match(line.text):
        return False
    if line.column_gaps or previous.column_gaps:  # cells lined up, not running text
        return False
    # Full: the line's first word would not have fitted in what the previous line left.
    room = previous_margins.right - previous.x1
    if room > line.lead_width + settings.right_reach * previous.size:
        return False
    if line.x0 - margins.left <= settings.indent * line.size:
        return True
    # A centred title wrapped onto a second, centred line.
    return _centred(line, margins, settings) and _centred(previous, previous_margins, settings)


def _centred(line: TextLine, margins: Margins, settings: PdfSettings) -> bool:
    middle = (margins.left + margins.right) / 2
    return abs((line.x0 + line.x1) / 2 - middle) <= settings.centre_tolerance * line.size


class _Draft:
    """A paragraph being read: its text so far, and its place on its first page."""

    def __init__(self, line: TextLine):
        self.text = line.text
        self.page = line.page
        self.bbox: BBox = line.bbox
        self.last = line

    def add(self, line: TextLine) -> None:
        self.text = join_texts(self.text, line.text)
        if line.page == self.page:
            self.bbox = bbox_union([self.bbox, line.bbox])
        self.last = line

    def paragraph(self) -> Paragraph:
        x0, top, x1, bottom = (round(value, BBOX_DECIMALS) for value in self.bbox)
        return Paragraph(text=self.text, where=Where(page=self.page, bbox=(x0, top, x1, bottom)))
