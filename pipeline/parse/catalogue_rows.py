"""Table rows to catalogue rows: put each cell back in its column.

A laid-out format's table (Word, HTML, a workbook, a PDF) keeps its grid:
each cell stands in its header's column whatever the columns' order, and a
merged cell's copies are marked, so a row is read by position
(`grid_row_to_catalogue_row`) and a merged 服务对象 is read, not guessed.

Text renderings of the 基本养老服务清单 lose the grid: a merged 服务对象 cell
prints on one row only, wherever its column stands; the 序号 sits in its own
cell or before the name; empty cells vanish so later columns slide left. Those
rows are aligned to the header's columns by what each cell holds
(`align_cells`: a 序号, service-type words, a unit list, money words).
"""
from __future__ import annotations

from typing import NamedTuple

import regex
from pydantic import BaseModel, Field

from pipeline.extract.units import unit_shaped
from pipeline.flags import field_missing_flag
from pipeline.model import Block, Cell, Flag, Span
from pipeline.normalise import squash
from pipeline.vocab import word_list

# Alignment costs of a text row's cells (`align_cells`): a cell's misfit in a column,
# a cell joined to its neighbour's column, a column whose cell vanished.
MISFIT = 4.0
JOIN_COST = 2.0
SLIDE_COST = 2.0
NAME_MISSING_COST = 3.0
# A service name is short and no sentence (对国家和社会作出特殊贡献的老年人集中供养 is 21).
MAX_NAME_CHARS = 30
# Marks of an item a city or county added to the national list.
LOCAL_ADDITION_MARKS = ("*", "※", "★")
# A cell holding more than this many characters is prose, never a unit list.
MAX_UNIT_CELL_CHARS = 80
# A category row (一、物质帮助类) is short; a longer single value is a note.
MAX_CATEGORY_CHARS = 20

_SEQ_ALONE = regex.compile(r"^(?P<star>\*?)\s*(?P<seq>\d{1,3})\s*(?P<star2>\*?)$")
_SEQ_AND_NAME = regex.compile(
    r"""^(?P<star>\*?)\s*(?P<seq>\d{1,3})   # optional local-addition star, then the 序号
        (?:[\s.、]+                          # a space or a list mark, or none (OCR loses
          | (?=\p{Han})                        # the space) before a word ...
            (?![岁周年月日天时分元人名户个项次张倍万亿公米类级批])  # ... not a measure (80周岁)
        )
        (?P<name>\D.*)$                      # the service name""",
    regex.VERBOSE,
)
# A category's look: 一、… / (二)… / 第一类… at its start, or 类 at its end.
_CATEGORY_SHAPE = regex.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|第[一二三四五六七八九十]+类)|类$")
# Columns whose empty cell is worth a flag: field name -> `CatalogueRow` attribute.
PROMISED_COLUMNS = {"content": "content", "service_type": "service_type",
                    "standard": "standard", "funding": "funding", "lead_units": "lead"}
# Funding cells talk about money sources; used to tell 支出责任 from 服务标准.
_FUNDING_WORDS = regex.compile(r"资金|支出|财政|承担|补助|基金|经费|负责")
# Words of a 服务对象: who is served.
_PEOPLE_WORDS = regex.compile(r"老年人|老人|人员|对象|家庭|群体|人口")


def service_types() -> tuple[str, ...]:
    return word_list("service_types")


class CatalogueRow(BaseModel):
    """One catalogue row with its cells assigned to columns; group not yet resolved."""

    block: Block
    label: Cell | None = None  # the 服务对象 cell as printed on this row
    seq: int | None = None
    seq_cell: Cell | None = None  # the cell the 序号 was read from, when it has one of its own
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
    """Assign one text row's cells to columns; None when the row holds no service item.

    The cells are aligned to the header's columns by what each holds (`align_cells`),
    so a merged 服务对象 that printed on one row only, an empty cell that vanished or a
    序号 the header does not name leave the other cells in their columns. With the
    `header` row, an empty cell is flagged under the column's printed name.
    """
    cells = list(block.cells)
    while cells and not cells[-1].text:
        cells.pop()
    if len(cells) < 2:
        return None
    columns = text_columns(fields)
    placed = align_cells([cell.text for cell in cells], columns)
    by_column: dict[int, list[Cell]] = {}
    for cell, column in zip(cells, placed):
        by_column.setdefault(column, []).append(cell)
    values = {columns[index]: _join_cells(group) for index, group in by_column.items()
              if columns[index] is not None}
    printed_seq = [values["seq"]] if values.get("seq") else []
    seq, star, name, seq_cell = _seq_and_name(printed_seq, values.get("name"))
    if name is None:
        return None
    row = CatalogueRow(block=block, seq=seq, seq_cell=seq_cell, name=name,
                       label=values.get("target_group"),
                       local_addition=star or name.text.startswith(LOCAL_ADDITION_MARKS))
    for field, attribute in PROMISED_COLUMNS.items():
        setattr(row, attribute, values.get(field))
    row.flags.extend(_alignment_flags(columns, placed, by_column))
    _flag_empty_columns(row, fields, header)
    return row


