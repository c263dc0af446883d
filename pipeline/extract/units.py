"""Responsible units: split a printed unit list into unit names.

A spaCy `span_ruler` proposes unit spans over the characters of a list (a
gazetteer of department names and generic "level + body + suffix" forms); a
small dynamic programme then tiles each separator-free run with them, so
units printed without separators (市民政局市教育局) still come apart.
Vocabulary lives in `pipeline/vocab/units_*.txt`. Reading who leads a task
is `pipeline.extract.clauses`; it tiles with `marked_text_to_units`.
"""
from __future__ import annotations

import re
import threading
from bisect import bisect_right
from functools import lru_cache
from typing import Literal, NamedTuple

import spacy
from spacy.language import Language

from pipeline.model import Located
from pipeline.vocab import word_list

Role = Literal["lead", "responsible"]

# --- settings ---------------------------------------------------------------------

SPANS_KEY = "units"
MAX_UNIT_CHARS = 32  # 市养老服务发展工作领导小组成员单位 is 17; longer spans are prose
MAX_INNER_BRACKET_CHARS = 8  # (市、区) is inner; a longer bracket is not part of a name
TILE_CACHE_SIZE = 20_000  # unit names repeat across clauses and notices
SEPARATORS = "、,，;；/／。|"
OPENING, CLOSING = "(（[【〔", ")）]】〕"
BRACKETS = OPENING + CLOSING
INNER_PUNCT = "“”‘’\"'《》〈〉·•・"
CONNECTORS = "和及"  # between units they are separators, inside a name they are not
BODY_STOPS = ("局", "委", "厅")  # a generic body never swallows two run-together units

# Kinds of tile: the ruler's labels, then what the tiling adds.
GAZETTEER, ENTERPRISE, GENERIC, BRANCH, REFERENCE = (
    "gazetteer", "enterprise", "generic", "branch", "reference")
PREFIXED = "prefixed"  # a recognised unit behind an unknown name (鹤岗 + 市民政局)
FALLBACK = "fallback"  # characters no span covers, kept as printed
KNOWN_KINDS = frozenset({GAZETTEER, ENTERPRISE})  # break ties between equal coverings

_TILE_CACHE: dict[str, tuple[tuple[int, int, str], ...]] = {}  # name -> tiles, see names_to_tiles
# Prefect runs tasks in threads; spaCy's Language and the cache's clear-then-fill are not
# documented as thread-safe, so both go through this lock.
_LOCK = threading.Lock()


# --- vocabulary -------------------------------------------------------------------


def read_vocab(name: str) -> tuple[str, ...]:
    """Entries of vocab/units_<name>.txt."""
    return word_list(f"units_{name}")


LEVELS = read_vocab("levels")
DEPARTMENTS = read_vocab("departments")
NATIONAL = read_vocab("national")  # whole names: no level prefix goes before them
ATTACHED_OFFICES = frozenset(read_vocab("attached_offices"))
COLLECTIVE = read_vocab("collective")
SUFFIXES = read_vocab("suffixes")
BRANCH_SUFFIXES = read_vocab("branch_suffixes")
REFERENCE_SUFFIXES = read_vocab("reference_suffixes")
ENTERPRISES = read_vocab("enterprises")
OTHER_FIELDS = read_vocab("other_fields")
# `phrase role` lines, role being lead or responsible
ROLES: dict[str, dict[str, Role]] = {
    name: dict(line.split() for line in read_vocab(name))  # type: ignore[misc]
    for name in ("role_phrases", "clause_labels")}
ROLE_PHRASES, CLAUSE_LABELS = ROLES["role_phrases"], ROLES["clause_labels"]


def _alternation(words) -> str:
    """Longest first, so 按职责分工负责 wins over 负责."""
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


# --- regexes ----------------------------------------------------------------------

_ROLE_RE = re.compile(rf"""
    (?P<phrase>{_alternation(ROLE_PHRASES)})     # 牵头, 配合, 按职责分工负责 …
    | 等 (?:有关)? (?:部门|单位)? (?:[和及](?:部门|单位))?  # trailing 等 / 等有关部门和单位 closes a list
      (?= [{re.escape(SEPARATORS + CONNECTORS)}\s)）】\]] | $ | {_alternation(ROLE_PHRASES)} )
    | (?:{_alternation(OTHER_FIELDS)}) \s* [:：]   # 完成时限: … is no unit,
      [^;；。)）】\n]*                             # up to the end of its field
""", re.VERBOSE)

