"""Output files: written whole or not at all, a summary of the run and the folder's run history."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from datetime import datetime
from collections import Counter
from typing import Any

from pipeline.model import SCHEMA_VERSION, NoticeOutcome, RunRecord, RunStatus


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON to a temporary file beside `path`, then rename it into place.

    A reader never sees a half-written file, even if the run is killed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, ensure_ascii=False, indent=2)
            stream.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


RUN_SUMMARY_NAME = "_run_summary.json"
RUN_HISTORY_NAME = "_run_history.jsonl"


def write_run_summary(out_dir: Path, outcomes: list, started: datetime, finished: datetime,
                      corrections_dir: Path | None) -> Path:
    """Run metadata, kept apart from the records so that they stay byte-identical.

    Lists every input (absolute path), its output (relative to `out_dir`),
    status, counts, warnings, errors and corrections: what a reviewer or a
    data team looks at after a run. The run is also appended to the folder's
    history (`pipeline.status`).
    """
    notices = []
    for outcome in outcomes:
        entry = outcome.model_dump(mode="json")
        entry["path"] = str(Path(outcome.path).resolve())
        if outcome.output:
            entry["output"] = Path(outcome.output).resolve().relative_to(out_dir.resolve()).as_posix()
        notices.append(entry)
    summary = {
        "schema_version": SCHEMA_VERSION,
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "corrections_dir": str(corrections_dir.resolve()) if corrections_dir else None,
        "notices": notices,
    }
    path = out_dir / RUN_SUMMARY_NAME
    write_json_atomic(path, summary)
    history = read_history(out_dir)
    append_run(out_dir, outcomes_to_run(outcomes, summary["started"], summary["finished"],
                                        history[-1] if history else None))
    return path


def outcomes_to_run(outcomes: list[NoticeOutcome], started: str, finished: str,
                    previous: RunRecord | None) -> RunRecord:
    """The history line of a run; failures are new when the run before did not have them."""
    failures = {o.path: o.error_code or "" for o in outcomes if o.status is RunStatus.failure}
    before = previous.failures if previous else {}
    return RunRecord(
        started=started, finished=finished, notices=len(outcomes),
        by_status=dict(Counter(o.status.value for o in outcomes)),
        failures=failures, new_failures=[path for path in failures if path not in before],
        stale_corrections=sum(len(o.stale_corrections) for o in outcomes),
        flags=sum(o.flags for o in outcomes))


def read_history(out_dir: Path) -> list[RunRecord]:
    """The folder's runs, oldest first; lines a killed run left half-written are skipped."""
    path = out_dir / RUN_HISTORY_NAME
    if not path.exists():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            runs.append(RunRecord.model_validate_json(line))
        except ValueError:
            continue
    return runs


def append_run(out_dir: Path, run: RunRecord) -> None:
    """One line a run, appended whole: a reader never sees a line cut short by another run."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / RUN_HISTORY_NAME).open("a", encoding="utf-8") as stream:
        stream.write(run.model_dump_json() + "\n")
