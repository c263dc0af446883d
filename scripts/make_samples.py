"""Make the Word, PDF, .doc and HTML samples from the text notices in samples/txt/.

    .venv/bin/python scripts/make_samples.py            # or: make samples

Every notice becomes samples/docx/<stem>.docx (python-docx) and
samples/pdf/<stem>.pdf (LibreOffice); a few also become samples/doc/<stem>.doc
and samples/html/<stem>.html, so that the pipeline can be shown to give the
same records whatever the format. The real published pages in
samples/real/html/ are converted by LibreOffice to samples/real/{docx,pdf,txt}/,
the way users often receive a web notice. Structure (paragraphs, tables, merged
服务对象 groups, duty-table groups) comes from the pipeline's own library; see
samples_layout.py. Same input, same files: fixed dates in the documents,
fixed zip timestamps, and the PDFs' conversion stamps rewritten.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from samples_attachments import attachment_file, split_attachments
from samples_catalogues import (catalogue_layouts, layout_gold, layout_to_text, layout_to_xlsx,
                                notice_layout)
from samples_docx import layout_to_docx
from samples_html import layout_to_html
from samples_layout import NoticeLayout, notice_to_layout
from samples_office import ConversionError, convert, find_soffice, fix_pdf_stamps
from samples_scans import photographed_page, scanned_pdf

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

# The one notice whose (一) items use Word automatic numbering instead of printed markers.
AUTO_NUMBERED = {"000_1d3b4e9bec569f5b"}
# Notices also saved as Word 97 .doc (the OLE reader goes through LibreOffice).
AS_DOC = {"001_a30600b97fcb8a62", "004_96d89b5e45fd7fea"}
# Notices also published as a government-site article page, with the page's encoding.
AS_HTML = {"000_1d3b4e9bec569f5b": "utf-8", "004_96d89b5e45fd7fea": "gbk"}
# The real pages' conversions, folder -> LibreOffice's target, as a user makes them:
# `soffice --convert-to pdf page.html` (LibreOffice opens a page as Writer/Web).
REAL_FORMATS = {"docx": "docx:MS Word 2007 XML", "pdf": "pdf", "txt": "txt:Text (encoded):UTF8"}
# Notices downloaded with their attachments: folder -> (sample, the notice's file name, format).
NOTICE_FOLDERS = {"鹤壁": ("000_1d3b4e9bec569f5b", "鹤壁市人民政府办公室关于基本养老服务体系建设重点任务及职责分工的通知", "docx"),
                  "薛城": ("004_96d89b5e45fd7fea", "通知", "pdf")}
# Notices side by side in one folder, each attachment named after its notice.
SIDE_BY_SIDE_FOLDER, SIDE_BY_SIDE = "批次", ("001_a30600b97fcb8a62", "002_85df562a159a1afc")
REAL_STAMP_DATE = "20261201"
LAYOUT_STAMP_DATE = "20240101"
# Scans for the OCR tests, kept out of samples/ so that runs over samples/ stay fast: a
# scanned notice with a duty table and a catalogue, and a photo of another's catalogue page.
SCANS = ROOT / "tests" / "fixtures" / "scans"
SCANNED = "004_96d89b5e45fd7fea"
PHOTOGRAPHED = ("001_a30600b97fcb8a62", 7, "catalogue_page_photographed.png")  # page index


def make_samples(samples: Path = SAMPLES) -> list[Path]:
    notices = sorted((samples / "txt").glob("*.txt"))
    if not notices:
        raise SystemExit(f"make_samples: no text notices in {samples / 'txt'}")
    find_soffice()  # before writing anything: no half-regenerated sample set
    layouts = {path.stem: notice_to_layout(path, auto_numbered=path.stem in AUTO_NUMBERED)
               for path in notices}
    written = [_write(samples / "docx" / f"{stem}.docx", layout_to_docx(layout))
               for stem, layout in layouts.items()]
    written += _office_copies(layouts, samples)
    written += [_write(samples / "html" / f"{stem}.html", layout_to_html(layouts[stem], encoding))
                for stem, encoding in sorted(AS_HTML.items())]
    written += real_conversions(samples / "real")
    written += catalogue_variants(samples / "layouts", ROOT / "tests" / "gold" / "layouts")
    written += attachment_folders(layouts, samples / "attachments")
    written += scanned_copies(samples / "pdf", SCANS)
    return written


def scanned_copies(pdfs: Path, folder: Path) -> list[Path]:
    """Image-only copies of sample PDFs (samples_scans.py): what OCR is tested on."""
    stem, index, name = PHOTOGRAPHED
    return [_write(folder / f"{SCANNED}.pdf", scanned_pdf((pdfs / f"{SCANNED}.pdf").read_bytes())),
            _write(folder / name, photographed_page((pdfs / f"{stem}.pdf").read_bytes(), index))]


def attachment_folders(layouts: dict[str, NoticeLayout], folder: Path) -> list[Path]:
    """Notices split into the notice's file and a file per attachment (see
    samples_attachments.py): a folder per notice, and notices side by side."""
    written = []
    with tempfile.TemporaryDirectory(prefix="make-samples-") as scratch:
        for place, (stem, name, fmt) in NOTICE_FOLDERS.items():
            split = split_attachments(layouts[stem])
            for attached in (attachment_file(title, items, stem) for title, items in split.attachments):
                written.append(_write(folder / place / attached.name, attached.data))
            docx = _write(Path(scratch) / place / f"{name}.docx", layout_to_docx(split.notice))
            if fmt == "pdf":
                [docx] = convert([docx], "pdf", Path(scratch) / "pdf")
                fix_pdf_stamps(docx, layouts[stem].stamp_date.replace("-", ""))
            written.append(_write(folder / place / docx.name, docx.read_bytes()))
        for stem in SIDE_BY_SIDE:
            split = split_attachments(layouts[stem])
            written.append(_write(folder / SIDE_BY_SIDE_FOLDER / f"{stem}.html",
                                  layout_to_html(split.notice, "utf-8")))
            for attached in (attachment_file(title, items, stem) for title, items in split.attachments):
                written.append(_write(folder / SIDE_BY_SIDE_FOLDER / f"{stem}_{attached.name}",
                                      attached.data))
    return written


def catalogue_variants(folder: Path, gold: Path) -> list[Path]:
    """Six catalogue layouts as DOCX, HTML, XLSX, PDF and text, with their golden expectations."""
    written = []
    layouts = catalogue_layouts()
    for layout in layouts:
        notice = notice_layout(layout)
        written.append(_write(folder / "docx" / f"{layout.stem}.docx", layout_to_docx(notice)))
        written.append(_write(folder / "html" / f"{layout.stem}.html",
                              layout_to_html(notice, "utf-8")))
        written.append(_write(folder / "xlsx" / f"{layout.stem}.xlsx", layout_to_xlsx(layout)))
        written.append(_write(folder / "txt" / f"{layout.stem}.txt",
                              layout_to_text(layout).encode("utf-8")))
        expected = json.dumps(layout_gold(layout), ensure_ascii=False, indent=1) + "\n"
        written.append(_write(gold / f"{layout.stem}.json", expected.encode("utf-8")))
    with tempfile.TemporaryDirectory(prefix="make-samples-") as scratch:
        docx = [folder / "docx" / f"{layout.stem}.docx" for layout in layouts]
        for path in convert(docx, "pdf", Path(scratch)):
            fix_pdf_stamps(path, LAYOUT_STAMP_DATE)
            written.append(_write(folder / "pdf" / path.name, path.read_bytes()))
    return written


def real_conversions(real: Path) -> list[Path]:
    """The real pages as DOCX, PDF and text, converted by LibreOffice from their HTML."""
    pages = sorted((real / "html").glob("*.html"))
    written = []
    with tempfile.TemporaryDirectory(prefix="make-samples-") as scratch:
        for folder, target in REAL_FORMATS.items():
            for path in convert(pages, target, Path(scratch) / folder):
                if folder == "pdf":
                    fix_pdf_stamps(path, REAL_STAMP_DATE)
                written.append(_write(real / folder / path.name, path.read_bytes()))
    return written


def _office_copies(layouts: dict[str, NoticeLayout], samples: Path) -> list[Path]:
    """PDF of every notice and .doc of a few, converted in a scratch folder, then moved in."""
    docx = [samples / "docx" / f"{stem}.docx" for stem in layouts]
    written = []
    with tempfile.TemporaryDirectory(prefix="make-samples-") as scratch:
        for path in convert(docx, "pdf", Path(scratch)):
            fix_pdf_stamps(path, layouts[path.stem].stamp_date.replace("-", ""))
            written.append(_write(samples / "pdf" / path.name, path.read_bytes()))
        as_doc = [path for path in docx if path.stem in AS_DOC]
        for path in convert(as_doc, "doc", Path(scratch)):
            written.append(_write(samples / "doc" / path.name, path.read_bytes()))
    return written


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=Path, default=SAMPLES,
                        help="folder holding txt/; the other formats are written beside it")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        written = make_samples(args.samples.resolve())
    except ConversionError as exc:
        print(f"make_samples: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"{path.stat().st_size:>9,d}  {path.relative_to(args.samples.resolve().parent)}")
    print(f"{len(written)} files in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
