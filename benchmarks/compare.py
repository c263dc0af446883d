"""The pipeline's speed now against an earlier commit, measured side by side.

    .venv/bin/python benchmarks/compare.py 759b948 [--rounds 5]

The earlier tree is exported (`git archive`) to a scratch folder; both trees
extract and validate the text samples in alternating fresh processes on one
core (the same files, the same virtual environment), so a machine that is
slower today slows both alike. Figures go to stdout and to
benchmarks/compare_results.md.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "compare_results.md"

# One timed run in a fresh process: warm up once, then time every sample PASSES times.
PASSES = 6
_TIMED = f"""
import sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from pipeline.assemble import extract_notice
from pipeline.ingest import read_document
from pipeline.validate import record_to_json
try:
    from pipeline.extract.clauses import clear_clause_cache
except ImportError:  # before the clause finder had its own module
    from pipeline.extract.responsibility import clear_clause_cache
paths = sorted(Path(sys.argv[2]).glob("*.txt"))
documents = [read_document(path) for path in paths]
for document in documents:
    record_to_json(extract_notice(document))
started = time.perf_counter()
for _ in range({PASSES}):
    for document in documents:
        clear_clause_cache()
        record_to_json(extract_notice(document))
print({PASSES} * len(documents) / (time.perf_counter() - started))
"""


def notices_per_second(tree: Path, samples: Path) -> float:
    out = subprocess.run([sys.executable, "-c", _TIMED, str(tree), str(samples)],
                         capture_output=True, text=True, check=True, cwd=tree)
    return float(out.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", help="the earlier commit")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    samples = ROOT / "samples" / "txt"
    with tempfile.TemporaryDirectory() as scratch:
        archive = subprocess.run(["git", "archive", args.ref], cwd=ROOT, capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", scratch], input=archive, check=True)
        rates: dict[str, list[float]] = {args.ref: [], "now": []}
        for _ in range(args.rounds):
            rates[args.ref].append(notices_per_second(Path(scratch), samples))
            rates["now"].append(notices_per_second(ROOT, samples))
    lines = ["# Speed against an earlier commit", "",
             f"The text samples, {PASSES} passes a run, {args.rounds} alternating runs a tree "
             "(benchmarks/compare.py).", "",
             "| tree | best notices/s | median notices/s |", "|---|---|---|"]
    for tree, found in rates.items():
        lines.append(f"| {tree} | {max(found):.1f} | {statistics.median(found):.1f} |")
    change = statistics.median(rates["now"]) / statistics.median(rates[args.ref]) - 1
    lines += ["", f"Median change: {change:+.0%}."]
    report = "\n".join(lines) + "\n"
    print(report)
    RESULTS.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
