"""The real corpus end to end: published pages and their conversions, scored on gold.

Each page of samples/real/html/ and its LibreOffice conversions (DOCX, PDF,
text) is extracted once per session and scored against the gold read from the
page (tests/gold/real/). A notice may not fall more than 0.02 below the score
committed in tests/real_corpus_scores.json (regenerated on purpose with
`python -m tests.gold.real_scores --write`, never by the tests).
"""
from __future__ import annotations

import json

import pytest

from pipeline.cli import run_extract
from tests.gold.real_scores import (FORMATS, GOLDEN_SCORES, REAL_SAMPLES, field_means,
                                    notice_score, real_gold)

# A notice may score at most this much below its committed score.
MAX_SCORE_DROP = 0.02

GOLD = real_gold()


@pytest.fixture(scope="module")
def real_outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("real")
    run_extract([REAL_SAMPLES], out)
    return out


def committed_scores() -> dict[str, dict[str, float]]:
    return json.loads(GOLDEN_SCORES.read_text(encoding="utf-8"))


def test_every_page_has_gold_and_every_conversion():
    pages = sorted(path.stem for path in (REAL_SAMPLES / "html").glob("*.html"))
    assert pages == sorted(GOLD)
    for fmt in FORMATS:
        assert sorted(path.stem for path in (REAL_SAMPLES / fmt).iterdir()) == pages, fmt


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", sorted(GOLD))
def test_score_holds(real_outputs, fmt, stem):
    committed = committed_scores()[fmt][stem]  # a missing golden score is a failure
    means = field_means(real_outputs, fmt, stem, GOLD[stem])
    weak = {field: round(value, 3) for field, value in means.items() if value < 1}
    assert notice_score(means) >= committed - MAX_SCORE_DROP, weak
