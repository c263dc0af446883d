"""How far a batch has got: counts, rate and time left, as log lines and as a terminal bar.

Shared by the command line and the Prefect flow. A bar is drawn only on a
terminal; a log (a file, a pipe, the Prefect UI) gets a line every
`PROGRESS_EVERY` notices and at the end instead.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task,
                           TextColumn, TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text

from pipeline.model import NoticeOutcome, RunStatus

# A progress line every this many notices.
PROGRESS_EVERY = 100


@dataclass
class BatchProgress:
    """Counts as outcomes arrive, and a line to log every `every` notices and at the end."""

    total: int
    every: int = PROGRESS_EVERY
    done: int = 0
    failed: int = 0
    started: float = field(default_factory=time.monotonic)
    _logged: int = 0

    def add(self, outcomes: list[NoticeOutcome]) -> str | None:
        """Count a notice or a chunk of them; the line to log when another `every` are done."""
        self.done += len(outcomes)
        self.failed += sum(outcome.status is RunStatus.failure for outcome in outcomes)
        if self.done // self.every > self._logged // self.every or self.done == self.total:
            self._logged = self.done
            return self.line()
        return None

    def line(self) -> str:
        """`done/total notices, failed, rate, time left`, e.g. for a log."""
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else float("inf")
        eta = "done" if self.done >= self.total else f"about {format_seconds(left)} left"
        return (f"{self.done}/{self.total} notices, {self.failed} failed, "
                f"{rate:.1f} notices/s, {eta}")


def format_seconds(seconds: float) -> str:
    """Seconds as a person reads them.

    >>> format_seconds(42.4), format_seconds(185), format_seconds(float("inf"))
    ('42 s', '3 min 5 s', '?')
    """
    if seconds == float("inf"):
        return "?"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


class RateColumn(ProgressColumn):
    """Notices a second, for the bar (rich's own speed column counts bytes)."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:.1f}/s" if task.speed else "-/s")


@contextmanager
def progress_bar(total: int, description: str = "extracting") -> Iterator[Callable[[int], None]]:
    """A bar on stderr with counts, rate and time left; yields `advance(notices_done)`.

    On no terminal there is no bar and `advance` does nothing (the log lines
    say how far the batch has got); the bar disappears when the batch ends.
    """
    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda count: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
               TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda count: bar.advance(task, count)
