"""Review flags on small notices in the samples' layouts, and the notice's review summary.

Each flag is shown where it should be raised and absent on a clean row of the
same table. Layouts: a `|` catalogue with 支出责任 and 牵头部门 columns, a tab
catalogue with 服务类型, a tab catalogue whose 服务项目 spans two columns, a
职责分工表, and task paragraphs with responsibility clauses.
"""
import json

import pytest

from pipeline.assemble import extract_notice
from pipeline.flags import amount_flags, summarise_review
from pipeline.model import NoticeWarning, CatalogueItem, Flag, Quantity, SourceDocument, Task
from pipeline.validate import record_to_json


def notice(text):
    document = SourceDocument(path="t.txt", sha256="0" * 64, format="text", encoding="utf-8",
                              text=text)
    return extract_notice(document)


def flags_of(record, code):
    return [flag for flag in record.flags if flag.code == code]


def codes(record):
    return [flag.code for flag in record.flags]


PIPE = """某县基本养老服务清单
服务对象 | 服务项目 | 服务内容 | 服务类型 | 服务标准 | 支出责任 | 牵头部门 | |
80周岁及以上老年人 | 1 | 高龄津贴 | 为80周岁及以上老年人发放高龄津贴。 | 物质 帮助 | 80-89周岁、90周岁及以上每人每月100元、200元。 | 县财政负担。 | 县民政局 |
2 | 健康体检 | 为65周岁及以上老年人提供健康体检。 | 照护服务 | 每年一次。 | 县财政负担。 | 县卫健局 |
3 | 护理补贴 | 为失能老年人发放护理补贴。 | 物质帮助 | 每人每月发放80元,另发放200元。 | 县财政负担。 | 县民政局 |
4 | 长寿补贴 | 为百岁老人发放长寿补贴。 | 物质帮助 | 每人每年补助1万元。 | 县财政负担。 | 县民政局 |
5 | 探访服务 | 为高龄老年人提供探访服务。 | 关爱服务 | 每月探访一次。 | 县财政负担。 | 县民政局、薛城规划中心 |
6 | 助餐服务 | 为高龄老年人提供助餐服务。 | 照护服务 | 按规定执行。 | 县财政负担。 | |
7 | 百岁补助 | 为百岁老人一次性补助500元。 | 物质帮助 | 按规定执行。 | 县财政负担。 | 县民政局 |
"""


def pipe_items():
    return notice(PIPE).catalogue


def test_a_clean_row_has_no_flags():
    first = pipe_items()[0]
    assert first.flags == []
    assert [amount.per for amount in first.amounts] == ["每人每月"] * 2


# --- units_fallback ----------------------------------------------------------------


def test_catalogue_lead_unit_read_by_the_fallback_rule():
    visiting = pipe_items()[4]
    assert visiting.lead_units == ["县民政局", "薛城规划中心"]  # the value stays as read
    [flag] = flags_of(visiting, "units_fallback")
    assert flag.field == "lead_units" and "“薛城规划中心”" in flag.reason
    assert not any(flags_of(item, "units_fallback") for item in pipe_items()[:4])


TASKS = """某县人民政府办公室关于推进养老服务体系建设的通知
一、重点任务
(一)建立探访制度。每月至少探访一次。(责任单位:县民政局、龙煤鹤公司)
(二)发展助餐服务。新增助餐点20个。(责任单位:县商务局、县民政局)
(三)完善设施网络
1.建设服务中心。每个乡镇建成1所。
2.建设服务站。每个社区建成1个。
(牵头单位:县自然资源;责任单位:县民政局)
"""


def test_task_clause_unit_read_by_the_fallback_rule():
    visiting, meals, network, centre, station = notice(TASKS).tasks
    [flag] = flags_of(visiting, "units_fallback")
    assert flag.field == "responsible_units" and "“龙煤鹤公司”" in flag.reason
    assert meals.flags == []
    assert [f.field for f in flags_of(network, "units_fallback")] == ["lead_units"]


def test_items_inheriting_a_fallback_unit_are_flagged_too():
    *_, centre, station = notice(TASKS).tasks
    for item in (centre, station):
        assert item.lead_units == ["县自然资源"]
        assert codes(item) == ["units_inherited", "units_fallback"]


