"""A chunk of notices, the flow's unit of work: how a batch is cut, and what one chunk does.

Prefect's bookkeeping costs about as much per task as extracting a notice,
so the flow runs one task per chunk of a few hundred notices, and inside a
chunk everything is a plain function call: each notice's cache check
(flows/cache.py), then the library's own batch runner (`pipeline.run.run_jobs`)
on the notices that changed. The flow checks the cache before it cuts the
chunks too, so that only changed notices go to the workers (and a run where
nothing changed starts none). Plain functions, tested without Prefect.
"""
from __future__ import annotations

import math
from pathlib import Path

from pydantic import BaseModel

from flows.cache import OutcomeCache, notice_cache_key
from pipeline.model import NoticeOutcome
from pipeline.run import Job, RunOptions, run_jobs

# The largest chunk: a few hundred notices, a minute or two of one core's work.
MAX_CHUNK = 250
# The smallest chunk (but the batch's last): a chunk task costs Prefect about 0.2 s, ten notices.
MIN_CHUNK = 25
# Chunks shrink as the batch runs down so that the workers finish together: each takes
# this share of what is left per worker ("guided" scheduling).
SHARE_OF_WHAT_IS_LEFT = 0.5


def chunk_sizes(total: int, workers: int, largest: int = MAX_CHUNK,
                smallest: int = MIN_CHUNK) -> list[int]:
    """How many notices each chunk takes, in order: large first, small at the end.

    Every worker gets work from the start, and the last chunks are small, so
    no worker is left with a long chunk while the others wait.

    >>> chunk_sizes(1000, 2)
    [250, 188, 141, 106, 79, 59, 45, 33, 25, 25, 25, 24]
    >>> chunk_sizes(30, 2), chunk_sizes(0, 2)
    ([25, 5], [])
    """
    sizes: list[int] = []
    left = total
    while left > 0:
        size = math.ceil(left * SHARE_OF_WHAT_IS_LEFT / max(workers, 1))
        size = min(max(size, smallest), largest, left)
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


class ChunkOutcome(BaseModel):
    """What a chunk returns: each notice's outcome in the jobs' order, and which were reused."""

    outcomes: list[NoticeOutcome]
    reused: list[bool]


def reusable_outcomes(jobs: list[Job], options: RunOptions,
                      cache_dir: Path) -> list[NoticeOutcome | None]:
    """Each notice's stored outcome if nothing that makes its output changed, else None."""
    cache = OutcomeCache(cache_dir)
    return [cache.reusable(job, notice_cache_key(job, options)) for job in jobs]


def extract_chunk(jobs: list[Job], options: RunOptions, cache_dir: Path,
                  refresh: bool = False) -> ChunkOutcome:
    """Extract the notices of a chunk that changed since they were stored; reuse the others.

    `refresh` extracts every notice and stores its new outcome. Each outcome
    is stored as soon as its notice is written, under the key of what was
    read (computed before), so a chunk cut short keeps what it did. A notice
    that fails is a failed outcome, never the chunk's failure.
    """
    cache = OutcomeCache(cache_dir)
    keys = [notice_cache_key(job, options) for job in jobs]
    stored = [None if refresh else cache.reusable(job, key) for job, key in zip(jobs, keys)]
    key_of = {id(job): key for job, key, outcome in zip(jobs, keys, stored) if outcome is None}
    fresh = iter(run_jobs([job for job, outcome in zip(jobs, stored) if outcome is None], options,
                          on_outcome=lambda job, outcome: cache.store(job, key_of[id(job)], outcome)))
    return ChunkOutcome(outcomes=[outcome or next(fresh) for outcome in stored],
                        reused=[outcome is not None for outcome in stored])
