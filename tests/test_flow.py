"""The Prefect flow: one task per chunk of notices, failures reported, outputs written, unchanged
notices skipped.

Also the flow's plain parts: choosing a task runner and running chunks in
bounded pieces (flows/runners.py), the cache key and the stored outcomes
(flows/cache.py), what a chunk does (flows/chunks.py), the artifacts (flows/artifacts.py).
"""
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from prefect.task_runners import ThreadPoolTaskRunner

from flows.cache import (RETRIED_FAILURES, OutcomeCache, code_digest, corrections_digest,
                         notice_cache_key, output_missing, pipeline_version)
from flows.chunks import (MAX_CHUNK, MIN_CHUNK, cached_outcomes, chunk_sizes, cut_into_chunks,
                          extract_chunk)
from flows.extract import extract_notices, main
from flows.runners import (LOCAL_DASK_CLUSTER, make_task_runner, run_in_chunks, runner_name,
                           runner_workers)
from pipeline.corrections import add_correction, corrections_path
from pipeline.model import SCHEMA_VERSION, NoticeOutcome, NoticeRecord, RunStatus
from pipeline.run import Job, RunOptions
from tests.conftest import ROOT, SAMPLES

# Three short sample notices, one with a catalogue to correct.
CACHE_SAMPLES = ("001_a30600b97fcb8a62.txt", "002_85df562a159a1afc.txt", "004_96d89b5e45fd7fea.txt")


def test_flow_extracts_notices_and_reports_bad_files(prefect_server, tmp_path):
    # The default runner: each notice is read in a guarded worker process (pipeline/guard.py).
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x00\x00binary")
    sample = SAMPLES / "txt" / "000_1d3b4e9bec569f5b.txt"
    outcomes = extract_notices([str(sample), str(bad)], str(tmp_path / "out"))
    by_path = {outcome.path: outcome for outcome in outcomes}
    assert by_path[str(sample)].status is RunStatus.success
    assert by_path[str(sample)].catalogue_items > 0
    assert by_path[str(bad)].error_code == "E002_not_text"
    assert (tmp_path / "out" / "000_1d3b4e9bec569f5b.json").exists()


def test_artifacts_show_each_chunks_notices_and_the_run(tmp_path):
    from flows.artifacts import LISTED_PROBLEMS, chunk_description, chunk_table, run_markdown
    from pipeline.run import process_job

    job = Job(path=SAMPLES / "txt" / "001_a30600b97fcb8a62.txt",
              output=tmp_path / "001.json", label="txt/001_a30600b97fcb8a62.txt")
    outcome = process_job(job)
    failed = NoticeOutcome(path="bad|name.pdf", status=RunStatus.failure,
                           error_code="E011_corrupt", error="truncated")
    bad = Job(path=Path("bad|name.pdf"), output=tmp_path / "bad.json", label="bad|name.pdf")
    rows = chunk_table([job, bad], [outcome, failed])
    assert [row["notice"] for row in rows] == [job.label, bad.label]
    assert rows[0]["catalogue items"] == outcome.catalogue_items
    assert rows[1]["problem"] == "E011_corrupt: truncated"
    assert chunk_description(250, [job, bad], 1000) == (
        f"Notices 251-252 of 1000 ({job.label} … bad|name.pdf)")
    markdown = run_markdown([outcome, failed], reused=1)
    assert "- notices: 2 (1 failed, 0 with warnings; 1 reused from earlier runs)" in markdown
    assert "bad\\|name.pdf" in markdown and "E011_corrupt: truncated" in markdown
    # Thousands of failures are counted, not listed one by one.
    many = run_markdown([failed] * (LISTED_PROBLEMS + 5))
    assert many.count("E011_corrupt") == LISTED_PROBLEMS and "… and 5 more" in many


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


# --- the cache through the flow ------------------------------------------------------------


