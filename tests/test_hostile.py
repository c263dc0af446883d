"""Hostile and broken files, as one batch: each ends in its output or a coded error.

`tests/hostile/` holds the minimal reproducers of what fuzzing the samples
found (named after the problem each shows): reference loops and deep page
trees in PDFs, zip bombs and huge spans in Word, span bombs in HTML, numerals
that are no number, runs of blank lines. The batch must finish with no
`E008_internal`, no traceback, no partial output file, and its memory under
2 GiB (a worker is capped at the memory limit; the batch's own process is small).
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

HOSTILE = Path(__file__).parent / "hostile"
# Low enough that the batch is quick, high enough for any real notice of this size.
TIME_LIMIT_S = 15
PEAK_LIMIT_MB = 2048
# Reproducers whose coded error is certain, by the limit or damage they carry.
EXPECTED = {
    "docx_zip_bomb_1.1GB_image_member.docx": "E014_too_large",
    "docx_zip_encrypted_flag.docx": "E009_encrypted",
    "docx_zip_version_notimplemented.docx": "E011_corrupt",
    "docx_no_body.docx": "E011_corrupt",
    "docx_root_not_document.docx": "E011_corrupt",
    "html_span_bomb_30x30_cells.html": "E014_too_large",
    "pdf_flate_bomb_1.1GB_content.pdf": "E014_too_large",
    "pdf_deep_page_tree_recursion.pdf": "E011_corrupt",
    "pdf_bad_mediabox_close_masks_E011.pdf": "E011_corrupt",
}
# Reproducers that hung the pipeline: stopped at the time limit, or read.
MAY_TIME_OUT = {"pdf_ref_cycle_hang.pdf", "pdf_self_ref_contents_hang.pdf"}

# Runs a command and writes the largest resident memory of any process it waited for (KiB).
PEAK_WRAPPER = """
import resource, subprocess, sys
status = subprocess.run(sys.argv[2:]).returncode
open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(status)
"""


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile_out")
    peak = out.parent / "peak_kib"
    run = subprocess.run(
        [sys.executable, "-c", PEAK_WRAPPER, str(peak), sys.executable, "-m", "pipeline",
         "extract", str(HOSTILE), "--out", str(out), "--time-limit", str(TIME_LIMIT_S)],
        capture_output=True, text=True, timeout=len(list(HOSTILE.iterdir())) * (TIME_LIMIT_S + 10))
    summary = json.loads((out / "_run_summary.json").read_text(encoding="utf-8"))
    outcomes = {Path(notice["path"]).name: notice for notice in summary["notices"]}
    return run, outcomes, out, int(peak.read_text()) / 1024


def test_every_hostile_file_ends_in_its_output_or_a_coded_error(batch):
    run, outcomes, out, _ = batch
    assert sorted(outcomes) == sorted(path.name for path in HOSTILE.iterdir())
    for name, outcome in outcomes.items():
        if outcome["status"] == "failure":
            assert outcome["error_code"] not in (None, "E008_internal"), (name, outcome["error"])
            if outcome["error_code"] == "E013_timeout":  # names the file and the limit
                assert name in outcome["error"] and f"{TIME_LIMIT_S} s" in outcome["error"]
        else:
            assert (out / outcome["output"]).exists(), name
    for name, code in EXPECTED.items():
        assert outcomes[name]["error_code"] == code, (name, outcomes[name].get("error"))
    timed_out = {name for name, o in outcomes.items() if o.get("error_code") == "E013_timeout"}
    assert timed_out <= MAY_TIME_OUT


def test_no_traceback_and_no_partial_output(batch):
    run, _, out, _ = batch
    assert "Traceback" not in run.stderr
    assert not [path for path in out.rglob("*") if path.name.endswith(".tmp")]
    for record in out.glob("*.json"):
        json.loads(record.read_text(encoding="utf-8"))  # whole, never cut short


def test_the_batch_stays_under_two_gib(batch):
    _, _, _, peak_mb = batch
    assert peak_mb < PEAK_LIMIT_MB


def test_text_reproducers_are_read(batch):
    """Numerals that are no number, 150,000 blank lines, a 40,000-space run, 800 rows under
    one label: each is a notice like any other."""
    _, outcomes, _, _ = batch
    for name, outcome in outcomes.items():
        if name.startswith("txt_"):
            assert outcome["status"] in ("success", "partial_success"), (name, outcome.get("error"))
