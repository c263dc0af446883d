"""Responsible units: splitting unit lists and reading responsibility clauses.

Examples are grouped by origin, as in price-parser: "developed on" cases come
from the sample notices the module was written against; "held out" cases were
written afterwards from other provinces, departments, separators and wrap points,
and the vocabulary was not tuned to them; "bugs caught" are held-out cases that
failed and were fixed in the code; "known failures" are xfail(strict=True).
"""
from __future__ import annotations

import time

import pytest

from pipeline.extract.units import (FALLBACK, find_lead_phrases, find_responsibility_clauses,
                                    parse_responsibility, split_units,
                                    states_first_listed_leads, tile_units)


def names(text: str) -> list[str]:
    return [unit.value for unit in split_units(text)]


# --- split_units -------------------------------------------------------------------

DEVELOPED_ON = [
    # lost separators
    ("市民政局市教育局市财政局市人力资源和社会保障局市交通运输局市卫生健康委市退役军人事务局市医保局",
     ["市民政局", "市教育局", "市财政局", "市人力资源和社会保障局", "市交通运输局", "市卫生健康委",
      "市退役军人事务局", "市医保局"]),
    ("市民政局市营商局市残联", ["市民政局", "市营商局", "市残联"]),
    ("市财政局发展改革委税务局", ["市财政局", "发展改革委", "税务局"]),
    ("市财政局自然资源市住房和城乡建设局", ["市财政局", "自然资源", "市住房和城乡建设局"]),
    ("市民政局市政法委、市精神文明建设办公室", ["市民政局", "市政法委", "市精神文明建设办公室"]),
    # a name broken by a line wrap or a space
    ("区委政法委 区民政局 区地方金融 监管局", ["区委政法委", "区民政局", "区地方金融监管局"]),
    ("区民政局 区自然资源局 区住建局 薛城规划中心", ["区民政局", "区自然资源局", "区住建局", "薛城规划中心"]),
    # collective prefixes and inner brackets
    ("各县、区政府", ["各县区政府"]),
    ("县、区政府", ["县区政府"]),
    ("各县)政府", ["各县政府"]),
    ("各县(市、区)人民政府", ["各县市区人民政府"]),
    ("市民政局、市卫健委,各县区政府", ["市民政局", "市卫健委", "各县区政府"]),
    # units that keep 委/市 inside, and units without a known form kept as printed
    ("市委宣传部、市委老干部局、团市委、市政法委、市市场监督管理局、市县区政府",
     ["市委宣传部", "市委老干部局", "团市委", "市政法委", "市市场监督管理局", "市县区政府"]),
    ("开发区管委、示范区管委、市行政审批和政务信息管理局、市中级人民法院",
     ["开发区管委", "示范区管委", "市行政审批和政务信息管理局", "市中级人民法院"]),
    ("市保障性住房服务中心、市消防救援支队、龙煤鹤公司、鹤岗师专、鹤岗卫校",
     ["市保障性住房服务中心", "市消防救援支队", "龙煤鹤公司", "鹤岗师专", "鹤岗卫校"]),
    # branch offices stay whole
    ("市医保局、国家金融监督管理总局本溪监管分局", ["市医保局", "国家金融监督管理总局本溪监管分局"]),
    ("中国联通鹤岗分公司、中国电信鹤岗分公司", ["中国联通鹤岗分公司", "中国电信鹤岗分公司"]),
    # role phrases and connectors
    ("市工信局、市民政局、市卫健委按职责分工负责,县级人民政府落实",
     ["市工信局", "市民政局", "市卫健委", "县级人民政府"]),
    ("市民政局牵头,市财政局配合", ["市民政局", "市财政局"]),
    ("市民政局和市教育局及各县区政府", ["市民政局", "市教育局", "各县区政府"]),
    ("市民政局、市财政局等", ["市民政局", "市财政局"]),
]

