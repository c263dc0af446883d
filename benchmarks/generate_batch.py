"""Realistic notices on elderly-care services, for the scale benchmark and the scale tests.

    python benchmarks/generate_batch.py COUNT --seed N --out FOLDER

Each notice is drawn from its own random stream, seeded by (seed, index): the
same seed gives the same files, and a smaller batch is the start of a larger
one. Notices vary in place (city, county, district), issuer, numbering style
(一、 / (一) / 1. / 1、), layout (a key-task outline, a 职责分工 table, an
attached 基本养老服务清单 in tab or pipe layout, a catalogue announced but
missing), punctuation width, encoding, newlines and size.

The words come from benchmarks/notice_vocab.json, not from pipeline/vocab/,
so the generator does not merely echo what the extractor knows. These notices
are no extractor's only test data: the extractors are tested on real notices
(samples/, tests/heldout/, tests/gold/).
"""
from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

VOCAB_PATH = Path(__file__).with_name("notice_vocab.json")
# Notices per sub-folder of a batch, so that outputs mirror a nested layout.
NOTICES_PER_FOLDER = 500

# Notice kinds and how often each is drawn.
KIND_WEIGHTS = {
    "plan_with_catalogue": 35,  # key tasks in the body, the catalogue attached
    "plan": 25,  # key tasks only
    "catalogue": 20,  # a notice issuing the catalogue
    "duty_table": 12,  # a notice issuing a 职责分工 table of key tasks
    "catalogue_missing": 8,  # the catalogue is announced as an attachment but not in the file
}
# Marker families per outline level, named by their markers; the first level is always 一、.
NUMBERINGS = {
    "一、/(一)/1.": ("chinese", "paren", "dot"),
    "一、/(一)/1、": ("chinese", "paren", "arabic_comma"),
    "一、/(一)": ("chinese", "paren"),
    "一、/1.": ("chinese", "dot"),
    "一、/1、": ("chinese", "arabic_comma"),
}
TABLE_LAYOUTS = ("tab", "pipe")
ENCODING_WEIGHTS = {"utf-8": 80, "utf-8-sig": 5, "gb18030": 15}
CRLF_SHARE = 0.15
FULL_WIDTH_SHARE = 0.3
# Half-width punctuation and its full-width form, for notices typed in full width.
FULL_WIDTH = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，", ";": "；"})
AMOUNTS = (30, 50, 60, 80, 100, 120, 150, 200, 300, 500)
# Extra general sentences a paragraph gets, one value a notice: sizes range from 1 to 30 KB.
VERBOSITY = (0, 0, 1, 2, 4)

_CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(number: int) -> str:
    """Chinese numerals as headings print them, up to 99.

    >>> [chinese_number(n) for n in (1, 10, 12, 20, 35)]
    ['一', '十', '十二', '二十', '三十五']
    """
    tens, units = divmod(number, 10)
    if tens == 0:
        return _CHINESE_DIGITS[units]
    return ("" if tens == 1 else _CHINESE_DIGITS[tens]) + "十" + (_CHINESE_DIGITS[units] if units else "")


def marker(family: str, number: int) -> str:
    """A heading marker of one family.

    >>> [marker(f, 3) for f in ("chinese", "paren", "dot", "arabic_comma")]
    ['三、', '(三)', '3.', '3、']
    """
    return {"chinese": f"{chinese_number(number)}、", "paren": f"({chinese_number(number)})",
            "dot": f"{number}.", "arabic_comma": f"{number}、"}[family]


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    return json.loads(VOCAB_PATH.read_text(encoding="utf-8"))


@dataclass
class GeneratedNotice:
    """One notice's text and what it holds: what the extractor should find in it."""

    text: str
    region: str
    kind: str
    numbering: str | None  # the task outline's marker families, None without one
    table_layout: str | None  # tab or pipe, None without a table
    catalogue_items: int
    tasks: int
    encoding: str
    newline: str


