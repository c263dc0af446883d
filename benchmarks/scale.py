"""The Prefect flow beside the library alone, on batches of thousands of generated notices.

    python benchmarks/scale.py [--counts 1000 5000] [--cases library library:2 processes:1 processes:2 dask:2]
                               [--rounds N] [--work DIR] [--seed N]

A case is `library` (`pipeline extract`'s batch runner, one process, one core),
`library:2` (two of them at once, each on half of the batch's folders: the
split no scheduler can beat, so the floor of any two-worker run) or
`RUNNER:WORKERS` for the flow (`processes:2`: two guarded worker processes;
`dask:2`: a local Dask cluster of two workers). Each flow case runs cold (an
empty output folder) then warm (the same folder again: every notice
unchanged, so the cache should skip them all); the library has no cache and
runs once. Every run is a fresh process with its own Prefect home (an empty
database); the flow runs as `python -m flows.extract` runs it, with the
temporary server started before the clock, as it is once a run. The cases
run in turn, `--rounds` times over: a shared machine's speed drifts by a
tenth or more over minutes, so each flow run is set against the library run
of its own round, and the summary gives the medians. Measured: wall seconds
of the run, notices a second, CPU seconds of every process the run used (the
flow's own, its workers', the server's; the library's own), peak memory
(VmHWM) of the main process and its resident memory at each quarter of the
run. Notices come from benchmarks/generate_batch.py. Figures go to stdout
and to benchmarks/scale_results.md.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from statistics import median
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate_batch import generate  # noqa: E402

RESULTS = ROOT / "benchmarks" / "scale_results.md"
RESULT_PREFIX = "SCALE-RESULT "
DEFAULT_CASES = ["library", "library:2", "processes:1", "processes:2", "dask:2"]
# How often the child samples its own resident memory.
SAMPLE_SECONDS = 0.5


# --- measuring, in the child -------------------------------------------------------------


def status_kib(field: str) -> int:
    """A memory figure (kB) of this process from /proc/self/status, e.g. VmHWM (peak) or VmRSS."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def cpu_seconds(who: int) -> float:
    """User and system CPU of this process (RUSAGE_SELF) or of its ended children (RUSAGE_CHILDREN).

    Children count once they have ended and been waited for, with their own
    waited-for children: the Dask cluster's worker processes, and
    the guard's workers (pipeline/guard.py) that parse the notices.
    """
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


# prctl(2): orphaned descendants are re-parented to this process, not to init.
PR_SET_CHILD_SUBREAPER = 36
# Seconds the orphaned workers get to see their pipe closed and exit.
ORPHANS_EXIT_S = 30


def adopt_orphans() -> None:
    """Make this process the subreaper of its descendants, so that `reap_orphans` can
    count the CPU of workers whose parent never waited for them (a Dask worker's guard)."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def reap_orphans(keep: frozenset[int] = frozenset()) -> None:
    """Wait for every descendant left but `keep` (they exit when their input pipe closes)."""
    import psutil

    def reap_ended() -> None:
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass  # no children at all

    deadline = time.monotonic() + ORPHANS_EXIT_S
    while time.monotonic() < deadline:
        reap_ended()
        if not [child for child in psutil.Process().children() if child.pid not in keep]:
            return
        time.sleep(0.05)


class MemoryMonitor(threading.Thread):
    """This process's resident memory over the run."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.rss: list[tuple[float, int]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        while not self.stopping.wait(SAMPLE_SECONDS):
            self.rss.append((time.monotonic() - started, status_kib("VmRSS")))

    def quarters(self) -> list[float]:
        """Peak resident memory (MiB) up to each quarter of the run."""
        self.stopping.set()
        self.join()
        if not self.rss:
            return [status_kib("VmRSS") / 1024] * 4
        figures = []
        for share in (0.25, 0.5, 0.75, 1.0):
            until = self.rss[-1][0] * share
            figures.append(max([kib for at, kib in self.rss if at <= until] or [self.rss[0][1]]) / 1024)
        return figures


