"""Reading PDF notices: paragraphs, tables (merged, unruled, over page breaks), furniture, bad files.

The fixtures in tests/fixtures/pdf/ were made by make_fixtures.py there
(python-docx and LibreOffice for the laid-out ones, a tiny PDF writer for the
broken ones); the tests read the checked-in PDFs and need no LibreOffice.
Units of logic (line joining, furniture, grids over a page break) are also
tested on small inline lines and grids.
"""
import dataclasses
import re
from pathlib import Path

import pdfplumber
import pytest
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.psexceptions import PSEOF
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.assemble import extract_notice
from pipeline.errors import ExtractionError
from pipeline.ingest import read_document
from pipeline.ingest.pdf.reader import pdfminer_errors, read_pdf
from pipeline.ingest.pdf.flow import Margins, PageContent, continues_paragraph, pages_to_items
from pipeline.ingest.pdf.furniture import drop_furniture
from pipeline.ingest.pdf.grids import Grid, GridCell, GridRow, join_continued
from pipeline.ingest.pdf.lines import Glyph, TextLine, chars_to_glyphs, glyphs_to_lines
from pipeline.ingest.pdf.settings import DEFAULT_SETTINGS
from pipeline.model import BlockKind

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pdf"
SETTINGS = DEFAULT_SETTINGS


def read(name):
    return read_document(FIXTURES / name)


def paragraphs(document):
    return [block for block in document.blocks if block.kind is BlockKind.paragraph]


def rows(document):
    return [block for block in document.blocks if block.kind is BlockKind.table_row]


def texts(row):
    return [cell.text for cell in row.cells]


# --- text: headings, wrapped paragraphs, furniture ---------------------------------------

NOTICE_PARAGRAPHS = [
    "青山市民政局关于印发青山市基本养老服务体系建设实施方案的通知",  # a centred title on two lines
    "青民发〔2024〕12号",
    "各县(市、区)民政局,市直有关单位:",
    "为贯彻落实国家和省关于推进基本养老服务体系建设的部署要求,健全基本养老服务体系,"
    "提高公共服务均等化水平,结合我市实际,现将青山市基本养老服务体系建设实施方案印发给你们,"
    "请认真抓好贯彻落实。",
    "一、总体要求",
    "到2025年,基本养老服务制度基本健全,服务对象、服务内容、服务标准等清晰明确,"
    "基本养老服务对象精准识别和动态管理机制初步建立,老年人享受助餐、康复、护理、"
    "精神慰藉等服务更加便利。",
    "二、重点任务",
    "(一)建立基本养老服务清单制度。严格落实《青山市基本养老服务清单》,找准高频需求事项"
    "和服务供给短板弱项,推动养老服务供需精准对接,根据经济社会发展水平进行动态调整。"
    "(责任单位:市民政局、市财政局)",
    "(二)完善特困老年人供养制度。对特困老年人应保尽保,特困人员救助供养基本生活标准"
    "不低于当地最低生活保障标准的1.3倍,到2025年生活不能自理特困人员集中供养率达到60%。"
    "(责任单位:市民政局)",
    "(三)健全老年人关爱服务体系。",
    "1.开展探访关爱服务。建立特殊困难老年人探访关爱制度,每月至少开展一次探访关爱服务,"
    "特殊困难老年人月探访率达到100%。(责任单位:市民政局、各县区政府)",
    "2.发展老年助餐服务。支持养老服务机构和社区食堂为老年人提供助餐服务,"
    "到2025年全市建成老年助餐点200个。(责任单位:市商务局、市民政局)",
    "三、保障措施",
    "各地要加强组织领导,将基本养老服务体系建设纳入当地经济社会发展规划,"
    "统筹安排资金,确保各项任务落到实处。",
    "附件:青山市基本养老服务清单",
    "青山市民政局",
    "2024年3月1日",
]


def test_numbered_headings_and_wrapped_paragraphs_give_one_line_each():
    document = read("numbered_headings_wrapped_paragraphs.pdf")
    found = [block.text for block in paragraphs(document)]
    assert found[:len(NOTICE_PARAGRAPHS)] == NOTICE_PARAGRAPHS
    assert document.text.splitlines()[:len(NOTICE_PARAGRAPHS)] == NOTICE_PARAGRAPHS
    assert not rows(document)  # ordinary paragraphs are not turned into tables


