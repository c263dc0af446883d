"""Scanned copies of the sample notices: image-only PDFs and a photographed page.

A scanner gives grey pages at 200 dpi, a sheet or two fed a little askew; a
phone photo gives a colour page, turned a few degrees, lit unevenly, a red
seal stamped over the text, soft and noisy. Both are made here from the
sample PDFs (rendered with pypdfium2, drawn with Pillow and numpy), so the
OCR reader is measured against the same gold as the text layer.
Same input, same files: a fixed noise seed, and PDFs written without dates.
"""
from __future__ import annotations

import io
import time

import numpy as np
import pypdfium2
from PIL import Image, ImageDraw, ImageFilter

SCAN_DPI = 200
# Which pages (1-based) of a scanned notice were fed askew, and by how many degrees.
ASKEW = {2: 1.0, 5: -1.0}
PHOTO_DPI = 150
PHOTO_TURN = 2.5  # degrees
PHOTO_SEED = 7
SCAN_DATE = time.gmtime(1704067200)  # 2024-01-01, stamped instead of the time of making


def render_page(pdf: pypdfium2.PdfDocument, index: int, dpi: int, grey: bool) -> Image.Image:
    page = pdf[index]
    image = page.render(scale=dpi / 72, grayscale=grey).to_pil()
    page.close()
    return image.convert("L" if grey else "RGB")


def scanned_pdf(data: bytes) -> bytes:
    """The PDF as a scanner would give it: each page a grey 200 dpi image, no text layer."""
    pdf = pypdfium2.PdfDocument(data)
    pages = []
    for index in range(len(pdf)):
        image = render_page(pdf, index, SCAN_DPI, grey=True)
        angle = ASKEW.get(index + 1)
        if angle:
            image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
        pages.append(image)
    pdf.close()
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", save_all=True, append_images=pages[1:], resolution=SCAN_DPI,
                  quality=80, creationDate=SCAN_DATE, modDate=SCAN_DATE)
    return buffer.getvalue()


def photographed_page(data: bytes, index: int) -> bytes:
    """Page `index` (0-based) as a phone photo of the printed page, as PNG."""
    pdf = pypdfium2.PdfDocument(data)
    page = render_page(pdf, index, PHOTO_DPI, grey=False)
    pdf.close()
    page = _stamp_seal(page)
    page = page.rotate(PHOTO_TURN, resample=Image.Resampling.BICUBIC, expand=True,
                       fillcolor=(96, 92, 84))  # the desk around the sheet
    pixels = np.asarray(page, dtype=np.float32)
    height, width = pixels.shape[:2]
    light = np.linspace(1.0, 0.72, width)[None, :, None] * np.linspace(1.0, 0.85, height)[:, None, None]
    tint = np.array([1.0, 0.97, 0.90])  # warm paper under indoor light
    noise = np.random.default_rng(PHOTO_SEED).normal(0, 6, pixels.shape)
    photo = np.clip(pixels * light * tint + noise, 0, 255).astype(np.uint8)
    image = Image.fromarray(photo).filter(ImageFilter.GaussianBlur(0.6))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(PHOTO_DPI, PHOTO_DPI))
    return buffer.getvalue()


def _stamp_seal(page: Image.Image) -> Image.Image:
    """A red ring with a star, as a seal stamped on the page's lower right."""
    overlay = Image.new("RGBA", page.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    size = int(1.6 * PHOTO_DPI)
    x0, y0 = int(page.width * 0.55), int(page.height * 0.55)
    colour = (214, 38, 38, 190)
    draw.ellipse((x0, y0, x0 + size, y0 + size), outline=colour, width=max(3, size // 28))
    centre, radius = (x0 + size / 2, y0 + size / 2), size / 6
    points = []
    for k in range(10):
        r = radius if k % 2 == 0 else radius / 2.5
        angle = np.pi / 2 + k * np.pi / 5
        points.append((centre[0] + r * np.cos(angle), centre[1] - r * np.sin(angle)))
    draw.polygon(points, fill=colour)
    return Image.alpha_composite(page.convert("RGBA"), overlay).convert("RGB")
