"""Catalogue layouts other governments publish, built from the samples' own catalogues.

Each layout is a notice holding only its 基本养老服务清单, laid out as another
city might: the 服务对象 column late, category rows instead of a type column,
a two-row header, a 序号 restarting in each category, the catalogue in two
tables with other header words, title and notes rows inside the table. Each
is written as DOCX, PDF (LibreOffice, from the DOCX), HTML and XLSX into
samples/layouts/<format>/<layout>.<ext>; its golden expectation is the
sample's gold rows, in the layout's order and numbering
(tests/gold/layouts/<layout>.json). The rows' full texts come from the
sample's committed record (outputs/txt/<stem>.json), which scores 1.0 on its gold.
"""
from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from pipeline.metadata import region_of
from pipeline.model import TableKind
from samples_docx import reproducible_zip
from samples_grids import Grid, GridCell, place_cells
from samples_layout import NoticeLayout, Para, Role

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
RECORDS = ROOT / "outputs" / "txt"
# Workbooks are stamped with this time, never the run's.
FIXED_TIME = datetime(2024, 1, 1, 9, 0, 0)
# The sheet a workbook's catalogue goes on, and its notes sheet.
SHEET, NOTES_SHEET = "基本养老服务清单", "说明"
NOTE = "注：标注*的为本地增加项目；各项标准为最低标准，有条件的地方可适当提高。"
CATEGORY_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Item:
    """One catalogue row: the sample's gold, with the record's full texts."""

    gold: dict
    content: str
    standard: str
    funding: str
    lead: str

    @property
    def name(self) -> str:
        return ("*" if self.gold["local_addition"] else "") + self.gold["name"]


@dataclass(frozen=True)
class CatalogueLayout:
    stem: str  # the layout's name, and its files' stem
    title: str
    grid: Grid
    items: list[Item]  # in the order the layout prints them; gold seq = position + 1
    printed_seq: bool  # the gold keeps the sample's 序号 (else: numbered in print order)
    service_types: bool  # the layout says each row's type (a column or category rows)
    split_after: int | None = None  # the catalogue goes on in a second table after this row


def sample_items(stem: str) -> tuple[str, list[Item]]:
    """The title place and the rows of a sample's catalogue."""
    gold = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
    record = json.loads((RECORDS / f"{stem}.json").read_text(encoding="utf-8"))
    by_seq = {item["seq"]: item for item in record["catalogue"]}
    items = []
    for row in gold["catalogue"]:
        found = by_seq[row["seq"]]
        units = [unit[0] if isinstance(unit, list) else unit for unit in row["lead_units"]]
        items.append(Item(gold=row, content=found["content"] or "", standard=found["standard"] or "",
                          funding=found["funding"] or "", lead="、".join(units)))
    return gold["document"]["region"], items


def _cell(text: str, field: str | None = None, rows: int = 1, columns: int = 1) -> GridCell:
    return GridCell(lines=(text,), row_span=rows, col_span=columns, field=field)


def _group_spans(items: list[Item]) -> list[int]:
    """How many rows each row's 服务对象 cell spans: the first of a run of equal groups
    spans the run, the others 0 (covered)."""
    spans = [0] * len(items)
    start = 0
    for index in range(1, len(items) + 1):
        if index == len(items) or items[index].gold["target_group"] != items[start].gold["target_group"]:
            spans[start] = index - start
            start = index
    return spans


def _widths(count: int) -> tuple[float, ...]:
    return tuple([2.0] * count)


def _rows(items: list[Item], order: list[str], seq: Callable[[int, Item], str]) -> list[tuple]:
    """Body rows in the column `order`; 服务对象 merged down each run of one group."""
    spans = _group_spans(items)
    rows = []
    for index, item in enumerate(items):
        values = {"seq": seq(index, item), "name": item.name, "content": item.content,
                  "service_type": item.gold["service_type"] or "", "standard": item.standard,
                  "funding": item.funding, "lead_units": item.lead,
                  "content_standard": f"{item.content}{item.standard}"}
        row = []
        for field in order:
            if field == "target_group":
                if spans[index]:
                    row.append(_cell(item.gold["target_group"], field, rows=spans[index]))
            else:
                row.append(_cell(values[field], field))
        rows.append(tuple(row))
    return rows