def test_a_paragraph_keeps_its_page_and_the_bbox_of_its_lines():
    document = read("numbered_headings_wrapped_paragraphs.pdf")
    by_text = {block.text: block.span for block in paragraphs(document)}
    heading, wrapped = by_text["二、重点任务"], by_text[NOTICE_PARAGRAPHS[7]]
    assert heading.page == wrapped.page == 1
    x0, top, x1, bottom = wrapped.bbox
    assert bottom - top > 3 * (heading.bbox[3] - heading.bbox[1])  # four lines tall
    assert x0 < heading.bbox[0] < x1  # the heading is indented, continuation lines are not
    assert by_text["各地要加强组织领导,将基本养老服务体系建设纳入当地经济社会发展规划,"
                   "统筹安排资金,确保各项任务落到实处。"].page == 2


def test_page_numbers_and_running_header_are_left_out():
    document = read("numbered_headings_wrapped_paragraphs.pdf")
    with pdfplumber.open(FIXTURES / "numbered_headings_wrapped_paragraphs.pdf") as pdf:
        printed = [page.extract_text() for page in pdf.pages]
    assert all("青山市民政局规范性文件" in page and f"- {number} -" in page
               for number, page in enumerate(printed, start=1))  # the fixture has them
    assert "规范性文件" not in document.text
    assert not [line for line in document.text.splitlines() if re.fullmatch(r"[-\s\d]+", line)]


def test_read_document_sniffs_a_pdf_and_hashes_it():
    document = read("numbered_headings_wrapped_paragraphs.pdf")
    assert document.format == "pdf" and document.encoding is None
    assert len(document.sha256) == 64 and not document.warnings


# --- tables ------------------------------------------------------------------------------


def test_vertically_merged_target_group_is_inherited_by_the_covered_cells():
    table = rows(read("merged_cells_catalogue_table.pdf"))
    assert texts(table[0])[:3] == ["服务对象", "序号", "服务项目"]
    groups = [row.cells[0] for row in table[1:]]
    assert [cell.text for cell in groups] == ["60周岁及以上老年人"] * 3 + ["80周岁及以上老年人"]
    assert [cell.inherited for cell in groups] == [False, True, True, False]
    assert groups[1].span.bbox == groups[0].span.bbox  # where the merged text is printed
    assert all(cell.span.page == 1 for cell in groups)


def test_horizontally_merged_cell_is_inherited_from_the_left():
    last = rows(read("merged_cells_catalogue_table.pdf"))[-1]
    standard, funding = last.cells[5], last.cells[6]
    assert standard.text == funding.text == "每人每月不低于100元,所需资金由市县两级财政承担。"
    assert (standard.inherited, funding.inherited) == (False, True)
    assert len(last.cells) == 8


def test_cell_text_loses_its_line_breaks_and_spaces_inside_chinese():
    table = rows(read("merged_cells_catalogue_table.pdf"))
    assert texts(table[1])[2:4] == ["老年人能力综合评估", "为有需求的老年人提供能力综合评估服务。"]


LONG_CONTENT = ("对选择在家供养的特困老年人,由县级政府民政部门按照有关规定给予分散供养,"
                "提供基本生活条件、疾病治疗、办理丧葬事宜等,对生活不能自理的给予照料。") * 3


def test_table_across_page_break_drops_repeated_header_and_rejoins_the_split_row():
    document = read("table_across_page_break.pdf")
    table = rows(document)
    assert sum(texts(row)[0] == "服务对象" for row in table) == 1  # header printed 3 times
    assert [row.cells[1].text for row in table[1:]] == [str(seq) for seq in range(1, 13)]
    # Rows 6 and 12 were cut by page breaks: one row each, the text whole.
    assert table[6].cells[3].text == table[12].cells[3].text == LONG_CONTENT
    assert [row.span.page for row in table[6:8]] == [1, 2]
    assert [row.cells[0].text for row in table[1:]] == ["特困老年人"] * 6 + ["经济困难老年人"] * 6


def test_table_across_page_break_gives_every_catalogue_item_once():
    record = extract_notice(read("table_across_page_break.pdf"))
    assert [item.seq for item in record.catalogue] == list(range(1, 13))
    assert record.catalogue[5].content == LONG_CONTENT
    assert record.catalogue[11].amounts[0].value == 1200


