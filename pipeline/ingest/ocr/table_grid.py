"""Ruled tables in a page image: ruling lines -> crossings -> cells, as pdfplumber finds them.

    grey image -> horizontal and vertical rulings    image_to_rulings
    rulings that cross -> one table's rulings         rulings_to_tables
    a table's rulings -> cells, merges where a
    ruling is missing between two grid places        rulings_to_cells
    cells -> the table the PDF reader reads          cells_to_table

The result has the shape of a `pdfplumber.table.Table` (cells, bbox, rows of
cells by column), so the PDF reader's `table_to_grid` puts the recognised text
into cells and resolves merged cells for scans exactly as for text layers.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from pipeline.ingest.ocr.settings import OcrSettings
from pipeline.ingest.pdf.lines import BBox

# Adaptive threshold: the neighbourhood (pixels, odd) and how far below its mean ink is.
_THRESHOLD_BLOCK = 25
_THRESHOLD_OFFSET = 10


class Rule(NamedTuple):
    """A ruling line: where it stands across (y of a horizontal one), and its extent along."""

    position: float
    start: float
    end: float


@dataclass
class TableRow:
    """A row of the table as pdfplumber gives it: per column, the cell starting there."""

    cells: list[BBox | None]


@dataclass
class ImageTable:
    """A ruled table found in an image, in the PDF reader's units (points)."""

    cells: list[BBox]
    bbox: BBox
    rows: list[TableRow]


def image_to_tables(grey: np.ndarray, settings: OcrSettings, scale: float) -> list[ImageTable]:
    """The ruled tables of a page image; `scale` turns pixels into points."""
    horizontal, vertical = image_to_rulings(grey, settings)
    tables = []
    for rows, columns in rulings_to_tables(horizontal, vertical, settings):
        cells = rulings_to_cells(rows, columns, settings)
        if len(cells) >= 2:
            tables.append(cells_to_table([_scaled(cell, scale) for cell in cells]))
    return tables


def image_to_rulings(grey: np.ndarray, settings: OcrSettings) -> tuple[list[Rule], list[Rule]]:
    """Long thin runs of ink, across and down: what morphological opening keeps."""
    import cv2

    ink = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                _THRESHOLD_BLOCK, _THRESHOLD_OFFSET)
    across_length = max(2, round(settings.min_rule_across * settings.dpi))
    down_length = max(2, round(settings.min_rule_down * settings.dpi))
    across = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, across_length), np.uint8))
    down = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((down_length, 1), np.uint8))
    return (_merge(_components(across, horizontal=True), settings),
            _merge(_components(down, horizontal=False), settings))


def _components(mask: np.ndarray, horizontal: bool) -> list[Rule]:
    import cv2

    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    rules = []
    for x, y, width, height, _area in stats[1:count]:
        if horizontal:
            rules.append(Rule(y + height / 2, float(x), float(x + width)))
        else:
            rules.append(Rule(x + width / 2, float(y), float(y + height)))
    return rules


def _merge(rules: list[Rule], settings: OcrSettings) -> list[Rule]:
    """Pieces of one ruling (broken by a scan's gaps, or thick) joined into one.

    >>> _merge([Rule(100, 0, 50), Rule(102, 48, 120), Rule(300, 0, 120)], OcrSettings())
    [Rule(position=101.0, start=0, end=120), Rule(position=300, start=0, end=120)]
    """
    merged: list[Rule] = []
    for rule in sorted(rules):
        for index, other in enumerate(merged):
            if abs(other.position - rule.position) <= settings.rule_merge and \
                    rule.start <= other.end + settings.rule_join and \
                    other.start <= rule.end + settings.rule_join:
                merged[index] = Rule((other.position + rule.position) / 2,
                                     min(other.start, rule.start), max(other.end, rule.end))
                break
        else:
            merged.append(rule)
    return merged


def _crosses(across: Rule, down: Rule, settings: OcrSettings) -> bool:
    join = settings.rule_join
    return across.start - join <= down.position <= across.end + join and \
        down.start - join <= across.position <= down.end + join


