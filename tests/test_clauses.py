"""Responsibility clauses: their forms, the units and roles in them, rules stated once.

Examples are grouped by origin, as in price-parser: "developed on" cases come
from the sample notices the module was written against; "held out" cases were
written afterwards from other provinces, departments, separators and wrap points,
and the vocabulary was not tuned to them.
"""
from __future__ import annotations

import pytest

from pipeline.extract.clauses import RuleKind, find_clauses, find_rules, parse_units


def roles(text):
    """(leads, responsible) of a clause's content."""
    units = parse_units(text)
    return ([u.name for u in units if u.role == "lead"],
            [u.name for u in units if u.role == "responsible"])


def clause_roles(text):
    """(leads, responsible) of every clause found in a text."""
    return [([u.name for u in c.units if u.role == "lead"],
             [u.name for u in c.units if u.role == "responsible"]) for c in find_clauses(text)]


# --- parse_units ------------------------------------------------------------------

RESPONSIBILITY_CASES = [
    # developed on
    ("责任单位:市民政局、市卫健委,各县区政府", [], ["市民政局", "市卫健委", "各县区政府"]),
    ("牵头单位:市民政局;责任单位:市财政局、市卫健委", ["市民政局"], ["市财政局", "市卫健委"]),
    ("市民政局牵头,市财政局、市人社局配合", ["市民政局"], ["市财政局", "市人社局"]),
    ("责任单位:市民政局牵头,市财政局按职责分工负责", ["市民政局"], ["市财政局"]),
    ("市养老服务发展工作领导小组成员单位按职责分工负责,县级人民政府落实",
     [], ["市养老服务发展工作领导小组成员单位", "县级人民政府"]),
    # held out
    ("牵头单位：省民政厅；配合单位：省财政厅、省人力资源社会保障厅",
     ["省民政厅"], ["省财政厅", "省人力资源社会保障厅"]),
    ("主责单位:市民政局;协同单位:市卫健委、市医保局", ["市民政局"], ["市卫健委", "市医保局"]),
    ("责任部门:区民政局(牵头)、区财政局", ["区民政局"], ["区财政局"]),
    ("牵头单位：县民政局；责任单位：县民政局、县财政局", ["县民政局"], ["县财政局"]),
    ("责任单位：市民政局；完成时限：2025年底前", [], ["市民政局"]),
]


@pytest.mark.parametrize("text, lead, responsible", RESPONSIBILITY_CASES)
def test_parse_units(text, lead, responsible):
    assert roles(text) == (lead, responsible)


def test_units_no_known_form_covers_are_marked_for_flagging():
    units = parse_units("责任单位:市财政局自然资源市住房和城乡建设局")
    assert [u.name for u in units if not u.known] == ["自然资源"]


# --- find_clauses: labelled ---------------------------------------------------------------


def test_clause_in_brackets_covers_the_brackets():
    text = "按需使用。(责任单位:市民政局市卫生健康委、市医保局,各县、区政府)下一句"
    [clause] = find_clauses(text)
    assert text[clause.start:clause.end] == "(责任单位:市民政局市卫生健康委、市医保局,各县、区政府)"
    assert [u.name for u in clause.units] == ["市民政局", "市卫生健康委", "市医保局", "各县区政府"]


def test_unit_offsets_point_into_the_paragraph():
    text = "做好工作（牵头单位：市民政局；配合单位：市财政局）"
    [clause] = find_clauses(text)
    lead, partner = clause.units
    assert (text[lead.start:lead.end], lead.role) == ("市民政局", "lead")
    assert (partner.name, partner.role) == ("市财政局", "responsible")


def test_unclosed_clause_runs_to_the_end_of_the_text():
    text = ("对作出突出贡献的管理服务人员,按照国家和省规定给予表彰和奖励(责任单位:"
            "市教育局市人力资源和社会保障局市民政局、市总工会,各县、区政府")
    [clause] = find_clauses(text)
    assert clause.end == len(text)
    assert [u.name for u in clause.units] == [
        "市教育局", "市人力资源和社会保障局", "市民政局", "市总工会", "各县区政府"]


def test_bracket_closing_a_bare_county_prefix_is_inner():
    text = "(责任单位:市民政局、市商务局、市市场监督管理局、各县)政府"
    [clause] = find_clauses(text)
    assert clause.units[-1].name == "各县政府"


def test_bracket_after_a_bare_prefix_still_closes_a_clause_before_prose():
    text = "(责任单位:市民政局、各县)加强监督管理,定期通报。"
    [clause] = find_clauses(text)
    assert text[clause.start:clause.end] == "(责任单位:市民政局、各县)"


def test_held_out_square_bracket_clause_and_other_fields():
    text = "加快推进。【责任单位：县民政局、县财政局】（责任单位：市民政局；完成时限：2025年底前）"
    clauses = find_clauses(text)
    assert [[u.name for u in c.units] for c in clauses] == [["县民政局", "县财政局"], ["市民政局"]]


def test_paragraph_without_a_clause_gives_nothing():
    assert find_clauses("有关部门要按照职责分工,明确落实措施和进度安排。") == []