HELD_OUT = [
    ("省发展改革委、省民政厅、省财政厅", ["省发展改革委", "省民政厅", "省财政厅"]),
    ("州民族宗教事务委员会,州教育局", ["州民族宗教事务委员会", "州教育局"]),
    ("县乡村振兴局;县农业农村局", ["县乡村振兴局", "县农业农村局"]),
    ("区城市管理综合执法局 区应急管理局", ["区城市管理综合执法局", "区应急管理局"]),
    ("市数据局市政务服务管理局", ["市数据局", "市政务服务管理局"]),
    ("省药监局、省卫生健康委", ["省药监局", "省卫生健康委"]),
    ("盟行政公署、旗人民政府", ["盟行政公署", "旗人民政府"]),
    ("市税务局第一分局、市公安局", ["市税务局第一分局", "市公安局"]),
    ("国网枣庄供电公司", ["国网枣庄供电公司"]),
    ("国家税务总局枣庄市税务局", ["国家税务总局枣庄市税务局"]),
    ("各乡(镇)人民政府、各街道办事处", ["各乡镇人民政府", "各街道办事处"]),
    ("市委组织部市委编办", ["市委组织部", "市委编办"]),
    ("区人民法院，区人民检察院", ["区人民法院", "区人民检察院"]),
    ("市住房城乡建设\n局、市交通运输局", ["市住房城乡建设局", "市交通运输局"]),
    ("旗民政局旗财政局", ["旗民政局", "旗财政局"]),
    ("市红十字会、市工商联、市科协", ["市红十字会", "市工商联", "市科协"]),
    ("市民政局及各县（市、区）人民政府", ["市民政局", "各县市区人民政府"]),
    ("区卫健局、区医保局等有关部门", ["区卫健局", "区医保局"]),
    ("市民政局等单位按职责分工负责", ["市民政局"]),
    ("自治区民政厅、自治区财政厅", ["自治区民政厅", "自治区财政厅"]),
    ("市发展和改革委员会／市统计局", ["市发展和改革委员会", "市统计局"]),
    ("鹤岗师专 市民政局 鹤岗卫校", ["鹤岗师专", "市民政局", "鹤岗卫校"]),
]

BUGS_CAUGHT = [
    # connector_after_a_suffix_inside_a_generic_span: 区 + 融媒体中心和区文旅 + 局 covered one
    # more character than the two real units, until a 和 between spans counted as read.
    ("区融媒体中心和区文旅局", ["区融媒体中心", "区文旅局"]),
]

KNOWN_FAILURES = [
    pytest.param("鹤岗市民政局鹤岗市财政局", ["鹤岗市民政局", "鹤岗市财政局"],
                 marks=pytest.mark.xfail(strict=True, reason=(
                     "a place name before a level is only joined at the start of a run; "
                     "the second 鹤岗 is read as a fallback unit"))),
    pytest.param("鹤岗师专 鹤岗卫校", ["鹤岗师专", "鹤岗卫校"],
                 marks=pytest.mark.xfail(strict=True, reason=(
                     "a space after a name without a known suffix is taken for a line wrap"))),
]


@pytest.mark.parametrize("text, expected", DEVELOPED_ON)
def test_split_units_developed_on(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize("text, expected", HELD_OUT)
def test_split_units_held_out(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize("text, expected", BUGS_CAUGHT)
def test_split_units_bugs_caught(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize("text, expected", KNOWN_FAILURES)
def test_split_units_known_failures(text, expected):
    assert names(text) == expected


def test_offsets_point_at_the_unit_as_printed():
    text = "责任单位:区地方金融 监管局、各县(市、区)人民政府"
    units = split_units(text)
    assert [text[u.start:u.end] for u in units] == ["区地方金融 监管局", "各县(市、区)人民政府"]


def test_unrecognised_run_is_reported_as_fallback():
    kinds = {unit.name: unit.kind for unit in tile_units("市财政局自然资源市住房和城乡建设局")}
    assert kinds["自然资源"] == FALLBACK
    assert kinds["市财政局"] != FALLBACK and kinds["市住房和城乡建设局"] != FALLBACK


def test_empty_and_punctuation_only_lists_give_no_units():
    assert split_units("") == [] and split_units("、 ,;") == []


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

