"""Prefect flow: extract a batch of notices, one task per notice.

    python -m flows.extract samples/ --out outputs/

Runs in Prefect's embedded local mode (a temporary local API starts by
itself); set PREFECT_API_URL to report to a server instead.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from prefect import flow, get_run_logger, task

from pipeline.model import NoticeOutcome, RunStatus
from pipeline.run import Job, plan_jobs, process_job, summarise


@task(task_run_name="extract {job.label}")
def extract_notice_task(job: Job) -> NoticeOutcome:
    return process_job(job)


@flow(name="extract-notices")
def extract_notices(paths: list[str], out: str = "outputs") -> list[NoticeOutcome]:
    """Extract every notice under `paths` into `out`; failures are outcomes, not crashes."""
    jobs, outcomes = plan_jobs([Path(path) for path in paths], Path(out))
    futures = extract_notice_task.map(jobs)
    outcomes += [future.result() for future in futures]
    get_run_logger().info("%s", summarise(outcomes))
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.extract", description=__doc__)
    parser.add_argument("paths", nargs="+", help="notice files or folders")
    parser.add_argument("--out", default="outputs", help="output folder (default: outputs)")
    args = parser.parse_args(argv)
    outcomes = extract_notices(args.paths, args.out)
    return 1 if any(outcome.status is RunStatus.failure for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
