"""Matching people to services: hand-written profiles against two small extracted notices.

The notices are written inline in the text layout (a tab-separated catalogue
table, one 服务对象 a row) and extracted with `python -m pipeline extract`, so
the records carry the eligibility the pipeline reads.
"""
from __future__ import annotations

import argparse
import json

import pytest

from pipeline.cli import main as pipeline_main
from pipeline.match import (ELDERLY_AGE, add_match_parser, match_services, person_to_profile,
                            read_records, run_match)

HEADER = "服务对象\t序号\t服务项目\t服务内容\t服务类型\t牵头部门"


def notice(city: str, rows: list[tuple[str, str, str]]) -> str:
    """A notice with a catalogue of (服务对象, 服务项目, 服务内容) rows."""
    table = "\n".join(f"{group}\t{seq}\t{name}\t{content}\t关爱服务\t{city}民政局"
                      for seq, (group, name, content) in enumerate(rows, start=1))
    return (f"{city}人民政府办公室关于印发{city}基本养老服务清单的通知\n\n"
            f"各有关单位:\n\n现将《{city}基本养老服务清单》印发给你们,请认真贯彻落实。\n\n"
            f"{city}人民政府办公室\n\n2024年5月6日\n\n附件\n\n{city}基本养老服务清单\n\n"
            f"{HEADER}\n{table}\n")


CITY = notice("甲市", [
    ("达到待遇享受年龄的老年人", "城乡居民基本养老保险", "发放基础养老金,每人每月不低于180元。"),
    ("60周岁及以上老年人", "公共交通优待", "免费乘坐市区公交车。"),
    ("60-69周岁的老年人", "健身指导", "提供免费健身指导。"),
    ("65周岁及以上老年人", "健康管理", "每年提供1次免费健康体检。"),
    ("80周岁及以上老年人", "高龄津贴", "80至89周岁每人每月100元,90周岁及以上每人每月200元。"),
    ("纳入最低生活保障范围的老年人", "最低生活保障", "按月发放最低生活保障金。"),
    ("低保对象中经认定生活不能自理的老年人", "护理补贴", "发放护理补贴,每人每月100元。"),
    ("经认定生活不能自理的老年人", "家庭养老床位", "提供上门照护服务。"),
    ("特困老年人", "分散供养", "发放基本生活费。"),
    ("独居、空巢、留守、失能、重残、计划生育特殊家庭等老年人", "探访服务", "每月至少探访1次。"),
    ("对国家和社会作出特殊贡献的老年人", "优抚供养", "优先安排集中供养。"),
    ("经认定符合条件的残疾老年人", "重度残疾人护理补贴", "每人每月80元。"),
])

COUNTY = notice("乙县", [
    ("特殊困难老年人", "探访关爱", "定期上门探访。"),
    ("计划生育特殊家庭老年人", "特别扶助", "每人每月990元。"),
    ("经济困难的失能、高龄老年人", "养老服务补贴", "每人每月80元。"),
    ("试点地区失能老年人", "长期护理保险", "按规定支付长期护理保险待遇。"),
    ("生活无着的流浪、乞讨老年人", "流浪乞讨救助", "提供临时救助。"),
])

UNCONDITIONAL = {"城乡居民基本养老保险", "公共交通优待", "健身指导", "健康管理"}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("match")
    notices = root / "notices"
    notices.mkdir()
    (notices / "city.txt").write_text(CITY, encoding="utf-8")
    (notices / "county.txt").write_text(COUNTY, encoding="utf-8")
    out = root / "out"
    status = pipeline_main(["extract", str(notices), "--out", str(out),
                            "--corrections", str(root / "none"), "--debug"])
    assert status == 0
    return out


def matched(outputs, age, conditions):
    """{notice file: set of item names} a person qualifies for."""
    return {notice.path: {item.name for item in notice.items}
            for notice in match_services(outputs, age, conditions)}


def test_fixture_catalogues_are_read_with_eligibility(outputs):
    records = dict(read_records(outputs)[0])
    assert sorted(records) == ["city.json", "county.json"]  # _run_summary and _debug skipped
    items = records["city.json"].catalogue
    assert len(items) == 12 and all(item.eligibility is not None for item in items)


# --- the profiles of the brief ------------------------------------------------------------


def test_82_on_dibao_and_disabled(outputs):
    got = matched(outputs, 82, ["低保", "失能"])
    assert got["city.json"] == UNCONDITIONAL - {"健身指导"} | {
        "高龄津贴", "最低生活保障", "护理补贴", "家庭养老床位", "探访服务"}
    assert got["county.json"] == {"探访关爱", "养老服务补贴", "长期护理保险"}


def test_62_with_no_conditions_gets_only_unconditional_items(outputs):
    got = matched(outputs, 62, [])
    assert got == {"city.json": {"城乡居民基本养老保险", "公共交通优待", "健身指导"}}


def test_70_living_alone_gets_visits(outputs):
    got = matched(outputs, 70, ["独居"])
    assert got["city.json"] == {"城乡居民基本养老保险", "公共交通优待", "健康管理", "探访服务"}
    assert got["county.json"] == {"探访关爱"}  # 独居 is a 特殊困难


