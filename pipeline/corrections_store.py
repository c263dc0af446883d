"""A notice's corrections file: what it holds, how it is read, and how it is changed (one
writer at a time, compare-and-set, an audit log).

A file that cannot be read or validated raises `CorrectionsInvalid` with
what to repair; `pipeline.corrections` reports it and extracts without it.

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

import codecs
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jsonpointer import JsonPointer, JsonPointerException
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

# The version of a notice that has no corrections file yet.
NO_FILE_VERSION = "none"
# Hex digits of the file's SHA-256 that make its version: enough to tell any two saves apart.
VERSION_DIGITS = 16
LOG_SUFFIX = ".log.jsonl"
# Fields no correction may change: they address the record (ids), say where its values came
# from (provenance) or hold its applied corrections.
PROTECTED_FIELDS = frozenset({"id", "parent", "sources", "corrections"})
# A field of this name anywhere inside a record is provenance (an amount's span).
PROTECTED_INNER_FIELDS = frozenset({"span"})


class CorrectionEntry(BaseModel):
    """One reviewer's correction of one field: a JSON Patch on the record, guarded by a test."""

    model_config = ConfigDict(extra="forbid")

    record: str = Field(description="id of the record, e.g. '<notice_id>/catalogue/12'")
    patch: list[dict[str, Any]] = Field(description="RFC 6902: a test of the extracted value, "
                                                    "then the change")
    author: str
    at: str = Field(description="when the correction was made, ISO 8601")
    note: str | None = None

    @field_validator("patch")
    @classmethod
    def _starts_with_test(cls, patch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(patch) < 2 or patch[0].get("op") != "test" or "value" not in patch[0]:
            raise ValueError("a correction's patch is a test of the extracted value, then the change")
        for operation in patch:
            for key in ("path", "from"):
                if key in operation:
                    protected_field_refusal(operation[key])
        return patch

    @property
    def field(self) -> str:
        """The field the patch guards and changes (the path of its test)."""
        return self.patch[0]["path"]

    @property
    def expected(self) -> Any:
        """The value the pipeline extracted when the correction was made."""
        return self.patch[0]["value"]


class CorrectionsInvalid(ValueError):
    """A corrections file that cannot be read or validated; the message says why."""


class CorrectionFile(BaseModel):
    """Every correction of one notice, in the order they were made."""

    model_config = ConfigDict(extra="forbid")

    notice_id: str
    source_path: str
    source_sha256: str
    corrections: list[CorrectionEntry] = Field(default_factory=list)


# --- reading ---------------------------------------------------------------------------


def corrections_path(corrections_dir: Path, notice_id: str) -> Path:
    return corrections_dir / f"{notice_id}.json"


def corrections_for(corrections_dir: Path, notice_id: str) -> CorrectionFile | None:
    """The notice's stored corrections, or None when it has none.

    Raises `CorrectionsInvalid` when the file is there but cannot be used.
    """
    path = corrections_path(corrections_dir, notice_id)
    return read_corrections_file(path) if path.exists() else None


def read_corrections_file(path: Path) -> CorrectionFile:
    return parse_corrections_file(path.name, _read_bytes(path))


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CorrectionsInvalid(f"corrections file {path.name}: cannot be read "
                                 f"({error.strerror or error})") from None


def parse_corrections_file(name: str, raw: bytes) -> CorrectionFile:
    """The corrections in a file's bytes, or `CorrectionsInvalid` saying what to repair.

    >>> parse_corrections_file("x.json", b"")
    Traceback (most recent call last):
    ...
    pipeline.corrections_store.CorrectionsInvalid: corrections file x.json: the file is empty
    """
    if not raw.strip():
        raise CorrectionsInvalid(f"corrections file {name}: the file is empty")
    if raw.startswith(codecs.BOM_UTF8):
        # Read as it is, the BOM would hide the corrections from any other JSON tool too.
        raise CorrectionsInvalid(f"corrections file {name}: it starts with a byte-order mark; "
                                 "save it as UTF-8 without one")
    try:
        return CorrectionFile.model_validate_json(raw)
    except ValidationError as error:
        first = error.errors()[0]
        location = "/".join(str(part) for part in first["loc"])
        where = f" at {location}" if location else ""
        raise CorrectionsInvalid(f"corrections file {name}: invalid{where}: "
                                 f"{first['msg']}") from None


def protected_field_refusal(field: str) -> None:
    """Raise ValueError when `field` (a JSON Pointer) is or lies inside a protected field.

    >>> protected_field_refusal("/amounts/0/value")
    >>> protected_field_refusal("/amounts/0/span/start")
    Traceback (most recent call last):
    ...
    ValueError: /amounts/0/span/start cannot be corrected: it is an id or provenance
    """
    try:
        parts = JsonPointer(field).parts
    except JsonPointerException as error:
        raise ValueError(f"{field!r} is not a JSON Pointer: {error}") from None
    if not parts:  # the whole record, its id and provenance with it
        raise ValueError("a correction changes a field of the record, not the whole record")
    if parts[0] in PROTECTED_FIELDS or PROTECTED_INNER_FIELDS & set(parts[1:]):
        raise ValueError(f"{field} cannot be corrected: it is an id or provenance")



# --- changing ---------------------------------------------------------------------------



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