@pytest.fixture
def batch(tmp_path):
    """Three notices, an output folder and a corrections folder, and a way to run the flow on them."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in CACHE_SAMPLES:
        shutil.copy(SAMPLES / "txt" / name, inputs / name)
    out, corrections = tmp_path / "out", tmp_path / "corrections"

    def run() -> list[NoticeOutcome]:
        return extract_notices([str(inputs)], str(out), str(corrections))

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


def test_a_run_where_nothing_changed_starts_no_workers(prefect_server, batch):
    inputs, out, corrections, run = batch
    first = run()
    # No Dask scheduler listens there: the run would fail if it sent the workers anything.
    again = extract_notices([str(inputs)], str(out), str(corrections),
                            dask_address="tcp://127.0.0.1:9")
    assert [o.model_dump() for o in again] == [o.model_dump() for o in first]


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
    extract_notices([str(inputs)], str(out), str(corrections), refresh=True)
    assert rewritten(before, written(out)) == set(before)


def test_a_failing_notice_inside_a_chunk_fails_alone_and_is_tried_again_once_changed(prefect_server,
                                                                                       batch):
    inputs, out, _, run = batch
    (inputs / "000_broken.txt").write_bytes(b"\x00\x00binary")  # first in the chunk
    first = run()
    assert [o.status is RunStatus.failure for o in first] == [True, False, False, False]
    assert first[0].error_code == "E002_not_text"
    summary = json.loads((out / "_run_summary.json").read_text(encoding="utf-8"))
    assert [n["error_code"] for n in summary["notices"]] == ["E002_not_text", None, None, None]
    before = written(out)
    second = run()  # all reused: the failed notice's file did not change, so it is not tried
    assert rewritten(before, written(out)) == set()
    assert [o.model_dump() for o in second] == [o.model_dump() for o in first]
    shutil.copy(SAMPLES / "txt" / CACHE_SAMPLES[0], inputs / "000_broken.txt")  # fixed
    third = run()
    assert third[0].status is not RunStatus.failure
    assert rewritten(before, written(out)) == {"000_broken.json"}


# --- the cache check and a chunk (flows/chunks.py) ---------------------------------------------


@pytest.fixture
def chunk(tmp_path):
    """Three sample notices as jobs, and a cache folder."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    jobs = []
    for name in CACHE_SAMPLES:
        shutil.copy(SAMPLES / "txt" / name, inputs / name)
        jobs.append(Job(path=inputs / name, output=tmp_path / "out" / Path(name).with_suffix(".json"),
                        label=name))
    return jobs, tmp_path / "out" / ".notice-cache"


class Checked:
    """What the flow does with a batch, without Prefect: check the cache, extract the misses
    as one chunk. `reused` says which notices the check let through."""

    def __init__(self, jobs, options, cache_dir, refresh=False):
        stored, changed = cached_outcomes(jobs, options, cache_dir, refresh)
        fresh = iter(extract_chunk([job for job, key in changed], [key for job, key in changed],
                                   options, cache_dir))
        self.reused = [outcome is not None for outcome in stored]
        self.outcomes = [outcome or next(fresh) for outcome in stored]


def test_the_check_reuses_hits_and_the_chunk_extracts_misses(chunk, tmp_path):
    jobs, cache_dir = chunk
    options = RunOptions(corrections_dir=tmp_path / "corrections")
    cold = Checked(jobs, options, cache_dir)
    assert cold.reused == [False, False, False] and all(job.output.is_file() for job in jobs)
    warm = Checked(jobs, options, cache_dir)
    assert warm.reused == [True, True, True] and warm.outcomes == cold.outcomes
    jobs[1].path.write_text(jobs[1].path.read_text(encoding="utf-8") + "\n(此件公开发布)\n",
                            encoding="utf-8")
    jobs[2].output.unlink()
    assert Checked(jobs, options, cache_dir).reused == [True, False, False]
    assert Checked(jobs, options, cache_dir, refresh=True).reused == [False, False, False]


