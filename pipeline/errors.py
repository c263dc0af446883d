"""Coded errors: a reader or stage raises `ExtractionError`; the batch turns it into data.

Codes are stable strings that users can grep for and tests can assert on.
"""
from __future__ import annotations

ERROR_CODES: dict[str, str] = {
    "E001_empty_file": "the file is empty",
    "E002_not_text": "the file is binary, not text",
    "E003_undecodable": "the text is in no encoding the reader knows (tried UTF-8, GB18030, Big5)",
    "E004_unreadable": "the file could not be opened",
    "E005_unsupported_format": "the file's format is not supported",
    "E006_output_clash": "two inputs would write the same output file",
    "E007_invalid_record": "the extracted record failed schema validation",
    "E008_internal": "the pipeline failed on this file (a bug: please report it with the file)",
    "E009_encrypted": "the file is encrypted or password-protected",
    "E010_no_text_layer": "the PDF has no text layer (a scanned notice): it needs OCR first",
    "E011_corrupt": "the file is truncated or corrupt",
    "E012_converter_failed": "converting the file with LibreOffice failed",
    "E013_timeout": "reading the file took longer than the time limit",
    "E014_too_large": "the file is too large to read: it passes a size or memory limit",
    "E015_output_unwritable": "the output folder cannot take the file (read-only, full, or the "
                              "name too long)",
}


class ExtractionError(Exception):
    """A failure tied to one input file, with a stable code and a human reason."""

    def __init__(self, code: str, detail: str = ""):
        if code not in ERROR_CODES:
            raise ValueError(f"unknown error code {code!r}")
        self.code = code
        self.detail = detail
        message = ERROR_CODES[code] + (f": {detail}" if detail else "")
        super().__init__(message)
