"""Table rows to catalogue rows: put each cell back in its column.

A laid-out format's table (Word, HTML, a workbook, a PDF) keeps its grid:
each cell stands in its header's column whatever the columns' order, and a
merged cell's copies are marked, so a row is read by position
(`grid_row_to_catalogue_row`) and a merged 服务对象 is read, not guessed.

Text renderings of the 基本养老服务清单 lose the grid: the merged 服务对象 cell
prints on one row only, the 序号 sits in its own cell or before the name,
empty cells vanish so later columns slide left. Those rows are aligned by
anchors (the 序号, the service-type words, the unit list at the end) rather
than by the header's positions (`row_to_catalogue_row`).
"""
from __future__ import annotations

import regex
from pydantic import BaseModel, Field

from pipeline.flags import field_missing_flag
from pipeline.model import Block, Cell, Flag, Span
from pipeline.normalise import squash
from pipeline.vocab import word_list

# The 序号 may stand in one of the first few cells (after the 服务对象 cell).
MAX_SEQ_CELL = 2
# Marks of an item a city or county added to the national list.
LOCAL_ADDITION_MARKS = ("*", "※", "★")
# A cell holding more than this many characters is prose, never a unit list.
MAX_UNIT_CELL_CHARS = 80
# A category row (一、物质帮助类) is short; a longer single value is a note.
MAX_CATEGORY_CHARS = 20

_SEQ_ALONE = regex.compile(r"^(?P<star>\*?)\s*(?P<seq>\d{1,3})\s*(?P<star2>\*?)$")
_SEQ_AND_NAME = regex.compile(
    r"""^(?P<star>\*?)\s*(?P<seq>\d{1,3})   # optional local-addition star, then the 序号
        [\s.、]+                             # a space or a list mark
        (?P<name>\D.*)$                      # the service name""",
    regex.VERBOSE,
)
# Columns whose empty cell is worth a flag: field name -> `CatalogueRow` attribute.
PROMISED_COLUMNS = {"content": "content", "service_type": "service_type",
                    "standard": "standard", "funding": "funding", "lead_units": "lead"}
# Funding cells talk about money sources; used to tell 支出责任 from 服务标准.
_FUNDING_WORDS = regex.compile(r"资金|支出|财政|承担|补助|基金|经费|负责")


def service_types() -> tuple[str, ...]:
    return word_list("service_types")


class CatalogueRow(BaseModel):
    """One catalogue row with its cells assigned to columns; group not yet resolved."""

    block: Block
    label: Cell | None = None  # the 服务对象 cell as printed on this row
    seq: int | None = None
    local_addition: bool = False
    name: Cell
    content: Cell | None = None
    service_type: Cell | None = None
    standard: Cell | None = None
    funding: Cell | None = None
    lead: Cell | None = None
    merged_label: bool = False  # the 服务对象 is a merged cell's copy, as the reader saw it
    category_type: str | None = None  # the service type its category row (一、物质帮助类) gives
    flags: list[Flag] = Field(default_factory=list)


def row_to_catalogue_row(block: Block, fields: list[str | None],
                         header: Block | None = None) -> CatalogueRow | None:
    """Assign one row's cells to columns; None when the row holds no service item.

    With the `header` row, an empty cell is flagged under the column's printed name.
    """
    cells = list(block.cells)
    while cells and not cells[-1].text:
        cells.pop()
    if len(cells) < 2:
        return None
    seq_at, seq, star, name = _find_seq_and_name(cells)
    flags: list[Flag] = []
    if seq_at is None:  # the 序号 was lost: the first cell is the 服务对象 column
        if len(cells) < 3 or not cells[1].text:
            return None
        label_cells, name, rest = cells[:1], cells[1], cells[2:]
        flags.append(Flag(code="seq_inferred", field="seq",
                          reason="the row printed no 序号; it was taken from the sequence"))
    else:
        label_cells = cells[:seq_at]
        rest = cells[seq_at + 1:]
        if name is None and _group_follows_seq(fields) and len(cells) >= _filled_width(fields):
            label_cells, rest = rest[:1], rest[1:]  # 序号 | 服务对象 | 服务项目 …
        if name is None:
            if not rest:
                return None
            name, rest = rest[0], rest[1:]
    star = star or name.text.startswith(LOCAL_ADDITION_MARKS)  # *老年助餐服务
    row = CatalogueRow(block=block, seq=seq, local_addition=star, name=name, flags=flags,
                       label=_join_cells(label_cells))
    _assign_tail(row, rest, fields)
    _flag_empty_columns(row, fields, header)
    return row


