"""Reading HTML notices: government article pages, charsets, tables on a grid, paragraphs.

Pages are written inline. The realistic page is the same notice as `NOTICE_TXT`
in the text layout, so whatever the later stages read from one they must read
from the other.
"""
from pathlib import Path

import pytest

from pipeline.assemble import extract_notice
from pipeline.errors import ExtractionError
from pipeline.ingest import read_document
from pipeline.ingest.html.reader import read_html
from pipeline.ingest.html.page import clean_page_title, titles_match
from pipeline.model import BlockKind, SourceDocument


def read(html: str, encoding: str = "utf-8") -> SourceDocument:
    return read_html(Path("notice.html"), html.encode(encoding))


def lines(document: SourceDocument) -> list[str]:
    return document.text.splitlines()


def rows(document: SourceDocument) -> list[list[tuple[str, bool]]]:
    return [[(cell.text, cell.inherited) for cell in block.cells]
            for block in document.blocks if block.kind is BlockKind.table_row]


# --- a realistic government article page ------------------------------------------------

GOV_PAGE = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=GBK" />
<title>临汾市人民政府办公室关于印发临汾市推进基本养老服务体系建设实施方案的通知_市政府办文件_临汾市人民政府</title>
<script type="text/javascript">var _hmt = _hmt || []; document.write("网站统计代码");</script>
<style type="text/css">.nav li { float: left; }</style>
</head>
<body>
<div class="top"><h1 class="logo">临汾市人民政府门户网站</h1>
<form action="/search"><input type="text" value="请输入关键字" /><button>搜索</button></form></div>
<div class="nav"><ul>
<li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/hdjl/">互动交流</a></li><li><a href="/bsfw/">办事服务</a></li>
</ul></div>
<div class="position">您的位置:<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 市政府办文件</div>
<div class="xxgk_table">
<table class="xxgk" width="100%">
<tr><td class="label">索 引 号:</td><td>11141000MB1957712X/2023-00125</td>
    <td class="label">主题分类:</td><td>民政、扶贫、救灾</td></tr>
<tr><td class="label">发文机关:</td><td>临汾市人民政府办公室</td>
    <td class="label">成文日期:</td><td>2023年12月16日</td></tr>
<tr><td class="label">标  题:</td>
    <td colspan="3">临汾市人民政府办公室关于印发临汾市推进基本养老服务体系建设实施方案的通知</td></tr>
<tr><td class="label">发文字号:</td><td>临政办发〔2023〕43号</td>
    <td class="label">发布日期:</td><td>2023-12-20</td></tr>
</table>
</div>
<div class="article">
<h2 class="article-title">临汾市人民政府办公室关于印发临汾市推进基本养老服务体系建设实施方案的通知</h2>
<div class="info">来源:临汾市人民政府办公室&nbsp;&nbsp;发布时间:2023-12-20 10:12
  浏览次数:1024 【字体:<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】
  <a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="TRS_Editor">
<p align="center">临政办发〔2023〕43号</p>
<p>各县(市、区)人民政府,市人民政府各委、局,各有关单位:</p>
<p>&nbsp;&nbsp;&nbsp;&nbsp;《临汾市推进基本养老服务体系建设实施方案》已经市人民政府同意,现印发给你们,请认真贯彻落实。</p>
<p align="right">临汾市人民政府办公室</p>
<p align="right">2023年12月16日</p>
<p align="center"><strong>临汾市推进基本养老服务体系
    建设实施方案</strong></p>
<p>\u3000\u3000为推进基本养老服务体系建设,更好满足老年人基本养老服务需求,结合我市实际,制定本方案。</p>
<p><strong>\u3000\u3000一、总体要求</strong></p>
<p>\u3000\u3000到2025年,基本养老服务制度基本健全、清单不断完善,服务对象、内容、标准等清晰明确。</p>
<p><strong>\u3000\u3000二、重点工作</strong></p>
<p>\u3000\u3000(一)构建多层次基本养老服务制度体系</p>
<p>\u3000\u30001.落实基本养老服务清单制度。严格落实《临汾市基本养老服务清单》,到2025年,基本养老服务清单
   不断完善。(责任单位:市民政局、市财政局,各县(市、区)人民政府)</p>
