"""Prefect flow: extract a batch of notices, one task per chunk of a few hundred.

    python -m flows.extract samples/ --out outputs/ [--corrections corrections/]
        [--runner processes|dask] [--dask-address tcp://HOST:8786] [--refresh]
        [--attach NOTICE FILE...]

Reports to a temporary local Prefect API started for the command, which ends
with it (even when the command is killed, and so do its worker processes);
set PREFECT_API_URL to report to a server instead.
Each notice is parsed in a worker process under the time and memory limits
(pipeline/guard.py), one a core, each driven by a thread of the flow that runs
its chunk tasks, unless Dask is asked for (a cluster at --dask-address, or a
local one of two workers started for the run). Workers of a remote cluster need
PREFECT_API_URL of a server they can reach, and the same paths for notices,
outputs and corrections. A notice whose file, attachment files, corrections
and pipeline version are unchanged since an earlier run into the same output
folder is not extracted again (OUT/.notice-cache/ holds the outcomes;
--refresh extracts everything): the flow checks each notice with plain
function calls, then sends the changed ones to the workers in chunks, where
they are checked, extracted and written with plain calls too (flows/chunks.py).
Each run publishes a table artifact per chunk (a row per notice) and a
markdown summary of the run, logs its progress, and draws a progress bar on a terminal.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from itertools import accumulate
from pathlib import Path
from typing import Literal

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import refresh_global_settings_context
from prefect.settings import (PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
                              temporary_settings)

from flows.artifacts import chunk_description, chunk_table, run_markdown
from flows.cache import cache_folder
from flows.chunks import cached_outcomes, cut_into_chunks, extract_chunk
from flows.runners import (CHUNKS_IN_FLIGHT_PER_WORKER, RUNNERS, make_task_runner, run_in_chunks,
                           runner_name, runner_workers, unwalked, workers_share_the_api)
from flows.server import temporary_server
from pipeline.cli import add_limit_options
from pipeline.guard import DEFAULT_MEMORY_MB, DEFAULT_TIME_S, Limits
from pipeline.ingest.ocr.settings import WORKERS_VARIABLE as OCR_WORKERS_VARIABLE
from pipeline.model import NoticeOutcome, RunStatus
from pipeline.progress import BatchProgress, progress_bar
from pipeline.run import Job, RunOptions, plan_jobs, summarise
from pipeline.run_lock import EXIT_FOLDER_BUSY, OutputFolderBusy, output_folder_lock
from pipeline.write import write_run_summary


# Prefect neither caches nor stores the chunk's result: the notices' own cache is flows/cache.py.
@task(task_run_name="extract notices {first}+", cache_policy=NO_CACHE, persist_result=False)
def extract_chunk_task(jobs: list[Job], keys: list[str | None], first: int, total: int,
                       options: RunOptions, cache_dir: Path) -> list[NoticeOutcome]:
    """A chunk of notices and their cache keys (see flows/chunks.py), and its table artifact.

    `first` and `total` place the chunk among the notices sent to the workers, for its table.
    """
    outcomes = extract_chunk(jobs, keys, options, cache_dir)
    create_table_artifact(table=chunk_table(jobs, outcomes),
                          description=chunk_description(first, jobs, total))
    return outcomes


@flow(name="extract-notices")
def extract_notices(paths: list[str], out: str = "outputs", corrections: str | None = "corrections",
                    runner: Literal["processes", "dask"] | None = None,
                    dask_address: str | None = None, refresh: bool = False,
                    attach: dict[str, list[str]] | None = None,
                    workers: int | None = None, time_limit_s: float = DEFAULT_TIME_S,
                    memory_limit_mb: int = DEFAULT_MEMORY_MB) -> list[NoticeOutcome]:
    """Extract every notice under `paths` into `out`, applying reviewers' corrections.

    `runner`: processes (the default: see flows/runners.py) or dask (at `dask_address`,
    or a local cluster); `refresh`: extract every notice even if its cached outcome holds;
    `attach`: notice -> attachment files given by hand (folders' 附件 files need none);
    `workers`: worker processes (default: one a core) or those of the local Dask cluster (two).
    `time_limit_s`, `memory_limit_mb`: what one notice may take in its guarded worker
    process (pipeline/guard.py), past which it is E013_timeout or E014_too_large.
    One run at a time writes into `out` (pipeline/run_lock.py): a flow run, served or not,
    raises `OutputFolderBusy` while another holds it.
    """
    with output_folder_lock(Path(out)):
        return _extract_notices(paths, out, corrections, runner, dask_address, refresh, attach,
                                workers, Limits(time_s=time_limit_s, memory_mb=memory_limit_mb))


def _extract_notices(paths: list[str], out: str, corrections: str | None, runner: str | None,
                     dask_address: str | None, refresh: bool, attach: dict[str, list[str]] | None,
                     workers: int | None, limits: Limits) -> list[NoticeOutcome]:
    started = datetime.now(timezone.utc)
    logger = get_run_logger()
    out_dir = Path(out)
    corrections_dir = Path(corrections) if corrections else None
    jobs, outcomes = plan_jobs([Path(path) for path in paths], out_dir,
                               {Path(notice): [Path(file) for file in files]
                                for notice, files in (attach or {}).items()})
    chunk = {"options": RunOptions(corrections_dir=corrections_dir, limits=limits),
             "cache_dir": cache_folder(out_dir.resolve())}
    # Taken from the plan as they are checked: a batch of thousands then holds, at any
    # time, the jobs still to extract (each chunk's until it is done) and the outcomes.
    stored, changed = cached_outcomes(_taken(jobs), chunk["options"], chunk["cache_dir"], refresh)
    logger.info("%d notices: %d unchanged since an earlier run, %d to extract",
                len(stored), len(stored) - len(changed), len(changed))
    fresh = iter(_extract_in_chunks(changed, chunk, runner, dask_address, workers) if changed
                 else [])
    outcomes += [outcome or next(fresh) for outcome in stored]
    reused = sum(outcome is not None for outcome in stored)
    run = write_run_summary(out_dir, outcomes, started, datetime.now(timezone.utc), corrections_dir)
    new_failures = run.new_failures if run else []
    create_markdown_artifact(key="extract-notices-summary",
                             markdown=run_markdown(outcomes, reused, new_failures),
                             description="Counts, warnings, failures and corrections of the run")
    logger.info("%s\n%d reused from earlier runs", summarise(outcomes), reused)
    return outcomes


def _extract_in_chunks(keyed_jobs: list[tuple[Job, str | None]], chunk: dict, runner: str | None,
                       dask_address: str | None, workers: int | None) -> list[NoticeOutcome]:
    """The jobs' outcomes, in order, from chunk tasks on the runner; progress logged and drawn.

    The jobs move from `keyed_jobs` into the chunks, and a chunk's are let go
    once it is done: what a run holds then is its outcomes, not also its jobs.
    """
    logger = get_run_logger()
    total = len(keyed_jobs)
    key_of = {id(job): key for job, key in keyed_jobs}  # ids of jobs alive in unread chunks
    progress = BatchProgress(total=total)
    with workers_share_the_api(), \
            make_task_runner(runner_name(runner, dask_address), dask_address,
                             workers) as task_runner, \
            progress_bar(total) as advance:
        running = runner_workers(task_runner)
        chunks = cut_into_chunks([job for job, key in _taken(keyed_jobs)], running)
        firsts = accumulate((len(part) for part in chunks), initial=0)  # each chunk's first notice
        logger.info("%d chunks on %d workers", len(chunks), running)

        def submit(part: list[Job]):
            return task_runner.submit(extract_chunk_task, {
                "jobs": unwalked(part), "keys": unwalked([key_of[id(job)] for job in part]),
                "first": next(firsts), "total": total, **chunk})

        by_chunk: list[list[NoticeOutcome]] = [[] for _ in chunks]
        for index, result in run_in_chunks(submit, chunks, running * CHUNKS_IN_FLIGHT_PER_WORKER):
            by_chunk[index], chunks[index] = result, []
            advance(len(result))
            if line := progress.add(result):
                logger.info("%s", line)
    return [outcome for result in by_chunk for outcome in result]


def _taken(items: list) -> Iterator:
    """The items of the list in order, each dropped from it as it is taken."""
    items.reverse()
    while items:
        yield items.pop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.extract", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", help="notice files or folders")
    parser.add_argument("--out", default="outputs", help="output folder (default: outputs)")
    parser.add_argument("--corrections", default="corrections",
                        help="reviewers' corrections to apply (default: corrections)")
    parser.add_argument("--runner", choices=RUNNERS,
                        help="where tasks run (default: processes; dask when --dask-address is given)")
    parser.add_argument("--dask-address", help="a Dask scheduler, e.g. tcp://10.0.0.5:8786 "
                                               "(default with --runner dask: a local cluster)")
    parser.add_argument("--workers", type=int,
                        help="worker processes (default: one a core; a local Dask cluster: 2)")
    parser.add_argument("--refresh", action="store_true",
                        help="extract every notice again, replacing the cached outcomes")
    parser.add_argument("--attach", nargs="+", action="append", default=[], metavar=("NOTICE", "FILE"),
                        help="read FILE... as attachments of NOTICE (repeatable); folders' "
                             "files named 附件… are attached without it (see README)")
    parser.add_argument("--ocr-workers", type=int, default=1, metavar="N",
                        help="read a scanned file's OCR pages in N parallel processes "
                             "(default 1; local runners only)")
    add_limit_options(parser)
    args = parser.parse_args(argv)
    os.environ[OCR_WORKERS_VARIABLE] = str(max(1, args.ocr_workers))  # the workers inherit it
    try:
        runner_name(args.runner, args.dask_address)
    except ValueError as error:
        parser.error(str(error))
    if any(len(given) < 2 for given in args.attach):
        parser.error("--attach takes a notice and at least one attachment file")
    try:
        with an_api():
            outcomes = extract_notices(args.paths, args.out, args.corrections, runner=args.runner,
                                       dask_address=args.dask_address, refresh=args.refresh,
                                       workers=args.workers, time_limit_s=args.time_limit,
                                       memory_limit_mb=args.memory_limit,
                                       attach={given[0]: given[1:] for given in args.attach}
                                       or None)
    except OutputFolderBusy as busy:
        print(f"refused: {busy}", file=sys.stderr)
        return EXIT_FOLDER_BUSY
    return 1 if any(outcome.status is RunStatus.failure for outcome in outcomes) else 0


@contextmanager
def an_api() -> Iterator[None]:
    """The server at PREFECT_API_URL, or else a temporary one that ends with this command,
    even when it is killed (flows/server.py), and with it the worker processes.

    Flow runs on a temporary server send no heartbeats: they tell a lasting
    server which runs crashed, and this one ends with the run (the flow would
    wait up to a second at its end for the heartbeat thread).
    """
    if PREFECT_API_URL.value():
        yield
        return
    with temporary_server() as url:
        # In the environment and Prefect's process-wide settings, not a context: threads of
        # Prefect's own (its log and event workers) and a local Dask cluster's workers would
        # start servers of their own.
        os.environ["PREFECT_API_URL"] = url
        refresh_global_settings_context()
        try:
            with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
                yield
        finally:
            _send_what_is_queued()
            del os.environ["PREFECT_API_URL"]
            refresh_global_settings_context()


# Longest wait for the run's last logs and events to reach the API before it stops.
DRAIN_SECONDS = 10


def _send_what_is_queued() -> None:
    """Send the logs and events still queued while the server is up."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        service.drain_all(timeout=DRAIN_SECONDS)


if __name__ == "__main__":
    sys.exit(main())
