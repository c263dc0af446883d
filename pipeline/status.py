"""What an output folder's runs did, and what in it needs a reviewer.

Every run appends one line to `OUT/_run_history.jsonl` (`pipeline.write`: its
times, counts and failures) beside the last run's full `_run_summary.json`, so
`python -m pipeline status OUT` answers without a Prefect server: the last
runs, then the notices that need a person (failures, stale corrections,
flags). New failures (notices that did not fail in the run before) come first.
"""
from __future__ import annotations

import json
from pathlib import Path

from pipeline.model import NoticeOutcome, RunStatus
from pipeline.write import RUN_HISTORY_NAME, RUN_SUMMARY_NAME, read_history

# Runs `status` lists when not told otherwise.
DEFAULT_RUNS_SHOWN = 5


def needs_review(summary: dict) -> list[str]:
    """What a person must look at after the last run: failures, stale corrections, warnings, flags."""
    notices = [NoticeOutcome.model_validate({k: v for k, v in entry.items()
                                             if k in NoticeOutcome.model_fields})
               for entry in summary.get("notices", [])]
    lines = []
    for o in notices:
        if o.status is RunStatus.failure:
            lines.append(f"failed            {o.path}: [{o.error_code}] {o.error}")
    for o in notices:
        for reason in o.stale_corrections:
            lines.append(f"stale correction  {o.path}: {reason}")
    for o in notices:
        if o.warnings and o.status is not RunStatus.failure:
            lines.append(f"warnings          {o.path}: {', '.join(o.warnings)}")
    for o in notices:
        if o.flags and o.status is not RunStatus.failure:
            lines.append(f"{o.flags:>3} flags         {o.output or o.path}")
    return lines


def status_report(out_dir: Path, runs_shown: int = DEFAULT_RUNS_SHOWN) -> str:
    """The text `python -m pipeline status OUT` prints."""
    history = read_history(out_dir)
    summary_path = out_dir / RUN_SUMMARY_NAME
    if not history and not summary_path.exists():
        return f"{out_dir}: no runs yet (no {RUN_HISTORY_NAME} or {RUN_SUMMARY_NAME})"
    lines = [f"Last runs into {out_dir}:"]
    for run in history[-runs_shown:][::-1]:
        counts = ", ".join(f"{count} {status}" for status, count in sorted(run.by_status.items()))
        new = f"; {len(run.new_failures)} new failures" if run.new_failures else ""
        lines.append(f"  {run.started} .. {run.finished}  {run.notices} notices ({counts}){new}")
    if history and history[-1].new_failures:
        lines.append("New failures in the last run:")
        lines.extend(f"  {path}: [{history[-1].failures[path]}]" for path in history[-1].new_failures)
    if summary_path.exists():
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        review = needs_review(summary)
        lines.append(f"Needs a reviewer ({len(review)}):" if review else "Nothing needs a reviewer.")
        lines.extend(f"  {line}" for line in review)
    return "\n".join(lines)
