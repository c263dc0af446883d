"""Word's automatic list numbering: the marker (一、 / （三） / 1.) a numbered paragraph prints.

A heading numbered by Word has no marker in its text; the marker comes from
`numbering.xml`. Low layer: `numbering_definitions` reads the definitions
(`w:abstractNum` levels, `w:num` instances with their overrides, and the
paragraph styles that carry a `w:numPr`). Friendly layer: a `ListCounter`,
fed the paragraphs in document order, counts like Word and renders markers.

Counters belong to the abstract list, as in Word: two `w:num` over one
`w:abstractNum` continue one sequence unless a `w:startOverride` restarts it.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import regex
from docx.oxml.ns import qn
from lxml import etree

from pipeline.ingest.word.numfmt import format_number
from pipeline.ingest.word.ooxml import val

# How many `w:basedOn` steps are followed to find a style's numbering (guards cycles).
MAX_STYLE_DEPTH = 16
# A placeholder in `w:lvlText`: %1 is the counter of level 0.
_PLACEHOLDER = regex.compile(r"%([1-9])")


@dataclass(frozen=True)
class Level:
    """One `w:lvl`: how a level counts and prints."""

    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart_after: int | None = None  # w:lvlRestart: 0 never restarts, n after level n (1-based)
    legal: bool = False  # w:isLgl: every number printed as a decimal
    suffix: str = "tab"
    style: str | None = None  # w:pStyle: the paragraph style bound to this level


@dataclass(frozen=True)
class ListInstance:
    """One `w:num`: an abstract list, with levels or start values overridden."""

    abstract_id: str
    levels: dict[int, Level] = field(default_factory=dict)
    starts: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class StyleList:
    """A paragraph style's `w:numPr`, and the style it is based on."""

    num_id: str | None
    ilvl: int | None
    based_on: str | None


@dataclass
class Numbering:
    abstracts: dict[str, dict[int, Level]] = field(default_factory=dict)
    instances: dict[str, ListInstance] = field(default_factory=dict)
    styles: dict[str, StyleList] = field(default_factory=dict)
    default_style: str | None = None


def numbering_definitions(numbering: etree._Element | None,
                          styles: etree._Element | None) -> Numbering:
    """The definitions in `numbering.xml` and `styles.xml` (either may be absent)."""
    result = Numbering()
    if styles is not None:
        result.styles, result.default_style = _style_lists(styles)
    if numbering is None:
        return result
    for abstract in numbering.iterfind(qn("w:abstractNum")):
        result.abstracts[abstract.get(qn("w:abstractNumId"))] = {
            _int(lvl.get(qn("w:ilvl")), 0): _level(lvl) for lvl in abstract.iterfind(qn("w:lvl"))}
    for num in numbering.iterfind(qn("w:num")):
        result.instances[num.get(qn("w:numId"))] = _instance(num)
    _follow_style_links(numbering, result)
    return result


def _level(lvl: etree._Element) -> Level:
    start = val(lvl, "w:start")
    restart = val(lvl, "w:lvlRestart")
    legal = lvl.find(qn("w:isLgl"))
    return Level(start=_int(start, 1), fmt=val(lvl, "w:numFmt") or "decimal",
                 text=val(lvl, "w:lvlText") or "",
                 restart_after=_int(restart, 0) if restart is not None else None,
                 legal=legal is not None and legal.get(qn("w:val"), "1") not in ("0", "false"),
                 suffix=val(lvl, "w:suff") or "tab", style=val(lvl, "w:pStyle"))


def _instance(num: etree._Element) -> ListInstance:
    levels, starts = {}, {}
    for override in num.iterfind(qn("w:lvlOverride")):
        ilvl = _int(override.get(qn("w:ilvl")), 0)
        start = val(override, "w:startOverride")
        if start is not None:
            starts[ilvl] = _int(start, 1)
        lvl = override.find(qn("w:lvl"))
        if lvl is not None:
            levels[ilvl] = _level(lvl)
    return ListInstance(abstract_id=val(num, "w:abstractNumId") or "", levels=levels,
                        starts=starts)


def _follow_style_links(numbering: etree._Element, result: Numbering) -> None:
    """An abstract list with `w:numStyleLink` takes its levels from the list its style names."""
    for abstract in numbering.iterfind(qn("w:abstractNum")):
        link = val(abstract, "w:numStyleLink")
        style = result.styles.get(link or "")
        instance = result.instances.get(style.num_id or "") if style else None
        if instance is not None:
            result.abstracts[abstract.get(qn("w:abstractNumId"))] = \
                result.abstracts.get(instance.abstract_id, {})


