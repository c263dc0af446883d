"""Responsibility clauses: the forms that say who does an item's work, found in text.

Every function here is pure over one string; offsets of a returned clause or
unit point into that string. The forms:

- labelled: a label and its colon (牵头单位：A；配合单位：B, 责任单位：A、B,
  负责部门：A；适用范围：…), bracketed or not, up to its closing bracket or the
  sentence end;
- role bracket: a bracket whose units state their roles (（A牵头，B、C参与）,
  ［A、B按职责分工负责］, 【A指导】), only when every unit in it is a known
  unit form, so that ordinary parenthetical prose is never read as a clause;
- role sentence: a sentence that is nothing but a role statement (由A负责。
  A会同B负责。), same condition;
- lead phrase: 由A牵头 inside a sentence (leads only).

Units and their roles come from `pipeline.extract.units`: labels give the
units after them their role, a role phrase after a unit (牵头, 配合) gives it
its own. Rules a notice states once for every later clause are found here too
(`find_rules`): 排在第一位的部门为牵头部门，下同; 以下均需X落实，不再列出.
Deciding what the clauses mean for each task is `pipeline.roles`.
"""
from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache
from typing import NamedTuple

from pipeline.extract.units import (BARE_PREFIX_RE, CLOSING, FALLBACK, LABEL_RE, OPENING,
                                    PREFIXED, REFERENCE, ROLE_PHRASES, SEPARATORS, Mark, Role,
                                    UnitSpan, marked_text_to_units, text_to_marks, tile_units,
                                    unit_shaped)

# --- settings ---------------------------------------------------------------------

MAX_LEAD_PHRASE_CHARS = 40
# A bracket or sentence longer than this is prose, not a role statement.
MAX_ROLE_STATEMENT_CHARS = 240
# Paragraphs whose clauses are remembered; a notice has a few hundred.
CLAUSE_CACHE_SIZE = 4096
COLLECTIVE_NOUNS = ("政府", "人民政府")  # what a bare 各县 waits for
# How far a first-listed rule reaches either side of its 牵头 (排在第一位的部门为牵头部门).
FIRST_LEADS_REACH = 16
# Verbs that may follow a role word in a role sentence: 由市民政局负责组织实施。
ROLE_SENTENCE_TAILS = ("组织实施", "具体实施", "实施", "落实", "推进")


class ClauseForm(str, Enum):
    labelled = "labelled"
    role_bracket = "role_bracket"
    role_sentence = "role_sentence"
    lead_phrase = "lead_phrase"


class UnitText(NamedTuple):
    """One unit of a clause: its cleaned name, role, offsets, and whether a known form covers it."""

    name: str
    role: Role
    start: int
    end: int
    known: bool


class FoundClause(NamedTuple):
    form: ClauseForm
    start: int
    end: int
    units: tuple[UnitText, ...]


class RuleKind(str, Enum):
    first_listed_leads = "first_listed_leads"  # 排在第一位的部门为牵头部门，下同
    standing_units = "standing_units"  # 以下均需试点城市政府落实，不再列出


class FoundRule(NamedTuple):
    kind: RuleKind
    start: int
    end: int
    units: tuple[UnitText, ...] = ()


# --- regexes ----------------------------------------------------------------------

_OPEN = re.escape(OPENING)
_CLOSE = re.escape(CLOSING)
_ROLE_WORDS = "|".join(map(re.escape, sorted(ROLE_PHRASES, key=len, reverse=True)))

_CLAUSE_START_RE = re.compile(rf"""
    (?: [{_OPEN}] | (?<!\s) )                   # usually bracketed, sometimes not; a space
    \s*                                          # run is tried from its start only (tried
                                                 # from each of its spaces: quadratic)
    (?={LABEL_RE.pattern})                       # a label with its colon opens it
""", re.VERBOSE)

_BRACKET_RE = re.compile(rf"""
    [{_OPEN}] (?P<content>
        (?: [^{_OPEN}{_CLOSE}] | [{_OPEN}][^{_OPEN}{_CLOSE}]*[{_CLOSE}] )+   # text, or one inner
    ) [{_CLOSE}]                                                           # bracket: 各县(市、区)
""", re.VERBOSE)

_ROLE_WORD_RE = re.compile(_ROLE_WORDS)

