"""Page images for OCR: PDF pages rendered, image files' frames, grey with red seals out.

Every image is brought to the working resolution (`OcrSettings.dpi`), so a
pixel means the same length on every page and the pixel settings fit all.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from pipeline.errors import ExtractionError
from pipeline.ingest.ocr.settings import OcrSettings

POINTS_PER_INCH = 72.0


class PageImage(NamedTuple):
    """One page as an RGB array at the working resolution, and its size in points."""

    pixels: np.ndarray
    width: float
    height: float


def render_pdf_page(data: bytes, index: int, settings: OcrSettings) -> PageImage:
    """Page `index` (0-based) of a PDF, rendered in colour (a seal is told by its red)."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        page = pdf[index]
        width, height = page.get_size()
        bitmap = page.render(scale=settings.dpi / POINTS_PER_INCH)
        pixels = np.array(bitmap.to_pil().convert("RGB"))
        page.close()
    finally:
        pdf.close()
    return PageImage(pixels, float(width), float(height))


def image_frames(data: bytes, settings: OcrSettings) -> Iterator[PageImage]:
    """Each frame of an image file (a multi-page TIFF has several), one at a time."""
    try:
        image = Image.open(io.BytesIO(data))
        for frame in ImageSequence.Iterator(image):
            yield frame_to_page(frame, settings)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ExtractionError("E011_corrupt", f"the image cannot be decoded: {exc}") from exc


def frame_to_page(frame: Image.Image, settings: OcrSettings) -> PageImage:
    """The frame scaled from the resolution it records to the working one."""
    dpi = _recorded_dpi(frame) or settings.default_image_dpi
    rgb = frame.convert("RGB")
    width, height = rgb.size
    scale = settings.dpi / dpi
    if abs(scale - 1) > 0.01:
        rgb = rgb.resize((max(1, round(width * scale)), max(1, round(height * scale))),
                         Image.Resampling.LANCZOS)
    points = POINTS_PER_INCH / dpi
    return PageImage(np.array(rgb), width * points, height * points)


def _recorded_dpi(frame: Image.Image) -> float | None:
    dpi = frame.info.get("dpi")
    if not dpi:
        return None
    value = float(dpi[0])
    # Cameras and screenshots record 72 or 96 dpi, which says nothing of the paper.
    return value if value >= 100 else None


def to_grey(pixels: np.ndarray, settings: OcrSettings) -> np.ndarray:
    """Grey, with the red of seals made white: a stamp over the text hides its strokes.

    Only red inside a seal's outline goes: a red heading (红头) or a red rule is text
    or a line, and stays.
    """
    import cv2

    grey = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)
    red = red_mask(pixels, settings)
    if not red.any():
        return grey
    for x, y, width, height in seal_boxes(red, settings):
        inside = red[y:y + height, x:x + width]
        grey[y:y + height, x:x + width][inside] = 255
    return grey


def red_mask(pixels: np.ndarray, settings: OcrSettings) -> np.ndarray:
    """Where the page is seal red: red well above green and blue.

    >>> red_mask(np.array([[[220, 40, 40], [30, 30, 30]]], dtype=np.uint8), OcrSettings()).tolist()
    [[True, False]]
    """
    channels = pixels.astype(np.int16)
    red, green, blue = channels[..., 0], channels[..., 1], channels[..., 2]
    return (red >= settings.seal_min_red) & (red - green >= settings.seal_margin) & \
        (red - blue >= settings.seal_margin)


def seal_boxes(red: np.ndarray, settings: OcrSettings) -> list[tuple[int, int, int, int]]:
    """Boxes (x, y, width, height) of red shapes as large as a seal and about as tall
    as wide: a stamp's ring, not a red character or a red rule."""
    import cv2

    smallest = settings.seal_min_inches * settings.dpi
    count, _, stats, _ = cv2.connectedComponentsWithStats(red.astype(np.uint8), connectivity=8)
    boxes = []
    for x, y, width, height, _area in stats[1:count]:
        if min(width, height) >= smallest and \
                max(width, height) <= settings.seal_max_aspect * min(width, height):
            boxes.append((int(x), int(y), int(width), int(height)))
    return boxes


# --- for the review page: an image file's pages as the reader measured them ---------------


def page_size(path: Path, settings: OcrSettings = OcrSettings()) -> list[tuple[float, float]]:
    """Each frame's width and height in points (at the resolution it records)."""
    with Image.open(path) as image:
        return [_frame_points(frame, settings) for frame in ImageSequence.Iterator(image)]


def _frame_points(frame: Image.Image, settings: OcrSettings) -> tuple[float, float]:
    points = POINTS_PER_INCH / (_recorded_dpi(frame) or settings.default_image_dpi)
    return frame.size[0] * points, frame.size[1] * points


def frame_png(path: Path, page: int, resolution: int,
              settings: OcrSettings = OcrSettings()) -> bytes | None:
    """Frame `page` (1-based) as PNG at `resolution` dots per inch; None past the last."""
    with Image.open(path) as image:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if number == page:
                width, height = _frame_points(frame, settings)
                size = (max(1, round(width * resolution / POINTS_PER_INCH)),
                        max(1, round(height * resolution / POINTS_PER_INCH)))
                buffer = io.BytesIO()
                frame.convert("RGB").resize(size).save(buffer, "PNG")
                return buffer.getvalue()
    return None
