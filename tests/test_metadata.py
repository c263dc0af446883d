"""Title, issuer, 发文字号, date and region from a notice's header and signature."""
from pipeline.metadata import blocks_to_metadata, region_of
from pipeline.segment import text_to_blocks

SIGNED_NOTICE = """
安阳市人民政府办公室文件
安政办〔2024〕12号
安阳市人民政府办公室
关于印发安阳市养老服务体系建设实施方案的通知
各县(市、区)人民政府,市人民政府各部门:
根据《河南省人民政府办公厅关于推进基本养老服务体系建设的实施意见》(豫政办〔2023〕35号),现印发给你们。
安阳市人民政府办公室
2024年3月8日
(此件公开发布)
安阳市人民政府办公室 2024年3月12日印发
"""

WEB_PAGE = """您的位置:首页>信息公开
名称:某县民政局关于开展养老服务...
发文字号:某民发〔2022〕7号
发布日期:2022-09-30
某县民政局关于开展特困老年人探访关爱服务的通知
各乡镇人民政府:
一、工作内容
"""


def meta(text):
    return blocks_to_metadata(text_to_blocks(text))


def test_signed_notice():
    found = meta(SIGNED_NOTICE)
    assert found.title == "安阳市人民政府办公室关于印发安阳市养老服务体系建设实施方案的通知"
    assert found.issuer == "安阳市人民政府办公室"
    assert found.doc_number == "安政办〔2024〕12号"
    assert found.date == "2024-03-08"  # the signing date, not the printing date
    assert found.region == "安阳市"


def test_cited_document_number_is_not_the_notice_number():
    text = SIGNED_NOTICE.replace("安政办〔2024〕12号\n", "")
    assert meta(text).doc_number is None


def test_web_page_labels():
    found = meta(WEB_PAGE)
    assert found.title == "某县民政局关于开展特困老年人探访关爱服务的通知"
    assert found.doc_number == "某民发〔2022〕7号"
    assert found.date == "2022-09-30"
    assert found.issuer == "某县民政局"


def test_title_split_over_lines_is_joined():
    text = "枣庄市民政局\n关于做好高龄津贴发放工作\n的通知\n各区(市)民政局:\n"
    assert meta(text).title == "枣庄市民政局关于做好高龄津贴发放工作的通知"


def test_chinese_numeral_date():
    text = "某市民政局关于调整高龄津贴的通知\n正文。\n某市民政局\n二〇二三年十二月十六日\n"
    assert meta(text).date == "2023-12-16"


def test_title_provenance_points_at_the_source():
    found = meta(SIGNED_NOTICE)
    span = found.sources["title"]
    assert "关于印发" in SIGNED_NOTICE[span.start:span.end]


def test_region():
    assert region_of("本溪市推进基本养老服务体系建设实施方案") == "本溪市"
    assert region_of("关于推进全市养老服务的通知") is None
    assert region_of("恩施土家族苗族自治州人民政府办公室") == "恩施土家族苗族自治州"


# A gov.cn page converted to text: each cell of its metadata table on a line of its own.
CONVERTED_PAGE = """索 引 号：
000014349/2019-00007
发文机关：
国务院办公厅
成文日期：
2019年01月22日
标　　题：
国务院办公厅关于有效发挥政府性融资担保基金作用的指导意见
发文字号：
国办发〔2019〕6号
发布日期：
2019年02月14日
主 题 词：
国务院办公厅关于有效发挥政府性
融资担保基金作用的指导意见
国办发〔2019〕6号
一、总体要求
"""


def test_a_label_line_takes_the_next_line_as_its_value():
    found = meta(CONVERTED_PAGE)
    assert (found.title, found.issuer, found.doc_number, found.date) == (
        "国务院办公厅关于有效发挥政府性融资担保基金作用的指导意见", "国务院办公厅", "国办发〔2019〕6号",
        "2019-01-22")
    assert CONVERTED_PAGE[found.sources["issuer"].start:found.sources["issuer"].end] == "国务院办公厅"


def test_national_issuers_govern_the_whole_country():
    assert meta(CONVERTED_PAGE).region == "全国"
    assert region_of("民政部关于进一步扩大养老服务供给的意见") == "全国"


def test_the_publishing_office_is_not_the_issuer():
    text = "发布机构:市政府办文电科\n鹤岗市人民政府办公室关于印发试点工作方案的通知\n一、总体要求\n"
    assert meta(text).issuer == "鹤岗市人民政府办公室"
    assert meta("发布机构:某县民政局\n关于开展养老服务专项检查工作的通知\n一、检查内容\n").issuer == "某县民政局"


def test_a_row_of_label_and_value_cells_gives_the_fields():
    text = "发文机关:\t国务院\t成文日期:\t2018年11月07日\n发文字号:\t国发〔2018〕38号\t发布日期:\t2018年11月23日\n"
    found = meta(text)
    assert (found.issuer, found.doc_number, found.date) == ("国务院", "国发〔2018〕38号", "2018-11-07")


def test_an_order_is_issued_by_who_orders_it():
    text = "中华人民共和国国务院令\n第706号\n《专利代理条例》已经国务院常务会议修订通过,现予公布。\n总理 李克强\n2018年11月6日\n专利代理条例\n"
    found = meta(text)
    assert (found.issuer, found.date, found.region) == ("国务院", "2018-11-06", "全国")


def test_the_signing_date_stands_below_the_title_not_in_the_metadata():
    text = "成文日期:\n2004年04月17日\n国务院办公厅关于同意申办运动会的复函\n黑龙江省人民政府:\n同意申办。\n国务院办公厅\n二〇〇四年四月二十七日\n"
    assert meta(text).date == "2004-04-27"
