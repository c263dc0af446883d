"""One run per output folder at a time.

Two runs writing into one folder would overwrite each other's outputs of the
same names and each write a summary listing only its own notices. A run
therefore holds an exclusive `flock` on `OUT/_run.lock` (which names its
holder's pid) from start to end; a second run is refused at once with a
message naming the holder. The kernel drops the lock when its holder dies,
so the lock of a killed run is taken over by the next run without anyone
removing a file by hand; that run also removes the temporary files the
killed run left (`pipeline.write.remove_temporaries`).
"""
from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.write import remove_temporaries, safe_text

log = logging.getLogger(__name__)

LOCK_NAME = "_run.lock"
# Exit status of a command refused because another run holds the output folder.
EXIT_FOLDER_BUSY = 2


class OutputFolderBusy(Exception):
    """Another run holds the output folder's lock; the message names it."""


@contextmanager
def output_folder_lock(out_dir: Path) -> Iterator[None]:
    """Hold the run lock of `out_dir` while the block runs; `OutputFolderBusy` if another does.

    A folder that cannot be created or written is not locked: the run then
    reports `E015_output_unwritable` for its files instead.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        descriptor = _locked_descriptor(out_dir / LOCK_NAME)
    except OSError:
        descriptor = None
    try:
        if descriptor is not None:
            for path in remove_temporaries(out_dir):
                log.info("removed %s, left by a run that was stopped", safe_text(path))
        yield
    finally:
        if descriptor is not None:
            (out_dir / LOCK_NAME).unlink(missing_ok=True)  # unlinked while held: see _locked_descriptor
            os.close(descriptor)


def _locked_descriptor(path: Path) -> int:
    """An open, locked descriptor of the lock file, its content our pid."""
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(descriptor)
            os.close(descriptor)
            raise OutputFolderBusy(
                f"another run{holder} is writing into {safe_text(path.parent)}; wait for it to "
                f"finish or give another output folder") from None
        # A holder that finished unlinks the file after we opened it: lock the file now there.
        if _same_file(descriptor, path):
            break
        os.close(descriptor)
    previous = _holder(descriptor)
    if previous:
        log.info("taking over the run lock of %s left by a stopped run%s",
                 safe_text(path.parent), previous)
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
    return descriptor


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(descriptor).st_ino
    except FileNotFoundError:
        return False


def _holder(descriptor: int) -> str:
    """' (pid N)' from the lock file's content, or '' when it names none."""
    text = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip()
    return f" (pid {text})" if text.isdigit() else ""
