"""The Prefect flow: one task per notice, failures reported, outputs written, unchanged notices skipped.

Also the flow's plain parts: choosing a task runner (flows/runners.py), running
a batch in bounded pieces, and the cache key (flows/cache.py).
"""
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from flows.cache import (code_digest, corrections_digest, notice_cache_key, output_missing,
                         pipeline_version)
from flows.extract import extract_notices, main
from flows.runners import (LOCAL_DASK_CLUSTER, Progress, make_task_runner, run_in_batches,
                           runner_name)
from pipeline.corrections import add_correction, corrections_path
from pipeline.model import SCHEMA_VERSION, NoticeOutcome, NoticeRecord, RunStatus
from pipeline.run import Job, RunOptions
from tests.conftest import SAMPLES

# Three short sample notices, one with a catalogue to correct.
CACHE_SAMPLES = ("001_a30600b97fcb8a62.txt", "002_85df562a159a1afc.txt", "004_96d89b5e45fd7fea.txt")


def test_flow_extracts_notices_and_reports_bad_files(prefect_server, tmp_path):
    # The default runner: task arguments (pydantic Job and RunOptions) go to worker processes.
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x00\x00binary")
    sample = SAMPLES / "txt" / "000_1d3b4e9bec569f5b.txt"
    outcomes = extract_notices([str(sample), str(bad)], str(tmp_path / "out"))
    by_path = {outcome.path: outcome for outcome in outcomes}
    assert by_path[str(sample)].status is RunStatus.success
    assert by_path[str(sample)].catalogue_items > 0
    assert by_path[str(bad)].error_code == "E002_not_text"
    assert (tmp_path / "out" / "000_1d3b4e9bec569f5b.json").exists()


def test_artifacts_show_records_flags_and_the_run(tmp_path):
    from flows.artifacts import notice_table, run_markdown
    from pipeline.run import process_job

    job = Job(path=SAMPLES / "txt" / "001_a30600b97fcb8a62.txt",
              output=tmp_path / "001.json", label="txt/001_a30600b97fcb8a62.txt")
    outcome = process_job(job)
    rows = notice_table(job.output)
    assert len(rows) == outcome.catalogue_items + outcome.tasks
    assert any("target_group_reassigned" in row["flags"] for row in rows)
    failed = NoticeOutcome(path="bad|name.pdf", status=RunStatus.failure,
                           error_code="E011_corrupt", error="truncated")
    markdown = run_markdown([outcome, failed])
    assert "- notices: 2 (1 failed)" in markdown
    assert "bad\\|name.pdf" in markdown and "E011_corrupt: truncated" in markdown


def test_the_run_artifact_puts_new_failures_and_stale_corrections_first():
    from flows.artifacts import run_markdown

    old = NoticeOutcome(path="old.pdf", status=RunStatus.failure, error_code="E011_corrupt", error="x")
    new = NoticeOutcome(path="new.pdf", status=RunStatus.failure, error_code="E001_empty_file",
                        error="the file is empty")
    stale = NoticeOutcome(path="a.txt", status=RunStatus.success, stale_corrections=["/tasks/3 gone"])
    markdown = run_markdown([old, stale, new], new_failures=["new.pdf"])
    needs = markdown.split("## Needs a person")[1].split("- notices:")[0]
    assert "**new failure** new.pdf: E001_empty_file" in needs
    assert "**stale correction** a.txt: /tasks/3 gone" in needs
    assert "old.pdf" not in needs
    assert "## Needs a person" not in run_markdown([old], new_failures=[])


# --- the cache through the flow (threads: what is cached does not depend on the runner) -----


