"""Word .docx notices: paragraphs and table rows in document order, for `lay_out`.

python-docx opens the package; the body is then walked at the XML level
(`docx_xml`) so that content controls, text boxes and tracked insertions are
read where they stand. Word's automatic numbering is printed back in front of
the paragraphs it numbers (`docx_numbering`), merged table cells are resolved
once from the grid (`docx_tables`), and footnotes and endnotes follow the body.

Locators are 1-based: `p[12]` is the body's 12th paragraph, `tbl[2]/tr[3]/tc[1]`
the first grid column of a table's third row; a nested table, a text box or a
note extends its container's locator (`p[4]/txbx[1]/p[2]`, `footnote[1]/p[1]`).
"""
from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from lxml import etree

from pipeline.errors import ExtractionError
from pipeline.ingest.word.numbering import ListCounter, numbering_definitions
from pipeline.ingest.word.tables import table_to_grid
from pipeline.ingest.word.ooxml import W_P, W_TBL, iter_blocks, paragraph_text
from pipeline.ingest.layout import (CellContent, Item, Paragraph, SourceCell, SourceRow, Where,
                                    captions_to_paragraphs, han_count, is_layout_grid, lay_out)
from pipeline.markers import parse_marker
from pipeline.model import NoticeWarning, SourceDocument
from pipeline.normalise import fold_width

# What python-docx and the zip reader raise on a package that is not a readable .docx.
CORRUPT_PACKAGE = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError,
                   PackageNotFoundError, etree.XMLSyntaxError)
# Note parts read after the body: relationship, and the name of their notes (w:footnote).
NOTE_PARTS = ((RT.FOOTNOTES, "footnote"), (RT.ENDNOTES, "endnote"))
# Notes of these types are Word's separator lines, not text.
SEPARATOR_NOTES = {"separator", "continuationSeparator", "continuationNotice"}


@dataclass
class _Walk:
    """What reading one document carries from paragraph to paragraph."""

    counter: ListCounter
    warnings: list[NoticeWarning] = field(default_factory=list)


def read_docx(path: Path, data: bytes) -> SourceDocument:
    """Read a .docx notice; raises `ExtractionError` E011_corrupt when it cannot."""
    document = open_docx(data)
    numbering = numbering_definitions(_part_root(document, RT.NUMBERING),
                                      _part_root(document, RT.STYLES))
    walk = _Walk(counter=ListCounter(numbering))
    items = container_to_items(document_body(document), "", walk)
    items += notes_to_items(document, walk)
    text, blocks = lay_out(items)
    return SourceDocument(path=str(path), sha256="", format="docx", encoding=None, text=text,
                          blocks=blocks, warnings=walk.warnings)


def open_docx(data: bytes) -> Document:
    try:
        return docx.Document(io.BytesIO(data))
    except CORRUPT_PACKAGE as exc:
        raise ExtractionError("E011_corrupt", f"not a readable .docx ({_describe(exc)})") from exc


def document_body(document: Document) -> etree._Element:
    """The w:body of the main part; E011 when the part is no w:document or has no body."""
    root = document.element
    if root.tag != qn("w:document"):
        raise ExtractionError("E011_corrupt", f"the main part's root is <{etree.QName(root).localname}>, "
                                              "not <w:document>")
    body = root.find(qn("w:body"))
    if body is None:
        raise ExtractionError("E011_corrupt", "the main part has no <w:body>")
    return body


def _describe(exc: Exception) -> str:
    if isinstance(exc, KeyError):  # the zip lacks a part the package names
        return str(exc.args[0]) if exc.args else "a part is missing"
    return f"{type(exc).__name__}: {exc}"


def container_to_items(container: etree._Element, prefix: str, walk: _Walk) -> list[Item]:
    """Items of a body, cell, text box or note; `prefix` is the container's locator."""
    items: list[Item] = []
    paragraphs = tables = 0
    for block in iter_blocks(container):
        if block.tag == W_P:
            paragraphs += 1
            items += paragraph_to_items(block, f"{prefix}p[{paragraphs}]", walk)
        else:
            tables += 1
            items += table_to_items(block, f"{prefix}tbl[{tables}]", walk)
    return items


