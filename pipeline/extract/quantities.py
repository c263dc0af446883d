"""Numbers in notice text: money amounts, task figures, deadline years and ages.

Every function is pure over one string; offsets in a returned `Located` are
relative to that string, and a figure's `text` is always `string[start:end]`.
Vocabulary (units, rate bases, words whose numerals are not counts) lives in
``pipeline/vocab``; the regexes are compiled once, at import.

The figure rules follow hand-made gold annotations: a range gives both ends, an
enumeration shares its unit, and numerals in quotations and titles, ordinals
(第…), rate bases (每…), list markers and fixed words (一次性, 一户一策) are not
figures. Years, ages and durations are not figures because 年, 岁 and 月 are not
units.
"""
from __future__ import annotations


import cn2an
import regex

from pipeline.model import Located, Quantity
from pipeline.vocab import word_list

# --- settings -----------------------------------------------------------------------

MAX_QUOTED_CHARS = 30  # a slogan or name in quotes is short; longer means an unpaired quote
MAX_TITLE_CHARS = 120  # a cited document title 《…》
CONDITION_WINDOW = 8  # chars after a year searched for 后: "在2019年脱贫后" is a condition
CN2AN_MODE = "strict"  # counts only: "一二三" (digit by digit) is not a count


# --- vocabulary ----------------------------------------------------------------------


def _alternation(words: list[str]) -> str:
    """A regex alternation, longest first so that 人次 wins over 人 and 万元 over 元."""
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


UNITS = frozenset(word_list("measure_units"))
MONEY_UNITS = frozenset(word_list("quantities_money_units"))
PERCENT_WORDS = dict(line.split() for line in word_list("quantities_percent_words"))
PER_BASES = word_list("quantities_per_bases")
NOT_COUNTS = word_list("quantities_not_counts")
assert MONEY_UNITS <= UNITS, "every money unit must also be a measure unit"

# --- patterns ------------------------------------------------------------------------

GAP = r"[\x20\u3000\u00a0]*"  # spaces left by PDF extraction ("每人每月发放 990 元"), not tabs
ARABIC = r"""(?:
    \d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?          # 1,000 with thousands separators
  | \d+(?:\.\d+)?                               # 100, 0.2, 1.468
)"""
CN_TAIL = r"""
    [零〇一二两三四五六七八九十百千]*             # 一百, 一千零一
    (?:[万亿][零〇一二两三四五六七八九十百千]+)*  # 一万五千; a final 万 is the unit's (十万人次)
    (?:点[零〇一二三四五六七八九]+)?              # 一点五
"""
CHINESE = rf"""(?:
    [一二两三四五六七八九十]                    # a count never starts with a bare 百/千 (千家万户)
    {CN_TAIL})"""
CHINESE_ANY = rf"""(?:
    [一二两三四五六七八九十百]                  # ages and shares may: 百岁, 百分之百
    {CN_TAIL})"""
NOT_GLUED = r"(?<![\dA-Za-z.零〇一二两三四五六七八九十百千万亿])"  # not inside GB/T42195, 5G
SEP = r"(?:[-—–~～]{1,2}|至|到|、|和|及|与|或)"  # joins the ends of a range or an enumeration
BASES = _alternation(PER_BASES)

_NUMBER = regex.compile(rf"{ARABIC}|{CHINESE_ANY}", regex.VERBOSE)
_ARABIC_ONLY = regex.compile(rf"{ARABIC}", regex.VERBOSE)

_FIGURE = regex.compile(
    rf"""
    (?P<pword>{_alternation(list(PERCENT_WORDS))})       # 百分之 …
    (?P<pnum>{ARABIC}|{CHINESE_ANY})                     # … 八十
  | (?P<nums>
        {NOT_GLUED}(?:{ARABIC}|{CHINESE})                # first number
        (?:{GAP}{SEP}{GAP}(?:{ARABIC}|{CHINESE}))*       # 5-10, 100、200和500: one unit for all
    )
    {GAP}[余多]?{GAP}                                    # 500余人, 十多个
    (?P<unit>{_alternation(list(UNITS))})                # longest unit wins
    (?P<suffix>(?:{GAP}[/／]{GAP}(?:{BASES})             # 元/人 …
        (?:{GAP}[·・]{GAP}(?:{BASES}))?)*)               # … /月, 元/人·月
    """,
    regex.VERBOSE,
)