def _style_lists(styles: etree._Element) -> tuple[dict[str, StyleList], str | None]:
    found, default = {}, None
    for style in styles.iterfind(qn("w:style")):
        style_id = style.get(qn("w:styleId"))
        if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true"):
            default = style_id
        num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        ilvl = val(num_pr, "w:ilvl")
        found[style_id] = StyleList(num_id=val(num_pr, "w:numId"),
                                    ilvl=_int(ilvl, 0) if ilvl is not None else None,
                                    based_on=val(style, "w:basedOn"))
    return found, default


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def paragraph_list_level(p: etree._Element, numbering: Numbering) -> tuple[str, int] | None:
    """(numId, level) of a paragraph numbered directly or through its style, else None."""
    p_pr = p.find(qn("w:pPr"))
    style = val(p_pr, "w:pStyle") or numbering.default_style
    num_pr = p_pr.find(qn("w:numPr")) if p_pr is not None else None
    num_id, ilvl = val(num_pr, "w:numId"), val(num_pr, "w:ilvl")
    from_style = _style_list(style, numbering)
    num_id = num_id or from_style.num_id
    if num_id is None or num_id == "0" or num_id not in numbering.instances:
        return None
    if ilvl is not None:
        return num_id, _int(ilvl, 0)
    if from_style.ilvl is not None:
        return num_id, from_style.ilvl
    return num_id, _level_bound_to(style, num_id, numbering)


def _style_list(style: str | None, numbering: Numbering) -> StyleList:
    """The nearest `w:numPr` up the style's `w:basedOn` chain."""
    for _ in range(MAX_STYLE_DEPTH):
        found = numbering.styles.get(style or "")
        if found is None:
            break
        if found.num_id is not None:
            return found
        style = found.based_on
    return StyleList(num_id=None, ilvl=None, based_on=None)


def _level_bound_to(style: str | None, num_id: str, numbering: Numbering) -> int:
    levels = numbering.abstracts.get(numbering.instances[num_id].abstract_id, {})
    return next((ilvl for ilvl, level in levels.items() if style and level.style == style), 0)


class ListCounter:
    """Counts numbered paragraphs in document order and renders each one's marker."""

    def __init__(self, numbering: Numbering):
        self.numbering = numbering
        self.counts: dict[str, dict[int, int]] = {}
        self.seen: set[str] = set()

    def marker(self, p: etree._Element) -> str:
        """The marker a paragraph prints before its text ('' when it is not numbered).

        A tab or space after the marker becomes one space, unless the marker ends
        in punctuation (一、 （一） 1.), as the text layout of notices has it.
        """
        found = paragraph_list_level(p, self.numbering)
        if found is None:
            return ""
        num_id, ilvl = found
        levels = self._levels(num_id)
        level = levels.get(ilvl)
        if level is None or level.fmt == "bullet" or not level.text:
            return ""
        counts = self._advance(num_id, ilvl, levels)
        marker = render_level_text(level, counts, levels)
        return marker + _separator(marker, level.suffix)

    def _levels(self, num_id: str) -> dict[int, Level]:
        instance = self.numbering.instances[num_id]
        return {**self.numbering.abstracts.get(instance.abstract_id, {}), **instance.levels}

    def _advance(self, num_id: str, ilvl: int, levels: dict[int, Level]) -> dict[int, int]:
        instance = self.numbering.instances[num_id]
        counts = self.counts.setdefault(instance.abstract_id, {})
        if num_id not in self.seen:  # a restarted list takes its start overrides when first used
            self.seen.add(num_id)
            for level, start in instance.starts.items():
                counts[level] = start - 1
                _reset_deeper(counts, level, levels)
        counts[ilvl] = counts.get(ilvl, levels[ilvl].start - 1) + 1
        _reset_deeper(counts, ilvl, levels)
        return counts


def _reset_deeper(counts: dict[int, int], ilvl: int, levels: dict[int, Level]) -> None:
    """Deeper levels start again when a shallower one advances, unless `w:lvlRestart` says not."""
    for deeper in [level for level in counts if level > ilvl]:
        restart_after = levels.get(deeper, Level()).restart_after
        if restart_after is None or (restart_after and ilvl < restart_after):
            del counts[deeper]


def render_level_text(level: Level, counts: dict[int, int], levels: dict[int, Level]) -> str:
    """`w:lvlText` with each %n replaced by level n's count in its format.

    >>> render_level_text(Level(fmt="chineseCounting", text="（%1）"), {0: 3}, {})
    '（三）'
    >>> render_level_text(Level(text="%1.%2"), {0: 2, 1: 4}, {})
    '2.4'
    """
    def number(match: regex.Match) -> str:
        ilvl = int(match.group(1)) - 1
        shown = levels.get(ilvl, level)
        value = counts.get(ilvl, shown.start)
        return format_number(value, "decimal" if level.legal else shown.fmt)
    return _PLACEHOLDER.sub(number, level.text)


def _separator(marker: str, suffix: str) -> str:
    if suffix == "nothing" or not marker or unicodedata.category(marker[-1]).startswith("P"):
        return ""
    return " "
