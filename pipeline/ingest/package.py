"""Limits before work: a .docx or .xlsx package is checked before a reader opens it.

A zip member can declare a few bytes and inflate to gigabytes (a zip bomb), or
declare its true size and still be gigabytes; a member can be flagged encrypted
or use a compression zipfile cannot read; an XML part can declare a DTD whose
entities expand without end. Office packages never need any of that, so each is
refused with its own message before python-docx or openpyxl reads a byte:
members are inflated as a stream, counting, and never trusted by their header.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass

import regex

from pipeline.errors import ExtractionError

# A DTD in an XML part's prolog: where entity declarations live (Office XML never has one).
_DTD = regex.compile(rb"<!(?:DOCTYPE|ENTITY)", regex.IGNORECASE)
# What zipfile raises on a damaged archive or member.
ZIP_DAMAGE = (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, ValueError,
              OSError, RuntimeError)
_MIB = 2 ** 20


@dataclass(frozen=True)
class PackageLimits:
    """Caps on a package's inflated sizes. A 200-page Word notice's document.xml is about
    5 MiB; a scanned image a few MiB."""

    member_mb: int = 128  # one member, inflated
    total_mb: int = 256  # all members, inflated
    members: int = 10_000  # parts in one package
    chunk_bytes: int = _MIB  # inflated a piece at a time
    prolog_bytes: int = 4096  # where an XML part's DTD would stand


DEFAULT_LIMITS = PackageLimits()


def check_package(data: bytes, limits: PackageLimits = DEFAULT_LIMITS) -> None:
    """Raise `ExtractionError` for a package that is not safe to open: E009 an encrypted
    member, E014 an inflated size past `limits`, E011 a member that cannot be inflated or
    an XML part with a DTD."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except ZIP_DAMAGE as exc:
        raise ExtractionError("E011_corrupt", f"not a readable zip package ({type(exc).__name__}: "
                                              f"{exc})") from exc
    if len(members) > limits.members:
        raise ExtractionError("E014_too_large", f"the package has {len(members)} members, more "
                                                f"than the limit of {limits.members}")
    total = 0
    for member in members:
        total += _checked_member(archive, member, limits, limits.total_mb * _MIB - total)


def _checked_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: PackageLimits,
                    room: int) -> int:
    """The member's inflated size, read as a stream and stopped at the first limit."""
    name = member.filename
    if member.flag_bits & 0x1:
        raise ExtractionError("E009_encrypted", f"package member {name} is encrypted")
    cap = limits.member_mb * _MIB
    if member.file_size > cap:
        raise ExtractionError("E014_too_large", (
            f"package member {name} declares {member.file_size // _MIB} MiB inflated, more than "
            f"the limit of {limits.member_mb} MiB"))
    size = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(limits.chunk_bytes):
                if size == 0 and name.endswith((".xml", ".rels")) and \
                        _DTD.search(chunk[:limits.prolog_bytes]):
                    raise ExtractionError("E011_corrupt", (
                        f"package member {name} declares a DTD or entities, which Office XML "
                        "never does: refused unread (entity expansion)"))
                size += len(chunk)
                if size > cap or size > room:
                    raise _too_large(name, size, cap, limits)
    except ZIP_DAMAGE as exc:
        raise ExtractionError("E011_corrupt", f"package member {name} cannot be inflated "
                                              f"({type(exc).__name__}: {exc})") from exc
    return size


def _too_large(name: str, size: int, cap: int, limits: PackageLimits) -> ExtractionError:
    if size > cap:
        return ExtractionError("E014_too_large", (
            f"package member {name} inflates past the limit of {limits.member_mb} MiB "
            "(more than its header declares)"))
    return ExtractionError("E014_too_large", f"the package's members inflate past the limit of "
                                             f"{limits.total_mb} MiB in all")
