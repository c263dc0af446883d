"""Catalogue and duty tables to grids: the cells a Word or HTML table draws, with spans.

A catalogue gets one row per item (`table_to_rows`), the 服务对象 cells of a
group merged over its rows (`resolve_target_groups` says which rows share
one), the 序号 and the name in the columns the header gives. A 职责分工表
gets its group rows (一、…) across the table and an item row per task
(`duty_table_to_drafts`). Column widths fit an A4 page; tables with many
columns go on landscape pages.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline.extract.units import split_units
from pipeline.markers import MarkerKind
from pipeline.model import Block, Cell, Span, Table, TableKind
from pipeline.normalise import squash
from pipeline.parse.catalogue_rows import CatalogueRow
from pipeline.parse.catalogue_table import table_to_rows
from pipeline.parse.duty_table import duty_table_to_drafts
from pipeline.parse.task_list import TaskDraft
from pipeline.parse.target_groups import resolve_target_groups
from pipeline.roles import assign_roles

# Pages, in cm: A4 portrait with the margins of GB/T 9704 (党政机关公文格式); an
# attachment whose table has many columns goes on A4 landscape pages, as printed notices do.
PAGE_CM = (21.0, 29.7)
PORTRAIT_MARGINS_CM = {"top": 3.7, "bottom": 3.5, "left": 2.8, "right": 2.6}
LANDSCAPE_MARGINS_CM = {"top": 2.5, "bottom": 2.5, "left": 2.5, "right": 2.5}
LANDSCAPE_MIN_COLUMNS = 7
# Fixed widths (cm) of the narrow columns; content-like columns share what is left.
FIXED_WIDTHS_CM = {"target_group": 2.4, "seq": 0.9, "name": 2.4, "service_type": 1.3,
                   "lead_units": 2.6, "responsible_units": 2.4}
# Landscape pages leave room for long 服务对象 labels (some are whole sentences).
LANDSCAPE_WIDTHS_CM = {"target_group": 3.4}
DUTY_WIDTHS_CM = {"name": 3.6, "lead_units": 2.4, "responsible_units": 2.4}
FLEX_WEIGHTS = {"content": 1.4, "standard": 1.0, "funding": 1.0}

_SEQ_ALONE = regex.compile(r"^\*?\d{1,3}\*?$")                     # a 序号 cell of its own


@dataclass(frozen=True)
class GridCell:
    lines: tuple[str, ...]
    row_span: int = 1
    col_span: int = 1
    field: str | None = None  # the column's field, for alignment


@dataclass(frozen=True)
class Grid:
    """A table as HTML would draw it: positions covered by a span are left out."""

    kind: TableKind
    widths_cm: tuple[float, ...]
    header: tuple[GridCell, ...]
    rows: tuple[tuple[GridCell, ...], ...]
    landscape: bool = False


def place_cells(rows: list[tuple[GridCell, ...]]) -> list[tuple[tuple[int, int], GridCell]]:
    """Grid positions (row, column) of HTML-style rows: a span above covers places.

    >>> tall, b, c = GridCell(("A",), row_span=2), GridCell(("b",)), GridCell(("c",))
    >>> [position for position, _cell in place_cells([(tall, b), (c,)])]
    [(0, 0), (0, 1), (1, 1)]
    """
    covered: set[tuple[int, int]] = set()
    placed = []
    for row_index, row in enumerate(rows):
        column = 0
        for cell in row:
            while (row_index, column) in covered:
                column += 1
            placed.append(((row_index, column), cell))
            covered.update((row_index + down, column + across)
                           for down in range(cell.row_span) for across in range(cell.col_span))
            column += cell.col_span
    return placed


def text_width_cm(landscape: bool) -> float:
    margins = LANDSCAPE_MARGINS_CM if landscape else PORTRAIT_MARGINS_CM
    return (PAGE_CM[1] if landscape else PAGE_CM[0]) - margins["left"] - margins["right"]


def table_to_grid(table: Table, text: str) -> Grid:
    if table.kind is TableKind.catalogue:
        return catalogue_to_grid(table, text)
    if table.kind is TableKind.duties:
        return duties_to_grid(table, text)
    raise ValueError(f"no grid for a table of kind {table.kind.value}")


@dataclass(frozen=True)
class _Column:
    field: str
    title: str
    grid_columns: tuple[str, ...]  # the fields of the grid columns under this header cell


def catalogue_to_grid(table: Table, text: str) -> Grid:
    """One row per item; the 服务对象 cells of a group merged over its rows."""
    page = table.pages[0]
    rows = table_to_rows(table)
    groups = [group for group, _cell in resolve_target_groups(rows)]
    seq_apart = sum(row.seq_cell is not None for row in rows) > len(rows) / 2
    columns = _catalogue_columns(page.header, page.fields, text, seq_apart)
    grid_fields = [name for column in columns for name in column.grid_columns]
    split_seq = "seq" in grid_fields
    header = tuple(GridCell(lines=(column.title,), col_span=len(column.grid_columns),
                            field=column.field) for column in columns)
    body = []
    for index, row in enumerate(rows):
        cells = []
        for name in grid_fields:
            if name == "target_group":
                if index and groups[index] == groups[index - 1]:
                    continue  # covered by the merged cell above
                span = _run_length(groups, index)
                cells.append(GridCell(lines=(groups[index] or "",), row_span=span, field=name))
            else:
                cells.append(GridCell(lines=_catalogue_cell(row, name, text, split_seq),
                                      field=name))
        body.append(tuple(cells))
    landscape = len(grid_fields) >= LANDSCAPE_MIN_COLUMNS
    return Grid(kind=TableKind.catalogue, widths_cm=_widths(grid_fields, landscape),
                header=header, rows=tuple(body), landscape=landscape)


def _catalogue_columns(header: Block, fields: list[str | None], text: str,
                       seq_apart: bool) -> list[_Column]:
    """Header cells with their fields; 服务项目 spans the 序号 printed in a cell of its own."""
    columns = []
    for cell, name in zip(header.cells, fields):
        if not cell.text or name is None:
            continue
        grid = (name,)
        if name == "name" and seq_apart and "seq" not in fields:
            grid = ("seq", "name")
        columns.append(_Column(field=name, title=_raw(text, cell.span), grid_columns=grid))
    return columns


def _run_length(groups: list[str | None], start: int) -> int:
    end = start + 1
    while end < len(groups) and groups[end] == groups[start]:
        end += 1
    return end - start


def _catalogue_cell(row: CatalogueRow, name: str, text: str, split_seq: bool) -> tuple[str, ...]:
    """A cell's lines; the name keeps its printed 序号 unless the grid has a 序号 column."""
    if name == "seq":
        cell = row.seq_cell
        return (_raw(text, cell.span) if cell else f"{'*' if row.local_addition else ''}{row.seq}",)
    if name == "name":
        if split_seq:
            return (squash(row.name.text),)
        printed = _cell_holding(row, row.name.span)  # "*3 职工基本医疗保险" as printed
        prefix = text[printed.span.start:row.name.span.start]
        return (prefix + squash(row.name.text),)
    if name == "service_type":
        return (squash(row.service_type.text),) if row.service_type else ("",)
    if name == "lead_units":
        return _unit_lines(row.lead, text)
    cell = getattr(row, name)
    return (_raw(text, cell.span),) if cell else ("",)