# --- a laid-out table's row, by position ---------------------------------------------


def grid_row_to_catalogue_row(block: Block, fields: list[str | None],
                              header: Block | None = None) -> CatalogueRow | None:
    """A row whose cells stand in the header's columns; None when it holds no service item.

    A header cell spanning several columns names them all: its columns' values are
    joined (市级 | 县级 under 服务标准), and a 序号 printed under the 服务项目 header
    (one header cell over the number and the name) is the row's 序号.
    """
    columns: dict[str, list[Cell]] = {}
    for index, field in enumerate(fields):
        if field and index < len(block.cells):
            columns.setdefault(field, []).append(block.cells[index])
    seq, star, name = _grid_seq_and_name(columns)
    if name is None:
        return None
    label = _first(columns.get("target_group"))
    row = CatalogueRow(block=block, seq=seq, name=name,
                       local_addition=star or name.text.startswith(LOCAL_ADDITION_MARKS),
                       label=label if label is not None and not label.inherited else None,
                       merged_label=label is not None and label.inherited)
    for field, attribute in PROMISED_COLUMNS.items():
        cell = _joined(columns.get(field))  # a value merged over rows applies to each of them
        if cell is not None:
            setattr(row, attribute, cell)
    _flag_empty_columns(row, fields, header)
    return row


def _grid_seq_and_name(columns: dict[str, list[Cell]]) -> tuple[int | None, bool, Cell | None]:
    seq, star = None, False
    for cell in columns.get("seq", []):
        if match := _SEQ_ALONE.match(cell.text):
            seq, star = int(match.group("seq")), bool(match.group("star") or match.group("star2"))
            break
    name = None
    for cell in columns.get("name", []):
        bare = _SEQ_ALONE.match(cell.text)
        if bare and seq is None:  # the 序号 under the 服务项目 header
            seq, star = int(bare.group("seq")), bool(bare.group("star") or bare.group("star2"))
        elif cell.text and not bare:
            name = cell
            break
    if name is not None and seq is None and (match := _SEQ_AND_NAME.match(name.text)):
        name = Cell(text=match.group("name").strip(),  # 3 职工基本医疗保险
                    span=_sub_span(name.span, match.start("name")))
        seq, star = int(match.group("seq")), bool(match.group("star"))
    return seq, star, name


def _first(cells: list[Cell] | None) -> Cell | None:
    return next((cell for cell in cells or [] if cell.text), None)


def _joined(cells: list[Cell] | None) -> Cell | None:
    """The distinct values of a field's columns as one cell (one column: that cell)."""
    filled = [cell for cell in cells or [] if cell.text]
    distinct = [cell for index, cell in enumerate(filled)
                if all(cell.text != other.text for other in filled[:index])]
    if len(distinct) <= 1:
        return distinct[0] if distinct else None
    return Cell(text=" ".join(cell.text for cell in distinct), span=cover_spans(distinct),
                inherited=all(cell.inherited for cell in distinct))


def category_of(block: Block) -> str | None:
    """The category a row spanning the table names (一、物质帮助类, (二)照护服务), or None
    when the row is no category row. Its service type, if it names one, is returned;
    a category naming none gives ''."""
    values = {cell.text.strip() for cell in block.cells if cell.text.strip()}
    if len(values) != 1 or (len(block.cells) > 1 and not all(
            cell.inherited for cell in block.cells[1:] if cell.text.strip())):
        return None
    text = squash(values.pop())
    if _SEQ_ALONE.match(text) or len(text) > MAX_CATEGORY_CHARS:
        return None
    return next((kind for kind in service_types() if kind in text), "")


def _group_follows_seq(fields: list[str | None]) -> bool:
    """The header puts a 序号 column before the 服务对象 column."""
    return "seq" in fields and "target_group" in fields \
        and fields.index("seq") < fields.index("target_group")


def _filled_width(fields: list[str | None]) -> int:
    """Columns a full row has: a merged 服务对象 cell that vanished leaves one fewer."""
    while fields and fields[-1] is None:
        fields = fields[:-1]
    return len(fields)


