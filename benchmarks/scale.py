"""Throughput and memory of the Prefect flow on batches of thousands of generated notices.

    python benchmarks/scale.py [--counts 1000 5000] [--runners processes dask threads ...]
                               [--work DIR] [--seed N]

A runner may carry `:no-tables` (e.g. `processes:no-tables`): the flow then
publishes only its summary, not a table artifact per notice.

For each batch size and task runner: a cold run into an empty output folder,
then a warm run into the same folder (every notice unchanged, so the cache
should skip nearly all of them), each in a fresh process with its own Prefect
home (an empty database) and a temporary server started before the clock
starts. Measured: wall time of the flow call, notices a second, peak memory
(VmHWM) of the flow process, of the largest worker process (process pool or
Dask worker) and of the Prefect server, the CPU seconds each spent in the run, and the
flow process's resident memory at each quarter of the run (flat when memory
does not grow with the batch). Notices come from benchmarks/generate_batch.py.
Figures go to stdout and to benchmarks/scale_results.md.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate_batch import generate  # noqa: E402

RESULTS = ROOT / "benchmarks" / "scale_results.md"
RESULT_PREFIX = "SCALE-RESULT "
# How often the child samples its own and its descendants' memory and CPU.
SAMPLE_SECONDS = 0.5
MIB = 1024 * 1024


# --- measuring, in the child -------------------------------------------------------------


def status_kib(pid: int | str, field: str) -> int:
    """A memory figure (kB) from /proc/<pid>/status, e.g. VmHWM (peak) or VmRSS; 0 if gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Monitor(threading.Thread):
    """Samples the descendants' peak memory and CPU time, and this process's RSS over time."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        import psutil

        self.me = psutil.Process()
        self.peak_kib: dict[str, int] = {"server": 0, "worker": 0}
        self.cpu: dict[int, tuple[str, float]] = {}
        self.rss: list[tuple[float, int]] = []
        self.stopping = threading.Event()
        # CPU spent before the run (imports, the server's start): left out of the figures.
        self.sample()
        self.cpu_before = {pid: seconds for pid, (_, seconds) in self.cpu.items()}
        self.own_before = sum(self.me.cpu_times()[:2])

    def run(self) -> None:
        started = time.monotonic()
        while not self.stopping.wait(SAMPLE_SECONDS):
            self.rss.append((time.monotonic() - started, status_kib("self", "VmRSS")))
            self.sample()

    def sample(self) -> None:
        import psutil

        for child in self.me.children(recursive=True):
            try:
                kind = "server" if "uvicorn" in " ".join(child.cmdline()) else "worker"
                times = child.cpu_times()
            except psutil.Error:
                continue
            self.peak_kib[kind] = max(self.peak_kib[kind], status_kib(child.pid, "VmHWM"))
            self.cpu[child.pid] = (kind, times.user + times.system)

    def stop(self) -> dict:
        self.sample()
        self.stopping.set()
        self.join()
        cpu = {"server": 0.0, "worker": 0.0}
        for pid, (kind, seconds) in self.cpu.items():
            cpu[kind] += seconds - self.cpu_before.get(pid, 0.0)
        own = sum(self.me.cpu_times()[:2]) - self.own_before
        quarters = [_rss_at(self.rss, share) for share in (0.25, 0.5, 0.75, 1.0)]
        return {"flow_peak_mib": status_kib("self", "VmHWM") / 1024,
                "worker_peak_mib": self.peak_kib["worker"] / 1024,
                "server_peak_mib": self.peak_kib["server"] / 1024,
                "flow_cpu_s": own, "worker_cpu_s": cpu["worker"],
                "server_cpu_s": cpu["server"], "flow_rss_quarters_mib": quarters}


def _rss_at(samples: list[tuple[float, int]], share: float) -> float:
    if not samples:
        return 0.0
    until = samples[-1][0] * share
    so_far = [rss for elapsed, rss in samples if elapsed <= until] or [samples[0][1]]
    return max(so_far) / 1024


def child(notices: Path, out: Path, runner: str, tables: bool) -> None:
    """One flow run, measured; prints its figures as one JSON line."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.extract import extract_notices

    server = SubprocessASGIServer()
    started = time.perf_counter()
    server.start()
    server_start = time.perf_counter() - started
    monitor = Monitor()
    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        monitor.start()
        started = time.perf_counter()
        outcomes = extract_notices([str(notices)], str(out), corrections=None, runner=runner,
                                   notice_tables=tables)
        seconds = time.perf_counter() - started
    figures = monitor.stop()
    failed = sum(outcome.status.value == "failure" for outcome in outcomes)
    print(RESULT_PREFIX + json.dumps({"notices": len(outcomes), "failed": failed, "seconds": seconds,
                                      "server_start_s": server_start, **figures}), flush=True)
    server.stop()


