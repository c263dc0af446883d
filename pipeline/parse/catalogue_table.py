"""A catalogue table (基本养老服务清单) to `CatalogueItem` records."""
from __future__ import annotations

from functools import lru_cache

from pipeline.extract.eligibility import parse_eligibility
from pipeline.extract.quantities import find_amounts, min_age
from pipeline.extract.units import FALLBACK, tile_units
from pipeline.flags import (age_mismatch_flags, amount_flags, seq_inferred_flag, seq_renumbered_flag,
                            units_fallback_flag)
from pipeline.model import CatalogueItem, Cell, Eligibility, Quantity, Span, Table
from pipeline.normalise import squash
from pipeline.parse.catalogue_rows import (LOCAL_ADDITION_MARKS, CatalogueRow, category_of,
                                          grid_row_to_catalogue_row, row_to_catalogue_row)
from pipeline.parse.target_groups import resolve_target_groups
from pipeline.spans import LineIndex

# Target-group labels whose reading is kept: more than one catalogue holds.
GROUPS_REMEMBERED = 1024


def table_to_rows(table: Table) -> list[CatalogueRow]:
    """Every row of every page that holds a service item, with its 序号 filled in.

    A laid-out table's rows are read by position, a text layout's by anchors; a
    category row spanning the table (一、物质帮助类) gives the rows below it its
    service type; a 序号 that starts again in each category is numbered on
    through the catalogue.
    """
    rows: list[CatalogueRow] = []
    category: str | None = None
    for page in table.pages:
        for block in page.rows:
            if (named := category_of(block)) is not None:
                category = named or None
                continue
            read = grid_row_to_catalogue_row if block.grid else row_to_catalogue_row
            row = read(block, page.fields, page.header)
            if row is not None:
                row.category_type = category
                rows.append(row)
    _number_rows(rows)
    return rows


def _number_rows(rows: list[CatalogueRow]) -> None:
    """Fill in a 序号 a row does not print from the sequence (flagged when the other
    rows print theirs); renumber when the printed ones start again."""
    printed = [row.seq for row in rows if row.seq is not None]
    if any(later <= earlier for earlier, later in zip(printed, printed[1:])):
        for number, row in enumerate(rows, start=1):
            if row.seq != number:
                row.flags.append(seq_renumbered_flag(row.seq, number))
            row.seq = number
        return
    previous = 0
    for row in rows:
        if row.seq is None:
            row.seq = previous + 1
            if printed:
                row.flags.append(seq_inferred_flag())
        previous = row.seq


def rows_to_items(rows: list[CatalogueRow], notice_id: str, lines: LineIndex) -> list[CatalogueItem]:
    groups = resolve_target_groups(rows)
    items: list[CatalogueItem] = []
    seen: set[str] = set()
    for row, (group, group_cell) in zip(rows, groups):
        item_id = _unique(f"{notice_id}/catalogue/{row.seq}", seen)
        age, eligibility = _read_group(group) if group else (None, None)
        items.append(_row_to_item(row, group, group_cell, item_id, lines, age, eligibility))
    return items


@lru_cache(maxsize=GROUPS_REMEMBERED)
def _group_reading(group: str) -> tuple[int | None, Eligibility | None]:
    return min_age(group), parse_eligibility(group)


def _read_group(group: str) -> tuple[int | None, Eligibility | None]:
    """A target group's age and conditions, read once however many rows it covers (a
    merged 服务对象 cell over hundreds of rows read once per row was quadratic); each
    item gets its own copy of the conditions."""
    age, eligibility = _group_reading(group)
    return age, eligibility.model_copy(deep=True) if eligibility is not None else None


def _unique(candidate: str, seen: set[str]) -> str:
    item_id, copy = candidate, 1
    while item_id in seen:
        copy += 1
        item_id = f"{candidate}-{copy}"
    seen.add(item_id)
    return item_id


def _row_to_item(row: CatalogueRow, group: str | None, group_cell: Cell | None,
                 item_id: str, lines: LineIndex, age: int | None,
                 eligibility: Eligibility | None) -> CatalogueItem:
    sources: dict[str, Span] = {"row": row.block.span, "name": row.name.span}
    if row.seq_cell is not None:
        sources["seq"] = row.seq_cell.span
    if group_cell is not None:
        sources["target_group"] = group_cell.span
    values: dict[str, str | None] = {}
    for field in ("content", "service_type", "standard", "funding"):
        cell: Cell | None = getattr(row, field)
        values[field] = cell.text if cell else None
        if cell:
            sources[field] = cell.span
    lead_units: list[str] = []
    flags = list(row.flags)
    if row.lead is not None:
        sources["lead_units"] = row.lead.span
        units = tile_units(row.lead.text)
        lead_units = [unit.name for unit in units]
        fallback = [unit.name for unit in units if unit.kind == FALLBACK]
        if fallback:
            flags.append(units_fallback_flag("lead_units", fallback))
    item = CatalogueItem(
        id=item_id, seq=row.seq, local_addition=row.local_addition,
        target_group=group, min_age=age, eligibility=eligibility,
        name=squash(row.name.text).lstrip("".join(LOCAL_ADDITION_MARKS)),
        content=values["content"],
        service_type=squash(values["service_type"] or "") or row.category_type,
        standard=values["standard"], funding=values["funding"],
        lead_units=lead_units, amounts=_amounts(row, lines), sources=sources,
    )
    item.flags = flags + age_mismatch_flags(item) + amount_flags(item.amounts)
    return item


def _amounts(row: CatalogueRow, lines: LineIndex) -> list[Quantity]:
    """Money figures of the content and standard cells, in order, each with its span."""
    amounts: list[Quantity] = []
    for cell in (row.content, row.standard):
        if cell is None:
            continue
        for found in find_amounts(cell.text):
            span = lines.span(cell.span.start + found.start, cell.span.start + found.end)
            amounts.append(found.value.model_copy(update={"span": span}))
    return amounts
