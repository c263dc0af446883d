"""The fuzz suite on a CI budget: mutated samples as one batch (see tests/fuzz/run.py).

Seeded: a failure names its mutant (`0042_gridspan_003_….docx`), which
`tests.fuzz.mutate.mutant(FUZZ_SEED, 42)` rebuilds. The 2,000-file run outside CI:
`python -m tests.fuzz.run --count 2000 --seed 1 --time-limit 10 --jobs 2 --write` (results in
tests/fuzz/results.md).
"""
import pytest

from tests.fuzz.mutate import mutant, seed_files
from tests.fuzz.run import PEAK_LIMIT_MB, fuzz

FUZZ_SEED = 12
FUZZ_COUNT = 150
# Low enough for the CI budget; a real notice of the samples' size reads in a few seconds.
FUZZ_TIME_LIMIT_S = 10


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return fuzz(FUZZ_SEED, FUZZ_COUNT, FUZZ_TIME_LIMIT_S, tmp_path_factory.mktemp("fuzz"))


def test_no_mutant_is_an_internal_error(report):
    assert report.internal == []


def test_every_mutant_ends_in_its_output_or_a_coded_error(report):
    assert report.unaccounted == []
    assert sum(report.codes.values()) == FUZZ_COUNT


def test_no_traceback_and_no_partial_output(report):
    assert report.tracebacks == 0
    assert report.partial == []


def test_the_batch_stays_under_the_memory_limit(report):
    assert report.peak_mb < PEAK_LIMIT_MB


def test_mutants_replay_from_their_seed_and_index():
    assert mutant(FUZZ_SEED, 42) == mutant(FUZZ_SEED, 42)
    assert mutant(FUZZ_SEED, 42) != mutant(FUZZ_SEED + 1, 42)
    assert len(seed_files()) >= 20  # every format of the samples is a seed
