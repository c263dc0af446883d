"""What reviewers see of OCR: each block's and cell's recognition confidence, a warning.

A paragraph or cell takes the lowest confidence of the recognised lines
inside its box: one doubtful line makes the value doubtful.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from pipeline.ingest.pdf.flow import PageContent, Recognised
from pipeline.model import Block, NoticeWarning, Span


def blocks_with_confidence(blocks: list[Block], pages: Sequence[PageContent]) -> list[Block]:
    """The blocks, each span on an OCR page given its lines' lowest confidence."""
    by_page = {page.number: page.recognised for page in pages if page.recognised}
    for block in blocks:
        for span in [block.span, *(cell.span for cell in block.cells)]:
            span.confidence = span_confidence(span, by_page)
    return blocks


def span_confidence(span: Span, by_page: dict[int, list[Recognised]]) -> float | None:
    """The lowest confidence of the recognised lines whose centre is in the span's box.

    >>> line = Recognised((10, 10, 50, 20), 0.91)
    >>> span_confidence(Span(line=1, end_line=1, start=0, end=2, page=1, bbox=(0, 0, 60, 30)),
    ...                 {1: [line, Recognised((10, 40, 50, 50), 0.5)]})
    0.91
    """
    if span.page not in by_page or span.bbox is None:
        return None
    inside = [line.confidence for line in by_page[span.page] if _centre_in(line.bbox, span.bbox)]
    return min(inside) if inside else None


def _centre_in(box: tuple[float, float, float, float],
               bbox: tuple[float, float, float, float]) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def ocr_warning(numbers: Iterable[int]) -> NoticeWarning:
    pages = ", ".join(str(number) for number in sorted(numbers))
    return NoticeWarning(code="text_from_ocr", message=(
        f"page(s) {pages} have no usable text layer and were read by OCR: check values "
        "flagged ocr_low_confidence against the page image"))
