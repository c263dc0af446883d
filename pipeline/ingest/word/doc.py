"""OLE2 compound files: Word 97-2003 .doc and WPS .wps, read through LibreOffice.

An OLE file is looked into first: a password-protected .docx is an OLE file
holding `EncryptionInfo` and `EncryptedPackage`, and a password-protected .doc
sets a flag in its header; both are refused as encrypted. Other Word files are
converted to .docx by LibreOffice headless, each conversion in its own
temporary folder with its own LibreOffice profile (so parallel conversions
never share one), under a timeout; the .docx is then read by `read_docx`.
"""
from __future__ import annotations

import io
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import olefile

from pipeline.errors import ExtractionError
from pipeline.ingest.word.docx import read_docx
from pipeline.model import SourceDocument

# The Debian package that installs LibreOffice's `soffice` without a desktop.
SOFFICE_PACKAGE = "libreoffice-writer-nogui"
# Streams of a password-protected OOXML file (MS-OFFCRYPTO).
ENCRYPTED_OOXML_STREAMS = ("EncryptionInfo", "EncryptedPackage")
# The Word 97-2003 header (FIB): where its flags stand and the flag of an encrypted file.
FIB_FLAGS = struct.Struct("<H")
FIB_FLAGS_OFFSET = 0x0A
FIB_ENCRYPTED = 0x0100
# OLE files of other programs, by a stream only they have.
OTHER_PROGRAMS = {"Workbook": "an Excel workbook", "Book": "an Excel workbook",
                  "PowerPoint Document": "a PowerPoint presentation"}
# Name endings LibreOffice is given for the file it converts; others become .doc.
KNOWN_SUFFIXES = (".doc", ".dot", ".wps", ".wpt")
# How much of LibreOffice's output an error message quotes.
MAX_OUTPUT_CHARS = 400
# Seconds to wait for a killed converter to be reaped.
KILL_WAIT_S = 5.0


@dataclass(frozen=True)
class ConverterSettings:
    """How LibreOffice is run; `SETTINGS` holds the defaults in force."""

    executable: str = "soffice"
    timeout_s: float = 120.0


SETTINGS = ConverterSettings()


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
    executable = shutil.which(settings.executable)
    if executable is None:
        raise ExtractionError("E012_converter_failed", (
            f"LibreOffice's {settings.executable!r} is not installed or not on PATH "
            f"(on Debian: apt-get install {SOFFICE_PACKAGE})"))
    with tempfile.TemporaryDirectory(prefix="eldercare-ole-", ignore_cleanup_errors=True) as tmp:
        folder = Path(tmp)
        source = folder / f"source{suffix}"
        source.write_bytes(data)
        output = run_converter(converter_command(executable, source, folder), settings.timeout_s)
        produced = folder / "out" / "source.docx"
        if not produced.is_file():
            raise ExtractionError("E012_converter_failed",
                                  f"LibreOffice wrote no .docx: {_tail(output)}")
        return produced.read_bytes()


def converter_command(executable: str, source: Path, folder: Path) -> list[str]:
    """soffice's command line, with a profile of its own inside `folder`."""
    profile = folder / f"profile-{uuid.uuid4().hex}"
    return [executable, f"-env:UserInstallation={profile.as_uri()}", "--headless",
            "--norestore", "--convert-to", "docx", "--outdir", str(folder / "out"), str(source)]


def run_converter(command: list[str], timeout_s: float) -> str:
    """Run the converter in a process group of its own; kill the whole group on timeout."""
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as exc:
        raise ExtractionError("E012_converter_failed",
                              f"could not start {command[0]}: {exc}") from exc
    try:
        output, _ = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise ExtractionError("E012_converter_failed", (
            f"LibreOffice did not finish within the timeout of {timeout_s:g} s; "
            "it was stopped")) from None
    except BaseException:
        _kill_group(process)
        raise
    text = output.decode("utf-8", errors="replace")
    if process.returncode != 0:
        raise ExtractionError("E012_converter_failed",
                              f"LibreOffice exited with status {process.returncode}: {_tail(text)}")
    return text


def _kill_group(process: subprocess.Popen) -> None:
    """Stop the converter while it still runs, with its children (soffice starts soffice.bin).

    Its group's id is its own process id, still taken while it runs.
    """
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        process.communicate(timeout=KILL_WAIT_S)
    except (subprocess.TimeoutExpired, ValueError):
        pass


def _tail(text: str) -> str:
    text = " ".join(text.split())
    return text[-MAX_OUTPUT_CHARS:] if text else "(no output)"
