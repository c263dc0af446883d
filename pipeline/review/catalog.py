"""The notices of an output folder: from its run summary, or from the records it holds.

A notice is addressed by its output file's path relative to the folder
(`pdf/000_x.json`); only the paths listed here are ever opened, so a request
cannot reach a file outside the folder.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.model import NoticeRecord
from pipeline.write import RUN_SUMMARY_NAME

# Folders below the output folder that hold no records.
SKIPPED_FOLDERS = frozenset({"_debug"})


@dataclass
class NoticeEntry:
    """One line of the index: an input file and what the run made of it."""

    label: str  # the output path relative to the folder, or the input's name on failure
    output: str | None  # the output path relative to the folder; None when nothing was written
    source_path: Path | None  # the input file, when known
    status: str = "success"
    attachments: list[Path] = field(default_factory=list)  # attachment files read with it
    error_code: str | None = None
    error: str | None = None
    catalogue_items: int = 0
    tasks: int = 0
    warnings: list[str] = field(default_factory=list)
    flags: int = 0
    corrections_applied: int = 0
    stale_corrections: list[str] = field(default_factory=list)


@dataclass
class Catalog:
    """Every notice of one output folder, and the run that wrote them."""

    out_dir: Path
    entries: list[NoticeEntry]
    run: dict | None  # the run summary without its notices, when there is one

    def find(self, output: str) -> NoticeEntry | None:
        """The notice whose output file is `output`; None for any other path."""
        return next((e for e in self.entries if e.output is not None and e.output == output), None)

    def load_record(self, entry: NoticeEntry) -> NoticeRecord:
        path = self.out_dir / entry.output
        return NoticeRecord.model_validate_json(path.read_text(encoding="utf-8"))


def load_catalog(out_dir: Path) -> Catalog:
    """Read the run summary; without one, list every record file under `out_dir`."""
    summary_path = out_dir / RUN_SUMMARY_NAME
    if summary_path.is_file():
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        entries = [summary_to_entry(item) for item in summary.get("notices", [])
                   if item.get("status") != "skipped"]  # files of no notice type: not notices
        run = {key: value for key, value in summary.items() if key != "notices"}
        return Catalog(out_dir, entries, run)
    return Catalog(out_dir, [record_to_entry(out_dir, path) for path in record_files(out_dir)], None)


def summary_to_entry(item: dict) -> NoticeEntry:
    path = Path(item["path"]) if item.get("path") else None
    output = item.get("output")
    return NoticeEntry(
        label=output or (path.name if path else "?"), output=output, source_path=path,
        attachments=[Path(attached) for attached in item.get("attachments", [])],
        status=item.get("status", "success"), error_code=item.get("error_code"),
        error=item.get("error"), catalogue_items=item.get("catalogue_items", 0),
        tasks=item.get("tasks", 0), warnings=list(item.get("warnings", [])),
        flags=item.get("flags", 0), corrections_applied=item.get("corrections_applied", 0),
        stale_corrections=list(item.get("stale_corrections", [])))


def record_files(out_dir: Path) -> list[Path]:
    return sorted(path for path in out_dir.rglob("*.json")
                  if path.name != RUN_SUMMARY_NAME
                  and not SKIPPED_FOLDERS.intersection(path.relative_to(out_dir).parts))


def record_to_entry(out_dir: Path, path: Path) -> NoticeEntry:
    """An index line read from the record itself; a file that is no record becomes a failure."""
    output = path.relative_to(out_dir).as_posix()
    try:
        record = NoticeRecord.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return NoticeEntry(label=output, output=None, source_path=None, status="failure",
                           error_code="not_a_record", error=str(error).splitlines()[0])
    items = [*record.catalogue, *record.tasks]
    source = Path(record.source.path)
    return NoticeEntry(
        label=output, output=output, source_path=source if source.is_file() else None,
        attachments=[Path(attached.path) for attached in record.attachments],
        status="partial_success" if record.warnings else "success",
        catalogue_items=len(record.catalogue), tasks=len(record.tasks),
        warnings=[warning.code for warning in record.warnings],
        flags=sum(len(item.flags) for item in items),
        corrections_applied=sum(len(item.corrections) for item in items)
        + len(record.document.corrections))


def flagged_first(entries: list[NoticeEntry]) -> list[NoticeEntry]:
    """Failures, then notices with the most flags, then the rest in file order."""
    return sorted(entries, key=lambda e: (e.status != "failure", -e.flags))
