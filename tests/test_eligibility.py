"""Target groups (服务对象) read as eligibility conditions.

Examples are grouped by origin: the groups of the sample and held-out
notices the rules were developed on; held-out phrasings written before the
code was run on them; bugs those runs caught (now fixed); the limits of the
representation (the reading is looser than the text, never stricter); and
known failures under ``xfail(strict=True)``. Each example is written as
`conditions_of`'s output: only the fields that are not empty.
"""
from __future__ import annotations

import pytest

from pipeline.extract.eligibility import (CATEGORIES, condition_words, conditions_of,
                                          find_conditions, parse_eligibility)
from pipeline.vocab import word_list

# --- developed on: every 服务对象 of samples/ and tests/heldout/ ------------------------------

DEVELOPED_ON = [
    ("80周岁及以上老年人", {"min_age": 80}),
    ("60周岁及以上老年人", {"min_age": 60}),
    ("65周岁及以上老年人", {"min_age": 65}),
    ("60-69周岁的老年人", {"min_age": 60, "max_age": 69}),
    ("低保对象,计划生育特殊家庭的高龄、失能、残疾老年人,特困人员中的老年人。"
     "有条件的县区可扩大到低保边缘、支出型困难等经济困难家庭老年人。",
     {"other": ["低保", "计划生育特殊家庭", "特困"]}),
    ("经济困难的老年人,现阶段重点保障纳入分散特困供养范围的失能、高龄、残疾老年人家庭,"
     "有条件的县区可将改造对象范围扩大到低保对象中的失能、高龄、残疾老年人家庭等。",
     {"economic": ["经济困难"]}),
    ("低保对象中经民政部门认定生活不能自理的老年人,有条件的县区可扩大到低保边缘、支出型困难等"
     "经济困难家庭中的生活不能自理老年人。对既符合老年人护理补贴条件又符合重度残疾人护理补贴条件的"
     "残疾老年人,可择高申领其中一类护理补贴。",
     {"economic": ["低保"], "care_need": ["不能自理"]}),
    ("经认定生活不能自理的老年人", {"care_need": ["不能自理"]}),
    ("独居、空巢、留守、失能、重残、计划生育特殊家庭等老年人",
     {"other": ["独居", "空巢", "留守", "失能", "残疾", "计划生育特殊家庭"]}),
    ("独居、空巢、留守、失能、重残、计划生育特殊家庭老年人",
     {"other": ["独居", "空巢", "留守", "失能", "残疾", "计划生育特殊家庭"]}),
    ("对国家和社会作出特殊贡献的老年人", {"special_contribution": True}),
    ("对社会作出特殊贡献的老年人", {"special_contribution": True}),
    ("纳入最低生活保障范围的老年人", {"economic": ["低保"]}),
    ("纳入特困人员救助供养范围的老年人", {"economic": ["特困"]}),
    ("特困老年人", {"economic": ["特困"]}),
    ("经济困难老年人", {"economic": ["经济困难"]}),
    ("经济困难的老年人", {"economic": ["经济困难"]}),
    ("特殊困难老年人", {"other": ["特殊困难"]}),
    ("计划生育特殊家庭", {"family": ["计划生育特殊家庭"]}),
    ("计划生育特殊家庭老年人", {"family": ["计划生育特殊家庭"]}),
    ("经认定符合条件的残疾老年人", {"disability": True}),
    ("持有《中华人民共和国残疾人证》的老年人及其他符合条件的老年人", {"disability": True}),
    ("生活无着的流浪、乞讨老年人", {"other": ["流浪乞讨"]}),
    ("生活无着的流浪乞讨老年人", {"other": ["流浪乞讨"]}),
    ("特困人员、低保对象、返贫致贫人口、农村易返贫、致贫人口等群体中的老年人",
     {"economic": ["特困", "低保", "返贫致贫"]}),
    ("达到待遇享受年龄的老年人", {"other": ["待遇享受年龄"]}),
    ("试点地区失能老年人", {"care_need": ["失能"], "other": ["试点地区"]}),
]

# --- held out: other phrasings, written before the rules were run on them -------------------