def test_unruled_table_is_found_by_alignment_and_prose_stays_prose():
    document = read("unruled_table_between_paragraphs.pdf")
    assert [texts(row) for row in rows(document)] == [
        ["序号", "服务项目", "服务内容", "牵头部门"],
        ["1", "高龄津贴", "为高龄老年人发放津贴", "市民政局"],
        ["2", "老年助餐", "为老年人提供助餐服务", "市商务局"],
        ["3", "健康管理", "每年提供一次健康体检", "市卫健委"],
        ["4", "法律援助", "为老年人提供法律援助", "市司法局"],
    ]
    assert [block.text for block in paragraphs(document)] == [
        "本市基本养老服务项目如下表所列,各地要对照清单抓好落实,确保各项服务落到实处。",
        "以上项目由各牵头部门负责组织实施。"]


# --- end to end: the same notice as PDF and as text -------------------------------------------


def test_pdf_notice_gives_the_same_records_as_its_text_twin():
    from_pdf = extract_notice(read("notice_with_catalogue.pdf"))
    from_text = extract_notice(read("notice_with_catalogue.txt"))

    def catalogue(record):
        return [(item.seq, item.target_group, item.name, item.lead_units,
                 [(amount.value, amount.unit, amount.text) for amount in item.amounts])
                for item in record.catalogue]

    def tasks(record):
        return [(task.number, task.level, task.title, task.lead_units, task.responsible_units)
                for task in record.tasks]

    assert len(from_pdf.catalogue) == 6 and len(from_pdf.tasks) == 5
    assert catalogue(from_pdf) == catalogue(from_text)
    assert tasks(from_pdf) == tasks(from_text)
    assert from_pdf.document.model_dump(exclude={"sources"}) == \
        from_text.document.model_dump(exclude={"sources"})
    assert from_pdf.catalogue[3].sources["name"].page == 3  # provenance reaches the page


# --- bad files ---------------------------------------------------------------------------------


def test_encrypted_pdf_is_refused():
    with pytest.raises(ExtractionError) as raised:
        read("encrypted_open_password.pdf")
    assert raised.value.code == "E009_encrypted"


def test_scan_without_text_layer_asks_for_ocr():
    with pytest.raises(ExtractionError) as raised:
        read("scan_without_text_layer.pdf")
    assert raised.value.code == "E010_no_text_layer" and "OCR" in str(raised.value)


def test_a_scanned_page_among_text_pages_is_reported():
    document = read("text_page_then_scanned_page.pdf")
    assert document.text == "附件:青山市基本养老服务清单\n"
    assert [warning.code for warning in document.warnings] == ["pages_without_text"]
    assert "page(s) 2 " in document.warnings[0].message