def _cell_holding(row: CatalogueRow, span: Span) -> Cell:
    return next(cell for cell in row.block.cells
                if cell.span.start <= span.start <= cell.span.end)


def _unit_lines(cell: Cell | None, text: str) -> tuple[str, ...]:
    """Units stacked one a line where the source printed them so (space-separated)."""
    if cell is None:
        return ("",)
    raw = _raw(text, cell.span)
    if not regex.search(r"\s", raw):
        return (raw,)
    return tuple(unit.value for unit in split_units(cell.text))


def duties_to_grid(table: Table, text: str) -> Grid:
    """Group rows (一、…) across the table; item rows with 项目/政策/牵头/责任 cells."""
    page = table.pages[0]
    columns = [(name, _raw(text, cell.span)) for cell, name in zip(page.header.cells, page.fields)
               if cell.text and name]
    grid_fields = [name for name, _title in columns]
    header = tuple(GridCell(lines=(title,), field=name) for name, title in columns)
    body = []
    drafts = duty_table_to_drafts(table)
    assign_roles(drafts, [])
    for draft in drafts:
        if draft.kind != MarkerKind.cn_dun.value:
            body.append(_duty_item_row(draft, grid_fields))
            continue
        body.append((GridCell(lines=(f"{draft.marker}{draft.title}",), col_span=len(columns),
                              field="group"),))
        body.extend(_duty_item_row(item, grid_fields) for item in draft.children)
    landscape = len(grid_fields) >= LANDSCAPE_MIN_COLUMNS
    return Grid(kind=TableKind.duties, widths_cm=_widths(grid_fields, landscape, DUTY_WIDTHS_CM),
                header=header, rows=tuple(body), landscape=landscape)


def _duty_item_row(item: TaskDraft, grid_fields: list[str]) -> tuple[GridCell, ...]:
    values = {"name": (item.marker + item.text_pieces[0][0],),
              "content": tuple(piece for piece, _start in item.text_pieces[1:2]) or ("",),
              "lead_units": tuple(unit.name for unit in item.lead) or ("",),
              "responsible_units": tuple(unit.name for unit in item.responsible) or ("",)}
    return tuple(GridCell(lines=values.get(name, ("",)), field=name) for name in grid_fields)


def _widths(grid_fields: list[str], landscape: bool,
            fixed_widths: dict[str, float] = FIXED_WIDTHS_CM) -> tuple[float, ...]:
    """Narrow columns get their fixed width; the others share the rest by weight."""
    if landscape:
        fixed_widths = {**fixed_widths, **LANDSCAPE_WIDTHS_CM}
    fixed = sum(fixed_widths.get(name, 0.0) for name in grid_fields)
    weights = sum(FLEX_WEIGHTS.get(name, 1.0) for name in grid_fields
                  if name not in fixed_widths)
    share = (text_width_cm(landscape) - fixed) / (weights or 1.0)
    return tuple(round(fixed_widths.get(name) or FLEX_WEIGHTS.get(name, 1.0) * share, 2)
                 for name in grid_fields)


def _raw(text: str, span: Span) -> str:
    return text[span.start:span.end].strip()
