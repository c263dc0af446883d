"""An inbox deployment: the extract flow served on a schedule, for notices as they arrive.

    python -m flows.serve INBOX --out OUT [--corrections DIR] [--interval SECONDS | --cron "*/5 * * * *"]

Serves the `extract-notices` flow as the deployment `extract-notices/inbox`:
every interval (default five minutes) or on a cron schedule it runs on INBOX,
and the content-hash cache (flows/cache.py) makes each run extract only the
notices that are new or changed since an earlier run, with reviewers'
corrections applied; a notice that failed is tried again only when its file
(or its corrections) changed. Runs report to the Prefect server at
PREFECT_API_URL (`make server` starts one on 127.0.0.1): its UI shows the run
history, each run's summary artifact (new failures and stale corrections
first) and the failed notices. Stop it with Ctrl-C.
"""
from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

from prefect import serve
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import RunnerDeployment
from prefect.settings import PREFECT_API_URL

from flows.extract import extract_notices

DEPLOYMENT_NAME = "inbox"
# Often enough that a notice dropped in is extracted within minutes; a run with nothing new is cheap.
DEFAULT_INTERVAL_SECONDS = 300
# Runs write into one output folder: a run due while the last is still going is dropped, not queued,
# since the next one picks up whatever it would have done.
ONE_RUN_AT_A_TIME = ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW)


def inbox_deployment(inbox: Path, out: Path, corrections: Path | None,
                     interval: float | None = DEFAULT_INTERVAL_SECONDS,
                     cron: str | None = None) -> RunnerDeployment:
    """The deployment that extracts INBOX into OUT on an interval or a cron schedule."""
    schedule = {"cron": cron} if cron else {"interval": timedelta(seconds=interval)}
    parameters = {"paths": [str(inbox.resolve())], "out": str(out.resolve()),
                  "corrections": str(corrections.resolve()) if corrections else None}
    return extract_notices.to_deployment(
        name=DEPLOYMENT_NAME, parameters=parameters, **schedule, concurrency_limit=ONE_RUN_AT_A_TIME,
        description=f"Extract new and changed notices of {inbox} into {out}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.serve", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inbox", type=Path, help="folder the notices arrive in")
    parser.add_argument("--out", type=Path, default=Path("outputs"),
                        help="output folder (default: outputs)")
    parser.add_argument("--corrections", type=Path, default=Path("corrections"),
                        help="reviewers' corrections to apply (default: corrections)")
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--interval", type=float, default=DEFAULT_INTERVAL_SECONDS,
                      help=f"seconds between runs (default: {DEFAULT_INTERVAL_SECONDS})")
    when.add_argument("--cron", help='a cron schedule instead, e.g. "*/10 * * * *"')
    args = parser.parse_args(argv)
    if not args.inbox.is_dir():
        parser.error(f"{args.inbox}: no such folder")
    if args.interval <= 0:
        parser.error("--interval must be a positive number of seconds")
    if not PREFECT_API_URL.value():
        print("flows.serve: PREFECT_API_URL is not set, so runs report to a temporary server that "
              "ends with this command; start one with `make server` and set "
              "PREFECT_API_URL=http://127.0.0.1:4200/api to keep the run history", file=sys.stderr)
    serve(inbox_deployment(args.inbox, args.out, args.corrections, args.interval, args.cron))
    return 0


if __name__ == "__main__":
    sys.exit(main())
