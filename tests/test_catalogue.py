"""Catalogue tables to items: merged cells, slid columns, marks and misplaced labels."""
from pipeline.assemble import extract_notice
from pipeline.model import SourceDocument


def notice(text):
    return extract_notice(SourceDocument(path="t.txt", sha256="0" * 64, format="text",
                                         encoding="utf-8", text=text))


def catalogue(text):
    return notice(text).catalogue


def codes(item):
    return {flag.code for flag in item.flags}


PIPE = """服务对象 | 服务项目 | 服务内容 | 服务类型 | 服务标准 | 支出责任 | 牵头部门 | |
80周岁及以上老年人 | 1 | 高龄津贴 | 为80周岁及以上老年人发放高龄津贴。 | 物质 帮助 | 80-89周岁每人每月100元、200元和500元。 | 县财政负担。 | 县民政局 |
2 | 百岁补贴 | 为百岁老人发放补贴。 | 物质帮助 | 所需资金由县财政承担。 | 县民政局、县卫健局 | ||
"""


def test_merged_target_group_is_carried_down():
    items = catalogue(PIPE)
    assert [item.target_group for item in items] == ["80周岁及以上老年人"] * 2
    assert items[0].min_age == 80
    assert "target_group_carried" in codes(items[1])


def test_columns_and_values():
    first = catalogue(PIPE)[0]
    assert (first.seq, first.name, first.service_type) == (1, "高龄津贴", "物质帮助")
    assert first.standard.startswith("80-89周岁") and first.funding == "县财政负担。"
    assert [amount.value for amount in first.amounts] == [100, 200, 500]
    assert first.lead_units == ["县民政局"]


def test_slid_columns_are_repaired_by_their_words():
    second = catalogue(PIPE)[1]
    assert second.standard is None and second.funding == "所需资金由县财政承担。"
    assert second.lead_units == ["县民政局", "县卫健局"]
    assert "column_slide_repaired" in codes(second)


def test_value_provenance_points_at_the_cell():
    item = catalogue(PIPE)[0]
    span = item.sources["content"]
    assert PIPE[span.start:span.end] == item.content
    amount = item.amounts[0]
    assert PIPE[amount.span.start:amount.span.end] == amount.text == "每人每月100元"


TAB_WITH_MARKS = """对象\t服务项目\t服务内容\t服务类型\t牵头落实部门
65周岁及以上老年人\t1 健康管理\t每年为65周岁及以上老年人提供1次健康体检。\t医疗服务\t市卫健委
\t*2 助餐服务\t为老年人提供助餐。\t照护服务\t市民政局
80周岁及以上老年人\t3 城市公交优惠\t65周岁及以上老年人免费乘坐公交车。\t关爱服务\t市交通局
\t4 高龄津贴\t为80周岁及以上老年人发放高龄津贴。\t物质帮助\t市民政局
说明:标*号的为本市增加项目
"""


def test_star_marks_a_local_addition():
    items = catalogue(TAB_WITH_MARKS)
    assert [item.local_addition for item in items] == [False, True, False, False]
    assert items[1].name == "助餐服务"


def test_label_printed_one_row_early_stays_with_the_group_its_row_fits():
    items = catalogue(TAB_WITH_MARKS)
    assert [item.target_group for item in items] == [
        "65周岁及以上老年人", "65周岁及以上老年人", "65周岁及以上老年人", "80周岁及以上老年人"]
    assert "target_group_reassigned" in codes(items[2])


CENTRED = """服务对象\t服务项目\t\t服务内容及标准\t牵头责任部门
\t1\t职工基本养老保险\t按时足额发放基本养老金。\t县人社局
3 就医便利 60 周岁及以上 4 迁移户口\t2\t就医便利\t优先就诊。\t县卫健局
\t迁移户口\t按照有关政策规定办理。\t县公安局
老年人\t4\t乘坐公交\t免费乘坐公共交通工具。\t县交运局
(E 田 出 本 N L\t5\t能力评估\t为 65 周岁及以上老年人提供能力综合评估。\t县民政局
老年人\t6\t健康管理\t每年提供1次免费健康管理服务。\t县卫健局
特困老年人\t7\t分散供养\t对特困老年人提供基本生活条件。\t县民政局
\t8\t最低生活保障\t对生活仍有困难的老年人给予保障。\t县民政局
经济困难 老年人\t9\t困难老年人补贴\t每人每月发放 80 元生活补贴。\t县民政局
\t10\t公证服务\t对经济困难老年人减免公证费。\t县司法局
"""


def test_centred_labels_split_over_rows_and_garbled_labels():
    items = catalogue(CENTRED)
    groups = [item.target_group for item in items]
    assert groups[:4] == ["60周岁及以上老年人"] * 4  # fragments joined, rows above the label
    assert items[2].seq == 3 and "seq_inferred" in codes(items[2])
    assert groups[4:6] == ["65周岁及以上老年人"] * 2  # garbled label read from the row's text
    assert "target_group_inferred" in codes(items[4])
    assert groups[6] == "特困老年人"
    assert groups[7:] == ["经济困难老年人"] * 3  # centred: the row fits the label below
    assert [amount.value for amount in items[8].amounts] == [80]


