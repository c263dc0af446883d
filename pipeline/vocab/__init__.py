"""Vocabulary data files, kept apart from the code that uses them.

Each `.txt` file holds one entry a line; blank lines and `#` comments are
skipped. Add words here, not in the code.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

VOCAB_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def word_list(name: str) -> tuple[str, ...]:
    """Entries of vocab/<name>.txt, in file order.

    >>> "物质帮助" in word_list("service_types")
    True
    """
    lines = (VOCAB_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return tuple(entry for line in lines if (entry := line.split("#", 1)[0].strip()))


@lru_cache(maxsize=None)
def json_data(name: str) -> Any:
    """The content of vocab/<name>.json."""
    return json.loads((VOCAB_DIR / f"{name}.json").read_text(encoding="utf-8"))
