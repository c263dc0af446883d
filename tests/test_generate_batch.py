"""The benchmark's notice generator: deterministic from its seed, varied, and readable by the pipeline.

Generated notices feed the scale benchmark and the scale tests only; the
extractors are tested on real notices (samples/, tests/heldout/, tests/gold/).
"""
import doctest
from collections import Counter

import pytest

from benchmarks import generate_batch
from benchmarks.generate_batch import NUMBERINGS, generate, main, notice_for
from pipeline.run import Job, process_job

SEED = 11
# Enough notices for every kind, numbering and layout to appear.
VARIETY_SAMPLE = 200


def test_small_parsers_do_what_their_examples_say():
    assert doctest.testmod(generate_batch).failed == 0


def test_the_same_seed_writes_the_same_bytes(tmp_path):
    first = generate(12, SEED, tmp_path / "a")
    again = generate(12, SEED, tmp_path / "b")
    other = generate(12, SEED + 1, tmp_path / "c")
    assert [path.read_bytes() for path in first] == [path.read_bytes() for path in again]
    assert [path.read_bytes() for path in first] != [path.read_bytes() for path in other]
    prefix = generate(5, SEED, tmp_path / "d")  # a smaller batch is the start of a larger one
    assert [path.read_bytes() for path in prefix] == [path.read_bytes() for path in first[:5]]


def test_notices_vary_in_kind_numbering_layout_encoding_and_size():
    notices = [notice_for(SEED, index) for index in range(VARIETY_SAMPLE)]
    assert set(Counter(notice.numbering for notice in notices)) == {*NUMBERINGS, None}
    assert {notice.table_layout for notice in notices} == {"tab", "pipe", None}
    assert {notice.kind for notice in notices} == set(generate_batch.KIND_WEIGHTS)
    assert {notice.encoding for notice in notices} == set(generate_batch.ENCODING_WEIGHTS)
    assert {notice.newline for notice in notices} == {"\n", "\r\n"}
    sizes = sorted(len(notice.text) for notice in notices)
    assert sizes[-1] > 8 * sizes[0]
    regions = {notice.region for notice in notices}
    assert len(regions) > VARIETY_SAMPLE // 2
    assert {region[-1] for region in regions} == {"市", "县", "区"}
    assert any("|" in notice.text for notice in notices if notice.table_layout == "pipe")
    assert any("（" in notice.text for notice in notices)  # some are typed in full width


@pytest.mark.parametrize("index", range(40))
def test_the_pipeline_extracts_what_a_generated_notice_holds(tmp_path, index):
    expected = notice_for(SEED, index)
    path = generate_batch.write_notice(expected, tmp_path / "notice.txt")
    outcome = process_job(Job(path=path, output=tmp_path / "notice.json", label="notice.txt"))
    assert (outcome.catalogue_items, outcome.tasks) == (expected.catalogue_items, expected.tasks)
    if expected.kind == "catalogue_missing":
        assert outcome.warnings == ["catalogue_missing"]


def test_the_sample_covers_catalogues_and_tasks():
    notices = [notice_for(SEED, index) for index in range(40)]
    assert sum(notice.catalogue_items > 0 for notice in notices) >= 10
    assert sum(notice.tasks > 0 for notice in notices) >= 10


def test_the_command_line_writes_a_batch(tmp_path, capsys):
    main(["7", "--seed", str(SEED), "--out", str(tmp_path)])
    assert len(list(tmp_path.rglob("notice_*.txt"))) == 7
    assert "7 notices" in capsys.readouterr().out