HELD_OUT = [
    # age brackets and floors
    ("70—79周岁的老年人", {"min_age": 70, "max_age": 79}),
    ("60周岁至79周岁的老年人", {"min_age": 60, "max_age": 79}),
    ("60～69岁老年人", {"min_age": 60, "max_age": 69}),
    ("80至89周岁经济困难老年人", {"min_age": 80, "max_age": 89, "economic": ["经济困难"]}),
    ("90周岁(含)以上老年人", {"min_age": 90}),
    ("年满60周岁的城乡老年人", {"min_age": 60}),
    ("六十周岁及以上老年人", {"min_age": 60}),
    ("80岁以上老人", {"min_age": 80}),
    ("百岁老人", {"min_age": 100}),
    ("不满80周岁的低保老年人", {"max_age": 79, "economic": ["低保"]}),
    ("高龄老年人", {"other": ["高龄"]}),
    # AND: a qualifier (的, 中, 中的, none) and the group it qualifies
    ("年龄在60周岁以上的经济困难失能老年人",
     {"min_age": 60, "economic": ["经济困难"], "care_need": ["失能"]}),
    ("分散供养特困人员中的重度失能老年人", {"economic": ["特困"], "care_need": ["重度失能"]}),
    ("低收入家庭中的失智老年人", {"economic": ["经济困难"], "care_need": ["失智"]}),
    ("计划生育特殊家庭中的失能老年人", {"family": ["计划生育特殊家庭"], "care_need": ["失能"]}),
    ("支出型困难家庭中生活不能自理的老年人", {"economic": ["经济困难"], "care_need": ["不能自理"]}),
    ("试点地区参加长期护理保险的重度失能人员", {"care_need": ["重度失能"], "other": ["试点地区"]}),
    # OR inside one category, and AND with another
    ("65岁以上的空巢、独居老年人", {"min_age": 65, "family": ["空巢", "独居"]}),
    ("最低生活保障家庭中的失能、半失能老年人", {"economic": ["低保"], "care_need": ["失能", "半失能"]}),
    ("低保、特困家庭中的高龄老年人", {"economic": ["低保", "特困"], "other": ["高龄"]}),
    ("独居或空巢的失能老年人", {"family": ["独居", "空巢"], "care_need": ["失能"]}),
    ("孤寡老人及无人照顾的老年人", {"family": ["孤寡", "无人照顾"]}),
    ("低保对象和低保边缘家庭的老年人", {"economic": ["低保", "低保边缘"]}),
    ("80周岁以上的低保、特困老年人", {"min_age": 80, "economic": ["低保", "特困"]}),
    ("城乡特困老年人、低保老年人", {"economic": ["特困", "低保"]}),
    ("留守老年人，空巢老年人", {"family": ["留守", "空巢"]}),
    ("低保家庭、特困家庭中的失能老年人", {"economic": ["低保", "特困"], "care_need": ["失能"]}),
    # OR across categories: any one qualifies, so the values go to `other`
    ("空巢、失能、残疾老年人", {"other": ["空巢", "失能", "残疾"]}),
    ("重度残疾老年人和失能老年人", {"other": ["残疾", "失能"]}),
    ("高龄、失能、独居等特殊困难老年人", {"other": ["高龄", "失能", "独居", "特殊困难"]}),
    # either-phrases pooled
    ("特困供养人员;低保家庭中的残疾老年人", {"economic": ["特困", "低保"]}),
    # variants and optional extensions
    ("烈士遗属、优抚对象等老年人", {"special_contribution": True}),
    ("享受国家定期抚恤补助的优抚对象", {"special_contribution": True}),
    ("持有残疾人证的重度残疾老年人", {"disability": True}),
    ("农村留守老年人", {"family": ["留守"]}),
    ("失独家庭老年人", {"family": ["计划生育特殊家庭"]}),
    ("五保老人", {"economic": ["特困"]}),
    ("纳入防返贫监测的老年人", {"economic": ["返贫致贫"]}),
    ("户籍在本市、年满80周岁的老年人", {"min_age": 80}),
    ("享受最低生活保障的老年人。有条件的地区可逐步扩大到低收入老年人。", {"economic": ["低保"]}),
]