def child_library(notices: list[Path], out: Path) -> dict:
    """`pipeline extract`'s batch runner on the folders, in this process."""
    from pipeline.cli import run_extract
    from pipeline.guard import close_workers

    monitor, before = MemoryMonitor(), cpu_seconds(resource.RUSAGE_SELF)
    monitor.start()
    started = time.perf_counter()
    run_extract(notices, out, corrections_dir=None)
    seconds = time.perf_counter() - started
    ended = cpu_seconds(resource.RUSAGE_CHILDREN)
    close_workers()
    workers_cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - ended
    summary = json.loads((out / "_run_summary.json").read_text(encoding="utf-8"))
    return {"notices": len(summary["notices"]), "seconds": seconds,
            "failed": sum(n["status"] == "failure" for n in summary["notices"]),
            "main_cpu_s": cpu_seconds(resource.RUSAGE_SELF) - before, "workers_cpu_s": workers_cpu,
            "server_cpu_s": 0.0, "server_start_s": 0.0, "rss_quarters_mib": monitor.quarters(),
            "peak_mib": status_kib("VmHWM") / 1024}


def child_flow(notices: Path, out: Path, runner: str, workers: int) -> dict:
    """One flow run as `python -m flows.extract` makes it, its temporary server started
    before the clock (`flows.extract.an_api`)."""
    import fastapi.encoders  # noqa: F401
    import psutil

    from flows.extract import an_api, extract_notices
    from pipeline.guard import close_workers

    # Imports come before the clock, as the library's do; fastapi too, which Prefect imports
    # on the first flow call of a process (0.3 s here), to serialise the flow's parameters.
    started = time.perf_counter()
    with an_api():
        server_start = time.perf_counter() - started
        server = next(child for child in psutil.Process().children() if "uvicorn" in child.cmdline())

        def server_cpu() -> float:
            return sum(process.cpu_times().user + process.cpu_times().system
                       for process in [server, *server.children(recursive=True)])

        monitor = MemoryMonitor()
        own, ended, served = (cpu_seconds(resource.RUSAGE_SELF),
                              cpu_seconds(resource.RUSAGE_CHILDREN), server_cpu())
        monitor.start()
        started = time.perf_counter()
        outcomes = extract_notices([str(notices)], str(out), corrections=None, runner=runner,
                                   workers=workers)
        seconds = time.perf_counter() - started
        quarters, peak = monitor.quarters(), status_kib("VmHWM") / 1024
        own, served = cpu_seconds(resource.RUSAGE_SELF) - own, server_cpu() - served
        close_workers()  # the guard's workers of the runner's threads
        reap_orphans(keep=frozenset({server.pid}))  # a Dask cluster's, which exit by themselves
        workers_cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - ended  # the workers ended with the run
    return {"notices": len(outcomes), "seconds": seconds,
            "failed": sum(outcome.status.value == "failure" for outcome in outcomes),
            "main_cpu_s": own, "workers_cpu_s": workers_cpu, "server_cpu_s": served,
            "server_start_s": server_start, "rss_quarters_mib": quarters, "peak_mib": peak}


# --- running the cases, in the parent -------------------------------------------------------


def notices_folder(work: Path, count: int, seed: int) -> Path:
    folder = work / f"notices-{count}-seed{seed}"
    if len(list(folder.rglob("*.txt"))) != count:
        generate(count, seed, folder)
    return folder