_PER_PREFIX = regex.compile(
    rf"""
    (?:每{GAP}
        (?:\d+|[一十百千万]+)?{GAP}                      # 每万名, 每百户, 每10万人口
        [名个位张]?{GAP}                                 # 每名老年人, 每张床位
        (?:{BASES}){GAP}                                 # 人, 月, 老年人 …
    )+                                                   # 每人每月
    """,
    regex.VERBOSE,
)

_BLOCKED = regex.compile(
    rf"""
      “[^“”]{{0,{MAX_QUOTED_CHARS}}}”                    # “15分钟”, “十百千”
    | ‘[^‘’]{{0,{MAX_QUOTED_CHARS}}}’
    | 「[^「」]{{0,{MAX_QUOTED_CHARS}}}」
    | 『[^『』]{{0,{MAX_QUOTED_CHARS}}}』
    | "[^"\n]{{0,{MAX_QUOTED_CHARS}}}"                   # straight quotes, paired in order
    | 《[^《》]{{0,{MAX_TITLE_CHARS}}}》                 # a cited document's title
    | 一\p{{Han}}一\p{{Han}}                             # slogans: 一户一策, 一人一床
    | {_alternation(NOT_COUNTS)}                         # 一次性, 6个月, 进一步
    | ^\s*(?:[(（](?:[一二三四五六七八九十]{{1,3}}|\d{{1,2}})[)）]  # list marker at the start: (三)
        | (?:[一二三四五六七八九十]{{1,3}}|\d{{1,2}})(?:、|[.．](?!\d)))  # 一、 1. (not 1.5)
    """,
    regex.VERBOSE | regex.MULTILINE,
)

# A run of four-character slogans (服务同根、一次认证、一网通办): their numerals are no counts.
_SLOGAN_RUN = regex.compile(r"(?:\p{Han}{4}、){2,}\p{Han}{4}(?!\p{Han})")
_NOT_A_COUNT_BEFORE = regex.compile(rf"[第每数几届]{GAP}\Z")  # 第2次, 每千名, 数十个, 16届28次
_CLAUSE_BREAK = regex.compile(r"[,，。;；!！?？\n\t]")  # per-context stops at a clause


# --- numbers -------------------------------------------------------------------------


def parse_number(text: str) -> int | float | None:
    """An Arabic or Chinese numeral as a number; integers stay int.

    >>> parse_number("1,000"), parse_number("0.2"), parse_number("1.468")
    (1000, 0.2, 1.468)
    >>> parse_number("一百"), parse_number("十"), parse_number("两"), parse_number("一千")
    (100, 10, 2, 1000)
    >>> parse_number("一万五千"), parse_number("一点五"), parse_number(" 990 ")
    (15000, 1.5, 990)
    >>> parse_number("百")  # a bare 百 is one hundred: 百岁老人
    100
    >>> parse_number("十四五") is None, parse_number("一二三") is None, parse_number("") is None
    (True, True, True)
    """
    s = text.strip()
    if _ARABIC_ONLY.fullmatch(s):
        s = s.replace(",", "")
        return float(s) if "." in s else int(s)
    s = s.replace("两", "二")  # cn2an does not know 两
    if s[:1] in ("百", "千"):
        s = "一" + s
    try:
        return cn2an.cn2an(s, CN2AN_MODE) if s else None
    except (ValueError, KeyError, IndexError):  # cn2an's errors on numerals that are no number
        return None


# --- figures -------------------------------------------------------------------------


