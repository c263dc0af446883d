"""Prefect flow: extract a batch of notices, one task per notice.

    python -m flows.extract samples/ --out outputs/ [--corrections corrections/]

Runs in Prefect's embedded local mode (a temporary local API starts by
itself); set PREFECT_API_URL to report to a server instead. Each run
publishes an artifact per notice (its records and their flags) and a
markdown summary of the run, visible in the Prefect UI.
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows.artifacts import artifact_key, notice_table, run_markdown
from pipeline.model import NoticeOutcome, RunStatus
from pipeline.run import Job, RunOptions, plan_jobs, process_job, summarise
from pipeline.write import write_run_summary


@task(task_run_name="extract {job.label}")
def extract_notice_task(job: Job, options: RunOptions) -> NoticeOutcome:
    outcome = process_job(job, options)
    if outcome.output:
        create_table_artifact(key=artifact_key(job.label), table=notice_table(Path(outcome.output)),
                              description=f"Records and flags of {job.label}")
    return outcome


@flow(name="extract-notices")
def extract_notices(paths: list[str], out: str = "outputs",
                    corrections: str | None = "corrections") -> list[NoticeOutcome]:
    """Extract every notice under `paths` into `out`, applying reviewers' corrections."""
    started = datetime.now(timezone.utc)
    out_dir = Path(out)
    corrections_dir = Path(corrections) if corrections else None
    options = RunOptions(corrections_dir=corrections_dir)
    jobs, outcomes = plan_jobs([Path(path) for path in paths], out_dir)
    futures = extract_notice_task.map(jobs, options=unmapped(options))
    outcomes += [future.result() for future in futures]
    write_run_summary(out_dir, outcomes, started, datetime.now(timezone.utc), corrections_dir)
    create_markdown_artifact(key="extract-notices-summary", markdown=run_markdown(outcomes),
                             description="Counts, warnings, failures and corrections of the run")
    get_run_logger().info("%s", summarise(outcomes))
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.extract", description=__doc__)
    parser.add_argument("paths", nargs="+", help="notice files or folders")
    parser.add_argument("--out", default="outputs", help="output folder (default: outputs)")
    parser.add_argument("--corrections", default="corrections",
                        help="reviewers' corrections to apply (default: corrections)")
    args = parser.parse_args(argv)
    outcomes = extract_notices(args.paths, args.out, args.corrections)
    return 1 if any(outcome.status is RunStatus.failure for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
