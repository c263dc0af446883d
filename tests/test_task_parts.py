"""Which parts of a body are key tasks: the whole family of notices, one form at a time.

Each inline notice is the smallest shape of a form a real notice showed; the real
pages themselves are scored in test_real_corpus.
"""
from pipeline.assemble import extract_notice
from pipeline.model import SourceDocument


def tasks(text):
    document = SourceDocument(path="t.txt", sha256="0" * 64, format="text", encoding="utf-8",
                              text=text)
    return extract_notice(document).tasks


def brief(found):
    return [(task.number, task.level, task.parent, task.title) for task in found]


# A body of measures (意见) with no container: each part but the preamble and the
# safeguards is a level-1 task, and （一） numbering runs on across the parts.
BODY_OF_MEASURES = """国务院办公厅关于推进政务公开的指导意见
一、总体要求
（一）指导思想。坚持以人民为中心。
（二）基本原则。坚持依法公开。
二、全面推行公示制度
（三）强化事前公开。行政机关要公开执法主体。
（四）规范事中公示。执法人员要主动出示证件。
三、明确工作职责
主管单位负责推进、指导、协调、监督。
四、加大组织保障力度
（五）加强组织领导。地方各级人民政府要加强领导。
"""


def test_a_body_of_measures_gives_each_part_but_preamble_and_safeguards():
    assert brief(tasks(BODY_OF_MEASURES)) == [
        ("2", 1, None, "全面推行公示制度"), ("3", 2, "2", "强化事前公开"),
        ("4", 2, "2", "规范事中公示"), ("3", 1, None, "明确工作职责")]


def test_safeguards_that_name_units_are_a_task_part():
    text = BODY_OF_MEASURES.replace("地方各级人民政府要加强领导。",
                                    "地方各级人民政府要加强领导。(责任单位:市民政局)")
    found = tasks(text)
    assert brief(found)[-2:] == [("4", 1, None, "加大组织保障力度"), ("5", 2, "4", "加强组织领导")]
    assert found[-1].responsible_units == ["市民政局"]


# An explicit container among other parts: its items are level 1.
CONTAINER_AND_STEPS = """国务院办公厅关于印发试点工作方案的通知
一、总体要求
（一）试点目标。到2020年，建成体系。
（二）试点范围。选择10个城市。
二、主要任务
（一）强化顶层设计。建立指标体系。
（二）实施绿色生产。全面实施绿色开采。
三、实施步骤
（一）确定试点城市。由省级部门推荐。
四、保障措施
（一）加强组织领导。建立协调机制。
"""


def test_a_container_gives_its_items_as_level_one():
    assert brief(tasks(CONTAINER_AND_STEPS)) == [
        ("1", 1, None, "强化顶层设计"), ("2", 1, None, "实施绿色生产")]


def test_the_only_candidate_part_gives_its_items_as_level_one():
    text = CONTAINER_AND_STEPS.replace("二、主要任务", "二、试点内容")
    assert brief(tasks(text)) == [
        ("1", 1, None, "强化顶层设计"), ("2", 1, None, "实施绿色生产")]


def test_a_scope_part_is_preamble_even_when_it_reads_like_items():
    text = """国务院办公厅关于印发采购试点方案的通知
一、总体要求
（一）目标任务。降低药价。
二、集中采购范围及形式
（一）参加企业。经批准的企业均可参加。
三、具体措施
（一）带量采购，以量换价。按用量的60%—70%估算采购总量。
四、政策衔接，三医联动
（一）探索医保支付标准与采购价协同。
五、组织形式
（一）成立试点工作小组。
"""
    found = tasks(text)
    assert brief(found) == [
        ("3", 1, None, "具体措施"), ("1", 2, "3", "带量采购,以量换价"),
        ("4", 1, None, "政策衔接,三医联动"), ("1", 2, "4", "探索医保支付标准与采购价协同")]
    assert [(f.value, f.unit) for f in found[1].figures] == [(60, "%"), (70, "%")]


# Notices that assign no work.
def test_an_approval_a_decision_and_a_reply_give_no_tasks():
    body = "\n一、原则同意《总体规划》。\n二、紧扣战略定位。要按照高质量发展的要求推进建设。\n"
    for title in ("国务院关于河北雄安新区总体规划（2018—2035年）的批复",
                  "国务院关于2018年度国家科学技术奖励的决定",
                  "国务院办公厅关于同意申办运动会的复函",
                  "国务院办公厅关于对典型经验做法给予表扬的通报"):
        assert tasks(title + body) == [], title


def test_a_schedule_of_dated_entries_gives_no_tasks():
    text = """国务院办公厅关于2019年部分节假日安排的通知
一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。
二、春节：2月4日至10日放假调休，共7天。2月2日（星期六）上班。
三、清明节：4月5日放假，与周末连休。
"""
    assert tasks(text) == []


def test_a_regulation_in_articles_gives_no_tasks():
    text = """专利代理条例
第一章　总　　则
第一条　为了规范专利代理行为，制定本条例。
第二条　国务院专利行政部门负责全国的专利代理管理工作。
"""
    assert tasks(text) == []


def test_an_attachment_numbering_its_own_list_adds_no_tasks():
    text = """国务院办公厅关于加强绩效考核工作的意见
一、总体要求
(一)指导思想。坚持公益性。
二、支撑体系
(一)提高病案首页质量。2019年3月底前完成。
附件:三级公立医院绩效考核指标
一、医疗质量
(一)功能定位
1.门诊人次数与出院人次数比
"""
    assert brief(tasks(text)) == [("1", 1, None, "提高病案首页质量")]


def test_a_notice_issuing_its_plan_as_an_attachment_takes_the_plan_tasks():
    text = """某县人民政府办公室关于印发养老服务体系建设实施方案的通知
各乡镇人民政府:现将《实施方案》印发给你们,请认真贯彻落实。
附件:某县养老服务体系建设实施方案
一、总体要求
(一)指导思想。坚持以人民为中心。
二、重点任务
(一)完善服务清单。(责任单位:县民政局)
(二)开展能力评估。(责任单位:县卫健局)
"""
    found = tasks(text)
    assert brief(found) == [("1", 1, None, "完善服务清单"), ("2", 1, None, "开展能力评估")]
    assert found[1].responsible_units == ["县卫健局"]


def test_rules_attached_in_articles_leave_the_body_tasks():
    text = """某县人民政府办公室关于推进养老服务工作的通知
一、重点任务
(一)完善服务清单。(责任单位:县民政局)
(二)开展能力评估。(责任单位:县卫健局)
附件:养老服务补贴管理办法
第一条 为了规范养老服务补贴管理,制定本办法。
第二条 本办法适用于本县。
第三条 县民政局负责补贴的审核。
第四条 本办法自发布之日起施行。
"""
    assert brief(tasks(text)) == [("1", 1, None, "完善服务清单"), ("2", 1, None, "开展能力评估")]
