"""The one place that decides whether a PDF page is read by OCR.

A page is read by OCR when it has no text layer (not one printed character:
a scan, or text drawn as shapes), or when its text layer is mostly garbled
(a font without a Unicode map: what would be read is not the page's text).
"""
from __future__ import annotations

from pipeline.ingest.ocr.settings import DEFAULT_OCR_SETTINGS, OcrSettings


def page_needs_ocr(characters: int, garbled: int,
                   settings: OcrSettings = DEFAULT_OCR_SETTINGS) -> bool:
    """`characters` on the page (garbled ones included), `garbled` of them unreadable.

    >>> page_needs_ocr(0, 0), page_needs_ocr(500, 3), page_needs_ocr(500, 400)
    (True, False, True)
    """
    if characters == 0:
        return True
    return garbled >= settings.garbled_share * characters