def _blocked_mask(text: str) -> bytearray:
    """1 at every character where a numeral is not a count (quotes, titles, fixed words)."""
    mask = bytearray(len(text))
    for m in _BLOCKED.finditer(text, overlapped=True):
        mask[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    if "、" in text:
        for m in _SLOGAN_RUN.finditer(text):
            mask[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    return mask


def _per_context(text: str, start: int) -> tuple[str | None, int | None]:
    """The last 每… rate phrase of the clause before `start`, and its start if adjacent.

    >>> _per_context("每人每月分别发放 80 元", 9)
    ('每人每月', None)
    >>> _per_context("每人每月100元", 4)
    ('每人每月', 0)
    """
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)]
    clause_start = breaks[-1] if breaks else 0
    found = list(_PER_PREFIX.finditer(text, clause_start, start))
    if not found:
        return None, None
    last = found[-1]
    adjacent = last.end() == start
    return last.group().strip(), (last.start() if adjacent else None)


def _suffix_per(suffix: str) -> str | None:
    """'/人/月' -> '人/月': the per context printed after the unit."""
    cleaned = regex.sub(GAP, "", suffix).lstrip("/／")
    return cleaned or None


def _percent_word(m: regex.Match, mask: bytearray) -> list[Located[Quantity]]:
    value = parse_number(m["pnum"])
    if value is None or any(mask[m.start() : m.end()]):
        return []
    quantity = Quantity(value=value, unit=PERCENT_WORDS[m["pword"]], text=m.group())
    return [Located(quantity, m.start(), m.end())]


def _match_to_figures(text: str, m: regex.Match, mask: bytearray) -> list[Located[Quantity]]:
    """One figure per number of a matched group, each sharing the group's unit."""
    if m["pword"]:
        return _percent_word(m, mask)
    if _NOT_A_COUNT_BEFORE.search(text, 0, m.start()) or any(mask[m.start("unit") : m.end("unit")]):
        return []
    per, per_start = _per_context(text, m.start())
    if m["suffix"]:
        per, per_start = _suffix_per(m["suffix"]), None
    found = []
    for number in _NUMBER.finditer(text, m.start("nums"), m.end("nums")):
        value = parse_number(number.group())
        if value is None or any(mask[number.start() : number.end()]):
            continue
        start = per_start if (per_start is not None and not found) else number.start()
        quantity = Quantity(value=value, unit=m["unit"], text=text[start : m.end()], per=per)
        found.append(Located(quantity, start, m.end()))
    return found


def find_figures(text: str) -> list[Located[Quantity]]:
    """Every quantitative figure of a task text, one per mention, in order.

    A range or an enumeration gives one figure per number; each figure's span
    runs from its own number to the end of the shared unit.

    >>> [(f.value.value, f.value.unit) for f in find_figures("选取5-10个社区,每月至少开展一次探访")]
    [(5, '个'), (10, '个'), (1, '次')]
    >>> [(f.value.value, f.value.unit) for f in find_figures("每千名老年人至少配有1名社会工作者")]
    [(1, '名')]
    >>> find_figures("失能状态持续6个月以上,打造“15分钟”服务圈,落实一次性奖励")
    []
    >>> [f.start for f in find_figures("实现数据同源、服务同根、一次认证、一网通办。每年至少开展一次")]
    [28]
    >>> find_figures("护理型床位占比达到 55 %以上")[0]
    Located(value=Quantity(value=55, unit='%', text='55 %', per=None, span=None), start=10, end=14)
    """
    mask = _blocked_mask(text)
    figures: list[Located[Quantity]] = []
    for m in _FIGURE.finditer(text):
        figures.extend(_match_to_figures(text, m, mask))
    return figures


