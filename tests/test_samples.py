"""The sample notices end to end: committed outputs are current and score well.

`outputs/` is regenerated deliberately (`make outputs`, or `python -m
pipeline extract samples/ --out outputs/`), never by the tests; a stale or
missing file fails here. samples/ holds one folder per format.
"""
import json

import pytest

from pipeline.cli import run_extract
from pipeline.model import RunStatus
from pipeline.run import plan_jobs
from tests.conftest import GOLD, OUTPUTS, SAMPLES
from tests.gold.score import score_document

# Acceptance floor on the text samples (issue 2): overall score and every field.
MIN_SCORE = 0.93
MIN_FIELD_SCORE = 0.80
# Another format of a notice may score at most this much below its text version.
MAX_FORMAT_GAP = 0.02


@pytest.fixture(scope="module")
def fresh_outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    run_extract([SAMPLES], out)
    return out


def sample_outputs():
    """The committed records (run summaries, debug dumps and caches start with _ or .)."""
    return sorted(path.relative_to(OUTPUTS).as_posix() for path in OUTPUTS.rglob("*.json")
                  if not any(part.startswith(("_", ".")) for part in path.relative_to(OUTPUTS).parts))


def test_every_sample_notice_has_a_committed_output():
    """One record per notice: attachment files are read with their notice."""
    jobs, refused = plan_jobs([SAMPLES], OUTPUTS)
    assert [outcome for outcome in refused if outcome.status is not RunStatus.skipped] == []
    assert sample_outputs() == sorted(job.output.relative_to(OUTPUTS).as_posix() for job in jobs)


@pytest.mark.parametrize("name", sample_outputs())
def test_committed_output_is_current(fresh_outputs, name):
    assert (OUTPUTS / name).read_bytes() == (fresh_outputs / name).read_bytes(), \
        f"outputs/{name} is stale: regenerate outputs/"


def notice_score(output_dir, gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    got = json.loads((output_dir / gold_path.name).read_text(encoding="utf-8"))
    return score_document(gold, got).means()


def test_gold_score_of_the_text_samples(fresh_outputs):
    fields: dict[str, list[float]] = {}
    doc_scores = []
    for gold_path in sorted(GOLD.glob("*.json")):
        means = notice_score(fresh_outputs / "txt", gold_path)
        doc_scores.append(sum(means.values()) / len(means))
        for field, value in means.items():
            fields.setdefault(field, []).append(value)
    assert len(doc_scores) == 5
    assert sum(doc_scores) / len(doc_scores) >= MIN_SCORE
    weak = {f: sum(v) / len(v) for f, v in fields.items() if sum(v) / len(v) < MIN_FIELD_SCORE}
    assert not weak, f"fields below {MIN_FIELD_SCORE}: {weak}"


def format_notices():
    """The samples' other formats; the real pages are scored in test_real_corpus, the
    catalogue layouts in test_layouts, notices split into files in test_attachments."""
    return sorted((folder.name, path.stem) for folder in SAMPLES.iterdir()
                  if folder.is_dir() and folder.name not in ("txt", "real", "layouts", "attachments")
                  for path in folder.iterdir())


@pytest.mark.parametrize("fmt, stem", format_notices())
def test_other_formats_score_like_the_text(fresh_outputs, fmt, stem):
    gold_path = GOLD / f"{stem}.json"
    text = notice_score(fresh_outputs / "txt", gold_path)
    other = notice_score(fresh_outputs / fmt, gold_path)
    text_score = sum(text.values()) / len(text)
    other_score = sum(other.values()) / len(other)
    assert other_score >= text_score - MAX_FORMAT_GAP, {
        field: value for field, value in other.items() if value < text.get(field, 0)}
