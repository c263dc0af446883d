"""Character-level clean-up that keeps offsets: every function here maps text 1:1.

Offsets in every `Span` point into the decoded source, so width folding must
never change a string's length; whitespace removal happens only on values.
"""
from __future__ import annotations

import re

# Full-width ASCII forms (U+FF01..U+FF5E) fold onto ASCII; ideographic and
# no-break spaces fold onto a space. One character in, one character out.
_WIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE.update({0x3000: 0x20, 0xA0: 0x20})

_SPACES = re.compile(r"\s+")


def fold_width(text: str) -> str:
    """Fold full-width letters, digits and punctuation to half-width, keeping length.

    >>> fold_width("（一）１００％")
    '(一)100%'
    """
    return text.translate(_WIDTH_TABLE)


def squash(text: str) -> str:
    """Remove all whitespace: Chinese values never need it, PDF text adds it.

    >>> squash(" 物质 帮助 ")
    '物质帮助'
    """
    return _SPACES.sub("", text)