def text_columns(fields: list[str | None]) -> list[str | None]:
    """The header's fields, with a 序号 column before the name when the header names
    none: text catalogues often print the number in a column of its own under no
    header word, or under the 服务对象 header's neighbour."""
    if "seq" in fields or "name" not in fields:
        return list(fields)
    at = fields.index("name")
    return [*fields[:at], "seq", *fields[at:]]


def align_cells(texts: list[str], columns: list[str | None]) -> list[int]:
    """The column of each cell, in order: the alignment that fits the cells best.

    Each cell is placed in a column (cost: how little it looks like that column's
    values), or joined to the previous cell's column; a column no cell reaches is
    skipped (cost: how likely its cell vanished). Cheapest first, ties to the
    positional reading. Columns past the last cell are empty cells that were cut.

    >>> align_cells(["2", "百岁补贴", "发放补贴。", "所需资金由县财政承担。", "县民政局"],
    ...             ["target_group", "seq", "name", "content", "standard", "funding",
    ...              "lead_units"])
    [1, 2, 3, 5, 6]
    """
    n, m = len(texts), len(columns)
    # best[i][j]: the cheapest way to place texts[i:] in columns[j:] (cost, column of texts[i])
    best = [[(0.0, -1)] * (m + 1) for _ in range(n + 1)]
    for j in range(m - 1, -1, -1):
        best[n][j] = (best[n][j + 1][0] + (NAME_MISSING_COST if columns[j] == "name" else 0), -1)
    for i in range(n - 1, -1, -1):
        features = _cell_features(texts[i])
        join = 0.0 if not texts[i] else JOIN_COST
        best[i][m] = (best[i + 1][m][0] + join, m - 1) if m else (float("inf"), -1)
        for j in range(m - 1, -1, -1):
            options = [(_fit(columns[j], features) + best[i + 1][j + 1][0], j, "take"),
                       (_skip_cost(columns[j]) + best[i][j + 1][0], j, "skip")]
            if j:
                options.append((join + best[i + 1][j][0], j - 1, "join"))
            cost, column, move = min(options, key=lambda option: option[0])
            best[i][j] = (cost, column if move != "skip" else -2 - j)
    placed: list[int] = []
    i = j = 0
    while i < n:
        if j == m:
            placed.append(m - 1)
            i += 1
            continue
        column = best[i][j][1]
        if column <= -2:  # column j skipped
            j += 1
            continue
        placed.append(column)
        i, j = i + 1, (j + 1 if column == j else j)
    return placed


# What a cell looks like, for `_fit`.
class _Features(NamedTuple):
    empty: bool
    seq: bool  # 3, *3
    seq_and_name: bool  # 3 职工基本医疗保险
    service_type: bool  # 物质帮助
    units: bool  # 市民政局、市卫健委
    funding: bool  # 所需资金由县财政承担
    people: bool  # 80周岁及以上老年人
    short: bool  # a name's length, no sentence


def _cell_features(text: str) -> _Features:
    flat = squash(text)
    pieces = [piece for piece in regex.split(r"[、,，;；\s]+", text.strip()) if piece]
    short = 0 < len(flat) <= MAX_NAME_CHARS and "。" not in flat
    return _Features(
        empty=not flat, seq=bool(_SEQ_ALONE.match(flat)),
        seq_and_name=bool(_SEQ_AND_NAME.match(text.strip())),
        service_type=flat in service_types(),
        units=_looks_like_units(text) and bool(pieces)
        and sum(unit_shaped(piece) for piece in pieces) * 2 >= len(pieces),
        funding=bool(_FUNDING_WORDS.search(flat)), people=bool(_PEOPLE_WORDS.search(flat)),
        short=short)


def _fit(field: str | None, cell: _Features) -> float:
    """How unlike the column's values a cell is: 0 fits, larger fits worse."""
    if cell.empty:
        return {"name": NAME_MISSING_COST, "seq": 0.5}.get(field or "", 0.0)
    if field is None:  # a column the header leaves unnamed holds nothing we read
        return float("inf")
    if field == "seq":
        return 0.0 if cell.seq else MISFIT
    if cell.seq:
        return MISFIT
    if field == "service_type":
        return 0.0 if cell.service_type else 1.5 if cell.short else 3.0
    if cell.service_type:
        return 3.0
    if field == "name":
        return 0.0 if cell.short or cell.seq_and_name else 2.0
    if field == "lead_units":
        return 0.0 if cell.units else 1.0 if cell.short else 3.0
    if cell.units:
        return 2.5
    if field == "target_group":
        return 0.0 if cell.people else 0.5 if cell.short else 1.5
    if field == "standard":
        return 1.0 if cell.funding else 0.0
    if field == "funding":
        return 0.0 if cell.funding else 0.5
    return 0.0


