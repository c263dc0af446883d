"""OLE2 compound files: Word 97-2003 .doc and WPS .wps, read through LibreOffice.

An OLE file is looked into first: a password-protected .docx is an OLE file
holding `EncryptionInfo` and `EncryptedPackage`, and a password-protected .doc
sets a flag in its header; both are refused as encrypted. Other Word files are
converted to .docx by LibreOffice headless (`pipeline.ingest.office`); the
.docx is then read by `read_docx`.
"""
from __future__ import annotations

import io
import struct
from pathlib import Path

import olefile

from pipeline.errors import ExtractionError
from pipeline.ingest.office import SETTINGS, ConverterSettings, convert_office
from pipeline.ingest.word.docx import read_docx
from pipeline.model import SourceDocument

# Streams of a password-protected OOXML file (MS-OFFCRYPTO).
ENCRYPTED_OOXML_STREAMS = ("EncryptionInfo", "EncryptedPackage")
# The Word 97-2003 header (FIB): where its flags stand and the flag of an encrypted file.
FIB_FLAGS = struct.Struct("<H")
FIB_FLAGS_OFFSET = 0x0A
FIB_ENCRYPTED = 0x0100
# OLE files of other programs, by a stream only they have (workbooks have their own reader).
OTHER_PROGRAMS = {"PowerPoint Document": "a PowerPoint presentation"}
# The stream of an Excel 97-2003 or WPS spreadsheet (.xls, .et).
WORKBOOK_STREAMS = ("Workbook", "Book")
# Name endings LibreOffice is given for the file it converts; others become .doc.
KNOWN_SUFFIXES = (".doc", ".dot", ".wps", ".wpt")


def read_ole(path: Path, data: bytes) -> SourceDocument:
    """Read a .doc or .wps notice; raises `ExtractionError` (E009, E011, E012) when it cannot."""
    check_ole(data)
    document = read_docx(path, ole_to_docx(data, _suffix(path), SETTINGS))
    document.format = "doc"
    return document


def check_ole(data: bytes) -> None:
    """Refuse encrypted files and files of other programs before converting anything."""
    streams, fib_flags = _ole_streams(data)
    if all(name in streams for name in ENCRYPTED_OOXML_STREAMS):
        raise ExtractionError("E009_encrypted", "a password-protected Word file (.docx): "
                                                "save it again without the password")
    if fib_flags is not None and fib_flags & FIB_ENCRYPTED:
        raise ExtractionError("E009_encrypted", "a password-protected Word 97-2003 file (.doc)")
    if "WordDocument" not in streams:
        for stream, program in OTHER_PROGRAMS.items():
            if stream in streams:
                raise ExtractionError("E005_unsupported_format", f"{program}, not a notice")


def is_workbook(data: bytes) -> bool:
    """An OLE file holding a spreadsheet (.xls, .et) rather than a Word file."""
    streams, _ = _ole_streams(data)
    return "WordDocument" not in streams and any(name in streams for name in WORKBOOK_STREAMS)


def _ole_streams(data: bytes) -> tuple[set[str], int | None]:
    """The OLE file's stream names, and the Word header's flags if it has a Word stream."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
            if "WordDocument" not in streams:
                return streams, None
            header = ole.openstream("WordDocument").read(FIB_FLAGS_OFFSET + FIB_FLAGS.size)
    except (OSError, ValueError, IndexError, struct.error) as exc:
        raise ExtractionError("E011_corrupt", f"not a readable OLE file ({exc})") from exc
    if len(header) < FIB_FLAGS_OFFSET + FIB_FLAGS.size:
        raise ExtractionError("E011_corrupt", "the Word header is cut short")
    return streams, FIB_FLAGS.unpack_from(header, FIB_FLAGS_OFFSET)[0]


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    return suffix if suffix in KNOWN_SUFFIXES else ".doc"


def ole_to_docx(data: bytes, suffix: str, settings: ConverterSettings) -> bytes:
    """The .docx LibreOffice makes of a .doc or .wps; temporary files are always removed."""
    return convert_office(data, suffix, "docx", settings)
