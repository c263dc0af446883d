"""Word documents to PDF and .doc with LibreOffice headless, as reproducibly as it allows.

LibreOffice stamps every PDF with the time of conversion (/CreationDate),
and an /ID and a /DocChecksum that depend on it; they are rewritten to fixed
values of the same byte length, so the cross-reference offsets stay valid.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import regex

# A cold LibreOffice start with a fresh profile takes ~10 s; a batch of conversions more.
SOFFICE_TIMEOUT_S = 300
SOFFICE_NAMES = ("soffice", "libreoffice")
INSTALL_HINT = ("install LibreOffice and the CJK fonts: `make system-deps`, or as root "
                "`apt-get install -y --no-install-recommends libreoffice-writer-nogui "
                "fonts-noto-cjk`")

_PDF_DATE = regex.compile(rb"/(?P<key>CreationDate|ModDate)\s*\(D:(?P<value>[^)]*)\)")
_PDF_ID = regex.compile(rb"/ID\s*\[\s*<(?P<a>[0-9A-Fa-f]+)>\s*<(?P<b>[0-9A-Fa-f]+)>\s*\]")
_PDF_CHECKSUM = regex.compile(rb"/DocChecksum\s*/(?P<a>[0-9A-Fa-f]+)")  # LibreOffice's own


class ConversionError(RuntimeError):
    pass


def find_soffice() -> str:
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ConversionError(f"LibreOffice (soffice) is not on PATH; {INSTALL_HINT}")


def convert(sources: list[Path], target_format: str, out_dir: Path) -> list[Path]:
    """Convert files in one LibreOffice run; returns the written files, in order.

    `target_format` is LibreOffice's `--convert-to` value ("pdf",
    "txt:Text (encoded):UTF8"). A throw-away profile keeps the run away from any
    user's LibreOffice settings and lets several runs go in parallel.
    """
    if not sources:
        return []
    soffice = find_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.gettempdir()) / f"make-samples-profile-{uuid.uuid4().hex}"
    command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--norestore", "--convert-to", target_format, "--outdir", str(out_dir),
               *map(str, sources)]
    try:
        result = subprocess.run(command, capture_output=True, text=True,
                                timeout=SOFFICE_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ConversionError(f"soffice --convert-to {target_format} took more than "
                              f"{SOFFICE_TIMEOUT_S} s") from exc
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    extension = target_format.split(":")[0]
    written = [out_dir / f"{source.stem}.{extension}" for source in sources]
    missing = [path.name for path in written if not path.is_file()]
    if result.returncode != 0 or missing:
        raise ConversionError(f"soffice --convert-to {target_format} failed "
                              f"(exit {result.returncode}, missing {missing}): "
                              f"{result.stderr.strip() or result.stdout.strip()}")
    return written


def fix_pdf_stamps(path: Path, date: str) -> None:
    """Replace the conversion time with `date` (YYYYMMDD), /ID and /DocChecksum with a hash."""
    data = path.read_bytes()

    def fixed_date(match: regex.Match) -> bytes:
        value = match.group("value")
        stamp = (date.encode() + b"090000" + value[14:])[:len(value)]
        return match.group(0).replace(value, stamp.ljust(len(value), b"0"))

    data = _PDF_DATE.sub(fixed_date, data)
    digest = hashlib.md5(_PDF_CHECKSUM.sub(b"", _PDF_ID.sub(b"", data))).hexdigest().upper()

    def fixed_hex(match: regex.Match) -> bytes:
        """Every hex string of the match becomes the digest, cut or padded to its length."""
        fixed = match.group(0)
        for name in ("a", "b"):
            value = match.groupdict().get(name)
            if value:
                fixed = fixed.replace(value, digest.encode()[:len(value)].ljust(len(value), b"0"))
        return fixed

    path.write_bytes(_PDF_CHECKSUM.sub(fixed_hex, _PDF_ID.sub(fixed_hex, data)))