def _damaged():
    data = (FIXTURES / "notice_with_catalogue.pdf").read_bytes()
    half = len(data) // 2
    return {
        "first_half": data[:half],
        "first_half_with_eof_marker": data[:half] + b"\n%%EOF\n",
        "header_only": b"%PDF-1.4\n%%EOF\n",
        "xref_and_trailer_cut": data[:data.rfind(b"xref")] + b"%%EOF\n",
        "objects_overwritten": data[:len(data) // 3] + b"(<<[" * (len(data) // 12)
        + data[2 * len(data) // 3:],
    }


@pytest.mark.parametrize("name", list(_damaged()))
def test_truncated_or_corrupt_pdf_raises_a_coded_error(tmp_path, name):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(_damaged()[name])
    with pytest.raises(ExtractionError) as raised:
        read_document(path)
    assert raised.value.code == "E011_corrupt"


@pytest.mark.parametrize("exception, code", [
    (PSEOF("Unexpected EOF"), "E011_corrupt"),
    (PdfminerException(PDFPasswordIncorrect()), "E009_encrypted"),
    (PdfminerException(KeyError("Root")), "E011_corrupt"),
    (ValueError("bad stream"), "E011_corrupt"),
])
def test_pdfminer_exceptions_never_escape_unwrapped(exception, code):
    with pytest.raises(ExtractionError) as raised, pdfminer_errors("page 1"):
        raise exception
    assert raised.value.code == code and "page 1" in str(raised.value)


def test_a_page_in_a_font_without_unicode_map_is_read_by_ocr():
    # A real broken font: pdfminer reads one run as "(cid:N)", another as U+FFFD. Most of
    # page 2 is garbled, so OCR reads it from its image, the garbled run (ABC) included.
    document = read("garbled_font_without_unicode_map.pdf")
    assert [warning.code for warning in document.warnings] == ["text_from_ocr"]
    assert "page(s) 2 " in document.warnings[0].message
    assert "(cid:" not in document.text and "\ufffd" not in document.text
    assert document.text.splitlines() == ["第一页文字正常。", "基本养老服务ABC清单"]


def test_every_page_is_closed_after_it_is_read(monkeypatch):
    closed = []
    original = pdfplumber.page.Page.close
    monkeypatch.setattr(pdfplumber.page.Page, "close",
                        lambda page: closed.append(page.page_number) or original(page))
    path = FIXTURES / "table_across_page_break.pdf"
    read_pdf(path, path.read_bytes())
    assert closed[:3] == [1, 2, 3]


# --- units: glyphs and lines ---------------------------------------------------------------------


def char(text, x0, top=100.0, size=10.0):
    return {"text": text, "x0": x0, "x1": x0 + size, "top": top, "bottom": top + size,
            "size": size}


def test_garbled_glyphs_are_dropped_and_counted():
    glyphs, garbled = chars_to_glyphs([char("养", 0), char("(cid:42)", 10), char("\ufffd", 20),
                                       char(" ", 30), char("老", 40)])
    assert [glyph.text for glyph in glyphs] == ["养", " ", "老"] and garbled == 2


def test_spaces_are_kept_between_latin_words_only():
    glyphs, _ = chars_to_glyphs([char("到", 0), char("2", 15), char("0", 20), char("年", 35),
                                 char("G", 50), char("B", 55), char("4", 75), char("2", 80)])
    glyphs = [glyph._replace(x1=glyph.x0 + 5) if glyph.text.isascii() else glyph
              for glyph in glyphs]
    [line] = glyphs_to_lines(glyphs, SETTINGS, page=1)
    assert line.text == "到20年GB 42"


def test_a_printed_space_stays_beside_a_number_but_not_inside_chinese():
    glyphs, _ = chars_to_glyphs([char("1", 0), char(" ", 10), char("职", 20), char("工", 30),
                                 char("\u3000", 40), char("养", 50)])
    [line] = glyphs_to_lines(glyphs, SETTINGS, page=1)
    assert line.text == "1 职工养"


def test_fake_bold_printed_twice_is_read_once():
    glyphs = [Glyph("养", 0, 100, 10, 110, 10), Glyph("养", 0.4, 100, 10.4, 110, 10),
              Glyph("老", 10, 100, 20, 110, 10)]
    assert [line.text for line in glyphs_to_lines(glyphs, SETTINGS, page=1)] == ["养老"]


# --- units: paragraphs over lines and pages ---------------------------------------------------------

MARGINS = Margins(left=80.0, right=520.0)


def line(text, x0=80.0, x1=520.0, top=100.0, page=1, size=16.0):
    return TextLine(text, x0, top, x1, top + size, size, page)


@pytest.mark.parametrize("previous, current, joined", [
    (line("full line"), line("wraps on", top=124), True),
    (line("full line"), line("indented", x0=112, top=124), False),
    (line("short line", x1=300), line("next", top=124), False),
    (line("full line"), line("(二)完善制度。", top=124), False),
    (line("full line"), line("1.开展探访。", top=124), False),
    (line("full line"), line("1.3倍以上", top=124), True),
    (line("full line"), line("2024年3月1日", top=124), False),
    (line("full line"), line("far below", top=200), False),
    (line("full line"), line("bigger type", top=124, size=22), False),
    (line("full line", top=700), line("next page", top=100, page=2), True),
    (line("full line", top=700), line("two pages on", top=100, page=3), False),
])
def test_a_line_continues_the_paragraph_only_after_a_full_line(previous, current, joined):
    assert continues_paragraph(previous, current, MARGINS, MARGINS, SETTINGS) is joined


def test_a_paragraph_runs_over_a_page_break_and_keeps_its_first_page_bbox():
    pages = [PageContent(1, 595, 842, [line("首行", x0=112, top=600), line("满行", top=624),
                                       line("第一页末行", top=648)]),
             PageContent(2, 595, 842, [line("第二页接续。", x1=300, top=100, page=2),
                                       line("新段落", x0=112, top=124, page=2)])]
    items = pages_to_items(pages, SETTINGS)
    assert [item.text for item in items] == ["首行满行第一页末行第二页接续。", "新段落"]
    assert items[0].where.page == 1 and items[0].where.bbox == (80.0, 600.0, 520.0, 664.0)


# --- units: page furniture ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["- 3 -", "—3—", "第 3 页", "第3页 共12页", "3/12", "3", "Page 3 of 12"])
def test_page_numbers_in_the_margin_band_are_furniture(text):
    page = PageContent(1, 595, 842, [line(text, x0=280, x1=320, top=800), line(text, top=400)])
    [kept] = drop_furniture([page], SETTINGS)[0].lines
    assert kept.top == 400  # the same text in the body stays


def test_a_line_repeated_at_the_same_place_on_most_pages_is_furniture():
    pages = [PageContent(number, 595, 842, [line(f"某市民政局文件 第{number}期", top=40, page=number),
                                            line(f"正文{number}", top=300, page=number)])
             for number in range(1, 4)]
    pages[2].lines.append(line("某市民政局文件 第9期", top=780, page=3))  # elsewhere: kept
    kept = [item.text for page in drop_furniture(pages, SETTINGS) for item in page.lines]
    assert kept == ["正文1", "正文2", "正文3", "某市民政局文件 第9期"]


# --- units: grids over a page break -----------------------------------------------------------------

COLUMNS = [0.0, 100.0, 130.0, 300.0]


def grid(page, rows, top=0.0):
    """Rows of (text, inherited, spans_rows) or plain text; every cell 20 points tall."""
    grid_rows = []
    for index, row in enumerate(rows):
        y = top + 20 * index
        cells = []
        for column, value in enumerate(row):
            text, inherited, spans = value if isinstance(value, tuple) else (value, False, False)
            bbox = (COLUMNS[column], y, COLUMNS[column + 1], y + 20)
            cells.append(GridCell(text, bbox, page, inherited, spans))
        grid_rows.append(GridRow(cells, (0.0, y, 300.0, y + 20), page))
    return Grid(page, (0.0, top, 300.0, top + 20 * len(rows)), COLUMNS, grid_rows)


def test_repeated_header_is_dropped_and_a_split_row_is_rejoined():
    first = grid(1, [["服务对象", "序号", "服务内容"], ["特困老年人", "1", "提供基本生活"]])
    second = grid(2, [["服务对象", "序号", "服务内容"], ["", "", "条件。"],
                      ["高龄老年人", "2", "发放津贴。"]])
    join_continued(first, second, SETTINGS)
    assert [[cell.text for cell in row.cells] for row in first.rows] == [
        ["服务对象", "序号", "服务内容"], ["特困老年人", "1", "提供基本生活条件。"],
        ["高龄老年人", "2", "发放津贴。"]]


def test_a_merged_cell_running_over_the_break_goes_on_in_the_new_page():
    merged = ("特困老年人", True, True)
    first = grid(1, [["服务对象", "序号", "服务内容"], ["特困老年人", "1", "供养。"],
                     [merged, "2", "照料。"]])
    second = grid(2, [["", "3", "护理。"], [("", True, True), "4", "探访。"],
                      ["高龄老年人", "5", "津贴。"]])
    second.rows[1].cells[0].bbox = second.rows[0].cells[0].bbox  # one merged cell on page 2
    join_continued(first, second, SETTINGS)
    groups = [(row.cells[0].text, row.cells[0].inherited) for row in first.rows[3:]]
    assert groups == [("特困老年人", True), ("特困老年人", True), ("高龄老年人", False)]


def test_a_merge_starting_in_a_cut_row_goes_on_after_the_row_is_rejoined():
    # The cut row's rest and the next row share one (empty) merged cell on page 2.
    first = grid(1, [["服务对象", "序号", "服务内容"], ["特困老年人", "1", "提供基本"]])
    second = grid(2, [["服务对象", "序号", "服务内容"], [("", False, True), "", "生活。"],
                      [("", True, True), "2", "护理。"]])
    second.rows[2].cells[0].bbox = second.rows[1].cells[0].bbox
    join_continued(first, second, SETTINGS)
    assert [[cell.text for cell in row.cells] for row in first.rows[1:]] == [
        ["特困老年人", "1", "提供基本生活。"], ["特困老年人", "2", "护理。"]]
    assert first.rows[2].cells[0].inherited


def test_more_pages_than_the_limit_are_refused():
    path = next(path for path in sorted((Path(__file__).parents[1] / "samples" / "pdf").glob("*.pdf")))
    with pytest.raises(ExtractionError) as caught:
        read_pdf(path, path.read_bytes(), dataclasses.replace(DEFAULT_SETTINGS, max_pages=1))
    assert caught.value.code == "E014_too_large" and "limit of 1" in str(caught.value)
