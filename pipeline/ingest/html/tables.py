"""HTML tables to rows: rowspan and colspan resolved on a grid.

`table_to_specs` reads each <td>/<th> as printed, `specs_to_grid` places them
on the grid (a position a merged cell covers carries its text, marked
inherited), `grid_to_items` gives the rows for `lay_out`. A table used for
page layout (one column, or a cell holding a table, list, heading or a whole
article) is no data table: its cells are read as blocks of text instead.
"""
from __future__ import annotations

from typing import NamedTuple

import regex
from lxml.html import HtmlElement

from pipeline.errors import ExtractionError
from pipeline.ingest.html.text import han_count
from pipeline.ingest.html.tree import element_text, row_cells, step, table_rows, tag_of
from pipeline.ingest.layout import (CellContent, Item, Paragraph, SourceCell, SourceRow, Where,
                                    captions_to_paragraphs, is_layout_grid)

# Elements that data cells never hold: a cell with one lays out a page.
PAGE_TAGS = frozenset({"table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "form", "iframe"})
# A span larger than this is a typo (colspan="1000"); it is cut down to it.
MAX_SPAN = 100
# Grid positions one table may fill, counting a position each time a span writes it. A
# catalogue of 200 rows and 12 columns fills 2,400; spans that push rows past each other
# (every cell rowspan=100 colspan=100) would fill millions, and are refused.
MAX_TABLE_POSITIONS = 50_000

_NUMBER = regex.compile(r"\d+")


class CellSpec(NamedTuple):
    """One <td> or <th> as printed, before it is placed on the grid."""

    text: str
    locator: str
    rowspan: int  # 0: down to the table's last row
    colspan: int


def is_layout_table(table: HtmlElement) -> bool:
    """A table that lays out the page rather than holding data (`layout.is_layout_grid`)."""
    return is_layout_grid([[_content(cell) for cell in row_cells(row)] for row in table_rows(table)])


def _content(cell: HtmlElement) -> CellContent:
    holds_page = any(tag_of(inner) in PAGE_TAGS for inner in cell.iterdescendants())
    return CellContent(han=han_count(cell.text_content()), holds_page=holds_page)


def table_to_specs(table: HtmlElement, locator: str) -> list[list[CellSpec]]:
    """Each row's cells as printed; `locator` names the table (`table[2]`)."""
    specs = []
    for row_number, row in enumerate(table_rows(table), start=1):
        row_locator = f"{locator}/tr[{row_number}]"
        specs.append([CellSpec(text=element_text(cell), locator=f"{row_locator}/{step(cell)}",
                               rowspan=_span(cell.get("rowspan"), allow_zero=True),
                               colspan=_span(cell.get("colspan"), allow_zero=False))
                      for cell in row_cells(row)])
    return specs


def _span(value: str | None, allow_zero: bool) -> int:
    """A rowspan or colspan attribute as a number (browsers read "2;" or " 3 " too)."""
    match = _NUMBER.search(value or "")
    if not match:
        return 1
    number = min(int(match.group()), MAX_SPAN)
    return number if number or allow_zero else 1


def specs_to_grid(specs: list[list[CellSpec]]) -> list[list[SourceCell]]:
    """Place cells on the grid; covered positions repeat the spanning cell, inherited.

    >>> grid = specs_to_grid([[CellSpec("对象", "a", 2, 1), CellSpec("项目", "b", 1, 2)],
    ...                       [CellSpec("1", "c", 1, 1), CellSpec("助餐", "d", 1, 1)]])
    >>> [[(cell.text, cell.inherited) for cell in row] for row in grid]
    [[('对象', False), ('项目', False), ('项目', True)], [('对象', True), ('1', False), ('助餐', False)]]
    """
    height = len(specs)
    placed: list[dict[int, SourceCell]] = [{} for _ in range(height)]
    filled = 0
    for row_index, row in enumerate(specs):
        column = 0
        for spec in row:
            while column in placed[row_index]:
                column += 1
            rows = height - row_index if spec.rowspan == 0 else min(spec.rowspan, height - row_index)
            filled += rows * spec.colspan
            if filled > MAX_TABLE_POSITIONS:
                raise ExtractionError("E014_too_large", (
                    f"the rowspan/colspan of table cell {spec.locator} make the table larger than "
                    f"{MAX_TABLE_POSITIONS} grid positions"))
            for down in range(rows):
                for across in range(spec.colspan):
                    placed[row_index + down][column + across] = SourceCell(
                        text=spec.text, where=Where(locator=spec.locator),
                        inherited=bool(down or across))
            column += spec.colspan
    return [_grid_row(cells) for cells in placed]


def _grid_row(cells: dict[int, SourceCell]) -> list[SourceCell]:
    width = max(cells, default=-1) + 1
    return [cells.get(column) or SourceCell(text="") for column in range(width)]


def grid_to_items(grid: list[list[SourceCell]], locator: str) -> list[Item]:
    """Rows for `lay_out`. A row that is one cell across the whole table (a group
    heading 一、…, a caption, a note) keeps that one cell: copies of it in every
    column would read as a row of items."""
    width = max((len(row) for row in grid), default=0)
    items: list[Item] = []
    for row_number, row in enumerate(grid, start=1):
        cells = row[:1] if width > 1 and _one_cell_across(row, width) else row
        items.append(SourceRow(cells=cells, where=Where(locator=f"{locator}/tr[{row_number}]")))
    return items


def _one_cell_across(row: list[SourceCell], width: int) -> bool:
    if len(row) != width:  # also a row with no cell (<tr></tr>)
        return False
    first = row[0]
    return (not first.inherited
            and all(cell.inherited and cell.where == first.where for cell in row[1:]))


def table_to_items(table: HtmlElement, locator: str) -> list[Item]:
    """A data table's caption and rows."""
    items: list[Item] = []
    caption = table.find("caption")
    if caption is not None:
        items.append(Paragraph(text=element_text(caption), where=Where(locator=f"{locator}/caption[1]")))
    grid = specs_to_grid(table_to_specs(table, locator))
    return items + captions_to_paragraphs(grid_to_items(grid, locator))
