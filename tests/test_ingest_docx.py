"""Reading Word .docx notices: order, merged cells, Word's numbering, text boxes, notes, bad files.

Fixtures are built here from short descriptions (python-docx plus a little raw
XML): a paragraph is a string, "[1.2]text" is numbered by Word (numId 1,
level 2) with no marker in its text, a table is a list of "a | b | c" rows in
which "^" continues the cell above (w:vMerge) and "<" the cell to the left
(w:gridSpan), and a string starting with "<" is a raw body element.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
import regex
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml

from pipeline.assemble import extract_notice
from pipeline.errors import ExtractionError
from pipeline.ingest import read_document
from pipeline.ingest.word.docx import read_docx
from pipeline.ingest.word.numfmt import format_number
from pipeline.model import BlockKind

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "docx"
NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "v": "urn:schemas-microsoft-com:vml",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}
DECLS = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
_NUMBERED = regex.compile(r"^\[(?P<num>\d+)\.(?P<ilvl>\d)\](?P<text>.*)$")

# --- building .docx files from descriptions -------------------------------------------


def build(*blocks, numbering: str | None = None, footnotes: str | None = None) -> bytes:
    document = docx.Document()
    if numbering is not None:
        _replace_numbering(document, numbering)
    if footnotes is not None:
        _add_part(document, "/word/footnotes.xml", CT.WML_FOOTNOTES, RT.FOOTNOTES,
                  f'<w:footnotes {DECLS}>{footnotes}</w:footnotes>')
    for block in blocks:
        if isinstance(block, list):
            add_table(document, block)
        elif block.startswith("<"):
            document.element.body.insert_element_before(element(block), "w:sectPr")
        else:
            add_paragraph(document, block)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def element(fragment: str):
    """A raw element; the namespaces above are declared on it."""
    return parse_xml(regex.sub(r"^<([\w:]+)", rf"<\1 {DECLS}", fragment, count=1))


def add_paragraph(document, description: str) -> None:
    numbered = _NUMBERED.match(description)
    if numbered is None:
        document.add_paragraph(description)
        return
    paragraph = document.add_paragraph(numbered["text"])
    paragraph._p.get_or_add_pPr().append(element(
        f'<w:numPr><w:ilvl w:val="{numbered["ilvl"]}"/>'
        f'<w:numId w:val="{numbered["num"]}"/></w:numPr>'))


def add_table(document, rows: list[str]) -> None:
    grid = [[cell.strip() for cell in row.split("|")] for row in rows]
    table = document.add_table(rows=len(grid), cols=len(grid[0]))
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if text not in ("^", "<"):
                add_paragraph_to_cell(table.cell(r, c), text)
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if text == "<":
                table.cell(r, c - 1).merge(table.cell(r, c))
            elif text == "^":
                table.cell(r - 1, c).merge(table.cell(r, c))


def add_paragraph_to_cell(cell, text: str) -> None:
    """A cell's text; "//" separates its paragraphs."""
    first, *more = text.split("//")
    cell.text = first
    for line in more:
        cell.add_paragraph(line)


def numbering_xml(*levels: str, restarted: tuple[str, ...] = ()) -> str:
    """One abstract list (levels "fmt %1、" or "fmt %1、 restart=0"), as numId 1; each
    extra numId in `restarted` uses the same list and restarts level 0."""
    lvls = "".join(_lvl(ilvl, *level.split()) for ilvl, level in enumerate(levels))
    nums = "".join(
        f'<w:num w:numId="{num}"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0">'
        f'<w:startOverride w:val="1"/></w:lvlOverride></w:num>' for num in restarted)
    return (f'<w:abstractNum w:abstractNumId="1">{lvls}</w:abstractNum>'
            f'<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>{nums}')


def _lvl(ilvl: int, fmt: str, text: str, *options: str) -> str:
    extra = "".join(f'<w:lvlRestart w:val="{option.split("=")[1]}"/>' for option in options
                    if option.startswith("restart="))
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{extra}'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>')


def _replace_numbering(document, definitions: str) -> None:
    root = document.part.numbering_part.element
    for child in list(root):
        root.remove(child)
    for child in parse_xml(f"<w:numbering {DECLS}>{definitions}</w:numbering>"):
        root.append(child)


def _add_part(document, name: str, content_type: str, relationship: str, xml: str) -> None:
    part = Part(PackURI(name), content_type, xml.encode(), document.part.package)
    document.part.relate_to(part, relationship)


