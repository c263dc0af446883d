"""Throughput and peak memory of the pipeline alone and of the Prefect flow.

    python benchmarks/bench.py [--rounds N] [--passes N]

The pipeline alone: read, extract and validate each sample notice in one
process on one core, after one warm-up round (spaCy and the vocabularies
load once; the paragraph cache is cleared before each notice, so repeating
the samples measures new notices). The flow: `extract_notices` on samples/, Prefect's temporary
local server included in the first run. Reading long PDF and Word files:
benchmarks/documents.py. Figures go to stdout and to benchmarks/results.md.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from pipeline.assemble import extract_notice  # noqa: E402
from pipeline.extract.clauses import clear_clause_cache  # noqa: E402
from pipeline.ingest import read_document  # noqa: E402
from pipeline.validate import record_to_json  # noqa: E402
from benchmarks.documents import bench_documents  # noqa: E402
from benchmarks.documents import report as documents_report  # noqa: E402

SAMPLES = ROOT / "samples"


def peak_memory_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_pipeline(rounds: int, passes: int) -> dict[str, float]:
    """Notices per second over `passes` timed passes of `rounds` rounds each.

    The best pass is the figure for the code (others were slowed by the
    machine); the median shows the spread.
    """
    paths = sorted((SAMPLES / "txt").glob("*.txt"))
    for path in paths:  # warm-up: first use loads spaCy and the vocabularies
        record_to_json(extract_notice(read_document(path)))
    rates = []
    for _ in range(passes):
        started = time.perf_counter()
        for _ in range(rounds):
            for path in paths:
                clear_clause_cache()  # a repeated sample must not be a cache hit: real notices differ
                record_to_json(extract_notice(read_document(path)))
        rates.append(rounds * len(paths) / (time.perf_counter() - started))
    return {"notices": passes * rounds * len(paths), "best_per_second": max(rates),
            "median_per_second": statistics.median(rates), "peak_mib": peak_memory_mib()}


def bench_flow() -> list[dict[str, float]]:
    from flows.extract import extract_notices

    runs = []
    for _ in range(2):
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            outcomes = extract_notices([str(SAMPLES / "txt")], out)
            elapsed = time.perf_counter() - started
        runs.append({"notices": len(outcomes), "seconds": elapsed,
                     "per_second": len(outcomes) / elapsed, "peak_mib": peak_memory_mib()})
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="rounds over the samples a pass")
    parser.add_argument("--passes", type=int, default=5, help="timed passes")
    args = parser.parse_args()
    alone = bench_pipeline(args.rounds, args.passes)
    flow_runs = bench_flow()
    documents = bench_documents(small=20, large=200)
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}.",
        "",
        "Text notices:",
        "",
        "| run | notices | notices/s | peak RSS (MiB) |",
        "|---|---|---|---|",
        f"| pipeline alone, one core, warm: best pass | {alone['notices']} | "
        f"{alone['best_per_second']:.1f} | {alone['peak_mib']:.0f} |",
        f"| pipeline alone, one core, warm: median pass | | "
        f"{alone['median_per_second']:.1f} | |",
    ]
    for index, run in enumerate(flow_runs, start=1):
        label = "flow, first run (starts the temporary server)" if index == 1 else "flow, second run"
        lines.append(f"| {label} ({run['seconds']:.1f} s) | {run['notices']} | "
                     f"{run['per_second']:.2f} | {run['peak_mib']:.0f} |")
    lines += ["", "Reading long documents (each file in a fresh process; benchmarks/documents.py):",
              "", documents_report(documents)]
    report = "\n".join(lines) + "\n"
    print(report)
    (ROOT / "benchmarks" / "results.md").write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