_SENTENCE_RE = re.compile(r"[^。;；\n]+[。;；]?")  # a sentence and its end

_BARE_PREFIX_END_RE = re.compile(rf"""
    (?<! [^{re.escape(SEPARATORS)}\s:：{_OPEN}] )    # a piece of its own …
    {BARE_PREFIX_RE.pattern} \s* $               # … that is only a prefix: 各县)政府
""", re.VERBOSE)

_LEAD_PHRASE_RE = re.compile(rf"""
    (?: 由 | (?<=[,，;；。:：]) | ^ )            # 由 …, or a clause of its own
    (?P<units> [^,，;；。:：()（）\s由]{{2,{MAX_LEAD_PHRASE_CHARS}}}? )
    (?: 共同 | 负责 )? 牵头                       # 由市民政局、市财政局共同牵头
    (?! 单位 | 部门 )                             # 牵头单位 is a label, not a statement
""", re.VERBOSE)

_FIRST_LEADS_RE = re.compile(r"""
    (?: 排在 | 排名 | 排序 | 列在 | 列 | 位列 | 居 )? \s*  # listed / ranked …
    (?: 第一 | 第1 | 首 ) \s* (?: 位 | 个 | 名 )? \s*     # … first
    (?: 的 | 者 )? \s* (?: 部门 | 单位 )? \s*             # … (the unit, the one) …
    (?: 为 | 是 )? \s* 牵头                               # … leads
    | 牵头 (?: 部门 | 单位 ) \s* (?: 为 | 是 ) \s*        # the lead is …
      (?: 排在 | 排名 | 列在 | 列 )? \s* (?: 第一 | 首 )   # … the first listed
""", re.VERBOSE)

# The rule with what joins it to its clause: ,排在第一位的部门为牵头部门,下同
_FIRST_LEADS_RULE_RE = re.compile(rf"""
    [,，;；。]? \s* (?:{_FIRST_LEADS_RE.pattern}) (?:部门|单位)? \s* (?:[,，]\s*下同)?
""", re.VERBOSE)

_STANDING_RE = re.compile(r"""
    以下 \s* (?: 均 | 都 | 各项 )* \s* (?: 需 | 由 | 要 )? \s*   # every item below …
    (?P<units> [^,，;；。()（）]{2,40}? ) \s*                 # … this unit …
    (?: 负责 )? (?: 落实 | 实施 | 承担 | 负责 ) \s* [,，]? \s*   # … carries it out,
    不再 (?: 一一 )? 列出                                       # not listed again
""", re.VERBOSE)


# --- one clause's content -> units with roles ---------------------------------------


def _role_of(unit: UnitSpan, marks: list[Mark]) -> Role:
    """The role its section's label gives, unless the next role phrase says 牵头."""
    section: Role = "responsible"
    for mark in marks:
        if mark.end <= unit.start and mark.is_label:
            section = mark.role or section
        elif mark.start >= unit.end and (mark.is_label or mark.role):
            return "lead" if mark.role == "lead" and not mark.is_label else section
    return section


def parse_units(text: str) -> tuple[UnitText, ...]:
    """The units of a clause's content with their roles, each unit once (a lead stays a lead).

    >>> [(u.name, u.role) for u in parse_units("市民政局牵头,市财政局、市人社局配合")]
    [('市民政局', 'lead'), ('市财政局', 'responsible'), ('市人社局', 'responsible')]
    >>> [(u.name, u.role) for u in parse_units("牵头单位:市民政局;责任单位:市财政局、市民政局")]
    [('市民政局', 'lead'), ('市财政局', 'responsible')]
    """
    marks = text_to_marks(text)
    found = [UnitText(unit.name, _role_of(unit, marks), unit.start, unit.end, _known(unit))
             for unit in marked_text_to_units(text, marks)]
    leads = {unit.name for unit in found if unit.role == "lead"}
    seen: set[str] = set()
    units = []
    for unit in found:
        if unit.name in seen or (unit.role == "responsible" and unit.name in leads):
            continue
        seen.add(unit.name)
        units.append(unit)
    return tuple(units)


def _known(unit: UnitSpan) -> bool:
    """A unit a known form covers; a name behind it (鹤岗 + 市民政局) only if it is no prose."""
    if unit.kind == FALLBACK:
        return False
    return unit.kind != PREFIXED or unit_shaped(unit.name)


