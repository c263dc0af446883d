"""The two pages, rendered by Jinja2 with every value escaped.

Autoescaping is on for every template; nothing here marks a string safe.
Data the script needs travels as JSON through the `tojson` filter.
"""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from pipeline.corrections import (CorrectionEntry, CorrectionsInvalid, corrections_for,
                                  corrections_version)
from pipeline.model import NoticeRecord
from pipeline.review.catalog import Catalog, NoticeEntry, flagged_first
from pipeline.review.highlight import SpanIndex, text_to_pieces
from pipeline.review.source import SourceReader, SourceText, has_pages
from pipeline.review.views import (CATALOGUE_FIELDS, DOCUMENT_FIELDS, TASK_FIELDS,
                                   notice_to_view, value_text)

ENVIRONMENT = Environment(loader=PackageLoader("pipeline.review", "templates"),
                          autoescape=True, undefined=StrictUndefined,
                          trim_blocks=True, lstrip_blocks=True)
ENVIRONMENT.filters["as_text"] = value_text


def index_page(catalog: Catalog, order: str, corrections_dir: Path) -> str:
    entries = flagged_first(catalog.entries) if order == "flagged" else catalog.entries
    failures = sum(entry.status == "failure" for entry in catalog.entries)
    return ENVIRONMENT.get_template("index.html").render(
        entries=entries, order=order, run=catalog.run, out_dir=str(catalog.out_dir),
        failures=failures, corrections_dir=str(corrections_dir))


def notice_page(catalog: Catalog, entry: NoticeEntry, reader: SourceReader, token: str,
                corrections_dir: Path) -> str:
    """The source text with every span marked beside the records, ready to edit."""
    record = catalog.load_record(entry)
    source = reader.text(entry.source_path, attached_files(entry, record))
    text = source.text or ""
    spans = SpanIndex(len(text))
    stored, corrections_problem = stored_corrections(corrections_dir, record.notice_id)
    view = notice_to_view(record, spans, stored)
    pieces = text_to_pieces(text, spans) if source.text is not None else []
    pdf_pages = page_boxes(reader, entry) if source.text is not None else {}
    # The version the page's saves are made against (compare-and-set, see edits.py).
    script_data = {"notice": entry.output, "pages": pdf_pages,
                   "version": corrections_version(corrections_dir, record.notice_id)}
    return ENVIRONMENT.get_template("notice.html").render(
        entry=entry, record=record, view=view, pieces=pieces, source=source,
        source_changed=source_changed(source, record), token=token,
        script_data=script_data, corrections_dir=str(corrections_dir),
        corrections_problem=corrections_problem,
        document_fields=DOCUMENT_FIELDS, catalogue_fields=CATALOGUE_FIELDS,
        task_fields=TASK_FIELDS)


def stored_corrections(corrections_dir: Path,
                       notice_id: str) -> tuple[list[CorrectionEntry], str | None]:
    """The notice's saved corrections, and why its file cannot be used (None when it can)."""
    try:
        stored = corrections_for(corrections_dir, notice_id)
    except CorrectionsInvalid as error:
        return [], str(error)
    return (stored.corrections if stored else []), None


def attached_files(entry: NoticeEntry, record: NoticeRecord) -> list[tuple[Path, str]]:
    """The attachment files with the labels the record read them under."""
    return [(path, attached.path) for path, attached in zip(entry.attachments, record.attachments)]


def page_boxes(reader: SourceReader, entry: NoticeEntry) -> dict[str, dict[str, list[float]]]:
    """Per file (0: the notice, n: its n-th attachment), page number -> [x0, top, width,
    height] in points, for drawing a value's box."""
    files = [entry.source_path, *entry.attachments]
    return {str(index): {str(number): list(box) for number, box in reader.page_sizes(path).items()}
            for index, path in enumerate(files) if path is not None and path.is_file() and has_pages(path)}


def source_changed(source: SourceText, record: NoticeRecord) -> bool:
    """The notice's file or an attachment changed since the run (so spans may be off)."""
    recorded = (record.source.sha256, *(attached.sha256 for attached in record.attachments))
    read = (source.sha256, *source.attachment_sha256)
    return bool(source.sha256) and recorded != read
