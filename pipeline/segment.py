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
from pipeline.parse.catalogue_rows import category_of
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
    previous: Block | None = None
    for number, folded in enumerate(fold_width(text).split("\n"), start=1):
        if folded.strip() and not _RULE_LINE.match(folded):
            span = Span(line=number, end_line=number, start=offset, end=offset + len(folded))
            previous = _line_to_block(folded, span, previous)
            blocks.append(previous)
        offset += len(folded) + 1
    return blocks


def _line_to_block(line: str, span: Span, previous: Block | None) -> Block:
    """Classify one line, knowing the block before it (a table goes on)."""
    in_table = previous is not None and previous.kind is BlockKind.table_row
    # Two cells need one "|", which prose may hold too: only under a "|" row, both filled.
    two_cells = in_table and previous.text.count("|") >= 2 and line.count("|") == 1 \
        and all(part.strip() for part in line.split("|"))
    if line.count("|") >= 2 or two_cells or "\t" in line:
        separator = "|" if "|" in line and "\t" not in line else "\t"
        cells = _split_cells(line, span, separator)
        return Block(kind=BlockKind.table_row, text=line, span=span, cells=cells)
    cells = _split_aligned(line, span) if "  " in line.strip() else []
    in_aligned_table = in_table and "|" not in previous.text and "\t" not in previous.text
    if len(cells) >= MIN_ALIGNED_CELLS and (in_aligned_table or column_fields(cells)):
        return Block(kind=BlockKind.table_row, text=line, span=span, cells=cells)
    return Block(kind=BlockKind.paragraph, text=line, span=span)


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
            # Prose and another file end a table; page numbers and short captions do not.
            open_table = open_table and block.kind is BlockKind.paragraph \
                and len(squash(block.text)) <= MAX_FURNITURE_CHARS
            continue
        fields = column_fields(block.cells)
        if fields and open_table and (page := _with_sub_header(tables[-1].pages[-1], block, fields)):
            tables[-1].pages[-1] = page
            tables[-1].kind = table_kind(page.fields)
        elif fields:
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


def _with_sub_header(page: TablePage, block: Block, fields: list[str | None]) -> TablePage | None:
    """A text rendering's second header row (支出责任 | 牵头部门 under 责任分工): its
    columns take the place of the first row's one header cell that names no field.
    None when the row is a header of its own."""
    unnamed = [index for index, (field, cell) in enumerate(zip(page.fields, page.header.cells))
               if field is None and cell.text]
    if page.rows or block.grid or len(unnamed) != 1:
        return None
    at = unnamed[0]
    first = page.header
    header = Block(kind=BlockKind.table_row, text=f"{first.text}\n{block.text}",
                   span=first.span.model_copy(update={"end_line": block.span.end_line,
                                                      "end": block.span.end}),
                   cells=[*first.cells[:at], *block.cells, *first.cells[at + 1:]])
    merged = [*page.fields[:at], *fields, *page.fields[at + 1:]]
    if table_kind(merged) is TableKind.catalogue:
        merged = catalogue_fields(merged)
    return TablePage(header=header, fields=merged)


def category_lines_to_rows(blocks: list[Block]) -> list[Block]:
    """A category line printed between a catalogue's rows (一、物质帮助类) is a row of
    the table, not a heading of the notice: it becomes a one-cell row, so the
    outline leaves it to the catalogue, which reads the service type it names."""
    result: list[Block] = []
    in_catalogue = False
    for index, block in enumerate(blocks):
        if block.kind is BlockKind.table_row:
            if fields := column_fields(block.cells):
                in_catalogue = table_kind(fields) is TableKind.catalogue or (
                    in_catalogue and table_kind(fields) is TableKind.other)
        elif block.kind is not BlockKind.paragraph:
            in_catalogue = False
        elif in_catalogue:
            row = Block(kind=BlockKind.table_row, text=block.text, span=block.span,
                        cells=[Cell(text=block.text.strip(), span=block.span)])
            if category_of(row) is not None and _catalogue_goes_on(blocks[index + 1:]):
                block = row
            else:
                in_catalogue = len(squash(block.text)) <= MAX_FURNITURE_CHARS
        result.append(block)
    return result


def _catalogue_goes_on(following: list[Block]) -> bool:
    """The next block is a row of the catalogue (or its header printed again)."""
    if not following or following[0].kind is not BlockKind.table_row:
        return False
    fields = column_fields(following[0].cells)
    return not fields or table_kind(fields) is TableKind.catalogue