LABEL_RE = re.compile(rf"""
    (?P<label>{_alternation(CLAUSE_LABELS)})     # 责任单位, 牵头部门 …
    \s* [:：]                                    # half- or full-width colon
""", re.VERBOSE)

BARE_PREFIX_RE = re.compile(rf"""
    各? [{''.join(LEVELS)}]{{1,3}} 级?           # 各县, 县, 各县市: a collective waiting for its noun
""", re.VERBOSE)

_UNIT_END_RE = re.compile(rf"""
    (?P<reference>{_alternation(REFERENCE_SUFFIXES)}) $   # 有关部门, 成员单位: a group of units
    | (?:{_alternation(SUFFIXES)}) $                      # 民政局, 办公室, 委员会 …
""", re.VERBOSE)

_BRANCH_END_RE = re.compile(rf"""
    总局 .+ 局 $                                          # 国家税务总局 + 鹤岗市税务局
    | (?:局|公司) .+ (?:{_alternation(BRANCH_SUFFIXES)}) $  # 市税务局 + 第一分局
""", re.VERBOSE)

_INNER_BRACKET_RE = re.compile(rf"""
    [(（] [^()（）]{{0,{MAX_INNER_BRACKET_CHARS}}} [)）]   # 各县(市、区)人民政府
""", re.VERBOSE)


def clean_unit_name(text: str) -> str:
    """A unit name as printed, without whitespace and inner punctuation.

    >>> clean_unit_name("各县(市、区)人民政府")
    '各县市区人民政府'
    >>> clean_unit_name("区地方金融 监管局")
    '区地方金融监管局'
    """
    drop = SEPARATORS + BRACKETS + INNER_PUNCT
    return "".join(ch for ch in text if not ch.isspace() and ch not in drop)


# --- the spaCy pipeline -----------------------------------------------------------


def _body() -> dict:
    # "+", not "{1,n}": spaCy expands {1,n} into optional tokens whose states multiply.
    return {"TEXT": {"NOT_IN": [*BODY_STOPS, *SEPARATORS]}, "OP": "+"}


def _chars(word: str) -> list[dict]:
    return [{"TEXT": ch} for ch in word]


def gazetteer_patterns() -> list[dict]:
    """Phrase patterns: every department core with each level prefix (or none), national
    departments as printed, and collectives."""
    names = {level + core for core in DEPARTMENTS for level in ("", *LEVELS)}
    names |= set(NATIONAL)
    names |= {clean_unit_name(name) for name in COLLECTIVE}
    return [{"label": GAZETTEER, "pattern": name} for name in sorted(names)]


def generic_patterns() -> list[dict]:
    """Token patterns: level prefix (各, 市委 …) + body + a unit suffix; branches; enterprises.

    A body is any characters but separators and 局/委/厅, so that a generic span
    never swallows two run-together units (市民政局市教育局). Patterns end on a
    suffix's last character only (few patterns keep the matcher fast);
    `span_kind` then drops what does not end in a whole suffix.
    """
    endings = SUFFIXES + REFERENCE_SUFFIXES
    # A suffix with a body stop inside (委员会, 管委会) spells out its tail from the stop.
    tails = {s[i:] for s in endings for i, ch in enumerate(s[:-1]) if ch in BODY_STOPS}
    patterns = []
    # A local level (市, 各 …) or the national one (国家: 国家林业和草原局).
    for prefix in ([{"TEXT": {"IN": [*LEVELS, "各"]}}, {"TEXT": "委", "OP": "?"}], _chars("国家")):
        patterns.append(prefix + [_body(), {"TEXT": {"IN": sorted({s[-1] for s in endings})}}])
        patterns += [prefix + [_body(), *_chars(tail)] for tail in sorted(tails)]
    rules = [{"label": GENERIC, "pattern": pattern} for pattern in patterns]
    # A branch printed after its parent: …总局 + place + …局, …局/…公司 + place + 分局/分公司.
    branch_ends = sorted({s[-1] for s in BRANCH_SUFFIXES} | {"局"})
    rules.append({"label": BRANCH, "pattern": [
        _body(), {"TEXT": {"IN": ["局", "司"]}}, _body(), {"TEXT": {"IN": branch_ends}}]})
    rules.append({"label": ENTERPRISE, "pattern": [
        {"TEXT": {"IN": sorted({name[0] for name in ENTERPRISES})}},
        {"TEXT": {"NOT_IN": list(SEPARATORS)}, "OP": "*"}, *_chars("公司")]})
    return rules


