"""A notice layout to a Word document (python-docx), byte-for-byte reproducible.

Paragraphs keep their printed markers, except items of a notice chosen for
Word numbering: those get a `chineseCounting` list ("（%1）") from
numbering.xml. Tables are real Word tables: 服务对象 cells merged down a
group (w:vMerge), header cells over two columns and the 职责分工表's group
rows merged across (w:gridSpan), the header row repeated on every page
(w:tblHeader), borders from the built-in "Table Grid" style.
"""
from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone

import regex
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph

from samples_grids import (LANDSCAPE_MARGINS_CM, PAGE_CM, PORTRAIT_MARGINS_CM, Grid, GridCell,
                           place_cells)
from samples_layout import MAX_HEADING_CHARS, NoticeLayout, Para, Role

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
BODY_PT = 12
TABLE_PT = 10
TITLE_PT = 16
RED = RGBColor(0xC0, 0x00, 0x00)
# Zip entries carry this timestamp so that the same input gives the same bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
AUTHOR = "eldercare-notices scripts/make_samples.py"
# Columns whose cells are centred (short values); the rest are left-aligned.
CENTRED_FIELDS = {"target_group", "seq", "service_type", "lead_units", "responsible_units"}
# A paragraph's first line is indented by two characters, as in printed notices.
INDENT_CHARS = 2
TWIPS_PER_PT = 20


def layout_to_docx(layout: NoticeLayout) -> bytes:
    document = Document()
    _set_up_page(document.sections[0], landscape=False)
    _set_up_styles(document)
    _set_properties(document, layout)
    lists = _ListMaker(document)
    for item in layout.items:
        if isinstance(item, Grid):
            grid_to_table(document, item)
        else:
            _add_paragraph(document, item, lists)
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue())


# --- document set-up -----------------------------------------------------------------


def _set_up_page(section, landscape: bool) -> None:
    width, height = PAGE_CM[::-1] if landscape else PAGE_CM
    margins = LANDSCAPE_MARGINS_CM if landscape else PORTRAIT_MARGINS_CM
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(width), Cm(height)
    section.top_margin, section.bottom_margin = Cm(margins["top"]), Cm(margins["bottom"])
    section.left_margin, section.right_margin = Cm(margins["left"]), Cm(margins["right"])


def _set_up_styles(document: Document) -> None:
    """Serif CJK body at 12 pt, 1.25 lines, no space after; theme fonts off the defaults."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    default_fonts = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    for attribute in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme"):
        default_fonts.attrib.pop(qn(attribute), None)
    _set_fonts(default_fonts, SERIF)
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "300")  # 1.25 lines
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element.get_or_add_rPr().get_or_add_rFonts(), SERIF)


def _set_fonts(r_fonts, family: str) -> None:
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        r_fonts.set(qn(attribute), family)


def _set_properties(document: Document, layout: NoticeLayout) -> None:
    """Fixed core properties: the notice's own date, or a fixed one, never 'now'."""
    when = datetime.fromisoformat(layout.stamp_date).replace(hour=9, tzinfo=timezone.utc)
    properties = document.core_properties
    properties.title = layout.title
    properties.author = properties.last_modified_by = AUTHOR
    properties.created = properties.modified = properties.last_printed = when
    properties.revision = 1
    properties.comments = f"Sample made from samples/txt/{layout.stem}.txt"


# --- paragraphs -----------------------------------------------------------------------


def _add_paragraph(document: Document, para: Para, lists: _ListMaker) -> Paragraph:
    turned = para.role is Role.attachment and _turn_pages(document, para.landscape)
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    role = para.role
    if role in (Role.title, Role.red_header, Role.caption):
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif role is Role.signature:
        fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif role is not Role.attachment:
        fmt.first_line_indent = Pt(BODY_PT * INDENT_CHARS)
    if role is Role.attachment and not turned:
        fmt.page_break_before = True
    if para.list_instance is not None:
        lists.number(paragraph, para.list_instance)
    run = paragraph.add_run(para.text)  # an auto-numbered item's marker is Word's to print
    _style_run(run, role, short=len(para.text) <= MAX_HEADING_CHARS)
    return paragraph


def _turn_pages(document: Document, landscape: bool) -> bool:
    """Start a new section when an attachment's pages turn; False when they do not."""
    if (document.sections[-1].orientation is WD_ORIENT.LANDSCAPE) == landscape:
        return False
    _set_up_page(document.add_section(WD_SECTION.NEW_PAGE), landscape)
    return True


def _style_run(run, role: Role, short: bool) -> None:
    if role in (Role.title, Role.red_header):
        run.font.size = Pt(TITLE_PT if role is Role.title else TITLE_PT + 4)
    if role in (Role.title, Role.red_header, Role.caption, Role.heading, Role.attachment) \
            or (role is Role.item and short):
        run.bold = True
        _set_fonts(run._element.get_or_add_rPr().get_or_add_rFonts(), SANS)
    if role is Role.red_header:
        run.font.color.rgb = RED


