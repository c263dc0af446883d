"""Rendering a PDF page for the review page: seconds and peak memory, capped against uncapped.

    python benchmarks/page_render.py [--side 14400]

A one-page PDF of `--side` points square (a poster, as a maximal page is) and
an A4 page are rendered by `pipeline.review.source.render_pdf_page`, each in a
fresh process so each peak RSS belongs to one rendering: once with the pixel
cap the review page uses, once with the cap lifted (as before it existed).
Writes benchmarks/page_render_results.md.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "benchmarks" / "page_render_results.md"
# Lifts the cap: no page is this many pixels on a side.
UNCAPPED = 10**9
A4 = (595, 842)

MEASURE = """
import io, json, resource, sys, time
from pathlib import Path
from pipeline.review.source import SourceSettings, render_pdf_page
path, cap = Path(sys.argv[1]), int(sys.argv[2])
started = time.perf_counter()
png = render_pdf_page(path, 1, SourceSettings.page_resolution, cap)
seconds = time.perf_counter() - started
from PIL import Image
width, height = Image.open(io.BytesIO(png)).size
print(json.dumps({"seconds": seconds, "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "pixels": f"{width}x{height}", "png_kib": len(png) / 1024}))
"""


def page_pdf(width: int, height: int) -> bytes:
    """A one-page PDF of `width` x `height` points holding one line of text."""
    content = b"BT /F1 400 Tf 100 100 Td (poster) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>" % (width, height),
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def measure(path: Path, cap: int) -> dict:
    """The rendering's figures; a rendering that fails reports its error as the pixel size."""
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-c", MEASURE, str(path),
                           str(cap)], cwd=ROOT, capture_output=True, text=True)
    if done.returncode == 0:
        return json.loads(done.stdout)
    lines = done.stderr.strip().splitlines()
    error = next((line for line in reversed(lines) if "Error" in line), lines[-2])
    return {"pixels": "failed: " + error.split(":")[0], "png_kib": 0,
            "seconds": time.perf_counter() - started, "rss_mib": int(lines[-1]) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=14400, help="the poster page's side in points")
    args = parser.parse_args()
    from pipeline.review.source import SourceSettings
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for label, (width, height) in (("A4", A4), (f"{args.side} pt square", (args.side,) * 2)):
            path = Path(folder) / "page.pdf"
            path.write_bytes(page_pdf(width, height))
            for cap_label, cap in (("capped", SourceSettings.max_page_pixels), ("uncapped", UNCAPPED)):
                result = measure(path, cap)
                rows.append(f"| {label} | {cap_label} | {result['pixels']} | {result['seconds']:.2f} "
                            f"| {result['rss_mib']:.0f} | {result['png_kib']:.0f} |")
                print(rows[-1], flush=True)
    RESULTS.write_text("# Rendering a PDF page for the review page\n\n"
                       "`python benchmarks/page_render.py` (2 cores, shared machine; each in a fresh "
                       f"process; cap {SourceSettings.max_page_pixels} px on the longer side, "
                       f"{SourceSettings.page_resolution} dpi asked)\n\n"
                       "| page | cap | pixels | seconds | peak RSS (MiB) | PNG (KiB) |\n"
                       "|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