def run_case(notices: Path, out: Path, case: str, home: Path) -> dict:
    """A child process for one run, with its own Prefect home; `library:2` runs two at once,
    each on half of the batch's folders into its own output folder."""
    env = dict(os.environ, PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    before = _mtimes(out)
    if case == "library:2":
        folders = sorted(path for path in notices.iterdir() if path.is_dir())
        halves = [folders[:len(folders) // 2], folders[len(folders) // 2:]]
        children = [_start_child("library", half, out / f"half-{number}", env)
                    for number, half in enumerate(halves)]
        results = [_child_result(child, "library:2") for child in children]
        result = {"notices": sum(r["notices"] for r in results),
                  "seconds": max(r["seconds"] for r in results),  # they started together
                  **{figure: sum(r[figure] for r in results)
                     for figure in ("failed", "main_cpu_s", "workers_cpu_s", "server_cpu_s")},
                  "server_start_s": 0.0, "peak_mib": max(r["peak_mib"] for r in results),
                  "rss_quarters_mib": [max(quarter) for quarter in
                                       zip(*(r["rss_quarters_mib"] for r in results))]}
    else:
        result = _child_result(_start_child(case, [notices], out, env), case)
    after = _mtimes(out)
    result["rewritten"] = sum(1 for path, mtime in after.items() if before.get(path) != mtime)
    return result


def _start_child(case: str, notices: list[Path], out: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, __file__, "--child", case, "--out", str(out),
                             "--notices", *map(str, notices)],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _child_result(child: subprocess.Popen, case: str) -> dict:
    stdout, stderr = child.communicate()
    lines = [line for line in stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if not lines:
        raise RuntimeError(f"{case} run failed ({child.returncode}):\n{stderr[-4000:]}")
    return json.loads(lines[-1][len(RESULT_PREFIX):])


def _mtimes(out: Path) -> dict[str, int]:
    if not out.is_dir():
        return {}
    return {str(path): path.stat().st_mtime_ns for path in out.rglob("*.json")
            if path.name != "_run_summary.json" and ".notice-cache" not in path.parts}


def bench(counts: list[int], cases: list[str], work: Path, seed: int,
          rounds: int = 1) -> Iterator[dict]:
    """Each run's figures as soon as it has run."""
    for count in counts:
        notices = notices_folder(work, count, seed)
        for round_number in range(1, rounds + 1):
            for case in cases:
                out = work / f"out-{count}-{case.replace(':', '-')}"
                shutil.rmtree(out, ignore_errors=True)  # a cold run starts from nothing
                for label in (("cold",) if case.startswith("library") else ("cold", "warm")):
                    with tempfile.TemporaryDirectory(prefix="prefect-home-") as home:
                        result = run_case(notices, out, case, Path(home))
                    yield {"count": count, "round": round_number, "case": case, "run": label,
                           **result}


def total_cpu(row: dict) -> float:
    return row["main_cpu_s"] + row["workers_cpu_s"] + row["server_cpu_s"]


CASE_NAMES = {"library": "library alone, 1 process",
              "library:2": "library, 2 processes at once, a half each (the ideal split)",
              "processes:1": "flow, 1 process worker",
              "processes:2": "flow, 2 process workers", "dask:2": "flow, Dask, 2 workers"}


def library_of(row: dict, rows: list[dict]) -> dict | None:
    """The library's run of the same count and round, which the row is set against."""
    return next((other for other in rows if other["case"] == "library"
                 and other["count"] == row["count"] and other["round"] == row["round"]), None)


def ratios(row: dict, library: dict | None) -> tuple[float, float] | None:
    """CPU and wall time of a cold run as multiples of the library's."""
    if library is None or row["run"] != "cold":
        return None
    return total_cpu(row) / total_cpu(library), row["seconds"] / library["seconds"]


def _table_row(row: dict, library: dict | None) -> str:
    quarters = " / ".join(f"{mib:.0f}" for mib in row["rss_quarters_mib"])
    ratio = "{:.2f} / {:.2f}".format(*ratios(row, library)) if ratios(row, library) else ""
    return (f"| {row['count']} | {row['round']} | {CASE_NAMES.get(row['case'], row['case'])} | {row['run']} | "
            f"{row['seconds']:.1f} | {row['notices'] / row['seconds']:.1f} | "
            f"{total_cpu(row):.1f} | {row['main_cpu_s']:.1f} / {row['workers_cpu_s']:.1f} / "
            f"{row['server_cpu_s']:.1f} | {ratio} | {row['rewritten']} | {row['failed']} | "
            f"{row['peak_mib']:.0f} | {quarters} |")


HEADER = [
    "| notices | round | case | run | wall s | notices/s | CPU s | CPU s: main / workers / server "
    "| × library: CPU / wall | outputs written | failed | main peak RSS (MiB) "
    "| main RSS at 1/4, 1/2, 3/4, end (MiB) |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
]
SUMMARY_HEADER = [
    "| notices | case | run | rounds | median wall s | median CPU s | median × library: CPU / wall "
    "| warm wall ÷ cold wall | median main peak RSS (MiB) |",
    "|---|---|---|---|---|---|---|---|---|",
]


def summary_rows(rows: list[dict]) -> list[str]:
    """A row per count, case and run: medians over the rounds."""
    lines = []
    for key in dict.fromkeys((row["count"], row["case"], row["run"]) for row in rows):
        count, case, run = key
        same = [row for row in rows if (row["count"], row["case"], row["run"]) == key]
        against = [r for row in same if (r := ratios(row, library_of(row, rows)))]
        cold = [row for row in rows if (row["count"], row["case"], row["run"]) == (count, case, "cold")]
        ratio = (f"{median(cpu for cpu, _ in against):.2f} / {median(wall for _, wall in against):.2f}"
                 if against and case != "library" else "")
        warm_share = (f"{median(row['seconds'] for row in same) / median(row['seconds'] for row in cold):.3f}"
                      if run == "warm" and cold else "")
        lines.append(f"| {count} | {CASE_NAMES.get(case, case)} | {run} | {len(same)} | "
                     f"{median(row['seconds'] for row in same):.1f} | "
                     f"{median(total_cpu(row) for row in same):.1f} | {ratio} | {warm_share} | "
                     f"{median(row['peak_mib'] for row in same):.0f} |")
    return lines


def report(rows: list[dict]) -> str:
    from flows.chunks import MAX_CHUNK, MIN_CHUNK

    starts = [row["server_start_s"] for row in rows if not row["case"].startswith("library")]
    lines = ["# Scale benchmark results", "",
             f"Machine: {os.cpu_count()} cores, shared; Python {sys.version.split()[0]}. "
             "Notices: benchmarks/generate_batch.py. The flow runs one Prefect task per chunk "
             f"of {MIN_CHUNK}-{MAX_CHUNK} notices (flows/chunks.py). Each run in a fresh process "
             "and Prefect home; the flow's temporary server is started before the clock"
             + (f" (it took {min(starts):.1f}-{max(starts):.1f} s)" if starts else "")
             + ". A warm run repeats the cold one into the same output folder. "
             "CPU counts every process of the run; the main process is the flow's (or the "
             "library's), its peak RSS the figure that should not grow with the batch.", "",
             "## Medians over the rounds", "", *SUMMARY_HEADER, *summary_rows(rows), "",
             "## Every run", "", *HEADER, *(_table_row(row, library_of(row, rows)) for row in rows)]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--cases", nargs="+", default=DEFAULT_CASES)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=1, help="times to run every case, in turn")
    parser.add_argument("--work", type=Path, help="where notices and outputs go (default: a temporary folder)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="the results file to write")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--notices", type=Path, nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        adopt_orphans()
        if args.child == "library":
            figures = child_library(args.notices, args.out)
        else:
            runner, _, workers = args.child.partition(":")
            figures = child_flow(args.notices[0], args.out, runner, int(workers or 2))
        print(RESULT_PREFIX + json.dumps(figures), flush=True)
        return
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as temporary:
        for row in bench(args.counts, args.cases, args.work or Path(temporary), args.seed,
                         args.rounds):
            rows.append(row)
            print(_table_row(row, library_of(row, rows)), flush=True)
            args.results.write_text(report(rows), encoding="utf-8")  # kept if a long run is stopped
    print(report(rows))


if __name__ == "__main__":
    main()
