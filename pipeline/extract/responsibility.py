"""Responsibility clauses: who leads a task and who shares it.

A clause opens with a label (责任单位:, 牵头单位: …) and runs to its closing
bracket or the sentence end; its units come from `pipeline.extract.units`,
and the labels and role phrases cut out of them (牵头, 配合 …) give each unit
its role. Sentences that name a lead without a label (由市民政局牵头) and
notices that say the first listed unit leads are read here too.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from pipeline.extract.units import (BARE_PREFIX_RE, CLOSING, FALLBACK, LABEL_RE, OPENING,
                                    REFERENCE, SEPARATORS, Mark, Role, UnitSpan,
                                    marked_text_to_units, text_to_marks, tile_units)
from pipeline.model import Located

# --- settings ---------------------------------------------------------------------

MAX_LEAD_PHRASE_CHARS = 40
# Paragraphs whose clauses are remembered; a notice has a few hundred.
CLAUSE_CACHE_SIZE = 4096
COLLECTIVE_NOUNS = ("政府", "人民政府")  # what a bare 各县 waits for

# --- regexes ----------------------------------------------------------------------

_CLAUSE_START_RE = re.compile(rf"""
    [(（【]? \s*                                 # usually bracketed, sometimes not
    (?={LABEL_RE.pattern})                       # a label with its colon opens it
""", re.VERBOSE)

_ROLE_BRACKET_RE = re.compile(r"""
    [(（] (?P<content>
        (?: [^()（）] | [(（][^()（）]*[)）] ){2,160}?   # text, or one inner bracket: 各县(市、区)
        (?: 牵头 | 配合 | 负责 | 参与 )                    # a role word
        (?: [^()（）] | [(（][^()（）]*[)）] ){0,80}?
    ) [)）]
""", re.VERBOSE)

_BARE_PREFIX_END_RE = re.compile(rf"""
    (?<! [^{re.escape(SEPARATORS)}\s:：(（] )    # a piece of its own …
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
    (?: 的 )? \s* (?: 部门 | 单位 )? \s*
    (?: 为 | 是 )? \s* 牵头                               # … leads
    | 牵头 (?: 部门 | 单位 ) \s* (?: 为 | 是 ) \s*        # the lead is …
      (?: 排在 | 排名 | 列在 | 列 )? \s* (?: 第一 | 首 )   # … the first listed
""", re.VERBOSE)


# --- one clause's content -> roles -----------------------------------------------


class Responsibility(BaseModel):
    """Who leads and who shares a task; offsets point into the parsed text."""

    model_config = ConfigDict(frozen=True)

    lead: list[Located[str]] = Field(default_factory=list)
    responsible: list[Located[str]] = Field(default_factory=list)
    unrecognised: list[Located[str]] = Field(
        default_factory=list, description="units kept as printed (no known form): flag them")

    def shifted(self, offset: int) -> Responsibility:
        move = lambda units: [Located(u.value, u.start + offset, u.end + offset) for u in units]
        return Responsibility(lead=move(self.lead), responsible=move(self.responsible),
                              unrecognised=move(self.unrecognised))


def _role_of(unit: UnitSpan, marks: list[Mark]) -> Role:
    """The role its section's label gives, unless the next role phrase says 牵头."""
    section: Role = "responsible"
    for mark in marks:
        if mark.end <= unit.start and mark.is_label:
            section = mark.role or section
        elif mark.start >= unit.end and (mark.is_label or mark.role):
            return "lead" if mark.role == "lead" and not mark.is_label else section
    return section


def parse_responsibility(text: str) -> Responsibility:
    """Lead and responsible units of a responsibility clause's content.

    >>> r = parse_responsibility("市民政局牵头,市财政局、市人社局配合")
    >>> [u.value for u in r.lead], [u.value for u in r.responsible]
    (['市民政局'], ['市财政局', '市人社局'])
    >>> r = parse_responsibility("牵头单位:市民政局;责任单位:市财政局、市民政局")
    >>> [u.value for u in r.lead], [u.value for u in r.responsible]
    (['市民政局'], ['市财政局'])
    """
    marks = text_to_marks(text)
    lead, responsible, unrecognised = [], [], []
    for unit in marked_text_to_units(text, marks):
        located = Located(unit.name, unit.start, unit.end)
        (lead if _role_of(unit, marks) == "lead" else responsible).append(located)
        if unit.kind == FALLBACK:
            unrecognised.append(located)
    lead = _unique(lead)
    names = {unit.value for unit in lead}
    responsible = _unique([unit for unit in responsible if unit.value not in names])
    return Responsibility(lead=lead, responsible=responsible, unrecognised=unrecognised)


def _unique(units: list[Located[str]]) -> list[Located[str]]:
    seen: set[str] = set()
    return [u for u in units if not (u.value in seen or seen.add(u.value))]


# --- paragraphs -> clauses --------------------------------------------------------


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


def find_responsibility_clauses(text: str) -> list[Located[Responsibility]]:
    """Responsibility clauses in a paragraph; unit offsets point into the paragraph.

    >>> [(c.start, c.end) for c in find_responsibility_clauses("修订完善。(责任单位:市民政局)")]
    [(5, 16)]
    >>> find_responsibility_clauses("(责任单位:市民政局、各县)政府")[0].value.responsible[-1].value
    '各县政府'
    """
    return list(_clauses(text))


@lru_cache(maxsize=CLAUSE_CACHE_SIZE)
def _clauses(text: str) -> tuple[Located[Responsibility], ...]:
    """Cached: stages ask about the same paragraph several times (parts, titles, units)."""
    clauses, position = [], 0
    for m in _CLAUSE_START_RE.finditer(text):
        if m.start() < position:
            continue  # a second label inside the same clause
        bracketed = text[m.start()] in OPENING
        content_end, position = _clause_end(text, m.end(), bracketed)
        parsed = parse_responsibility(text[m.end():content_end]).shifted(m.end())
        clauses.append(Located(parsed, m.start(), position))
    clauses += _unlabelled_clauses(text, clauses)
    return tuple(sorted(clauses, key=lambda clause: clause.start))


def _unlabelled_clauses(text: str, labelled: list[Located[Responsibility]]
                        ) -> list[Located[Responsibility]]:
    """Bracketed role statements without a label: (县民政局牵头,县财政局配合).

    Only when every unit in them is a recognised unit name, so that ordinary
    parenthetical prose is never read as a clause.
    """
    found = []
    for m in _ROLE_BRACKET_RE.finditer(text):
        if any(clause.start <= m.start() < clause.end for clause in labelled):
            continue
        parsed = parse_responsibility(m.group("content"))
        if (parsed.lead or parsed.responsible) and not parsed.unrecognised:
            found.append(Located(parsed.shifted(m.start("content")), m.start(), m.end()))
    return found


# --- leads stated in prose --------------------------------------------------------


def find_lead_phrases(text: str) -> list[Located[str]]:
    """Units a sentence names as leading (由…牵头), when every one is a real unit name.

    >>> find_lead_phrases("由市民政局牵头组织修订完善")
    [Located(value='市民政局', start=1, end=5)]
    >>> find_lead_phrases("探索实施由卫健部门牵头的计划生育特殊困难家庭老年护理补贴制度")
    []
    """
    found = []
    for m in _LEAD_PHRASE_RE.finditer(text):
        units = tile_units(m["units"])
        if units and all(unit.kind not in (FALLBACK, REFERENCE) for unit in units):
            offset = m.start("units")
            found += [Located(u.name, u.start + offset, u.end + offset) for u in units]
    return found


def states_first_listed_leads(text: str) -> bool:
    """Whether the notice says the first listed unit leads.

    >>> states_first_listed_leads("排在第一位的部门为牵头部门")
    True
    >>> states_first_listed_leads("市民政局牵头,市财政局配合")
    False
    """
    return _FIRST_LEADS_RE.search(text) is not None


def clear_clause_cache() -> None:
    """Forget cached paragraphs (benchmarks use it so repeated notices stay cold)."""
    _clauses.cache_clear()
