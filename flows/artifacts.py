"""What the flow shows in the Prefect UI: a table per chunk and a summary of the run.

A chunk's table has a row per notice it extracted (its counts, warnings,
failure); the run's summary has counts (how many notices were reused from
the cache among them), warnings by code and the failures. The records
themselves stay in the output files and the review page: an artifact per
notice would cost Prefect more than the extraction. Plain functions of
outcomes, so they are tested without Prefect.
"""
from __future__ import annotations

from collections import Counter

from pipeline.model import NoticeOutcome, RunStatus
from pipeline.run import Job

# Failures and stale corrections listed by name in the run's summary; the rest are counted
# (every one is in OUT/_run_summary.json).
LISTED_PROBLEMS = 100


def chunk_table(jobs: list[Job], outcomes: list[NoticeOutcome]) -> list[dict[str, str | int]]:
    """One row per notice of a chunk."""
    return [{"notice": job.label, "status": outcome.status.value,
             "catalogue items": outcome.catalogue_items, "tasks": outcome.tasks,
             "flags": outcome.flags, "warnings": ", ".join(outcome.warnings),
             "corrections": outcome.corrections_applied, "problem": _problem(outcome)}
            for job, outcome in zip(jobs, outcomes, strict=True)]


def chunk_description(first: int, jobs: list[Job], total: int) -> str:
    """Which notices a chunk's table holds, e.g. `Notices 1-250 of 1000 (a.txt … b.txt)`."""
    return (f"Notices {first + 1}-{first + len(jobs)} of {total} "
            f"({jobs[0].label} … {jobs[-1].label})")


def run_markdown(outcomes: list[NoticeOutcome], reused: int = 0,
                 new_failures: list[str] = ()) -> str:
    """The run in a few lines: counts, warnings by code, failures and stale corrections.

    What needs a person comes first: failures new since the run before
    (`new_failures`, input paths) and stale corrections, then the counts.
    """
    by_status = Counter(outcome.status for outcome in outcomes)
    warnings = Counter(code for outcome in outcomes for code in outcome.warnings)
    new = set(new_failures)
    first = [f"- **new failure** {_cell(o.path)}: {o.error_code}: {_cell(o.error or '')}"
             for o in outcomes if o.status is RunStatus.failure and o.path in new]
    first += [f"- **stale correction** {_cell(o.path)}: {_cell(reason)}"
              for o in outcomes for reason in o.stale_corrections]
    lines = ["# Extraction run", ""]
    if first:
        lines += ["## Needs a person", "", *first[:LISTED_PROBLEMS], ""]
        if len(first) > LISTED_PROBLEMS:
            lines += [f"… and {len(first) - LISTED_PROBLEMS} more: see _run_summary.json.", ""]
    lines += [
        f"- notices: {len(outcomes)} ({by_status[RunStatus.failure]} failed, "
        f"{by_status[RunStatus.partial]} with warnings; {reused} reused from earlier runs)",
        f"- catalogue items: {sum(o.catalogue_items for o in outcomes)}; "
        f"tasks: {sum(o.tasks for o in outcomes)}; flags: {sum(o.flags for o in outcomes)}",
        f"- corrections applied: {sum(o.corrections_applied for o in outcomes)}; "
        f"stale: {sum(len(o.stale_corrections) for o in outcomes)}",
        f"- warnings: {', '.join(f'{code} {n}' for code, n in sorted(warnings.items())) or 'none'}",
    ]
    problems = [o for o in outcomes if o.status is RunStatus.failure or o.stale_corrections]
    if problems:
        lines += ["", "| notice | status | error / stale corrections |", "|---|---|---|"]
        lines += [f"| {_cell(o.path)} | {o.status.value} | {_cell(_problem(o))} |"
                  for o in problems[:LISTED_PROBLEMS]]
        if len(problems) > LISTED_PROBLEMS:
            lines += ["", f"… and {len(problems) - LISTED_PROBLEMS} more: see _run_summary.json."]
    return "\n".join(lines) + "\n"


def _problem(outcome: NoticeOutcome) -> str:
    if outcome.error_code:
        return f"{outcome.error_code}: {outcome.error}"
    return "; ".join(outcome.stale_corrections)


def _cell(text: str) -> str:
    """Markdown table cells cannot hold pipes or newlines."""
    return text.replace("|", "\\|").replace("\n", " ")
