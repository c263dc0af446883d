"""A batch of notice files to output files: plan the outputs, process each, report.

Shared by the command line and the Prefect flow; a failing file is reported
as an outcome and never stops the others.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from pipeline.assemble import extract_notice
from pipeline.corrections import apply_corrections
from pipeline.errors import ExtractionError
from pipeline.guard import Limits, run_guarded
from pipeline.ingest import SUFFIX_FORMATS
from pipeline.ingest.attachments import read_notice
from pipeline.model import NoticeOutcome, NoticeWarning, RunStatus
from pipeline.notice_files import group_notice_files
from pipeline.validate import record_to_json
from pipeline.write import write_json_atomic

log = logging.getLogger(__name__)

# File endings picked up when a folder is given; a file named explicitly is always read.
NOTICE_SUFFIXES = frozenset(SUFFIX_FORMATS)


class Job(BaseModel):
    """One notice: its input file, the output file it will write, its attachment files."""

    path: Path
    output: Path
    label: str  # the input's path relative to the folder it was found in
    attachments: list[tuple[Path, str]] = Field(default_factory=list)  # (file, its label)
    notes: list[str] = Field(default_factory=list)  # how its files were grouped, for the record


def plan_jobs(inputs: list[Path], out_dir: Path,
              attach: dict[Path, list[Path]] | None = None) -> tuple[list[Job], list[NoticeOutcome]]:
    """Outputs mirror each input's path below the folder given; clashes are refused.

    A folder's notices take their attachment files by the naming conventions of
    `pipeline.notice_files`; `attach` maps a notice to attachment files given by hand.
    """
    explicit = {notice.resolve(): [path.resolve() for path in paths]
                for notice, paths in (attach or {}).items()}
    jobs: list[Job] = []
    refused: list[NoticeOutcome] = []
    claimed: dict[Path, Path] = {}
    for given in inputs:
        if not given.exists():
            refused.append(_failure(given, ExtractionError("E004_unreadable", "no such file")))
            continue
        notice_files, skipped = _list_files(given)
        refused += [_skipped(path) for path in skipped]
        found = {path.resolve(): (path, relative) for path, relative in notice_files}
        for group in group_notice_files(list(found), explicit):
            path, relative = found[group.notice]
            output = out_dir / relative.with_suffix(".json")
            if output in claimed:
                clash = ExtractionError("E006_output_clash",
                                        f"{output} is already written by {claimed[output]}")
                refused.append(_failure(path, clash))
                continue
            claimed[output] = path
            attachments = [found.get(file, (file, Path(file.name))) for file in group.attachments]
            jobs.append(Job(path=path, output=output, label=relative.as_posix(), notes=group.notes,
                            attachments=[(file, label.as_posix()) for file, label in attachments]))
    return jobs, refused


def _list_files(given: Path) -> tuple[list[tuple[Path, Path]], list[Path]]:
    """The notice files of a file or folder given, each with its path relative to the folder,
    and the folder's files of no notice type (a README, an image): not read, but named in
    the run summary, so that no file goes missing unsaid. One listing of the folder."""
    if given.is_file():
        return [(given, Path(given.name))], []
    notices, skipped = [], []
    for path in sorted(given.rglob("*")):
        relative = path.relative_to(given)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue  # hidden files and folders are left out
        if path.suffix.lower() in NOTICE_SUFFIXES:
            notices.append((path, relative))
        else:
            skipped.append(path)
    return notices, skipped


def _skipped(path: Path) -> NoticeOutcome:
    kind = f"{path.suffix} files" if path.suffix else "files without an ending"
    return NoticeOutcome(path=str(path), status=RunStatus.skipped,
                         error=f"not a notice type ({kind} are not read)")


class RunOptions(BaseModel):
    """What a run does besides extracting: reviewers' corrections, debugging dumps, and the
    limits each notice is read under (None: in this process, unguarded)."""

    corrections_dir: Path | None = None  # apply the corrections stored here
    debug_dir: Path | None = None  # write each stage's intermediates here
    limits: Limits | None = Field(default_factory=Limits)


def process_job(job: Job, options: RunOptions | None = None) -> NoticeOutcome:
    """One notice, in a worker process killed past `options.limits` (see pipeline.guard)."""
    options = options or RunOptions()
    if options.limits is None:
        return process_job_here(job, options)
    return run_guarded(job, options, options.limits)


def process_job_here(job: Job, options: RunOptions) -> NoticeOutcome:
    """Read, extract, correct, validate and write one notice; errors become the outcome."""
    stale: list[str] = []
    try:
        document = read_notice(job.path, job.label, job.attachments)
        document.warnings += [NoticeWarning(code="attachment_read_alone", message=note)
                              for note in job.notes]
        trace: dict | None = {} if options.debug_dir is not None else None
        record = extract_notice(document, trace)
        if options.debug_dir is not None:
            write_trace(trace, options.debug_dir / Path(job.label).with_suffix(""))
        if options.corrections_dir is not None:
            record, stale = apply_corrections(record, options.corrections_dir)
        data = record_to_json(record)
        write_json_atomic(job.output, data)
    except ExtractionError as error:
        return _failure(job.path, error)
    except MemoryError:  # the guard's memory cap (see pipeline.guard), or the machine's
        limit = f"the memory limit of {options.limits.memory_mb} MiB" if options.limits else "memory"
        return _failure(job.path, ExtractionError("E014_too_large", f"reading it ran out of {limit}"))
    except Exception as error:  # a bug must not stop the batch; report it with the file
        log.exception("internal error on %s", job.path)
        return _failure(job.path, ExtractionError("E008_internal", f"{type(error).__name__}: {error}"))
    codes = [warning.code for warning in record.warnings]
    return NoticeOutcome(path=str(job.path), output=str(job.output),
                         attachments=[str(path) for path, label in job.attachments
                                      if label in {attached.path for attached in record.attachments}],
                         status=RunStatus.partial if codes or stale else RunStatus.success,
                         catalogue_items=len(record.catalogue), tasks=len(record.tasks),
                         warnings=codes, flags=sum(record.review.flags.values()),
                         corrections_applied=record.review.corrections_applied,
                         stale_corrections=stale)


# Called after each notice of a batch, e.g. to store its outcome or move a progress bar.
OnOutcome = Callable[[Job, NoticeOutcome], None]


def run_jobs(jobs: Iterable[Job], options: RunOptions | None = None,
             on_outcome: OnOutcome | None = None) -> list[NoticeOutcome]:
    """Process each job in turn (`process_job`); outcomes in the jobs' order.

    The batch runner of the command line and of each chunk of the Prefect flow.
    """
    outcomes = []
    for job in jobs:
        outcome = process_job(job, options)
        if on_outcome is not None:
            on_outcome(job, outcome)
        outcomes.append(outcome)
    return outcomes


def write_trace(trace: dict, folder: Path) -> None:
    """One JSON file per intermediate: blocks.json, tables.json, outline.json."""
    for name, value in trace.items():
        data = [item.model_dump(mode="json") for item in value]
        write_json_atomic(folder / f"{name}.json", data)


def _failure(path: Path, error: ExtractionError) -> NoticeOutcome:
    return NoticeOutcome(path=str(path), status=RunStatus.failure, error_code=error.code,
                         error=str(error))


def summarise(outcomes: list[NoticeOutcome]) -> str:
    """A few lines a person reads at the end of a run."""
    by_status = {status: sum(o.status is status for o in outcomes) for status in RunStatus}
    notices = len(outcomes) - by_status[RunStatus.skipped]
    lines = [f"{notices} notices: {by_status[RunStatus.success]} ok, "
             f"{by_status[RunStatus.partial]} with warnings, {by_status[RunStatus.failure]} failed",
             f"{sum(o.catalogue_items for o in outcomes)} catalogue items, "
             f"{sum(o.tasks for o in outcomes)} tasks"]
    if skipped := by_status[RunStatus.skipped]:
        lines.append(f"{skipped} file{'s' if skipped > 1 else ''} skipped: not a notice type "
                     "(listed in the run summary)")
    applied = sum(o.corrections_applied for o in outcomes)
    stale = sum(len(o.stale_corrections) for o in outcomes)
    if applied or stale:
        lines.append(f"{applied} corrections applied, {stale} stale (not applied)")
    for outcome in outcomes:
        if outcome.status is RunStatus.failure:
            lines.append(f"FAILED {outcome.path}: [{outcome.error_code}] {outcome.error}")
        elif outcome.warnings:
            lines.append(f"warning {outcome.path}: {', '.join(outcome.warnings)}")
        for reason in outcome.stale_corrections:
            lines.append(f"stale correction {outcome.path}: {reason}")
    return "\n".join(lines)


