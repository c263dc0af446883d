"""Where the chunk tasks run, and how a batch of thousands goes through them.

Parsing a notice is CPU-bound Python, so by default tasks run in a pool of
worker processes, one a core (Prefect's `ProcessPoolTaskRunner`); threads
share one core under the GIL. A Dask cluster spreads the work over machines:
an existing one by its address, or a local one started for the run. Worker
processes live for the whole run, so each loads spaCy and the vocabulary
(cached in the library's modules) once, not once a chunk.

Notices go to the runner in chunks (flows/chunks.py), a bounded number in
flight, so the flow holds a few futures whatever the size of the run, and
progress is logged as chunks finish. Plain functions, tested without a flow.
"""
from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from prefect.futures import PrefectFuture
from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED, temporary_settings
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from flows.chunks import ChunkOutcome
from flows.server import die_with_parent
from pipeline.errors import ExtractionError
from pipeline.model import NoticeOutcome, RunStatus
from pipeline.run import Job

RUNNERS = ("threads", "processes", "dask")
DEFAULT_RUNNER = "processes"
# A Dask cluster started for the run when no address is given: one task at a time per worker process.
LOCAL_DASK_CLUSTER = {"n_workers": 2, "threads_per_worker": 1}
# Threads mostly wait on Prefect's API (parsing holds the GIL): a few per core keep it busy.
THREADS_PER_CORE = 4
# Chunk tasks submitted and not yet read, per worker: enough to keep each busy, few to hold.
CHUNKS_IN_FLIGHT_PER_WORKER = 2


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
                     workers: int | None = None) -> TaskRunner:
    """A new, unstarted task runner of that name (see `runner_name`).

    `workers`: processes of the pool (default: one a core) or of the local
    Dask cluster (default: two); a remote cluster has the workers it has.
    """
    cores = workers or os.cpu_count() or 1
    if name == "threads":
        return ThreadPoolTaskRunner(max_workers=cores * THREADS_PER_CORE)
    if name == "processes":
        # A worker outlives a killed flow otherwise, waiting on its queue for ever.
        return ProcessPoolTaskRunner(max_workers=cores, initializer=die_with_parent)
    if name == "dask":
        from prefect_dask import DaskTaskRunner  # imports distributed: only when asked for

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={**LOCAL_DASK_CLUSTER,
                                              **({"n_workers": workers} if workers else {})})
    raise ValueError(f"unknown task runner {name!r}: choose one of {', '.join(RUNNERS)}")


def runner_workers(task_runner: TaskRunner) -> int:
    """How many tasks the started runner runs at once: what chunks are sized by."""
    if isinstance(task_runner, ProcessPoolTaskRunner):
        return task_runner._max_workers
    if isinstance(task_runner, ThreadPoolTaskRunner):
        return 1  # threads share one core: more chunks would not go faster
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


# --- a batch of thousands in bounded pieces -----------------------------------------------


SubmitChunk = Callable[[list[Job]], PrefectFuture[ChunkOutcome]]


def run_in_chunks(submit: SubmitChunk, chunks: list[list[Job]],
                  in_flight: int) -> Iterator[tuple[list[Job], ChunkOutcome]]:
    """Each chunk with its outcome, in the chunks' order, at most `in_flight` submitted and unread.

    The flow holds a bounded number of futures whatever the size of the run,
    and the workers always have work queued while the flow reads results. A
    chunk whose task crashed (its worker died, say) gives each of its notices
    a failed outcome.
    """
    pending: deque[tuple[list[Job], PrefectFuture[ChunkOutcome]]] = deque()
    for chunk in chunks:
        pending.append((chunk, submit(chunk)))
        if len(pending) >= in_flight:
            yield _outcome(*pending.popleft())
    while pending:
        yield _outcome(*pending.popleft())


def _outcome(chunk: list[Job], future: PrefectFuture[ChunkOutcome]) -> tuple[list[Job], ChunkOutcome]:
    try:
        result = future.result(raise_on_failure=False)
    except Exception as error:  # the worker itself failed, e.g. its process died
        result = error
    if not isinstance(result, ChunkOutcome):
        result = ChunkOutcome(outcomes=[crashed(job, result) for job in chunk],
                              reused=[False] * len(chunk))
    return chunk, result


def crashed(job: Job, error: object) -> NoticeOutcome:
    """A task that failed in Prefect rather than in the pipeline, as the notice's failure."""
    failure = ExtractionError("E008_internal", f"the task crashed: {type(error).__name__}: {error}")
    return NoticeOutcome(path=str(job.path), status=RunStatus.failure, error_code=failure.code,
                         error=str(failure))
