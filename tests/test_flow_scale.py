"""The flow on a Dask cluster: the same outputs as the default runner, and the cache shared between them.

A LocalCluster of two single-threaded workers (flows.runners.LOCAL_DASK_CLUSTER)
is started for the run, as `--runner dask` without an address does; the
notices come from benchmarks/generate_batch.py.
"""
from pathlib import Path

import pytest

from benchmarks.generate_batch import generate
from flows.extract import extract_notices
from pipeline.model import RunStatus

BATCH = 20
SEED = 3


@pytest.fixture(scope="module")
def notices(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    generate(BATCH, SEED, folder)
    return folder


def records(out: Path) -> list[Path]:
    """The output files: neither the run summary nor the cache (OUT/.notice-cache/)."""
    return [path for path in out.rglob("*.json") if not path.name.startswith("_")
            and not any(part.startswith(".") for part in path.relative_to(out).parts)]


def outputs(out: Path) -> dict[str, bytes]:
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in records(out)}


def stamps(out: Path) -> dict[str, int]:
    return {path.name: path.stat().st_mtime_ns for path in records(out)}


def comparable(outcomes) -> list[dict]:
    """Outcomes without where they were written (`outputs` compares the files)."""
    return [outcome.model_dump(exclude={"output"}) for outcome in outcomes]


def test_dask_writes_what_the_default_runner_writes_and_reuses_its_cache(prefect_server, notices,
                                                                          tmp_path):
    by_processes, by_dask = tmp_path / "processes", tmp_path / "dask"
    expected = extract_notices([str(notices)], str(by_processes), corrections=None)
    found = extract_notices([str(notices)], str(by_dask), corrections=None, runner="dask")
    assert len(found) == BATCH and not any(o.status is RunStatus.failure for o in found)
    assert sum(o.catalogue_items for o in found) > 0 and sum(o.tasks for o in found) > 0
    assert outputs(by_dask) == outputs(by_processes)
    assert comparable(found) == comparable(expected)
    # A second run, in worker processes this time, finds every outcome the Dask workers stored.
    before = stamps(by_dask)
    again = extract_notices([str(notices)], str(by_dask), corrections=None)
    assert stamps(by_dask) == before
    assert comparable(again) == comparable(found)
