"""Re-running on the same input gives byte-identical records with the same IDs.

Corrections are keyed by record ID and outputs are committed, so a re-run must
change nothing: no timestamps, no order that depends on string hashing (sets,
dicts), IDs from the source hash and the record's place. Every sample format
is run twice in one process, and twice more in separate processes with
different hash seeds. Run metadata (`_run_summary.json`, with its start and
finish times) is kept apart from the records and is not compared.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.model import RunStatus
from pipeline.run import plan_jobs
from tests.conftest import ROOT, SAMPLES

FORMATS = ("txt", "docx", "pdf", "html")
# Two hash seeds other than 0 (which switches randomisation off).
HASH_SEEDS = ("1", "2")
# A notice folder's .doc files need LibreOffice; without it they are left out.
HAS_SOFFICE = shutil.which("soffice") is not None


def is_record(path: Path) -> bool:
    """Output files that are records; run metadata and debug dumps start with _."""
    return path.suffix == ".json" and not any(part.startswith("_") for part in path.parts)


def records(out_dir: Path) -> dict[str, bytes]:
    return {path.relative_to(out_dir).as_posix(): path.read_bytes()
            for path in sorted(out_dir.rglob("*.json")) if is_record(path.relative_to(out_dir))}


def record_ids(data: dict) -> list[str]:
    return [data["notice_id"]] + [item["id"] for item in data["catalogue"]] \
        + [task["id"] for task in data["tasks"]]


@pytest.fixture(scope="module")
def notices(tmp_path_factory) -> Path:
    """The samples folder, or a copy without .doc files where LibreOffice is missing."""
    if HAS_SOFFICE:
        return SAMPLES
    copy = tmp_path_factory.mktemp("samples")
    for folder in FORMATS:
        shutil.copytree(SAMPLES / folder, copy / folder)
    return copy


@pytest.fixture(scope="module")
def two_runs(notices, tmp_path_factory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    runs = []
    for name in ("first", "second"):
        out = tmp_path_factory.mktemp(name)
        assert main(["extract", str(notices), "--out", str(out)]) == 0
        runs.append(records(out))
    return runs[0], runs[1]


@pytest.fixture(scope="module")
def seeded_runs(notices, tmp_path_factory) -> list[dict[str, bytes]]:
    """The same notices in two fresh processes at once, each with its own hash seed."""
    outs, processes = [], []
    for seed in HASH_SEEDS:
        out = tmp_path_factory.mktemp(f"seed{seed}")
        path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": path}
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "pipeline", "extract", str(notices), "--out", str(out)],
            env=env, cwd=Path.cwd(), stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        outs.append(out)
    for process in processes:
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err.decode(errors="replace")
    return [records(out) for out in outs]


def expected_records(notices: Path) -> list[str]:
    """One record per notice: attachment files join their notice's record."""
    out = Path("out")
    jobs, refused = plan_jobs([notices], out)
    assert not [outcome for outcome in refused if outcome.status is not RunStatus.skipped]
    return sorted(job.output.relative_to(out).as_posix() for job in jobs)


def test_every_format_is_run(two_runs, notices):
    first, _ = two_runs
    assert sorted(first) == expected_records(notices)
    wanted = set(FORMATS) | ({"doc"} if HAS_SOFFICE else set())
    assert {name.split("/")[0] for name in first} >= wanted


def test_a_second_run_writes_byte_identical_records(two_runs):
    first, second = two_runs
    assert sorted(first) == sorted(second)
    changed = [name for name in first if first[name] != second[name]]
    assert not changed, f"records differ between two runs: {changed}"


def test_record_ids_are_the_same_and_unique(two_runs):
    first, second = two_runs
    for name in first:
        ids = record_ids(json.loads(first[name]))
        assert ids == record_ids(json.loads(second[name]))
        assert len(set(ids)) == len(ids), f"{name}: duplicate IDs"


def test_record_ids_come_from_the_source_hash(two_runs, notices):
    first, _ = two_runs
    for name, data in first.items():
        record = json.loads(data)
        [source] = [path for path in (notices / name).parent.iterdir()
                    if path.stem == Path(name).stem]
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        assert record["source"]["sha256"] == digest
        assert digest.startswith(record["notice_id"])
        assert all(rid.startswith(f"{record['notice_id']}/") for rid in record_ids(record)[1:])


def test_processes_with_different_hash_seeds_write_the_same_bytes(seeded_runs, two_runs):
    one, other = seeded_runs
    assert sorted(one) == sorted(other) == sorted(two_runs[0])
    changed = [name for name in one if one[name] != other[name]]
    assert not changed, f"records depend on the hash seed: {changed}"
    assert not [name for name in one if one[name] != two_runs[0][name]]
