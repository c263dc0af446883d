"""Each notice parsed under a watchdog: a worker process, killed past a time or memory limit.

One hostile file (a PDF whose references loop, a zip bomb, a table span of a
billion columns) must not hang a batch of thousands or take the machine's
memory. As Apache Tika's forked parser does, the parse runs in a worker
process that the batch's process watches: past `Limits.time_s` or
`Limits.memory_mb` the worker is killed, the notice gets `E013_timeout` or
`E014_too_large` naming the limit, and the batch goes on with a new worker.

The worker is long-lived (started once per thread that reads notices,
reused for its every notice, restarted only after a kill), so a normal
notice pays two pipe messages, not a process start; threads of one process,
each with its own worker, read notices in parallel. The watchdog samples
the worker's resident memory against the limit; its address space is also
capped (`RLIMIT_AS`, a few times the limit, since native libraries reserve
far more than they touch), so a runaway allocation fails inside the worker
(`MemoryError`, which the job turns into `E014_too_large`). A long read
that makes progress (a scan read by OCR, page by page) says so
(`still_working`), and its time limit starts again.

The worker is a plain subprocess (`python -m pipeline.guard`), not a
multiprocessing child: it works the same under a process pool, a thread
pool or a Dask worker (whose daemon processes may not fork children of their
own), and it exits by itself when the thread that started it goes away
(`die_with_parent`), or its input pipe closes.
"""
from __future__ import annotations

import atexit
import ctypes
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pipeline.errors import ExtractionError
from pipeline.model import NoticeOutcome, RunStatus
from pipeline.write import temporaries_of

# Defaults that fit a real notice with room to spare: the longest sample (a 200-page PDF)
# reads in about 25 s and 70 MiB.
DEFAULT_TIME_S = 60.0
DEFAULT_MEMORY_MB = 1536
# How often the watchdog looks at the worker's clock and resident memory.
POLL_S = 0.1
# A worker imports the pipeline before its first notice; that is not the notice's time.
STARTUP_TIMEOUT_S = 120.0
# A worker that died with resident memory past this share of the limit died of it.
NEAR_LIMIT = 0.8
# The address space a worker may reserve, as a multiple of its memory limit: native libraries
# (onnxruntime's arenas, thread stacks) reserve far more than they touch, and the resident
# memory, which the watchdog checks against the limit itself, is what the machine pays.
ADDRESS_SPACE_PER_MEMORY = 4
_HEADER = struct.Struct("!Q")  # the byte length of each pickled message
_READY = "ready"
# Sent by a worker between the steps of a long notice (a page read by OCR): not stuck.
_STILL_WORKING = "still working"
# prctl(2) option: the signal this process gets when the thread that started it ends.
_PR_SET_PDEATHSIG = 1
# The worker's pipe to its watchdog, inside a worker; None in any other process.
_replies: Any = None


class Limits(BaseModel):
    """What one notice may take: seconds of wall time, MiB of memory (its worker's)."""

    time_s: float = DEFAULT_TIME_S
    memory_mb: int = DEFAULT_MEMORY_MB

    def describe(self) -> str:
        """
        >>> Limits().describe()
        '60 s, 1536 MiB'
        """
        return f"{self.time_s:g} s, {self.memory_mb} MiB"


def run_guarded(job: Any, options: Any, limits: Limits) -> NoticeOutcome:
    """`pipeline.run.process_job_here(job, options)` in a worker under `limits`.

    The outcome is the worker's, or `E013_timeout` / `E014_too_large` (or
    `E011_corrupt` when a library crashed the worker) when it had to stop.
    """
    worker = _take_worker(limits)
    try:
        outcome = worker.run(job, options)
    except _Stopped as stop:
        worker.kill()
        _remove_partial_outputs(Path(job.output))
        return NoticeOutcome(path=str(job.path), status=RunStatus.failure,
                             error_code=stop.error.code, error=str(stop.error))
    if outcome.error_code == "E014_too_large":
        worker.kill()  # a MemoryError may leave the worker's state half-built
    _give_back(worker)
    return outcome


class _Stopped(Exception):
    """The worker had to be stopped on this notice; `error` says why."""

    def __init__(self, error: ExtractionError):
        super().__init__(str(error))
        self.error = error


