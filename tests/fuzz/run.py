"""A fuzz run: mutated notices through the command line as one batch, and what went wrong.

    python -m tests.fuzz.run --count 2000 --seed 1 [--time-limit 60] [--jobs 2] [--keep DIR] [--write]

Checks what a user relies on: no file ends in `E008_internal`, no traceback on
stderr, no partial output file (every record parses, no temporary file left),
the batch's peak memory under the limit, every file accounted for (output or
coded error; a hang is stopped at the time limit as `E013_timeout`). `--write`
records the result in tests/fuzz/results.md. A failing mutant replays alone
from its name: `tests.fuzz.mutate.mutant(SEED, INDEX)`.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from tests.fuzz.mutate import mutants

RESULTS = Path(__file__).with_name("results.md")
# The batch: the limit a worker is held to, plus the batch process's own few hundred MiB.
PEAK_LIMIT_MB = 2048
PEAK_WRAPPER = """
import resource, subprocess, sys
status = subprocess.run(sys.argv[2:]).returncode
open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(status)
"""


@dataclass
class FuzzReport:
    seed: int
    count: int
    time_limit_s: float
    seconds: float = 0.0
    peak_mb: float = 0.0
    codes: Counter = field(default_factory=Counter)
    internal: list[str] = field(default_factory=list)  # E008, with the error
    unaccounted: list[str] = field(default_factory=list)  # neither output nor coded error
    partial: list[str] = field(default_factory=list)  # temporary or unparsable output files
    tracebacks: int = 0

    @property
    def ok(self) -> bool:
        return not (self.internal or self.unaccounted or self.partial or self.tracebacks) \
            and self.peak_mb < PEAK_LIMIT_MB

    def lines(self) -> list[str]:
        codes = ", ".join(f"{code} {n}" for code, n in sorted(self.codes.items()))
        return [f"seed {self.seed}, {self.count} mutants, time limit {self.time_limit_s:g} s: "
                f"{'PASS' if self.ok else 'FAIL'} in {self.seconds:.0f} s, "
                f"peak memory {self.peak_mb:.0f} MiB",
                f"outcomes: {codes}",
                f"E008: {len(self.internal)}, unaccounted: {len(self.unaccounted)}, "
                f"partial outputs: {len(self.partial)}, tracebacks on stderr: {self.tracebacks}",
                *[f"  {line}" for line in self.internal + self.unaccounted + self.partial]]


def fuzz(seed: int, count: int, time_limit_s: float, folder: Path, jobs: int = 1) -> FuzzReport:
    """Generate the mutants, run them as `jobs` batches side by side, check what came out."""
    shards = [folder / f"batch{shard}" for shard in range(jobs)]
    for shard in shards:
        (shard / "in").mkdir(parents=True, exist_ok=True)
    for index, (name, data) in enumerate(mutants(seed, count)):
        (shards[index % jobs] / "in" / name).write_bytes(data)
    report = FuzzReport(seed=seed, count=count, time_limit_s=time_limit_s)
    started = time.monotonic()
    runs = [(shard, _start_batch(shard, time_limit_s)) for shard in shards]
    for shard, run in runs:
        _, stderr = run.communicate()
        report.tracebacks += stderr.count("Traceback")
        report.peak_mb = max(report.peak_mb, int((shard / "peak_kib").read_text()) / 1024)
        check_outcomes(report, shard / "in", shard / "out")
    report.seconds = time.monotonic() - started
    return report


def _start_batch(shard: Path, time_limit_s: float) -> subprocess.Popen:
    """One batch through the command line, under a wrapper that records its peak memory."""
    return subprocess.Popen(
        [sys.executable, "-c", PEAK_WRAPPER, str(shard / "peak_kib"), sys.executable, "-m",
         "pipeline", "extract", str(shard / "in"), "--out", str(shard / "out"),
         "--time-limit", str(time_limit_s), "--corrections", str(shard / "no-corrections")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def check_outcomes(report: FuzzReport, inputs: Path, out: Path) -> None:
    summary = json.loads((out / "_run_summary.json").read_text(encoding="utf-8"))
    seen = set()
    for notice in summary["notices"]:
        name = Path(notice["path"]).name
        seen.add(name)
        code = notice.get("error_code") or notice["status"]
        report.codes[code] += 1
        if code == "E008_internal":
            report.internal.append(f"{name}: {notice['error']}")
        elif notice["status"] != "failure" and not (out / notice["output"]).is_file():
            report.unaccounted.append(f"{name}: {notice['status']} without its output")
    report.unaccounted += [f"{path.name}: not in the run summary" for path in inputs.iterdir()
                           if path.name not in seen]
    for path in out.rglob("*"):
        if path.name.endswith(".tmp"):
            report.partial.append(f"{path.name}: a temporary file left")
        elif path.suffix == ".json":
            try:
                json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                report.partial.append(f"{path.name}: not whole JSON")


def write_results(report: FuzzReport, command: str) -> None:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    RESULTS.write_text("\n".join([
        "# Fuzz run outside CI", "",
        f"`{command}` ({stamp}, 2 cores shared):", "", "```", *report.lines(), "```", ""]),
        encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--jobs", type=int, default=1, help="batches run side by side")
    parser.add_argument("--keep", type=Path, help="keep the mutants and outputs here")
    parser.add_argument("--write", action="store_true", help="record the result in results.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        report = fuzz(args.seed, args.count, args.time_limit, args.keep or Path(temporary),
                      args.jobs)
    print("\n".join(report.lines()))
    if args.write:
        write_results(report, "python -m tests.fuzz.run " + " ".join(argv or sys.argv[1:]))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