def read(data: bytes):
    return read_docx(Path("notice.docx"), data)


def lines(data: bytes) -> list[str]:
    return [block.text for block in read(data).blocks]


def row_cells(block) -> list[tuple[str, bool]]:
    return [(cell.text, cell.inherited) for cell in block.cells]


# --- order and tables -------------------------------------------------------------------


def test_paragraphs_and_tables_come_in_document_order():
    document = read(build("一、总体要求", ["服务对象 | 服务项目", "老年人 | 助餐"], "二、重点任务"))
    assert [block.kind for block in document.blocks] == [
        BlockKind.paragraph, BlockKind.table_row, BlockKind.table_row, BlockKind.paragraph]
    assert document.text == "一、总体要求\n服务对象\t服务项目\n老年人\t助餐\n二、重点任务\n"
    assert [block.span.locator for block in document.blocks] == [
        "p[1]", "tbl[1]/tr[1]", "tbl[1]/tr[2]", "p[2]"]
    assert document.blocks[2].cells[1].span.locator == "tbl[1]/tr[2]/tc[2]"
    assert (document.format, document.encoding) == ("docx", None)


MERGED = ["服务对象 | 服务项目 | < | 牵头部门",
          "80周岁及以上老年人 | 1 | 高龄津贴 | 市民政局",
          "^ | 2 | 百岁补贴 | 市民政局",
          "^ | 3 | 健康管理 | 市卫生健康委"]


def test_merged_cells_fill_every_grid_position_and_covered_ones_are_inherited():
    header, first, second, third = read(build(MERGED)).blocks
    assert row_cells(header) == [("服务对象", False), ("服务项目", False), ("服务项目", True),
                                 ("牵头部门", False)]
    assert row_cells(first)[0] == ("80周岁及以上老年人", False)
    assert row_cells(second) == [("80周岁及以上老年人", True), ("2", False), ("百岁补贴", False),
                                 ("市民政局", False)]
    assert row_cells(third)[0] == ("80周岁及以上老年人", True)
    assert [cell.span.locator for cell in header.cells][1:3] == [
        "tbl[1]/tr[1]/tc[2]", "tbl[1]/tr[1]/tc[3]"]
    assert third.cells[3].span.locator == "tbl[1]/tr[4]/tc[4]"


def test_a_merge_ends_where_the_next_cell_restarts():
    blocks = read(build(["A | x", "^ | y", "B | z", "^ | w"])).blocks
    assert [row_cells(block)[0] for block in blocks] == [
        ("A", False), ("A", True), ("B", False), ("B", True)]


def tc(text: str, properties: str = "") -> str:
    return f"<w:tc><w:tcPr>{properties}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def test_a_row_that_skips_grid_columns_keeps_its_cells_in_their_columns():
    table = (f'<w:tbl><w:tr>{tc("甲")}{tc("乙")}{tc("丙")}</w:tr>'
             f'<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>{tc("丁")}{tc("戊")}</w:tr></w:tbl>')
    second = read(build(table)).blocks[1]
    assert row_cells(second) == [("", False), ("丁", False), ("戊", False)]
    assert second.cells[1].span.locator == "tbl[1]/tr[2]/tc[2]"


def test_a_legacy_horizontal_merge_is_resolved_too():
    row = tc("服务项目", '<w:hMerge w:val="restart"/>') + tc("", "<w:hMerge/>") + tc("牵头部门")
    block = read(build(f"<w:tbl><w:tr>{row}</w:tr></w:tbl>")).blocks[0]
    assert row_cells(block) == [("服务项目", False), ("服务项目", True), ("牵头部门", False)]


def test_a_cells_paragraphs_are_joined_with_a_space():
    block = read(build(["为老年人提供助餐。//每人每月100元。 | 市民政局"])).blocks[0]
    assert block.cells[0].text == "为老年人提供助餐。 每人每月100元。"


def test_a_table_holding_a_table_lays_out_the_page_and_the_inner_one_holds_the_data():
    data = build(["外层 | 说明"])
    document = docx.Document(io.BytesIO(data))
    inner = document.tables[0].cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "内层甲", "内层乙"
    out = io.BytesIO()
    document.save(out)
    outer_first, outer_second, nested = read(out.getvalue()).blocks
    assert (outer_first.kind, outer_first.text) == (BlockKind.paragraph, "外层")
    assert (outer_second.kind, outer_second.text) == (BlockKind.paragraph, "说明")
    assert [cell.text for cell in nested.cells] == ["内层甲", "内层乙"]
    assert nested.cells[0].span.locator == "tbl[1]/tr[1]/tc[2]/tbl[1]/tr[1]/tc[1]"