# --- find_clauses: the common forms, national and local ----------------------------------

COMMON_FORMS = [
    ("(民政部、财政部负责)", [([], ["民政部", "财政部"])]),
    ("(生态环境部牵头,国家发展改革委、工业和信息化部参与)",
     [(["生态环境部"], ["国家发展改革委", "工业和信息化部"])]),
    ("(市民政局牵头,市财政局配合)", [(["市民政局"], ["市财政局"])]),
    ("(国家发展改革委、财政部按职责分工负责)", [([], ["国家发展改革委", "财政部"])]),
    ("[教育部、人力资源社会保障部负责]", [([], ["教育部", "人力资源社会保障部"])]),
    ("【市场监管总局牵头,商务部配合】", [(["市场监管总局"], ["商务部"])]),
    ("(牵头单位:市委宣传部,配合单位:市委党校、市委组织部)", [(["市委宣传部"], ["市委党校", "市委组织部"])]),
    ("(责任单位:市民政局、市卫健委)", [([], ["市民政局", "市卫健委"])]),
    ("(负责部门:人力资源社会保障部、商务部;适用范围:所有自贸试验区)",
     [([], ["人力资源社会保障部", "商务部"])]),
    ("(负责部门:人民银行等部门,适用范围:浙江自贸试验区)", [([], ["人民银行"])]),
    ("(自然资源部、工业和信息化部指导)", [([], ["自然资源部", "工业和信息化部"])]),
    ("(各地区、各有关部门按职责分工负责)", [([], ["各地区", "各有关部门"])]),
    ("(各省级人民政府负责)", [([], ["各省级人民政府"])]),
    ("(牵头单位:市委办公厅,配合单位:市人大常委会办公厅、市政府研究室)",
     [(["市委办公厅"], ["市人大常委会办公厅", "市政府研究室"])]),
    ("完善制度。由市民政局负责。", [([], ["市民政局"])]),
    ("完善制度。市民政局会同市财政局负责。", [([], ["市民政局", "市财政局"])]),
    ("完善制度。由市民政局负责组织实施。", [([], ["市民政局"])]),
]


@pytest.mark.parametrize("text, expected", COMMON_FORMS)
def test_common_clause_forms(text, expected):
    assert clause_roles("推进工作。" + text) == expected


NOT_CLAUSES = [
    "(包括设计、施工、监理、检测、造价咨询等所有工程建设相关主体)",  # prose in brackets
    "(以下简称自贸试验区)",
    "(技工院校内由人力资源社会保障行政部门负责),国务院组织制定职业标准。",
    "实施过程中的管理主要由项目承担单位负责。",  # a role in a sentence about something else
    "市场监管总局要会同有关部门制定联合抽查事项清单。",  # units as a sentence's subject
    "主管单位负责推进、指导、协调、监督政务新媒体工作。",
]


@pytest.mark.parametrize("text", NOT_CLAUSES)
def test_prose_is_no_clause(text):
    assert clause_roles(text) == []


# --- find_clauses: lead phrases ------------------------------------------------------------

LEAD_PHRASES = [
    ("适时提出调整意见,由市民政局牵头组织修订完善。", ["市民政局"]),          # developed on
    ("探索实施由卫健部门牵头的计划生育特殊困难家庭老年护理补贴制度", []),      # developed on
    ("由县民政局牵头,会同有关部门制定实施方案", ["县民政局"]),                # held out
    ("由省卫生健康委、省民政厅共同牵头", ["省卫生健康委", "省民政厅"]),      # held out
    ("由各地民政部门牵头开展", []),                                          # held out
    ("市养老服务发展工作领导小组要发挥牵头协调作用", []),                    # held out
]


@pytest.mark.parametrize("text, expected", LEAD_PHRASES)
def test_lead_phrases(text, expected):
    assert [u.name for c in find_clauses(text) for u in c.units if u.role == "lead"] == expected


# --- rules stated once ------------------------------------------------------------------

FIRST_LISTED = [
    ("排在第一位的部门为牵头部门", True),
    ("列第一位的为牵头单位", True),
    ("排名第一的为牵头单位", True),
    ("各项任务中排在首位的单位为牵头单位,其他为配合单位。", True),   # held out
    ("牵头单位为排在第一位的单位", True),                            # held out
    ("列第一位者为牵头单位", True),
    ("第一个单位为牵头单位", True),
    ("市民政局牵头,市财政局配合", False),
    ("第一书记牵头负责", False),                                    # held out
]


@pytest.mark.parametrize("text, expected", FIRST_LISTED)
def test_first_listed_leads_rule(text, expected):
    found = [rule.kind for rule in find_rules(text)]
    assert (RuleKind.first_listed_leads in found) is expected


def test_a_standing_unit_rule_names_its_unit_and_leaves_the_clause_readable():
    text = "健全统计制度。(生态环境部指导,试点城市政府负责落实。以下均需试点城市政府落实,不再列出)"
    [rule] = find_rules(text)
    assert (rule.kind, [u.name for u in rule.units]) == (RuleKind.standing_units, ["试点城市政府"])
    assert clause_roles(text) == [([], ["生态环境部", "试点城市政府"])]