# --- running the cases, in the parent -------------------------------------------------------


def notices_folder(work: Path, count: int, seed: int) -> Path:
    folder = work / f"notices-{count}-seed{seed}"
    if len(list(folder.rglob("*.txt"))) != count:
        generate(count, seed, folder)
    return folder


def run_case(notices: Path, out: Path, case: str, home: Path) -> dict:
    """A child process for one flow run, with its own Prefect home."""
    runner, _, variant = case.partition(":")
    env = dict(os.environ, PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_LOGGING_LEVEL="WARNING")
    before = _mtimes(out)
    done = subprocess.run([sys.executable, __file__, "--child", "--notices", str(notices),
                           "--out", str(out), "--runner", runner,
                           *(["--no-tables"] if variant == "no-tables" else [])],
                          env=env, cwd=ROOT, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if done.returncode not in (0, 1) or not lines:
        raise RuntimeError(f"{case} run failed ({done.returncode}):\n{done.stderr[-4000:]}")
    result = json.loads(lines[-1][len(RESULT_PREFIX):])
    after = _mtimes(out)
    result["rewritten"] = sum(1 for path, mtime in after.items() if before.get(path) != mtime)
    return result


def _mtimes(out: Path) -> dict[str, int]:
    if not out.is_dir():
        return {}
    return {str(path): path.stat().st_mtime_ns for path in out.rglob("*.json")
            if path.name != "_run_summary.json"}


def bench(counts: list[int], runners: list[str], work: Path, seed: int) -> Iterator[dict]:
    """Each case's figures as soon as it has run."""
    for count in counts:
        notices = notices_folder(work, count, seed)
        for runner in runners:
            out = work / f"out-{count}-{runner.replace(':', '-')}"
            for label in ("cold", "warm"):
                with tempfile.TemporaryDirectory(prefix="prefect-home-") as home:
                    result = run_case(notices, out, runner, Path(home))
                yield {"count": count, "runner": runner, "run": label, **result}


def _table_row(row: dict) -> str:
    quarters = " / ".join(f"{mib:.0f}" for mib in row["flow_rss_quarters_mib"])
    return (f"| {row['count']} | {row['runner']} | {row['run']} | {row['seconds']:.1f} | "
            f"{row['notices'] / row['seconds']:.1f} | {row['rewritten']} | {row['failed']} | "
            f"{row['flow_peak_mib']:.0f} | {quarters} | {row['worker_peak_mib']:.0f} | "
            f"{row['server_peak_mib']:.0f} | {row['flow_cpu_s']:.0f} / {row['worker_cpu_s']:.0f} / "
            f"{row['server_cpu_s']:.0f} |")


HEADER = [
    "| notices | runner | run | seconds | notices/s | outputs written | failed | flow peak (MiB) "
    "| flow RSS at 1/4, 1/2, 3/4, end (MiB) | largest worker peak (MiB) | server peak (MiB) "
    "| CPU s: flow / workers / server |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
]


def report(rows: list[dict]) -> str:
    from flows.runners import BATCH_SIZE, BATCHES_IN_FLIGHT, LOCAL_DASK_CLUSTER

    lines = ["# Scale benchmark results", "",
             f"Machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}. "
             f"Notices: benchmarks/generate_batch.py. Batches of {BATCH_SIZE} notices a task, "
             f"{BATCHES_IN_FLIGHT} in flight; Dask: a LocalCluster of {LOCAL_DASK_CLUSTER}. "
             "Each run in a fresh process and Prefect home; the temporary server is started "
             "before the clock (it took "
             f"{min(row['server_start_s'] for row in rows):.1f}-"
             f"{max(row['server_start_s'] for row in rows):.1f} s). "
             "A warm run repeats the cold one into the same output folder.", "",
             *HEADER, *(_table_row(row) for row in rows)]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runners", nargs="+", default=["processes", "dask"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, help="where notices and outputs go (default: a temporary folder)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--notices", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--runner", help=argparse.SUPPRESS)
    parser.add_argument("--no-tables", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.notices, args.out, args.runner, tables=not args.no_tables)
        return
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as temporary:
        for row in bench(args.counts, args.runners, args.work or Path(temporary), args.seed):
            rows.append(row)
            print(_table_row(row), flush=True)
            RESULTS.write_text(report(rows), encoding="utf-8")  # kept if a long run is stopped
    print(report(rows))


if __name__ == "__main__":
    main()