def test_a_web_page_saved_as_word_reads_its_wrapping_table_as_paragraphs():
    """A one-cell table around the whole article, as LibreOffice makes of a web page."""
    document = docx.Document()
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.text = "一、重点任务"
    cell.add_paragraph("(一)统筹建设监管工作平台。")
    cell.add_paragraph("各省(区、市)人民政府要建设平台。(责任单位:市民政局)")
    out = io.BytesIO()
    document.save(out)
    blocks = read(out.getvalue()).blocks
    assert [(block.kind, block.text) for block in blocks] == [
        (BlockKind.paragraph, "一、重点任务"), (BlockKind.paragraph, "(一)统筹建设监管工作平台。"),
        (BlockKind.paragraph, "各省(区、市)人民政府要建设平台。(责任单位:市民政局)")]
    assert blocks[1].span.locator == "tbl[1]/tr[1]/tc[1]/p[2]"


# --- Word's automatic numbering -----------------------------------------------------------

OUTLINE = numbering_xml("chineseCounting %1、", "chineseCounting （%2）", "decimal %3.",
                        restarted=("2",))


def test_word_numbering_prints_its_markers_and_deeper_levels_restart():
    data = build("[1.0]总体要求", "[1.1]指导思想", "[1.2]坚持党的领导", "[1.2]坚持以人为本",
                 "[1.1]工作原则", "[1.2]保障基础", "[1.0]重点任务", "[1.1]健全制度",
                 "[1.1]完善网络", "[1.1]强化保障", numbering=OUTLINE)
    assert lines(data) == [
        "一、总体要求", "(一)指导思想", "1.坚持党的领导", "2.坚持以人为本", "(二)工作原则",
        "1.保障基础", "二、重点任务", "(一)健全制度", "(二)完善网络", "(三)强化保障"]
    assert read(data).text.splitlines()[-1] == "（三）强化保障"  # the text keeps Word's brackets


def test_a_new_list_with_a_start_override_begins_again():
    data = build("[1.0]总体要求", "[1.0]重点任务", "附件", "[2.0]服务清单", numbering=OUTLINE)
    assert lines(data) == ["一、总体要求", "二、重点任务", "附件", "一、服务清单"]


def test_lvl_restart_zero_keeps_a_level_counting_across_its_parents():
    numbering = numbering_xml("chineseCounting %1、", "decimal %2. restart=0")
    data = build("[1.0]甲", "[1.1]子", "[1.0]乙", "[1.1]丑", numbering=numbering)
    assert lines(data) == ["一、甲", "1.子", "二、乙", "2.丑"]


def test_numbering_given_by_the_paragraph_style():
    data = build("标题", numbering=OUTLINE)
    document = docx.Document(io.BytesIO(data))
    style = document.styles["Heading 1"]
    style.element.get_or_add_pPr().append(
        element('<w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>'))
    document.add_paragraph("加强组织领导", style="Heading 1")
    document.add_paragraph("强化资金保障", style="Heading 1")
    out = io.BytesIO()
    document.save(out)
    assert lines(out.getvalue())[1:] == ["(一)加强组织领导", "(二)强化资金保障"]


@pytest.mark.parametrize("fmt, value, printed", [
    ("chineseCountingThousand", 21, "二十一"), ("japaneseCounting", 10, "十"),
    ("ideographTraditional", 3, "丙"), ("decimalEnclosedCircle", 12, "⑫"),
    ("chineseLegalSimplified", 2, "贰"), ("ideographDigital", 10, "一〇"),
    ("decimalEnclosedParen", 2, "⑵"), ("decimalFullWidth", 7, "７"), ("bogus", 5, "5"),
])
def test_number_formats(fmt, value, printed):
    assert format_number(value, fmt) == printed


# --- text that is not plain body paragraphs -------------------------------------------------

VML_BOX = ('<w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>{}</w:t></w:r></w:p>'
           '</w:txbxContent></v:textbox></v:shape></w:pict>')
DRAWING_BOX = ('<w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>'
               '<w:txbxContent><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:txbxContent>'
               '</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>')


