"""A 服务对象 (target group) read as conditions, for matching people to services.

`parse_eligibility` is pure over one string and keeps that string in `text`.
Condition words and their canonical names live in ``pipeline/vocab``
(``eligibility_<category>.txt``); the same lists read a person's stated
conditions (`find_conditions`), so 最低生活保障 and 低保 are one condition.

How an `Eligibility` reads (the model has no other structure):

- **categories combine with AND, values inside one category with OR**:
  ``economic=["低保"], care_need=["不能自理"]`` is 低保 AND 不能自理;
  ``economic=["特困", "低保"]`` is 特困 OR 低保. `disability` and
  `special_contribution` are categories of one value. Ages bound the whole
  group (``min_age``/``max_age``, inclusive; 以上 and 以下 include the age).
- A printed group is read in three levels. Commas (``,`` ``;``), and list
  joiners right after the head noun 老年人, separate *either-phrases*
  (低保对象,特困人员中的老年人; 独居老年人和失能老年人). Inside one, two
  conditions with only list joiners (、 和 或 及) and filler nouns (对象,
  人员 …) between them are *either*; any other words between them (的, 中,
  经…认定, or none: 试点地区失能) make *both*.
- Both-links fill categories: 低保对象中…生活不能自理的老年人 →
  ``economic=["低保"], care_need=["不能自理"]``. An either-list inside one
  category stays there (失能、半失能 → ``care_need``).
- An either-list across categories (独居、空巢、留守、失能、重残、计划生育特殊家庭等
  老年人: any one qualifies) cannot be written as categories joined by AND, so
  its values go to ``other``, which like every category needs one of its
  values; the named categories stay empty for it.
- Several either-phrases keep the categories that all of them name, each
  with all their values (特困人员中的失能老年人,低保家庭中的失能老年人 →
  ``economic=["特困", "低保"], care_need=["失能"]``). When they share no
  category, each is loosened to its first both-part (计划生育特殊家庭的高龄、失能、
  残疾老年人 → 计划生育特殊家庭) and the parts are pooled as one either-list.
- An either-phrase that names no condition but is a whole group (80周岁以上
  老年人,以及60周岁以上的低保老年人) admits anyone of the ages: no conditions.
- Exclusions (不含特困人员, 除…以外) are not read: the model has no negation.
- Clauses that state no condition of the group are not read: from a cue
  (``eligibility_ignored_clauses.txt``: 有条件的县区可扩大到…, 现阶段重点保障…,
  对既符合…可择高申领…) to the end of its sentence.
- 高龄 with no printed age stays in ``other`` (matching meets it by age). With
  an age printed, a 高龄 standing alone restates that age and is dropped (80周岁
  以上高龄老人); one in an either-list stays (60周岁以上的高龄、失能老年人).
- Words outside the vocabulary are not conditions. Ages bound the whole group,
  even where only one either-phrase prints them.

Where several either-lists or both-parts share ``other`` or one category, they
are pooled (OR): the result is looser than the text, never stricter.
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import regex

from pipeline.extract.quantities import ARABIC, CHINESE_ANY, GAP, parse_number
from pipeline.model import Eligibility, Located
from pipeline.vocab import word_list

# --- settings -----------------------------------------------------------------------

CATEGORIES = ("economic", "care_need", "disability", "family", "special_contribution", "other")
FLAG_CATEGORIES = ("disability", "special_contribution")  # booleans in the model
HIGH_AGE_WORD = "高龄"  # restates a printed age when it stands alone


class Term(NamedTuple):
    """A condition word read as its category and canonical name."""

    category: str
    name: str


# --- vocabulary ----------------------------------------------------------------------


@lru_cache(maxsize=None)
def condition_words() -> dict[str, Term]:
    """Every word of the eligibility vocabulary, with the condition it names.

    >>> condition_words()["最低生活保障"], condition_words()["重残"]
    (Term(category='economic', name='低保'), Term(category='disability', name='残疾'))
    """
    words: dict[str, Term] = {}
    for category in CATEGORIES:
        for line in word_list(f"eligibility_{category}"):
            canonical, *variants = line.split()
            for word in (canonical, *variants):
                words[word] = Term(category, canonical)
    return words


def flag_name(category: str) -> str:
    """The canonical condition a boolean category stands for: 残疾, 特殊贡献."""
    return word_list(f"eligibility_{category}")[0].split()[0]


def _alternation(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=None)
def _term_pattern() -> regex.Pattern:
    return regex.compile(_alternation(list(condition_words())))  # longest word wins


@lru_cache(maxsize=None)
def _ignored_pattern() -> regex.Pattern:
    cues = _alternation(word_list("eligibility_ignored_clauses"))
    return regex.compile(rf"(?:{cues})[^。!?！？\n]*")  # from the cue to the sentence end


@lru_cache(maxsize=None)
def _either_gap() -> regex.Pattern:
    fillers = _alternation(word_list("eligibility_list_fillers"))
    return regex.compile(
        rf"""
        (?:{fillers}|\s)*                   # 低保对象 …
        (?:、|以及|或者|和|或|及|与|/)       # … 、 …
        (?:{fillers}|\s)*                   # … 农村 特困人员
        """,
        regex.VERBOSE,
    )


@lru_cache(maxsize=None)
def _alternatives_pattern() -> regex.Pattern:
    heads = _alternation(word_list("eligibility_head_nouns"))
    return regex.compile(
        rf"""
          [,，;；]                                          # a comma separates either-phrases
        | (?<={heads})(?:以及|或者|、|和|或|及|与)          # so does a joiner after 老年人
        """,
        regex.VERBOSE,
    )


@lru_cache(maxsize=None)
def _whole_group() -> regex.Pattern:
    return regex.compile(rf"(?:{_alternation(word_list('eligibility_head_nouns'))})\s*$")


# --- fixed patterns ------------------------------------------------------------------

NUMBER = rf"(?:{ARABIC}|{CHINESE_ANY})"
AGE_UNIT = rf"{GAP}周?岁"
_AGE_BRACKET = regex.compile(
    rf"""
    (?P<low>{NUMBER})(?:{AGE_UNIT})?{GAP}    # 60, 60周岁
    (?:[-—–~～]{{1,2}}|至|到){GAP}           # - — 至
    (?P<high>{NUMBER}){AGE_UNIT}             # 69周岁
    """,
    regex.VERBOSE,
)
_AGE_CEILING = regex.compile(
    rf"""
      (?:不满|未满|未达到?){GAP}(?P<below>{NUMBER}){AGE_UNIT}   # 不满70周岁: up to 69
    | (?P<upto>{NUMBER}){AGE_UNIT}{GAP}(?:[(（]含[)）])?{GAP}(?:及|以及)?以下  # 70周岁以下
    """,
    regex.VERBOSE,
)
_AGE_FLOOR = regex.compile(rf"(?P<age>{NUMBER}){AGE_UNIT}", regex.VERBOSE)  # 80周岁及以上, 百岁老人
_SENTENCES = regex.compile(r"[。!?！？\n]")
_EXCLUSION = regex.compile(
    r"""
      [(（][^()（）]*(?:不含|不包括|除外)[^()（）]*[)）]   # (不含特困人员), (特困人员除外)
    | 除[^,，。;；]*?(?:以外|之外)                        # 除特困人员以外
    | (?:不含|不包括)[^,，。;；]*                          # ,不含特困人员: to the clause end
    """,
    regex.VERBOSE,
)


# --- scope ---------------------------------------------------------------------------


def condition_scope(text: str) -> str:
    """The text without clauses that state no condition (extensions, priorities,
    notes) and without exclusions (the model has no negation).

    >>> condition_scope("低保对象。有条件的县区可扩大到低保边缘家庭老年人。")
    '低保对象。。'
    >>> condition_scope("经济困难的老年人,现阶段重点保障特困老年人,有条件的可扩大。")
    '经济困难的老年人,。'
    >>> condition_scope("90周岁以上的老年人(不含特困人员)"), condition_scope("除特困人员以外的老年人")
    ('90周岁以上的老年人', '的老年人')
    """
    return _ignored_pattern().sub("", _EXCLUSION.sub("", text))


# --- ages ----------------------------------------------------------------------------


def _number(text: str | None) -> int | None:
    value = parse_number(text) if text else None
    return value if isinstance(value, int) else None


class AgeMention(NamedTuple):
    """One printed age condition: a bracket has both ends, a floor no top, a ceiling no bottom."""

    low: int | None
    high: int | None


def _match_to_mention(m: regex.Match) -> AgeMention | None:
    groups = m.groupdict()
    if "high" in groups:
        low, high = _number(m["low"]), _number(m["high"])
        return AgeMention(low, high) if low is not None and high is not None else None
    if "below" in groups:
        below, upto = _number(m["below"]), _number(m["upto"])
        if below is not None:
            return AgeMention(None, below - 1)  # 不满70周岁: 69 at most
        return AgeMention(None, upto) if upto is not None else None
    age = _number(m["age"])
    return AgeMention(age, None) if age is not None else None


def scope_to_mentions(scope: str) -> list[AgeMention]:
    """Every age condition of a scope; a bracket is not read again as a floor."""
    mentions: list[AgeMention] = []
    taken = bytearray(len(scope))
    for pattern in (_AGE_BRACKET, _AGE_CEILING, _AGE_FLOOR):
        for m in pattern.finditer(scope):
            if any(taken[m.start():m.end()]):
                continue
            taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
            if (mention := _match_to_mention(m)) is not None:
                mentions.append(mention)
    return mentions


def scope_to_ages(scope: str) -> tuple[int | None, int | None]:
    """The youngest and oldest age a group admits (inclusive), None where open.

    Brackets and floors (及以上, or a bare age such as 百岁老人) are pooled: the
    lowest floor, and the highest top unless some floor leaves it open;
    ceilings (以下 including the age, 不满 excluding it) then cap the top.

    >>> scope_to_ages("80周岁及以上老年人"), scope_to_ages("60—69周岁的老年人")
    ((80, None), (60, 69))
    >>> scope_to_ages("60至69周岁"), scope_to_ages("65岁以上"), scope_to_ages("百岁老人")
    ((60, 69), (65, None), (100, None))
    >>> scope_to_ages("60周岁以上、70周岁以下"), scope_to_ages("不满70周岁的老年人")
    ((60, 70), (None, 69))
    >>> scope_to_ages("60—79周岁、80周岁及以上"), scope_to_ages("高龄老年人")
    ((60, None), (None, None))
    """
    mentions = scope_to_mentions(scope)
    spans = [m for m in mentions if m.low is not None]  # brackets and floors
    ceilings = [m.high for m in mentions if m.low is None and m.high is not None]
    tops = [m.high for m in spans if m.high is not None]
    high = max(tops) if spans and len(tops) == len(spans) else None
    if ceilings:
        high = min(ceilings) if high is None else min(high, *ceilings)
    return min((m.low for m in spans if m.low is not None), default=None), high


# --- conditions ----------------------------------------------------------------------


def find_conditions(text: str) -> list[Located[Term]]:
    """Every condition word in order, longest word first, read as its canonical condition.

    >>> [t.value.name for t in find_conditions("低保边缘、支出型困难等经济困难家庭")]
    ['低保边缘', '经济困难', '经济困难']
    >>> [t.value for t in find_conditions("重度失能")]
    [Term(category='care_need', name='重度失能')]
    """
    return [Located(condition_words()[m.group()], m.start(), m.end())
            for m in _term_pattern().finditer(text)]


Run = list[Term]  # conditions of which any one qualifies
Alternative = list[Run]  # runs of which all must hold


def clause_to_runs(clause: str) -> Alternative:
    """The both-parts of one comma-free clause, each an either-list of conditions.

    >>> [[t.name for t in run] for run in clause_to_runs("计划生育特殊家庭的高龄、失能、残疾老年人")]
    [['计划生育特殊家庭'], ['高龄', '失能', '残疾']]
    >>> [[t.name for t in run] for run in clause_to_runs("低保对象中经民政部门认定生活不能自理的老年人")]
    [['低保'], ['不能自理']]
    """
    runs: Alternative = []
    previous_end = None
    for found in find_conditions(clause):
        gap = clause[previous_end:found.start] if previous_end is not None else None
        if gap is not None and _either_gap().fullmatch(gap):
            runs[-1].append(found.value)
        else:
            runs.append([found.value])
        previous_end = found.end
    return runs


def scope_to_alternatives(scope: str) -> list[Alternative]:
    """The either-phrases of a scope (split at commas, and at joiners after 老年人).

    A phrase naming no condition is left out, unless it is a whole group
    (ends with 老年人: 80周岁以上老年人), which admits anyone of its age: then it
    is an empty alternative.
    """
    alternatives = []
    for sentence in _SENTENCES.split(scope):
        for phrase in _alternatives_pattern().split(sentence):
            runs = clause_to_runs(phrase)
            if runs or _whole_group().search(phrase):
                alternatives.append(runs)
    return alternatives


def _unique(terms: list[Term]) -> list[Term]:
    return list(dict.fromkeys(terms))


def runs_to_conditions(runs: list[Run]) -> dict[str, list[str]]:
    """Category -> canonical names: a run inside one category goes there, others to `other`."""
    conditions: dict[str, list[str]] = {category: [] for category in CATEGORIES}
    for run in runs:
        terms = _unique(run)
        categories = {term.category for term in terms}
        target = categories.pop() if len(categories) == 1 else "other"
        for term in terms:
            if term.name not in conditions[target]:
                conditions[target].append(term.name)
    return conditions


def alternatives_to_conditions(alternatives: list[Alternative]) -> dict[str, list[str]]:
    """Category -> canonical names of the whole group (see the module docstring).

    An either-phrase with no condition makes the group unconditional. Several
    either-phrases keep the categories that every one of them names,
    each with all their values; when they share none, each is loosened to its
    first part and the parts are pooled as one either-list.

    >>> alternatives_to_conditions(scope_to_alternatives("特困人员中的失能老年人,低保家庭中的失能老年人"))
    {'economic': ['特困', '低保'], 'care_need': ['失能']}
    >>> alternatives_to_conditions(scope_to_alternatives("低保对象,计划生育特殊家庭的失能老年人"))
    {'other': ['低保', '计划生育特殊家庭']}
    """
    if not alternatives or not all(alternatives):
        return {}  # no condition printed, or one alternative admits anyone of the ages
    each = [runs_to_conditions(alternative) for alternative in alternatives]
    if len(each) == 1:
        return _nonempty(each[0])
    shared = [category for category in CATEGORIES if all(c[category] for c in each)]
    if shared:
        return {category: list(dict.fromkeys(v for c in each for v in c[category]))
                for category in shared}
    first_parts = [term for alternative in alternatives for term in alternative[0]]
    return _nonempty(runs_to_conditions([first_parts]))


def without_restated_age(alternative: Alternative) -> Alternative:
    """The parts of an either-phrase but a 高龄 on its own, which a printed age restates."""
    return [run for run in alternative if {t.name for t in run} != {HIGH_AGE_WORD}]


def _nonempty(conditions: dict[str, list[str]]) -> dict[str, list[str]]:
    return {category: values for category, values in conditions.items() if values}


def parse_eligibility(target_group: str) -> Eligibility:
    """A target group (服务对象) as conditions; the printed text is kept in `text`.

    >>> conditions_of("80周岁及以上老年人")
    {'min_age': 80}
    >>> conditions_of("60-69周岁的老年人")
    {'min_age': 60, 'max_age': 69}
    >>> conditions_of("低保对象中经民政部门认定生活不能自理的老年人")
    {'economic': ['低保'], 'care_need': ['不能自理']}
    >>> conditions_of("特困人员、低保对象、返贫致贫人口等群体中的老年人")
    {'economic': ['特困', '低保', '返贫致贫']}
    >>> conditions_of("独居、空巢、留守、失能、重残、计划生育特殊家庭等老年人")
    {'other': ['独居', '空巢', '留守', '失能', '残疾', '计划生育特殊家庭']}
    >>> conditions_of("经济困难的失能、高龄老年人")
    {'economic': ['经济困难'], 'other': ['失能', '高龄']}
    >>> conditions_of("低保对象。有条件的县区可扩大到低保边缘、支出型困难等经济困难家庭老年人。")
    {'economic': ['低保']}
    >>> conditions_of("对国家和社会作出特殊贡献的老年人"), conditions_of("经认定符合条件的残疾老年人")
    ({'special_contribution': True}, {'disability': True})
    >>> conditions_of("达到待遇享受年龄的老年人"), conditions_of("80周岁以上高龄老人")
    ({'other': ['待遇享受年龄']}, {'min_age': 80})
    >>> conditions_of("60周岁以上的高龄、失能老年人")
    {'min_age': 60, 'other': ['高龄', '失能']}
    """
    scope = condition_scope(target_group)
    low, high = scope_to_ages(scope)
    alternatives = scope_to_alternatives(scope)
    if low is not None or high is not None:
        alternatives = [without_restated_age(alternative) for alternative in alternatives]
    conditions = alternatives_to_conditions(alternatives)
    flags = {category: bool(conditions.pop(category, [])) for category in FLAG_CATEGORIES}
    return Eligibility(text=target_group, min_age=low, max_age=high, **conditions, **flags)


def conditions_of(target_group: str) -> dict[str, object]:
    """The conditions `parse_eligibility` reads, without the text and empty fields."""
    return parse_eligibility(target_group).model_dump(exclude_defaults=True, exclude={"text"})