def find_amounts(text: str) -> list[Located[Quantity]]:
    """Every money figure (元, 万元, 亿元 …) in order, with its 每…/…/人 context in `per`.

    >>> [(a.value.value, a.value.per) for a in find_amounts("对80—89周岁老年人每人每月分别发放 80 元、100 元")]
    [(80, '每人每月'), (100, '每人每月')]
    >>> [(a.value.value, a.value.per) for a in find_amounts("培训补助1000元/人,订单式培训不超过4000元/人")]
    [(1000, '人'), (4000, '人')]
    """
    return [f for f in find_figures(text) if f.value.unit in MONEY_UNITS]


def parse_amount(text: str) -> Quantity | None:
    """The first money amount of `text`; `text` of the result includes an adjacent 每… phrase.

    The value is as printed, never scaled: 5万元 is 5 with unit 万元. A suffix
    such as 元/人/月 gives per '人/月'.

    >>> parse_amount("每人每月100元")
    Quantity(value=100, unit='元', text='每人每月100元', per='每人每月', span=None)
    >>> parse_amount("30元/人/月")
    Quantity(value=30, unit='元', text='30元/人/月', per='人/月', span=None)
    >>> parse_amount("不低于 500 元")
    Quantity(value=500, unit='元', text='500 元', per=None, span=None)
    >>> parse_amount("1.468亿元").value, parse_amount("5万元").unit
    (1.468, '万元')
    >>> parse_amount("80周岁及以上") is None
    True
    """
    amounts = find_amounts(text)
    return amounts[0].value if amounts else None


# --- ages ----------------------------------------------------------------------------

_AGE = regex.compile(
    rf"""
    (?P<nums>
        {NOT_GLUED}(?:{ARABIC}|{CHINESE_ANY})            # 80, 六十, 百
        (?:{GAP}{SEP}{GAP}(?:{ARABIC}|{CHINESE_ANY}))*   # 80-89, 60、70
    )
    {GAP}周?岁                                           # 周岁 or 岁
    """,
    regex.VERBOSE,
)
_AGE_STEP_BEFORE = regex.compile(rf"(?:每|增加){GAP}\Z")  # 每增加一岁: a step, not an age


def find_ages(text: str) -> list[Located[int]]:
    """Every age in order; a bracket 80-89周岁 gives both ends. Spans cover number to 岁.

    >>> [a.value for a in find_ages("对 60—79 周岁、80—89 周岁的低保老年人")]
    [60, 79, 80, 89]
    >>> find_ages("百岁老人")
    [Located(value=100, start=0, end=2)]
    """
    ages = []
    for m in _AGE.finditer(text):
        if _AGE_STEP_BEFORE.search(text, 0, m.start()):
            continue
        for number in _NUMBER.finditer(text, m.start("nums"), m.end("nums")):
            value = parse_number(number.group())
            if isinstance(value, int):
                ages.append(Located(value, number.start(), m.end()))
    return ages


def ages_in(text: str) -> list[int]:
    """The values of `find_ages`, for callers that need no offsets.

    >>> ages_in("65岁以上老年人和六十周岁以上残疾人")
    [65, 60]
    """
    return [age.value for age in find_ages(text)]


def min_age(target_group: str) -> int | None:
    """The lowest age a target group names: its age of eligibility, or None.

    >>> min_age("80周岁及以上老年人"), min_age("60 周岁及以上"), min_age("80-89周岁")
    (80, 60, 80)
    >>> min_age("达到待遇享受年龄的老年人") is None
    True
    """
    return min(ages_in(target_group), default=None)


# --- deadline years ------------------------------------------------------------------