<p>\u3000\u30002.完善高龄津贴制度。为80周岁以上老年人发放高龄津贴,100周岁(含)以上老人每人每月不低于300元。<br />
(责任单位:市民政局)</p>
<p>\u3000\u3000(二)提高基本养老服务供给能力</p>
<p>\u3000\u30003.优化养老服务设施布局。到2025年,每个县(市、区)至少建有1所县级特困人员供养服务机构。(牵头单位:市民政局;配合单位:市自然资源和规划局)</p>
<p>\u3000\u3000三、保障措施</p>
<p>\u3000\u3000各县(市、区)要加强组织领导,确保各项任务落到实处。</p>
<p>附件:临汾市基本养老服务清单</p>
<table border="1" cellspacing="0" cellpadding="0">
<tbody>
<tr><td colspan="6"><p align="center"><strong>临汾市基本养老服务清单</strong></p></td></tr>
<tr><td>服务对象</td><td colspan="2">服务项目</td><td>服务内容</td><td>服务类型</td><td>牵头部门</td></tr>
<tr><td rowspan="2">80周岁及以上<br />老年人</td><td>1</td><td>高龄津贴</td>
    <td>为80周岁及以上老年人发放高龄津贴,每人每月100元。</td><td>物质帮助</td><td>市民政局</td></tr>
<tr><td>2</td><td>百岁补贴</td><td><p>为100周岁及以上老年人发放百岁补贴,</p><p>每人每月不低于300元。</p></td>
    <td>物质帮助</td><td>市民政局、市卫健委</td></tr>
<tr><td>经济困难的失能老年人</td><td>3</td><td>护理补贴</td>
    <td>为经济困难的失能老年人发放护理补贴,每人每月200元。</td><td>物质帮助</td><td>市民政局、市财政局</td></tr>
