"""Prefect flow: extract a batch of notices, one task per notice.

    python -m flows.extract samples/ --out outputs/ [--corrections corrections/]
        [--runner threads|processes|dask] [--dask-address tcp://HOST:8786] [--refresh]

Runs in Prefect's embedded local mode (a temporary local API starts by
itself); set PREFECT_API_URL to report to a server instead. Tasks run in a
pool of processes, one a core, unless another runner is asked for: threads,
or Dask (a cluster at --dask-address, or a local one of two workers started
for the run). Workers of a remote cluster need PREFECT_API_URL of a server
they can reach, and the same paths for notices, outputs and corrections. A notice whose file, corrections and pipeline version are
unchanged since an earlier run into the same output folder is not extracted
again (OUT/.prefect-cache/ holds the outcomes; --refresh extracts everything).
Each run publishes an artifact per extracted notice (its records and their
flags) and a markdown summary of the run, visible in the Prefect UI.
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows.artifacts import artifact_key, notice_table, run_markdown
from flows.cache import NoticeCachePolicy, cache_folder, output_missing
from flows.runners import (RUNNERS, Progress, crashed, make_task_runner, run_in_batches,
                           runner_name, workers_share_the_api)
from pipeline.cli import add_limit_options
from pipeline.guard import DEFAULT_MEMORY_MB, DEFAULT_TIME_S, Limits
from pipeline.model import NoticeOutcome, RunStatus
from pipeline.run import Job, RunOptions, plan_jobs, process_job, summarise
from pipeline.write import write_run_summary


# The outcome is stored (not kept in memory) under a key of what makes the output: flows/cache.py.
@task(task_run_name="extract {job.label}", cache_policy=NoticeCachePolicy(), persist_result=True,
      cache_result_in_memory=False)
def extract_notice_task(job: Job, options: RunOptions, table: bool = True) -> NoticeOutcome:
    outcome = process_job(job, options)
    if table and outcome.output:
        create_table_artifact(key=artifact_key(job.label), table=notice_table(Path(outcome.output)),
                              description=f"Records and flags of {job.label}")
    return outcome


@task(task_run_name="extract from {jobs[0].label}", cache_policy=NO_CACHE, persist_result=False)
def extract_batch_task(jobs: list[Job], options: RunOptions, cache_dir: Path, refresh: bool,
                       tables: bool) -> list[NoticeOutcome]:
    """A few dozen notices, one nested task each (see flows/runners.py: run_in_batches)."""
    reuse = extract_notice_task.with_options(result_storage=cache_dir, refresh_cache=refresh)
    rerun = reuse.with_options(refresh_cache=True)
    outcomes = []
    for job in jobs:
        state = (rerun if output_missing(job) else reuse)(job, options, tables, return_state=True)
        result = state.result(raise_on_failure=False)
        outcomes.append(result if isinstance(result, NoticeOutcome) else crashed(job, result))
    return outcomes


@flow(name="extract-notices")
def extract_notices(paths: list[str], out: str = "outputs", corrections: str | None = "corrections",
                    runner: Literal["threads", "processes", "dask"] | None = None,
                    dask_address: str | None = None, refresh: bool = False,
                    notice_tables: bool = True,
                    attach: dict[str, list[str]] | None = None,
                    time_limit_s: float = DEFAULT_TIME_S,
                    memory_limit_mb: int = DEFAULT_MEMORY_MB) -> list[NoticeOutcome]:
    """Extract every notice under `paths` into `out`, applying reviewers' corrections.

    `runner`: processes (the default), threads, or dask (at `dask_address`, or a
    local cluster); `refresh`: extract every notice even if its cached outcome holds;
    `notice_tables`: publish each extracted notice's table artifact (about half
    of Prefect's cost a notice: worth leaving out on batches of thousands);
    `attach`: notice -> attachment files given by hand (folders' 附件 files need none);
    `time_limit_s`, `memory_limit_mb`: what one notice may take in its guarded worker
    process (pipeline/guard.py), past which it is E013_timeout or E014_too_large.
    """
    started = datetime.now(timezone.utc)
    logger = get_run_logger()
    out_dir = Path(out)
    corrections_dir = Path(corrections) if corrections else None
    options = RunOptions(corrections_dir=corrections_dir,
                         limits=Limits(time_s=time_limit_s, memory_mb=memory_limit_mb))
    jobs, outcomes = plan_jobs([Path(path) for path in paths], out_dir,
                               {Path(notice): [Path(file) for file in files]
                                for notice, files in (attach or {}).items()})
    batch = {"options": options, "cache_dir": cache_folder(out_dir.resolve()), "refresh": refresh,
             "tables": notice_tables}
    progress = Progress(total=len(jobs))
    with workers_share_the_api(), \
            make_task_runner(runner_name(runner, dask_address), dask_address) as task_runner:
        def submit(jobs: list[Job]):
            return task_runner.submit(extract_batch_task, {"jobs": jobs, **batch})

        for outcome in run_in_batches(submit, jobs):
            outcomes.append(outcome)
            if line := progress.add(outcome):
                logger.info("%s", line)
    write_run_summary(out_dir, outcomes, started, datetime.now(timezone.utc), corrections_dir)
    create_markdown_artifact(key="extract-notices-summary", markdown=run_markdown(outcomes),
                             description="Counts, warnings, failures and corrections of the run")
    logger.info("%s", summarise(outcomes))
    return outcomes


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
    parser.add_argument("--refresh", action="store_true",
                        help="extract every notice again, replacing the cached outcomes")
    parser.add_argument("--no-notice-tables", dest="notice_tables", action="store_false",
                        help="publish only the run's summary, not a table artifact per notice")
    add_limit_options(parser)
    args = parser.parse_args(argv)
    try:
        runner_name(args.runner, args.dask_address)
    except ValueError as error:
        parser.error(str(error))
    outcomes = extract_notices(args.paths, args.out, args.corrections, runner=args.runner,
                               dask_address=args.dask_address, refresh=args.refresh,
                               notice_tables=args.notice_tables, time_limit_s=args.time_limit,
                               memory_limit_mb=args.memory_limit)
    return 1 if any(outcome.status is RunStatus.failure for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
