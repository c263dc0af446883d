"""Word's number formats (`w:numFmt`): a list counter's value as Word prints it.

Chinese and Japanese numerals come from cn2an; the ideographic cycles (甲乙丙,
子丑寅) and the enclosed digits (①, ⑴, ⒈) are ranges of Unicode.
"""
from __future__ import annotations

from collections.abc import Callable

import cn2an

from pipeline.markers import CN2AN_ERRORS

HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
# (first value, last value, code point of the first) for each run of enclosed digits.
ENCLOSED_CIRCLE = ((1, 20, 0x2460), (21, 35, 0x3251), (36, 50, 0x32B1))
ENCLOSED_PAREN = ((1, 20, 0x2474),)
ENCLOSED_FULLSTOP = ((1, 20, 0x2488),)
IDEOGRAPH_CIRCLE = ((1, 10, 0x3280),)
ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
         (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def format_number(value: int, fmt: str) -> str:
    """`value` in the number format `fmt`; formats not known here print as decimals.

    >>> [format_number(n, "chineseCounting") for n in (3, 10, 12)]
    ['三', '十', '十二']
    >>> format_number(2, "ideographTraditional"), format_number(3, "decimalEnclosedCircle")
    ('乙', '③')
    >>> format_number(4, "upperRoman"), format_number(28, "lowerLetter"), format_number(0, "none")
    ('IV', 'bb', '')
    >>> format_number(10 ** 20, "chineseCounting")  # past what Chinese numerals print
    '100000000000000000000'
    """
    if fmt == "none":
        return ""
    formatter = FORMATS.get(fmt)
    if not formatter or value <= 0:
        return str(value)
    try:
        return formatter(value)
    except CN2AN_ERRORS:  # past cn2an's 16 digits (a numbering that starts at 10**20)
        return str(value)


def _chinese(value: int) -> str:
    return cn2an.an2cn(value, "low")


def _chinese_legal(value: int) -> str:
    return cn2an.an2cn(value, "up")


def _ideograph_digits(value: int) -> str:
    return cn2an.an2cn(value, "direct").replace("零", "〇")


def _cycle(symbols: str) -> Callable[[int], str]:
    return lambda value: symbols[(value - 1) % len(symbols)]


def _sexagenary(value: int) -> str:
    return HEAVENLY_STEMS[(value - 1) % 10] + EARTHLY_BRANCHES[(value - 1) % 12]


def _enclosed(ranges: tuple[tuple[int, int, int], ...]) -> Callable[[int], str]:
    def render(value: int) -> str:
        for first, last, code_point in ranges:
            if first <= value <= last:
                return chr(code_point + value - first)
        return str(value)
    return render


def _full_width(value: int) -> str:
    return "".join(chr(ord(digit) - ord("0") + ord("０")) for digit in str(value))


def _roman(value: int) -> str:
    out = []
    for size, letters in ROMAN:
        count, value = divmod(value, size)
        out.append(letters * count)
    return "".join(out)


def _letter(value: int) -> str:
    """Word's letters repeat past z: 27 is 'aa', 28 'bb'."""
    repeat, index = divmod(value - 1, 26)
    return chr(ord("a") + index) * (repeat + 1)


FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalHalfWidth": str,
    "decimalZero": lambda value: f"{value:02d}",
    "decimalFullWidth": _full_width,
    "decimalFullWidth2": _full_width,
    "decimalEnclosedCircle": _enclosed(ENCLOSED_CIRCLE),
    "decimalEnclosedCircleChinese": _enclosed(ENCLOSED_CIRCLE),
    "decimalEnclosedParen": _enclosed(ENCLOSED_PAREN),
    "decimalEnclosedFullstop": _enclosed(ENCLOSED_FULLSTOP),
    "ideographEnclosedCircle": _enclosed(IDEOGRAPH_CIRCLE),
    "chineseCounting": _chinese,
    "chineseCountingThousand": _chinese,
    "japaneseCounting": _chinese,
    "taiwaneseCounting": _chinese,
    "taiwaneseCountingThousand": _chinese,
    "chineseLegalSimplified": _chinese_legal,
    "ideographDigital": _ideograph_digits,
    "taiwaneseDigital": _ideograph_digits,
    "ideographTraditional": _cycle(HEAVENLY_STEMS),
    "ideographZodiac": _cycle(EARTHLY_BRANCHES),
    "ideographZodiacTraditional": _sexagenary,
    "upperRoman": lambda value: _roman(value).upper(),
    "lowerRoman": _roman,
    "upperLetter": lambda value: _letter(value).upper(),
    "lowerLetter": _letter,
}
