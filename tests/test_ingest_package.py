"""Limits before work on zip packages, and library exceptions as coded errors (pipeline/ingest/package.py,
pipeline/ingest/failures.py)."""
import io
import zipfile

import pytest

from pipeline.errors import ExtractionError
from pipeline.ingest.failures import library_failure
from pipeline.ingest.package import PackageLimits, check_package
from tests.test_ingest_docx import build

SMALL = PackageLimits(member_mb=1, total_mb=2)


def package(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def flagged_encrypted(data: bytes) -> bytes:
    """Set the encrypted bit in every header (zipfile clears it when writing)."""
    raw = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.find(signature)
        while at != -1:
            raw[at + offset] |= 0x1
            at = raw.find(signature, at + 4)
    return bytes(raw)


def refused(data: bytes, limits: PackageLimits = SMALL) -> ExtractionError:
    with pytest.raises(ExtractionError) as caught:
        check_package(data, limits)
    return caught.value


def test_a_real_docx_passes():
    check_package(build("关于推进基本养老服务体系建设的通知", ["序号|服务项目", "1|助餐"]))


def test_a_member_whose_header_lies_about_its_size_is_corrupt():
    """Inflated as a stream, the member is checked whole: its checksum gives the lie away."""
    data = bytearray(package(("word/media/image1.png", bytes(3 * 2 ** 20))))
    central = data.rfind(b"PK\x01\x02")  # declare 4 KiB inflated in both headers
    data[22:26] = data[central + 24:central + 28] = (4096).to_bytes(4, "little")
    error = refused(bytes(data))
    assert error.code == "E011_corrupt" and "word/media/image1.png" in str(error)


def test_a_member_declaring_too_much_is_refused_unread():
    error = refused(package(("word/document.xml", bytes(2 * 2 ** 20))))
    assert error.code == "E014_too_large" and "declares 2 MiB" in str(error)


def test_members_past_the_total_cap_are_refused():
    members = [(f"word/media/image{n}.png", bytes(900 * 1024)) for n in range(3)]
    assert "in all" in str(refused(package(*members)))


def test_an_encrypted_member_is_encrypted():
    error = refused(flagged_encrypted(package(("[Content_Types].xml", b"<Types/>"))))
    assert error.code == "E009_encrypted" and "[Content_Types].xml" in str(error)


def test_an_xml_part_with_a_dtd_is_refused():
    laughs = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "lol">]><w:document>&a;</w:document>'
    error = refused(package(("word/document.xml", laughs)))
    assert error.code == "E011_corrupt" and "DTD" in str(error)


def test_a_damaged_archive_is_corrupt():
    assert refused(b"PK\x03\x04" + bytes(100)).code == "E011_corrupt"


def test_an_exception_raised_inside_a_library_is_the_files_damage():
    with pytest.raises(zipfile.BadZipFile) as caught:
        zipfile.ZipFile(io.BytesIO(b"not a zip"))
    error = library_failure(caught.value)
    assert error.code == "E011_corrupt" and "zipfile" in str(error)


def test_an_exception_raised_in_the_pipeline_stays_a_bug():
    with pytest.raises(IndexError) as caught:
        [][0]
    assert library_failure(caught.value) is None


def test_running_out_of_memory_inside_a_wrapper_is_too_large():
    try:
        try:
            raise MemoryError("Unable to allocate output buffer")
        except MemoryError as exc:
            raise ValueError("inflate failed") from exc
    except ValueError as wrapped:
        assert library_failure(wrapped).code == "E014_too_large"
