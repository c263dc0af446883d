"""A chunk of notices, the flow's unit of work: how a batch is cut, and what one chunk does.

Prefect's bookkeeping costs about as much per task as extracting a notice,
so the flow runs one task per chunk of a few hundred notices, and inside a
chunk everything is a plain function call: the library's own batch runner
(`pipeline.run.run_jobs`), and the cache's store of each outcome
(flows/cache.py). The flow checks the cache for the whole batch before it
cuts the chunks, so only changed notices go to the workers (and a run where
nothing changed starts none). Plain functions, tested without Prefect.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

from flows.cache import OutcomeCache, notice_cache_key
from pipeline.model import NoticeOutcome
from pipeline.run import Job, RunOptions, run_jobs

# The largest chunk: a few hundred notices, a minute or two of one core's work.
MAX_CHUNK = 250
# The smallest chunk (but of a batch smaller than it): a chunk task costs Prefect about 0.2 s
# of CPU, ten notices.
MIN_CHUNK = 25


def chunk_sizes(total: int, workers: int, largest: int = MAX_CHUNK,
                smallest: int = MIN_CHUNK) -> list[int]:
    """How many notices each chunk takes, in order: large first, small at the end.

    Each chunk takes what is left per worker ("guided" scheduling): every
    worker gets work from the start, and the last chunks are small, so no
    worker is left with a long chunk while the others wait. A batch of n
    notices is cut in about log2(n / smallest) + n / largest chunks.

    >>> chunk_sizes(1000, 2)
    [250, 250, 250, 125, 63, 31, 31]
    >>> chunk_sizes(30, 2), chunk_sizes(0, 2)
    ([30], [])
    """
    sizes: list[int] = []
    left = total
    while left > 0:
        size = math.ceil(left / max(workers, 1))
        size = min(max(size, smallest), largest, left)
        if left - size < smallest and left <= largest:
            size = left  # a remainder smaller than a chunk goes with this one
        sizes.append(size)
        left -= size
    return sizes


def cut_into_chunks(jobs: list[Job], workers: int) -> list[list[Job]]:
    """The jobs in order, cut as `chunk_sizes` says."""
    chunks, start = [], 0
    for size in chunk_sizes(len(jobs), workers):
        chunks.append(jobs[start:start + size])
        start += size
    return chunks


def cached_outcomes(jobs: Iterable[Job], options: RunOptions, cache_dir: Path, refresh: bool = False
                    ) -> tuple[list[NoticeOutcome | None], list[tuple[Job, str | None]]]:
    """Each notice's stored outcome if nothing that makes its output changed (None: extract
    it), and the notices to extract with their cache keys. `refresh` reuses nothing. The
    flow asks this once, for the whole batch, and sends only those to the chunks; a job
    whose outcome is reused is not held past its check."""
    cache = OutcomeCache(cache_dir)
    stored: list[NoticeOutcome | None] = []
    changed: list[tuple[Job, str | None]] = []
    for job in jobs:
        key = notice_cache_key(job, options)
        stored.append(None if refresh else cache.reusable(job, key))
        if stored[-1] is None:
            changed.append((job, key))
    return stored, changed


def extract_chunk(jobs: list[Job], keys: list[str | None], options: RunOptions,
                  cache_dir: Path) -> list[NoticeOutcome]:
    """Extract the notices of a chunk, in order, each stored under its key (`cached_outcomes`).

    Each outcome is stored as soon as its notice is written, under the key of
    what was read when the run checked the cache, so a chunk cut short keeps
    what it did. A notice that fails is a failed outcome, never the chunk's failure.
    """
    cache = OutcomeCache(cache_dir)
    key_of = {id(job): key for job, key in zip(jobs, keys, strict=True)}
    return run_jobs(jobs, options,
                    on_outcome=lambda job, outcome: cache.store(job, key_of[id(job)], outcome))