def _skip_cost(field: str | None) -> float:
    """How likely a column's cell is to be missing from a text row."""
    if field is None:
        return 0.0
    if field == "seq":  # a row may print no 序号
        return 0.3
    if field == "target_group":  # a merged 服务对象 prints on its first row only
        return 0.5
    if field == "name":
        return NAME_MISSING_COST
    return SLIDE_COST  # an empty cell that vanished: the later cells slid left


def _alignment_flags(columns: list[str | None], placed: list[int],
                     by_column: dict[int, list[Cell]]) -> list[Flag]:
    """A promised column skipped before the row's last cell slid; extra cells joined."""
    flags = []
    for index, field in enumerate(columns[: placed[-1]]):
        if field in PROMISED_COLUMNS and index not in by_column:
            flags.append(Flag(code="column_slide_repaired", field=field,
                              reason=f"the row has no cell for the {field} column; "
                                     "the cells after it were moved back"))
    for index, group in by_column.items():
        field = columns[index]
        if field in PROMISED_COLUMNS and sum(1 for cell in group if cell.text) > 1:
            flags.append(Flag(code="column_slide_repaired", field=field,
                              reason=f"extra cells were joined into the {field}"))
    return flags


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
    names = columns.get("name", [])
    bare_seqs = [cell for cell in names if _SEQ_ALONE.match(squash(cell.text))]  # under 服务项目
    name = next((cell for cell in names if cell.text and cell not in bare_seqs), None)
    seq, star, name, seq_cell = _seq_and_name(columns.get("seq", []) + bare_seqs, name)
    if name is None:
        return None
    label = _first(columns.get("target_group"))
    row = CatalogueRow(block=block, seq=seq, seq_cell=seq_cell, name=name,
                       local_addition=star or name.text.startswith(LOCAL_ADDITION_MARKS),
                       label=label if label is not None and not label.inherited else None,
                       merged_label=label is not None and label.inherited)
    for field, attribute in PROMISED_COLUMNS.items():
        cell = _joined(columns.get(field))  # a value merged over rows applies to each of them
        if cell is not None:
            setattr(row, attribute, cell)
    _flag_empty_columns(row, fields, header)
    return row


def _seq_and_name(seq_cells: list[Cell], name: Cell | None,
                  ) -> tuple[int | None, bool, Cell | None, Cell | None]:
    """The row's 序号 (from a cell of its own, else from before the name:
    3 职工基本医疗保险), whether it is starred, the name without it, and the 序号's cell."""
    for cell in seq_cells:
        if match := _SEQ_ALONE.match(squash(cell.text)):
            star = bool(match.group("star") or match.group("star2"))
            return int(match.group("seq")), star, name, cell
    if name is not None and (match := _SEQ_AND_NAME.match(name.text)):
        bare = Cell(text=match.group("name").strip(), span=_sub_span(name.span, match.start("name")))
        return int(match.group("seq")), bool(match.group("star")), bare, None
    return None, False, name, None


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
    a category naming none gives ''. A text row, whose spans were lost, must also
    look like a category: a list marker, a 类, or a service type."""
    values = {cell.text.strip() for cell in block.cells if cell.text.strip()}
    if len(values) != 1 or (len(block.cells) > 1 and not all(
            cell.inherited for cell in block.cells[1:] if cell.text.strip())):
        return None
    text = squash(values.pop())
    if _SEQ_ALONE.match(text) or len(text) > MAX_CATEGORY_CHARS:
        return None
    kind = next((kind for kind in service_types() if kind in text), "")
    if not block.grid and not kind and not _CATEGORY_SHAPE.search(text):
        return None
    return kind


def cover_spans(cells: list[Cell]) -> Span:
    return Span(line=cells[0].span.line, end_line=cells[-1].span.end_line,
                start=cells[0].span.start, end=cells[-1].span.end, locator=cells[0].span.locator,
                page=cells[0].span.page, file=cells[0].span.file)


def _sub_span(span: Span, offset: int) -> Span:
    return span.model_copy(update={"start": span.start + offset})


def _join_cells(cells: list[Cell]) -> Cell | None:
    """One cell from several (label fragments, a cell split in two); a merged cell's
    copied value counts as empty."""
    cells = [cell for cell in cells if cell.text and not cell.inherited]
    if len(cells) <= 1:
        return cells[0] if cells else None
    return Cell(text=" ".join(cell.text for cell in cells), span=cover_spans(cells))


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
