"""A page image to recognised text lines: RapidOCR's PP-OCRv4 Chinese models on ONNX.

The models ship inside the `rapidocr-onnxruntime` wheel, so nothing is
downloaded at run time. The engine is made once per process, with one
thread (parallel workers each take a core; see `OcrSettings.threads`).
Detection, the line classifier and recognition are called one after the
other rather than through the engine's one call, so the classifier's word on
each line tells whether the whole page is upside down.
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np

from pipeline.ingest.ocr.orient import turn_over
from pipeline.ingest.ocr.settings import OcrSettings

# The classifier's label for a line turned by 180 degrees.
_TURNED = "180"


class OcrLine(NamedTuple):
    """One recognised line, in pixels of the page image it was read from."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float


@lru_cache(maxsize=2)
def _engine(threads: int):
    from rapidocr_onnxruntime import RapidOCR

    # "max": the detector never enlarges the page (`detect` has made it small enough).
    return RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=threads,
                    det_limit_type="max")


def recognise_page(grey: np.ndarray, settings: OcrSettings) -> tuple[list[OcrLine], np.ndarray]:
    """The page's lines, top to bottom; and the image they were read from (the page
    turned over when it was upside down)."""
    lines, turned = image_to_lines(grey, settings)
    if turned >= settings.upside_down_share * max(len(lines), 1) and lines:
        grey = turn_over(grey)
        lines, _ = image_to_lines(grey, settings)
    return lines, grey


def image_to_lines(grey: np.ndarray, settings: OcrSettings) -> tuple[list[OcrLine], int]:
    """Recognised lines, and how many of them the classifier saw turned by 180°."""
    import cv2

    engine = _engine(settings.threads)
    image = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
    boxes = detect(engine, image, settings)
    if boxes is None or len(boxes) == 0:
        return [], 0
    boxes = engine.sorted_boxes(boxes)
    crops, classes, _ = engine.text_cls(engine.get_crop_img_list(image, boxes))
    texts, _ = engine.text_rec(crops, False)
    turned = sum(label == _TURNED and score > engine.text_cls.cls_thresh
                 for label, score in classes)
    lines = [quad_to_line(box, text, float(score)) for box, (text, score, *_) in zip(boxes, texts)
             if float(score) >= settings.min_line_score and text.strip()]
    return lines, turned


def detect(engine, image: np.ndarray, settings: OcrSettings) -> np.ndarray | None:
    """Line boxes found on the page scaled to `detect_side` (the engine would work at
    up to 2000 pixels: half again the time and memory, no better boxes), in the full
    image's pixels, where the lines are then cut out for recognition."""
    import cv2

    scale = min(1.0, settings.detect_side / max(image.shape[:2]))
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) \
        if scale < 1 else image
    boxes, _ = engine.text_det(small)
    if boxes is None or len(boxes) == 0:
        return None
    return (np.asarray(boxes, dtype=np.float32) / scale).astype(np.float32)


def quad_to_line(quad: np.ndarray, text: str, confidence: float) -> OcrLine:
    """The line's upright box around the detector's four corners.

    >>> quad_to_line(np.array([[10, 5], [90, 6], [90, 30], [10, 29]]), "服务", 0.98)
    OcrLine(text='服务', x0=10.0, top=5.0, x1=90.0, bottom=30.0, confidence=0.98)
    """
    xs, ys = quad[:, 0], quad[:, 1]
    return OcrLine(text.strip(), float(xs.min()), float(ys.min()), float(xs.max()),
                   float(ys.max()), round(confidence, 4))
