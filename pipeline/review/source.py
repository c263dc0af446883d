"""The source of a notice as the reviewer sees it: its text (its attachments' after it),
and for a PDF or a scanned image its pages as images.

Reading a PDF or Word file takes a second or more, so texts and rendered
pages are kept in memory, keyed by the file's path, size and modification
time (an edited file is read again).
"""
from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ExtractionError
from pipeline.ingest.attachments import read_notice


@dataclass(frozen=True)
class SourceSettings:
    page_resolution: int = 110  # dots per inch of a rendered PDF page
    max_page_pixels: int = 2200  # longest side of a rendered page: a poster-sized page is scaled down
    cached_texts: int = 32
    cached_pages: int = 48


@dataclass
class SourceText:
    """The notice's text, or why there is none."""

    text: str | None
    sha256: str | None = None
    problem: str | None = None  # shown to the reviewer when the text is missing
    attachment_sha256: tuple[str, ...] = ()  # of the attachments that could be read


class LruCache:
    """A small thread-safe least-recently-used cache."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key, make: Callable):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()  # outside the lock: reading a file must not block other requests
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


def file_key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path), stat.st_size, stat.st_mtime_ns


class SourceReader:
    """Reads notice texts and renders PDF pages, with caches."""

    def __init__(self, settings: SourceSettings = SourceSettings()):
        self.settings = settings
        self._texts = LruCache(settings.cached_texts)
        self._pages = LruCache(settings.cached_pages)
        self._sizes = LruCache(settings.cached_texts)

    def text(self, path: Path | None, attachments: list[tuple[Path, str]] = ()) -> SourceText:
        """The notice's text, with its attachments' after it under the labels the record
        gave them (the text holds them), so the record's spans fall where they did."""
        if path is None or not path.is_file():
            return SourceText(None, problem=f"The source file is missing: {path or 'not recorded'}.")
        key = (file_key(path), *((file_key(file) if file.is_file() else str(file), label)
                                 for file, label in attachments))
        return self._texts.get_or_make(key, lambda: read_source_text(path, attachments))

    def page_sizes(self, path: Path) -> dict[int, tuple[float, float, float, float]]:
        """Page number -> the page's box (x0, top, width, height) in points."""
        return self._sizes.get_or_make(file_key(path), lambda: pdf_page_boxes(path))

    def page_png(self, path: Path, page: int) -> bytes | None:
        """The page rendered as PNG; None when the PDF has no such page."""
        key = (*file_key(path), page, self.settings.page_resolution, self.settings.max_page_pixels)
        return self._pages.get_or_make(
            key, lambda: render_pdf_page(path, page, self.settings.page_resolution,
                                         self.settings.max_page_pixels))


def read_source_text(path: Path, attachments: list[tuple[Path, str]] = ()) -> SourceText:
    try:
        document = read_notice(path, path.name, list(attachments))
    except ExtractionError as error:
        return SourceText(None, problem=f"The source file could not be read: [{error.code}] {error}")
    return SourceText(document.text, sha256=document.sha256,
                      attachment_sha256=tuple(info.sha256 for info in document.attachments))


def is_pdf(path: Path) -> bool:
    """Known by the file's bytes, as the pipeline knows it."""
    with path.open("rb") as stream:
        return stream.read(4) == b"%PDF"


def has_pages(path: Path) -> bool:
    """A PDF or a scanned image: a file whose values carry a page and a box."""
    from pipeline.ingest import sniff_format

    with path.open("rb") as stream:
        return sniff_format(stream.read(16)) in ("pdf", "image")


def pdf_page_boxes(path: Path) -> dict[int, tuple[float, float, float, float]]:
    if not is_pdf(path):
        return image_page_boxes(path)
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return {number: (page.bbox[0], page.bbox[1], float(page.width), float(page.height))
                for number, page in enumerate(pdf.pages, start=1)}


# Points in an inch: a page of `w` points is `w * dpi / POINTS_PER_INCH` pixels wide.
POINTS_PER_INCH = 72


def image_page_boxes(path: Path) -> dict[int, tuple[float, float, float, float]]:
    """An image file's frames in points, as the OCR reader measured them."""
    from pipeline.ingest.ocr.render import page_size

    return {number: (0.0, 0.0, *size) for number, size in enumerate(page_size(path), start=1)}


def render_pdf_page(path: Path, page: int, resolution: int,
                    max_pixels: int = SourceSettings.max_page_pixels) -> bytes | None:
    if not is_pdf(path):
        from pipeline.ingest.ocr.render import frame_png

        boxes = image_page_boxes(path)
        if page not in boxes:
            return None
        _, _, width, height = boxes[page]
        return frame_png(path, page, capped_resolution(width, height, resolution, max_pixels))
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        if not 1 <= page <= len(pdf.pages):
            return None
        chosen = pdf.pages[page - 1]
        image = chosen.to_image(resolution=capped_resolution(
            float(chosen.width), float(chosen.height), resolution, max_pixels))
        buffer = io.BytesIO()
        image.original.save(buffer, format="PNG")
        return buffer.getvalue()


def capped_resolution(width: float, height: float, resolution: float, max_pixels: int) -> float:
    """The resolution that renders a page of `width` x `height` points with no side
    longer than `max_pixels` (a 200-inch poster page would otherwise take gigabytes).

    >>> capped_resolution(595, 842, 110, 2200)  # A4: as asked
    110
    >>> round(capped_resolution(14400, 14400, 110, 2200), 1)
    11.0
    """
    longest = max(width, height, 1.0)
    return min(resolution, max_pixels * POINTS_PER_INCH / longest)
