"""Page images to the PDF reader's `PageContent`: recognised lines and ruled tables.

A recognised line becomes glyphs, one per character, spread over the line's
box by their width (a Chinese character is a full width, a Latin letter or
digit half of one), so the PDF reader's line and cell stages read them as
they read a text layer's characters: a line that crosses a ruling is cut at
the ruling, lines in one cell are one cell's text.
"""
from __future__ import annotations

import ctypes
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from pipeline.ingest.ocr.orient import deskew
from pipeline.ingest.ocr.recognise import OcrLine, recognise_page
from pipeline.ingest.ocr.render import PageImage, render_pdf_page, to_grey
from pipeline.guard import still_working
from pipeline.ingest.ocr.settings import DEFAULT_OCR_SETTINGS, WORKERS_VARIABLE, OcrSettings
from pipeline.ingest.ocr.table_grid import image_to_tables
from pipeline.ingest.pdf.flow import PageContent, Recognised
from pipeline.ingest.pdf.grids import Grid, table_to_grid
from pipeline.ingest.pdf.lines import Glyph, centre_inside, glyphs_to_lines
from pipeline.ingest.pdf.settings import DEFAULT_SETTINGS, PdfSettings

# Characters a half width wide: ASCII and Latin letters, digits, their punctuation.
_HALF_WIDTH_MAX = 0x24F


def image_to_content(page: PageImage, number: int, settings: OcrSettings = DEFAULT_OCR_SETTINGS,
                     pdf_settings: PdfSettings = DEFAULT_SETTINGS) -> PageContent:
    """One page image read: its text lines outside tables, its tables, its confidences."""
    grey, _ = deskew(to_grey(page.pixels, settings), settings)
    lines, grey = recognise_page(grey, settings)
    scale = page.width / grey.shape[1]  # points per pixel
    glyphs = [glyph for line in lines for glyph in line_to_glyphs(line, scale, settings)]
    grids = [grid for grid in (table_to_grid(table, _inside(glyphs, table.bbox), number,
                                             pdf_settings)
                               for table in image_to_tables(grey, settings, scale))
             if len(grid.columns) - 1 >= pdf_settings.min_columns]
    return PageContent(
        number=number, width=page.width, height=page.height,
        lines=glyphs_to_lines(_outside(glyphs, grids), pdf_settings, number), grids=grids,
        characters=sum(len(line.text.strip()) for line in lines), images=1,
        recognised=[Recognised(_points(line, scale), line.confidence) for line in lines])


def line_to_glyphs(line: OcrLine, scale: float, settings: OcrSettings) -> list[Glyph]:
    """The line's characters side by side over its box, in points.

    >>> [(g.text, g.x0, g.x1) for g in line_to_glyphs(
    ...     OcrLine("共10", 0, 0, 40, 20, 0.9), 1.0, OcrSettings())]
    [('共', 0.0, 20.0), ('1', 20.0, 30.0), ('0', 30.0, 40.0)]
    """
    widths = [0.5 if ord(char) <= _HALF_WIDTH_MAX else 1.0 for char in line.text]
    unit = (line.x1 - line.x0) * scale / sum(widths)
    top, bottom = line.top * scale, line.bottom * scale
    size = (bottom - top) / settings.box_per_size
    glyphs = []
    x = line.x0 * scale
    for char, width in zip(line.text, widths):
        glyphs.append(Glyph(char, round(x, 2), round(top, 2), round(x + width * unit, 2),
                            round(bottom, 2), round(size, 2)))
        x += width * unit
    return glyphs


def _points(line: OcrLine, scale: float) -> tuple[float, float, float, float]:
    x0, top, x1, bottom = (round(value * scale, 2) for value in line[1:5])
    return (x0, top, x1, bottom)


def _inside(glyphs: Sequence[Glyph], bbox) -> list[Glyph]:
    return [glyph for glyph in glyphs if centre_inside(glyph, bbox)]


def _outside(glyphs: Sequence[Glyph], grids: Sequence[Grid]) -> list[Glyph]:
    return [glyph for glyph in glyphs
            if not any(centre_inside(glyph, grid.bbox) for grid in grids)]


# --- the pages of a PDF ---------------------------------------------------------------------


def recognise_pdf_pages(data: bytes, numbers: Sequence[int],
                        settings: OcrSettings = DEFAULT_OCR_SETTINGS) -> list[PageContent]:
    """Pages `numbers` (1-based) of a PDF read by OCR, one at a time or in parallel workers.

    Each page read earns the notice its time limit again (`pipeline.guard.still_working`):
    a long scan is slow, not stuck.
    """
    workers = min(ocr_workers(), len(numbers))
    if workers <= 1:
        return [_page_done(pdf_page_to_content(data, number, settings)) for number in numbers]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [_page_done(page) for page in pool.map(
            pdf_page_to_content, [data] * len(numbers), numbers, [settings] * len(numbers))]


def _page_done(page: PageContent) -> PageContent:
    still_working()
    return page


def pdf_page_to_content(data: bytes, number: int, settings: OcrSettings) -> PageContent:
    """Render page `number` and read it; the image is released when this returns."""
    try:
        return image_to_content(render_pdf_page(data, number - 1, settings), number, settings)
    finally:
        release_memory()


def release_memory() -> None:
    """Give the page's freed buffers back to the system (glibc keeps them otherwise, and
    a long scan's resident size would creep up page by page)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def ocr_workers() -> int:
    """How many processes read OCR pages (the flow's --ocr-workers), at least one."""
    value = os.environ.get(WORKERS_VARIABLE, "1")
    return max(1, int(value)) if value.isdigit() else 1