@pytest.fixture
def batch(tmp_path):
    """Three notices, an output folder and a corrections folder, and a way to run the flow on them."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in CACHE_SAMPLES:
        shutil.copy(SAMPLES / "txt" / name, inputs / name)
    out, corrections = tmp_path / "out", tmp_path / "corrections"

    def run() -> list[NoticeOutcome]:
        return extract_notices([str(inputs)], str(out), str(corrections), runner="threads")

    return inputs, out, corrections, run


def written(out: Path) -> dict[str, tuple[int, int]]:
    """Each output's inode and modification time: both change when a run writes it (by rename)."""
    return {path.name: (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in out.glob("*.json") if not path.name.startswith("_")}


def rewritten(before: dict, after: dict) -> set[str]:
    return {name for name in after if before.get(name) != after[name]}


def test_a_second_run_on_unchanged_notices_skips_them(prefect_server, batch):
    _, out, _, run = batch
    first = run()
    before = written(out)
    second = run()
    assert len(before) == len(CACHE_SAMPLES)
    assert rewritten(before, written(out)) == set()
    assert [outcome.model_dump() for outcome in second] == [outcome.model_dump() for outcome in first]


def test_a_changed_notice_runs_again_alone(prefect_server, batch):
    inputs, out, _, run = batch
    run()
    before = written(out)
    changed = inputs / CACHE_SAMPLES[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n(此件公开发布)\n", encoding="utf-8")
    run()
    assert rewritten(before, written(out)) == {Path(CACHE_SAMPLES[1]).with_suffix(".json").name}


def test_a_new_correction_runs_its_notice_again_alone(prefect_server, batch):
    _, out, corrections, run = batch
    run()
    before = written(out)
    output = out / Path(CACHE_SAMPLES[0]).with_suffix(".json")
    record = NoticeRecord.model_validate_json(output.read_text(encoding="utf-8"))
    add_correction(corrections, record, record.catalogue[0].id, "/name", "职工养老保险(更正)",
                   author="审核员")
    outcomes = run()
    assert rewritten(before, written(out)) == {output.name}
    assert [outcome.corrections_applied for outcome in outcomes] == [1, 0, 0]
    assert "职工养老保险(更正)" in output.read_text(encoding="utf-8")


def test_a_deleted_output_is_written_again(prefect_server, batch):
    _, out, _, run = batch
    run()
    before = written(out)
    deleted = out / Path(CACHE_SAMPLES[2]).with_suffix(".json")
    deleted.unlink()
    run()
    assert rewritten(before, written(out)) == {deleted.name}


def test_a_corrupted_output_is_not_reported_done_but_written_again(prefect_server, batch):
    _, out, _, run = batch
    first = run()
    before = written(out)
    corrupted = out / Path(CACHE_SAMPLES[1]).with_suffix(".json")
    good = corrupted.read_bytes()
    corrupted.write_bytes(good[: len(good) // 2])  # a disk fault, or a hand edit
    second = run()
    assert rewritten(before, written(out)) == {corrupted.name}
    assert corrupted.read_bytes() == good
    assert [o.model_dump() for o in second] == [o.model_dump() for o in first]


def test_refresh_extracts_every_notice_again(prefect_server, batch):
    inputs, out, corrections, run = batch
    run()
    before = written(out)
    extract_notices([str(inputs)], str(out), str(corrections), runner="threads", refresh=True)
    assert rewritten(before, written(out)) == set(before)


# --- the cache key (flows/cache.py) ---------------------------------------------------------


@pytest.fixture
def notice(tmp_path):
    path = tmp_path / "in" / "a.txt"
    path.parent.mkdir()
    path.write_text("某县人民政府办公室关于印发某县基本养老服务清单的通知\n", encoding="utf-8")
    return Job(path=path, output=tmp_path / "out" / "a.json", label="a.txt")


def notice_id(job: Job) -> str:
    return hashlib.sha256(job.path.read_bytes()).hexdigest()[:16]


def test_the_key_holds_while_nothing_that_makes_the_output_changes(notice, tmp_path):
    options = RunOptions(corrections_dir=tmp_path / "corrections")
    assert notice_cache_key(notice, options) == notice_cache_key(notice, options)
    elsewhere = notice.model_copy(update={"output": tmp_path / "other" / "a.json"})
    assert notice_cache_key(elsewhere, options) != notice_cache_key(notice, options)
    assert notice_cache_key(notice, RunOptions()) != notice_cache_key(notice, options)
    before = notice_cache_key(notice, options)
    notice.path.write_text("某县人民政府关于印发某县基本养老服务清单的通知\n", encoding="utf-8")
    assert notice_cache_key(notice, options) != before


def test_the_key_follows_the_notices_own_corrections(notice, tmp_path):
    corrections = tmp_path / "corrections"
    corrections.mkdir()
    options = RunOptions(corrections_dir=corrections)
    without = notice_cache_key(notice, options)
    own = corrections_path(corrections, notice_id(notice))
    own.write_text('{"corrections": [1]}', encoding="utf-8")
    with_one = notice_cache_key(notice, options)
    own.write_text('{"corrections": [1, 2]}', encoding="utf-8")
    assert len({without, with_one, notice_cache_key(notice, options)}) == 3


def test_the_key_follows_corrections_of_earlier_versions_of_the_same_source(notice, tmp_path):
    corrections = tmp_path / "corrections"
    corrections.mkdir()

    def stored(name: str, source_path: str) -> None:
        (corrections / f"{name}.json").write_text(json.dumps(
            {"notice_id": name, "source_path": source_path, "corrections": []}), encoding="utf-8")

    before = corrections_digest(corrections, notice_id(notice), notice.label)
    assert corrections_digest(tmp_path / "absent", notice_id(notice), notice.label) == before
    stored("0000000000000001", "b.txt")  # another notice's: no matter
    assert corrections_digest(corrections, notice_id(notice), notice.label) == before
    stored("0000000000000002", notice.label)  # made on an earlier version of this file: stale now
    assert corrections_digest(corrections, notice_id(notice), notice.label) != before


def test_the_pipeline_version_names_the_package_the_schema_and_the_code(tmp_path):
    from importlib.metadata import version

    assert pipeline_version().startswith(version("eldercare-notices") + "+schema." + SCHEMA_VERSION)
    (tmp_path / "stage.py").write_text("A = 1\n")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "stage.cpython-311.pyc").write_bytes(b"\x00")
    digest = code_digest(tmp_path)
    (tmp_path / "__pycache__" / "stage.cpython-311.pyc").write_bytes(b"\x01")
    assert code_digest(tmp_path) == digest
    (tmp_path / "stage.py").write_text("A = 2\n")
    assert code_digest(tmp_path) != digest


def test_an_unreadable_notice_is_not_cached_and_a_missing_output_runs_again(notice, tmp_path):
    assert output_missing(notice)
    gone = notice.model_copy(update={"path": tmp_path / "gone.txt"})
    assert notice_cache_key(gone, RunOptions()) is None


# --- task runners and batches (flows/runners.py) ---------------------------------------------


def test_the_runner_is_processes_unless_asked_and_an_address_means_dask():
    assert runner_name(None, None) == "processes"
    assert runner_name(None, "tcp://127.0.0.1:8786") == "dask"
    with pytest.raises(ValueError, match="unknown task runner"):
        runner_name("gpu", None)
    with pytest.raises(ValueError, match="needs the dask runner"):
        runner_name("threads", "tcp://127.0.0.1:8786")
    with pytest.raises(SystemExit):
        main(["notices", "--runner", "threads", "--dask-address", "tcp://127.0.0.1:8786"])


def test_task_runners_are_built_for_the_machine_or_the_cluster():
    from prefect_dask import DaskTaskRunner

    processes = make_task_runner("processes", cores=3)
    assert isinstance(processes, ProcessPoolTaskRunner) and processes._max_workers == 3
    assert isinstance(make_task_runner("threads", cores=2), ThreadPoolTaskRunner)
    local = make_task_runner("dask")
    assert isinstance(local, DaskTaskRunner) and local.cluster_kwargs == LOCAL_DASK_CLUSTER
    assert make_task_runner("dask", "tcp://10.0.0.5:8786").address == "tcp://10.0.0.5:8786"


class FakeFuture:
    """A finished task: its outcomes, or the error that crashed it."""

    def __init__(self, jobs, counter, error=None):
        self.jobs, self.counter, self.error = jobs, counter, error
        counter["open"] += 1
        counter["most"] = max(counter["most"], counter["open"])

    def result(self, raise_on_failure=True):
        self.counter["open"] -= 1
        if self.error:
            raise self.error
        return [NoticeOutcome(path=str(job.path), status=RunStatus.success) for job in self.jobs]


def test_batches_keep_the_order_bound_what_is_in_flight_and_report_crashes():
    jobs = [Job(path=Path(f"{n}.txt"), output=Path(f"{n}.json"), label=f"{n}.txt")
            for n in range(23)]
    counter = {"open": 0, "most": 0}

    def submit(batch):
        crash = RuntimeError("worker died") if batch[0].label == "10.txt" else None
        return FakeFuture(batch, counter, crash)

    outcomes = list(run_in_batches(submit, jobs, batch_size=5, in_flight=2))
    assert [outcome.path for outcome in outcomes] == [str(job.path) for job in jobs]
    assert counter["most"] == 2
    crashed = [outcome for outcome in outcomes if outcome.status is RunStatus.failure]
    assert [outcome.path for outcome in crashed] == [f"{n}.txt" for n in range(10, 15)]
    assert crashed[0].error_code == "E008_internal" and "worker died" in crashed[0].error


def test_progress_is_logged_every_n_notices_and_at_the_end():
    progress = Progress(total=5, every=2)
    failed = NoticeOutcome(path="x", status=RunStatus.failure)
    lines = [progress.add(NoticeOutcome(path="y", status=RunStatus.success)), progress.add(failed),
             progress.add(failed), progress.add(failed), progress.add(failed)]
    assert [line is not None for line in lines] == [False, True, False, True, True]
    assert lines[-1].startswith("5/5 notices, 4 failed, ") and lines[-1].endswith(" notices/s")