@pytest.mark.parametrize("age", [0, 45, ELDERLY_AGE - 1])
def test_nobody_under_60_gets_anything(outputs, age):
    everything = ["低保", "特困", "失能", "独居", "残疾", "特殊贡献", "计划生育特殊家庭", "流浪乞讨"]
    assert match_services(outputs, age, everything) == []


# --- the rules ----------------------------------------------------------------------------


def test_variants_of_a_condition_match_alike(outputs):
    assert matched(outputs, 75, ["最低生活保障"]) == matched(outputs, 75, ["低保"])
    assert matched(outputs, 75, ["重残"]) == matched(outputs, 75, ["残疾"])


def test_conditions_may_be_given_in_one_list(outputs):
    assert matched(outputs, 82, ["低保,失能"]) == matched(outputs, 82, ["低保", "失能"])


def test_categories_combine_with_and(outputs):
    city = matched(outputs, 75, ["不能自理"])["city.json"]
    assert "家庭养老床位" in city and "护理补贴" not in city  # 护理补贴 needs 低保 too


def test_disability_implies_inability_not_the_reverse(outputs):
    city = matched(outputs, 75, ["不能自理"])["city.json"]
    assert "探访服务" not in city  # 不能自理 does not imply 失能
    assert "家庭养老床位" in matched(outputs, 75, ["重度失能"])["city.json"]


def test_age_bracket_has_a_top(outputs):
    assert "健身指导" in matched(outputs, 69, [])["city.json"]
    assert "健身指导" not in matched(outputs, 70, [])["city.json"]


def test_high_age_word_is_met_by_age(outputs):
    assert "养老服务补贴" in matched(outputs, 81, ["低收入"]).get("county.json", set())
    assert "养老服务补贴" not in matched(outputs, 70, ["低收入"]).get("county.json", set())


def test_special_contribution_and_other_conditions(outputs):
    assert "优抚供养" in matched(outputs, 75, ["烈士遗属"])["city.json"]
    assert matched(outputs, 75, ["流浪乞讨"])["county.json"] == {"流浪乞讨救助"}


def test_reasons_and_assumed_place(outputs):
    notices = {n.path: n for n in match_services(outputs, 82, ["低保", "失能"])}
    items = {item.name: item for item in notices["county.json"].items}
    assert items["长期护理保险"].assumed == ["试点地区"]
    assert "economic: 经济困难 (from 低保)" in items["养老服务补贴"].reasons
    city = {item.name: item for item in notices["city.json"].items}
    assert city["护理补贴"].reasons == ["age 82 ≥ 60 (老年人)", "economic: 低保",
                                      "care_need: 不能自理 (from 失能)"]
    assert [(a.value, a.per) for a in city["高龄津贴"].amounts] == [(100, "每人每月"), (200, "每人每月")]


def test_notice_title_and_region(outputs):
    notice = match_services(outputs, 62, [])[0]
    assert (notice.region, notice.title) == ("甲市", "甲市人民政府办公室关于印发甲市基本养老服务清单的通知")


def test_records_without_eligibility_are_read_from_the_target_group(outputs, tmp_path):
    record = json.loads((outputs / "city.json").read_text(encoding="utf-8"))
    for item in record["catalogue"]:
        item.pop("eligibility")
    (tmp_path / "old.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert matched(tmp_path, 70, ["独居"]) == {"old.json": matched(outputs, 70, ["独居"])["city.json"]}


def test_unknown_conditions_are_kept_as_written():
    profile = person_to_profile(70, ["独居", "试点地区", "爱好书法"])
    assert profile.unknown == ["爱好书法"]
    assert {"独居", "特殊困难", "试点地区", "爱好书法"} <= profile.conditions


# --- the command --------------------------------------------------------------------------


def run(argv):
    parser = argparse.ArgumentParser()
    add_match_parser(parser.add_subparsers(dest="command"))
    return run_match(parser.parse_args(["match", *argv]))


def test_command_prints_services_with_amounts(outputs, capsys):
    assert run(["--age", "82", "--condition", "低保", "--condition", "失能", str(outputs)]) == 0
    text = capsys.readouterr().out
    assert "甲市 · 甲市人民政府办公室关于印发甲市基本养老服务清单的通知" in text
    assert "高龄津贴" in text and "每人每月100元; 每人每月200元" in text


def test_command_json(outputs, capsys):
    assert run(["--age", "70", "--condition", "独居", "--json", str(outputs)]) == 0
    notices = json.loads(capsys.readouterr().out)
    assert {n["path"] for n in notices} == {"city.json", "county.json"}
    assert {"name", "target_group", "amounts", "reasons"} <= set(notices[0]["items"][0])


def test_command_with_no_match_and_no_records(outputs, tmp_path, capsys):
    assert run(["--age", "50", str(outputs)]) == 0
    assert "no matching services" in capsys.readouterr().out
    assert run(["--age", "70", str(tmp_path)]) == 1
