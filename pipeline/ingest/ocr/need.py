"""The one place that decides whether a PDF page is read by OCR.

A page is read by OCR when it has no text layer but images (a scan), or when
its text layer is mostly garbled (a font without a Unicode map: what would be
read is not the page's text). A page with neither is blank: nothing to read.
"""
from __future__ import annotations

from pipeline.ingest.ocr.settings import DEFAULT_OCR_SETTINGS, OcrSettings


def page_needs_ocr(characters: int, garbled: int, images: int,
                   settings: OcrSettings = DEFAULT_OCR_SETTINGS) -> bool:
    """`characters` on the page (garbled ones included), `garbled` of them unreadable,
    `images` drawn on it. A page with neither characters nor images is blank.

    >>> page_needs_ocr(0, 0, 1), page_needs_ocr(0, 0, 0), page_needs_ocr(500, 3, 0)
    (True, False, False)
    >>> page_needs_ocr(500, 400, 0)
    True
    """
    if characters == 0:
        return images > 0
    return garbled >= settings.garbled_share * characters