def _find_seq_and_name(cells: list[Cell]) -> tuple[int | None, int | None, bool, Cell | None]:
    """Where the 序号 stands: a cell of its own first, else a cell '3 职工基本医疗保险'."""
    window = cells[: MAX_SEQ_CELL + 1]
    for index, cell in enumerate(window):
        match = _SEQ_ALONE.match(cell.text)
        if match:
            star = bool(match.group("star") or match.group("star2"))
            return index, int(match.group("seq")), star, None
    for index, cell in enumerate(window):
        match = _SEQ_AND_NAME.match(cell.text)
        if match:
            offset = match.start("name")
            name = Cell(text=match.group("name").strip(), span=_sub_span(cell.span, offset))
            return index, int(match.group("seq")), bool(match.group("star")), name
    return None, None, False, None


def cover_spans(cells: list[Cell]) -> Span:
    return Span(line=cells[0].span.line, end_line=cells[-1].span.end_line,
                start=cells[0].span.start, end=cells[-1].span.end, locator=cells[0].span.locator,
                page=cells[0].span.page)


def _sub_span(span: Span, offset: int) -> Span:
    return Span(line=span.line, end_line=span.end_line, start=span.start + offset, end=span.end)


def _join_cells(cells: list[Cell]) -> Cell | None:
    """One cell from several; a merged cell's copied value counts as empty, so the
    label is carried down from the row where the merge starts, as in text layouts."""
    cells = [cell for cell in cells if cell.text and not cell.inherited]
    if not cells:
        return None
    span = Span(line=cells[0].span.line, end_line=cells[-1].span.end_line,
                start=cells[0].span.start, end=cells[-1].span.end)
    return Cell(text=" ".join(cell.text for cell in cells), span=span)


def _assign_tail(row: CatalogueRow, rest: list[Cell], fields: list[str | None]) -> None:
    """Content first, units last, the service type by its words, the rest in header order."""
    if "lead_units" in fields and rest and _looks_like_units(rest[-1].text):
        row.lead, rest = rest[-1], rest[:-1]
    typed = [cell for cell in rest if squash(cell.text) in service_types()]
    if typed:
        row.service_type = typed[0]
        rest = [cell for cell in rest if cell is not typed[0]]
    rest = [cell for cell in rest if cell.text]
    if rest:
        row.content, rest = rest[0], rest[1:]
    _assign_standard_and_funding(row, rest, fields)


def _assign_standard_and_funding(row: CatalogueRow, rest: list[Cell],
                                 fields: list[str | None]) -> None:
    wanted = [field for field in ("standard", "funding") if field in fields]
    if len(rest) == len(wanted):
        for field, cell in zip(wanted, rest):
            setattr(row, field, cell)
        return
    if len(rest) == 1 and len(wanted) == 2:  # one column slid away: tell which by its words
        field = "funding" if _FUNDING_WORDS.search(rest[0].text) else "standard"
        setattr(row, field, rest[0])
        missing = "standard" if field == "funding" else "funding"
        row.flags.append(Flag(code="column_slide_repaired", field=missing,
                              reason=f"the row has one cell for two columns; it read as {field}"))
        return
    if rest and row.content is not None:  # unexpected extra cells: keep their text in content
        row.content = _join_cells([row.content, *rest])
        row.flags.append(Flag(code="column_slide_repaired", field="content",
                              reason="extra cells were joined into the content"))


def _flag_empty_columns(row: CatalogueRow, fields: list[str | None],
                        header: Block | None) -> None:
    """A column the header has, left empty in this row (unless a slide repair said so)."""
    repaired = {flag.field for flag in row.flags if flag.code == "column_slide_repaired"}
    for field, attribute in PROMISED_COLUMNS.items():
        if field in fields and field not in repaired and getattr(row, attribute) is None:
            row.flags.append(field_missing_flag(field, _column_name(field, fields, header)))


def _column_name(field: str, fields: list[str | None], header: Block | None) -> str:
    """The header's words for a field (服务内容及标准), or the field's name without a header."""
    index = fields.index(field)
    if header is not None and index < len(header.cells) and header.cells[index].text:
        return squash(header.cells[index].text)
    return field


def _looks_like_units(text: str) -> bool:
    """Short, no sentence, and not a service type (照护服务 ends a row whose units are empty)."""
    flat = squash(text)
    return (0 < len(flat) <= MAX_UNIT_CELL_CHARS and "。" not in flat
            and flat not in service_types())