@dataclass
class Place:
    """Who issues the notice: the region, its level and the words that follow from it."""

    region: str
    abbr: str
    level: dict
    year: int

    @property
    def short(self) -> str:
        return self.level["short"]

    def department(self, name: str) -> str:
        return self.short + name


@dataclass
class _Draft:
    """A notice being written: its lines and the counts the extractor should find."""

    verbosity: int = 0  # general sentences added to a paragraph
    lines: list[str] = field(default_factory=list)
    catalogue_items: int = 0
    tasks: int = 0

    def add(self, *paragraphs: str) -> None:
        for paragraph in paragraphs:
            self.lines += [paragraph, ""]


def notice_for(seed: int, index: int) -> GeneratedNotice:
    """The batch's notice number `index`, the same for every run with this seed."""
    rng = random.Random(f"eldercare-notices:{seed}:{index}")
    place = _place(rng)
    kind = _weighted(rng, KIND_WEIGHTS)
    numbering = rng.choice(list(NUMBERINGS)) if kind.startswith("plan") or kind == "catalogue_missing" else None
    layout = rng.choice(TABLE_LAYOUTS) if kind in ("plan_with_catalogue", "catalogue", "duty_table") else None
    plan_name = rng.choice(vocabulary()["plan_names"])
    draft = _Draft(verbosity=rng.choice(VERBOSITY))
    _header(draft, rng, place, kind, plan_name)
    if numbering is not None:
        _plan(draft, rng, place, plan_name, NUMBERINGS[numbering])
    if kind in ("plan_with_catalogue", "catalogue", "catalogue_missing"):
        draft.add(f"附件:{place.region}基本养老服务清单")
    draft.add(f"{place.region}人民政府办公室", _date(rng, place.year))
    if kind in ("plan_with_catalogue", "catalogue"):
        _catalogue(draft, rng, place, layout)
    elif kind == "duty_table":
        _duty_table(draft, rng, place, layout)
    text = "\n".join(draft.lines)
    if rng.random() < FULL_WIDTH_SHARE:
        text = text.translate(FULL_WIDTH)
    return GeneratedNotice(text=text, region=place.region, kind=kind, numbering=numbering, table_layout=layout,
                           catalogue_items=draft.catalogue_items, tasks=draft.tasks,
                           encoding=_weighted(rng, ENCODING_WEIGHTS),
                           newline="\r\n" if rng.random() < CRLF_SHARE else "\n")


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _place(rng: random.Random) -> Place:
    words = vocabulary()
    first, second = rng.choice(words["place_first"]), rng.choice(words["place_second"])
    level = rng.choice(words["levels"])
    return Place(region=first + second + level["suffix"], abbr=first, level=level,
                 year=rng.randint(2022, 2025))


def _date(rng: random.Random, year: int) -> str:
    return f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"


def _values(rng: random.Random, place: Place) -> dict[str, object]:
    """Everything a sentence template may ask for."""
    words = vocabulary()
    return {"year": place.year + rng.randint(1, 3), "count": rng.choice((2, 3, 5, 8, 10, 20)) * 100,
            "amount": rng.choice(AMOUNTS), "percent": rng.choice((50, 55, 60, 70, 80, 85, 90)),
            "small": rng.randint(1, 20), "short": place.short, "thing": rng.choice(words["things"]),
            "facility": rng.choice(words["facilities"]), "scope": rng.choice(words["scopes"]),
            "indicator": rng.choice(words["indicators"]), "service": rng.choice(words["services"])}


def _fill(rng: random.Random, place: Place, template: str) -> str:
    return template.format(**_values(rng, place))


def _filler(draft: _Draft, rng: random.Random, extra: int = 0) -> str:
    """General sentences that pad a paragraph the way real notices do."""
    sentences = vocabulary()["filler_sentences"]
    return "".join(rng.choice(sentences) for _ in range(draft.verbosity + extra))