def _by_type(items: list[Item]) -> list[tuple[str, list[Item]]]:
    """The rows grouped by service type, in the order the types first appear."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.gold["service_type"], []).append(item)
    return list(groups.items())


def _category_row(number: int, kind: str, width: int) -> tuple:
    return (_cell(f"{CATEGORY_NUMERALS[number]}、{kind}类", "group", columns=width),)


def group_column_late(stem: str) -> CatalogueLayout:
    """The 服务对象 column after 服务类型 (as some counties print it)."""
    region, items = sample_items(stem)
    order = ["seq", "name", "content", "service_type", "target_group", "standard", "funding",
             "lead_units"]
    header = ("序号", "服务项目", "服务内容", "服务类型", "服务对象", "服务标准", "支出责任", "牵头部门")
    grid = Grid(kind=TableKind.catalogue, widths_cm=_widths(len(order)),
                header=tuple(_cell(text, "header") for text in header),
                rows=tuple(_rows(items, order, lambda i, item: str(item.gold["seq"]))),
                landscape=True)
    return CatalogueLayout("group_column_late", f"{region}基本养老服务清单", grid, items,
                           printed_seq=True, service_types=True)


def category_rows_no_seq(stem: str) -> CatalogueLayout:
    """No 序号 and no type column: category rows (一、物质帮助类) across the table."""
    region, items = sample_items(stem)
    order = ["target_group", "name", "content_standard", "funding", "lead_units"]
    header = ("服务对象", "服务项目", "服务内容及标准", "资金来源", "牵头单位")
    rows: list[tuple] = []
    printed: list[Item] = []
    for number, (kind, group) in enumerate(_by_type(items)):
        rows.append(_category_row(number, kind, len(order)))
        rows += _rows(group, order, lambda i, item: "")
        printed += group
    grid = Grid(kind=TableKind.catalogue, widths_cm=_widths(len(order)),
                header=tuple(_cell(text, "header") for text in header), rows=tuple(rows))
    return CatalogueLayout("category_rows_no_seq", f"{region}基本养老服务清单", grid, printed,
                           printed_seq=False, service_types=True)


def two_row_header(stem: str) -> CatalogueLayout:
    """A header over two rows: 责任分工 spans 支出责任 and 牵头部门 below it."""
    region, items = sample_items(stem)
    order = ["seq", "target_group", "name", "content", "service_type", "standard", "funding",
             "lead_units"]
    top = tuple(_cell(text, "header", rows=2) for text in
                ("序号", "服务对象", "服务项目", "服务内容", "服务类型", "服务标准")) + \
        (_cell("责任分工", "header", columns=2),)
    second = (_cell("支出责任", "header"), _cell("牵头部门", "header"))
    grid = Grid(kind=TableKind.catalogue, widths_cm=_widths(len(order)), header=top,
                rows=(second, *_rows(items, order, lambda i, item: str(item.gold["seq"]))),
                landscape=True)
    return CatalogueLayout("two_row_header", f"{region}基本养老服务清单", grid, items,
                           printed_seq=True, service_types=True)


def seq_restarts_by_category(stem: str) -> CatalogueLayout:
    """Category rows, a 序号 starting again under each, 服务对象 after the item's name."""
    region, items = sample_items(stem)
    order = ["seq", "name", "target_group", "content", "standard", "lead_units"]
    header = ("序号", "服务项目", "服务对象", "服务内容", "服务标准", "牵头部门")
    rows: list[tuple] = []
    printed: list[Item] = []
    for number, (kind, group) in enumerate(_by_type(items)):
        rows.append(_category_row(number, kind, len(order)))
        rows += _rows(group, order, lambda i, item: str(i + 1))
        printed += group
    grid = Grid(kind=TableKind.catalogue, widths_cm=_widths(len(order)),
                header=tuple(_cell(text, "header") for text in header), rows=tuple(rows))
    return CatalogueLayout("seq_restarts_by_category", f"{region}基本养老服务清单", grid, printed,
                           printed_seq=False, service_types=True)