def test_a_text_box_is_read_once_where_it_is_anchored():
    box = (f'<w:p><w:r><w:t>正文</w:t></w:r><w:r><mc:AlternateContent>'
           f'<mc:Choice Requires="wps">{DRAWING_BOX.format("框内说明")}</mc:Choice>'
           f'<mc:Fallback>{VML_BOX.format("框内说明")}</mc:Fallback>'
           f'</mc:AlternateContent></w:r></w:p>')
    document = read(build("前文", box, "后文"))
    assert [block.text for block in document.blocks] == ["前文", "正文", "框内说明", "后文"]
    assert document.blocks[2].span.locator == "p[2]/txbx[1]/p[1]"


def test_a_vml_text_box_is_read_too():
    assert lines(build(f"<w:p><w:r>{VML_BOX.format('附注')}</w:r></w:p>")) == ["附注"]


FOOTNOTES = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
             '</w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>'
             '<w:r><w:t xml:space="preserve"> 经济困难老年人指低保、低保边缘家庭的老年人。</w:t></w:r>'
             '</w:p></w:footnote>')


def test_footnotes_follow_the_body():
    body = ('<w:p><w:r><w:t>为经济困难老年人提供补贴。</w:t></w:r>'
            '<w:r><w:footnoteReference w:id="1"/></w:r></w:p>')
    document = read(build(body, "附件", footnotes=FOOTNOTES))
    assert [block.text for block in document.blocks] == [
        "为经济困难老年人提供补贴。", "附件", "经济困难老年人指低保、低保边缘家庭的老年人。"]
    assert document.blocks[-1].span.locator == "footnote[1]/p[1]"


def test_unreadable_footnotes_are_a_warning_not_a_failure():
    document = read(build("正文", footnotes="<w:footnote w:id='1'><w:p>"))
    assert [block.text for block in document.blocks] == ["正文"]
    assert [warning.code for warning in document.warnings] == ["notes_unreadable"]


def test_deleted_and_hidden_text_is_left_out_and_insertions_and_links_are_read():
    paragraph = ('<w:p><w:r><w:t>每人每月</w:t></w:r><w:del><w:r><w:delText>50</w:delText>'
                 '</w:r></w:del><w:ins><w:r><w:t>100</w:t></w:r></w:ins><w:r><w:rPr><w:vanish/>'
                 '</w:rPr><w:t>隐藏</w:t></w:r><w:hyperlink><w:r><w:t>元</w:t></w:r></w:hyperlink>'
                 '</w:p>')
    assert lines(build(paragraph)) == ["每人每月100元"]


def test_content_controls_are_read_but_a_table_of_contents_is_not():
    toc = ('<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
           '</w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>一、总体要求……1</w:t></w:r>'
           '</w:p></w:sdtContent></w:sdt>')
    control = '<w:sdt><w:sdtContent><w:p><w:r><w:t>一、总体要求</w:t></w:r></w:p></w:sdtContent></w:sdt>'
    assert lines(build(toc, control)) == ["一、总体要求"]


def test_a_heading_after_a_line_break_starts_its_own_line():
    paragraph = ('<w:p><w:r><w:t>关于推进基本养老服务体系建设的</w:t><w:br/><w:t>实施方案</w:t>'
                 '<w:br/><w:t>一、总体要求</w:t></w:r></w:p>')
    assert lines(build(paragraph)) == ["关于推进基本养老服务体系建设的 实施方案", "一、总体要求"]


# --- bad files ------------------------------------------------------------------------------


def code_of(path: Path) -> str:
    with pytest.raises(ExtractionError) as caught:
        read_document(path)
    return caught.value.code


