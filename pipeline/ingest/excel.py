"""Excel workbooks: .xlsx and .xlsm with openpyxl; .xls and WPS .et through LibreOffice.

Every visible sheet is read in order, row by row. A merged range's value
shows in every cell it covers, marked inherited, as a Word or HTML merge is;
a row that is one merged range across the table (a category such as
一、物质帮助类) keeps one cell. Rows holding a single value outside the
table (the sheet's title above it, notes below it, a notes sheet) are
paragraphs. Values print as the sheet shows them: 5, not 5.0; dates as
2024-06-04. Locators are Excel's own (`清单!B5`), shown on the review page.
"""
from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.errors import ExtractionError
from pipeline.ingest.layout import Item, Paragraph, SourceCell, SourceRow, Where, lay_out
from pipeline.ingest.office import SETTINGS, convert_office
from pipeline.model import SourceDocument

# What openpyxl raises on a package that is not a readable workbook.
CORRUPT_WORKBOOK = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError,
                    EOFError, OSError)
# Cells of the used range of one sheet: a catalogue of 500 rows and 20 columns is 10,000.
MAX_SHEET_CELLS = 1_000_000
# Name endings LibreOffice is given for an old workbook it converts; others become .xls.
OLD_WORKBOOK_SUFFIXES = (".xls", ".et", ".ett", ".xlt")


def read_xlsx(path: Path, data: bytes) -> SourceDocument:
    """Read a .xlsx or .xlsm workbook; raises `ExtractionError` E011_corrupt when it cannot."""
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except CORRUPT_WORKBOOK as exc:
        raise ExtractionError("E011_corrupt", f"not a readable workbook ({type(exc).__name__}: "
                                              f"{exc})") from exc
    items: list[Item] = []
    for sheet in workbook.worksheets:
        if sheet.sheet_state == "visible":
            items += sheet_to_items(sheet)
    text, blocks = lay_out(items)
    return SourceDocument(path=str(path), sha256="", format="xlsx", encoding=None, text=text,
                          blocks=blocks)


def read_xls(path: Path, data: bytes) -> SourceDocument:
    """Read an Excel 97-2003 or WPS workbook, converted to .xlsx by LibreOffice."""
    suffix = path.suffix.lower() if path.suffix.lower() in OLD_WORKBOOK_SUFFIXES else ".xls"
    document = read_xlsx(path, convert_office(data, suffix, "xlsx", SETTINGS))
    document.format = "xls"
    return document


def sheet_to_items(sheet: Worksheet) -> list[Item]:
    """The sheet's rows: table rows with their cells, single values as paragraphs.

    A single value inside the table that a merged range spreads across it is a
    row of one cell (a category); above or below the table, a paragraph.
    """
    grid = [row for row in _grid(sheet)]
    values = [len({cell.where.locator for cell in row if cell.text}) for row in grid]
    table = [index for index, count in enumerate(values) if count >= 2]
    width = max((len(grid[index]) for index in table), default=0)
    items: list[Item] = []
    for index, row in enumerate(grid, start=0):
        filled = [cell for cell in row if cell.text]
        if not filled:
            continue
        if values[index] >= 2:
            items.append(SourceRow(cells=row, where=_row_where(sheet, index + 1)))
        elif table and table[0] < index < table[-1] and len(filled) == width:
            items.append(SourceRow(cells=filled[:1], where=_row_where(sheet, index + 1)))
        else:
            items.append(Paragraph(text=filled[0].text, where=filled[0].where))
    return items


def used_extent(sheet: Worksheet) -> tuple[int, int]:
    """The last row and column holding a value. A sheet's own dimensions also count cells
    that are only formatted, or one stray cell at XFD1048576: 17 billion positions."""
    used = [key for key, cell in sheet._cells.items() if cell.value not in (None, "")]
    return max((row for row, _ in used), default=0), max((column for _, column in used), default=0)


def _grid(sheet: Worksheet) -> list[list[SourceCell]]:
    """Every row's cells up to the last used column, merged ranges filled in."""
    last_row, last_column = used_extent(sheet)
    if last_row * last_column > MAX_SHEET_CELLS:
        raise ExtractionError("E014_too_large", (
            f"sheet {sheet.title} spreads its values over {last_row} rows and {last_column} "
            f"columns, more than the limit of {MAX_SHEET_CELLS} cells"))
    if not last_row:
        return []
    origin: dict[tuple[int, int], tuple[int, int]] = {}
    for merged in sheet.merged_cells.ranges:  # cut to the used cells: A1:XFD1048576 merged
        for row in range(merged.min_row, min(merged.max_row, last_row) + 1):
            for column in range(merged.min_col, min(merged.max_col, last_column) + 1):
                origin[(row, column)] = (merged.min_row, merged.min_col)
    grid: list[list[SourceCell]] = []
    for row in sheet.iter_rows(min_row=1, min_col=1, max_row=last_row, max_col=last_column):
        cells = []
        for cell in row:
            start = origin.get((cell.row, cell.column), (cell.row, cell.column))
            value = sheet.cell(*start).value
            cells.append(SourceCell(text=value_text(value), inherited=start != (cell.row, cell.column),
                                    where=Where(locator=_locator(sheet, *start))))
        while cells and not cells[-1].text:
            cells.pop()
        grid.append(cells)
    return grid


def value_text(value: object) -> str:
    """A cell's value as the sheet shows it.

    >>> value_text(5.0), value_text(0.2), value_text(datetime.datetime(2024, 6, 4)), value_text(None)
    ('5', '0.2', '2024-06-04', '')
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    return str(value).strip()


def _locator(sheet: Worksheet, row: int, column: int) -> str:
    return f"{sheet.title}!{get_column_letter(column)}{row}"


def _row_where(sheet: Worksheet, row: int) -> Where:
    return Where(locator=f"{sheet.title}!{row}:{row}")
