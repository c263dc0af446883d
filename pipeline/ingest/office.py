"""LibreOffice headless as a converter: old Office and WPS files to the formats read here.

Each conversion runs in its own temporary folder with its own LibreOffice
profile (so parallel conversions never share one), in a process group of its
own under a timeout; the temporary files are always removed.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ExtractionError

# The Debian package that installs LibreOffice's `soffice` without a desktop.
SOFFICE_PACKAGE = "libreoffice-writer-nogui"
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


def convert_office(data: bytes, suffix: str, target: str, settings: ConverterSettings) -> bytes:
    """The file LibreOffice makes of `data` (named with `suffix`) in the `target` format."""
    executable = shutil.which(settings.executable)
    if executable is None:
        raise ExtractionError("E012_converter_failed", (
            f"LibreOffice's {settings.executable!r} is not installed or not on PATH "
            f"(on Debian: apt-get install {SOFFICE_PACKAGE})"))
    with tempfile.TemporaryDirectory(prefix="eldercare-ole-", ignore_cleanup_errors=True) as tmp:
        folder = Path(tmp)
        source = folder / f"source{suffix}"
        source.write_bytes(data)
        output = run_converter(converter_command(executable, source, folder, target),
                               settings.timeout_s)
        produced = folder / "out" / f"source.{target}"
        if not produced.is_file():
            raise ExtractionError("E012_converter_failed",
                                  f"LibreOffice wrote no .{target}: {_tail(output)}")
        return produced.read_bytes()


def converter_command(executable: str, source: Path, folder: Path, target: str = "docx") -> list[str]:
    """soffice's command line, with a profile of its own inside `folder`."""
    profile = folder / f"profile-{uuid.uuid4().hex}"
    return [executable, f"-env:UserInstallation={profile.as_uri()}", "--headless",
            "--norestore", "--convert-to", target, "--outdir", str(folder / "out"), str(source)]


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