_YEAR = regex.compile(
    rf"""
    (?<![\d〇零一二三四五六七八九])                    # not the tail of a longer number
    (?P<year>(?:19|20)\d{{2}}                            # 2025
        | [一二][〇零一二三四五六七八九]{{3}})           # 二〇二五
    {GAP}年
    (?:{GAP}(?:\d{{1,2}}|[一二三四五六七八九十]{{1,3}}){GAP}月  # 2024年6月
        (?P<day>{GAP}\d{{1,2}}{GAP}[日号])?)?            # … 4日: a full date
    """,
    regex.VERBOSE,
)
_YEAR_BLOCKED = regex.compile(
    rf"""
      《[^《》]{{0,{MAX_TITLE_CHARS}}}》                 # a cited title
    | [(（〔\[]{GAP}(?:\d{{4}}{GAP}年?{GAP}[-—–~～至]{{1,2}}{GAP})?  # (2021—2025年): a
        \d{{4}}{GAP}年?{GAP}版?{GAP}[)）〕\]]            # period or edition, not a deadline
    """,
    regex.VERBOSE,
)
_YEAR_NEVER_BEFORE = regex.compile(  # 自2020年以来, 有效期至2027年, 已于2019年建成
    rf"(?:自|有效期.*|已(?:于|在)?){GAP}\Z"
)
_YEAR_AS_OF_BEFORE = regex.compile(rf"截[至止]{GAP}\Z")  # 截至2022年底: a status, not a target
_YEAR_FROM_BEFORE = regex.compile(rf"(?:自|从){GAP}\Z")  # 自2019年开始, 从2020年起: a start …
_YEAR_FROM_AFTER = regex.compile(rf"{GAP}(?:开始|起)")  # … the action begins that year
_TAKES_EFFECT = regex.compile(r"施行|生效|执行|实施")
_YEAR_BY_BEFORE = regex.compile(rf"(?<!截)(?:到|至|于){GAP}\Z")  # 到2025年, 于…前; not 截至
_YEAR_BY_AFTER = regex.compile(rf"{GAP}(?:年底|年末|年|底|末|上半年|下半年)?(?:之)?前")  # 年底前


def _year_value(text: str) -> int | None:
    """2025 or 二〇二五 (digit by digit, which cn2an reads in its normal mode)."""
    return int(text) if text.isdigit() else cn2an.cn2an(text.replace("零", "〇"), "normal")


def _is_deadline(before: str, after: str, full_date: bool) -> bool:
    """Whether a year, given its clause around it, commits an action or a result."""
    if _YEAR_FROM_BEFORE.search(before) and _YEAR_FROM_AFTER.match(after) and not full_date \
            and not _TAKES_EFFECT.search(after):
        return True  # 自2019年开始…: the action starts then (自…起施行 is a validity)
    if _YEAR_NEVER_BEFORE.search(before) or "以来" in after:
        return False  # a validity period, a time since, a past event
    if _YEAR_BY_BEFORE.search(before) or _YEAR_BY_AFTER.match(after):
        return True  # 到2025年, 2024年年底前
    if full_date or _YEAR_AS_OF_BEFORE.search(before) or "已" in after:
        return False  # a dated event, a status, or a result already reached
    return "后" not in after[:CONDITION_WINDOW]  # 在2019年脱贫后: a condition


def find_deadline_years(text: str) -> list[int]:
    """Years to which the text commits an action or a result, sorted and unique.

    >>> find_deadline_years("2023年启动试点工作,2025年年底前,实现全覆盖")
    [2023, 2025]
    >>> find_deadline_years("在2019年脱贫后,建设…;2022年底全市已建成…;自2020年以来")
    []
    >>> find_deadline_years("自2019年开始,推动职业院校开展培训;从2020年起,基本不再招聘")
    [2019, 2020]
    >>> find_deadline_years("根据《规划(2021—2025年)》,有效期至2027年,于2024年6月30日前完成")
    [2024]
    """
    blocked = [m.span() for m in _YEAR_BLOCKED.finditer(text)]
    years = set()
    for m in _YEAR.finditer(text):
        if any(start <= m.start() < end for start, end in blocked):
            continue
        breaks = [b.end() for b in _CLAUSE_BREAK.finditer(text, 0, m.start())]
        stop = _CLAUSE_BREAK.search(text, m.end())
        before = text[breaks[-1] if breaks else 0 : m.start()]
        after = text[m.end() : stop.start() if stop else len(text)]
        if _is_deadline(before, after, full_date=bool(m["day"])):
            years.add(_year_value(m["year"]))
    return sorted(years)
