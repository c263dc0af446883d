"""Services a person qualifies for (服务找人), read from an output folder's records.

A person is an age and a list of stated conditions. The conditions are read
with the eligibility vocabulary (`pipeline.extract.eligibility`), so 最低生活保障
and 低保 are one condition, then widened by ``vocab/eligibility_implies.txt``
until nothing changes (重度失能 → 失能 → 不能自理, 低保 → 经济困难, 独居 →
特殊困难; 不能自理 does not imply 失能). A catalogue item matches when:

- the age is within the item's ``min_age``..``max_age``; an item that prints
  no minimum age needs ``ELDERLY_AGE`` (60, the usual threshold of 老年人);
- every category the item names is met by one of its values (categories AND,
  values OR): ``economic``, ``care_need``, ``family`` and ``other`` by a
  condition of the person, ``disability`` by 残疾, ``special_contribution`` by
  特殊贡献;
- in ``other``, 高龄 is met at ``HIGH_AGE`` (80) and 待遇享受年龄 at
  ``PENSION_AGE`` (60) without being stated; place conditions (试点地区) are
  assumed, and the match says so.

An item whose record has no `eligibility` (a record written before 1.3.0) is
read from its `target_group`; an item with neither is never matched.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NamedTuple

import regex

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from pipeline.extract.eligibility import (FLAG_CATEGORIES, find_conditions, flag_name,
                                          parse_eligibility)
from pipeline.model import CatalogueItem, Eligibility, NoticeRecord, Quantity
from pipeline.vocab import word_list

# --- settings -----------------------------------------------------------------------

ELDERLY_AGE = 60  # 老年人: an item that prints no age needs this age
HIGH_AGE = 80  # 高龄 with no printed age
PENSION_AGE = 60  # 达到待遇享受年龄: the pension age the records do not print
AGE_WORDS = {"高龄": HIGH_AGE, "待遇享受年龄": PENSION_AGE}  # `other` values met by age
LISTED_CATEGORIES = ("economic", "care_need", "family", "other")
_STATED_SEPARATORS = regex.compile(r"[,，、;；\s]+")  # --condition 低保,失能


# --- results -------------------------------------------------------------------------


class ItemMatch(BaseModel):
    """A catalogue item the person qualifies for, and why."""

    id: str
    name: str
    target_group: str | None
    amounts: list[Quantity] = Field(default_factory=list)
    reasons: list[str] = Field(description="each condition of the item and what met it")
    assumed: list[str] = Field(default_factory=list,
                               description="place conditions the profile cannot say, assumed met")


class NoticeMatches(BaseModel):
    """One notice's items a person qualifies for."""

    path: str = Field(description="the record's path inside the output folder")
    notice_id: str
    title: str | None
    region: str | None
    items: list[ItemMatch]


class Profile(BaseModel):
    """A person: an age and canonical conditions, with the implied ones added."""

    age: int
    stated: list[str] = Field(description="the conditions as given")
    given: set[str] = Field(description="canonical names of the stated conditions")
    conditions: set[str] = Field(description="canonical names, implications included")
    unknown: list[str] = Field(default_factory=list,
                               description="stated words the vocabulary lacks")


# --- the person ----------------------------------------------------------------------


def _implications() -> list[tuple[str, str]]:
    pairs = (line.split() for line in word_list("eligibility_implies"))
    return [(given, then) for given, then in pairs]


def implied_conditions(conditions: set[str]) -> set[str]:
    """The conditions with everything they imply, until nothing changes.

    >>> sorted(implied_conditions({"重度失能"}))
    ['不能自理', '失能', '特殊困难', '重度失能']
    >>> sorted(implied_conditions({"不能自理"}))
    ['不能自理']
    """
    found = set(conditions)
    while True:
        more = {then for given, then in _implications() if given in found} - found
        if not more:
            return found
        found |= more


