"""Lines to blocks, and blocks to tables: where the notice's rows and paragraphs are.

A text rendering of a table comes in three shapes: cells separated by `|`,
by tabs, or aligned with runs of spaces. All three become `Block`s of kind
`table_row` with their cells; tables that a page break split (the header
printed again) are joined back into one `Table`.
"""
from __future__ import annotations

from functools import lru_cache

import regex

from pipeline.model import Block, BlockKind, Cell, Span, Table, TableKind, TablePage
from pipeline.normalise import fold_width, squash
from pipeline.vocab import json_data

# Rows aligned with spaces need at least this many cells to count as a table row.
MIN_ALIGNED_CELLS = 3
# A header cell longer than this is prose, so its row is no header.
MAX_HEADER_CELL_CHARS = 12
# A line this short between table rows is page furniture (page number, caption), not prose.
MAX_FURNITURE_CHARS = 20

_ALIGNED_GAP = regex.compile(r" {2,}")
# A ruling line between header and rows (| --- | --- |, +----+, ────): layout only.
_RULE_LINE = regex.compile(r"^[\s|:+\-—─=]*[-—─=]{3,}[\s|:+\-—─=]*$")


def header_vocabulary() -> dict[str, list[str]]:
    """Header words per column field, from `vocab/table_headers.json`.

    A header cell names a field when its text (whitespace removed) is one of
    the field's words, or ends with one of two or more characters.
    """
    return json_data("table_headers")


def text_to_blocks(text: str) -> list[Block]:
    """One block per non-blank line; lines shaped like table rows carry their cells."""
    blocks: list[Block] = []
    offset = 0
    in_aligned_table = False
    for number, folded in enumerate(fold_width(text).split("\n"), start=1):
        if folded.strip() and not _RULE_LINE.match(folded):
            span = Span(line=number, end_line=number, start=offset, end=offset + len(folded))
            block, in_aligned_table = _line_to_block(folded, span, in_aligned_table)
            blocks.append(block)
        offset += len(folded) + 1
    return blocks


def _line_to_block(line: str, span: Span, in_aligned_table: bool) -> tuple[Block, bool]:
    """Classify one line; returns the block and whether a space-aligned table goes on."""
    if line.count("|") >= 2 or "\t" in line:
        separator = "|" if line.count("|") >= 2 else "\t"
        cells = _split_cells(line, span, separator)
        return Block(kind=BlockKind.table_row, text=line, span=span, cells=cells), False
    cells = _split_aligned(line, span) if "  " in line.strip() else []
    if len(cells) >= MIN_ALIGNED_CELLS and (in_aligned_table or column_fields(cells)):
        return Block(kind=BlockKind.table_row, text=line, span=span, cells=cells), True
    return Block(kind=BlockKind.paragraph, text=line, span=span), False


def _split_cells(line: str, span: Span, separator: str) -> list[Cell]:
    cells, start = [], 0
    for part in line.split(separator):
        cells.append(_cell(part, span, start))
        start += len(part) + 1
    if separator == "|":  # a trailing "|" closes the row rather than opening a cell
        while cells and not cells[-1].text:
            cells.pop()
    return cells


def _split_aligned(line: str, span: Span) -> list[Cell]:
    cells, start = [], 0
    for gap in _ALIGNED_GAP.finditer(line):
        cells.append(_cell(line[start:gap.start()], span, start))
        start = gap.end()
    cells.append(_cell(line[start:], span, start))
    return [cell for cell in cells if cell.text]


def _cell(raw: str, row: Span, start: int) -> Cell:
    """A cell keeps its printed text (stripped) and the span of that text."""
    stripped = raw.strip()
    begin = row.start + start + len(raw) - len(raw.lstrip())
    span = Span(line=row.line, end_line=row.line, start=begin,
                                end=begin + len(stripped))
    return Cell(text=stripped, span=span)


def column_fields(cells: list[Cell]) -> list[str | None]:
    """Map header cells to field names; [] when the row is not a table header.

    A row is a header when at least two of its cells are header words and no
    cell is long prose.
    """
    texts = [squash(cell.text) for cell in cells]
    if len(texts) < 2 or any(len(text) > MAX_HEADER_CELL_CHARS for text in texts):
        return []
    fields = [_header_field(text) for text in texts]
    return fields if sum(1 for field in fields if field) >= 2 else []


def _header_field(text: str) -> str | None:
    """The field a header cell names: by its exact words, else by how it ends."""
    if not text:
        return None
    exact, endings = _header_lookup()
    if text in exact:
        return exact[text]
    return next((field for ending, field in endings if text.endswith(ending)), None)


@lru_cache(maxsize=1)
def _header_lookup() -> tuple[dict[str, str], list[tuple[str, str]]]:
    exact = {word: field for field, words in header_vocabulary().items() for word in words}
    endings = [(word, field) for field, words in header_vocabulary().items()
               for word in words if len(word) >= 2]
    return exact, endings


def catalogue_fields(fields: list[str | None]) -> list[str | None]:
    """A catalogue's 责任单位 is its lead department: its only units column.

    >>> catalogue_fields(["name", "content", "responsible_units"])
    ['name', 'content', 'lead_units']
    """
    if "lead_units" in fields:
        return fields
    return ["lead_units" if field == "responsible_units" else field for field in fields]


def table_kind(fields: list[str | None]) -> TableKind:
    present = set(fields)
    if {"target_group", "service_type"} & present and "name" in present:
        return TableKind.catalogue
    if {"lead_units", "responsible_units"} & present and "name" in present:
        return TableKind.duties
    return TableKind.other


def blocks_to_tables(blocks: list[Block]) -> list[Table]:
    """Group table rows under their header; a header printed again opens a new page."""
    tables: list[Table] = []
    open_table = False
    for block in blocks:
        if block.kind is not BlockKind.table_row:
            # Prose ends a table; page numbers and short captions between pages do not.
            open_table = open_table and len(squash(block.text)) <= MAX_FURNITURE_CHARS
            continue
        fields = column_fields(block.cells)
        if fields:
            kind = table_kind(fields)
            if kind is TableKind.catalogue:
                fields = catalogue_fields(fields)
            page = TablePage(header=block, fields=fields)
            if tables and tables[-1].kind is kind and kind is not TableKind.other:
                tables[-1].pages.append(page)
            else:
                tables.append(Table(kind=kind, pages=[page]))
            open_table = True
        elif open_table:
            tables[-1].pages[-1].rows.append(block)
    return tables
