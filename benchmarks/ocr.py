"""OCR of scanned notices: pages per second and peak memory on one core, scores, confidence.

    python benchmarks/ocr.py [--stems 004_96d89b5e45fd7fea ...] [--out benchmarks/ocr_results.md]

Every sample PDF is turned into the scan scripts/samples_scans.py makes (grey,
200 dpi, two pages askew) and read by `python -m pipeline extract` in a fresh
process with one ONNX thread, so each time and peak RSS belongs to one file;
one scan is also read with two OCR workers (`ELDERCARE_OCR_WORKERS=2`). Each
scan's record is scored against the gold beside its text layer's. Last, the
lines recognised on one scan are compared with the text layer at their place,
to show how often a line is misread at each confidence: where
`pipeline.flags.OCR_LOW_CONFIDENCE` comes from.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from samples_scans import scanned_pdf  # noqa: E402

from tests.gold.score import norm, score_document  # noqa: E402

SAMPLE_PDFS = ROOT / "samples" / "pdf"
GOLD = ROOT / "tests" / "gold"
# Confidence bands of the calibration table.
BANDS = (0.0, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 1.01)
# Points around a recognised line's box searched for the text layer's characters.
PAD = 4.0


def run_one(scan: Path, out: Path, workers: int) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one extraction in a fresh process."""
    env = {**os.environ, "ELDERCARE_OCR_WORKERS": str(workers), "OMP_NUM_THREADS": "1"}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "extract", str(scan),
                                "--out", str(out)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    peak = usage.ru_maxrss / 1024
    if workers > 1:  # the workers are the process's children: their peaks add up
        peak += resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak


def mean_score(gold: Path, record: Path) -> float:
    means = score_document(json.loads(gold.read_text(encoding="utf-8")),
                           json.loads(record.read_text(encoding="utf-8"))).means()
    return sum(means.values()) / len(means)


def calibration(scan: bytes, original: Path) -> list[tuple[float, bool]]:
    """(confidence, read right) for each line recognised on the scan's pages."""
    import pdfplumber

    from pipeline.ingest.ocr.orient import deskew
    from pipeline.ingest.ocr.recognise import recognise_page
    from pipeline.ingest.ocr.render import render_pdf_page, to_grey
    from pipeline.ingest.ocr.settings import DEFAULT_OCR_SETTINGS as settings

    found = []
    with pdfplumber.open(original) as pdf:
        for index, page in enumerate(pdf.pages):
            image = render_pdf_page(scan, index, settings)
            grey, _ = deskew(to_grey(image.pixels, settings), settings)
            lines, grey = recognise_page(grey, settings)
            scale = image.width / grey.shape[1]
            for line in lines:
                box = (max(0, line.x0 * scale - PAD), max(0, line.top * scale - PAD),
                       min(float(page.width), line.x1 * scale + PAD),
                       min(float(page.height), line.bottom * scale + PAD))
                printed = norm(page.crop(box).extract_text() or "").replace("\n", "")
                found.append((line.confidence, norm(line.text) in printed))
    return found


def calibration_table(found: list[tuple[float, bool]]) -> list[str]:
    rows = ["| confidence | lines | read right |", "|---|---|---|"]
    for low, high in zip(BANDS, BANDS[1:]):
        band = [right for confidence, right in found if low <= confidence < high]
        if band:
            rows.append(f"| {low:.2f}–{min(high, 1):.2f} | {len(band)} | "
                        f"{sum(band) / len(band):.0%} |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stems", nargs="*",
                        help="sample PDFs to scan and time (default: all)")
    parser.add_argument("--calibrate", nargs="*",
                        help="sample PDFs whose scans' lines are checked (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "ocr_results.md")
    args = parser.parse_args(argv)
    import pypdfium2

    stems = args.stems or sorted(path.stem for path in SAMPLE_PDFS.glob("*.pdf"))
    lines = ["# OCR benchmark (benchmarks/ocr.py)", "",
             "Scans made from the sample PDFs (grey, 200 dpi, pages 2 and 5 turned 1°), "
             "each read in a fresh process; one ONNX thread per process.", "",
             "| scan | pages | workers | seconds | pages/s | peak RSS (MiB) | score | "
             "text layer's score | share |", "|---|---|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory(prefix="ocr-bench-") as scratch:
        folder = Path(scratch)
        runs = [(stem, 1) for stem in stems] + [(stems[-1], 2)]
        for stem, workers in runs:
            scan = folder / f"{stem}.pdf"
            if not scan.exists():
                scan.write_bytes(scanned_pdf((SAMPLE_PDFS / f"{stem}.pdf").read_bytes()))
            pages = len(pypdfium2.PdfDocument(scan))
            out = folder / f"out{workers}"
            seconds, peak = run_one(scan, out, workers)
            score = mean_score(GOLD / f"{stem}.json", out / f"{stem}.json")
            text = mean_score(GOLD / f"{stem}.json", ROOT / "outputs" / "pdf" / f"{stem}.json")
            lines.append(f"| {stem} | {pages} | {workers} | {seconds:.1f} | {pages / seconds:.2f} "
                         f"| {peak:.0f} | {score:.3f} | {text:.3f} | {score / text:.2f} |")
            print(lines[-1], flush=True)
    checked = args.calibrate or sorted(path.stem for path in SAMPLE_PDFS.glob("*.pdf"))
    found = []
    for stem in checked:
        found += calibration(scanned_pdf((SAMPLE_PDFS / f"{stem}.pdf").read_bytes()),
                             SAMPLE_PDFS / f"{stem}.pdf")
    lines += ["", f"Recognised lines of the scans of {', '.join(checked)} against their text "
              "layer (a line is read right when its text, width folded and spaces dropped, is "
              "what the text layer prints there):", "", *calibration_table(found), ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines[-14:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
