"""How a notice's corrections file is changed: one writer at a time, compare-and-set, an audit log.

Two reviewers may save corrections to one notice at the same moment, from
two browser tabs or two machines sharing the folder. Each save reads the
file, adds its correction and writes the file whole, so without care the
second write drops the first. Here every change happens while holding an
exclusive lock on the corrections folder (`flock` on the folder itself, so
no lock file is left behind; saves take milliseconds, so one lock for the
folder costs nothing), and a save may name the version of the file it was made against
(`file_version`): when the file changed since, the save is refused as a
conflict, so the reviewer sees the other change before deciding.

Every save is appended to `<notice_id>.log.jsonl` (one JSON object a line:
who, when, what, and the file's version after it), so nothing a reviewer
did is lost even when a later correction replaces it.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# The version of a notice that has no corrections file yet.
NO_FILE_VERSION = "none"
# Hex digits of the file's SHA-256 that make its version: enough to tell any two saves apart.
VERSION_DIGITS = 16
LOG_SUFFIX = ".log.jsonl"


def file_version(path: Path) -> str:
    """The version of a corrections file: a hash of its bytes, or `NO_FILE_VERSION`."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return NO_FILE_VERSION
    return hashlib.sha256(data).hexdigest()[:VERSION_DIGITS]


def log_path(path: Path) -> Path:
    """The audit log beside a corrections file: `<notice_id>.log.jsonl`."""
    return path.with_name(path.name.removesuffix(".json") + LOG_SUFFIX)


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the exclusive lock of a corrections file's folder; waits for another holder to finish.

    `flock` locks an open file, so two threads of one server exclude each
    other as two processes do; the kernel releases it when a holder dies.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def append_log(path: Path, event: dict[str, Any]) -> None:
    """Append one event to the audit log of a corrections file, on disk before returning."""
    line = json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n"
    with open(log_path(path), "a", encoding="utf-8") as stream:
        stream.write(line)
        stream.flush()
        os.fsync(stream.fileno())


def read_log(path: Path) -> list[dict[str, Any]]:
    """The audit log's events, oldest first (none when there is no log)."""
    try:
        lines = log_path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in lines if line.strip()]
