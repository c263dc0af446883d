"""Read a PDF notice with pdfplumber: paragraphs and table rows, page by page.

The data flow, one page at a time (each page's caches are freed before the
next, so memory follows the text, not the page count):

    chars -> glyphs (garbled dropped)      pdf_lines.chars_to_glyphs
    ruled (else unruled) tables -> grids   pdf_grids.table_to_grid
    other glyphs -> text lines             pdf_lines.glyphs_to_lines

then for the whole document:

    furniture out                          pdf_furniture.drop_furniture
    tables joined over page breaks,
    lines -> paragraphs, grids -> rows     pdf_flow.pages_to_items
    items -> text and blocks               layout.lay_out

Pages without a usable text layer (`ocr.need`) are read by OCR instead
(`pipeline.ingest.ocr`), into the same page content. A file that cannot be
read raises `ExtractionError`: E009 encrypted, E010 no text even by OCR,
E011 truncated or corrupt. No pdfminer exception
escapes unwrapped.
"""
from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.pdfexceptions import PDFException
from pdfminer.psexceptions import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from pipeline.errors import ExtractionError
from pipeline.ingest.layout import lay_out
from pipeline.ingest.ocr.confidence import blocks_with_confidence, ocr_warning
from pipeline.ingest.ocr.need import page_needs_ocr
from pipeline.ingest.pdf.flow import PageContent, pages_to_items
from pipeline.ingest.pdf.furniture import drop_furniture
from pipeline.ingest.pdf.grids import (RULED, UNRULED, Grid, clear_text_grid, table_to_grid,
                                       unruled_regions)
from pipeline.ingest.pdf.lines import (BBox, Glyph, TextLine, centre_inside, chars_to_glyphs,
                                       glyphs_to_lines)
from pipeline.ingest.pdf.settings import DEFAULT_SETTINGS, PdfSettings
from pipeline.model import NoticeWarning, SourceDocument

# What pdfminer raises on damaged bytes, besides its own errors: it parses whatever it finds.
_DAMAGE = (PSException, PDFException, PdfminerException, MalformedPDFException, ValueError,
           KeyError, TypeError, IndexError, AttributeError, AssertionError, EOFError,
           OverflowError, RecursionError, UnicodeError, zlib.error, struct.error)

# Points added around a region of lined-up text before the text strategy looks at it.
REGION_PAD = 1.0


def read_pdf(path: Path, data: bytes, settings: PdfSettings = DEFAULT_SETTINGS) -> SourceDocument:
    """The notice's paragraphs and table rows; raises `ExtractionError` on a bad file."""
    check_complete(data, settings)
    pages, garbled = read_pages(data, settings)
    pages, recognised = with_ocr_pages(data, pages, garbled)
    if not any(page.characters for page in pages):
        raise ExtractionError("E010_no_text_layer", (
            f"not one character on its {len(pages)} page(s), and OCR found none in their images"))
    text, blocks = lay_out(pages_to_items(drop_furniture(pages, settings), settings))
    garbled = {number: count for number, count in garbled.items() if number not in recognised}
    warnings = [garbled_warning(garbled)] if garbled else []
    read = [page.number for page in pages if page.number in recognised and page.characters]
    if read:
        blocks = blocks_with_confidence(blocks, pages)
        warnings.append(ocr_warning(read))
    blank = [page.number for page in pages if page.images and not page.characters]
    if blank:
        warnings.append(NoticeWarning(code="pages_without_text", message=(
            f"page(s) {_numbers(blank)} hold only images, and OCR found no text on them")))
    return SourceDocument(path=str(path), sha256="", format="pdf", encoding=None, text=text,
                          blocks=blocks, warnings=warnings)


def with_ocr_pages(data: bytes, pages: list[PageContent],
                   garbled: dict[int, int]) -> tuple[list[PageContent], list[int]]:
    """The pages, those without a usable text layer read by OCR instead; which those were."""
    numbers = [page.number for page in pages
               if page_needs_ocr(page.characters, garbled.get(page.number, 0), page.images)]
    if not numbers:
        return pages, []
    from pipeline.ingest.ocr.pages import recognise_pdf_pages  # loads the OCR models

    read = {page.number: page for page in recognise_pdf_pages(data, numbers)}
    for page in pages:  # what the page draws is the file's, not the OCR's
        if page.number in read:
            read[page.number].images = page.images
    return [read.get(page.number, page) for page in pages], numbers


def check_complete(data: bytes, settings: PdfSettings) -> None:
    """A PDF cut short loses its end-of-file marker; pdfminer would read what is left."""
    if b"%%EOF" not in data[-settings.eof_search_bytes:]:
        raise ExtractionError("E011_corrupt", "truncated: no %%EOF marker at the end")


