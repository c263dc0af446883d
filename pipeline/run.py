"""A batch of notice files to output files: plan the outputs, process each, report.

Shared by the command line and the Prefect flow; a failing file is reported
as an outcome and never stops the others.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from pydantic import BaseModel, Field

from pipeline.assemble import extract_notice
from pipeline.corrections import apply_corrections
from pipeline.errors import ExtractionError
from pipeline.guard import Limits, run_guarded
from pipeline.ingest import SUFFIX_FORMATS
from pipeline.ingest.attachments import read_notice
from pipeline.model import NoticeOutcome, NoticeWarning, RunStatus
from pipeline.notice_files import NoticeFiles, group_notice_files
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
        for found in _notices_below(given, explicit):
            if isinstance(found, NoticeOutcome):  # a file of no notice type, a folder not listed
                refused.append(found)
                continue
            output = out_dir / found.relative.with_suffix(".json")
            if output in claimed:
                clash = ExtractionError("E006_output_clash",
                                        f"{output} is already written by {claimed[output]}")
                refused.append(_failure(found.path, clash))
                continue
            claimed[output] = found.path
            jobs.append(Job(path=found.path, output=output, label=found.relative.as_posix(),
                            notes=found.files.notes,
                            attachments=[(file, found.label_of(file).as_posix())
                                         for file in found.files.attachments]))
    return jobs, refused


class _Found(NamedTuple):
    """A notice below a file or folder given, with its attachment files."""

    path: Path  # as listed below the folder given
    relative: Path  # below the folder given: what its output's path mirrors
    files: NoticeFiles  # its own file and its attachments, resolved
    given: Path  # the folder given, resolved

    def label_of(self, attachment: Path) -> Path:
        """An attachment's path below the folder given, or its name when it lies elsewhere."""
        try:
            return attachment.relative_to(self.given)
        except ValueError:
            return Path(attachment.name)


def _notices_below(given: Path, explicit: dict[Path, list[Path]]
                   ) -> Iterator[_Found | NoticeOutcome]:
    """The notices of a file or folder given, in the order of their paths, and the outcomes
    of what is not read: a folder's files of no notice type (a README, an image), named in
    the run summary so that no file goes missing unsaid, and subfolders that cannot be
    listed. Hidden files and folders are left out, as are links to folders (a loop).

    A folder is listed once, one subfolder at a time: a batch of thousands is
    planned holding, besides its jobs, one folder's names at a time.
    """
    resolved = given.resolve()
    if given.is_file():
        for files in group_notice_files([resolved], explicit):
            yield _Found(given, Path(given.name), files, resolved)  # attachments: by name
        return
    yield from _folder_notices(given, resolved, Path(), explicit, resolved)


def _folder_notices(folder: Path, resolved: Path, relative: Path,
                    explicit: dict[Path, list[Path]], given: Path
                    ) -> Iterator[_Found | NoticeOutcome]:
    try:
        with os.scandir(folder) as listing:
            entries = sorted((entry for entry in listing if not entry.name.startswith(".")),
                             key=lambda entry: entry.name)
    except OSError as error:
        reason = f"the folder could not be listed: {error.strerror or error}"
        yield _failure(folder, ExtractionError("E004_unreadable", reason))
        return
    notices: dict[str, Path] = {}  # a notice-type file's name -> its path, resolved
    for entry in entries:
        if _is_file(entry) and Path(entry.name).suffix.lower() in NOTICE_SUFFIXES:
            notices[entry.name] = (Path(entry.path).resolve() if entry.is_symlink()
                                   else resolved / entry.name)
    groups = {files.notice: files for files in group_notice_files(list(notices.values()), explicit)}
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _folder_notices(Path(entry.path), resolved / entry.name,
                                       relative / entry.name, explicit, given)
        elif entry.name in notices:
            if files := groups.get(notices[entry.name]):  # else an attachment of another notice
                yield _Found(Path(entry.path), relative / entry.name, files, given)
        elif _is_file(entry):
            yield _skipped(Path(entry.path))


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()
    except OSError:  # a link that cannot be followed: nobody's file
        return False


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


