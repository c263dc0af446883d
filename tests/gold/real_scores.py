"""Gold scores of the real corpus (samples/real/) in every format, and their golden file.

    .venv/bin/python -m tests.gold.real_scores           # print the scores
    .venv/bin/python -m tests.gold.real_scores --write   # also update the golden file

The golden file (`tests/real_corpus_scores.json`: format -> stem -> score)
holds what the pipeline scored when it was last written on purpose;
`tests/test_real_corpus.py` fails when a notice falls more than 0.02 below it.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from pipeline.cli import run_extract
from tests.gold.score import score_document

ROOT = Path(__file__).resolve().parents[2]
REAL_SAMPLES = ROOT / "samples" / "real"
REAL_GOLD = Path(__file__).resolve().parent / "real"
GOLDEN_SCORES = ROOT / "tests" / "real_corpus_scores.json"
FORMATS = ("html", "docx", "pdf", "txt")


def real_gold() -> dict[str, dict]:
    """Stem -> gold annotation of every real page."""
    return {path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(REAL_GOLD.glob("*.json"))}


def field_means(outputs: Path, fmt: str, stem: str, gold: dict) -> dict[str, float]:
    record = json.loads((outputs / fmt / f"{stem}.json").read_text(encoding="utf-8"))
    return score_document(gold, record).means()


def notice_score(means: dict[str, float]) -> float:
    return sum(means.values()) / len(means)


def score_outputs(outputs: Path) -> dict[str, dict[str, float]]:
    """Format -> stem -> score of the records extracted from samples/real into `outputs`."""
    golds = real_gold()
    return {fmt: {stem: round(notice_score(field_means(outputs, fmt, stem, gold)), 4)
                  for stem, gold in golds.items()}
            for fmt in FORMATS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"update {GOLDEN_SCORES.name}")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        run_extract([REAL_SAMPLES], Path(scratch))
        scores = score_outputs(Path(scratch))
    for fmt, by_stem in scores.items():
        print(f"{fmt:5s} {sum(by_stem.values()) / len(by_stem):.3f}  "
              + " ".join(f"{stem.split('_')[0]}:{score:.2f}" for stem, score in by_stem.items()))
    if args.write:
        GOLDEN_SCORES.write_text(json.dumps(scores, ensure_ascii=False, indent=1) + "\n",
                                 encoding="utf-8")
        print(f"wrote {GOLDEN_SCORES.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
