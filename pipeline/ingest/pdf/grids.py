"""pdfplumber tables to grids, grids continued across pages, grids to table rows.

A `Grid` is one table on one page: every row has one cell per column, a cell
covered by a merge holding the merge's text (``inherited``). A table that a
page break cut in two is put back together: the header printed again is
dropped, a row cut in two is one row again, and a merged cell that ran over
the break keeps its text on the new page.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from pipeline.ingest.layout import SourceCell, SourceRow, Where
from pipeline.ingest.pdf.lines import (BBox, Glyph, TextLine, bbox_union, centre_inside,
                                       glyphs_to_lines, join_texts, lines_to_text)
from pipeline.ingest.pdf.settings import PdfSettings
from pipeline.normalise import squash
from pipeline.vocab import json_data

# pdfplumber's table finders: ruled tables from drawn lines, unruled ones from text alignment.
RULED = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
UNRULED = {"vertical_strategy": "text", "horizontal_strategy": "text", "min_words_vertical": 3,
           "min_words_horizontal": 1}
# Where a covered cell is probed for the merged cell over it: just inside its corner.
_PROBE = 1.0
# Coordinates in the output are rounded to this many decimals.
BBOX_DECIMALS = 2


class PlumberTable(Protocol):
    """What is read of a `pdfplumber.table.Table`."""

    cells: list[BBox]

    @property
    def bbox(self) -> BBox: ...

    @property
    def rows(self) -> Sequence[object]: ...


@dataclass
class GridCell:
    text: str
    bbox: BBox
    page: int
    inherited: bool = False  # covered by a merge: the text is copied from where it starts
    spans_rows: bool = False  # part of a merge over more than one row


@dataclass
class GridRow:
    cells: list[GridCell]
    bbox: BBox
    page: int
    note: bool = False  # one cell across the whole table: a caption or a remark


@dataclass
class Grid:
    page: int
    bbox: BBox
    columns: list[float]  # each column's left edge, then the table's right edge
    rows: list[GridRow] = field(default_factory=list)


# --- one page's tables ----------------------------------------------------------------


def table_to_grid(table: PlumberTable, glyphs: Sequence[Glyph], page: int,
                  settings: PdfSettings) -> Grid:
    """A pdfplumber table as a grid: each cell's text, covered cells resolved."""
    texts = _cell_texts(table.cells, glyphs, settings, page)
    columns = sorted({cell[0] for cell in table.cells}) + [table.bbox[2]]
    grid = Grid(page=page, bbox=table.bbox, columns=columns)
    for row in table.rows:
        boxes: list[BBox | None] = list(row.cells)  # type: ignore[attr-defined]
        own = [box for box in boxes if box is not None]
        top, bottom = own[0][1], min(box[3] for box in own)
        cells = [_grid_cell(box, columns[index], top, bottom, table.cells, texts, page, settings)
                 for index, box in enumerate(boxes)]
        note = len(own) == 1 and own[0][0] <= columns[0] and own[0][2] >= columns[-1]
        grid.rows.append(GridRow(cells=cells, bbox=(columns[0], top, columns[-1], bottom),
                                 page=page, note=note and len(columns) > 2))
    return grid


def _cell_texts(cells: list[BBox], glyphs: Sequence[Glyph], settings: PdfSettings,
                page: int) -> dict[BBox, str]:
    owned: dict[BBox, list[Glyph]] = {cell: [] for cell in cells}
    for glyph in glyphs:
        cell = next((cell for cell in cells if centre_inside(glyph, cell)), None)
        if cell is not None:
            owned[cell].append(glyph)
    return {cell: lines_to_text(glyphs_to_lines(found, settings, page))
            for cell, found in owned.items()}


def _grid_cell(box: BBox | None, left: float, top: float, bottom: float, cells: list[BBox],
               texts: dict[BBox, str], page: int, settings: PdfSettings) -> GridCell:
    """A cell of its own, or the merged cell covering this place (a copy of its text)."""
    if box is not None:
        return GridCell(texts[box], box, page,
                        spans_rows=box[3] > bottom + settings.merge_tolerance)
    probe_x, probe_y = left + _PROBE, top + _PROBE
    cover = next((cell for cell in cells if cell[0] <= probe_x < cell[2]
                  and cell[1] <= probe_y < cell[3]), None)
    if cover is None:  # an irregular grid: nothing drawn here
        return GridCell("", (left, top, left, bottom), page)
    return GridCell(texts[cover], cover, page, inherited=True,
                    spans_rows=cover[1] < top - settings.merge_tolerance)


def unruled_regions(lines: Sequence[TextLine], settings: PdfSettings) -> list[BBox]:
    """Where lines stand in columns parted by wide gaps: worth trying the text strategy.

    A region is a run of at least `text_min_rows` such lines, top to bottom;
    up to `text_bridge_lines` lines between them (a wrapped cell) stay inside.
    """
    regions: list[BBox] = []
    run: list[TextLine] = []
    bridged = 0
    for line in sorted(lines, key=lambda line: line.top):
        if line.column_gaps >= settings.text_min_columns - 1:
            run.append(line)
            bridged = 0
        elif run and bridged < settings.text_bridge_lines:
            bridged += 1
        else:
            regions += _region(run, settings)
            run, bridged = [], 0
    return regions + _region(run, settings)


def _region(run: list[TextLine], settings: PdfSettings) -> list[BBox]:
    if len(run) < settings.text_min_rows:
        return []
    return [bbox_union(line.bbox for line in run)]


