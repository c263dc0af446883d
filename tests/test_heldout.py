"""Held-out notices: six hand-written notices the pipeline was never tuned on.

Each notice in `tests/heldout/` is annotated here by hand, next to its tests,
following the gold spec (`tests/gold/README.md`): document metadata, catalogue
rows, key tasks and warning codes. Only values that can be stated without
argument are annotated. The library runs alone (no Prefect):
`read_document` then `extract_notice`.

| file | what it exercises |
|---|---|
| h1_tongyuan_county_tasks.txt | county notice whose whole body is the task list: 一、 parts with (一) items ending in "(牵头单位:…;配合单位:…)", two items with "X牵头,Y配合" |
| h2_lanzhou_city_plan.txt | city 实施方案: 指导思想/工作目标/重点任务(container: (一) groups, 1. items, group-level 责任单位 lines)/保障措施; pipe-separated catalogue with markdown separators, header repeated mid-table, merged 服务对象 carried down (also across the page break), one row whose empty 服务对象 cell was dropped (slid) |
| h3_tingyang_catalogue_tabs.txt | tab-separated catalogue, 服务对象 labels vertically centred (first row has no label), one label split over two rows, local additions marked "*" before the item name, footnote "注:标*的为本市新增项目" |
| h4_dongqu_duty_table.txt | 职责分工表 (序号/重点任务/牵头单位/责任单位/完成时限) without section rows, units space-separated, one unit wrapped across a space, three-line title |
| h5_luling_web_gb18030.txt | GB18030 web-page capture (navigation, 发布时间, 来源, 【字体:大 中 小】), signing date differs from publication date, "附件:…基本养老服务清单" announced but rows missing |
| h6_yuanxi_crlf_fullwidth.txt | CRLF newlines, full-width punctuation and digits ((一), １., :), run-together unit lists under a "排在第一位的为牵头单位" rule, Chinese-numeral figures |

Each aspect has its own test so that one wrong field does not hide another.
The first run found six bugs (region of X州市 cities, role clauses with
inner brackets, duty-table titles, * before an item name, centred labels
between neighbouring age groups, markdown ruling lines); all are fixed.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

import pytest

from pipeline.assemble import extract_notice
from pipeline.ingest import read_document
from tests.gold.score import norm_title, norm_unit, titles_match

HELDOUT = Path(__file__).resolve().parent / "heldout"


# --- helpers ------------------------------------------------------------------------


@lru_cache(maxsize=None)
def record(stem: str):
    return extract_notice(read_document(HELDOUT / f"{stem}.txt"))


def nfkc(text) -> str | None:
    if text is None:
        return None
    return "".join(ch for ch in unicodedata.normalize("NFKC", str(text)) if not ch.isspace())


def units(names) -> list[str]:
    """Units compared as the spec says: whitespace and inner punctuation removed."""
    return [norm_unit(name) for name in names]


def T(number, level, parent, title, lead, responsible, figures, years):  # noqa: N802
    return dict(number=number, level=level, parent=parent, title=title, lead=lead,
                responsible=responsible, figures=figures, years=years)


def C(seq, group, min_age, name, service_type, lead, amounts, local, head):  # noqa: N802
    return dict(seq=seq, group=group, min_age=min_age, name=name, service_type=service_type,
                lead=lead, amounts=amounts, local=local, head=head)


def aligned_tasks(stem: str, expected: list[dict]):
    """Pair each expected task with the output task of the same title, in document order
    (the scorer's matching), so one wrong field does not shift every other comparison.
    Missing and extra tasks are the business of the structure test."""
    got = record(stem).tasks
    used, cursor, pairs = set(), 0, []
    for exp in expected:
        order = list(range(cursor, len(got))) + list(range(cursor))
        hit = next((i for i in order if i not in used and titles_match(exp["title"], got[i].title)),
                   None)
        if hit is None:
            continue
        used.add(hit)
        cursor = hit + 1
        pairs.append((exp, got[hit]))
    return pairs


def aligned_rows(stem: str, expected: list[dict]):
    """Pair each expected catalogue row with the output row of the same seq (preferring the
    one with the expected name, where several share a seq). Count and seq order are the
    business of the rows test."""
    got = record(stem).catalogue
    pairs = []
    for exp in expected:
        same_seq = [row for row in got if row.seq == exp["seq"]]
        if not same_seq:
            continue
        named = [row for row in same_seq if nfkc(row.name) == nfkc(exp["name"])]
        pairs.append((exp, (named or same_seq)[0]))
    return pairs


def figure_bag(figures) -> list[tuple[float, str]]:
    return sorted((float(value), nfkc(unit)) for value, unit in figures)


def check_structure(stem, expected):
    got = [(t.number, t.level, t.parent) for t in record(stem).tasks]
    assert got == [(e["number"], e["level"], e["parent"]) for e in expected]


def check_titles(stem, expected):
    wrong = [(e["title"], t.title) for e, t in aligned_tasks(stem, expected)
             if norm_title(t.title) != norm_title(e["title"])]
    assert len(aligned_tasks(stem, expected)) == len(expected)
    assert wrong == []


def check_task_field(stem, expected, field):
    wrong = []
    for exp, task in aligned_tasks(stem, expected):
        if field == "lead":
            want, have = units(exp["lead"]), units(task.lead_units)
        elif field == "responsible":
            want, have = units(exp["responsible"]), units(task.responsible_units)
        elif field == "figures":
            want = figure_bag(exp["figures"])
            have = figure_bag((f.value, f.unit) for f in task.figures)
        elif field == "years":
            want, have = exp["years"], list(task.deadline_years)
        if want != have:
            wrong.append((exp["number"], exp["title"], want, have))
    assert wrong == []


def check_rows(stem, expected):
    assert [row.seq for row in record(stem).catalogue] == [e["seq"] for e in expected]


def check_row_field(stem, expected, field, seqs=None):
    wrong = []
    for exp, row in aligned_rows(stem, expected):
        if seqs is not None and exp["seq"] not in seqs:
            continue
        if field == "group":
            want, have = norm_title(exp["group"]), norm_title(row.target_group)
        elif field == "min_age":
            want, have = exp["min_age"], row.min_age
        elif field == "name":
            want, have = nfkc(exp["name"]), nfkc(row.name)
        elif field == "service_type":
            want, have = nfkc(exp["service_type"]), nfkc(row.service_type)
        elif field == "lead":
            want, have = units(exp["lead"]), units(row.lead_units)
        elif field == "amounts":
            want, have = [float(a) for a in exp["amounts"]], [float(a.value) for a in row.amounts]
        elif field == "local":
            want, have = exp["local"], row.local_addition
        elif field == "head":
            want, have = nfkc(exp["head"]), (nfkc(row.content) or "")[:len(nfkc(exp["head"]))]
        if want != have:
            wrong.append((exp["seq"], want, have))
    assert len(aligned_rows(stem, expected)) == len(expected)
    assert wrong == []


def warning_codes(stem) -> set[str]:
    return {w.code for w in record(stem).warnings}


# --- document metadata (all six notices) -------------------------------------------

DOCUMENTS = {
    "h1_tongyuan_county_tasks": dict(
        title="桐源县人民政府办公室关于推进基本养老服务体系建设的通知",
        issuer="桐源县人民政府办公室", doc_number="桐政办发〔2024〕9号",
        date="2024-03-18",  # the signing date, not the 印发 date (2024-03-19) of the footer
        region="桐源县"),
    "h2_lanzhou_city_plan": dict(
        title="澜州市人民政府办公室关于印发澜州市推进基本养老服务体系建设实施方案的通知",
        issuer="澜州市人民政府办公室", doc_number="澜政办发〔2024〕21号",
        date="2024-07-05", region="澜州市"),
    "h3_tingyang_catalogue_tabs": dict(
        title="汀阳市人民政府办公室关于印发汀阳市基本养老服务清单的通知",
        issuer="汀阳市人民政府办公室", doc_number="汀政办函〔2024〕58号",
        date="2024-09-12", region="汀阳市"),
    "h4_dongqu_duty_table": dict(
        # printed over three lines at the top of the notice
        title="东渠区人民政府办公室关于印发东渠区基本养老服务体系建设重点任务分工方案的通知",
        issuer="东渠区人民政府办公室", doc_number="东政办发〔2024〕33号",
        date="2024-11-08", region="东渠区"),
    "h5_luling_web_gb18030": dict(
        title="鹭岭市人民政府办公室关于印发鹭岭市推进基本养老服务体系建设实施方案的通知",
        issuer="鹭岭市人民政府办公室", doc_number="鹭政办〔2025〕7号",
        date="2025-02-27",  # signing date (and 成文日期); the page was published 2025-03-02
        region="鹭岭市"),
    "h6_yuanxi_crlf_fullwidth": dict(
        title="沅溪市人民政府关于加快推进基本养老服务体系建设的实施意见",
        issuer="沅溪市人民政府",
        doc_number="沅政发〔2023〕15号",  # printed with full-width digits: 沅政发〔２０２３〕１５号
        date="2023-10-20", region="沅溪市"),
}

@pytest.mark.parametrize("stem,field", [
    pytest.param(stem, field, id=f"{stem}-{field}")
    for stem in DOCUMENTS for field in ("title", "issuer", "doc_number", "date", "region")])
def test_document(stem, field):
    assert nfkc(getattr(record(stem).document, field)) == nfkc(DOCUMENTS[stem][field])


# --- h1: county notice, whole body is the task list --------------------------------
# Four 一、 parts assign work (no container heading): they are the level-1 tasks and
# state no units of their own. (一)…(十二) are numbered continuously across the parts.
# Clauses "(牵头单位:X;配合单位:Y)" and "(X牵头,Y配合)". The closing paragraph
# ("于每年12月10日前…") is not a task and its date is not a figure.

H1 = "h1_tongyuan_county_tasks"
H1_TASKS = [
    T("1", 1, None, "健全基本养老服务制度", [], [], [], []),
    T("1", 2, "1", "落实基本养老服务清单", ["县民政局"], ["县财政局", "县卫生健康局"], [], [2024]),
    T("2", 2, "1", "建立老年人能力综合评估制度", ["县民政局"],
      ["县卫生健康局", "县医疗保障局", "县残联"], [(3000, "人")], [2025]),
    T("3", 2, "1", "完善精准识别和主动响应机制", ["县民政局"],
      ["县卫生健康局", "县医疗保障局", "县残联", "县数据资源管理局"], [(1, "次")], []),  # 更新一次
    T("2", 1, None, "强化基本养老服务保障", [], [], [], []),
    T("4", 2, "2", "落实经济困难老年人补贴政策", ["县民政局"], ["县财政局"],
      [(100, "元"), (50, "元")], []),  # 80周岁 is an age
    T("5", 2, "2", "稳步推进长期护理保险", ["县医疗保障局"], ["县民政局", "县财政局", "县残联"],
      [], [2024]),  # "(县医疗保障局牵头,…配合)"; 2024年启动
    T("6", 2, "2", "加大财政投入力度", ["县财政局"], ["县民政局"], [(55, "%")], []),
    T("3", 1, None, "提升基本养老服务供给能力", [], [], [], []),
    T("7", 2, "3", "强化公办养老机构兜底保障", ["县民政局"],
      ["县发展和改革局", "县财政局", "县住房和城乡建设局"], [(120, "张"), (55, "%")], [2025]),
    T("8", 2, "3", "大力发展农村互助养老", ["县民政局"],
      ["县农业农村局", "县乡村振兴局", "各乡镇人民政府"], [(8, "所"), (60, "%")], [2024, 2025]),
    T("9", 2, "3", "完善居家社区养老服务网络", ["县民政局"],
      ["县商务局", "县市场监督管理局", "各街道办事处"], [(1, "个"), (20, "个"), (300, "张")], []),
    T("4", 1, None, "加强养老服务队伍建设和综合监管", [], [], [], []),
    T("10", 2, "4", "加强养老服务人才培养", ["县人力资源和社会保障局"], ["县民政局", "县教育体育局"],
      [(200, "人次"), (80, "%")], [2025]),
    T("11", 2, "4", "强化养老服务综合监管", ["县民政局"],
      ["县公安局", "县市场监督管理局", "县消防救援大队"], [(2, "次")], []),  # 两次
    T("12", 2, "4", "推进医养结合发展", ["县卫生健康局"], ["县民政局", "县医疗保障局"],
      [(100, "%"), (100, "%")], [2025]),
]


def test_h1_tasks_structure():
    check_structure(H1, H1_TASKS)


def test_h1_tasks_titles():
    check_titles(H1, H1_TASKS)


def test_h1_tasks_lead_units():
    check_task_field(H1, H1_TASKS, "lead")


def test_h1_tasks_responsible_units():
    check_task_field(H1, H1_TASKS, "responsible")


def test_h1_tasks_figures():
    check_task_field(H1, H1_TASKS, "figures")


def test_h1_tasks_deadline_years():
    check_task_field(H1, H1_TASKS, "years")


def test_h1_no_catalogue_and_no_warnings():
    assert record(H1).catalogue == []
    assert warning_codes(H1) & {"catalogue_missing", "nothing_extracted"} == set()


# --- h2: city 实施方案 with a container part and a pipe-separated catalogue ------------
# 三、重点任务 is the container: its (一) groups are level 1, the 1. items (numbered anew
# in each group) level 2. Each group's "(责任单位:…)" line follows its items: it is the
# group's, and the items inherit it. In group (二) "市民政局牵头" makes 市民政局 the lead of
# the group and so of the items the clause covers. 指导思想, 工作目标 (with "60%") and
# 保障措施 (no units) are not task parts. "“一刻钟”" is a slogan, not a figure.

H2 = "h2_lanzhou_city_plan"
_H2_G1 = ["市民政局", "市财政局", "市卫生健康委", "市医保局", "各县(市、区)人民政府"]
_H2_G2 = ["市发展改革委", "市自然资源和规划局", "市住房城乡建设局", "各县(市、区)人民政府"]
_H2_G3 = ["市民政局", "市商务局", "市卫生健康委", "市人力资源社会保障局", "各县(市、区)人民政府"]
_H2_G4 = ["市财政局", "市民政局", "市人力资源社会保障局", "市教育局", "各县(市、区)人民政府"]
H2_TASKS = [
    T("1", 1, None, "完善基本养老服务制度", [], _H2_G1, [], []),
    T("1", 2, "1", "落实基本养老服务清单", [], _H2_G1, [], [2024]),
    T("2", 2, "1", "建立精准识别和主动响应机制", [], _H2_G1, [(1, "次")], []),  # 每半年…一次
    T("3", 2, "1", "开展老年人能力综合评估", [], _H2_G1, [(6, "家")], [2025]),
    T("2", 1, None, "优化基本养老服务设施布局", ["市民政局"], _H2_G2, [], []),
    T("1", 2, "2", "编制养老服务设施布局专项规划", ["市民政局"], _H2_G2, [], [2024]),
    T("2", 2, "2", "落实住宅小区养老服务设施配建要求", ["市民政局"], _H2_G2, [(20, "平方米")], []),
    T("3", 2, "2", "推进公办养老机构改革", ["市民政局"], _H2_G2, [(70, "%")], [2025]),
    T("3", 1, None, "增强居家社区养老服务能力", [], _H2_G3, [], []),
    T("1", 2, "3", "健全社区养老服务网络", [], _H2_G3, [(1, "个"), (1, "个")], []),
    T("2", 2, "3", "发展老年助餐服务", [], _H2_G3, [(150, "个"), (2, "元")], [2025]),
    T("3", 2, "3", "支持家庭承担养老功能", [], _H2_G3, [(500, "名")], []),
    T("4", 1, None, "强化基本养老服务要素保障", [], _H2_G4, [], []),
    T("1", 2, "4", "加强资金保障", [], _H2_G4, [(55, "%")], []),
    T("2", 2, "4", "加强人才队伍建设", [], _H2_G4, [(90, "%"), (1, "名")], [2025]),
]

# Catalogue: 16 rows. Row 2, 4, 5, 9, 11, 13, 15 have an empty 服务对象 cell (merged
# cell carried down; row 9 is the first row after the header repeated at the page
# break). Row 7 lost its empty 服务对象 cell (6 cells: the name sits under 服务对象).
# Amounts come from both 服务内容 and 服务标准; "1.3倍" is not money.
H2_ROWS = [
    C(1, "达到待遇享受年龄的老年人", None, "职工基本养老保险", "物质帮助",
      ["市人力资源社会保障局"], [], False, "为符合条件的参保退休"),
    C(2, "达到待遇享受年龄的老年人", None, "城乡居民基本养老保险", "物质帮助",
      ["市人力资源社会保障局", "市财政局"], [163], False, "为符合条件的城乡居民"),
    C(3, "60周岁及以上老年人", 60, "法律援助", "关爱服务", ["市司法局"], [], False,
      "为经济困难的老年人提"),
    C(4, "60周岁及以上老年人", 60, "公共交通出行优待", "关爱服务", ["市交通运输局"], [], False,
      "老年人凭本人身份证或"),
    C(5, "60周岁及以上老年人", 60, "公共文化体育设施优待", "关爱服务",
      ["市文化广电旅游局", "市体育局"], [], False, "免费进入政府投资建设"),
    C(6, "65周岁及以上老年人", 65, "健康管理服务", "医疗服务", ["市卫生健康委"], [], False,
      "每年为老年人提供1次"),
    C(7, "65周岁及以上老年人", 65, "老年人能力综合评估", "照护服务",
      ["市民政局", "市卫生健康委"], [], False, "为有需求的老年人免费"),
    C(8, "80周岁及以上老年人", 80, "高龄津贴", "物质帮助", ["市民政局"], [100, 200, 500], False,
      "为80周岁及以上老年"),
    C(9, "80周岁及以上老年人", 80, "百岁老人长寿补贴", "物质帮助", ["市民政局", "市财政局"],
      [600], False, "为100周岁及以上老"),
    C(10, "经济困难的老年人", None, "养老服务补贴", "物质帮助", ["市民政局", "市财政局"], [150],
      False, "为经济困难的失能、高"),
    C(11, "经济困难的老年人", None, "家庭适老化改造", "照护服务", ["市民政局"], [3000], False,
      "对纳入分散供养特困人"),
    C(12, "经认定生活不能自理的老年人", None, "护理补贴", "物质帮助", ["市民政局"],
      [60, 120, 200], False, "为经认定生活不能自理"),
    C(13, "经认定生活不能自理的老年人", None, "家庭照护培训", "照护服务",
      ["市人力资源社会保障局", "市民政局"], [], False, "为失能老年人家庭照护"),
    C(14, "特困老年人", None, "分散供养", "物质帮助", ["市民政局"], [], False, "为选择在家分散供养的"),
    C(15, "特困老年人", None, "集中供养", "照护服务", ["市民政局"], [1200], False, "为有集中供养意愿的特"),
    C(16, "独居、空巢、留守、失能、重残、计划生育特殊家庭老年人", None, "探访关爱服务", "关爱服务",
      ["市民政局", "市卫生健康委"], [], False, "通过电话问候、上门探"),
]


def test_h2_tasks_structure():
    check_structure(H2, H2_TASKS)


def test_h2_tasks_titles():
    check_titles(H2, H2_TASKS)


def test_h2_tasks_lead_units():
    check_task_field(H2, H2_TASKS, "lead")


def test_h2_tasks_responsible_units():
    check_task_field(H2, H2_TASKS, "responsible")


def test_h2_tasks_figures():
    check_task_field(H2, H2_TASKS, "figures")


def test_h2_tasks_deadline_years():
    check_task_field(H2, H2_TASKS, "years")


def test_h2_catalogue_rows():
    check_rows(H2, H2_ROWS)


def test_h2_catalogue_target_groups():
    check_row_field(H2, H2_ROWS, "group")


def test_h2_catalogue_min_age():
    check_row_field(H2, H2_ROWS, "min_age")


def test_h2_catalogue_names():
    check_row_field(H2, H2_ROWS, "name")


def test_h2_catalogue_service_types():
    check_row_field(H2, H2_ROWS, "service_type")


def test_h2_catalogue_lead_units():
    check_row_field(H2, H2_ROWS, "lead")


def test_h2_catalogue_amounts():
    check_row_field(H2, H2_ROWS, "amounts")


def test_h2_catalogue_local_addition():
    check_row_field(H2, H2_ROWS, "local")


def test_h2_catalogue_content_heads():
    check_row_field(H2, H2_ROWS, "head")


def test_h2_warnings():
    assert warning_codes(H2) & {"catalogue_missing", "nothing_extracted"} == set()


# --- h3: tab-separated catalogue with vertically centred 服务对象 labels ---------------
# The label of each merged cell is printed on a middle row of its span, so the table's
# first row has an empty 服务对象 cell. Spans (label row in brackets): 1-[2]; 3-[4]-5;
# 6-[7]; 8-[9]-10; 11-[12]-13-14; [15]-16; [17]; [18-19 split "经认定生活不能"/"自理的老年人"]-20.
# Each row's text names its own group (e.g. row 6 "为有需求的65周岁及以上老年人…", row 8
# "为80周岁及以上老年人…"). "*" before the item name marks a local addition (rows 9,
# 10, 14): footnote "注:标*的为本市新增项目". Lead units are space- or 、-separated.

H3 = "h3_tingyang_catalogue_tabs"
H3_ROWS = [
    C(1, "达到待遇享受年龄的老年人", None, "职工基本养老保险", "物质帮助", ["市人力资源社会保障局"],
      [], False, "为符合条件的参保退休"),
    C(2, "达到待遇享受年龄的老年人", None, "城乡居民基本养老保险", "物质帮助",
      ["市人力资源社会保障局", "市财政局"], [180], False, "为符合条件的城乡居民"),
    C(3, "60周岁及以上老年人", 60, "法律援助", "关爱服务", ["市司法局"], [], False, "为符合条件的60周"),
    C(4, "60周岁及以上老年人", 60, "公共交通出行优待", "关爱服务", ["市交通运输局"], [], False,
      "60周岁及以上老年人"),
    C(5, "60周岁及以上老年人", 60, "公共文化设施优待", "关爱服务", ["市文化广电旅游局"], [], False,
      "60周岁及以上老年人"),
    C(6, "65周岁及以上老年人", 65, "老年人能力综合评估", "照护服务", ["市民政局", "市卫生健康委"],
      [], False, "为有需求的65周岁及"),
    C(7, "65周岁及以上老年人", 65, "健康管理服务", "医疗服务", ["市卫生健康委"], [], False,
      "每年为65周岁及以上"),
    C(8, "80周岁及以上老年人", 80, "高龄津贴", "物质帮助", ["市民政局"], [50, 100], False,
      "为80周岁及以上老年"),
    C(9, "80周岁及以上老年人", 80, "百岁老人长寿补贴", "物质帮助", ["市民政局"], [500], True,
      "为100周岁及以上老"),
    C(10, "80周岁及以上老年人", 80, "高龄老人意外伤害保险", "关爱服务", ["市民政局", "市财政局"],
      [20], True, "为80周岁及以上老年"),
    C(11, "经济困难的老年人", None, "最低生活保障", "物质帮助", ["市民政局"], [], False,
      "将符合条件的经济困难"),
    C(12, "经济困难的老年人", None, "养老服务补贴", "物质帮助", ["市民政局", "市财政局"], [80], False,
      "为经济困难的失能、高"),
    C(13, "经济困难的老年人", None, "家庭适老化改造", "照护服务", ["市民政局"], [5000], False,
      "为经济困难的失能、残"),
    C(14, "经济困难的老年人", None, "老年助餐服务", "照护服务", ["市民政局", "市商务局"], [3], True,
      "经济困难的老年人在社"),
    C(15, "特困老年人", None, "分散供养", "物质帮助", ["市民政局"], [], False, "为选择在家供养的特困"),
    C(16, "特困老年人", None, "集中供养", "照护服务", ["市民政局"], [], False, "为有集中供养意愿的特"),
    C(17, "计划生育特殊家庭老年人", None, "计划生育特别扶助", "物质帮助", ["市卫生健康委"], [], False,
      "为计划生育特殊家庭老"),
    C(18, "经认定生活不能自理的老年人", None, "护理补贴", "物质帮助", ["市民政局"], [100], False,
      "为经认定生活不能自理"),
    C(19, "经认定生活不能自理的老年人", None, "家庭养老床位", "照护服务", ["市民政局", "市卫生健康委"],
      [], False, "为经认定生活不能自理"),
    C(20, "经认定生活不能自理的老年人", None, "长期护理保险", "照护服务", ["市医疗保障局"], [], False,
      "为参加长期护理保险的"),
]
_H3_CENTRED = set(range(1, 18))   # rows whose group hangs on a single centred label
_H3_SPLIT = {18, 19, 20}          # the group whose label is split over two rows



def test_h3_catalogue_rows():
    check_rows(H3, H3_ROWS)


def test_h3_catalogue_target_groups_centred_labels():
    check_row_field(H3, H3_ROWS, "group", _H3_CENTRED)


def test_h3_catalogue_target_groups_split_label():
    check_row_field(H3, H3_ROWS, "group", _H3_SPLIT)


def test_h3_catalogue_min_age():
    check_row_field(H3, H3_ROWS, "min_age")


def test_h3_catalogue_names():
    check_row_field(H3, H3_ROWS, "name")


def test_h3_catalogue_service_types():
    check_row_field(H3, H3_ROWS, "service_type")


def test_h3_catalogue_lead_units():
    check_row_field(H3, H3_ROWS, "lead")


def test_h3_catalogue_amounts():
    check_row_field(H3, H3_ROWS, "amounts")


def test_h3_catalogue_local_addition():
    check_row_field(H3, H3_ROWS, "local")


def test_h3_catalogue_content_heads():
    check_row_field(H3, H3_ROWS, "head")


def test_h3_no_tasks_and_no_missing_catalogue():
    # the body is three unnumbered paragraphs: no task part
    assert record(H3).tasks == []
    assert warning_codes(H3) & {"catalogue_missing", "nothing_extracted"} == set()


# --- h4: 职责分工表 without section rows -----------------------------------------------
# Every row is a level-1 task numbered by its 序号. The 重点任务 cell holds heading and
# text: the title is the text up to the first 。. 牵头单位/责任单位 cells list units
# separated by spaces; "区市场监督 管理局" (row 10) is one unit wrapped across a space.
# deadline_years include the 完成时限 cell ("2024年12月底前"); "长期坚持" gives none.

H4 = "h4_dongqu_duty_table"
H4_TASKS = [
    T("1", 1, None, "制定发布基本养老服务清单", ["区民政局"], ["区财政局", "区发展改革局"], [], [2024]),
    T("2", 1, None, "建立困难老年人精准识别机制", ["区民政局"], ["区卫生健康局", "区医保局", "区残联"],
      [(1, "次")], []),
    T("3", 1, None, "开展老年人能力综合评估", ["区民政局"], ["区卫生健康局"], [(1500, "人")], [2025]),
    T("4", 1, None, "落实经济困难老年人补贴", ["区民政局"], ["区财政局"], [(100, "元"), (60, "元")], []),
    T("5", 1, None, "推进长期护理保险制度落地", ["区医保局"], ["区民政局", "区卫生健康局", "区财政局"],
      [], [2025]),
    T("6", 1, None, "完善社区养老服务设施", ["区自然资源分局", "区住房城乡建设局"],
      ["区民政局", "各街道办事处", "各镇人民政府"], [(20, "平方米")], [2025]),
    T("7", 1, None, "建设街道综合养老服务中心", ["区民政局"], ["各街道办事处"], [(1, "个"), (100, "%")],
      [2025]),
    T("8", 1, None, "提升农村养老服务水平", ["区民政局"], ["区农业农村局", "各镇人民政府"], [(15, "个")],
      [2025]),
    T("9", 1, None, "推进医养结合", ["区卫生健康局"], ["区民政局", "区医保局"], [(100, "%")], []),
    T("10", 1, None, "加强养老服务综合监管", ["区民政局"], ["区公安分局", "区市场监督管理局", "区消防救援大队"],
      [(2, "次")], []),
    T("11", 1, None, "加强养老服务人才队伍建设", ["区人力资源社会保障局"], ["区民政局", "区教育局"],
      [(300, "人次"), (85, "%")], [2025]),
    T("12", 1, None, "落实基本养老服务经费保障", ["区财政局"], ["区民政局"], [(55, "%")], []),
]


def test_h4_tasks_structure():
    check_structure(H4, H4_TASKS)


def test_h4_tasks_titles():
    check_titles(H4, H4_TASKS)


def test_h4_tasks_lead_units():
    check_task_field(H4, H4_TASKS, "lead")


def test_h4_tasks_responsible_units():
    check_task_field(H4, H4_TASKS, "responsible")


def test_h4_tasks_figures():
    check_task_field(H4, H4_TASKS, "figures")


def test_h4_tasks_deadline_years():
    check_task_field(H4, H4_TASKS, "years")


def test_h4_no_catalogue_and_no_warnings():
    assert record(H4).catalogue == []
    assert warning_codes(H4) & {"catalogue_missing", "nothing_extracted"} == set()


# --- h5: GB18030 web capture, attachment rows missing ---------------------------------
# 二、主要任务 is the container: (一)…(七) are level-1 tasks. (四) has an unlabelled
# clause "(市民政局牵头,市商务局、市住房城乡建设局配合,各县(市、区)人民政府负责落实)".
# 三、组织保障 names no units: not a task part. "附件:鹭岭市基本养老服务清单" is announced
# but no row follows.

H5 = "h5_luling_web_gb18030"
_H5_COUNTIES = "各县(市、区)人民政府"
H5_TASKS = [
    T("1", 1, None, "建立基本养老服务清单制度", [], ["市民政局", "市财政局", _H5_COUNTIES], [], [2025]),
    T("2", 1, None, "完善老年人能力综合评估", [],
      ["市民政局", "市卫生健康委", "市医保局", _H5_COUNTIES], [(1, "支")], [2025]),
    T("3", 1, None, "健全探访关爱服务", [], ["市民政局", "市卫生健康委", "市残联", _H5_COUNTIES],
      [(1, "次"), (100, "%")], [2025]),
    T("4", 1, None, "发展居家社区养老服务", ["市民政局"],
      ["市商务局", "市住房城乡建设局", _H5_COUNTIES], [(30, "个"), (50, "个"), (1000, "户")], [2025]),
    T("5", 1, None, "提升养老机构服务能力", [],
      ["市民政局", "市发展改革委", "市财政局", _H5_COUNTIES], [(65, "%")], [2027]),
    T("6", 1, None, "深化医养结合服务", [], ["市卫生健康委", "市民政局", "市医保局"], [(60, "%")], []),
    T("7", 1, None, "加强养老服务人才队伍建设", [], ["市人力资源社会保障局", "市民政局", "市教育局"],
      [(500, "人次")], []),
]



def test_h5_tasks_structure():
    check_structure(H5, H5_TASKS)


def test_h5_tasks_titles():
    check_titles(H5, H5_TASKS)


def test_h5_tasks_lead_units():
    check_task_field(H5, H5_TASKS, "lead")


def test_h5_tasks_responsible_units():
    check_task_field(H5, H5_TASKS, "responsible")


def test_h5_tasks_figures():
    check_task_field(H5, H5_TASKS, "figures")


def test_h5_tasks_deadline_years():
    check_task_field(H5, H5_TASKS, "years")


def test_h5_catalogue_missing_warning():
    assert record(H5).catalogue == []
    assert "catalogue_missing" in warning_codes(H5)


def test_h5_read_as_gb18030():
    assert record(H5).source.encoding.lower() in {"gb18030", "gbk", "gb2312"}


# --- h6: CRLF, full-width punctuation, run-together units, Chinese numerals -----------
# 二、重点任务 is the container; "各项任务责任单位中,排在第一位的为牵头单位" makes the first
# unit of each list the lead. The (一)-(三) groups state no units. Unit lists are run
# together ("市民政局市财政局市人社局"; "市民政局市市场监管局…"). Figures: 一次, 两次,
# 十个, 三十个, 一百二十个, 一所 (in "一所以失能照护为主"), 一百元, 一名; not 每两年, 每千名,
# 八十周岁, "一站式".

H6 = "h6_yuanxi_crlf_fullwidth"
H6_TASKS = [
    T("1", 1, None, "完善基本养老服务制度", [], [], [], []),
    T("1", 2, "1", "建立基本养老服务清单制度", ["市民政局"], ["市财政局", "市人社局"], [(1, "次")], [2024]),
    T("2", 2, "1", "建立精准识别和主动发现机制", ["市民政局"], ["市卫健委", "市医保局", "市残联"],
      [(2, "次")], []),
    T("3", 2, "1", "开展老年人能力综合评估", ["市民政局"], ["市卫健委"], [(10, "个"), (200, "名")], [2025]),
    T("2", 1, None, "扩大基本养老服务供给", [], [], [], []),
    T("4", 2, "2", "强化公办养老机构兜底作用", ["市民政局"], ["市发改委", "市财政局", "各县市区人民政府"],
      [(1, "所")], []),
    T("5", 2, "2", "发展社区居家养老服务", ["市民政局"], ["市商务局", "市住建局"], [(10, "个"), (30, "个")],
      []),
    T("6", 2, "2", "推进农村养老服务发展", ["市民政局"], ["市农业农村局", "市乡村振兴局"], [(120, "个")],
      [2025]),
    T("3", 1, None, "强化基本养老服务保障", [], [], [], []),
    T("7", 2, "3", "完善养老服务补贴制度", ["市民政局"], ["市财政局"], [(100, "元")], []),
    T("8", 2, "3", "加强养老服务人才队伍建设", ["市人社局"], ["市民政局", "市教育局"], [(2, "次"), (1, "名")],
      [2025]),
    T("9", 2, "3", "强化养老服务综合监管", ["市民政局"], ["市市场监管局", "市消防救援支队"], [(1, "次")], []),
]


def test_h6_tasks_structure():
    check_structure(H6, H6_TASKS)


def test_h6_tasks_titles():
    check_titles(H6, H6_TASKS)


def test_h6_tasks_lead_units():
    check_task_field(H6, H6_TASKS, "lead")


def test_h6_tasks_responsible_units():
    check_task_field(H6, H6_TASKS, "responsible")


def test_h6_tasks_figures():
    check_task_field(H6, H6_TASKS, "figures")


def test_h6_tasks_deadline_years():
    check_task_field(H6, H6_TASKS, "years")


def test_h6_no_catalogue_and_no_warnings():
    assert record(H6).catalogue == []
    assert warning_codes(H6) & {"catalogue_missing", "nothing_extracted"} == set()
