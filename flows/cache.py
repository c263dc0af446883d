"""When a notice need not be extracted again: its cache key, and the outcomes stored under it.

The flow checks each notice of a batch here, with plain function calls (a
Prefect task or cache policy per notice costs more than extracting it). A
notice's outcome is reused when nothing that makes its output has changed:

- the bytes (SHA-256) of the notice and of each attachment file read with it;
- the pipeline: the installed package's version, the schema version, and a
  digest of the package's code and vocabulary (an editable install keeps its
  version number while its code changes);
- the reviewers' corrections that apply to it: its own corrections file, or
  else those made on earlier versions of the same source path (they are
  reported stale);
- where it writes (the output path) and the run's options.

Outcomes are stored one small JSON file per key in OUT/.notice-cache/, with
the SHA-256 of the output as written: a key cannot say that the output was
since deleted, corrupted or edited, so a stored outcome is reused only while
its output file still has those bytes (`output_missing`). A failed notice is
stored too, so it is tried again only when its file (or anything else in the
key) changes, except failures of the moment (`RETRIED_FAILURES`). Plain
functions, tested without Prefect.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pipeline
from pydantic import BaseModel

from pipeline.corrections import corrections_path
from pipeline.model import SCHEMA_VERSION, NoticeOutcome, RunStatus
from pipeline.run import Job, RunOptions
from pipeline.write import write_bytes_atomic

DISTRIBUTION = "eldercare-notices"
# Outcomes kept between runs, below the output folder (a dot folder is never read as input).
CACHE_FOLDER_NAME = ".notice-cache"
# A notice's ID is this many hex digits of its SHA-256 (as pipeline/assemble.py makes it).
NOTICE_ID_DIGITS = 16
_CHUNK_BYTES = 1 << 20
# Failures that say nothing lasting about the file (a busy machine, a missing converter, a full
# disk, our own bug): tried again on every run.
RETRIED_FAILURES = frozenset({"E008_internal", "E012_converter_failed", "E013_timeout",
                              "E015_output_unwritable"})
# Files of the pipeline package whose content shapes the records.
_CODE_SUFFIXES = frozenset({".py", ".txt", ".json"})


def cache_folder(out_dir: Path) -> Path:
    return out_dir / CACHE_FOLDER_NAME


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """The package version, the schema version and a digest of the code, in one string."""
    try:
        installed = version(DISTRIBUTION)
    except PackageNotFoundError:  # run from a checkout that was never installed
        installed = "uninstalled"
    return f"{installed}+schema.{SCHEMA_VERSION}+code.{code_digest(Path(pipeline.__file__).parent)}"


def code_digest(package_dir: Path) -> str:
    """SHA-256 (first 16 digits) over the package's code and vocabulary files, by relative path."""
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*")):
        if path.suffix in _CODE_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package_dir).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def corrections_digest(corrections_dir: Path | None, notice_id: str, label: str) -> str:
    """What the corrections that apply to a notice hold.

    Its own file when it has one (pipeline.corrections applies only that);
    otherwise the files made on earlier versions of its source path, which
    the run reports as stale.
    """
    if corrections_dir is None:
        return "no-corrections"
    own = corrections_path(corrections_dir, notice_id)
    if own.is_file():
        return "own:" + file_sha256(own)
    earlier = (_digests_by_source(str(corrections_dir), corrections_dir.stat().st_mtime_ns)
               if corrections_dir.is_dir() else {})
    return "earlier:" + ",".join(earlier.get(label, ()))


@lru_cache(maxsize=4)
def _digests_by_source(folder: str, modified_ns: int) -> dict[str, tuple[str, ...]]:
    """Each corrections file's digest by its source path, read once per state of the folder.

    Files are written by rename, so any change moves the folder's modification time.
    """
    found: dict[str, list[str]] = {}
    for path in sorted(Path(folder).glob("*.json")):
        try:
            data = path.read_bytes()
            source = json.loads(data)["source_path"]
        except (OSError, ValueError, KeyError, TypeError):  # the run reports broken files
            continue
        found.setdefault(source, []).append(hashlib.sha256(data).hexdigest())
    return {source: tuple(digests) for source, digests in found.items()}


def notice_cache_key(job: Job, options: RunOptions) -> str | None:
    """The key under which the notice's outcome is stored; None (no caching) if it cannot be read."""
    try:
        sha256 = file_sha256(job.path)
    except OSError:  # the task reports the file as unreadable; nothing to reuse
        return None
    parts = {
        "source_sha256": sha256,
        "pipeline": pipeline_version(),
        "corrections": corrections_digest(options.corrections_dir, sha256[:NOTICE_ID_DIGITS],
                                          job.label),
        "attachments": [(label, _sha256_or_missing(path)) for path, label in job.attachments],
        "output": str(job.output.resolve()),
        "label": job.label,
        "options": options.model_dump_json(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _sha256_or_missing(path: Path) -> str:
    """An attachment's bytes; one that cannot be read is a warning of the notice, so a key."""
    try:
        return file_sha256(path)
    except OSError:
        return "missing"


def output_missing(job: Job, recorded_sha256: str | None = None) -> bool:
    """A stored outcome is no use once its output file is gone, or (given the SHA-256
    recorded when it was written) is not the file the run wrote: the notice runs again."""
    if not job.output.is_file():
        return True
    return recorded_sha256 is not None and file_sha256(job.output) != recorded_sha256


class StoredOutcome(BaseModel):
    """A notice's outcome as the cache keeps it, with the SHA-256 of the output it wrote."""

    outcome: NoticeOutcome
    output_sha256: str | None = None


@dataclass(frozen=True)
class OutcomeCache:
    """Stored outcomes of earlier runs into one output folder, by cache key."""

    folder: Path

    def reusable(self, job: Job, key: str | None) -> NoticeOutcome | None:
        """The stored outcome of the notice, if its key holds and its output is as written."""
        if key is None:
            return None
        try:
            stored = StoredOutcome.model_validate_json(self._path(key).read_bytes())
        except (OSError, ValueError):  # never stored, or a half-written or foreign file
            return None
        if stored.outcome.status is RunStatus.failure:
            return stored.outcome
        if stored.output_sha256 is None or output_missing(job, stored.output_sha256):
            return None
        return stored.outcome

    def store(self, job: Job, key: str | None, outcome: NoticeOutcome) -> None:
        """Keep the outcome under its key: a failure as it is, a success with its output's hash."""
        failed = outcome.status is RunStatus.failure
        if key is None or outcome.error_code in RETRIED_FAILURES or not (failed or job.output.is_file()):
            return
        stored = StoredOutcome(outcome=outcome, output_sha256=None if failed else file_sha256(job.output))
        # Not flushed to disk: an entry lost to a power cut only means the notice runs again.
        write_bytes_atomic(self._path(key), stored.model_dump_json().encode(), durable=False)

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.json"
