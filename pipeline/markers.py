"""Section markers of Chinese official documents: 一、 / (一) / 1. / 1、 / (1) / ①.

Text reaching this module has been width-folded, so brackets are ASCII.
"""
from __future__ import annotations

from enum import Enum
from functools import lru_cache
from typing import NamedTuple

import cn2an
import regex

CHINESE_DIGITS = "零〇一二三四五六七八九十百两"


class MarkerKind(str, Enum):
    cn_dun = "一、"
    cn_paren = "(一)"
    ar_dot = "1."
    ar_paren = "(1)"
    circled = "①"


class Marker(NamedTuple):
    kind: MarkerKind
    number: int
    text: str  # the marker as printed, e.g. "(三)"
    end: int  # offset in the line where the heading text starts


_MARKER = regex.compile(
    r"""
    ^(?P<lead>[\s\-–—•·]*)                               # bullets and indent before the marker
    (?:
        (?P<cn_paren>\(\s*(?P<n1>[一二三四五六七八九十]+)\s*\))   # (一)
      | (?P<cn_dun>(?P<n2>[一二三四五六七八九十]+)\s*[、.])     # 一、
      | (?P<ar_paren>\(\s*(?P<n3>\d{1,2})\s*\))             # (1)
      | (?P<ar_dot>(?P<n4>\d{1,2})\s*(?:[、]|\.(?!\d)))      # 1. or 1、 but not 1.5
      | (?P<circled>(?P<n5>[①-⑳]))                          # ①
    )
    [\s]*
    """,
    regex.VERBOSE,
)

# A numeral directly followed by one of these is a count or an enumeration
# (一是, 三年, 十个), never a marker that lost its punctuation.
NOT_A_HEADING_AFTER_NUMERAL = set("是个年月日次项类级批种大方条位名家些十百千万岁周")


# What cn2an raises on a run of numeral characters that is no number (十十一 gives KeyError).
CN2AN_ERRORS = (ValueError, KeyError, IndexError)


@lru_cache(maxsize=256)
def to_int(numeral: str) -> int:
    """Arabic or Chinese numeral to int.

    >>> to_int("十二"), to_int("7"), to_int("①")
    (12, 7, 1)
    """
    if numeral.isdigit() and numeral.isascii():
        return int(numeral)
    if "①" <= numeral <= "⑳":
        return ord(numeral) - ord("①") + 1
    try:
        return int(cn2an.cn2an(numeral.replace("两", "二"), "smart"))
    except CN2AN_ERRORS as error:  # 十十, 十十一: digits that are no number
        raise ValueError(f"not a Chinese numeral: {numeral!r}") from error


@lru_cache(maxsize=256)
def to_chinese(number: int) -> str:
    """Chinese numeral of a number.

    >>> to_chinese(11)
    '十一'
    """
    return cn2an.an2cn(number)


def parse_marker(line: str) -> Marker | None:
    """The section marker at the start of a line, if any.

    >>> parse_marker("(三)完善基本养老服务保障机制").text
    '(三)'
    >>> parse_marker("- 二、落实相关措施。").kind
    <MarkerKind.cn_dun: '一、'>
    >>> parse_marker("20.\\t健全标准引领机制").number
    20
    >>> parse_marker("1.5万人参加") is None
    True
    >>> parse_marker("十十一、总体要求") is None  # numeral characters that are no number
    True
    """
    match = _MARKER.match(line)
    if not match:
        return None
    for kind in MarkerKind:
        if match.group(kind.name):
            number = next(g for g in match.group("n1", "n2", "n3", "n4", "n5") if g)
            try:
                value = to_int(number)
            except ValueError:
                return None
            return Marker(kind, value, match.group(kind.name).strip(), match.end())
    return None


def expected_numeral_prefix(line: str, expected: int) -> int:
    """Length of a bare Chinese numeral that starts the line and equals `expected`.

    Catches a marker whose punctuation was lost ("十一打造…" after "(十)"); 0 if none.

    >>> expected_numeral_prefix("十一打造“十百千”工程", 11)
    2
    >>> expected_numeral_prefix("四是提高社会参与度", 4)
    0
    """
    numeral = to_chinese(expected)
    if not line.startswith(numeral) or len(line) <= len(numeral):
        return 0
    follower = line[len(numeral)]
    if follower in NOT_A_HEADING_AFTER_NUMERAL or follower in CHINESE_DIGITS:
        return 0
    return len(numeral)


_MARKER_FORMS = {
    MarkerKind.cn_dun: "{cn}、",
    MarkerKind.cn_paren: "({cn})",
    MarkerKind.ar_dot: "{n}.",
    MarkerKind.ar_paren: "({n})",
    MarkerKind.circled: "{circled}",
}


def render_marker(kind: MarkerKind, number: int) -> str:
    """The marker a heading would print, for markers inferred from the sequence.

    >>> render_marker(MarkerKind.cn_paren, 5), render_marker(MarkerKind.ar_dot, 3)
    ('(五)', '3.')
    """
    circled = chr(ord("①") + number - 1) if 1 <= number <= 20 else str(number)
    return _MARKER_FORMS[kind].format(cn=to_chinese(number), n=number, circled=circled)
