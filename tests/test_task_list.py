"""Key-task parts to tasks: which parts, levels, clauses, inheritance, tables."""
from pipeline.assemble import extract_notice
from pipeline.model import SourceDocument


def tasks(text):
    document = SourceDocument(path="t.txt", sha256="0" * 64, format="text", encoding="utf-8",
                              text=text)
    return extract_notice(document).tasks


def brief(task_list):
    return [(t.number, t.level, t.parent) for t in task_list]


CONTAINER = """某县人民政府办公室关于推进养老服务体系建设的通知
一、总体要求
(一)指导思想。坚持以人民为中心。
二、重点任务
(一)完善服务制度
1.落实服务清单。到2025年,清单动态调整机制全面建立。
2.开展能力评估。每年至少评估一次。
(责任单位:县民政局、县卫健局按职责分工负责,各乡镇人民政府落实)
(二)提升供给能力
3.建设养老服务中心。由县民政局牵头,每个乡镇建成1所区域养老服务中心。(责任单位:县民政局、县发展改革局)
4.发展助餐服务。新增助餐点20个。(责任单位:县商务局、县民政局)
三、保障措施
(一)加强组织领导。各乡镇要高度重视。
"""


def test_container_part_heading_is_not_a_task():
    found = tasks(CONTAINER)
    assert brief(found) == [("1", 1, None), ("1", 2, "1"), ("2", 2, "1"),
                            ("2", 1, None), ("3", 2, "2"), ("4", 2, "2")]
    assert found[0].title == "完善服务制度"
    assert found[1].title == "落实服务清单"


def test_group_clause_applies_to_the_group_and_its_items():
    found = tasks(CONTAINER)
    expected = ["县民政局", "县卫健局", "各乡镇人民政府"]
    assert [t.responsible_units for t in found[:3]] == [expected] * 3
    assert "units_inherited" in {flag.code for flag in found[1].flags}


def test_item_clauses_lead_phrase_figures_and_deadlines():
    found = tasks(CONTAINER)
    assert found[4].lead_units == ["县民政局"]
    assert found[4].responsible_units == ["县发展改革局"]
    assert [(f.value, f.unit) for f in found[4].figures] == [(1, "所")]
    assert [(f.value, f.unit) for f in found[5].figures] == [(20, "个")]
    assert found[1].deadline_years == [2025]
    assert [(f.value, f.unit) for f in found[2].figures] == [(1, "次")]


SPREAD = """某市人民政府办公室关于基本养老服务体系建设重点任务分工的通知
各区人民政府:排在第一位的部门为牵头部门,下同。
一、健全服务制度
(一)制定服务清单。按程序报批后向社会发布。(责任单位:市民政局、市财政局)
(二)加强统计工作。(责任单位:市统计局、市民政局,各区人民政府)
二、提升服务能力
(三)发展社区养老。到2024年年底前,社区养老服务设施覆盖率达到90%。(责任单位:市民政局)
"""


def test_spread_parts_are_level_one_and_first_listed_unit_leads():
    found = tasks(SPREAD)
    assert brief(found) == [("1", 1, None), ("1", 2, "1"), ("2", 2, "1"),
                            ("2", 1, None), ("3", 2, "2")]
    assert found[1].lead_units == ["市民政局"] and found[1].responsible_units == ["市财政局"]
    assert found[2].lead_units == ["市统计局"]
    assert found[4].deadline_years == [2024]
    assert [(f.value, f.unit) for f in found[4].figures] == [(90, "%")]
    assert found[0].responsible_units == []


DUTY_TABLE = """某区人民政府办公室关于推进养老服务的通知
附件1:职责分工表
项目\t细化政策\t牵头单位\t责任单位
一、强化需求导向,建立\t一、强化需求导向,建立健全养老服务制度\t\t
1、健全清单 制度\t发布清单。\t区民政局\t
2、健全长期护理保障制度\t2023年启动试点,2025年年底前实现全覆盖。\t区医保局\t区民政局 区财政局
二、优化布局,完善\t-养老服务设施\t\t
3、加强规划\t\t区民政局 区自然资源局\t区地方金融 监管局
"""


def test_duty_table_rows():
    found = tasks(DUTY_TABLE)
    assert brief(found) == [("1", 1, None), ("1", 2, "1"), ("2", 2, "1"), ("2", 1, None),
                            ("3", 2, "2")]
    assert found[0].title == "强化需求导向,建立健全养老服务制度"
    assert found[3].title == "优化布局,完善养老服务设施"
    assert found[1].title == "健全清单制度"
    assert found[2].lead_units == ["区医保局"]
    assert found[2].responsible_units == ["区民政局", "区财政局"]
    assert found[2].deadline_years == [2023, 2025]
    assert found[4].lead_units == ["区民政局", "区自然资源局"]
    assert found[4].responsible_units == ["区地方金融监管局"]


def test_notice_without_task_parts_has_no_tasks():
    assert tasks("某市关于养老的通知\n一、总体要求\n(一)指导思想。坚持以人民为中心。\n") == []


def test_ids_follow_the_task_path():
    found = tasks(CONTAINER)
    assert found[1].id.endswith("/task/1.1") and found[4].id.endswith("/task/2.3")


SEQ_DUTY_TABLE = """某州人民政府办公室关于印发基本养老服务重点任务分工方案的通知
重点任务分工表
序号\t重点任务\t牵头单位\t配合单位\t完成时限
1\t建立基本养老服务清单动态调整机制\t州民政局\t州财政局、州发展改革委\t2024年底前
2\t推进居家适老化改造,完成改造500户\t州民政局、州住房城乡建设局\t各县市人民政府\t2025年12月底前
"""


def test_duty_table_numbered_by_a_seq_column():
    found = tasks(SEQ_DUTY_TABLE)
    assert brief(found) == [("1", 1, None), ("2", 1, None)]
    assert found[0].title == "建立基本养老服务清单动态调整机制"
    assert found[0].responsible_units == ["州财政局", "州发展改革委"]
    assert found[0].deadline_years == [2024]
    assert found[1].lead_units == ["州民政局", "州住房城乡建设局"]
    assert [(f.value, f.unit) for f in found[1].figures] == [(500, "户")]
    assert found[1].deadline_years == [2025]


ARABIC_TOP_LEVEL = """某县民政局关于做好特殊困难老年人关爱服务工作的通知
各乡镇人民政府:
1.建立探访制度。每月探访不少于2次。(牵头单位:县民政局;配合单位:县卫健局、各乡镇人民政府)
(1)建立台账。到2024年底实现全覆盖。
(2)开展培训。每年培训探访人员200名。
2.落实兜底保障。(县民政局牵头,县财政局配合)
"""


def test_arabic_top_level_items_with_lead_and_partner_units():
    found = tasks(ARABIC_TOP_LEVEL)
    assert brief(found) == [("1", 1, None), ("1", 2, "1"), ("2", 2, "1"), ("2", 1, None)]
    assert found[0].lead_units == ["县民政局"]
    assert found[0].responsible_units == ["县卫健局", "各乡镇人民政府"]
    assert found[1].lead_units == ["县民政局"]  # inherited with the clause
    assert [(f.value, f.unit) for f in found[2].figures] == [(200, "名")]
    assert found[3].lead_units == ["县民政局"] and found[3].responsible_units == ["县财政局"]
