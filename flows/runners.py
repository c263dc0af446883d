"""Where the chunk tasks run, and how a batch of thousands goes through them.

Every notice is parsed in a worker process of the guard's (pipeline/guard.py),
one for each thread that drives it, so the default runner is a pool of
threads in the flow's process, one a core (Prefect's `ThreadPoolTaskRunner`):
each thread keeps one core parsing in its own guarded worker, and Prefect's
bookkeeping stays in one process. (Prefect's process pool would put a second
process in front of each guarded one, and pay Prefect's start in each:
measured, 7 s of CPU a pool worker on a thousand notices.) A Dask cluster spreads the work over
machines: an existing one by its address, or a local one started for the
run. The guard's workers live for the whole run, so each loads spaCy and the
vocabulary once, not once a chunk.

Notices go to the runner in chunks (flows/chunks.py), a bounded number in
flight, so the flow holds a few futures whatever the size of the run; each
chunk is read, and progress logged, as soon as it finishes. Plain functions,
tested without a flow.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from queue import SimpleQueue

from prefect.futures import PrefectFuture
from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED, temporary_settings
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from pipeline.errors import ExtractionError
from pipeline.model import NoticeOutcome, RunStatus
from pipeline.run import Job

RUNNERS = ("processes", "dask")
DEFAULT_RUNNER = "processes"
# A Dask cluster started for the run when no address is given: one task at a time per worker process.
LOCAL_DASK_CLUSTER = {"n_workers": 2, "threads_per_worker": 1}
# Chunk tasks submitted and not yet read, per worker: enough to keep each busy, few to hold.
CHUNKS_IN_FLIGHT_PER_WORKER = 2


def runner_name(requested: str | None, dask_address: str | None) -> str:
    """The runner to use: the one asked for, else dask when an address is given, else processes.

    >>> runner_name(None, None), runner_name(None, "tcp://10.0.0.5:8786"), runner_name("dask", None)
    ('processes', 'dask', 'dask')
    """
    name = requested or ("dask" if dask_address else DEFAULT_RUNNER)
    if name not in RUNNERS:
        raise ValueError(f"unknown task runner {name!r}: choose one of {', '.join(RUNNERS)}")
    if dask_address and name != "dask":
        raise ValueError(f"a Dask address needs the dask runner, not {name!r}")
    return name


def make_task_runner(name: str, dask_address: str | None = None,
                     workers: int | None = None) -> TaskRunner:
    """A new, unstarted task runner of that name (see `runner_name`).

    `workers`: guarded worker processes (default: one a core), or those of the
    local Dask cluster (default: two); a remote cluster has the workers it has.
    """
    if name == "processes":
        # A thread each: the worker process it drives is the guard's (see the module's docstring).
        return ThreadPoolTaskRunner(max_workers=workers or os.cpu_count() or 1)
    if name == "dask":
        from prefect_dask import DaskTaskRunner  # imports distributed: only when asked for

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={**LOCAL_DASK_CLUSTER,
                                              **({"n_workers": workers} if workers else {})})
    raise ValueError(f"unknown task runner {name!r}: choose one of {', '.join(RUNNERS)}")


def runner_workers(task_runner: TaskRunner) -> int:
    """How many tasks the started runner runs at once: what chunks are sized by."""
    if isinstance(task_runner, ThreadPoolTaskRunner):
        return task_runner._max_workers
    client = getattr(task_runner, "client", None)  # Dask: the cluster's threads, local or remote
    if client is not None:
        return max(sum(client.nthreads().values()), 1)
    return os.cpu_count() or 1


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


class unwalked(quote):
    """A task parameter Prefect hands over as it is, without walking into it.

    Unquoted, Prefect walks every field of every job of a chunk looking for
    futures, twice a task. Prefect's own `quote`, a tuple subclass, comes back
    from pickling (to a Dask worker) wrapping a tuple of its value; this one
    comes back as it went.

    >>> import pickle
    >>> pickle.loads(pickle.dumps(unwalked([1, 2]))).unquote()
    [1, 2]
    """

    __slots__ = ()

    def __reduce__(self):
        return type(self), (self.unwrap(),)


# --- a batch of thousands in bounded pieces -----------------------------------------------


SubmitChunk = Callable[[list[Job]], PrefectFuture[list[NoticeOutcome]]]


def run_in_chunks(submit: SubmitChunk, chunks: list[list[Job]],
                  in_flight: int) -> Iterator[tuple[int, list[NoticeOutcome]]]:
    """Each chunk's index and outcomes as the chunk finishes, at most `in_flight` submitted
    and unread.

    The flow holds a bounded number of futures whatever the size of the run,
    and a worker that finishes gets the next chunk at once: read in the
    chunks' order, a long chunk would keep the next one from being submitted
    while the other workers wait. A chunk whose task crashed (its worker
    died, say) gives each of its notices a failed outcome.
    """
    finished: SimpleQueue[int] = SimpleQueue()  # indexes, put by the futures' done callbacks
    pending: dict[int, PrefectFuture[list[NoticeOutcome]]] = {}
    upcoming = iter(enumerate(chunks))

    def submit_next() -> None:
        for index, chunk in islice(upcoming, 1):
            pending[index] = future = submit(chunk)
            future.add_done_callback(lambda _, index=index: finished.put(index))

    for _ in range(in_flight):
        submit_next()
    while pending:
        index = finished.get()
        outcomes = _outcomes(chunks[index], pending.pop(index))
        submit_next()
        yield index, outcomes


def _outcomes(chunk: list[Job], future: PrefectFuture[list[NoticeOutcome]]) -> list[NoticeOutcome]:
    try:
        result = future.result(raise_on_failure=False)
    except Exception as error:  # the worker itself failed, e.g. its process died
        result = error
    if not isinstance(result, list):
        result = [crashed(job, result) for job in chunk]
    return result


def crashed(job: Job, error: object) -> NoticeOutcome:
    """A task that failed in Prefect rather than in the pipeline, as the notice's failure."""
    failure = ExtractionError("E008_internal", f"the task crashed: {type(error).__name__}: {error}")
    return NoticeOutcome(path=str(job.path), status=RunStatus.failure, error_code=failure.code,
                         error=str(failure))
