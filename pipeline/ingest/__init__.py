"""Read a notice file into a `SourceDocument`: one reader per format, chosen by content.

Readers are registered in `READERS` (format name -> function of path and
bytes). A reader raises `ExtractionError` with a code when it cannot read.
"""
from __future__ import annotations

import hashlib
import importlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import regex

from pipeline.errors import ExtractionError
from pipeline.ingest.failures import library_failure
from pipeline.ingest.package import ZIP_DAMAGE, check_package
from pipeline.ingest.text import decode_text_checked
from pipeline.model import NoticeWarning, SourceDocument

Reader = Callable[[Path, bytes], SourceDocument]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A page, or an article fragment as CMS exports and reposts give it (no <html>, no
# <body>: it starts with the article's first element).
_HTML_START = regex.compile(
    rb"""^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*          # declaration, comments
    <(?:!doctype\s+html|html|head|body|meta|title              # a whole page
       |div|p|table|tbody|tr|td|span|font|center|section|article|h[1-6]|ul|ol|br|b|strong
      )(?=[\s>/])                                            # an element's name, whole""",
    regex.IGNORECASE | regex.DOTALL | regex.VERBOSE)
# A page saved with its HTTP response headers (curl -i, wget --save-headers).
_HTTP_RESPONSE = regex.compile(rb"^HTTP/\d(?:\.\d)?\s+\d{3}.*?\r?\n\r?\n\s*<", regex.DOTALL)
# The first bytes of the image formats read by OCR: PNG, JPEG, TIFF (both byte orders).
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
# Zip packages, checked for bombs, encrypted members and DTDs before their reader opens them.
PACKAGE_FORMATS = frozenset({"docx", "xlsx"})
# How many leading bytes are searched for an HTML start tag.
HTML_SNIFF_BYTES = 4096

# The formats a file name's ending promises, to note a name that does not match the content.
SUFFIX_FORMATS = {".txt": "text", ".text": "text", ".pdf": "pdf", ".docx": "docx",
                  ".doc": "doc", ".wps": "doc", ".html": "html", ".htm": "html",
                  ".shtml": "html", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".et": "xls",
                  ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image",
                  ".tiff": "image"}


def sniff_format(data: bytes) -> str:
    """Name the format from the file's bytes, not its name.

    >>> sniff_format(b"%PDF-1.7 ..."), sniff_format("通知".encode()), sniff_format(b"<html>")
    ('pdf', 'text', 'html')
    >>> sniff_format('<div class="wrap"><p>通知</p></div>'.encode()), sniff_format("<附件>".encode())
    ('html', 'text')
    >>> sniff_format(b"\\x89PNG\\r\\n\\x1a\\n..."), sniff_format(b"II*\\x00...")
    ('image', 'image')
    """
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(_IMAGE_MAGIC):
        return "image"
    if data.startswith(b"PK\x03\x04"):
        return _zip_format(data)
    if data.startswith(_OLE_MAGIC):
        return "xls" if _ole_workbook(data) else "ole"
    if _HTML_START.match(data[:HTML_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf")):
        return "html"
    if _HTTP_RESPONSE.match(data[:HTML_SNIFF_BYTES]):
        return "html"
    return "text"


def _zip_format(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except ZIP_DAMAGE:  # truncated or damaged: the local headers still name the parts
        return "docx" if b"word/" in data else "xlsx" if b"xl/" in data else "zip"
    if "word/document.xml" in names:
        return "docx"
    return "xlsx" if "xl/workbook.xml" in names else "zip"


def _ole_workbook(data: bytes) -> bool:
    from pipeline.ingest.word.doc import is_workbook  # olefile loads only for OLE files

    try:
        return is_workbook(data)
    except ExtractionError:
        return False  # unreadable: the Word reader names the damage


def read_text(path: Path, data: bytes) -> SourceDocument:
    text, encoding, warnings = decode_text_checked(data)
    return SourceDocument(path=str(path), sha256="", format="text", encoding=encoding, text=text,
                          warnings=warnings)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Format -> "module:function". Modules load on first use, so a batch of text
# notices never imports pdfplumber or lxml.
READERS: dict[str, str] = {
    "text": "pipeline.ingest:read_text",
    "pdf": "pipeline.ingest.pdf.reader:read_pdf",
    "docx": "pipeline.ingest.word.docx:read_docx",
    "ole": "pipeline.ingest.word.doc:read_ole",  # .doc and .wps, via LibreOffice
    "html": "pipeline.ingest.html.reader:read_html",
    "xlsx": "pipeline.ingest.excel:read_xlsx",
    "xls": "pipeline.ingest.excel:read_xls",  # .xls and .et, via LibreOffice
    "image": "pipeline.ingest.ocr.reader:read_image",  # .png, .jpg, .tif scans, by OCR
}


def reader_for(fmt: str) -> Reader | None:
    target = READERS.get(fmt)
    if target is None:
        return None
    module, function = target.split(":")
    return getattr(importlib.import_module(module), function)


def read_document(path: Path) -> SourceDocument:
    """Read one notice; raises `ExtractionError` with a code when it cannot."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractionError("E004_unreadable", exc.strerror or str(exc)) from exc
    if not data:
        raise ExtractionError("E001_empty_file")
    fmt = sniff_format(data)
    reader = reader_for(fmt)
    if reader is None:
        raise ExtractionError("E005_unsupported_format", f"{fmt} files are not notices")
    if fmt in PACKAGE_FORMATS:
        check_package(data)
    try:
        document = reader(path, data)
    except ExtractionError:
        raise
    except Exception as exc:  # a library failing on the bytes is the file's damage, not a bug
        error = library_failure(exc)
        if error is None:
            raise
        raise error from exc
    document.sha256 = _sha256(data)
    promised = SUFFIX_FORMATS.get(path.suffix.lower())
    if promised and promised != document.format:
        document.warnings.append(NoticeWarning(
            code="format_mismatch",
            message=f"the name ends in {path.suffix} but the content is {document.format}"))
    return document
