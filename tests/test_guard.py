"""The watchdog: a notice past its time or memory limit is stopped, coded, and the batch goes on."""
from pathlib import Path

import pytest

from pipeline import guard
from pipeline.guard import Limits
from pipeline.model import RunStatus
from pipeline.run import Job, RunOptions, process_job
from tests.test_run import NOTICE

HOSTILE = Path(__file__).parent / "hostile"


def job(path: Path, out: Path) -> Job:
    return Job(path=path, output=out / f"{path.stem}.json", label=path.name)


def notice(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "good.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(NOTICE, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def fresh_workers():
    guard.close_workers()
    yield
    guard.close_workers()


def test_a_hanging_file_is_stopped_at_the_time_limit_and_the_next_is_read(tmp_path):
    options = RunOptions(limits=Limits(time_s=3))
    hung = process_job(job(HOSTILE / "pdf_ref_cycle_hang.pdf", tmp_path), options)
    assert (hung.status, hung.error_code) == (RunStatus.failure, "E013_timeout")
    assert "pdf_ref_cycle_hang.pdf" in hung.error and "3 s" in hung.error
    after = process_job(job(notice(tmp_path), tmp_path), options)  # a new worker reads it
    assert after.status is RunStatus.success and Path(after.output).exists()
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_file_past_the_memory_limit_is_too_large(tmp_path):
    options = RunOptions(limits=Limits(memory_mb=600))
    bomb = process_job(job(HOSTILE / "pdf_flate_bomb_1.1GB_content.pdf", tmp_path), options)
    assert (bomb.status, bomb.error_code) == (RunStatus.failure, "E014_too_large")
    assert not Path(tmp_path / "pdf_flate_bomb_1.1GB_content.json").exists()
    after = process_job(job(notice(tmp_path), tmp_path), options)
    assert after.status is RunStatus.success


def test_one_worker_reads_notice_after_notice(tmp_path):
    options = RunOptions(limits=Limits())
    path = notice(tmp_path)
    first = process_job(job(path, tmp_path / "a"), options)
    [worker] = guard._idle
    second = process_job(job(path, tmp_path / "b"), options)
    assert guard._idle == [worker] and worker.alive  # reused, not started again
    assert first.status is second.status is RunStatus.success
    assert (tmp_path / "a" / "good.json").read_bytes() == (tmp_path / "b" / "good.json").read_bytes()


def test_threads_read_in_workers_of_their_own_that_end_with_them(tmp_path):
    """The flow's threads each drive a worker, in parallel; a thread's worker goes with it."""
    import threading
    import time

    options, path = RunOptions(limits=Limits()), notice(tmp_path)
    outcomes, workers = {}, {}

    def read(name: str) -> None:
        outcomes[name] = process_job(job(path, tmp_path / name), options)
        workers[name] = next(w for w in guard._idle if w.thread == threading.get_ident())

    threads = [threading.Thread(target=read, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(outcome.status is RunStatus.success for outcome in outcomes.values())
    assert workers["a"].process.pid != workers["b"].process.pid
    deadline = time.monotonic() + 10
    while any(worker.alive for worker in workers.values()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(worker.alive for worker in workers.values())
    # This thread starts a worker of its own rather than take a dead one.
    assert process_job(job(path, tmp_path / "c"), options).status is RunStatus.success


def test_guarded_and_unguarded_runs_write_the_same_record(tmp_path):
    path = notice(tmp_path)
    process_job(job(path, tmp_path / "guarded"), RunOptions())
    process_job(job(path, tmp_path / "here"), RunOptions(limits=None))
    assert (tmp_path / "guarded" / "good.json").read_bytes() == \
        (tmp_path / "here" / "good.json").read_bytes()


def test_the_limits_are_command_line_options(tmp_path, capsys):
    from pipeline.cli import main

    status = main(["extract", str(HOSTILE / "pdf_self_ref_contents_hang.pdf"), "--out",
                   str(tmp_path / "out"), "--time-limit", "2", "--memory-limit", "1000"])
    assert status == 1
    assert "[E013_timeout]" in capsys.readouterr().err


def test_a_scan_is_read_by_ocr_under_the_default_limits(tmp_path):
    """The OCR engine reserves far more address space than it uses: the cap must leave it room."""
    scan = Path(__file__).parent / "fixtures" / "scans" / "catalogue_page_photographed.png"
    outcome = process_job(job(scan, tmp_path), RunOptions(limits=Limits()))
    assert outcome.status is not RunStatus.failure, outcome.error
    assert outcome.catalogue_items > 0 and "text_from_ocr" in outcome.warnings


def test_an_outcome_from_a_worker_is_the_same_outcome_and_holds_the_models_own_field_names():
    """Pickled across from a worker, each of a batch's thousands of outcomes would otherwise
    hold new strings for its field names (a third of its memory)."""
    import pickle

    from pipeline.model import NoticeOutcome

    sent = NoticeOutcome(path="通知.txt", status=RunStatus.partial, tasks=3, warnings=["catalogue_missing"])
    received = pickle.loads(pickle.dumps(sent, protocol=pickle.HIGHEST_PROTOCOL))
    assert received == sent and received.model_fields_set == sent.model_fields_set
    names = {name: name for name in NoticeOutcome.model_fields}
    assert all(name is names[name] for name in received.__dict__)
