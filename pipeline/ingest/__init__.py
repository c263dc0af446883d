"""Read a notice file into a `SourceDocument`: one reader per format, chosen by content."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from pipeline.errors import ExtractionError
from pipeline.ingest.text import decode_text
from pipeline.model import SourceDocument

# Leading bytes of formats that are not plain text.
MAGIC_BYTES: dict[bytes, str] = {
    b"%PDF": "pdf",
    b"PK\x03\x04": "zip",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "ole",
}


def sniff_format(data: bytes) -> str:
    """Name the format from the file's first bytes, not its name.

    >>> sniff_format(b"%PDF-1.7 ...")
    'pdf'
    >>> sniff_format("通知".encode())
    'text'
    """
    for magic, name in MAGIC_BYTES.items():
        if data.startswith(magic):
            return name
    return "text"


def read_text(path: Path, data: bytes) -> SourceDocument:
    text, encoding = decode_text(data)
    return SourceDocument(path=str(path), sha256=hashlib.sha256(data).hexdigest(),
                          format="text", encoding=encoding, text=text)


READERS: dict[str, Callable[[Path, bytes], SourceDocument]] = {"text": read_text}


def read_document(path: Path) -> SourceDocument:
    """Read one notice; raises `ExtractionError` with a code when it cannot."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractionError("E004_unreadable", exc.strerror or str(exc)) from exc
    if not data:
        raise ExtractionError("E001_empty_file")
    fmt = sniff_format(data)
    reader = READERS.get(fmt)
    if reader is None:
        raise ExtractionError("E005_unsupported_format", f"{fmt} files are not read yet")
    return reader(path, data)