def read_pages(data: bytes, settings: PdfSettings) -> tuple[list[PageContent], dict[int, int]]:
    """Every page's lines and grids, and how many garbled characters each page dropped."""
    pages: list[PageContent] = []
    garbled: dict[int, int] = {}
    with pdfminer_errors("opening the file"):
        pdf = pdfplumber.open(io.BytesIO(data))
    try:
        with pdfminer_errors("reading the page tree"):
            plumber_pages = pdf.pages
        if not plumber_pages:
            raise ExtractionError("E011_corrupt", "the file has no pages")
        if len(plumber_pages) > settings.max_pages:
            raise ExtractionError("E014_too_large", f"{len(plumber_pages)} pages, more than the "
                                                    f"limit of {settings.max_pages}")
        for page in plumber_pages:
            try:
                content, dropped = read_page(page, settings)
            finally:
                page.close()  # free the page's layout before reading the next
            pages.append(content)
            if dropped:
                garbled[content.number] = dropped
    finally:
        _close(pdf)
    return pages, garbled


def _close(pdf: pdfplumber.PDF) -> None:
    """Close the file; a broken page tree fails again here, and must not hide the first error."""
    try:
        pdf.close()
    except _DAMAGE:
        pass


def read_page(page: Page, settings: PdfSettings) -> tuple[PageContent, int]:
    number = page.page_number
    with pdfminer_errors(f"page {number}"):
        glyphs, garbled = chars_to_glyphs(page.chars)
        width, height, images = float(page.width), float(page.height), len(page.images)
    printed = sum(1 for glyph in glyphs if glyph.text.strip())
    content = PageContent(number=number, width=width, height=height,
                          characters=printed + garbled, images=images)
    if printed:
        content.grids, content.lines = page_grids_and_lines(page, glyphs, settings)
    return content, garbled


def page_grids_and_lines(page: Page, glyphs: list[Glyph],
                         settings: PdfSettings) -> tuple[list[Grid], list[TextLine]]:
    """Ruled tables first; the text strategy only where lines stand in clear columns."""
    number = page.page_number
    with pdfminer_errors(f"page {number}"):
        ruled = page.find_tables(RULED)
    grids = [grid for grid in (table_to_grid(table, _inside(glyphs, table.bbox), number, settings)
                               for table in ruled)
             if len(grid.columns) - 1 >= settings.min_columns]
    lines = glyphs_to_lines(_outside(glyphs, grids), settings, number)
    if grids:
        return grids, lines
    for region in unruled_regions(lines, settings):
        with pdfminer_errors(f"page {number}"):
            unruled = page.crop(_padded(region, page)).find_tables(UNRULED)
        for table in unruled:
            grid = table_to_grid(table, _inside(glyphs, table.bbox), number, settings)
            grids += [clear] if (clear := clear_text_grid(grid, settings)) else []
    if grids:
        lines = glyphs_to_lines(_outside(glyphs, grids), settings, number)
    return grids, lines


def _padded(bbox: BBox, page: Page) -> BBox:
    """The region with a margin, so glyphs on its edge are inside, but within the page
    (pdfplumber refuses a crop beyond it)."""
    x0, top, x1, bottom = page.bbox
    pad = REGION_PAD
    return (max(bbox[0] - pad, x0), max(bbox[1] - pad, top), min(bbox[2] + pad, x1),
            min(bbox[3] + pad, bottom))


def _inside(glyphs: Sequence[Glyph], bbox: BBox) -> list[Glyph]:
    return [glyph for glyph in glyphs if centre_inside(glyph, bbox)]


def _outside(glyphs: Sequence[Glyph], grids: Sequence[Grid]) -> list[Glyph]:
    return [glyph for glyph in glyphs
            if not any(centre_inside(glyph, grid.bbox) for grid in grids)]


@contextmanager
def pdfminer_errors(where: str) -> Iterator[None]:
    """pdfminer's and pdfplumber's exceptions as coded errors: encrypted, else corrupt."""
    try:
        yield
    except _DAMAGE as exc:
        cause = exc
        if isinstance(exc, PdfminerException) and exc.args and \
                isinstance(exc.args[0], BaseException):
            cause = exc.args[0]  # pdfplumber wraps pdfminer's exception
        if isinstance(cause, MemoryError):  # a flate bomb: the memory limit, not damage
            raise ExtractionError("E014_too_large", f"{where}: a stream inflates past the "
                                                    "memory limit") from exc
        if isinstance(cause, PDFEncryptionError):
            raise ExtractionError("E009_encrypted", f"{where}: {cause!r}") from exc
        raise ExtractionError("E011_corrupt",
                              f"{where}: {type(cause).__name__}: {cause}") from exc


def garbled_warning(garbled: dict[int, int]) -> NoticeWarning:
    return NoticeWarning(code="garbled_text", message=(
        f"page(s) {_numbers(garbled)}: {sum(garbled.values())} character(s) in a font without "
        "a Unicode map ((cid:N) or U+FFFD) were dropped; the text there is incomplete"))


def _numbers(pages: Iterable[int]) -> str:
    return ", ".join(str(number) for number in sorted(pages))