DUTY = """某区基本养老服务体系建设重点任务分工
项目\t细化政策\t牵头单位\t责任单位
一、建立健全基本养老服务制度\t一、建立健全基本养老服务制度
1、健全清单制度\t发布基本养老服务清单。\t区民政局\t区财政局
2、健全探访制度\t建立探访关爱制度。\t\t区财政局
3、加强设施规划\t编制设施布局规划。\t区民政局\t区自然资源局 薛城规划中心
"""


def test_duty_table_unit_read_by_the_fallback_rule():
    *_, planning = notice(DUTY).tasks
    assert planning.responsible_units == ["区自然资源局", "薛城规划中心"]
    [flag] = flags_of(planning, "units_fallback")
    assert flag.field == "responsible_units" and "“薛城规划中心”" in flag.reason


# --- age_mismatch -------------------------------------------------------------------


def test_content_age_below_the_target_groups():
    check_up = pipe_items()[1]
    assert check_up.target_group == "80周岁及以上老年人"  # carried down, unchanged
    [flag] = flags_of(check_up, "age_mismatch")
    assert flag.field == "target_group"
    assert "65周岁" in flag.reason and "“80周岁及以上老年人”" in flag.reason


def test_ages_at_or_above_the_groups_minimum_are_no_mismatch():
    allowance = pipe_items()[0]  # 80-89周岁、90周岁及以上 under 80周岁及以上
    assert not flags_of(allowance, "age_mismatch")


def test_an_age_that_is_not_an_elderly_persons_is_ignored():
    text = PIPE.replace("为失能老年人发放护理补贴", "为子女未满18周岁的老年人发放护理补贴")
    assert not flags_of(notice(text).catalogue[2], "age_mismatch")


# --- amount_unclear -------------------------------------------------------------------


def test_amount_without_the_basis_the_rows_other_amounts_state():
    care = pipe_items()[2]
    assert [(a.text, a.per) for a in care.amounts] == [("80元", "每人每月"), ("200元", None)]
    [flag] = flags_of(care, "amount_unclear")
    assert flag.field == "amounts"
    assert flag.reason.startswith("“200元” states no per-person or per-period basis")
    assert "“80元” (每人每月)" in flag.reason


def test_ten_thousands_in_a_per_person_standard():
    [flag] = flags_of(pipe_items()[3], "amount_unclear")
    assert flag.reason == "“1万元” (每人每年) is in 万元 in a per-person standard"


def test_a_lone_amount_without_basis_is_not_flagged():
    one_off = pipe_items()[6]
    assert [a.per for a in one_off.amounts] == [None]
    assert one_off.flags == [flags_of(one_off, "target_group_carried")[0]]


def test_amount_rules_on_quantities():
    month = Quantity(value=100, unit="元", text="每人每月100元", per="每人每月")
    bare = Quantity(value=300, unit="元", text="300元")
    fund = Quantity(value=2, unit="万元", text="2万元")
    assert amount_flags([month, month]) == [] and amount_flags([bare, fund]) == []
    assert len(amount_flags([month, bare])) == 1
    per_bed = Quantity(value=1, unit="万元", text="每张床位1万元", per="每张床位")
    assert amount_flags([per_bed]) == []  # a per-bed grant may well be in 万元


# --- field_missing --------------------------------------------------------------------


def test_empty_lead_cell_under_a_lead_column():
    meals = pipe_items()[5]
    assert meals.lead_units == []
    [flag] = flags_of(meals, "field_missing")
    assert flag.field == "lead_units" and "牵头部门" in flag.reason


TAB = """对象\t服务项目\t服务内容\t服务类型\t牵头落实部门
65周岁及以上老年人\t1 健康管理\t每年为65周岁及以上老年人提供1次健康体检。\t医疗服务\t市卫健委
\t2 助餐服务\t为老年人提供助餐。\t照护服务\t
\t3 助浴服务\t为老年人提供助浴。\t\t市民政局
"""


