"""What the flow shows in the Prefect UI: a table per notice and a run summary.

Plain functions of outcomes and output files, so they are tested without Prefect.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline.model import NoticeOutcome, RunStatus

# Prefect artifact keys: lowercase letters, digits and dashes.
_KEY_UNSAFE = re.compile(r"[^a-z0-9-]+")


def artifact_key(label: str) -> str:
    """A Prefect artifact key for a notice's label.

    >>> artifact_key("txt/000_1d3b.txt")
    'notice-txt-000-1d3b-txt'
    """
    return "notice-" + _KEY_UNSAFE.sub("-", label.lower()).strip("-")


def notice_table(output: Path) -> list[dict[str, str]]:
    """One row per catalogue item and task: what it is, its flags, its corrected fields."""
    record = json.loads(output.read_text(encoding="utf-8"))
    rows = []
    for kind, items, label in (("catalogue", record["catalogue"], "name"),
                               ("task", record["tasks"], "title")):
        for item in items:
            rows.append({"id": item["id"], "kind": kind, "item": item[label],
                         "flags": ", ".join(flag["code"] for flag in item["flags"]),
                         "corrected": ", ".join(c["field"] for c in item["corrections"])})
    return rows


def run_markdown(outcomes: list[NoticeOutcome], new_failures: list[str] = ()) -> str:
    """The run in a few lines and one table: counts, warnings, failures, corrections.

    What needs a person comes first: failures new since the run before
    (`new_failures`, input paths) and stale corrections, then the counts.
    """
    failed = [o for o in outcomes if o.status is RunStatus.failure]
    lines = ["# Extraction run", ""]
    new = set(new_failures)
    first = [f"- **new failure** {_cell(o.path)}: {o.error_code}: {_cell(o.error or '')}"
             for o in failed if o.path in new]
    first += [f"- **stale correction** {_cell(o.path)}: {_cell(reason)}"
              for o in outcomes for reason in o.stale_corrections]
    if first:
        lines += ["## Needs a person", "", *first, ""]
    lines += [
        f"- notices: {len(outcomes)} ({len(failed)} failed)",
        f"- catalogue items: {sum(o.catalogue_items for o in outcomes)}; "
        f"tasks: {sum(o.tasks for o in outcomes)}; flags: {sum(o.flags for o in outcomes)}",
        f"- corrections applied: {sum(o.corrections_applied for o in outcomes)}; "
        f"stale: {sum(len(o.stale_corrections) for o in outcomes)}",
        "",
        "| notice | status | items | tasks | flags | warnings | corrections | stale / error |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        problem = f"{o.error_code}: {o.error}" if o.error_code else "; ".join(o.stale_corrections)
        lines.append(f"| {_cell(o.path)} | {o.status.value} | {o.catalogue_items} | {o.tasks} | "
                     f"{o.flags} | {_cell(', '.join(o.warnings))} | {o.corrections_applied} | "
                     f"{_cell(problem)} |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Markdown table cells cannot hold pipes or newlines."""
    return text.replace("|", "\\|").replace("\n", " ")
