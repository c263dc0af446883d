"""Output files: written whole or not at all, a summary of the run and the folder's run history.

A file is written to a temporary file in its folder, flushed to disk
(`fsync`), renamed into place, and the folder flushed too, so a crash or a
power cut leaves the old file or the new one, never a torn one. Temporary
names are short (`.ec-<8 hex>.tmp`), so an output whose name is as long as
the file system allows still has room for one; a run killed mid-write
leaves at most such a file, which the next run into the folder removes
(`remove_temporaries`). Files get the modes the umask gives (0644 under the
usual 022), like any other program's output.

A folder that cannot take a file (read-only, full, a name too long) is the
coded error `E015_output_unwritable` naming the folder, never a traceback.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import secrets
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.errors import ExtractionError
from pipeline.model import SCHEMA_VERSION, NoticeOutcome, RunRecord, RunStatus

# Temporary files: `.ec-<hex>.tmp` now; `.<name>.*.tmp` was written by earlier versions.
TEMP_PREFIX = ".ec-"
TEMP_SUFFIX = ".tmp"
TEMP_GLOBS = (f"{TEMP_PREFIX}*{TEMP_SUFFIX}", ".*.json.*.tmp")
# A temporary name holds hex digits of its target's name (so the files a killed writer of one
# output left can be found: `temporaries_of`) and random ones (no two writers pick the same).
TEMP_HEX_DIGITS = 8
# Errors that say the folder cannot take the file, rather than a bug.
UNWRITABLE_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT,
                               errno.ENAMETOOLONG, errno.EFBIG, errno.ENOTDIR, errno.EEXIST})


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON to a temporary file beside `path`, then rename it into place.

    A reader never sees a half-written file, even if the run is killed.
    Raises `ExtractionError` E015_output_unwritable when the folder cannot
    take the file.
    """
    write_bytes_atomic(path, _encoded(json.dumps(data, ensure_ascii=False, indent=2) + "\n"))


def _encoded(text: str) -> bytes:
    # A name with bytes that are not UTF-8 is held with lone surrogates: write them as
    # JSON escapes (\udcff), which read back to the same name, rather than fail.
    return text.encode("utf-8", errors="backslashreplace")


def write_bytes_atomic(path: Path, payload: bytes | Iterable[bytes], durable: bool = True) -> None:
    """Write bytes, or pieces of bytes in turn, atomically (as `write_json_atomic`);
    `durable`: on disk before it returns, so the file survives a power cut too."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _replace(path, payload, durable)
    except OSError as error:
        if error.errno not in UNWRITABLE_ERRNOS:
            raise
        raise output_unwritable(path, error) from None


def output_unwritable(path: Path, error: OSError) -> ExtractionError:
    reason = error.strerror or str(error)
    if error.errno == errno.ENAMETOOLONG:
        reason += f" (the name {path.name!r} is {len(os.fsencode(path.name))} bytes)"
    return ExtractionError("E015_output_unwritable", f"{safe_text(path.parent)}: {reason}")


def _replace(path: Path, payload: bytes | Iterable[bytes], durable: bool) -> None:
    temporary = path.parent / (f"{_temporary_stem(path)}{secrets.token_hex(TEMP_HEX_DIGITS // 2)}"
                               f"{TEMP_SUFFIX}")
    # 0o666 less the umask, as open() gives any new file; mkstemp's 0600 hid outputs from others.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            for piece in [payload] if isinstance(payload, bytes) else payload:
                stream.write(piece)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if durable:
        _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    """Flush the folder's entry for the renamed file (a rename is durable only then)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return  # a folder that cannot be opened (some network file systems): the data is safe
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # not supported here
    finally:
        os.close(descriptor)


def _temporary_stem(path: Path) -> str:
    digest = hashlib.sha256(os.fsencode(path.name)).hexdigest()[:TEMP_HEX_DIGITS]
    return f"{TEMP_PREFIX}{digest}-"


def temporaries_of(path: Path) -> list[Path]:
    """The temporary files a writer of `path` left beside it (killed before its rename)."""
    return sorted(path.parent.glob(f"{_temporary_stem(path)}*{TEMP_SUFFIX}"))


def remove_temporaries(out_dir: Path) -> list[Path]:
    """Remove the temporary files a killed run left anywhere below `out_dir`; those removed.

    Call it only while holding the folder's run lock, so no running writer owns them.
    """
    removed = []
    if not out_dir.is_dir():
        return removed
    for pattern in TEMP_GLOBS:
        for path in out_dir.rglob(pattern):
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            removed.append(path)
    return removed


def safe_text(value: object) -> str:
    """A path or name as text that prints and encodes anywhere: undecodable bytes as \\xNN.

    >>> safe_text(Path(os.fsdecode(b"a\\xff.txt")))
    'a\\\\xff.txt'
    """
    text = str(value)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


RUN_SUMMARY_NAME = "_run_summary.json"
RUN_HISTORY_NAME = "_run_history.jsonl"


def run_summary_text(out_dir: Path, outcomes: list[NoticeOutcome], started: str, finished: str,
                     corrections_dir: Path | None) -> Iterator[str]:
    """The run summary's JSON, as `json.dumps(..., indent=2)` writes it, a notice at a time:
    a batch of thousands is never held as one text.

    Run metadata, kept apart from the records so that they stay byte-identical.
    Lists every input (absolute path), its output (relative to `out_dir`),
    status, counts, warnings, errors and corrections: what a reviewer or a
    data team looks at after a run.
    """
    root = out_dir.resolve()
    head = {"schema_version": SCHEMA_VERSION, "started": started, "finished": finished,
            "corrections_dir": str(corrections_dir.resolve()) if corrections_dir else None,
            "notices": []}
    opening, closing = json.dumps(head, ensure_ascii=False, indent=2).rsplit("[]", 1)
    yield opening + "["
    before = "\n    "  # each notice is an item of the list, two levels in
    for outcome in outcomes:
        entry = json.dumps(_summary_entry(root, outcome), ensure_ascii=False, indent=2)
        yield before + entry.replace("\n", "\n    ")
        before = ",\n    "
    yield ("\n  ]" if outcomes else "]") + closing + "\n"


def _summary_entry(root: Path, outcome: NoticeOutcome) -> dict[str, Any]:
    entry = outcome.model_dump(mode="json")
    entry["path"] = str(Path(outcome.path).resolve())
    if outcome.output:
        entry["output"] = Path(outcome.output).resolve().relative_to(root).as_posix()
    return entry


def write_run_summary(out_dir: Path, outcomes: list[NoticeOutcome], started: datetime,
                      finished: datetime, corrections_dir: Path | None) -> RunRecord | None:
    """Write the run summary to `OUT/_run_summary.json` and append the run to the folder's
    history (`pipeline.status`); the run as the history keeps it, or None when the folder
    cannot take the summary, which then goes to the terminal (stderr) instead."""
    times = started.isoformat(timespec="seconds"), finished.isoformat(timespec="seconds")
    try:
        write_bytes_atomic(out_dir / RUN_SUMMARY_NAME, map(_encoded, run_summary_text(
            out_dir, outcomes, *times, corrections_dir)))
    except ExtractionError as error:
        print(f"[{error.code}] the run summary could not be written: {error}\n"
              "The run summary follows:", file=sys.stderr)
        for text in run_summary_text(out_dir, outcomes, *times, corrections_dir):
            print(safe_text(text), end="", file=sys.stderr)
        sys.stderr.flush()
        return None
    history = read_history(out_dir)
    run = outcomes_to_run(outcomes, *times, history[-1] if history else None)
    append_run(out_dir, run)
    return run


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
