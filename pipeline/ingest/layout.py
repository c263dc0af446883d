"""What a reader of a laid-out format (PDF, Word, HTML) gives: paragraphs and table rows.

`lay_out` turns them into the notice's text (one line per paragraph, a row's
cells joined by tabs) and the blocks over it, so that every later stage works
the same whatever the format, and every span still points into one text.
"""
from __future__ import annotations

from typing import NamedTuple

import regex
from pydantic import BaseModel, Field

from pipeline.model import Block, BlockKind, Cell, Span
from pipeline.normalise import fold_width

# Tabs and line breaks inside a cell or paragraph would break the layout's lines.
_LAYOUT_BREAKS = regex.compile(r"[\t\r\n\v\f]+")
# A cell with more Chinese characters than this holds an article, not a value.
MAX_DATA_CELL_HAN = 800
_HAN = regex.compile(r"\p{Han}")


class Where(BaseModel):
    """Where an item sits in the original file."""

    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    locator: str | None = None


class Paragraph(BaseModel):
    text: str
    where: Where = Field(default_factory=Where)


class SourceCell(BaseModel):
    text: str
    where: Where = Field(default_factory=Where)
    inherited: bool = False  # a merged cell's value, copied from where the merge starts


class SourceRow(BaseModel):
    cells: list[SourceCell]
    where: Where = Field(default_factory=Where)


Item = Paragraph | SourceRow


class CellContent(NamedTuple):
    """What a reader knows of a table cell before it chooses how to read the table."""

    han: int  # Chinese characters in the cell
    holds_page: bool  # a nested table, a list, a heading: what data cells never hold


def is_layout_grid(rows: list[list[CellContent]]) -> bool:
    """A table that lays out a page rather than holding data: one column, or a cell
    holding what data cells never do (a table, a list, a heading, or a whole
    article's worth of text). Web pages keep such tables in their Word and PDF
    conversions; their cells are read as paragraphs, not as rows.

    >>> is_layout_grid([[CellContent(5, False)]])
    True
    >>> is_layout_grid([[CellContent(5, False), CellContent(900, False)]])
    True
    >>> is_layout_grid([[CellContent(4, False), CellContent(20, False)]] * 3)
    False
    """
    if max((len(row) for row in rows), default=0) < 2:
        return True
    return any(cell.holds_page or cell.han > MAX_DATA_CELL_HAN for row in rows for cell in row)


def captions_to_paragraphs(rows: list[SourceRow]) -> list[Item]:
    """A table's rows, its first and last rows that are one value across the table
    (a title printed in the table's first row, a notes row at its end) as paragraphs.
    Such rows between others (a category: 一、物质帮助类) stay rows.

    >>> one = SourceRow(cells=[SourceCell(text="某市基本养老服务清单")])
    >>> two = SourceRow(cells=[SourceCell(text="服务对象"), SourceCell(text="服务项目")])
    >>> [type(item).__name__ for item in captions_to_paragraphs([one, two, one])]
    ['Paragraph', 'SourceRow', 'Paragraph']
    """
    values = [_one_value(row) for row in rows]
    first = next((index for index, value in enumerate(values) if value is None), len(rows))
    last = max((index for index, value in enumerate(values) if value is None), default=-1)
    items: list[Item] = []
    for index, (row, value) in enumerate(zip(rows, values)):
        if value is not None and (index < first or index > last):
            items.append(Paragraph(text=value.text, where=value.where))
        else:
            items.append(row)
    return items


def _one_value(row: SourceRow) -> SourceCell | None:
    """The row's only value (a cell across the table and its merged copies), else None."""
    filled = [cell for cell in row.cells if cell.text.strip()]
    if filled and all(cell.inherited for cell in filled[1:]) and \
            len({cell.text for cell in filled}) == 1:
        return filled[0]
    return None


def han_count(text: str) -> int:
    return len(_HAN.findall(text))


def lay_out(items: list[Item]) -> tuple[str, list[Block]]:
    """The notice's text and its blocks, each span carrying its place in the file.

    >>> text, blocks = lay_out([Paragraph(text="一、总体要求"),
    ...     SourceRow(cells=[SourceCell(text="服务对象"), SourceCell(text="服务项目")])])
    >>> text
    '一、总体要求\\n服务对象\\t服务项目\\n'
    >>> [cell.span.start for cell in blocks[1].cells]
    [7, 12]
    """
    lines: list[str] = []
    blocks: list[Block] = []
    offset = 0
    for number, item in enumerate(items, start=1):
        if isinstance(item, Paragraph):
            line = _one_line(item.text)
            block = Block(kind=BlockKind.paragraph, text=fold_width(line),
                          span=_span(number, offset, offset + len(line), item.where))
        else:
            line, block = _row_block(item, number, offset)
        if not line.strip():
            continue
        lines.append(line)
        blocks.append(block)
        offset += len(line) + 1
    return "".join(line + "\n" for line in lines), _renumber(blocks)


def _row_block(row: SourceRow, number: int, offset: int) -> tuple[str, Block]:
    cells: list[Cell] = []
    texts: list[str] = []
    position = offset
    for source in row.cells:
        text = _one_line(source.text)
        cells.append(Cell(text=fold_width(text), inherited=source.inherited,
                          span=_span(number, position, position + len(text), source.where)))
        texts.append(text)
        position += len(text) + 1
    line = "\t".join(texts)
    span = _span(number, offset, offset + len(line), row.where)
    return line, Block(kind=BlockKind.table_row, text=fold_width(line), span=span, cells=cells,
                       grid=True)


def _one_line(text: str) -> str:
    return _LAYOUT_BREAKS.sub(" ", text).strip()


def _span(line: int, start: int, end: int, where: Where) -> Span:
    return Span(line=line, end_line=line, start=start, end=end, page=where.page,
                bbox=where.bbox, locator=where.locator)


def _renumber(blocks: list[Block]) -> list[Block]:
    """Line numbers count the laid-out lines (empty items were skipped)."""
    for line, block in enumerate(blocks, start=1):
        block.span.line = block.span.end_line = line
        for cell in block.cells:
            cell.span.line = cell.span.end_line = line
    return blocks