</tbody>
</table>
</div>
<div class="share">分享到:<a href="#">微信</a><a href="#">微博</a></div>
</div>
<div class="footer">
<p>主办:临汾市人民政府办公室&nbsp;&nbsp;承办:临汾市政务信息中心</p>
<p>版权所有:临汾市人民政府&nbsp;&nbsp;网站标识码:1410000001&nbsp;&nbsp;晋ICP备05003466号</p>
</div>
</body>
</html>
"""

# The same notice as a text capture would lay it out.
NOTICE_TXT = """临汾市人民政府办公室关于印发临汾市推进基本养老服务体系建设实施方案的通知
临政办发〔2023〕43号
各县(市、区)人民政府,市人民政府各委、局,各有关单位:
《临汾市推进基本养老服务体系建设实施方案》已经市人民政府同意,现印发给你们,请认真贯彻落实。
临汾市人民政府办公室
2023年12月16日
临汾市推进基本养老服务体系建设实施方案
为推进基本养老服务体系建设,更好满足老年人基本养老服务需求,结合我市实际,制定本方案。
一、总体要求
到2025年,基本养老服务制度基本健全、清单不断完善,服务对象、内容、标准等清晰明确。
二、重点工作
(一)构建多层次基本养老服务制度体系
1.落实基本养老服务清单制度。严格落实《临汾市基本养老服务清单》,到2025年,基本养老服务清单不断完善。(责任单位:市民政局、市财政局,各县(市、区)人民政府)
2.完善高龄津贴制度。为80周岁以上老年人发放高龄津贴,100周岁(含)以上老人每人每月不低于300元。
(责任单位:市民政局)
(二)提高基本养老服务供给能力
3.优化养老服务设施布局。到2025年,每个县(市、区)至少建有1所县级特困人员供养服务机构。(牵头单位:市民政局;配合单位:市自然资源和规划局)
三、保障措施
各县(市、区)要加强组织领导,确保各项任务落到实处。
附件:临汾市基本养老服务清单
临汾市基本养老服务清单
服务对象\t服务项目\t\t服务内容\t服务类型\t牵头部门
80周岁及以上老年人\t1\t高龄津贴\t为80周岁及以上老年人发放高龄津贴,每人每月100元。\t物质帮助\t市民政局
\t2\t百岁补贴\t为100周岁及以上老年人发放百岁补贴,每人每月不低于300元。\t物质帮助\t市民政局、市卫健委
经济困难的失能老年人\t3\t护理补贴\t为经济困难的失能老年人发放护理补贴,每人每月200元。\t物质帮助\t市民政局、市财政局
"""


@pytest.fixture(scope="module")
def gov_page() -> SourceDocument:
    return read(GOV_PAGE, "gbk")


@pytest.fixture(scope="module")
def gov_record(gov_page):
    return extract_notice(gov_page.model_copy(update={"sha256": "0" * 64}))


@pytest.fixture(scope="module")
def txt_record():
    document = SourceDocument(path="notice.txt", sha256="0" * 64, format="text",
                              encoding="utf-8", text=NOTICE_TXT)
    return extract_notice(document)


def test_gov_page_is_read_in_its_declared_charset(gov_page):
    assert gov_page.format == "html" and gov_page.encoding == "gb18030"
    assert gov_page.warnings == []


@pytest.mark.parametrize("furniture", [
    "首页", "政务公开", "互动交流", "您的位置", "请输入关键字", "搜索", "网站统计代码", "float",
    "门户网站", "字体", "打印本页", "关闭窗口", "浏览次数", "分享到", "微信",
    "主办", "版权所有", "网站标识码", "ICP备",
])
def test_gov_page_leaves_out_page_furniture(gov_page, furniture):
    assert furniture not in gov_page.text


def test_gov_page_metadata_rows_and_lines_come_first_then_the_title(gov_page):
    title = "临汾市人民政府办公室关于印发临汾市推进基本养老服务体系建设实施方案的通知"
    assert lines(gov_page)[:6] == [
        "索引号:\t11141000MB1957712X/2023-00125\t主题分类:\t民政、扶贫、救灾",
        "发文机关:\t临汾市人民政府办公室\t成文日期:\t2023年12月16日",
        "\t".join(["标题:", title, title, title]),  # the value's colspan repeats it on the grid
        "发文字号:\t临政办发〔2023〕43号\t发布日期:\t2023-12-20",
        "来源:临汾市人民政府办公室发布时间:2023-12-20 10:12",
        title,
    ]


def test_gov_page_metadata_table_is_read_once(gov_page):
    assert gov_page.text.count("11141000MB1957712X") == 1


def test_gov_page_document_fields(gov_record):
    document = gov_record.document
    assert document.title == "临汾市人民政府办公室关于印发临汾市推进基本养老服务体系建设实施方案的通知"
    assert document.issuer == "临汾市人民政府办公室"  # as its 发文机关 says
    assert document.doc_number == "临政办发〔2023〕43号"
    assert document.date == "2023-12-16"
    assert document.region == "临汾市"


def test_gov_page_lines_read_as_the_text_notice(gov_page):
    # Rows differ only where the grid repeats a merged cell; every other line is the same.
    assert [line for line in lines(gov_page)[5:] if "\t" not in line] == \
        [line for line in NOTICE_TXT.splitlines() if "\t" not in line]


def catalogue_view(record):
    return [(item.seq, item.target_group, item.name, item.lead_units,
             [(amount.value, amount.unit, amount.per) for amount in item.amounts])
            for item in record.catalogue]


def task_view(record):
    return [(task.number, task.level, task.parent, task.title, task.lead_units,
             task.responsible_units, [figure.value for figure in task.figures], task.deadline_years)
            for task in record.tasks]


def test_gov_page_catalogue_matches_the_text_layout(gov_record, txt_record):
    assert catalogue_view(gov_record) == catalogue_view(txt_record)
    assert [item.target_group for item in gov_record.catalogue] == [
        "80周岁及以上老年人", "80周岁及以上老年人", "经济困难的失能老年人"]
    assert [item.name for item in gov_record.catalogue] == ["高龄津贴", "百岁补贴", "护理补贴"]
    assert gov_record.catalogue[1].lead_units == ["市民政局", "市卫健委"]
    assert [amount.value for amount in gov_record.catalogue[1].amounts] == [300]


def test_gov_page_tasks_match_the_text_layout(gov_record, txt_record):
    assert task_view(gov_record) == task_view(txt_record)
    assert len(gov_record.tasks) >= 5


def test_gov_page_records_have_no_warnings(gov_record):
    assert [warning.code for warning in gov_record.warnings] == []


def test_gov_page_locators_point_at_elements(gov_page):
    by_text = {block.text: block.span.locator for block in gov_page.blocks}
    assert by_text["临政办发〔2023〕43号"] == "div[@class=TRS_Editor]/p[1]"
    assert by_text["(责任单位:市民政局)"] == "div[@class=TRS_Editor]/p[13]/br[1]"
    number = next(cell for block in gov_page.blocks for cell in block.cells
                  if cell.text == "临政办发〔2023〕43号")
    assert number.span.locator == "table[1]/tr[4]/td[2]"
    header = next(block for block in gov_page.blocks if block.text.startswith("服务对象"))
    assert header.span.locator == "table[2]/tr[2]"
    assert [cell.span.locator for cell in header.cells][:3] == [
        "table[2]/tr[2]/td[1]", "table[2]/tr[2]/td[2]", "table[2]/tr[2]/td[2]"]


def test_read_document_sniffs_an_html_file(tmp_path):
    path = tmp_path / "notice.html"
    path.write_bytes(GOV_PAGE.encode("gbk"))
    document = read_document(path)
    assert document.format == "html" and len(document.sha256) == 64
    assert document.warnings == []


# --- tables on a grid -------------------------------------------------------------------

GRID_PAGE = """<html><body><div class="pages_content">
<p>附件:某县基本养老服务清单</p>
<table>
<thead><tr><th rowspan="2">服务对象</th><th colspan="2">服务项目</th><th rowspan="2">牵头部门</th></tr>
<tr><th>序号</th><th>名称</th></tr></thead>
<tbody>
<tr><td rowspan="3">60周岁及以上<br>老年人</td><td>1</td><td>健康管理</td><td rowspan="2">县卫健局</td></tr>
<tr><td>2</td><td>老年助餐</td></tr>
<tr><td>3</td><td colspan="2">法律援助(县司法局)</td></tr>
<tr><td colspan="4">注:标*的为本县增加项目</td></tr>
</tbody>
</table>
</div></body></html>"""


def test_rowspan_and_colspan_are_resolved_on_a_grid():
    document = read(GRID_PAGE)
    assert rows(document) == [
        [("服务对象", False), ("服务项目", False), ("服务项目", True), ("牵头部门", False)],
        [("服务对象", True), ("序号", False), ("名称", False), ("牵头部门", True)],
        [("60周岁及以上 老年人", False), ("1", False), ("健康管理", False), ("县卫健局", False)],
        [("60周岁及以上 老年人", True), ("2", False), ("老年助餐", False), ("县卫健局", True)],
        [("60周岁及以上 老年人", True), ("3", False), ("法律援助(县司法局)", False),
         ("法律援助(县司法局)", True)],
    ]


def test_covered_cells_point_at_the_cell_that_spans_them():
    document = read(GRID_PAGE)
    last_row = [block for block in document.blocks if block.kind is BlockKind.table_row][-1]
    assert [cell.span.locator for cell in last_row.cells] == [
        "table[1]/tr[3]/td[1]", "table[1]/tr[5]/td[1]", "table[1]/tr[5]/td[2]",
        "table[1]/tr[5]/td[2]"]


def test_a_notes_row_across_the_end_of_the_table_is_a_paragraph():
    # Copies in every column would read as a catalogue item named by the note.
    document = read(GRID_PAGE)
    assert lines(document)[-1] == "注:标*的为本县增加项目"
    assert document.blocks[-1].kind is BlockKind.paragraph and document.blocks[-1].cells == []


def test_a_one_column_layout_table_is_read_as_text():
    page = ("<html><body><table><tr><td><h1>某县人民政府关于加强养老服务工作的通知</h1></td></tr>"
            "<tr><td><p>一、加强居家养老服务,为老年人提供助餐助浴服务。</p>"
            "<p>二、完善机构养老服务,提升护理型床位占比。</p></td></tr>"
            "</table></body></html>")
    document = read(page)
    assert rows(document) == []
    assert lines(document) == ["某县人民政府关于加强养老服务工作的通知",
                               "一、加强居家养老服务,为老年人提供助餐助浴服务。",
                               "二、完善机构养老服务,提升护理型床位占比。"]


# --- charsets ---------------------------------------------------------------------------

SMALL_TITLE = "某市民政局关于做好养老服务工作的通知"


def small_page(head: str, body: str) -> str:
    return (f"<html><head>{head}<title>{SMALL_TITLE}_某市民政局</title></head>"
            f"<body><div id=\"zoom\">{body}</div></body></html>")


def test_gbk_page_declared_gb2312_reads_as_gb18030():
    # 镕 is in GBK but not in GB2312: pages declared gb2312 hold such characters.
    body = "<p>朱镕基同志关于养老服务工作的批示精神,各地要认真贯彻落实。</p>"
    document = read(small_page('<meta charset="gb2312">', body), "gbk")
    assert document.encoding == "gb18030"
    assert "朱镕基同志关于养老服务工作的批示精神,各地要认真贯彻落实。" in lines(document)


def test_undeclared_gb18030_page_is_sniffed():
    # 䶮 is outside GBK: only GB18030 encodes it.
    body = "<p>刘䶮等老年人享受高龄津贴,每人每月100元。</p>"
    document = read(small_page("", body), "gb18030")
    assert document.encoding == "gb18030"
    assert "刘䶮等老年人享受高龄津贴,每人每月100元。" in lines(document)


def test_utf8_bom_wins_over_a_declaration():
    page = small_page('<meta charset="gbk">', "<p>开展老年人能力综合评估工作。</p>")
    document = read_html(Path("notice.html"), b"\xef\xbb\xbf" + page.encode("utf-8"))
    assert document.encoding == "utf-8-sig"
    assert "开展老年人能力综合评估工作。" in lines(document)


def test_utf8_page_with_a_stale_gbk_declaration_reads_as_utf8():
    page = small_page('<meta http-equiv="Content-Type" content="text/html; charset=gbk">',
                      "<p>建立基本养老服务清单制度,明确服务对象和内容。</p>")
    document = read(page, "utf-8")
    assert document.encoding == "utf-8"
    assert "建立基本养老服务清单制度,明确服务对象和内容。" in lines(document)
    assert [warning.code for warning in document.warnings] == ["charset_mismatch"]


def test_undecodable_bytes_raise_e003():
    with pytest.raises(ExtractionError) as raised:
        read_html(Path("notice.html"), b"<html><body>" + b"\xff\xfe\xfa\x81\x30\xff\xff" * 20)
    assert raised.value.code == "E003_undecodable"


# --- paragraphs -------------------------------------------------------------------------

def test_br_lines_and_full_width_indents_are_paragraphs():
    page = small_page("", (
        "\u3000\u3000一、总体要求<br>"
        "\u3000\u3000到2025年,基本养老服务体系\n  基本建成。<br/><br/>"
        "\u3000\u3000二、重点任务\u3000\u3000(一)完善服务清单。\u3000\u3000(二)加强能力评估。"
        "<p>&nbsp;&nbsp;&nbsp;&nbsp;三、保障措施&nbsp;&nbsp;&nbsp;&nbsp;各地要加强组织领导。</p>"
        "<p>(责任单位:市民政局&nbsp;&nbsp;市财政局)</p>"))
    document = read(page)
    assert lines(document) == [
        SMALL_TITLE,
        "一、总体要求",
        "到2025年,基本养老服务体系基本建成。",
        "二、重点任务", "(一)完善服务清单。", "(二)加强能力评估。",
        "三、保障措施", "各地要加强组织领导。",
        "(责任单位:市民政局 市财政局)",
    ]
    locators = [block.span.locator for block in document.blocks]
    assert locators[1:4] == ["div[@id=zoom]", "div[@id=zoom]/br[1]", "div[@id=zoom]/br[3]"]
    assert locators[6] == "div[@id=zoom]/p[1]"


def test_whitespace_between_chinese_is_dropped_but_kept_around_latin():
    page = small_page("", "<p>到 2025 年,建成\n      <span>覆盖全体老年人</span>的 <b>\n基本养老</b>服务体系。</p>")
    assert lines(read(page))[-1] == "到 2025 年,建成覆盖全体老年人的基本养老服务体系。"


# --- finding the article ----------------------------------------------------------------

DENSITY_PAGE = """<html><head><title>关于做好老年人助餐服务工作的通知 - 某县民政局</title></head><body>
<div id="header"><a href="/">某县民政局</a></div>
<div class="left">
  <ul><li><a href="/a">关于做好冬季救助工作的通知</a></li><li><a href="/b">关于开展养老机构检查的通知</a></li>
      <li><a href="/c">关于公布特困供养人员名单的公告</a></li><li><a href="/d">关于表彰优秀养老护理员的决定</a></li></ul>