STACKED_AGE_BRACKETS = """关于印发基本养老服务清单的通知
序号\t服务对象\t服务项目\t服务内容
1\t{0}\t高龄津贴\t每人每月100元
2\t{1}\t高龄津贴\t每人每月200元
3\t{2}\t百岁补贴\t每人每月300元
"""


def test_stacked_age_bracket_labels_stay_one_per_row():
    """Age brackets on consecutive rows are labels of their own, not fragments of one label."""
    for brackets in (["80-89周岁", "90-99周岁", "100周岁及以上"], ["80周岁", "90周岁", "100周岁"]):
        items = catalogue(STACKED_AGE_BRACKETS.format(*brackets))
        assert [item.target_group for item in items] == brackets
        assert [item.min_age for item in items] == [80, 90, 100]
        assert not any("target_group_carried" in codes(item) for item in items)


def test_an_age_bracket_split_from_its_noun_is_still_joined():
    items = catalogue(STACKED_AGE_BRACKETS.format("60周岁及以上", "老年人", "80周岁及以上老年人"))
    assert [item.target_group for item in items] == ["60周岁及以上老年人"] * 2 + ["80周岁及以上老年人"]


def test_no_catalogue_table_gives_no_items():
    assert catalogue("一、总体要求\n服务对象很多。\n") == []


SEQ_FIRST = """序号 | 服务对象 | 服务项目 | 服务内容 | 服务标准 | 责任部门
1 | 70周岁及以上老年人 | 高龄津贴 | 按月发放高龄津贴。 | 每人每月50元 | 区民政局
2 | | 健康体检 | 每年免费体检一次。 | 按规范执行 | 区卫健局
3 | 特困老年人 | 集中供养 | 提供集中供养服务。 | 不低于当地低保标准的1.3倍 | 区民政局
"""


def test_seq_column_before_the_target_group_column():
    items = catalogue(SEQ_FIRST)
    assert [(i.seq, i.target_group, i.name) for i in items] == [
        (1, "70周岁及以上老年人", "高龄津贴"), (2, "70周岁及以上老年人", "健康体检"),
        (3, "特困老年人", "集中供养")]
    assert items[0].standard == "每人每月50元" and items[0].lead_units == ["区民政局"]
    assert [a.value for a in items[0].amounts] == [50]


LATE_GROUP = """序号 | 服务项目 | 服务内容 | 服务类型 | 服务对象 | 服务标准 | 牵头部门
1 | 高龄津贴 | 发放高龄津贴。 | 物质帮助 | 80周岁及以上老年人 | 每人每月100元。 | 县民政局
2 | 百岁补贴 | 为百岁老人发放补贴。 | 物质帮助 | 每人每月500元。 | 县民政局
"""


def test_a_merged_cell_that_vanished_mid_row_leaves_the_others_in_their_columns():
    """A late 服务对象 column, merged over two rows, prints on the first row only."""
    first, second = catalogue(LATE_GROUP)
    assert (second.name, second.service_type, second.standard, second.lead_units) == (
        "百岁补贴", "物质帮助", "每人每月500元。", ["县民政局"])
    assert second.target_group == "80周岁及以上老年人" and "target_group_carried" in codes(second)
    assert not {"column_slide_repaired", "field_missing"} & codes(second)


CATEGORY_LINES = """服务对象 | 服务项目 | 服务内容及标准 | 牵头单位
一、物质帮助类
80周岁及以上老年人 | 高龄津贴 | 每人每月100元。 | 县民政局
二、关爱服务类
60周岁及以上老年人 | 法律援助 | 免费提供法律咨询。 | 县司法局
三、其他
公交优惠 | 免费乘坐公交车。 | 县交通局
"""


def test_category_lines_between_rows_give_the_type_and_are_no_headings():
    items = catalogue(CATEGORY_LINES)
    assert [(item.seq, item.name, item.service_type) for item in items] == [
        (1, "高龄津贴", "物质帮助"), (2, "法律援助", "关爱服务"), (3, "公交优惠", None)]
    assert items[2].target_group == "60周岁及以上老年人"  # the merged cell vanished
    assert notice(CATEGORY_LINES).tasks == []  # 一、物质帮助类 heads no task


TWO_ROW_HEADER = """序号 | 服务项目 | 服务对象 | 责任分工
支出责任 | 牵头部门
1 | 高龄津贴 | 80周岁及以上老年人 | 县财政负担。 | 县民政局
"""


def test_a_second_header_row_names_the_columns_under_a_spanning_cell():
    [item] = catalogue(TWO_ROW_HEADER)
    assert (item.funding, item.lead_units) == ("县财政负担。", ["县民政局"])
