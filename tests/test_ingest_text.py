"""Reading plain-text notices: encodings, newlines and bad files."""
import codecs

import pytest

from pipeline.errors import ExtractionError
from pipeline.ingest import read_document, sniff_format
from pipeline.ingest.text import decode_text

NOTICE = "临汾市人民政府办公室关于印发养老服务实施方案的通知\n各县(市、区)人民政府:\n"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "gbk"])
def test_chinese_encodings_decode_to_the_same_text(encoding):
    text, _ = decode_text(NOTICE.encode(encoding))
    assert text == NOTICE


def test_utf8_bom_is_dropped():
    text, encoding = decode_text(codecs.BOM_UTF8 + NOTICE.encode())
    assert text == NOTICE and encoding == "utf-8-sig"


def test_crlf_and_cr_become_newlines():
    text, _ = decode_text(NOTICE.replace("\n", "\r\n").encode())
    assert text == NOTICE


def test_short_gb18030_text_is_not_mistaken_for_utf8():
    # "通知" in GB18030 happens to be valid UTF-8 ("֪ͨ").
    assert decode_text("通知".encode("gb18030"))[0] == "通知"


@pytest.mark.parametrize("data, code", [
    (b"", "E001_empty_file"),
    (b"  \n\n ", "E001_empty_file"),
    (b"\x00\x01\x02binary\x00", "E002_not_text"),
    (bytes(range(1, 32)) * 20, "E002_not_text"),
    (b"\xff\xfe\xfa\x81\x30\xff\xff", "E003_undecodable"),
])
def test_bad_bytes_raise_coded_errors(data, code):
    with pytest.raises(ExtractionError) as raised:
        decode_text(data)
    assert raised.value.code == code


def test_read_document_names_what_is_wrong(tmp_path):
    with pytest.raises(ExtractionError) as raised:
        read_document(tmp_path / "missing.txt")
    assert raised.value.code == "E004_unreadable"
    archive = tmp_path / "notice.txt"
    archive.write_bytes(b"PK\x03\x04 not a word file")
    with pytest.raises(ExtractionError) as raised:
        read_document(archive)
    assert raised.value.code == "E005_unsupported_format" and "zip" in str(raised.value)


def test_read_document_hashes_the_bytes_read(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_bytes(NOTICE.encode("gb18030"))
    document = read_document(path)
    assert document.encoding == "gb18030" and document.text == NOTICE
    assert len(document.sha256) == 64


def test_format_comes_from_content_not_the_name():
    assert sniff_format(b"PK\x03\x04rest") == "zip"
    assert sniff_format("普通文本".encode()) == "text"