class _ListMaker:
    """Word numbering for (一) items: one abstract list, one w:num per list instance.

    Instances after the first restart at (一) through a startOverride, as a
    notice does that numbers its items afresh under each 一、 part.
    """

    def __init__(self, document: Document):
        self._numbering = document.part.numbering_part.element
        self._abstract_id: int | None = None
        self._num_ids: dict[int, int] = {}

    def number(self, paragraph: Paragraph, instance: int) -> None:
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = self._num_id(instance)

    def _num_id(self, instance: int) -> int:
        if instance not in self._num_ids:
            num = self._numbering.add_num(self._abstract())
            if self._num_ids:  # a later instance starts again at (一)
                num.add_lvlOverride(ilvl=0).add_startOverride(1)
            self._num_ids[instance] = num.numId
        return self._num_ids[instance]

    def _abstract(self) -> int:
        if self._abstract_id is None:
            existing = [int(node.get(qn("w:abstractNumId")))
                        for node in self._numbering.findall(qn("w:abstractNum"))]
            self._abstract_id = max(existing, default=-1) + 1
            indent = BODY_PT * INDENT_CHARS * TWIPS_PER_PT
            abstract = parse_xml(_CHINESE_COUNTING.format(ns=nsdecls("w"), id=self._abstract_id,
                                                          indent=indent))
            first_num = self._numbering.find(qn("w:num"))
            if first_num is not None:  # every w:abstractNum precedes every w:num
                first_num.addprevious(abstract)
            else:
                self._numbering.append(abstract)
        return self._abstract_id


_CHINESE_COUNTING = """<w:abstractNum {ns} w:abstractNumId="{id}">
  <w:multiLevelType w:val="singleLevel"/>
  <w:lvl w:ilvl="0">
    <w:start w:val="1"/>
    <w:numFmt w:val="chineseCounting"/>
    <w:suff w:val="nothing"/>
    <w:lvlText w:val="（%1）"/>
    <w:lvlJc w:val="left"/>
    <w:pPr><w:ind w:left="0" w:firstLine="{indent}"/></w:pPr>
  </w:lvl>
</w:abstractNum>"""


# --- tables ---------------------------------------------------------------------------


def grid_to_table(document: Document, grid: Grid) -> WordTable:
    """Fill every cell first, then merge: python-docx moves text of merged cells."""
    positions = [grid.header, *grid.rows]
    table = document.add_table(rows=len(positions), cols=len(grid.widths_cm))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout fixed: the widths below hold
    for column, width in zip(table.columns, grid.widths_cm):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, grid.widths_cm):
            cell.width = Cm(width)
    for index, (row, cells) in enumerate(zip(table.rows, positions)):  # header rows repeat
        if index == 0 or all(cell.field == "header" for cell in cells):
            _repeat_as_header(row)
        else:
            break
    merges = []
    for (row_index, column_index), cell in place_cells(positions):
        word_cell = table.cell(row_index, column_index)
        _fill(word_cell, cell, header=row_index == 0)
        if cell.row_span > 1 or cell.col_span > 1:
            merges.append((word_cell, table.cell(row_index + cell.row_span - 1,
                                                 column_index + cell.col_span - 1)))
    for origin, corner in merges:
        origin.merge(corner)
    for tc in table._tbl.iter_tcs():  # the cells a merge continues too, for LibreOffice
        tc.get_or_add_tcPr().vAlign_val = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    document.add_paragraph()  # Word needs a paragraph between a table and what follows
    return table


def _fill(word_cell, cell: GridCell, header: bool) -> None:
    centred = header or cell.field in CENTRED_FIELDS
    for index, line in enumerate(cell.lines):
        paragraph = word_cell.paragraphs[0] if index == 0 else word_cell.add_paragraph()
        paragraph.paragraph_format.alignment = (WD_ALIGN_PARAGRAPH.CENTER if centred
                                                else WD_ALIGN_PARAGRAPH.LEFT)
        paragraph.paragraph_format.line_spacing = 1.0
        run = paragraph.add_run(line)
        run.font.size = Pt(TABLE_PT)
        if header or cell.field == "group":
            run.bold = True
            _set_fonts(run._element.get_or_add_rPr().get_or_add_rFonts(), SANS)


def _repeat_as_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def reproducible_zip(data: bytes, modified: datetime | None = None) -> bytes:
    """The same OOXML package with fixed entry timestamps (python-docx stamps the
    current time) and, given `modified`, that modified time (openpyxl stamps its own)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            content = source.read(info.filename)
            if modified is not None and info.filename == "docProps/core.xml":
                stamp = modified.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                content = regex.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, content)
            target.writestr(entry, content)
    return buffer.getvalue()