def test_a_notice_changed_after_the_check_is_extracted_again_on_the_next_run(chunk):
    jobs, cache_dir = chunk
    _, changed = cached_outcomes(jobs, RunOptions(), cache_dir)
    keys = [key for job, key in changed]
    # Stored under the key of the check, not of the changed file: the next run tries it again.
    jobs[0].path.write_text(jobs[0].path.read_text(encoding="utf-8") + "\n(修订)\n", encoding="utf-8")
    extract_chunk(jobs, keys, RunOptions(), cache_dir)
    assert Checked(jobs, RunOptions(), cache_dir).reused == [False, True, True]


def test_a_changed_correction_re_extracts_its_notice_in_the_chunk(chunk, tmp_path):
    jobs, cache_dir = chunk
    corrections = tmp_path / "corrections"
    options = RunOptions(corrections_dir=corrections)
    Checked(jobs, options, cache_dir)
    record = NoticeRecord.model_validate_json(jobs[0].output.read_text(encoding="utf-8"))
    add_correction(corrections, record, record.catalogue[0].id, "/name", "职工养老保险(更正)",
                   author="审核员")
    corrected = Checked(jobs, options, cache_dir)
    assert corrected.reused == [False, True, True]
    assert [o.corrections_applied for o in corrected.outcomes] == [1, 0, 0]
    # Another edit of the same correction file runs the notice once more.
    own = corrections_path(corrections, record.notice_id)
    data = json.loads(own.read_text(encoding="utf-8"))
    data["corrections"][0]["author"] = "复核员"
    own.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert Checked(jobs, options, cache_dir).reused == [False, True, True]


def test_a_changed_attachment_file_re_extracts_its_notice_in_the_chunk(chunk, tmp_path):
    jobs, cache_dir = chunk
    attached = tmp_path / "in" / "附件1.txt"
    attached.write_text("附件1\n补充说明\n", encoding="utf-8")
    jobs[0] = jobs[0].model_copy(update={"attachments": [(attached, "附件1.txt")]})
    assert Checked(jobs, RunOptions(), cache_dir).outcomes[0].attachments == [str(attached)]
    attached.write_text("附件1\n补充说明(修订)\n", encoding="utf-8")
    assert Checked(jobs, RunOptions(), cache_dir).reused == [False, True, True]


def test_a_failing_notice_is_an_outcome_of_the_chunk_kept_until_its_file_changes(chunk, tmp_path):
    jobs, cache_dir = chunk
    broken = tmp_path / "in" / "broken.txt"
    broken.write_bytes(b"")
    jobs.insert(1, Job(path=broken, output=tmp_path / "out" / "broken.json", label="broken.txt"))
    result = Checked(jobs, RunOptions(), cache_dir)
    assert [o.error_code for o in result.outcomes] == [None, "E001_empty_file", None, None]
    assert all(job.output.is_file() for job in jobs if job.path != broken)
    again = Checked(jobs, RunOptions(), cache_dir)
    assert again.reused == [True, True, True, True] and again.outcomes[1].error_code == "E001_empty_file"
    broken.write_text("某县人民政府办公室关于基本养老服务的通知\n", encoding="utf-8")
    assert Checked(jobs, RunOptions(), cache_dir).reused == [True, False, True, True]


def test_a_failure_of_the_moment_is_tried_on_every_run(chunk):
    jobs, cache_dir = chunk
    cache = OutcomeCache(cache_dir)
    for code in RETRIED_FAILURES:
        cache.store(jobs[0], code, NoticeOutcome(path=str(jobs[0].path), status=RunStatus.failure,
                                                 error_code=code))
        assert cache.reusable(jobs[0], code) is None


