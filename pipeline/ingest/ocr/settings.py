"""Named settings of the OCR reader, with their defaults.

Pixel sizes are for the working resolution `dpi`; a page is rendered (or an
image scaled) to it before anything else, so the same settings fit every scan.
"""
from __future__ import annotations

from dataclasses import dataclass

# Set to a number of processes to read a document's OCR pages in parallel (the flow's
# --ocr-workers sets it); unset or 1, pages are read one after the other.
WORKERS_VARIABLE = "ELDERCARE_OCR_WORKERS"


@dataclass(frozen=True)
class OcrSettings:
    # --- which pages (ocr.need) ---
    # A page with text is still read by OCR when this share of its characters is garbled.
    garbled_share: float = 0.3

    # --- images (ocr.render) ---
    # PDF pages are rendered, and images scaled, to this resolution (dots per inch).
    dpi: int = 200
    # An image file that records no resolution is taken to be scanned at this one.
    default_image_dpi: int = 200
    # A pixel is seal red when its red channel exceeds both others by this much (0-255) ...
    seal_margin: int = 60
    # ... and is at least this bright in red: a red stamp, not dark brown ink.
    seal_min_red: int = 120
    # A seal is a red shape at least this many inches across (a red character is smaller) ...
    seal_min_inches: float = 0.8
    # ... and at most this many times as wide as tall (a red rule is far wider).
    seal_max_aspect: float = 1.6

    # --- orientation (ocr.orient) ---
    # Skew is looked for up to this many degrees either way ...
    max_skew: float = 5.0
    # ... in steps of this many degrees ...
    skew_step: float = 0.1
    # ... on a copy scaled to this width (pixels), which is enough to see text rows.
    skew_width: int = 800
    # A page skewed by less than this many degrees is left as it is.
    min_skew: float = 0.15
    # A page is upside down when at least this share of its lines read as turned 180°.
    upside_down_share: float = 0.6

    # --- recognition (ocr.recognise) ---
    # Threads of the ONNX runtime per process: one, so that parallel workers share cores.
    threads: int = 1
    # The detector sees the page scaled so that its longer side is this many pixels.
    detect_side: int = 1280
    # Recognised lines scoring below this are dropped as noise (RapidOCR's text_score).
    min_line_score: float = 0.5
    # A detected line's box is this many times its font size (the box hugs the ink).
    box_per_size: float = 0.95

    # --- ruled tables (ocr.table_grid) ---
    # A ruling down is at least this many inches long: less than the lowest row of a
    # table (one line of small print and its padding) ...
    min_rule_down: float = 0.15
    # ... one across at least this many, the narrowest column (a 序号), more than the
    # longest stroke of a heading's character ...
    min_rule_across: float = 0.3
    # ... and a table is at least this many inches wide and high (strokes of large bold
    # characters can cross like rulings, but only over a character's size).
    min_table_width: float = 1.0
    min_table_height: float = 0.25
    # ... and a crossing of two rulings is within this many pixels of both.
    rule_join: int = 8
    # Rulings closer than this many pixels are one ruling (a thick or doubled line).
    rule_merge: int = 10
    # A border between two cells is drawn when a ruling covers this share of it.
    border_cover: float = 0.6


DEFAULT_OCR_SETTINGS = OcrSettings()