def person_to_profile(age: int, stated: list[str]) -> Profile:
    """Canonical conditions of a person; a word outside the vocabulary is kept as given.

    >>> profile = person_to_profile(82, ["最低生活保障", "失能,试点"])
    >>> sorted(profile.conditions), profile.unknown
    (['不能自理', '低保', '失能', '特殊困难', '经济困难', '试点'], ['试点'])
    """
    canonical: set[str] = set()
    unknown: list[str] = []
    words = [w for text in stated for w in _STATED_SEPARATORS.split(text) if w]
    for word in words:
        names = {found.value.name for found in find_conditions(word)}
        if not names:
            unknown.append(word)
            names = {word}
        canonical |= names
    return Profile(age=age, stated=list(stated), given=canonical,
                   conditions=implied_conditions(canonical), unknown=unknown)


# --- one item ------------------------------------------------------------------------


def age_reason(eligibility: Eligibility, age: int) -> str | None:
    """Why the age qualifies, or None when it does not.

    >>> age_reason(Eligibility(text="60-69周岁", min_age=60, max_age=69), 65)
    'age 65 in 60–69'
    >>> age_reason(Eligibility(text="老年人"), 59) is None
    True
    >>> age_reason(Eligibility(text="不满70周岁", max_age=69), 55) is None
    True
    """
    printed = eligibility.min_age is not None
    low = eligibility.min_age if printed else ELDERLY_AGE
    high = eligibility.max_age
    if age < low or (high is not None and age > high):
        return None
    floor = f"≥ {low}" if printed else f"≥ {low} (老年人)"
    return f"age {age} {floor}" if high is None else f"age {age} in {low}–{high}"


def _met_by(value: str, profile: Profile) -> str | None:
    """How a person meets one condition value, or None."""
    if value in AGE_WORDS:
        return f"{value} (age ≥ {AGE_WORDS[value]})" if profile.age >= AGE_WORDS[value] else None
    if value in profile.given:
        return value
    if value in profile.conditions:
        sources = sorted(given for given in profile.given if value in implied_conditions({given}))
        return f"{value} (from {', '.join(sources)})"
    return None


def category_reason(category: str, values: list[str], profile: Profile) -> str | None:
    """Why one listed category is met (one of its values), or None."""
    met = [reason for value in values if (reason := _met_by(value, profile))]
    return f"{category}: {', '.join(met)}" if met else None


class Verdict(NamedTuple):
    reasons: list[str]
    assumed: list[str]


def eligibility_to_verdict(eligibility: Eligibility, profile: Profile) -> Verdict | None:
    """Why a person qualifies (and which place conditions that assumes), or None."""
    age = age_reason(eligibility, profile.age)
    if age is None:
        return None
    reasons: list[str] = [age]
    assumed: list[str] = []
    places = set(word_list("eligibility_place_conditions"))
    for category in LISTED_CATEGORIES:
        values = getattr(eligibility, category)
        if category == "other" and any(value in places for value in values):
            assumed = [value for value in values if value in places]
            continue
        if values:
            reason = category_reason(category, values, profile)
            if reason is None:
                return None
            reasons.append(reason)
    for category in FLAG_CATEGORIES:
        if getattr(eligibility, category):
            if flag_name(category) not in profile.conditions:
                return None
            reasons.append(f"{category}: {flag_name(category)}")
    return Verdict(reasons, assumed)


def item_to_match(item: CatalogueItem, profile: Profile) -> ItemMatch | None:
    """The item as a match for the person, or None; an old record's item is read
    from its target group."""
    eligibility = item.eligibility or (parse_eligibility(item.target_group)
                                       if item.target_group else None)
    if eligibility is None:
        return None
    verdict = eligibility_to_verdict(eligibility, profile)
    if verdict is None:
        return None
    return ItemMatch(id=item.id, name=item.name, target_group=item.target_group,
                     amounts=item.amounts, reasons=verdict.reasons, assumed=verdict.assumed)


# --- the output folder ---------------------------------------------------------------