def _shifted(units: tuple[UnitText, ...], offset: int) -> tuple[UnitText, ...]:
    return tuple(unit._replace(start=unit.start + offset, end=unit.end + offset) for unit in units)


# --- text -> clauses ----------------------------------------------------------------


def _closes_inner_bracket(text: str, content_start: int, i: int) -> bool:
    """各县)政府: the bracket after a bare county prefix belongs to the name, not the clause."""
    return (text.startswith(COLLECTIVE_NOUNS, i + 1)
            and _BARE_PREFIX_END_RE.search(text, content_start, i) is not None)


def _clause_end(text: str, content_start: int, bracketed: bool) -> tuple[int, int]:
    """(end of content, end of clause): the closing bracket, a sentence end, or the text end."""
    depth = 0
    for i in range(content_start, len(text)):
        ch = text[i]
        if ch in "。\n":
            return i, i
        if ch in OPENING:
            depth += 1
        elif ch in CLOSING and depth:
            depth -= 1
        elif ch in CLOSING and not _closes_inner_bracket(text, content_start, i):
            return i, i + 1 if bracketed else i
    return len(text), len(text)  # an unclosed clause runs to the end: 各县、区政府<end>


def find_clauses(text: str) -> list[FoundClause]:
    """Every responsibility clause of a text, in order.

    >>> [(c.form.value, c.start, c.end) for c in find_clauses("修订完善。(责任单位:市民政局)")]
    [('labelled', 5, 16)]
    >>> find_clauses("(责任单位:市民政局、各县)政府")[0].units[-1].name
    '各县政府'
    >>> [(u.name, u.role) for u in find_clauses("加强统筹。(生态环境部牵头,工业和信息化部参与)")[0].units]
    [('生态环境部', 'lead'), ('工业和信息化部', 'responsible')]
    >>> find_clauses("包括设计、施工(含监理、检测等)")
    []
    """
    return list(_clauses(text))


@lru_cache(maxsize=CLAUSE_CACHE_SIZE)
def _clauses(text: str) -> tuple[FoundClause, ...]:
    """Cached: stages ask about the same paragraph more than once."""
    labelled = list(_labelled(text))
    found = labelled + _role_brackets(text, labelled)
    found += _role_sentences(text, found)
    found += _lead_phrases(text, found)
    return tuple(sorted(found, key=lambda clause: clause.start))


def _labelled(text: str):
    position = 0
    for m in _CLAUSE_START_RE.finditer(text):
        if m.start() < position:
            continue  # a second label inside the same clause
        bracketed = text[m.start()] in OPENING
        content_end, position = _clause_end(text, m.end(), bracketed)
        units = _shifted(parse_units(text[m.end():content_end]), m.end())
        if units:
            yield FoundClause(ClauseForm.labelled, m.start(), position, units)


def _inside(found: list[FoundClause], start: int, end: int) -> bool:
    return any(clause.start <= start < clause.end or start <= clause.start < end
               for clause in found)


def _role_brackets(text: str, found: list[FoundClause]) -> list[FoundClause]:
    """Brackets whose every sentence is a role statement of known units (or a stated rule)."""
    clauses = []
    for m in _BRACKET_RE.finditer(text):
        content = m.group("content")
        if len(content) > MAX_ROLE_STATEMENT_CHARS or _inside(found, m.start(), m.end()) \
                or not _ROLE_WORD_RE.search(content):
            continue
        units: list[UnitText] = []
        for sentence in _SENTENCE_RE.finditer(_without_rules(content)):
            if not sentence.group().strip(" 。;；"):
                continue
            parsed = _role_statement(sentence.group().rstrip(" 。;；"))
            if parsed is None:
                units = []
                break
            units += _shifted(parsed, m.start("content") + sentence.start())
        if units:
            clauses.append(FoundClause(ClauseForm.role_bracket, m.start(), m.end(), tuple(units)))
    return clauses


def _without_rules(text: str) -> str:
    """The text with its stated rules blanked out (offsets kept): they are read by find_rules."""
    for pattern in (_FIRST_LEADS_RULE_RE, _STANDING_RE):
        text = pattern.sub(lambda m: " " * len(m.group()), text)
    return text