# --- bugs caught by the held-out runs (fixed) ----------------------------------------------

BUGS_CAUGHT = [
    # 以及 after 老年人 joins two whole phrases, not two conditions of one list
    ("特困人员中的失能、半失能老年人以及低保家庭中的失能老年人",
     {"economic": ["特困", "低保"], "care_need": ["失能", "半失能"]}),
    # exclusions were read as conditions (stricter than the text)
    ("90周岁以上的老年人(不含特困人员)", {"min_age": 90}),
    ("除特困人员以外的80周岁以上老年人", {"min_age": 80}),
    # a whole group with no condition was dropped, leaving only the other phrase's
    ("80周岁以上老年人,以及60周岁以上的低保老年人", {"min_age": 60}),
    # missing variants
    ("60周岁以上的独生子女死亡或伤残家庭老年人", {"min_age": 60, "family": ["计划生育特殊家庭"]}),
    ("三无老人", {"economic": ["特困"]}),
]

# --- limits of the representation: looser than the text, never stricter -------------------

LOOSENED = [
    # 试点地区 AND (独居 OR 失能): an AND-part shares `other` with an either-list
    ("试点地区的独居、失能老年人", {"other": ["试点地区", "独居", "失能"]}),
    # (低保) OR (计生 AND (高龄 OR 失能 OR 残疾)): the compound phrase keeps its first part
    ("低保对象,计划生育特殊家庭的高龄、失能老年人", {"other": ["低保", "计划生育特殊家庭"]}),
]


@pytest.mark.parametrize("group, expected", DEVELOPED_ON, ids=[g[:20] for g, _ in DEVELOPED_ON])
def test_developed_on(group, expected):
    assert conditions_of(group) == expected


@pytest.mark.parametrize("group, expected", HELD_OUT, ids=[g[:20] for g, _ in HELD_OUT])
def test_held_out(group, expected):
    assert conditions_of(group) == expected


@pytest.mark.parametrize("group, expected", BUGS_CAUGHT, ids=[g[:20] for g, _ in BUGS_CAUGHT])
def test_bugs_caught(group, expected):
    assert conditions_of(group) == expected


@pytest.mark.parametrize("group, expected", LOOSENED, ids=[g[:20] for g, _ in LOOSENED])
def test_representation_limits_loosen(group, expected):
    assert conditions_of(group) == expected


@pytest.mark.xfail(strict=True, reason="words outside the vocabulary are not conditions: "
                   "重特大疾病 is dropped and the group reads as any 老年人")
def test_unknown_qualifier_is_kept():
    assert conditions_of("患有重特大疾病的老年人") == {"other": ["重特大疾病"]}


# --- the record ---------------------------------------------------------------------------


def test_text_is_kept_whole_with_its_extension():
    group = "低保对象。有条件的县区可扩大到低保边缘家庭老年人。"
    eligibility = parse_eligibility(group)
    assert eligibility.text == group and eligibility.economic == ["低保"]


def test_empty_fields_are_defaults():
    eligibility = parse_eligibility("60周岁及以上老年人")
    assert (eligibility.economic, eligibility.other, eligibility.disability) == ([], [], False)


def test_person_words_read_with_the_same_vocabulary():
    assert {t.value.name for t in find_conditions("最低生活保障")} == {"低保"}
    assert {t.value.name for t in find_conditions("重残")} == {"残疾"}
    assert {t.value.name for t in find_conditions("烈士遗属")} == {"特殊贡献"}


# --- the vocabulary -----------------------------------------------------------------------


def test_no_word_names_two_conditions():
    seen: dict[str, str] = {}
    for category in CATEGORIES:
        for line in word_list(f"eligibility_{category}"):
            for word in line.split():
                assert seen.setdefault(word, line.split()[0]) == line.split()[0], word


def test_implications_name_known_conditions():
    canonical = {term.name for term in condition_words().values()}
    for line in word_list("eligibility_implies"):
        given, then = line.split()
        assert {given, then} <= canonical, line
