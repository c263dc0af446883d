"""Reading long PDF and Word notices: pages per second and peak memory at two sizes.

    python benchmarks/documents.py [--small 20] [--large 200]

A sample notice's .docx is repeated until it fills about the asked number of
pages, converted to PDF with LibreOffice, and each file is read by the
project's reader in a fresh process, so each peak RSS belongs to one file.
PDF pages are read one at a time, so the peak should not grow with the page
count; a .docx is one XML tree and grows with it.
"""
from __future__ import annotations

import argparse
import copy
import json
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SOURCE = ROOT / "samples" / "docx" / "001_a30600b97fcb8a62.docx"
# Seconds LibreOffice may take to turn a 200-page document into PDF.
CONVERT_TIMEOUT = 600


def build_long_docx(copies: int, out: Path) -> Path:
    """The sample's body repeated `copies` times, as one .docx."""
    from docx import Document
    from docx.oxml.ns import qn

    document = Document(SOURCE)
    body = document.element.body
    section = body.find(qn("w:sectPr"))
    originals = [element for element in body if element is not section]
    for _ in range(copies - 1):
        for element in originals:
            section.addprevious(copy.deepcopy(element))
    document.save(out)
    return out


def to_pdf(docx: Path) -> Path:
    profile = Path(tempfile.gettempdir()) / f"bench-profile-{uuid.uuid4().hex}"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(docx.parent), str(docx)],
                   check=True, capture_output=True, timeout=CONVERT_TIMEOUT)
    return docx.with_suffix(".pdf")


def page_count(pdf: Path) -> int:
    import pdfplumber

    with pdfplumber.open(pdf) as opened:
        return len(opened.pages)


def read_in_fresh_process(path: Path) -> dict[str, float]:
    result = subprocess.run([sys.executable, __file__, "--read", str(path)], check=True,
                            capture_output=True, text=True)
    return json.loads(result.stdout.splitlines()[-1])


def read_once(path: Path) -> None:
    """The --read mode: time one read and report the process's peak memory."""
    from pipeline.ingest import read_document

    started = time.perf_counter()
    document = read_document(path)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "lines": document.text.count("\n"),
                      "peak_mib": peak_rss_mib()}))


def peak_rss_mib() -> float:
    """This process's peak RSS (VmHWM): unlike ru_maxrss it is not inherited across exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_documents(small: int, large: int) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        per_copy = page_count(to_pdf(build_long_docx(1, Path(folder) / "one.docx")))
        for target in (small, large):
            docx = build_long_docx(max(1, round(target / per_copy)), Path(folder) / f"n{target}.docx")
            pdf = to_pdf(docx)
            pages = page_count(pdf)
            for fmt, path in (("pdf", pdf), ("docx", docx)):
                measured = read_in_fresh_process(path)
                rows.append({"format": fmt, "pages": pages, **measured,
                             "pages_per_second": pages / measured["seconds"]})
    return rows


def report(rows: list[dict]) -> str:
    lines = ["| format | pages | seconds | pages/s | peak RSS (MiB) |", "|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['format']} | {row['pages']} | {row['seconds']:.2f} | "
                     f"{row['pages_per_second']:.1f} | {row['peak_mib']:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=20, help="pages of the small document")
    parser.add_argument("--large", type=int, default=200, help="pages of the large document")
    parser.add_argument("--read", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read:
        read_once(args.read)
        return
    print(report(bench_documents(args.small, args.large)))


if __name__ == "__main__":
    main()