</div>
<div class="right">
  <div class="wrap">
    <p>各乡镇人民政府,县直有关单位:</p>
    <p>为做好老年人助餐服务工作,现将有关事项通知如下。</p>
    <p>一、各乡镇要在2025年底前建成老年食堂。</p>
  </div>
</div>
<div class="bottom">版权所有:某县民政局 网站标识码:5300000001</div>
</body></html>"""


def test_without_cms_markers_the_densest_chinese_text_is_the_article():
    document = read(DENSITY_PAGE)
    assert lines(document) == [
        "关于做好老年人助餐服务工作的通知",  # the <title> without the site's name
        "各乡镇人民政府,县直有关单位:",
        "为做好老年人助餐服务工作,现将有关事项通知如下。",
        "一、各乡镇要在2025年底前建成老年食堂。",
    ]
    assert document.blocks[0].span.locator == "head/title"
    assert document.blocks[1].span.locator == "body[1]/div[3]/div[1]/p[1]"


OLD_SITE_PAGE = """<html><head><title>某县人民政府</title></head><body>
<table width="1000"><tr><td><img src="logo.png"></td></tr></table>
<table width="1000"><tr>
<td width="200"><ul><li><a href="/1">政府信息公开指南</a></li><li><a href="/2">政府信息公开制度</a></li></ul></td>
<td width="800">
 <ul class="xxgk-info"><li><span>索引号:</span>00000-2024-0001</li><li><span>文号:</span>某民发〔2024〕8号</li></ul>
 <p align="center"><font size="5"><b>某县民政局关于开展特殊困难老年人探访关爱服务的通知</b></font></p>
 <p><span>&nbsp;&nbsp;&nbsp; 一、探访对象。独居、空巢、留守、失能老年人。</span></p>
 <p><span>&nbsp;&nbsp;&nbsp; 二、探访频次。每月至少探访1次。(责任单位:县民政局、各乡镇人民政府)</span></p>
 <p align="right">某县民政局</p><p align="right">2024年3月1日</p>
