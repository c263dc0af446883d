"""A Word table's grid: which `w:tc` fills each grid position, merges resolved once.

python-docx hands back the same cell object for every position a merged cell
covers, so the grid is built from the `w:tc` elements: `w:gridSpan` widens a
cell over columns, `w:vMerge="restart"` starts a vertical merge that each bare
`w:vMerge` below continues (and the legacy `w:hMerge` does the same across).
Each position names the cell whose text it shows, and whether it only covers it.
"""
from __future__ import annotations

from dataclasses import dataclass

from docx.oxml.ns import qn
from lxml import etree

from pipeline.ingest.word.ooxml import W_TC, W_TR, iter_tagged, val


# Word tables hold at most 63 columns; a table whose w:tblGrid declares more may use them.
WORD_MAX_COLUMNS = 63


@dataclass(frozen=True)
class Slot:
    """One grid position: 1-based row and column, and the `w:tc` whose text it shows
    (None for the empty positions a row skips with `w:gridBefore`)."""

    row: int
    column: int
    origin: etree._Element | None
    covered: bool  # a merged cell's position other than the one where the merge starts


def table_to_grid(tbl: etree._Element) -> list[list[Slot]]:
    """One list of slots per row, one slot per grid column the row fills."""
    grid: list[list[Slot]] = []
    above: dict[int, etree._Element] = {}  # grid column -> the cell a vertical merge started in
    width = table_width(tbl)
    for row_number, tr in enumerate(iter_tagged(tbl, W_TR), start=1):
        grid.append(_row_slots(tr, row_number, above, width))
    return grid


def table_width(tbl: etree._Element) -> int:
    """The most grid columns a row may fill: the table's `w:tblGrid`, or Word's own limit.

    A `w:gridSpan` or `w:gridBefore` past it is damage (Word writes neither), and is cut
    down to it rather than laid out over a hundred million columns.
    """
    declared = len(tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}"))
    return max(declared, WORD_MAX_COLUMNS)


def _row_slots(tr: etree._Element, row: int, above: dict[int, etree._Element],
               width: int) -> list[Slot]:
    skipped = min(_count(val(tr.find(qn("w:trPr")), "w:gridBefore"), minimum=0), width)
    slots = []
    for column in range(1, skipped + 1):
        slots.append(Slot(row=row, column=column, origin=None, covered=False))
        above.pop(column, None)
    column = skipped + 1
    left: etree._Element | None = None
    for tc in iter_tagged(tr, W_TC):
        origin, covered = _origin(tc, column, above, left)
        span = min(_count(_tc_property(tc, "w:gridSpan"), minimum=1), max(width - column + 1, 1))
        for offset in range(span):
            slots.append(Slot(row=row, column=column + offset, origin=origin,
                              covered=covered or offset > 0))
            _remember(tc, column + offset, origin, above)
        column += span
        left = origin
    return slots


def _origin(tc: etree._Element, column: int, above: dict[int, etree._Element],
            left: etree._Element | None) -> tuple[etree._Element, bool]:
    """The cell whose text this `w:tc` shows, and whether it is a continuation."""
    if _continues(tc, "w:vMerge") and column in above:
        return above[column], True
    if _continues(tc, "w:hMerge") and left is not None:
        return left, True
    return tc, False


def _remember(tc: etree._Element, column: int, origin: etree._Element,
              above: dict[int, etree._Element]) -> None:
    if _has(tc, "w:vMerge"):
        above[column] = origin
    else:
        above.pop(column, None)


def _continues(tc: etree._Element, merge: str) -> bool:
    """A bare merge element (or val="continue") continues the merge; "restart" starts one."""
    return _has(tc, merge) and _tc_property(tc, merge) in (None, "continue")


def _has(tc: etree._Element, tag: str) -> bool:
    tc_pr = tc.find(qn("w:tcPr"))
    return tc_pr is not None and tc_pr.find(qn(tag)) is not None


def _tc_property(tc: etree._Element, tag: str) -> str | None:
    return val(tc.find(qn("w:tcPr")), tag)


def _count(text: str | None, minimum: int) -> int:
    """A span or skip count; missing or nonsense values count as the minimum."""
    try:
        return max(int(text), minimum) if text is not None else minimum
    except ValueError:
        return minimum