def _rezipped(data: bytes, replace: dict[str, bytes | None]) -> bytes:
    """The package with parts replaced, or left out where the replacement is None."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in source.namelist():
            content = replace.get(name, source.read(name))
            if content is not None:
                archive.writestr(name, content)
    return out.getvalue()


GOOD = build("一、总体要求")
BAD_PACKAGES = {
    "truncated": GOOD[: len(GOOD) // 2],
    "not_a_zip": "一、总体要求".encode(),
    "no_document_xml": _rezipped(GOOD, {"word/document.xml": None}),
    "broken_document_xml": _rezipped(GOOD, {"word/document.xml": b"<w:document><w:body><w:p>"}),
    "broken_styles_xml": _rezipped(GOOD, {"word/styles.xml": b"<w:styles"}),
}


@pytest.mark.parametrize("name", BAD_PACKAGES)
def test_a_package_that_is_no_readable_docx_is_corrupt(name):
    with pytest.raises(ExtractionError) as caught:
        read(BAD_PACKAGES[name])
    assert caught.value.code == "E011_corrupt"


def test_a_broken_document_xml_is_corrupt_through_the_registry(tmp_path):
    path = tmp_path / "notice.docx"
    path.write_bytes(BAD_PACKAGES["broken_document_xml"])
    assert code_of(path) == "E011_corrupt"


def test_a_zip_that_is_not_word_is_unsupported(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("data.csv", "a,b\n")
    path = tmp_path / "notice.docx"
    path.write_bytes(out.getvalue())
    assert code_of(path) == "E005_unsupported_format"


def test_a_truncated_docx_is_not_read_through_the_registry(tmp_path):
    # Sniffing by content sees a zip without a readable directory: the registry
    # refuses it (E005) before the reader would call it corrupt (E011).
    path = tmp_path / "notice.docx"
    path.write_bytes(BAD_PACKAGES["truncated"])
    assert code_of(path) in ("E011_corrupt", "E005_unsupported_format")


def test_a_password_protected_docx_is_encrypted():
    # An OLE file holding EncryptionInfo and EncryptedPackage (see fixtures/docx/README.md).
    with pytest.raises(ExtractionError) as caught:
        read_document(FIXTURES / "password_protected.docx")
    assert caught.value.code == "E009_encrypted"


# --- end to end: the same notice as .docx and as text ---------------------------------------

NOTICE_HEAD = ["某市人民政府办公室关于印发某市基本养老服务体系建设实施方案的通知",
               "某政办发〔2024〕12号", "各县(市、区)人民政府,市直有关部门:",
               "现将《某市基本养老服务体系建设实施方案》印发给你们,请认真贯彻执行。",
               "某市人民政府办公室", "2024年3月1日", "某市基本养老服务体系建设实施方案"]
# (level, heading or item) of the body; the text notice prints the markers, Word numbers them.
NOTICE_BODY = [
    (0, "总体要求"), (None, "到2025年,基本养老服务体系基本建成,服务对象、内容、标准清晰明确。"),
    (0, "重点任务"), (1, "健全基本养老服务制度"),
    (2, "落实基本养老服务清单。发布本市基本养老服务清单,明确服务对象、内容和标准。"
        "(责任单位:市民政局、市财政局)"),
    (2, "建立精准服务机制。建立老年人状况统计调查和发布制度。(责任单位:市民政局)"),
    (1, "完善养老服务网络"),
    (2, "建设社区养老服务设施。到2025年,建成社区养老服务中心30个。(责任单位:市民政局、市住建局)"),
    (2, "发展老年助餐服务。每个街道至少建成1个老年食堂。(责任单位:市商务局)"),
    (0, "保障措施"),
    (1, "加强组织领导。各地要把基本养老服务体系建设摆上重要议事日程。(责任单位:各县(市、区)人民政府)"),
]
NOTICE_TAIL = ["附件:某市基本养老服务清单", "某市基本养老服务清单"]
CATALOGUE = [
    "服务对象 | 序号 | 服务项目 | 服务内容 | 服务类型 | 服务标准 | 支出责任 | 牵头部门",
    "80周岁及以上老年人 | 1 | 高龄津贴 | 为80周岁及以上老年人发放高龄津贴。 | 物质帮助 | "
    "80-89周岁每人每月100元,90周岁以上每人每月200元。 | 市、县财政负担。 | 市民政局",
    "^ | 2 | 百岁补贴 | 为100周岁及以上老年人发放补贴。 | 物质帮助 | 每人每月500元。 | "
    "市财政负担。 | 市民政局、市财政局",
    "^ | 3 | 健康管理 | 每年提供1次健康体检。 | 照护服务 | 按国家规范执行。 | 市财政负担。 | "
    "市卫生健康委",
    "经济困难的失能老年人 | 4 | 养老服务补贴 | 为经济困难的失能老年人提供养老服务补贴。 | "
    "物质帮助 | 每人每月不低于60元。 | 县财政负担。 | 市民政局",
]
MARKERS = ("{}、", "({})", "{}.")


def notice_text() -> str:
    """The notice in the text layout: printed markers, tab-separated rows, merged cells empty."""
    counts = [0, 0, 0]
    lines = list(NOTICE_HEAD)
    for level, text in NOTICE_BODY:
        if level is None:
            lines.append(text)
            continue
        counts[level] += 1
        counts[level + 1:] = [0] * (2 - level)
        number = counts[level] if level == 2 else "一二三四五六七八九十"[counts[level] - 1]
        lines.append(MARKERS[level].format(number) + text)
    lines += NOTICE_TAIL
    lines += ["\t".join("" if cell.strip() == "^" else cell.strip() for cell in row.split("|"))
              for row in CATALOGUE]
    return "".join(line + "\n" for line in lines)


def notice_docx(final_paragraph: str | None = None) -> bytes:
    """The same notice as Word writes it: headings numbered by Word, the 服务对象 cells merged."""
    body = [text if level is None else f"[1.{level}]{text}" for level, text in NOTICE_BODY]
    after = [final_paragraph] if final_paragraph is not None else []
    return build(*NOTICE_HEAD, *body, *NOTICE_TAIL, CATALOGUE, *after, numbering=OUTLINE)


def comparable(record) -> dict:
    """What must not depend on the format: catalogue items, tasks and metadata (a merged
    cell's flag does: the text layout guesses the merge that Word records)."""
    catalogue = [(item.seq, item.target_group, item.name, item.lead_units,
                  [(amount.value, amount.unit, amount.per, amount.text) for amount in item.amounts],
                  [flag.code for flag in item.flags if flag.code != "target_group_carried"])
                 for item in record.catalogue]
    tasks = [(task.number, task.level, task.parent, task.title, task.lead_units,
              task.responsible_units, [flag.code for flag in task.flags]) for task in record.tasks]
    meta = record.document.model_dump(exclude={"sources"})
    return {"catalogue": catalogue, "tasks": tasks, "document": meta}


def record_of(path: Path):
    return extract_notice(read_document(path))


def test_a_docx_notice_gives_the_records_of_the_same_notice_as_text(tmp_path):
    (tmp_path / "notice.txt").write_text(notice_text(), encoding="utf-8")
    (tmp_path / "notice.docx").write_bytes(notice_docx())
    as_text, as_word = record_of(tmp_path / "notice.txt"), record_of(tmp_path / "notice.docx")
    assert comparable(as_word) == comparable(as_text)
    carried = [[flag.code for flag in item.flags if flag.code == "target_group_carried"]
               for item in (*as_text.catalogue, *as_word.catalogue)]
    assert carried[:4] == [[], ["target_group_carried"], ["target_group_carried"], []]  # inferred
    assert carried[4:] == [[], [], [], []]  # Word: the merge as read
    assert len(as_word.catalogue) == 4 and len(as_word.tasks) == 8
    assert as_word.catalogue[1].target_group == "80周岁及以上老年人"
    assert as_word.source.format == "docx" and not as_word.warnings


# --- hostile tables and parts -------------------------------------------------------------


def test_a_span_past_the_table_is_cut_down_to_it():
    """gridSpan and gridBefore of 10^8 (damage: Word writes neither) fill the table, no more."""
    table = ('<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>'
             '<w:tr><w:tc><w:p><w:r><w:t>服务对象</w:t></w:r></w:p></w:tc>'
             '<w:tc><w:tcPr><w:gridSpan w:val="100000000"/></w:tcPr><w:p><w:r><w:t>服务项目</w:t></w:r></w:p></w:tc></w:tr>'
             '<w:tr><w:trPr><w:gridBefore w:val="100000000"/></w:trPr>'
             '<w:tc><w:p><w:r><w:t>助餐</w:t></w:r></w:p></w:tc></w:tr></w:tbl>')
    document = read(build("关于推进基本养老服务体系建设的通知", table))
    table_rows = [block for block in document.blocks if block.kind is BlockKind.table_row]
    assert all(len(block.cells) <= 64 for block in table_rows)
    assert "服务项目" in document.text and "助餐" in document.text


def test_notes_outside_the_package_are_left_out():
    data = build("关于推进基本养老服务体系建设的通知")
    package = docx.Document(io.BytesIO(data))
    package.part.relate_to("http://example.invalid/footnotes.xml", RT.FOOTNOTES, is_external=True)
    out = io.BytesIO()
    package.save(out)
    assert read(out.getvalue()).text.startswith("关于推进基本养老服务体系建设的通知")


def test_a_main_part_with_no_body_is_corrupt():
    data = build("通知")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                content = regex.sub(rb"<w:body>.*</w:body>", b"", content, flags=regex.DOTALL)
            target.writestr(info, content)
    with pytest.raises(ExtractionError) as caught:
        read(buffer.getvalue())
    assert caught.value.code == "E011_corrupt" and "w:body" in str(caught.value)