def test_batches_are_cut_in_order_large_chunks_first_none_beyond_the_largest():
    sizes = chunk_sizes(5000, 2)
    assert sum(sizes) == 5000 and max(sizes) == MAX_CHUNK
    assert sizes == sorted(sizes, reverse=True)
    assert MIN_CHUNK <= sizes[-1] < 2 * MIN_CHUNK  # the workers end together
    assert len(sizes) < 5000 / MAX_CHUNK + 6  # each chunk costs Prefect a task
    assert chunk_sizes(10, 4) == [10] and chunk_sizes(MAX_CHUNK + 5, 1) == [MAX_CHUNK, 5]
    jobs = [Job(path=Path(f"{n}.txt"), output=Path(f"{n}.json"), label=f"{n}.txt") for n in range(60)]
    chunks = cut_into_chunks(jobs, 2)
    assert [len(c) for c in chunks] == [30, 30] and sum(chunks, []) == jobs


def test_a_stored_outcome_that_cannot_be_read_is_not_reused(chunk):
    jobs, cache_dir = chunk
    cache = OutcomeCache(cache_dir)
    outcome = NoticeOutcome(path=str(jobs[0].path), output=str(jobs[0].output), status=RunStatus.success)
    jobs[0].output.parent.mkdir(parents=True)
    jobs[0].output.write_text("{}", encoding="utf-8")
    cache.store(jobs[0], "k1", outcome)
    assert cache.reusable(jobs[0], "k1") == outcome
    jobs[0].output.write_text("{} ", encoding="utf-8")  # not the bytes the run wrote
    assert cache.reusable(jobs[0], "k1") is None
    jobs[0].output.write_text("{}", encoding="utf-8")
    (cache_dir / "k1.json").write_text('{"outcome": ', encoding="utf-8")  # cut short
    assert cache.reusable(jobs[0], "k1") is None and cache.reusable(jobs[0], None) is None


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
        runner_name("processes", "tcp://127.0.0.1:8786")
    with pytest.raises(SystemExit):
        main(["notices", "--runner", "processes", "--dask-address", "tcp://127.0.0.1:8786"])


def test_task_runners_are_built_for_the_machine_or_the_cluster():
    from prefect_dask import DaskTaskRunner

    # A thread a worker: the worker processes are the guard's (flows/runners.py).
    processes = make_task_runner("processes", workers=3)
    assert isinstance(processes, ThreadPoolTaskRunner) and runner_workers(processes) == 3
    assert runner_workers(make_task_runner("processes")) == os.cpu_count()
    local = make_task_runner("dask")
    assert isinstance(local, DaskTaskRunner) and local.cluster_kwargs == LOCAL_DASK_CLUSTER
    assert make_task_runner("dask", workers=4).cluster_kwargs["n_workers"] == 4
    assert make_task_runner("dask", "tcp://10.0.0.5:8786").address == "tcp://10.0.0.5:8786"


class FakeFuture:
    """A chunk task: its outcomes, or the error that crashed it, once `finish` is called."""

    def __init__(self, jobs, counter, error=None):
        self.jobs, self.counter, self.error = jobs, counter, error
        self.callbacks, self.done = [], False
        counter["open"] += 1
        counter["most"] = max(counter["most"], counter["open"])

    def add_done_callback(self, callback):
        if self.done:
            callback(self)
        else:
            self.callbacks.append(callback)

    def finish(self):
        self.done = True
        for callback in self.callbacks:
            callback(self)

    def result(self, raise_on_failure=True):
        self.counter["open"] -= 1
        if self.error:
            raise self.error
        return [NoticeOutcome(path=str(job.path), status=RunStatus.success) for job in self.jobs]


def test_chunks_are_read_as_they_finish_bound_what_is_in_flight_and_report_crashes():
    jobs = [Job(path=Path(f"{n}.txt"), output=Path(f"{n}.json"), label=f"{n}.txt")
            for n in range(23)]
    chunks = [jobs[start:start + 5] for start in range(0, 23, 5)]
    counter = {"open": 0, "most": 0}
    futures = []

    def submit(chunk):
        crash = RuntimeError("worker died") if chunk[0].label == "10.txt" else None
        futures.append(future := FakeFuture(chunk, counter, crash))
        if len(futures) > 1:
            future.finish()
        if len(futures) == 3:
            futures[0].finish()  # the first, long chunk ends while the third runs
        return future

    results = list(run_in_chunks(submit, chunks, in_flight=2))
    assert [index for index, _ in results] == [1, 0, 2, 3, 4]  # the long one held nothing back
    assert counter["most"] == 2
    outcomes = [outcome for _, result in sorted(results) for outcome in result]
    assert [outcome.path for outcome in outcomes] == [str(job.path) for job in jobs]
    crashed = [outcome for outcome in outcomes if outcome.status is RunStatus.failure]
    assert [outcome.path for outcome in crashed] == [f"{n}.txt" for n in range(10, 15)]
    assert crashed[0].error_code == "E008_internal" and "worker died" in crashed[0].error