def paragraph_to_items(p: etree._Element, locator: str, walk: _Walk) -> list[Item]:
    """The paragraph with its list marker, then the text boxes anchored in it."""
    text, boxes = paragraph_text(p)
    where = Where(locator=locator)
    items: list[Item] = [Paragraph(text=line, where=where)
                         for line in split_before_headings(walk.counter.marker(p) + text)]
    for number, box in enumerate(boxes, start=1):
        items += container_to_items(box, f"{locator}/txbx[{number}]/", walk)
    return items


def split_before_headings(text: str) -> list[str]:
    """Lines of a paragraph: a heading after a manual line break starts its own line,
    as later stages expect; other breaks stay and the layout joins them with a space.

    >>> split_before_headings("一、总体要求\\n(一)指导思想\\n坚持党的领导")
    ['一、总体要求', '(一)指导思想\\n坚持党的领导']
    """
    lines: list[str] = []
    for line in text.split("\n"):
        if lines and parse_marker(fold_width(line.strip())) is None:
            lines[-1] += "\n" + line
        else:
            lines.append(line)
    return lines


def table_to_items(tbl: etree._Element, locator: str, walk: _Walk) -> list[Item]:
    """One row per table row, one cell per grid column; a title or notes row across the
    table's top or end is a paragraph.

    A table that lays out a page (a web page saved as Word wraps its article in
    one, and a table inside a cell makes one) is read cell by cell as paragraphs.
    """
    grid = table_to_grid(tbl)
    if is_layout_grid([[_content(slot.origin) for slot in slots if not slot.covered]
                       for slots in grid]):
        return _layout_cells_to_items(grid, locator, walk)
    rows: list[SourceRow] = []
    texts: dict[etree._Element | None, str] = {None: ""}
    for row_number, slots in enumerate(grid, start=1):
        cells = []
        for slot in slots:
            cell_locator = f"{locator}/tr[{slot.row}]/tc[{slot.column}]"
            if slot.origin not in texts:
                texts[slot.origin] = cell_to_text(slot.origin, cell_locator, walk)
            cells.append(SourceCell(text=texts[slot.origin], inherited=slot.covered,
                                    where=Where(locator=cell_locator)))
        rows.append(SourceRow(cells=cells, where=Where(locator=f"{locator}/tr[{row_number}]")))
    return captions_to_paragraphs(rows)


def _content(tc: etree._Element | None) -> CellContent:
    if tc is None:
        return CellContent(han=0, holds_page=False)
    return CellContent(han=han_count("".join(tc.itertext())),
                       holds_page=any(True for _ in tc.iter(W_TBL)))


def _layout_cells_to_items(grid, locator: str, walk: _Walk) -> list[Item]:
    items: list[Item] = []
    for slots in grid:
        for slot in slots:
            if slot.origin is not None and not slot.covered:
                cell_locator = f"{locator}/tr[{slot.row}]/tc[{slot.column}]/"
                items += container_to_items(slot.origin, cell_locator, walk)
    return items


def cell_to_text(tc: etree._Element, locator: str, walk: _Walk) -> str:
    """A data cell's paragraphs joined with a space (a data cell holds no table)."""
    items = container_to_items(tc, f"{locator}/", walk)
    texts = [item.text.strip() for item in items if isinstance(item, Paragraph)]
    return " ".join(text for text in texts if text)


def notes_to_items(document: Document, walk: _Walk) -> list[Item]:
    """Footnotes, then endnotes, as paragraphs after the body."""
    items: list[Item] = []
    for relationship, name in NOTE_PARTS:
        try:
            root = _part_root(document, relationship)
        except etree.XMLSyntaxError as exc:
            walk.warnings.append(NoticeWarning(code="notes_unreadable",
                                               message=f"the {name}s could not be read: {exc}"))
            continue
        for note in root.iterfind(qn(f"w:{name}")) if root is not None else ():
            if note.get(qn("w:type")) not in SEPARATOR_NOTES:
                items += container_to_items(note, f"{name}[{note.get(qn('w:id'))}]/", walk)
    return items


def _part_root(document: Document, relationship: str) -> etree._Element | None:
    """The root element of the document's part related by `relationship`, if it has one."""
    try:
        part = document.part.part_related_by(relationship)
    except (KeyError, ValueError):  # no such part, or one outside the package (TargetMode="External")
        return None
    element = getattr(part, "element", None)
    return element if element is not None else parse_xml(part.blob)
