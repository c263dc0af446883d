"""Who leads and who shares each task: the decisions of pipeline.roles, one form each."""
from pipeline.assemble import extract_notice
from pipeline.model import SourceDocument


def tasks(text):
    document = SourceDocument(path="t.txt", sha256="0" * 64, format="text", encoding="utf-8",
                              text=text)
    return extract_notice(document).tasks


def units(found):
    return [(task.number, task.lead_units, task.responsible_units) for task in found]


def test_a_lead_in_any_clause_of_an_item_is_its_lead_and_every_unit_comes_once():
    text = """某市关于推进工作的意见
一、重点任务
(一)强化顶层设计。建立指标体系。(生态环境部牵头,国家发展改革委、工业和信息化部参与)
优化管理机制。建立部门责任清单。(生态环境部、工业和信息化部、财政部指导)
"""
    assert units(tasks(text)) == [
        ("1", ["生态环境部"], ["国家发展改革委", "工业和信息化部", "财政部"])]


def test_a_first_listed_rule_governs_the_clauses_after_it():
    text = """某市关于重点任务分工的通知
一、重点任务
(一)完善制度。(市民政局、市财政局负责)
(二)建设平台。(市数据局、市民政局负责。排在第一位的为牵头单位,下同)
(三)培养人才。(市人社局、市民政局负责)
"""
    assert units(tasks(text)) == [
        ("1", [], ["市民政局", "市财政局"]),
        ("2", ["市数据局"], ["市民政局"]),
        ("3", ["市人社局"], ["市民政局"])]


def test_a_first_listed_rule_in_a_closing_note_governs_every_clause():
    text = """某市关于重点任务分工的通知
一、重点任务
(一)完善制度。(市民政局、市财政局负责)
(二)建设平台。(市数据局、市民政局负责)
注:列第一位者为牵头单位。
"""
    assert units(tasks(text)) == [
        ("1", ["市民政局"], ["市财政局"]), ("2", ["市数据局"], ["市民政局"])]


def test_a_standing_unit_joins_every_later_item_that_names_units():
    text = """国务院办公厅关于印发试点工作方案的通知
一、主要任务
(一)强化顶层设计。建立体系。(生态环境部指导,试点城市政府负责落实。以下均需试点城市政府落实,不再列出)
(二)实施绿色生产。推动利用。(自然资源部、工业和信息化部指导)
(三)践行绿色生活。促进减量。
"""
    assert units(tasks(text)) == [
        ("1", [], ["生态环境部", "试点城市政府"]),
        ("2", [], ["自然资源部", "工业和信息化部", "试点城市政府"]),
        ("3", [], [])]


def test_units_are_inherited_down_never_up():
    text = """某县关于推进工作的通知
一、健全制度
(一)制定清单。按程序发布。(责任单位:县民政局)
(二)开展评估。每年评估一次。
二、提升能力
(一)建设中心。(责任单位:县发展改革局)
1.选址。
"""
    found = tasks(text)
    assert units(found) == [("1", [], []), ("1", [], ["县民政局"]), ("2", [], []),
                            ("2", [], []), ("1", [], ["县发展改革局"]), ("1", [], ["县发展改革局"])]
    assert "units_inherited" in {flag.code for flag in found[-1].flags}


def test_each_unit_keeps_its_own_span():
    text = "某县关于推进工作的通知\n一、重点任务\n(一)制定清单。(牵头单位:县民政局;配合单位:县财政局、县卫健局)\n"
    [task] = tasks(text)
    for field, names in (("lead_units", task.lead_units), ("responsible_units", task.responsible_units)):
        for index, name in enumerate(names):
            span = task.sources[f"{field}/{index}"]
            assert text[span.start:span.end] == name
    assert text[task.sources["lead_units"].start:task.sources["lead_units"].end] == "县民政局"
