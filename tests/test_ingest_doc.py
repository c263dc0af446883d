"""Reading OLE files: .doc through LibreOffice, encrypted files refused, converter failures coded.

Tests marked `needs_soffice` convert real files with LibreOffice (installed
here and in CI); the others stand a small shell script in for the converter.
"""
from __future__ import annotations

import shutil
import stat
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import olefile
import pytest

from pipeline.assemble import extract_notice
from pipeline.errors import ExtractionError
from pipeline.ingest import read_document
from pipeline.ingest.word import doc
from pipeline.ingest.word.doc import ConverterSettings, ole_to_docx, read_ole
from tests.test_ingest_docx import FIXTURES, build, comparable, notice_docx

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                   reason="LibreOffice (soffice) is not installed")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def soffice_convert(source: Path, target_format: str, out_dir: Path) -> Path:
    """Convert with LibreOffice as a user would, to make real test files."""
    profile = out_dir / "profile"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--norestore", "--convert-to", target_format, "--outdir", str(out_dir),
                    str(source)], check=True, capture_output=True, timeout=120)
    return out_dir / f"{source.stem}.{target_format}"


@pytest.fixture(scope="module")
def notice_files(tmp_path_factory) -> tuple[Path, Path]:
    """The end-to-end notice as .docx, and as the .doc LibreOffice makes of it."""
    folder = tmp_path_factory.mktemp("doc")
    docx_path = folder / "notice.docx"
    # Word always ends a document with a paragraph; LibreOffice's .doc export loses a
    # table that ends one.
    docx_path.write_bytes(build_with_final_paragraph())
    return docx_path, soffice_convert(docx_path, "doc", folder)


def build_with_final_paragraph() -> bytes:
    return notice_docx(final_paragraph="说明:以上为基本养老服务清单。")


@needs_soffice
def test_a_doc_gives_the_records_of_the_docx_it_was_saved_from(notice_files):
    docx_path, doc_path = notice_files
    as_doc, as_docx = read_document(doc_path), read_document(docx_path)
    assert as_doc.format == "doc"
    record = extract_notice(as_doc)
    assert comparable(record) == comparable(extract_notice(as_docx))
    assert len(record.catalogue) == 4 and len(record.tasks) == 8


@needs_soffice
def test_parallel_conversions_do_not_share_a_profile(notice_files):
    _, doc_path = notice_files
    data, results = doc_path.read_bytes(), []

    def convert() -> None:
        results.append(read_ole(doc_path, data).text)

    threads = [threading.Thread(target=convert) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2 and results[0] == results[1]


@needs_soffice
def test_a_password_protected_doc_is_encrypted(notice_files, tmp_path):
    encrypted = tmp_path / "encrypted.doc"
    shutil.copy(notice_files[1], encrypted)
    with olefile.OleFileIO(str(encrypted), write_mode=True) as ole:
        header = bytearray(ole.openstream("WordDocument").read())
        header[doc.FIB_FLAGS_OFFSET + 1] |= doc.FIB_ENCRYPTED >> 8
        ole.write_stream("WordDocument", bytes(header))
    assert _code(lambda: read_document(encrypted)) == "E009_encrypted"


def test_a_password_protected_docx_is_encrypted():
    data = (FIXTURES / "password_protected.docx").read_bytes()
    assert _code(lambda: read_ole(Path("notice.docx"), data)) == "E009_encrypted"


def test_a_broken_ole_file_is_corrupt():
    data = OLE_MAGIC + b"\x00" * 100
    assert _code(lambda: read_ole(Path("notice.doc"), data)) == "E011_corrupt"


# --- the converter, stood in for by scripts ------------------------------------------------


def fake_converter(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-soffice"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def use_converter(monkeypatch, executable: str, timeout_s: float = 30.0) -> ConverterSettings:
    settings = ConverterSettings(executable=executable, timeout_s=timeout_s)
    monkeypatch.setattr(doc, "SETTINGS", settings)
    return settings


@pytest.fixture
def private_tmp(monkeypatch, tmp_path) -> Path:
    """Temporary files go to a folder of the test's own, to check they are removed."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


# Copies a prepared .docx to where soffice would write the converted file.
COPYING = """printf '%s\\n' "$@" > "{args}"
out=""; prev=""
for arg in "$@"; do [ "$prev" = "--outdir" ] && out="$arg"; prev="$arg"; done
name=$(basename "$prev"); mkdir -p "$out"; cp "{docx}" "$out/${{name%.*}}.docx"
"""


def test_the_converted_docx_is_read_and_temporary_files_are_removed(
        tmp_path, monkeypatch, private_tmp):
    docx_path, args = tmp_path / "made.docx", tmp_path / "args"
    docx_path.write_bytes(build("一、总体要求"))
    settings = use_converter(monkeypatch, str(fake_converter(
        tmp_path, COPYING.format(args=args, docx=docx_path))))
    converted = ole_to_docx(b"not looked at", ".wps", settings)
    assert converted == docx_path.read_bytes()
    arguments = args.read_text().splitlines()
    assert arguments[0].startswith("-env:UserInstallation=file:///")
    assert "/profile-" in arguments[0] and arguments[-1].endswith("source.wps")
    assert {"--headless", "--norestore"} <= set(arguments)
    assert list(private_tmp.iterdir()) == []


def test_a_missing_converter_names_the_package_to_install(monkeypatch):
    settings = use_converter(monkeypatch, "soffice-not-installed-here")
    with pytest.raises(ExtractionError) as caught:
        ole_to_docx(b"", ".doc", settings)
    assert caught.value.code == "E012_converter_failed"
    assert "libreoffice-writer-nogui" in str(caught.value)


def test_a_hanging_converter_is_stopped_at_the_timeout(tmp_path, monkeypatch, private_tmp):
    pid_file = tmp_path / "child.pid"
    settings = use_converter(monkeypatch, str(fake_converter(
        tmp_path, f'sleep 60 &\necho $! > "{pid_file}"\nwait\n')), timeout_s=1)
    started = time.monotonic()
    with pytest.raises(ExtractionError) as caught:
        ole_to_docx(b"", ".doc", settings)
    assert caught.value.code == "E012_converter_failed" and "timeout" in str(caught.value)
    assert time.monotonic() - started < 10
    assert _stopped(int(pid_file.read_text())), "the converter's child still runs"
    assert list(private_tmp.iterdir()) == []


def _stopped(pid: int, wait_s: float = 5.0) -> bool:
    """Gone, or a zombie nobody has reaped yet (a container's init may not reap)."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("body, reason", [
    ("echo 'Error: source file could not be loaded'\nexit 1\n", "exited with status 1"),
    ("echo 'Error: source file could not be loaded'\n", "wrote no .docx"),
])
def test_a_failing_converter_is_reported(tmp_path, monkeypatch, private_tmp, body, reason):
    settings = use_converter(monkeypatch, str(fake_converter(tmp_path, body)))
    with pytest.raises(ExtractionError) as caught:
        ole_to_docx(b"", ".doc", settings)
    assert caught.value.code == "E012_converter_failed"
    assert reason in str(caught.value) and "could not be loaded" in str(caught.value)
    assert list(private_tmp.iterdir()) == []


@needs_soffice
def test_read_ole_reports_a_missing_converter(notice_files, monkeypatch):
    use_converter(monkeypatch, "soffice-not-installed-here")
    data = notice_files[1].read_bytes()
    assert _code(lambda: read_ole(Path("notice.doc"), data)) == "E012_converter_failed"


def _code(call) -> str:
    with pytest.raises(ExtractionError) as caught:
        call()
    return caught.value.code