def span_kind(label: str, text: str) -> str | None:
    """The kind of a ruler span, or None where a coarse token pattern over-matched.

    >>> span_kind(GENERIC, "市精神文明建设办公室"), span_kind(GENERIC, "市直有关部门")
    ('generic', 'reference')
    >>> span_kind(GENERIC, "市会议室"), span_kind(BRANCH, "市税务局第一分局")
    (None, 'branch')
    """
    if len(text) > MAX_UNIT_CHARS:
        return None
    if label == GENERIC:
        end = _UNIT_END_RE.search(text)
        return None if end is None else REFERENCE if end["reference"] else GENERIC
    if label == BRANCH:
        return BRANCH if _BRANCH_END_RE.search(text) else None
    if label == ENTERPRISE:
        return ENTERPRISE if text.startswith(ENTERPRISES) else None
    return label


@lru_cache(maxsize=1)
def unit_nlp() -> Language:
    """The blank Chinese pipeline (one token per character) with the unit ruler, built once."""
    nlp = spacy.blank("zh")
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": SPANS_KEY})
    ruler.add_patterns(gazetteer_patterns() + generic_patterns())
    return nlp


# --- text -> groups of characters that hold one or more units -----------------------

_WS, _SEP, _CUT = 1, 2, 3  # what ends a piece, weakest first


class _Piece(NamedTuple):
    chars: list[int]  # offsets of the characters kept in the name
    gap: int  # what follows the piece


def text_to_pieces(text: str, cut: set[int]) -> list[_Piece]:
    """Runs of name characters between separators, whitespace and cut phrases."""
    inner = {i for m in _INNER_BRACKET_RE.finditer(text) for i in range(m.start(), m.end())}
    pieces: list[_Piece] = []
    chars: list[int] = []

    def close(gap: int) -> None:
        nonlocal chars
        if chars:
            pieces.append(_Piece(chars, gap))
            chars = []
        elif pieces and gap > pieces[-1].gap:
            pieces[-1] = pieces[-1]._replace(gap=gap)

    for i, ch in enumerate(text):
        if i in cut:
            close(_CUT)
        elif ch in BRACKETS or ch in INNER_PUNCT:
            continue  # 各县)政府 -> 各县政府
        elif i in inner and (ch.isspace() or ch in SEPARATORS):
            continue  # 各县(市、区) keeps its 、 out of the split
        elif ch.isspace():
            close(_WS)
        elif ch in SEPARATORS:
            close(_SEP)
        else:
            chars.append(i)
    close(_CUT)
    return pieces


def _joins_next(name: str, gap: int, following: str) -> bool:
    if BARE_PREFIX_RE.fullmatch(name):
        return gap <= _SEP  # 各县、区政府 is one collective
    if gap != _WS or _UNIT_END_RE.search(name):
        return False
    # A wrapped line (区地方金融 / 监管局) rejoins, unless a level-led unit follows a nameless one.
    return name[0] in LEVELS or following[:1] not in LEVELS


def pieces_to_groups(text: str, pieces: list[_Piece]) -> list[list[int]]:
    """Pieces rejoined where a line wrap or a bare collective prefix split a name."""
    groups: list[list[int]] = []
    pending: list[int] = []
    for piece, after in zip(pieces, pieces[1:] + [None]):
        pending = pending + piece.chars
        name = "".join(text[i] for i in pending)
        following = text[after.chars[0]] if after else ""
        if not after or not _joins_next(name, piece.gap, following):
            groups.append(pending)
            pending = []
    return groups