def clear_text_grid(grid: Grid, settings: PdfSettings) -> Grid | None:
    """An unruled grid without its empty rows; None unless it is clearly a table.

    The text strategy also frames prose lined up above or below a table, so
    rows with one filled cell at either end are left to be read as text.
    """
    rows = [row for row in grid.rows if _filled(row)]
    while rows and _filled(rows[0]) < 2:
        rows = rows[1:]
    while rows and _filled(rows[-1]) < 2:
        rows = rows[:-1]
    if len(rows) < settings.text_min_rows or len(grid.columns) - 1 < settings.text_min_columns:
        return None
    if sum(_filled(row) >= 2 for row in rows) < settings.text_filled_share * len(rows):
        return None
    bbox = bbox_union(row.bbox for row in rows)
    return Grid(page=grid.page, bbox=bbox, columns=grid.columns, rows=rows)


def _filled(row: GridRow) -> int:
    return sum(bool(cell.text.strip()) for cell in row.cells)


# --- across pages -----------------------------------------------------------------------


def continues(previous: Grid, grid: Grid, settings: PdfSettings) -> bool:
    """Same columns of the same widths: the same table, cut by the page break. Widths, not
    places: a scanned sheet lies a little further left or right on each page."""
    if len(previous.columns) != len(grid.columns):
        return False
    first, then = previous.columns[0], grid.columns[0]
    return all(abs((a - first) - (b - then)) <= settings.column_tolerance
               for a, b in zip(previous.columns, grid.columns))


def join_continued(previous: Grid, grid: Grid, settings: PdfSettings) -> None:
    """Append `grid` (the next page's part) to `previous`, mending what the break did."""
    rows = _drop_repeated_header(previous, grid.rows, settings)
    if rows and _continues_row(_header_row(previous, settings), rows[0]):
        _append_cells(previous.rows[-1], rows[0])
        rows = rows[1:]
    if rows:
        _carry_merges(previous.rows[-1], rows)
    previous.rows.extend(rows)


def _header_row(grid: Grid, settings: PdfSettings) -> GridRow:
    """The row naming the columns: the first of the leading rows with a 序号 or 服务项目
    header (a title printed in the table's first row comes before it), else the first."""
    for row in grid.rows[:settings.max_header_rows]:
        texts = set(_texts(row))
        if texts & (_header_words("seq") | _header_words("name")):
            return row
    return grid.rows[0]


def _texts(row: GridRow) -> list[str]:
    return [squash(cell.text) for cell in row.cells]


def _drop_repeated_header(previous: Grid, rows: list[GridRow],
                          settings: PdfSettings) -> list[GridRow]:
    count = 0
    while count < min(settings.max_header_rows, len(rows), len(previous.rows)) and \
            _texts(rows[count]) == _texts(previous.rows[count]):
        count += 1
    return rows[count:]


@lru_cache(maxsize=None)
def _header_words(field: str) -> frozenset[str]:
    return frozenset(json_data("table_headers")[field])


def key_columns(header: GridRow) -> list[int]:
    """The columns every row fills: the 序号, else the item's name (序号 inside), else the first."""
    texts = _texts(header)
    for field in ("seq", "name"):
        keys = [index for index, text in enumerate(texts) if text in _header_words(field)]
        if keys:
            return keys
    return [0]


def _continues_row(header: GridRow, row: GridRow) -> bool:
    """The row's key cells are empty while others hold text: the rest of a cut row."""
    keys = key_columns(header)
    if any(row.cells[index].text.strip() for index in keys):
        return False
    return any(cell.text.strip() and not cell.inherited
               for index, cell in enumerate(row.cells) if index not in keys)


def _append_cells(row: GridRow, continuation: GridRow) -> None:
    for cell, more in zip(row.cells, continuation.cells):
        if more.text and not more.inherited:
            cell.text = join_texts(cell.text, more.text)


def _carry_merges(last: GridRow, rows: list[GridRow]) -> None:
    """A merged cell running off the page goes on in the new page's empty cell below it.

    Either part shows the merge: the cell above spans rows, or the empty cell
    at the top of the new page does (its text stayed on the page before).
    """
    for index, above in enumerate(last.cells):
        first = rows[0].cells[index]
        if not above.text or first.text.strip() or not (above.spans_rows or first.spans_rows):
            continue
        for row in rows:
            cell = row.cells[index]
            if cell.bbox != first.bbox or cell.text.strip():
                break
            row.cells[index] = GridCell(above.text, above.bbox, above.page, inherited=True,
                                        spans_rows=True)


# --- to the layout's rows -----------------------------------------------------------------


def grid_to_rows(grid: Grid) -> list[SourceRow]:
    rows: list[SourceRow] = []
    for row in grid.rows:
        cells = row.cells[:1] if row.note else row.cells
        if not any(cell.text.strip() for cell in cells):
            continue
        rows.append(SourceRow(
            cells=[SourceCell(text=cell.text, inherited=cell.inherited,
                              where=Where(page=cell.page, bbox=_rounded(cell.bbox)))
                   for cell in cells],
            where=Where(page=row.page, bbox=_rounded(row.bbox))))
    return rows


def _rounded(bbox: BBox) -> BBox:
    x0, top, x1, bottom = (round(value, BBOX_DECIMALS) for value in bbox)
    return (x0, top, x1, bottom)
