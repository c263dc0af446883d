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
