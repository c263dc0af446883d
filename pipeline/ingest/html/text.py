"""Text of HTML elements: Chinese-aware whitespace, paragraph indents and page widgets.

HTML source wraps lines anywhere, so a newline between two Chinese characters
is an accident of the editor and goes; a full-width space or `&nbsp;` was
typed on purpose and stays as one space. A run of them at the start of a
line is a paragraph indent and starts a new paragraph.
"""
from __future__ import annotations

from functools import lru_cache

import regex

from pipeline.vocab import word_list

# Stands for a <br> or a block edge inside a table cell: a space that survives
# the collapsing of source newlines between Chinese characters.
HARD_SPACE = "\u2028"
# Indent characters in a row that mark a new paragraph (\u3000\u3000, &nbsp;&nbsp;).
MIN_INDENT_RUN = 2
# A paragraph longer than this is notice text even if it names a crumb or footer word.
MAX_FURNITURE_CHARS = 150

_HAN = regex.compile(r"\p{Han}")
# Characters between which source whitespace is dropped: ideographs, CJK and
# full-width punctuation, Chinese quotes and dashes.
_CJK = r"[\p{Han}\u3000-\u303f\uff00-\uffef\u2014\u2018\u2019\u201c\u201d\u2026\u00b7]"
_SPACE_RUN = regex.compile(r"[\s\u3000\xa0\u2028]+")
_INDENT_RUN = regex.compile(
    rf"""[ \t\r\n]*                       # source whitespace before the indent
        (?:[\u3000\xa0][ \t\r\n]*){{{MIN_INDENT_RUN},}}  # full-width spaces or &nbsp;, maybe interleaved
    """,
    regex.VERBOSE,
)
_OPENING = "((【["
_CLOSING = "))】]"


def han_count(text: str) -> int:
    """How many Chinese ideographs a text holds.

    >>> han_count("第1条 通知")
    4
    """
    return len(_HAN.findall(text))


def collapse_whitespace(text: str) -> str:
    """Source whitespace between Chinese characters goes; other runs become one space.

    >>> collapse_whitespace("  基本养老\\n    服务 体系 2025 年\\u3000\\u3000")
    '基本养老服务体系 2025 年'
    >>> collapse_whitespace("80周岁\\u2028以上")
    '80周岁 以上'
    """
    text = text.strip(" \t\r\n\f\v\u3000\xa0\u2028")

    def replace(run: regex.Match) -> str:
        if any(ch in "\u3000\xa0\u2028" for ch in run.group()):
            return " "
        before = text[run.start() - 1: run.start()]
        after = text[run.end(): run.end() + 1]
        return "" if regex.match(_CJK, before) and regex.match(_CJK, after) else " "

    return _SPACE_RUN.sub(replace, text)


def split_indents(text: str) -> list[str]:
    """Split a block's text where an indent run opens a new line.

    Editors indent each paragraph with \\u3000\\u3000 or &nbsp;&nbsp; and
    sometimes leave several paragraphs in one element. Inside brackets
    ((责任单位:市民政局&nbsp;&nbsp;市财政局)) a run is only a space.

    >>> split_indents("\\u3000\\u3000一、总体要求\\u3000\\u3000到2025年,建成体系。\\u3000\\u3000二、任务")
    ['一、总体要求', '到2025年,建成体系。', '二、任务']
    >>> split_indents("(责任单位:市民政局\\xa0\\xa0市财政局)")
    ['(责任单位:市民政局\\xa0\\xa0市财政局)']
    """
    parts: list[str] = []
    start = 0
    for run in _INDENT_RUN.finditer(text):
        if not _inside_brackets(text[start:run.start()]):
            parts.append(text[start:run.start()])
            start = run.end()
    parts.append(text[start:])
    return [part for part in parts if part.strip(" \t\r\n\u3000\xa0")]


def _inside_brackets(text: str) -> bool:
    return sum(text.count(ch) for ch in _OPENING) > sum(text.count(ch) for ch in _CLOSING)


@lru_cache(maxsize=1)
def _widgets() -> regex.Pattern:
    """Page widgets (【字体:大 中 小】, 打印本页, 浏览次数:1234) wherever they stand."""
    phrases = [_spaced(phrase) for phrase in word_list("html_widget_phrases")]
    # A counter needs its colon: 访问量 alone may be notice text (平台访问量达100万次).
    counters = [_spaced(label) + r"\s*[:：]\s*\d*\s*次?" for label in word_list("html_counter_labels")]
    alternatives = "|".join(sorted(phrases + counters, key=len, reverse=True))
    return regex.compile(rf"[【\[]?\s*(?:{alternatives})\s*[】\]]?")


def _spaced(phrase: str) -> str:
    """A phrase matched with any whitespace between its characters, either colon."""
    return r"\s*".join("[:：]" if ch in ":：" else regex.escape(ch) for ch in phrase if not ch.isspace())


def strip_widgets(text: str) -> str:
    """Cut page widgets out of a line.

    >>> strip_widgets("发布时间:2024-05-11 浏览次数：23 【字体：大 中 小】【打印本页】")
    '发布时间:2024-05-11'
    """
    return _widgets().sub("", text).strip()


@lru_cache(maxsize=1)
def _furniture() -> regex.Pattern:
    words = sorted(word_list("html_boilerplate_phrases"), key=len, reverse=True)
    return regex.compile("|".join(_spaced(word) for word in words), regex.IGNORECASE)


def is_furniture(text: str) -> bool:
    """A short line naming crumbs or footer matter (您的位置, 版权所有, ICP备).

    >>> is_furniture("版权所有:某市人民政府 网站标识码:1234000001"), is_furniture("一、总体要求")
    (True, False)
    """
    return len(text) <= MAX_FURNITURE_CHARS and _furniture().search(text) is not None


def clean_line(text: str) -> str:
    """One paragraph's text as laid out: whitespace collapsed, widgets cut, furniture dropped."""
    line = strip_widgets(collapse_whitespace(text))
    return "" if is_furniture(line) else line
