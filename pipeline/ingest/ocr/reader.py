"""Read an image file (.png, .jpg, .tif, multi-page TIFF) as a notice: every frame by OCR.

Each frame is one page, read and released before the next; the pages then go
through the PDF reader's own stages (furniture, paragraphs, tables across
pages), so a scan's records have the same shape and provenance (page, box in
points at the image's resolution) as a PDF's.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.errors import ExtractionError
from pipeline.ingest.layout import lay_out
from pipeline.ingest.ocr.confidence import blocks_with_confidence, ocr_warning
from pipeline.guard import still_working
from pipeline.ingest.ocr.pages import image_to_content, release_memory
from pipeline.ingest.ocr.render import image_frames
from pipeline.ingest.ocr.settings import DEFAULT_OCR_SETTINGS, OcrSettings
from pipeline.ingest.pdf.flow import pages_to_items
from pipeline.ingest.pdf.furniture import drop_furniture
from pipeline.ingest.pdf.settings import DEFAULT_SETTINGS
from pipeline.model import SourceDocument


def read_image(path: Path, data: bytes,
               settings: OcrSettings = DEFAULT_OCR_SETTINGS) -> SourceDocument:
    """The notice's paragraphs and table rows as recognised; E010 when OCR finds no text."""
    pages = []
    for number, frame in enumerate(image_frames(data, settings), start=1):
        pages.append(image_to_content(frame, number, settings))
        release_memory()
        still_working()  # each page read earns the notice its time limit again
    if not any(page.characters for page in pages):
        raise ExtractionError("E010_no_text_layer",
                              f"OCR found no text on the image's {len(pages)} page(s)")
    text, blocks = lay_out(pages_to_items(drop_furniture(pages, DEFAULT_SETTINGS),
                                          DEFAULT_SETTINGS))
    return SourceDocument(path=str(path), sha256="", format="image", encoding=None, text=text,
                          blocks=blocks_with_confidence(blocks, pages),
                          warnings=[ocr_warning(page.number for page in pages)])