def synonyms_in_two_tables(stem: str) -> CatalogueLayout:
    """Other header words (编号, 对象, 项目名称, 具体内容 …), the list in two tables."""
    region, items = sample_items(stem)
    order = ["seq", "target_group", "name", "content", "service_type", "standard", "funding",
             "lead_units"]
    header = ("编号", "对象", "项目名称", "具体内容", "类别", "保障标准", "经费来源", "责任单位")
    grid = Grid(kind=TableKind.catalogue, widths_cm=_widths(len(order)),
                header=tuple(_cell(text, "header") for text in header),
                rows=tuple(_rows(items, order, lambda i, item: str(item.gold["seq"]))),
                landscape=True)
    return CatalogueLayout("synonyms_in_two_tables", f"{region}基本养老服务清单", grid, items,
                           printed_seq=True, service_types=True, split_after=len(items) // 2)


def title_and_notes_in_table(stem: str) -> CatalogueLayout:
    """The title as the table's first row across it, a notes row as its last."""
    region, items = sample_items(stem)
    order = ["target_group", "seq", "name", "content", "service_type", "standard", "lead_units"]
    header = ("服务对象", "序号", "服务项目", "服务内容", "服务类型", "服务标准", "责任部门")
    title = f"{region}基本养老服务清单"
    body = _rows(items, order, lambda i, item: str(item.gold["seq"]))
    note = (_cell(NOTE, "group", columns=len(order)),)
    grid = Grid(kind=TableKind.catalogue, widths_cm=_widths(len(order)),
                header=(_cell(title, "header", columns=len(order)),),
                rows=(tuple(_cell(text, "header") for text in header), *body, note),
                landscape=True)
    return CatalogueLayout("title_and_notes_in_table", title, grid, items, printed_seq=True,
                           service_types=True)


# Layout -> the sample whose catalogue it lays out.
LAYOUTS: dict[Callable[[str], CatalogueLayout], str] = {
    group_column_late: "000_1d3b4e9bec569f5b",
    category_rows_no_seq: "001_a30600b97fcb8a62",
    two_row_header: "000_1d3b4e9bec569f5b",
    seq_restarts_by_category: "001_a30600b97fcb8a62",
    synonyms_in_two_tables: "001_a30600b97fcb8a62",
    title_and_notes_in_table: "000_1d3b4e9bec569f5b",
}


def catalogue_layouts() -> list[CatalogueLayout]:
    return [make(stem) for make, stem in LAYOUTS.items()]


# --- the layout's files -------------------------------------------------------------------


def notice_layout(layout: CatalogueLayout) -> NoticeLayout:
    """The layout as a notice of paragraphs and tables, for the Word and HTML writers."""
    items: list = []
    if layout.grid.header[0].col_span == 1:  # a title row inside the table prints no title above
        items.append(Para(text=layout.title, role=Role.title))
    for part, grid in enumerate(_tables(layout)):
        if part:
            items.append(Para(text="续表", role=Role.caption))
        items.append(grid)
    items.append(Para(text=NOTE))
    return NoticeLayout(stem=layout.stem, title=layout.title, issuer=None, doc_number=None,
                        date=None, published=None, items=items)


def _tables(layout: CatalogueLayout) -> list[Grid]:
    """The catalogue's table, or its two tables (the second repeats the header)."""
    if layout.split_after is None:
        return [layout.grid]
    rows = layout.grid.rows
    return [replace(layout.grid, rows=rows[:layout.split_after]),
            replace(layout.grid, rows=rows[layout.split_after:])]


def layout_to_xlsx(layout: CatalogueLayout) -> bytes:
    """A workbook: the title merged across the first row, the table with its merged ranges,
    the notes below it, and a notes sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    width = len(layout.grid.widths_cm)
    row = 1
    if layout.grid.header[0].col_span == 1:
        sheet.cell(1, 1, layout.title).font = Font(bold=True, size=14)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        row = 2
    for part, grid in enumerate(_tables(layout)):
        if part:
            sheet.cell(row, 1, "续表")
            row += 1
        row = grid_to_sheet(sheet, grid, row) + 1
    sheet.cell(row, 1, NOTE)
    workbook.create_sheet(NOTES_SHEET).cell(1, 1, "本清单所列服务项目由各责任部门按职责组织实施。")
    workbook.properties.creator = "eldercare-notices scripts/make_samples.py"
    workbook.properties.created = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    return reproducible_zip(buffer.getvalue(), modified=FIXED_TIME)


def layout_to_text(layout: CatalogueLayout) -> str:
    """The layout as text copied from a web page: a row's cells joined by " | ", a cell
    merged over rows or columns printed once (the rows below lose it), a row of one
    cell (a category, the title) a line of its own."""
    lines = [] if layout.grid.header[0].col_span > 1 else [layout.title]
    for part, grid in enumerate(_tables(layout)):
        if part:
            lines.append("续表")
        rows: dict[int, list[tuple[int, GridCell]]] = {}
        for (row, column), cell in place_cells([grid.header, *grid.rows]):
            rows.setdefault(row, []).append((column, cell))
        for row in sorted(rows):
            lines.append(" | ".join(" ".join(cell.lines) for _column, cell in sorted(rows[row])))
    lines.append(NOTE)
    return "\n".join(lines) + "\n"


def grid_to_sheet(sheet, grid: Grid, top: int) -> int:
    """Write the grid from row `top`; returns the row after it."""
    positions = [grid.header, *grid.rows]
    for (row, column), cell in place_cells(positions):
        target = sheet.cell(top + row, column + 1, _number_or_text("\n".join(cell.lines)))
        target.alignment = Alignment(wrap_text=True, vertical="center")
        if cell.row_span > 1 or cell.col_span > 1:
            sheet.merge_cells(start_row=top + row, start_column=column + 1,
                              end_row=top + row + cell.row_span - 1,
                              end_column=column + cell.col_span)
    return top + len(positions)


def _number_or_text(text: str) -> int | str:
    """A 序号 is stored as a number, as a workbook's author types it."""
    return int(text) if text.isdigit() else text


def layout_gold(layout: CatalogueLayout) -> dict:
    """The layout's golden expectation: the sample's rows in the layout's order."""
    catalogue = []
    for position, item in enumerate(layout.items, start=1):
        row = dict(item.gold)
        if not layout.printed_seq:
            row["seq"] = position
        if not layout.service_types:
            row["service_type"] = None
        catalogue.append(row)
    return {"source": f"{layout.stem}.docx",
            "document": {"title": layout.title, "issuer": None, "doc_number": None, "date": None,
                         "region": region_of(layout.title)},
            "catalogue": catalogue, "tasks": [], "warnings": []}
