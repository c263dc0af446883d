"""Where the extract tasks run, and how a batch of thousands goes through them.

Parsing a notice is CPU-bound Python, so by default tasks run in a pool of
worker processes, one a core (Prefect's `ProcessPoolTaskRunner`); threads
share one core under the GIL. A Dask cluster spreads the work over machines:
an existing one by its address, or a local one started for the run.

Notices go to the runner in batches of a few dozen, a bounded number in
flight, so the flow holds a few futures whatever the size of the run, and
progress is logged as batches finish. Plain functions, tested without a flow.
"""
from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from prefect.futures import PrefectFuture
from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED, temporary_settings
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from pipeline.errors import ExtractionError
from pipeline.model import NoticeOutcome, RunStatus
from pipeline.run import Job

RUNNERS = ("threads", "processes", "dask")
DEFAULT_RUNNER = "processes"
# A Dask cluster started for the run when no address is given: one task at a time per worker process.
LOCAL_DASK_CLUSTER = {"n_workers": 2, "threads_per_worker": 1}
# Threads mostly wait on Prefect's API (parsing holds the GIL): a few per core keep it busy.
THREADS_PER_CORE = 4
# Notices a task extracts, one nested task each: the cost of starting a task is paid once for them.
BATCH_SIZE = 25
# Batch tasks submitted and not yet read: enough to keep every worker busy, few enough to hold.
BATCHES_IN_FLIGHT = 8
# A progress line every this many notices.
PROGRESS_EVERY = 100


def runner_name(requested: str | None, dask_address: str | None) -> str:
    """The runner to use: the one asked for, else dask when an address is given, else processes.

    >>> runner_name(None, None), runner_name(None, "tcp://10.0.0.5:8786"), runner_name("threads", None)
    ('processes', 'dask', 'threads')
    """
    name = requested or ("dask" if dask_address else DEFAULT_RUNNER)
    if name not in RUNNERS:
        raise ValueError(f"unknown task runner {name!r}: choose one of {', '.join(RUNNERS)}")
    if dask_address and name != "dask":
        raise ValueError(f"a Dask address needs the dask runner, not {name!r}")
    return name


def make_task_runner(name: str, dask_address: str | None = None,
                     cores: int | None = None) -> TaskRunner:
    """A new, unstarted task runner of that name (see `runner_name`)."""
    cores = cores or os.cpu_count() or 1
    if name == "threads":
        return ThreadPoolTaskRunner(max_workers=cores * THREADS_PER_CORE)
    if name == "processes":
        return ProcessPoolTaskRunner(max_workers=cores)
    if name == "dask":
        from prefect_dask import DaskTaskRunner  # imports distributed: only when asked for

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs=dict(LOCAL_DASK_CLUSTER))
    raise ValueError(f"unknown task runner {name!r}: choose one of {', '.join(RUNNERS)}")


@contextmanager
def workers_share_the_api() -> Iterator[None]:
    """Tasks in other processes report to the flow's API, not to temporary servers of their own.

    Without PREFECT_API_URL, Prefect starts a temporary local server for the
    flow; the settings passed to worker processes do not name it, so each
    worker would start another one and its task runs would be lost to the
    flow's server. Naming the flow's server for the run fixes that. (A remote
    Dask cluster cannot reach a temporary server on this machine: give it
    PREFECT_API_URL of a real server.)
    """
    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the one Prefect started for this process's client
    server.start()  # a no-op when it runs already
    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        yield


# --- a batch of thousands in bounded pieces -----------------------------------------------


SubmitBatch = Callable[[list[Job]], PrefectFuture[list[NoticeOutcome]]]


def run_in_batches(submit: SubmitBatch, jobs: list[Job], batch_size: int = BATCH_SIZE,
                   in_flight: int = BATCHES_IN_FLIGHT) -> Iterator[NoticeOutcome]:
    """Outcomes in the jobs' order, submitting `batch_size` jobs a task.

    Starting a task in a worker process costs Prefect about 0.2 s (it
    rebuilds its settings and clients), twenty times the work of a notice:
    a task per batch pays it once for many notices. At most `in_flight`
    batches are submitted and not yet read, so the flow holds a bounded
    number of futures whatever the size of the run, and the workers always
    have work queued while the flow reads results.
    """
    pending: deque[tuple[list[Job], PrefectFuture[list[NoticeOutcome]]]] = deque()
    for start in range(0, len(jobs), batch_size):
        batch = jobs[start:start + batch_size]
        pending.append((batch, submit(batch)))
        if len(pending) >= in_flight:
            yield from _outcomes(*pending.popleft())
    while pending:
        yield from _outcomes(*pending.popleft())


def _outcomes(batch: list[Job], future: PrefectFuture[list[NoticeOutcome]]) -> list[NoticeOutcome]:
    try:
        result = future.result(raise_on_failure=False)
    except Exception as error:  # the worker itself failed, e.g. its process died
        result = error
    if isinstance(result, list):
        return result
    return [crashed(job, result) for job in batch]


def crashed(job: Job, error: object) -> NoticeOutcome:
    """A task that failed in Prefect rather than in the pipeline, as the notice's failure."""
    failure = ExtractionError("E008_internal", f"the task crashed: {type(error).__name__}: {error}")
    return NoticeOutcome(path=str(job.path), status=RunStatus.failure, error_code=failure.code,
                         error=str(failure))


@dataclass
class Progress:
    """Counts as outcomes arrive, and a line to log every `every` notices and at the end."""

    total: int
    every: int = PROGRESS_EVERY
    done: int = 0
    failed: int = 0
    started: float = field(default_factory=time.monotonic)

    def add(self, outcome: NoticeOutcome) -> str | None:
        self.done += 1
        self.failed += outcome.status is RunStatus.failure
        if self.done % self.every == 0 or self.done == self.total:
            return self.line()
        return None

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        return (f"{self.done}/{self.total} notices, {self.failed} failed, "
                f"{self.done / elapsed:.1f} notices/s")
