"""Output files: written whole or not at all, and a summary of the run."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from datetime import datetime
from typing import Any

from pipeline.model import SCHEMA_VERSION


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


def write_run_summary(out_dir: Path, outcomes: list, started: datetime, finished: datetime,
                      corrections_dir: Path | None) -> Path:
    """Run metadata, kept apart from the records so that they stay byte-identical.

    Lists every input (absolute path), its output (relative to `out_dir`),
    status, counts, warnings, errors and corrections: what a reviewer or a
    data team looks at after a run.
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
    return path