</td></tr></table>
<table width="1000"><tr><td align="center">主办单位:某县人民政府办公室 版权所有 技术支持:某某科技</td></tr></table>
</body></html>"""


def test_two_column_layout_table_is_read_as_text_not_rows():
    document = read(OLD_SITE_PAGE)
    assert rows(document) == []
    assert lines(document) == [
        "索引号:00000-2024-0001", "文号:某民发〔2024〕8号",
        "某县民政局关于开展特殊困难老年人探访关爱服务的通知",
        "一、探访对象。独居、空巢、留守、失能老年人。",
        "二、探访频次。每月至少探访1次。(责任单位:县民政局、各乡镇人民政府)",
        "某县民政局", "2024年3月1日",
    ]  # the <title> is only the site's name, so it is no title line
    record = extract_notice(document.model_copy(update={"sha256": "0" * 64}))
    assert (record.document.title, record.document.doc_number, record.document.date) == (
        "某县民政局关于开展特殊困难老年人探访关爱服务的通知", "某民发〔2024〕8号", "2024-03-01")


def test_page_without_article_text_is_read_without_error():
    page = """<html><head><title>某市人民政府</title></head><body>
    <div class="nav"><a href="/">首页</a><a href="/zwgk">政务公开</a></div>
    <div id="content"></div>
    <div class="footer"><p>主办:某市人民政府办公室 承办:某市大数据中心</p>
    <p>地址:某市人民路1号 邮编:041000 联系电话:0357-0000000</p>
    <p>版权所有:某市人民政府 网站标识码:1400000001 晋ICP备12345678号</p></div>
    </body></html>"""
    document = read(page)
    assert document.text == ""  # the footer is all the page's text, and still furniture
    assert [warning.code for warning in document.warnings] == ["html_body_not_found"]
    record = extract_notice(document.model_copy(update={"sha256": "0" * 64}))
    assert "nothing_extracted" in [warning.code for warning in record.warnings]


def test_a_wrapper_named_like_furniture_keeps_the_article_inside():
    page = small_page("", "").replace('<div id="zoom"></div>', """
    <div class="layout-with-sidebar">
      <div class="zoom"><p>各县(市、区)民政局:现将养老服务工作有关事项通知如下。</p></div>
      <div class="sidebar"><p>相关文章:关于做好冬季救助工作的通知</p></div>
    </div>""")
    assert lines(read(page)) == [SMALL_TITLE, "各县(市、区)民政局:现将养老服务工作有关事项通知如下。"]


def test_empty_html_is_read_without_error():
    document = read("<html></html>")
    assert document.text == "" and document.blocks == []


@pytest.mark.parametrize("title, expected", [
    ("某市人民政府办公室关于印发某方案的通知_政策文件_某市人民政府", "某市人民政府办公室关于印发某方案的通知"),
    ("某县民政局 | 关于开展老年人能力评估的通知", "关于开展老年人能力评估的通知"),
    ("关于推进2023-2025年养老服务体系建设的意见", "关于推进2023-2025年养老服务体系建设的意见"),
])
def test_page_title_loses_the_site_name(title, expected):
    assert clean_page_title(title) == expected


def test_heading_matches_a_page_title_cut_short_or_without_issuer():
    assert titles_match("某市人民政府办公室关于印发基本养老服务体系实施方案的通知",
                        "某市人民政府办公室关于印发基本养老服务体系...")
    assert titles_match("关于印发基本养老服务体系建设实施方案的通知",
                        "某市人民政府办公室关于印发基本养老服务体系建设实施方案的通知")
    assert not titles_match("某市人民政府", "某市人民政府办公室关于印发基本养老服务体系建设实施方案的通知")


def test_issuer_comes_from_the_metadata_table_when_the_title_has_none():
    page = """<html><head><title>关于印发养老服务实施方案的通知</title></head><body>
    <table><tr><td>发文机关:</td><td>某市民政局</td><td>发文字号:</td><td>某民发〔2024〕3号</td></tr></table>
    <div class="TRS_Editor"><h1>关于印发养老服务实施方案的通知</h1>
    <p>各县(市、区)民政局:现将《养老服务实施方案》印发给你们,请认真贯彻执行。</p></div>
    </body></html>"""
    record = extract_notice(read(page).model_copy(update={"sha256": "0" * 64}))
    assert record.document.issuer == "某市民政局"


# --- pages as published: an article fragment, as gov.cn and reposting sites give it ------

# The shape of a gov.cn article page (samples/real/html/): no <html> or <body>, a
# metadata table with full-width colons and spaced labels, the article inside nested
# layout tables, a title split by <br>, and the page's widgets after the text.
GOV_FRAGMENT = """<div class="wrap" style=" font-family:宋体">
 <table width="930" border="0"><tbody><tr><td>
  <table width="860" class="bd1"><tbody>
   <tr><td width="70"><b>索 引 号：</b></td><td>000014349/2019-00007</td>
       <td><b>主题分类：</b></td><td>市场监管、安全生产监管\\工商</td></tr>
   <tr><td><b>发文机关：</b></td><td>国务院</td><td><b>成文日期：</b></td><td>2019年01月27日</td></tr>
   <tr><td><b>标　　题：</b></td><td colspan="3">国务院关于在市场监管领域全面推行部门联合监管的意见</td></tr>
   <tr><td><b>发文字号：</b></td><td>国发〔2019〕5号</td><td><b>发布日期：</b></td><td>2019年02月15日</td></tr>
  </tbody></table></td></tr></tbody></table>
 <table width="930"><tbody><tr><td width="675"><table width="650"><tbody><tr>
  <td class="b12c" id="UCAP-CONTENT"><p style="text-align: center;"><span><span style="font-size: 18pt;">国务院关于在市场监管领域全面推行</span><br> <span>部门联合监管的意见</span></span></p>
  <p style="text-align: center;"><span>国发〔2019〕5号</span></p>
  <p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
  <p style="text-indent: 2em;"><span style="font-weight: bold;">三、重点任务</span></p>
  <p style="text-indent: 2em;"><span style="font-family: 楷体;">（一）统筹建设监管工作平台。</span></p>
  <p style="text-indent: 2em;">各省（区、市）人民政府要建设本辖区统一的监管工作平台。</p>
  <p style="text-align: right;">国务院 &nbsp; &nbsp; &nbsp; &nbsp;</p>
  <p style="text-align: right;">2019年1月27日 &nbsp; &nbsp;</p>
  <p>（此件公开发布）</p></td></tr></tbody></table>
  <div id="div_div"><div id="qr_container">扫一扫在手机打开当前页</div></div>
  <table><tbody><tr><td><a href="#" onclick="window.print()">打印</a>
   <a href="#" onclick="window.close()">关闭</a></td></tr></tbody></table>
 </td></tr></tbody></table></div>"""


@pytest.fixture(scope="module")
def fragment(tmp_path_factory):
    path = tmp_path_factory.mktemp("fragment") / "notice.html"
    path.write_text(GOV_FRAGMENT, encoding="utf-8")
    return read_document(path)


def test_an_article_fragment_is_html_not_a_format_mismatch(fragment):
    assert fragment.format == "html"
    assert [warning.code for warning in fragment.warnings] == []


def test_a_metadata_table_with_full_width_colons_is_kept_before_the_title(fragment):
    assert lines(fragment)[:5] == [
        "索引号：\t000014349/2019-00007\t主题分类：\t市场监管、安全生产监管\\工商",
        "发文机关：\t国务院\t成文日期：\t2019年01月27日",
        "标 题：\t国务院关于在市场监管领域全面推行部门联合监管的意见\t国务院关于在市场监管领域全面推行部门联合监管的意见"
        "\t国务院关于在市场监管领域全面推行部门联合监管的意见",
        "发文字号：\t国发〔2019〕5号\t发布日期：\t2019年02月15日",
        "国务院关于在市场监管领域全面推行"]


def test_a_fragment_gives_the_document_fields_with_their_places(fragment):
    meta = extract_notice(fragment).document
    assert (meta.title, meta.issuer, meta.doc_number, meta.date, meta.region) == (
        "国务院关于在市场监管领域全面推行部门联合监管的意见", "国务院", "国发〔2019〕5号", "2019-01-27",
        "全国")
    assert meta.sources["issuer"].locator == "table[2]/tr[2]/td[2]"
    assert meta.sources["title"].locator == "table[2]/tr[3]/td[2]"


def test_page_widgets_after_the_article_are_left_out(fragment):
    text = fragment.text
    assert "扫一扫" not in text and "打印" not in text and "关闭" not in text
    assert lines(fragment)[-1] == "（此件公开发布）"


# Word saved as a web page: MsoNormal paragraphs, nested spans, <o:p>, &nbsp; and
# full-width indents, conditional comments, CRLF line ends.
WORD_EXPORT = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
    '<meta http-equiv=Content-Type content="text/html; charset=gb2312">'
    '<!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>admin</o:Author>'
    '</o:DocumentProperties></xml><![endif]--></head><body lang=ZH-CN>\r\n'
    '<div class=WordSection1>\r\n'
    '<p class=MsoNormal align=center style=\'text-align:center\'><b><span style=\'font-size:22.0pt;'
    'font-family:方正小标宋简体\'>某县人民政府办公室关于推进养老服务工作的通知<o:p></o:p></span></b></p>\r\n'
    '<p class=MsoNormal><span lang=EN-US>&nbsp;</span></p>\r\n'
    '<p class=MsoNormal style=\'text-indent:32.0pt\'><span style=\'font-family:黑体\'>一、重点任务'
    '<span lang=EN-US><o:p></o:p></span></span></p>\r\n'
    '<p class=MsoNormal><span>\u3000\u3000（一）完善服务</span><span>清单。按程序发布。'
    '（责任单位：县<span lang=EN-US>民政局</span>、县财政局）<o:p></o:p></span></p>\r\n'
    '<p class=MsoNormal><span lang=EN-US>&nbsp;&nbsp;&nbsp;&nbsp;</span><span>（二）开展能力评估。'
    '每年评估<span lang=EN-US>1</span>次。（责任单位：县卫健局）</span></p>\r\n'
    '</div></body></html>\r\n')


def test_a_word_exported_page_reads_as_its_paragraphs():
    document = read(WORD_EXPORT, "gbk")
    assert lines(document) == [
        "某县人民政府办公室关于推进养老服务工作的通知", "一、重点任务",
        "（一）完善服务清单。按程序发布。（责任单位：县民政局、县财政局）",
        "（二）开展能力评估。每年评估1次。（责任单位：县卫健局）"]
    record = extract_notice(document.model_copy(update={"sha256": "0" * 64}))
    assert [(t.number, t.responsible_units, [(f.value, f.unit) for f in t.figures])
            for t in record.tasks] == [("1", ["县民政局", "县财政局"], []),
                                       ("2", ["县卫健局"], [(1, "次")])]


def test_a_page_saved_with_its_http_response_takes_the_charset_of_its_header(tmp_path):
    page = "<html><body><div id='zoom'><p>一、重点任务</p><p>（一）完善服务清单。</p></div></body></html>"
    path = tmp_path / "notice.html"
    path.write_bytes(b"HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html; charset=GBK\r\n\r\n"
                     + page.encode("gbk"))
    document = read_document(path)
    assert (document.format, document.encoding) == ("html", "gb18030")
    assert lines(document) == ["一、重点任务", "（一）完善服务清单。"]
    assert document.warnings == []


def test_lines_split_by_br_inside_one_layout_cell_are_paragraphs():
    page = ("<table><tr><td>一、重点任务<br>（一）完善基本养老服务清单。<br/>（二）开展老年人能力综合评估。"
            "</td></tr></table>")
    assert lines(read(page)) == ["一、重点任务", "（一）完善基本养老服务清单。", "（二）开展老年人能力综合评估。"]


def test_a_utf8_bom_before_a_gbk_page_reads_the_gbk_with_a_warning():
    from pipeline.ingest.html.charset import decode_html
    page = '<meta charset="gbk"><p>关于推进基本养老服务体系建设的通知</p>'
    decoded = decode_html(b"\xef\xbb\xbf" + page.encode("gbk"))
    assert decoded.text == page and decoded.encoding == "gb18030"
    assert [w.code for w in decoded.warnings] == ["charset_mismatch"]
    assert "byte-order mark" in decoded.warnings[0].message


def test_spans_that_would_fill_millions_of_positions_are_refused():
    row = '<td rowspan="100" colspan="100">服务</td>' * 30
    page = f"<html><body><p>通知</p><table>{f'<tr>{row}</tr>' * 30}</table></body></html>"
    with pytest.raises(ExtractionError) as caught:
        read(page)
    assert caught.value.code == "E014_too_large" and "rowspan/colspan" in str(caught.value)


def test_a_row_with_no_cell_is_read_past():
    """<tr></tr> at a table's end (a truncated page) read as an IndexError."""
    page = GRID_PAGE.replace("</table>", "<tr></tr></table>", 1)
    expected = rows(read(GRID_PAGE))
    assert rows(read(page))[:len(expected)] == expected