def _role_statement(text: str) -> tuple[UnitText, ...] | None:
    """The units of a statement made only of known units and role words, else None."""
    if not _ROLE_WORD_RE.search(text):
        return None
    units = parse_units(text)
    if not units or any(not (unit.known or unit_shaped(unit.name)) for unit in units):
        return None
    return units


_ROLE_SENTENCE_RE = re.compile(rf"""
    ^ \s* 由? (?P<body> .+? (?: {_ROLE_WORDS} ) )         # 由市民政局负责 / A会同B负责
    (?: {"|".join(ROLE_SENTENCE_TAILS)} )? \s* [。;；]? \s* $   # 组织实施。
""", re.VERBOSE)


def _role_sentences(text: str, found: list[FoundClause]) -> list[FoundClause]:
    """Sentences that are nothing but a role statement: 由市民政局负责。"""
    clauses = []
    for m in _SENTENCE_RE.finditer(text):
        sentence = m.group()
        if len(sentence) > MAX_ROLE_STATEMENT_CHARS or _inside(found, m.start(), m.end()):
            continue
        statement = _ROLE_SENTENCE_RE.match(sentence)
        if statement is None or statement.group("body")[:1] in OPENING:
            continue
        parsed = _role_statement(statement.group("body"))
        if parsed:
            start = m.start() + statement.start("body")
            clauses.append(FoundClause(ClauseForm.role_sentence, m.start(),
                                       m.start() + len(sentence.rstrip()),
                                       _shifted(parsed, start)))
    return clauses


def _lead_phrases(text: str, found: list[FoundClause]) -> list[FoundClause]:
    """由市民政局牵头 inside a sentence, when every unit named is a known unit."""
    clauses = []
    for m in _LEAD_PHRASE_RE.finditer(text):
        if _inside(found, m.start(), m.end()):
            continue
        units = tile_units(m["units"])
        # Only whole unit names: 建立市场监管部门牵头的制度 names no unit.
        if units and all(unit.kind not in (FALLBACK, REFERENCE, PREFIXED) for unit in units):
            offset = m.start("units")
            clauses.append(FoundClause(ClauseForm.lead_phrase, m.start(), m.end(), tuple(
                UnitText(u.name, "lead", u.start + offset, u.end + offset, True) for u in units)))
    return clauses


def has_clause_shape(text: str) -> bool:
    """Whether a text holds something shaped like a clause: a label with its colon, or a
    bracket with a role word. Cheap, and no unit is read (the outline stage asks it).

    >>> has_clause_shape("(责任单位:市民政局)"), has_clause_shape("(县民政局牵头)")
    (True, True)
    >>> has_clause_shape("推进养老服务体系建设(试行)")
    False
    """
    if LABEL_RE.search(text):
        return True
    return any(_ROLE_WORD_RE.search(m.group("content")) for m in _BRACKET_RE.finditer(text))


# --- rules stated once ------------------------------------------------------------------


def find_rules(text: str) -> list[FoundRule]:
    """Rules a notice states once for every later clause, in order.

    >>> [r.kind.value for r in find_rules("(生态环境部牵头,其他部门参与,排在第一位的为牵头部门,下同)")]
    ['first_listed_leads']
    >>> rule, = find_rules("(生态环境部指导,试点城市政府负责落实。以下均需试点城市政府落实,不再列出)")
    >>> rule.kind.value, [unit.name for unit in rule.units]
    ('standing_units', ['试点城市政府'])
    """
    rules = []
    for lead in re.finditer("牵头", text):  # a rule names the lead: look only around 牵头
        window = max(lead.start() - FIRST_LEADS_REACH, 0)
        for m in _FIRST_LEADS_RE.finditer(text, window, lead.end() + FIRST_LEADS_REACH):
            if m.start() <= lead.start() < m.end() and (not rules or m.start() >= rules[-1].end):
                rules.append(FoundRule(RuleKind.first_listed_leads, m.start(), m.end()))
    for m in _STANDING_RE.finditer(text) if "列出" in text else ():
        units = _shifted(parse_units(m["units"]), m.start("units"))
        if units:
            rules.append(FoundRule(RuleKind.standing_units, m.start(), m.end(), units))
    return sorted(rules, key=lambda rule: rule.start)


def clear_clause_cache() -> None:
    """Forget cached paragraphs (benchmarks use it so repeated notices stay cold)."""
    _clauses.cache_clear()