class _Worker:
    """One worker process and the watchdog's view of it."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.thread = threading.get_ident()  # the worker ends with this thread (`die_with_parent`)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipeline.guard", str(limits.memory_mb)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None, close_fds=True)
        self.ready = False

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, job: Any, options: Any) -> NoticeOutcome:
        if not self.ready:
            self._wait_for(_READY, job, STARTUP_TIMEOUT_S, starting=True)
            self.ready = True
        try:
            _send(self.process.stdin, (job, options))
        except (BrokenPipeError, OSError):
            raise _Stopped(self._death(job, peak_mb=0.0)) from None
        return self._wait_for(None, job, self.limits.time_s)

    def _wait_for(self, expected: Any, job: Any, timeout_s: float, starting: bool = False) -> Any:
        started = time.monotonic()
        peak_mb = 0.0
        stream = self.process.stdout
        while True:
            readable, _, _ = select.select([stream], [], [], POLL_S)
            if readable:
                message = _receive(stream)
                if message is None:  # end of stream: the worker died
                    raise _Stopped(self._death(job, peak_mb))
                if message == _STILL_WORKING:
                    started = time.monotonic()
                    continue
                if expected is not None and message != expected:
                    raise RuntimeError(f"the guard's worker said {message!r}, not {expected!r}")
                return message
            peak_mb = max(peak_mb, _resident_mb(self.process.pid))
            if peak_mb > self.limits.memory_mb:
                raise _Stopped(too_large(job.path, self.limits))
            if time.monotonic() - started > timeout_s:
                if starting:
                    raise RuntimeError(f"the guard's worker did not start in {timeout_s:g} s")
                raise _Stopped(timed_out(job.path, self.limits))

    def _death(self, job: Any, peak_mb: float) -> ExtractionError:
        code = self.process.wait()
        if peak_mb > NEAR_LIMIT * self.limits.memory_mb or code == -signal.SIGKILL:
            return too_large(job.path, self.limits)
        how = f"signal {-code}" if code < 0 else f"exit status {code}"
        return ExtractionError("E011_corrupt", f"{job.path}: a reader library crashed ({how})")

    def kill(self) -> None:
        if self.alive:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def close(self) -> None:
        """Ask the worker to exit (end of its input), and make sure it does."""
        try:
            self.process.stdin.close()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()


def timed_out(path: Any, limits: Limits) -> ExtractionError:
    return ExtractionError("E013_timeout", f"{path}: not read within the time limit of "
                                           f"{limits.time_s:g} s")


def too_large(path: Any, limits: Limits) -> ExtractionError:
    return ExtractionError("E014_too_large", f"{path}: reading it took more than the memory "
                                             f"limit of {limits.memory_mb} MiB")


def _remove_partial_outputs(output: Path) -> None:
    """The temporary files a killed worker may leave beside the output (see pipeline.write)."""
    if output.parent.is_dir():
        for partial in temporaries_of(output):
            partial.unlink(missing_ok=True)


# --- idle workers, one per thread that uses them ---------------------------------------

_idle: list[_Worker] = []
_lock = threading.Lock()


def _take_worker(limits: Limits) -> _Worker:
    """This thread's idle worker for these limits, or a new one."""
    with _lock:
        ended = [worker for worker in _idle if not worker.alive]  # their threads have ended
        _idle[:] = [worker for worker in _idle if worker.alive]
        mine = next((worker for worker in _idle if worker.limits == limits
                     and worker.thread == threading.get_ident()), None)
        if mine is not None:
            _idle.remove(mine)
    for worker in ended:
        worker.kill()  # reaped, its pipes closed
    return mine or _Worker(limits)


def _give_back(worker: _Worker) -> None:
    if worker.alive:
        with _lock:
            _idle.append(worker)


@atexit.register
def close_workers() -> None:
    """Stop every idle worker (also run at exit)."""
    with _lock:
        workers, _idle[:] = list(_idle), []
    for worker in workers:
        worker.close()


# --- the pipe between the watchdog and its worker ---------------------------------------


def _send(stream: Any, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream: Any) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


def _resident_mb(pid: int) -> float:
    """The process's resident memory (Linux /proc; 0 where it cannot be read)."""
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


# --- the worker's side ------------------------------------------------------------------


def still_working() -> None:
    """Tell the watchdog that the notice is slow, not stuck: its time limit starts again.

    Called after each step of a long read (a page read by OCR); nothing outside a worker.
    """
    if _replies is not None:
        _send(_replies, _STILL_WORKING)


def die_with_parent() -> None:
    """Ask the kernel to stop this process when its parent ends, even by kill -9 (Linux)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the parent's own shutdown must do
        pass


def cap_memory(memory_mb: int) -> None:
    """Cap this process's address space, so that a runaway allocation fails here."""
    limit = memory_mb * ADDRESS_SPACE_PER_MEMORY * 2 ** 20
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):  # a system that refuses the cap: the RSS watch still holds
        pass


def worker_main(memory_mb: int) -> None:
    """Read (job, options) messages, answer each with its outcome, until the input ends.

    The worker ends with the thread that started it: at once if that thread's process
    is killed (its pipe would close only once a notice stuck in a loop is done, never).
    """
    global _replies
    die_with_parent()
    replies = _replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a library's print must not break the pipe
    requests = sys.stdin.buffer
    from pipeline.ingest import READERS, reader_for
    from pipeline.run import process_job_here

    for fmt in READERS:  # the worker pays the imports once, not its first notice of each format
        reader_for(fmt)
    cap_memory(memory_mb)
    _send(replies, _READY)
    while (message := _receive(requests)) is not None:
        job, options = message
        _send(replies, process_job_here(job, options))


if __name__ == "__main__":
    # Run as pipeline.guard, not __main__: the readers' `still_working` must see this worker's pipe.
    from pipeline.guard import worker_main as run_worker

    run_worker(int(sys.argv[1]))
