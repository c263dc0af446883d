"""Page furniture out of the pages' text: page numbers, running heads and feet.

Furniture sits in the top or bottom band of a page. There, a line shaped like
a page number ("- 3 -", "第 3 页", "3/12", a bare number) is furniture, and so
is a line printed at the same place on most pages (its numbers may change:
"第 3 页 共 12 页" is the same line on every page).
"""
from __future__ import annotations

import math
from collections import defaultdict
from statistics import median

import regex

from pipeline.ingest.pdf.flow import PageContent
from pipeline.ingest.pdf.lines import TextLine
from pipeline.ingest.pdf.settings import PdfSettings
from pipeline.normalise import fold_width, squash

# A page number, whitespace removed and width folded.
_PAGE_NUMBER = regex.compile(
    r"""^(?:
        [-—–~·]*\d{1,4}[-—–~·]*                 # 3, - 3 -, —3—
      | 第\d{1,4}页(?:[,，]?共\d{1,4}页)?         # 第3页, 第3页共12页
      | 共\d{1,4}页[,，]?第\d{1,4}页              # 共12页第3页
      | \d{1,4}/\d{1,4}                          # 3/12
      | page\d{1,4}(?:of\d{1,4})?                # Page 3 of 12
    )$""",
    regex.VERBOSE | regex.IGNORECASE,
)
_DIGITS = regex.compile(r"\d+")


def drop_furniture(pages: list[PageContent], settings: PdfSettings) -> list[PageContent]:
    """The pages without their furniture lines (the pages are changed in place)."""
    repeated = _repeated_lines(pages, settings)
    for page in pages:
        page.lines = [line for line in page.lines
                      if not is_furniture(line, page, repeated, settings)]
    return pages


def is_furniture(line: TextLine, page: PageContent, repeated: dict[str, float],
                 settings: PdfSettings) -> bool:
    if not in_margin_band(line, page, settings):
        return False
    flat = squash(fold_width(line.text))
    if _PAGE_NUMBER.match(flat):
        return True
    top = repeated.get(_DIGITS.sub("#", flat))
    return top is not None and abs(line.top - top) <= settings.repeat_position


def in_margin_band(line: TextLine, page: PageContent, settings: PdfSettings) -> bool:
    band = settings.margin_band * page.height
    return line.bottom <= band or line.top >= page.height - band


def _repeated_lines(pages: list[PageContent], settings: PdfSettings) -> dict[str, float]:
    """Band lines (numbers masked) found at one place on most pages, with that place's top."""
    places: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for page in pages:
        for line in page.lines:
            if in_margin_band(line, page, settings):
                places[_DIGITS.sub("#", squash(fold_width(line.text)))].append(
                    (page.number, line.top))
    needed = max(settings.min_repeat_pages, math.ceil(settings.repeat_share * len(pages)))
    repeated: dict[str, float] = {}
    for key, found in places.items():
        top = median(top for _, top in found)
        pages_there = {number for number, at in found if abs(at - top) <= settings.repeat_position}
        if len(pages_there) >= needed:
            repeated[key] = top
    return repeated
