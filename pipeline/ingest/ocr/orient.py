"""Pages set straight before recognition: skew of a few degrees, pages upside down.

Skew is found from the page's text rows: turned by the right angle, the rows
of ink line up with the image's rows, and the ink's row profile is sharpest
(the sum of squared differences between neighbouring rows is largest). A page
upside down is told by the recognition's own line classifier (`ocr.recognise`).
"""
from __future__ import annotations

import numpy as np

from pipeline.ingest.ocr.settings import OcrSettings

# Coarse steps first, then `skew_step` around the best coarse angle.
_COARSE_STEP = 0.5
_WHITE = 255


def estimate_skew(grey: np.ndarray, settings: OcrSettings) -> float:
    """The angle (degrees, counter-clockwise positive) that sets the text rows level."""
    import cv2

    scale = min(1.0, settings.skew_width / grey.shape[1])
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if not ink.any():
        return 0.0
    coarse = np.arange(-settings.max_skew, settings.max_skew + 1e-9, _COARSE_STEP)
    best = max(coarse, key=lambda angle: _sharpness(ink, angle))
    fine = np.arange(best - _COARSE_STEP, best + _COARSE_STEP + 1e-9, settings.skew_step)
    return float(round(max(fine, key=lambda angle: _sharpness(ink, angle)), 2))


def _sharpness(ink: np.ndarray, angle: float) -> float:
    profile = _rotate(ink, angle, 0).sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(profile)).sum())


def deskew(grey: np.ndarray, settings: OcrSettings) -> tuple[np.ndarray, float]:
    """The page turned level, and the angle it was turned by (0 when it was level)."""
    angle = estimate_skew(grey, settings)
    if abs(angle) < settings.min_skew:
        return grey, 0.0
    return _rotate(grey, angle, _WHITE), angle


def _rotate(image: np.ndarray, angle: float, border: int) -> np.ndarray:
    import cv2

    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=border)


def turn_over(grey: np.ndarray) -> np.ndarray:
    """The page turned by 180 degrees.

    >>> turn_over(np.array([[1, 2], [3, 4]])).tolist()
    [[4, 3], [2, 1]]
    """
    return np.ascontiguousarray(grey[::-1, ::-1])