# --- spans -> a tiling ---------------------------------------------------------------


def propose_spans(names: list[str]) -> list[list[tuple[int, int, str]]]:
    """Ruler spans for each name, in name-local offsets (one pipeline call for all names)."""
    starts, offset = [], 0
    for name in names:
        starts.append(offset)
        offset += len(name) + 1
    joined = "、".join(names)  # 、 is a body stop, so no span crosses two names
    spans: list[list[tuple[int, int, str]]] = [[] for _ in names]
    with _LOCK:  # the Doc shares the pipeline's vocab, so read its spans inside too
        doc = unit_nlp()(joined)  # keep the Doc alive: its span group needs it
        found = [(span.start, span.end, span.label_) for span in doc.spans[SPANS_KEY]]
    for start, end, label in found:  # one token per character: token = char offsets
        kind = span_kind(label, joined[start:end])
        k = bisect_right(starts, start) - 1
        if kind:
            spans[k].append((start - starts[k], end - starts[k], kind))
    return spans


def best_cover(name: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, str] | None]:
    """For each position, the span to take there (or None: leave the character uncovered).

    Maximises characters covered, then characters covered by known names, then the
    number of spans (so 市民政局市教育局 splits rather than staying one generic unit).
    """
    n = len(name)
    by_start: list[list[tuple[int, str]]] = [[] for _ in range(n)]
    for start, end, kind in spans:
        by_start[start].append((end, kind))
    score = [(0, 0, 0)] * (n + 1)
    step: list[tuple[int, str] | None] = [None] * (n + 1)
    for i in reversed(range(n)):
        skipped = score[i + 1]  # a 和/及 left between spans counts as read, not as unknown
        score[i] = (skipped[0] + 1, *skipped[1:]) if name[i] in CONNECTORS else skipped
        for end, kind in by_start[i]:
            known = end - i if kind in KNOWN_KINDS else 0
            rest = score[end]
            candidate = (rest[0] + end - i, rest[1] + known, rest[2] + 1)
            if candidate > score[i]:
                score[i], step[i] = candidate, (end, kind)
    return step