def test_empty_cells_in_a_tab_layout():
    health, meals, bathing = notice(TAB).catalogue
    assert not flags_of(health, "field_missing")
    assert (meals.service_type, meals.lead_units) == ("照护服务", [])  # the type is no unit
    assert [(f.field, "牵头落实部门" in f.reason) for f in flags_of(meals, "field_missing")] == [
        ("lead_units", True)]
    assert [f.field for f in flags_of(bathing, "field_missing")] == ["service_type"]


SPLIT = """服务对象\t服务项目\t\t服务内容及标准\t牵头责任部门
\t1\t职工基本养老保险\t对符合条件的参保老年人按时足额发放基本养老金。\t区人社局
\t2\t乘坐公交\t\t区交运局
老年人\t3\t进入公共文化设施\t免费进入公共文化馆。\t区文旅局
"""


def test_empty_content_cell_is_named_by_its_printed_header():
    pension, bus, culture = notice(SPLIT).catalogue
    [flag] = flags_of(bus, "field_missing")
    assert flag.field == "content" and "服务内容及标准" in flag.reason
    assert not flags_of(pension, "field_missing") and culture.flags == []


def test_slid_column_is_flagged_once_not_also_as_missing():
    text = PIPE.replace("| 按规定执行。 | 县财政负担。 | |", "| | 县财政负担。 | 县民政局 |")
    meals = notice(text).catalogue[5]
    assert meals.standard is None and meals.funding == "县财政负担。"
    assert [f.field for f in meals.flags if f.code in ("column_slide_repaired", "field_missing")] \
        == ["standard"]


def test_empty_lead_cell_of_a_duty_table_row():
    group, listing, visiting, _ = notice(DUTY).tasks
    [flag] = flags_of(visiting, "field_missing")
    assert flag.field == "lead_units" and "牵头单位" in flag.reason
    assert visiting.responsible_units == ["区财政局"]
    assert listing.flags == [] and group.flags == []  # a group row has no unit cells


# --- the review summary ---------------------------------------------------------------


def test_summary_counts_records_flagged_records_and_codes():
    record = notice(PIPE)
    assert record.review.records == 7
    assert record.review.flagged_records == 6
    assert record.review.flags == {"age_mismatch": 1, "amount_unclear": 2, "field_missing": 1,
                                   "target_group_carried": 6, "units_fallback": 1}
    assert (record.review.corrections_applied, record.review.stale_corrections) == (0, 0)


def test_summary_of_catalogue_and_tasks_together():
    record = notice(TASKS)
    assert record.review.records == len(record.tasks) == 5
    assert record.review.flagged_records == 4
    assert record.review.flags == {"group_clause": 1, "units_fallback": 4, "units_inherited": 2}


def test_summary_codes_are_sorted_whatever_the_order_found():
    flag = lambda code: Flag(code=code, reason="r")
    item = CatalogueItem(id="n/catalogue/1", seq=1, name="a",
                         flags=[flag("units_inherited"), flag("age_mismatch")])
    task = Task(id="n/task/1", number="1", marker="一、", level=1, path=["1"], title="t", text="t",
                flags=[flag("group_clause"), flag("units_inherited")])
    clean = Task(id="n/task/2", number="2", marker="二、", level=1, path=["2"], title="t", text="t")
    summary = summarise_review([item], [task, clean])
    assert (summary.records, summary.flagged_records) == (3, 2)
    assert list(summary.flags.items()) == [("age_mismatch", 1), ("group_clause", 1),
                                           ("units_inherited", 2)]


def test_a_flag_or_warning_code_must_be_registered():
    with pytest.raises(ValueError, match="unknown flag code"):
        Flag(code="units_guessed", reason="r")
    with pytest.raises(ValueError, match="unknown warning code"):
        NoticeWarning(code="catalogue_absent", message="m")


def test_summary_is_written_and_valid():
    data = record_to_json(notice(DUTY))
    assert data["review"] == {"records": 4, "flagged_records": 2,
                              "flags": {"field_missing": 1, "units_fallback": 1},
                              "corrections_applied": 0, "stale_corrections": 0}
    assert json.dumps(data["review"], ensure_ascii=False).index("field_missing") < \
        json.dumps(data["review"], ensure_ascii=False).index("units_fallback")


def test_empty_notice_has_an_empty_summary():
    record = notice("会议纪要\n今天讨论了其他事项。\n")
    assert record.review.records == 0 and record.review.flags == {}