def read_records(outputs_dir: Path) -> tuple[list[tuple[str, NoticeRecord]], list[str]]:
    """Every notice record under a folder (not run summaries or debug dumps: names
    starting with "_"), by relative path; and the files that could not be read."""
    records, problems = [], []
    for path in sorted(outputs_dir.rglob("*.json")):
        relative = path.relative_to(outputs_dir)
        if any(part.startswith("_") for part in relative.parts):
            continue
        try:
            records.append((relative.as_posix(),
                            NoticeRecord.model_validate_json(path.read_bytes())))
        except OSError as error:
            problems.append(f"{relative.as_posix()}: {error.strerror or error}")
        except ValidationError as error:
            problems.append(f"{relative.as_posix()}: not a notice record "
                            f"({error.error_count()} errors)")
    return records, problems


def records_to_matches(records: list[tuple[str, NoticeRecord]],
                       profile: Profile) -> list[NoticeMatches]:
    """Per notice, the items the person qualifies for; notices with none are left out."""
    results = []
    for path, record in records:
        items = [m for item in record.catalogue if (m := item_to_match(item, profile))]
        if items:
            results.append(NoticeMatches(path=path, notice_id=record.notice_id,
                                         title=record.document.title,
                                         region=record.document.region, items=items))
    return results


def match_services(outputs_dir: Path, age: int, conditions: list[str]) -> list[NoticeMatches]:
    """Every catalogue item under `outputs_dir` that a person of `age` with `conditions`
    qualifies for, grouped by notice (unreadable files are skipped)."""
    records, _ = read_records(outputs_dir)
    return records_to_matches(records, person_to_profile(age, conditions))


# --- command line --------------------------------------------------------------------


def add_match_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """`match --age N [--condition C]... [--json] [OUTPUTS]`."""
    parser = subparsers.add_parser(
        "match", help="list the services a person qualifies for",
        description="List the catalogue items of an output folder that a person qualifies for.")
    parser.add_argument("outputs", nargs="?", type=Path, default=Path("outputs"),
                        help="output folder (default: outputs)")
    parser.add_argument("--age", type=int, required=True, help="the person's age in years")
    parser.add_argument("--condition", action="append", default=[], metavar="C",
                        help="a condition the person has (低保, 失能, 独居 …); repeatable")
    parser.add_argument("--json", action="store_true", help="print the matches as JSON")
    return parser


def format_amount(amount: Quantity) -> str:
    """An amount with its per-basis, in the order a notice prints it.

    >>> format_amount(Quantity(value=100, unit="元", text="每人每月100元", per="每人每月"))
    '每人每月100元'
    >>> format_amount(Quantity(value=1000, unit="元", text="1000元/人", per="人"))
    '1000元/人'
    """
    value = f"{amount.value}{amount.unit}"
    if not amount.per:
        return value
    return f"{amount.per}{value}" if amount.per.startswith("每") else f"{value}/{amount.per}"


def format_matches(matches: list[NoticeMatches]) -> str:
    """A readable list: per notice, each service with its amounts and why it matched."""
    lines: list[str] = []
    for notice in matches:
        lines.append(f"{notice.region or '?'} · {notice.title or notice.path}  [{notice.path}]")
        for item in notice.items:
            lines.append(f"  - {item.name}  ({item.target_group})")
            if item.amounts:
                lines.append(f"      amounts: {'; '.join(format_amount(a) for a in item.amounts)}")
            lines.append(f"      why: {'; '.join(item.reasons)}")
            if item.assumed:
                lines.append(f"      only if: {', '.join(item.assumed)}")
        lines.append("")
    return "\n".join(lines)


def run_match(args: argparse.Namespace) -> int:
    """Print the matches; exit status 1 when the folder holds no readable record."""
    records, problems = read_records(args.outputs)
    for problem in problems:
        print(f"skipped {problem}", file=sys.stderr)
    if not records:
        print(f"no notice records under {args.outputs}", file=sys.stderr)
        return 1
    profile = person_to_profile(args.age, args.condition)
    if profile.unknown:
        print(f"conditions not in the vocabulary (matched only as written): "
              f"{', '.join(profile.unknown)}", file=sys.stderr)
    matches = records_to_matches(records, profile)
    if args.json:
        print(TypeAdapter(list[NoticeMatches]).dump_json(matches, indent=2).decode())
    else:
        print(format_matches(matches) if matches else "no matching services")
    return 0
