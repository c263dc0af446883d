"""Responsibility clauses: lead and responsible units, clauses, lead phrases.

Examples are grouped by origin, as in price-parser: "developed on" cases come
from the sample notices the module was written against; "held out" cases were
written afterwards from other provinces, departments, separators and wrap points,
and the vocabulary was not tuned to them.
"""
from __future__ import annotations

import time

import pytest

from pipeline.extract.responsibility import (find_lead_phrases, find_responsibility_clauses,
                                             parse_responsibility, states_first_listed_leads)


# --- parse_responsibility ------------------------------------------------------------

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
def test_parse_responsibility(text, lead, responsible):
    parsed = parse_responsibility(text)
    assert ([u.value for u in parsed.lead], [u.value for u in parsed.responsible]) == (
        lead, responsible)


def test_parse_responsibility_lists_unrecognised_units_for_flagging():
    parsed = parse_responsibility("责任单位:市财政局自然资源市住房和城乡建设局")
    assert [u.value for u in parsed.unrecognised] == ["自然资源"]


# --- find_responsibility_clauses -------------------------------------------------------


def test_clause_in_brackets_covers_the_brackets():
    text = "按需使用。(责任单位:市民政局市卫生健康委、市医保局,各县、区政府)下一句"
    [clause] = find_responsibility_clauses(text)
    assert text[clause.start:clause.end] == "(责任单位:市民政局市卫生健康委、市医保局,各县、区政府)"
    assert [u.value for u in clause.value.responsible] == [
        "市民政局", "市卫生健康委", "市医保局", "各县区政府"]


def test_unit_offsets_point_into_the_paragraph():
    text = "做好工作（牵头单位：市民政局；配合单位：市财政局）"
    [clause] = find_responsibility_clauses(text)
    lead, = clause.value.lead
    assert text[lead.start:lead.end] == "市民政局"
    assert [u.value for u in clause.value.responsible] == ["市财政局"]


def test_unclosed_clause_runs_to_the_end_of_the_text():
    text = ("对作出突出贡献的管理服务人员,按照国家和省规定给予表彰和奖励(责任单位:"
            "市教育局市人力资源和社会保障局市民政局、市总工会,各县、区政府")
    [clause] = find_responsibility_clauses(text)
    assert clause.end == len(text)
    assert [u.value for u in clause.value.responsible] == [
        "市教育局", "市人力资源和社会保障局", "市民政局", "市总工会", "各县区政府"]


def test_bracket_closing_a_bare_county_prefix_is_inner():
    text = "(责任单位:市民政局、市商务局、市市场监督管理局、各县)政府"
    [clause] = find_responsibility_clauses(text)
    assert clause.value.responsible[-1].value == "各县政府"


def test_bracket_after_a_bare_prefix_still_closes_a_clause_before_prose():
    text = "(责任单位:市民政局、各县)加强监督管理,定期通报。"
    [clause] = find_responsibility_clauses(text)
    assert text[clause.start:clause.end] == "(责任单位:市民政局、各县)"


def test_held_out_square_bracket_clause_and_other_fields():
    text = "加快推进。【责任单位：县民政局、县财政局】（责任单位：市民政局；完成时限：2025年底前）"
    clauses = find_responsibility_clauses(text)
    assert [[u.value for u in c.value.responsible] for c in clauses] == [
        ["县民政局", "县财政局"], ["市民政局"]]


def test_paragraph_without_a_clause_gives_nothing():
    assert find_responsibility_clauses("有关部门要按照职责分工,明确落实措施和进度安排。") == []


# --- find_lead_phrases --------------------------------------------------------------

LEAD_PHRASES = [
    ("适时提出调整意见,由市民政局牵头组织修订完善。", ["市民政局"]),          # developed on
    ("探索实施由卫健部门牵头的计划生育特殊困难家庭老年护理补贴制度", []),      # developed on
    ("由县民政局牵头,会同有关部门制定实施方案", ["县民政局"]),                # held out
    ("由省卫生健康委、省民政厅共同牵头", ["省卫生健康委", "省民政厅"]),      # held out
    ("由各地民政部门牵头开展", []),                                          # held out
    ("市养老服务发展工作领导小组要发挥牵头协调作用", []),                    # held out
]


@pytest.mark.parametrize("text, expected", LEAD_PHRASES)
def test_find_lead_phrases(text, expected):
    assert [u.value for u in find_lead_phrases(text)] == expected


# --- states_first_listed_leads -------------------------------------------------------

FIRST_LISTED = [
    ("排在第一位的部门为牵头部门", True),
    ("列第一位的为牵头单位", True),
    ("排名第一的为牵头单位", True),
    ("各项任务中排在首位的单位为牵头单位,其他为配合单位。", True),   # held out
    ("牵头单位为排在第一位的单位", True),                            # held out
    ("市民政局牵头,市财政局配合", False),
    ("第一书记牵头负责", False),                                    # held out
]


@pytest.mark.parametrize("text, expected", FIRST_LISTED)
def test_states_first_listed_leads(text, expected):
    assert states_first_listed_leads(text) is expected


# --- speed --------------------------------------------------------------------------


def test_a_clause_takes_well_under_two_milliseconds():
    clause = ("责任单位:市民政局、市委宣传部、市委老干部局、市卫健委、市住建局、市规划和自然资源局、"
              "市医保局、市残联、团市委按职责分工负责,县级人民政府落实")
    parse_responsibility(clause)  # builds the pipeline once
    variants = [clause.replace("市", level) for level in "省区县州旗盟镇乡"]
    timings = []
    for text in variants:  # unseen names: the spaCy pipeline runs each time
        started = time.perf_counter()
        parse_responsibility(text)
        timings.append(time.perf_counter() - started)
    assert sorted(timings)[len(timings) // 2] < 0.002