def rulings_to_tables(horizontal: Sequence[Rule], vertical: Sequence[Rule],
                      settings: OcrSettings) -> list[tuple[list[Rule], list[Rule]]]:
    """Rulings grouped by crossing one another; a group with two of each way is a table."""
    parent = list(range(len(horizontal) + len(vertical)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for i, across in enumerate(horizontal):
        for j, down in enumerate(vertical):
            if _crosses(across, down, settings):
                parent[root(i)] = root(len(horizontal) + j)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, across in enumerate(horizontal):
        groups.setdefault(root(i), ([], []))[0].append(across)
    for j, down in enumerate(vertical):
        groups.setdefault(root(len(horizontal) + j), ([], []))[1].append(down)
    return [(sorted(rows), sorted(columns)) for rows, columns in groups.values()
            if _table_sized(_positions(rows, settings), _positions(columns, settings), settings)]


def _table_sized(ys: list[float], xs: list[float], settings: OcrSettings) -> bool:
    """Two rulings each way, as far apart as a table's sides are."""
    return len(ys) >= 2 and len(xs) >= 2 and \
        xs[-1] - xs[0] >= settings.min_table_width * settings.dpi and \
        ys[-1] - ys[0] >= settings.min_table_height * settings.dpi


def _positions(rules: Sequence[Rule], settings: OcrSettings) -> list[float]:
    """Where the rulings stand, one place for rulings within `rule_merge` of each other."""
    places: list[list[float]] = []
    for rule in sorted(rules):
        if places and rule.position - places[-1][-1] <= settings.rule_merge:
            places[-1].append(rule.position)
        else:
            places.append([rule.position])
    return [sum(place) / len(place) for place in places]


def rulings_to_cells(rows: Sequence[Rule], columns: Sequence[Rule],
                     settings: OcrSettings) -> list[BBox]:
    """The table's cells in pixels: each place between neighbouring rulings, places
    whose border is not drawn merged into one cell (a merged cell)."""
    ys, xs = _positions(rows, settings), _positions(columns, settings)
    parent = {(i, j): (i, j) for i in range(len(xs) - 1) for j in range(len(ys) - 1)}

    def root(place: tuple[int, int]) -> tuple[int, int]:
        while parent[place] != place:
            place = parent[place]
        return place

    def join(a: tuple[int, int], b: tuple[int, int]) -> None:
        first, second = sorted((root(a), root(b)), key=lambda p: (p[1], p[0]))
        parent[second] = first

    for i, j in list(parent):
        if i + 1 < len(xs) - 1 and not _drawn(columns, xs[i + 1], ys[j], ys[j + 1], settings):
            join((i, j), (i + 1, j))
        if j + 1 < len(ys) - 1 and not _drawn(rows, ys[j + 1], xs[i], xs[i + 1], settings):
            join((i, j), (i, j + 1))
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for place in parent:
        groups.setdefault(root(place), []).append(place)
    cells = []
    for places in groups.values():
        columns_in = [i for i, _ in places]
        rows_in = [j for _, j in places]
        cells.append((xs[min(columns_in)], ys[min(rows_in)], xs[max(columns_in) + 1],
                      ys[max(rows_in) + 1]))
    return sorted(cells, key=lambda cell: (cell[1], cell[0]))


def _drawn(rules: Sequence[Rule], position: float, start: float, end: float,
           settings: OcrSettings) -> bool:
    """A ruling at `position` covers most of the border from `start` to `end`."""
    covered = 0.0
    for rule in rules:
        if abs(rule.position - position) <= settings.rule_merge:
            covered += max(0.0, min(rule.end, end) - max(rule.start, start))
    return covered >= settings.border_cover * (end - start)


def cells_to_table(cells: list[BBox]) -> ImageTable:
    """Cells as pdfplumber's table gives them: rows by the cells' tops, and in each row
    the cell starting at each column's left edge (None where a merge covers it)."""
    lefts = sorted({cell[0] for cell in cells})
    tops = sorted({cell[1] for cell in cells})
    starting = {(cell[0], cell[1]): cell for cell in cells}
    rows = [TableRow(cells=[starting.get((left, top)) for left in lefts]) for top in tops]
    bbox = (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells),
            max(c[3] for c in cells))
    return ImageTable(cells=cells, bbox=bbox, rows=rows)


def _scaled(cell: BBox, scale: float) -> BBox:
    x0, top, x1, bottom = (round(value * scale, 2) for value in cell)
    return (x0, top, x1, bottom)
