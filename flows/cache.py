"""When a notice need not be extracted again: the extract task's cache key.

Prefect's default cache key hashes the task's inputs, its source and the flow
run's id, so nothing is reused from one run to the next, and the inputs (a
file's path) say nothing of its content. A notice's outcome is reused instead
when nothing that makes its output has changed:

- the bytes (SHA-256) of the notice and of each attachment file read with it;
- the pipeline: the installed package's version, the schema version, and a
  digest of the package's code and vocabulary (an editable install keeps its
  version number while its code changes);
- the reviewers' corrections that apply to it: its own corrections file, or
  else those made on earlier versions of the same source path (they are
  reported stale);
- where it writes (the output path) and the run's options.

The output file must also still be there, as it was written: a key cannot say
that a stored result is unusable, so the flow refreshes the cache of a notice
whose output is missing or whose bytes no longer have the SHA-256 recorded
when it was written (`output_missing`, `remember_output`). Plain functions,
tested without Prefect.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from prefect.cache_policies import CachePolicy
from prefect.context import TaskRunContext

import pipeline
from pipeline.corrections import corrections_path
from pipeline.model import SCHEMA_VERSION
from pipeline.run import Job, RunOptions
from pipeline.write import write_bytes_atomic

DISTRIBUTION = "eldercare-notices"
# Results of the extract task, kept between runs, below the output folder.
CACHE_FOLDER_NAME = ".prefect-cache"
# Below the cache folder: the SHA-256 of each output as written, by a hash of its path.
OUTPUT_HASHES_FOLDER = "outputs"
# A notice's ID is this many hex digits of its SHA-256 (as pipeline/assemble.py makes it).
NOTICE_ID_DIGITS = 16
_CHUNK_BYTES = 1 << 20
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


def output_missing(job: Job, cache_dir: Path | None = None) -> bool:
    """A cached outcome is no use once its output file is gone, or (with `cache_dir`) is not
    the file the run wrote (corrupted, edited, never recorded): the notice runs again."""
    if not job.output.is_file():
        return True
    if cache_dir is None:
        return False
    try:
        recorded = _output_hash_path(job, cache_dir).read_text(encoding="ascii").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return True
    return recorded != file_sha256(job.output)


def remember_output(job: Job, cache_dir: Path) -> None:
    """Record the SHA-256 of the output the task just wrote, for `output_missing`."""
    if job.output.is_file():
        write_bytes_atomic(_output_hash_path(job, cache_dir), file_sha256(job.output).encode())


def _output_hash_path(job: Job, cache_dir: Path) -> Path:
    name = hashlib.sha256(os.fsencode(job.output.resolve())).hexdigest()[:32]
    return cache_dir / OUTPUT_HASHES_FOLDER / f"{name}.sha256"


@dataclass
class NoticeCachePolicy(CachePolicy):
    """Prefect's cache policy for a task called with `job` and `options` (see the module)."""

    def compute_key(self, task_ctx: TaskRunContext, inputs: dict[str, Any],
                    flow_parameters: dict[str, Any], **kwargs: Any) -> str | None:
        return notice_cache_key(inputs["job"], inputs["options"])