def test_the_commands_temporary_server_is_named_to_every_thread_and_gets_no_heartbeats(
        monkeypatch):
    """Heartbeats tell a lasting server which runs crashed; this one ends with the command."""
    from contextlib import contextmanager

    import flows.extract
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    @contextmanager
    def fake_server():
        yield "http://127.0.0.1:1/api"

    monkeypatch.setattr(flows.extract, "temporary_server", fake_server)
    monkeypatch.setattr(flows.extract, "_send_what_is_queued", lambda: None)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with temporary_settings(restore_defaults={PREFECT_API_URL}), flows.extract.an_api():
        assert os.environ["PREFECT_API_URL"] == "http://127.0.0.1:1/api"
        assert get_current_settings().flows.heartbeat_frequency is None
    assert "PREFECT_API_URL" not in os.environ
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:2/api"}), \
            flows.extract.an_api():  # a server of the user's: used as it is configured
        assert "PREFECT_API_URL" not in os.environ
        assert get_current_settings().flows.heartbeat_frequency is not None


def test_a_server_is_ready_only_once_its_database_answers(monkeypatch):
    """Up (its health check answers) is not ready: the flow's first request would wait for
    the server to reach its database."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import flows.server

    asked: list[str] = []

    class StartingServer(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            ready = self.path == "/api/health" or asked.count("/api/ready") > 2
            self.send_response(200 if ready else 503)
            self.end_headers()

        def log_message(self, *args):
            pass

    monkeypatch.setattr(flows.server, "READY_POLL_SECONDS", 0.01)
    with ThreadingHTTPServer((flows.server.HOST, 0), StartingServer) as fake:
        threading.Thread(target=fake.serve_forever, daemon=True).start()
        flows.server.wait_until_ready(fake.server_address[1], timeout=30)
        fake.shutdown()
    assert asked == ["/api/ready"] * 3


def test_a_killed_flow_leaves_no_server_or_worker_behind(tmp_path):
    """kill -9 of the flow command mid-run: its temporary server and its workers end with it."""
    import signal
    import subprocess
    import sys
    import time

    inputs = tmp_path / "in"
    inputs.mkdir()
    for copy in range(200):  # enough notices that the run is still going when it is killed
        for name in CACHE_SAMPLES:
            shutil.copy(SAMPLES / "txt" / name, inputs / f"{copy:02d}_{name}")
    out = tmp_path / "out"
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    flow_command = subprocess.Popen(
        [sys.executable, "-m", "flows.extract", str(inputs), "--out", str(out), "--workers", "2"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    session = flow_command.pid

    def processes_of_the_run() -> list[str]:
        listing = subprocess.run(["ps", "-o", "pid=,args=", "--sid", str(session)],
                                 capture_output=True, text=True).stdout
        return [line for line in listing.splitlines() if line.strip()]

    deadline = time.monotonic() + 300
    while not any(out.glob("*.json")) and time.monotonic() < deadline:
        assert flow_command.poll() is None, "the flow ended before it could be killed"
        time.sleep(0.5)
    assert len(processes_of_the_run()) >= 3  # the flow, its server, its workers
    os.kill(flow_command.pid, signal.SIGKILL)
    flow_command.wait()
    deadline = time.monotonic() + 60
    while processes_of_the_run() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert processes_of_the_run() == []
