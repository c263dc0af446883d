"""A 职责分工表 (task/lead unit/responsible unit table) to task drafts.

Group rows carry a 一、 marker and span the table (a text layout may print
the heading twice, or split it over cells); item rows carry 1、 or 1. in the
task cell, or in a cell of their own.
"""
from __future__ import annotations

from pipeline.extract.units import FALLBACK, tile_units
from pipeline.flags import field_missing_flag
from pipeline.markers import Marker, MarkerKind, parse_marker
from pipeline.model import Block, Cell, Clause, Table, UnitMention
from pipeline.normalise import squash
from pipeline.parse.task_list import TaskDraft
from pipeline.spans import Assembly, cover

_CONTINUATION_JUNK = "-–—、,,;;:: "


def duty_table_to_drafts(table: Table) -> list[TaskDraft]:
    """Level-1 drafts in row order, items nested under the group row above them."""
    drafts: list[TaskDraft] = []
    group: TaskDraft | None = None
    for page in table.pages:
        for block in page.rows:
            draft = _row_to_draft(block, page.fields, page.header)
            if draft is None:
                continue
            if draft.kind == MarkerKind.cn_dun.value:
                group = draft
                drafts.append(draft)
            elif group is not None:
                draft.level = 2
                group.children.append(draft)
            else:
                drafts.append(draft)
    return drafts


def _row_to_draft(block: Block, fields: list[str | None], header: Block) -> TaskDraft | None:
    cells = block.cells
    filled = [cell for cell in cells if cell.text]
    if not filled:
        return None
    marker = parse_marker(filled[0].text) or _seq_marker(filled[0], fields, cells)
    if marker is None:
        return None
    if marker.kind is MarkerKind.cn_dun:
        return _group_draft(filled, marker.text, marker.number)
    by_field = {field: cells[i] for i, field in enumerate(fields) if field and i < len(cells)}
    title_cell = filled[0]
    title_text = title_cell.text[marker.end:].strip()
    if not title_text and len(filled) > 1:
        title_cell = filled[1]
        title_text = title_cell.text
    pieces = [(title_text, title_cell.span.start + title_cell.text.find(title_text))]
    for field in ("content", "deadline"):  # the item's own words: policy text, time limit
        cell = by_field.get(field)
        if cell is not None and cell.text and cell is not title_cell:
            pieces.append((cell.text, cell.span.start))
    draft = TaskDraft(number=marker.number, marker=marker.text, kind=marker.kind.value,
                      title=squash(title_text.split("。", 1)[0]),
                      title_span=title_cell.span, own_text=Assembly(pieces).text,
                      text_pieces=pieces)
    draft.clauses = [clause for role in ("lead", "responsible")
                     if (clause := _column_clause(by_field.get(f"{role}_units"), role))]
    if "lead_units" in fields and not any(unit.role == "lead" for clause in draft.clauses
                                          for unit in clause.units):
        draft.flags.append(field_missing_flag("lead_units", _column_name(header, fields)))
    return draft


def _column_name(header: Block, fields: list[str | None]) -> str:
    """The header's words for the lead column (牵头单位)."""
    index = fields.index("lead_units")
    cells = header.cells
    return squash(cells[index].text) if index < len(cells) and cells[index].text else "lead_units"


def _seq_marker(first: Cell, fields: list[str | None], cells: list[Cell]) -> Marker | None:
    """A bare number in the table's 序号 column numbers the row like a 1. marker."""
    if "seq" not in fields or first is not cells[fields.index("seq")]:
        return None
    if not (first.text.isdigit() and first.text.isascii()):
        return None
    return Marker(MarkerKind.ar_dot, int(first.text), first.text, len(first.text))


def _group_draft(filled: list[Cell], marker: str, number: int) -> TaskDraft:
    """A group heading, printed whole in one cell or split over several."""
    repeats = [cell for cell in filled if cell.text.startswith(marker)]
    if len(repeats) > 1:
        text = max((cell.text for cell in repeats), key=len)
        used = [max(repeats, key=lambda cell: len(cell.text))]
    else:
        parts = [filled[0].text] + [cell.text.lstrip(_CONTINUATION_JUNK) for cell in filled[1:]]
        text, used = "".join(parts), filled
    title = squash(text[len(marker):].lstrip("、. "))
    span = cover([cell.span for cell in used])
    return TaskDraft(number=number, marker=marker, kind=MarkerKind.cn_dun.value, title=title,
                     title_span=span,
                     own_text=title, text_pieces=[(title, span.start)])


def _column_clause(cell: Cell | None, role: str) -> Clause | None:
    """A 牵头单位 or 责任单位 cell read as a clause whose units all have the column's role."""
    if cell is None or not cell.text:
        return None
    units = [UnitMention(name=unit.name, role=role, known=unit.kind != FALLBACK,
                         span=cell.span.model_copy(update={"start": cell.span.start + unit.start,
                                                           "end": cell.span.start + unit.end}))
             for unit in tile_units(cell.text)]
    return Clause(form="column", span=cell.span, units=units) if units else None