def tile_name(name: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Tiles (start, end, kind) of one name: chosen spans and the fallback runs between them."""
    step, tiles, i = best_cover(name, spans), [], 0
    while i < len(name):
        end, kind = step[i] or (i + 1, FALLBACK)
        if kind == FALLBACK and tiles and tiles[-1][2] == FALLBACK:
            tiles[-1] = (tiles[-1][0], end, FALLBACK)  # uncovered characters form one run
        else:
            tiles.append((i, end, kind))
        i = end
    return _attach_offices(name, _tidy_fallbacks(name, tiles))


def _attach_offices(name: str, tiles: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """An office printed right after its body is part of it: 市人大常委会 + 办公厅.

    >>> _attach_offices("市政府研究室", [(0, 3, GENERIC), (3, 6, FALLBACK)])
    [(0, 6, 'generic')]
    """
    joined: list[tuple[int, int, str]] = []
    for start, end, kind in tiles:
        if joined and joined[-1][2] != FALLBACK and joined[-1][1] == start \
                and name[start:end] in ATTACHED_OFFICES:
            joined[-1] = (joined[-1][0], end, joined[-1][2])
        else:
            joined.append((start, end, kind))
    return joined


def _tidy_fallbacks(name: str, tiles: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop 和/及 left between units; a leading place name joins the unit it heads."""
    tidy = []
    for start, end, kind in tiles:
        if kind == FALLBACK:
            while start < end and name[start] in CONNECTORS:
                start += 1
            while end > start and name[end - 1] in CONNECTORS:
                end -= 1
        if start < end:
            tidy.append((start, end, kind))
    if (len(tidy) > 1 and tidy[0][2] == FALLBACK and tidy[0][1] == tidy[1][0]
            and not _UNIT_END_RE.search(name[:tidy[0][1]])):
        tidy[:2] = [(0, tidy[1][1], PREFIXED)]  # 鹤岗 + 市民政局; not 龙煤鹤公司 + 市财政局
    return tidy


# --- public: unit lists ------------------------------------------------------------


# Characters a unit's name never holds; a "unit" with one is a piece of prose.
NOT_IN_NAMES = "由的要在对把将为是了或并从向按其该"


def unit_shaped(name: str) -> bool:
    """Whether an unknown name looks like a unit's: it ends like one and holds no
    prose (扶贫办, 中央军委政治工作部 yes; 具体办法由省级人民政府 no).

    >>> unit_shaped("国务院扶贫开发领导小组办公室"), unit_shaped("具体办法由省级人民政府")
    (True, False)
    >>> unit_shaped("设计"), unit_shaped("办")
    (False, False)
    """
    if len(name) < 2 or len(name) > MAX_UNIT_CHARS or any(ch in NOT_IN_NAMES for ch in name):
        return False
    return _UNIT_END_RE.search(name) is not None and len(_UNIT_END_RE.search(name).group()) < len(name)


class UnitSpan(NamedTuple):
    """One unit of a list: cleaned name, offsets in the input, and how it was recognised."""

    name: str
    start: int
    end: int
    kind: str


class Mark(NamedTuple):
    """Text that is never part of a name: a clause label or a role phrase."""

    start: int
    end: int
    role: Role | None  # None for a bare 等
    is_label: bool


def text_to_marks(text: str) -> list[Mark]:
    """Clause labels and role phrases, in order: cut out of names, and read for roles."""
    labels = [Mark(m.start(), m.end(), CLAUSE_LABELS[m["label"]], True)
              for m in LABEL_RE.finditer(text)]
    in_label = {i for mark in labels for i in range(mark.start, mark.end)}
    roles = [Mark(m.start(), m.end(), ROLE_PHRASES.get(m["phrase"] or ""), False)
             for m in _ROLE_RE.finditer(text) if m.start() not in in_label]
    return sorted(labels + roles)


def names_to_tiles(names: list[str]) -> list[tuple[tuple[int, int, str], ...]]:
    """Tiles of each name; names seen before come from a cache, the rest share one nlp call."""
    found = {name: _TILE_CACHE.get(name) for name in names}  # local: another thread may clear
    missing = [name for name, tiles in found.items() if tiles is None]
    if missing:
        tiles = [tuple(tile_name(name, spans))
                 for name, spans in zip(missing, propose_spans(missing))]
        found.update(zip(missing, tiles))
        with _LOCK:  # size check, clear and fill as one step
            if len(_TILE_CACHE) > TILE_CACHE_SIZE:
                _TILE_CACHE.clear()
            _TILE_CACHE.update(zip(missing, tiles))
    return [found[name] for name in names]


def marked_text_to_units(text: str, marks: list[Mark]) -> list[UnitSpan]:
    """The units of a text, reading no name across a mark."""
    cut = {i for mark in marks for i in range(mark.start, mark.end)}
    groups = pieces_to_groups(text, text_to_pieces(text, cut))
    names = ["".join(text[i] for i in group) for group in groups]
    return [UnitSpan(name[start:end], group[start], group[end - 1] + 1, kind)
            for group, name, tiles in zip(groups, names, names_to_tiles(names))
            for start, end, kind in tiles]


def tile_units(text: str) -> list[UnitSpan]:
    """The units of a printed list with their kinds; `fallback` ones are worth a flag.

    >>> [(u.name, u.kind) for u in tile_units("市财政局自然资源市住房和城乡建设局")]
    [('市财政局', 'gazetteer'), ('自然资源', 'fallback'), ('市住房和城乡建设局', 'gazetteer')]
    """
    return marked_text_to_units(text, text_to_marks(text))


def split_units(text: str) -> list[Located[str]]:
    """Split a printed unit list into cleaned unit names, in order.

    >>> [u.value for u in split_units("市民政局市营商局市残联,县、区政府")]
    ['市民政局', '市营商局', '市残联', '县区政府']
    >>> [u.value for u in split_units("区委政法委 区民政局 区地方金融 监管局")]
    ['区委政法委', '区民政局', '区地方金融监管局']
    >>> split_units("市财政局发展改革委")
    [Located(value='市财政局', start=0, end=4), Located(value='发展改革委', start=4, end=9)]
    """
    return [Located(unit.name, unit.start, unit.end) for unit in tile_units(text)]