def _header(draft: _Draft, rng: random.Random, place: Place, kind: str, plan_name: str) -> None:
    words = vocabulary()
    issuer = rng.choice(words["issuer_forms"]).format(region=place.region)
    number = rng.choice(words["doc_number_forms"]).format(abbr=place.abbr, year=place.year,
                                                        number=rng.randint(1, 120))
    subject = {"catalogue": f"{place.region}基本养老服务清单",
               "duty_table": f"{place.region}基本养老服务体系建设重点任务分工方案"}.get(
        kind, place.region + plan_name)
    if rng.random() < 0.5:
        draft.add(f"{issuer}文件")
    draft.add(number, f"{issuer}关于印发{subject}的通知", f"{place.level['addressees']}:")
    draft.add(f"《{subject}》已经{place.short}人民政府同意,现印发给你们,请结合实际认真贯彻落实。")
    if kind == "catalogue":
        draft.add("清单所列服务项目是现阶段向老年人提供的基本养老服务的底线要求。"
                  f"{place.level['lower']}应结合本地实际,适当增加服务项目、提高服务标准。"
                  + _filler(draft, rng))


def _plan(draft: _Draft, rng: random.Random, place: Place, plan_name: str,
          families: tuple[str, ...]) -> None:
    """The plan's body: opening parts, the key tasks, safeguards."""
    words = vocabulary()
    draft.add(place.region + plan_name,
              _fill(rng, place, rng.choice(words["intro_sentences"])))
    top = 0
    for part in rng.sample(words["opening_parts"], rng.randint(1, 2)):
        top += 1
        draft.add(f"{marker(families[0], top)}{part['title']}",
                  _fill(rng, place, part["text"]) + _filler(draft, rng))
    sections = rng.sample(words["section_titles"], rng.randint(2, 6))
    if len(families) == 3:  # a container part (重点任务) holds the sections, which hold the items
        top += 1
        draft.add(f"{marker(families[0], top)}重点任务")
        for number, title in enumerate(sections, start=1):
            _section(draft, rng, place, f"{marker(families[1], number)}{title}", families[2])
    else:  # each section is a part of its own
        for title in sections:
            top += 1
            _section(draft, rng, place, f"{marker(families[0], top)}{title}", families[1])
    top += 1
    draft.add(f"{marker(families[0], top)}保障措施")
    for number, part in enumerate(words["closing_parts"], start=1):
        draft.add(f"{marker(families[1], number)}{part['title']}。{part['text']}"
                  + _filler(draft, rng, rng.randint(0, 2)))


def _section(draft: _Draft, rng: random.Random, place: Place, heading: str, family: str) -> None:
    """A section heading and its numbered task items, each with a responsibility clause."""
    words = vocabulary()
    draft.add(heading)
    titles = rng.sample(words["task_titles"], rng.randint(2, 6))
    one_clause = len(titles) > 1 and rng.random() < 0.2  # one clause after the last item for all
    for number, title in enumerate(titles, start=1):
        body = "".join(_fill(rng, place, sentence) for sentence
                       in rng.sample(words["task_sentences"], rng.randint(1, 3))) + _filler(draft, rng)
        item = f"{marker(family, number)}{title}。{body}"
        if one_clause and number == len(titles):
            draft.add(item, _clause(rng, place))
        elif one_clause:
            draft.add(item)
        else:
            draft.add(item + _clause(rng, place))
    draft.tasks += 1 + len(titles)


def _clause(rng: random.Random, place: Place) -> str:
    """Who leads and who helps, in one of the forms notices print."""
    departments = [place.department(name)
                   for name in rng.sample(vocabulary()["departments"], rng.randint(2, 4))]
    lead, others = departments[0], "、".join(departments[1:])
    return rng.choice((
        f"(牵头单位:{lead};配合单位:{others})",
        f"(责任单位:{lead}、{others})",
        f"({lead}牵头,{others}配合)",
        f"(责任单位:{lead}牵头,{others}按职责分工负责,{place.level['lower_government']}落实)",
    ))


def _row(cells: list[str], layout: str) -> str:
    if layout == "pipe":
        return "| " + " | ".join(cells) + " |"
    return "\t".join(cells)


def _catalogue(draft: _Draft, rng: random.Random, place: Place, layout: str) -> None:
    """The attached catalogue: target groups in merged cells, a header repeated on each page."""
    words = vocabulary()
    names = dict(rng.choice(words["catalogue_headers"]))
    columns = ["seq", "group", "name", "content", "type"]
    if rng.random() < 0.5:
        columns[0:2] = ["group", "seq"]
    for extra in [extra for extra in words["extra_catalogue_columns"] if rng.random() < 0.3]:
        names[extra] = words["extra_catalogue_columns"][extra]
        columns.append(extra)
    columns.append("lead")
    header = _row([names[column] for column in columns], layout)
    draft.add("附件", f"{place.region}基本养老服务清单")
    rows_per_page = rng.choice((8, 12, 1000))
    lines, seq = [], 0
    for group in sorted(rng.sample(range(len(words["catalogue_groups"])), rng.randint(3, 10))):
        entry = words["catalogue_groups"][group]
        items = rng.sample(entry["items"], rng.randint(1, len(entry["items"])))
        for position, item in enumerate(items):
            seq += 1
            if seq % rows_per_page == 1 and seq > 1:  # a page break: furniture, then the header again
                lines += ["", f"— {seq // rows_per_page + 1} —", "", header]
            cells = _catalogue_cells(rng, place, entry["group"] if position == 0 else "", item, seq)
            lines.append(_row([cells[column] for column in columns], layout))
    if layout == "pipe" and rng.random() < 0.5:
        header += "\n" + _row(["---"] * len(columns), layout)
    draft.lines += [header, *lines, ""]
    draft.catalogue_items += seq


def _catalogue_cells(rng: random.Random, place: Place, group: str, item: dict,
                     seq: int) -> dict[str, str]:
    words = vocabulary()
    local = "*" if rng.random() < 0.1 else ""
    return {"seq": str(seq), "group": group, "name": local + item["name"],
            "content": _fill(rng, place, item["content"]), "type": item["type"],
            "standard": rng.choice(words["standards"]), "funding": rng.choice(words["funding"]),
            "lead": place.department(item["lead"])}


def _duty_table(draft: _Draft, rng: random.Random, place: Place, layout: str) -> None:
    """A 职责分工 table: one key task a row, its lead and responsible units, its deadline."""
    words = vocabulary()
    draft.add("附件", f"{place.region}基本养老服务体系建设重点任务分工方案")
    lines = [_row(["序号", "重点任务", "牵头单位", "责任单位", "完成时限"], layout)]
    titles = rng.sample(words["task_titles"], rng.randint(5, 15))
    for number, title in enumerate(titles, start=1):
        departments = [place.department(name)
                       for name in rng.sample(words["departments"], rng.randint(2, 4))]
        body = _fill(rng, place, rng.choice(words["task_sentences"]))
        deadline = rng.choice(words["deadlines"]).format(year=place.year + rng.randint(0, 2))
        lines.append(_row([str(number), f"{title}。{body}", departments[0],
                           " ".join(departments[1:]), deadline], layout))
    draft.lines += lines + [""]
    draft.tasks += len(titles)


def write_notice(notice: GeneratedNotice, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(notice.text.replace("\n", notice.newline).encode(notice.encoding))
    return path


def notice_path(folder: Path, index: int) -> Path:
    """Where notice `index` goes: part-00/notice_00000.txt, 500 notices a folder."""
    return folder / f"part-{index // NOTICES_PER_FOLDER:02d}" / f"notice_{index:05d}.txt"


def generate(count: int, seed: int, folder: Path) -> list[Path]:
    """Write `count` notices under `folder`; the same seed writes the same bytes."""
    return [write_notice(notice_for(seed, index), notice_path(folder, index))
            for index in range(count)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python benchmarks/generate_batch.py",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="how many notices")
    parser.add_argument("--seed", type=int, default=0, help="the batch's seed (default: 0)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write them into")
    args = parser.parse_args(argv)
    paths = generate(args.count, args.seed, args.out)
    print(f"{len(paths)} notices in {args.out}")


if __name__ == "__main__":
    main()
