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
    (b"\xfa\x81\x30\xff\xff\xfe", "E003_undecodable"),  # no BOM: FF FE first is UTF-16's
    ("\u3000\u3000\n".encode(), "E001_empty_file"),  # ideographic spaces only
    (codecs.BOM_UTF8, "E001_empty_file"),  # a BOM alone
    (codecs.BOM_UTF16_LE + " \u3000".encode("utf-16-le"), "E001_empty_file"),
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


TRADITIONAL = "臺北市政府關於推動長期照顧服務體系建設的通知\n各區公所：為落實高齡者照顧服務，請依職責分工辦理。\n"


@pytest.mark.parametrize("bom, codec, name", [
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"), (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
])
def test_utf16_and_utf32_with_a_bom_are_read(tmp_path, bom, codec, name):
    path = tmp_path / "notice.txt"
    path.write_bytes(bom + NOTICE.replace("\n", "\r\n").encode(codec))
    document = read_document(path)
    assert (document.text, document.encoding, document.warnings) == (NOTICE, name, [])


def test_a_utf8_bom_before_gbk_text_is_read_as_gbk_with_a_warning(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_bytes(codecs.BOM_UTF8 + NOTICE.encode("gbk"))
    document = read_document(path)
    assert document.text == NOTICE and document.encoding == "gb18030"
    [warning] = document.warnings
    assert warning.code == "charset_mismatch" and "read as gb18030" in warning.message
    assert "\ufffd" not in document.text


def test_a_stray_bad_byte_after_a_bom_is_replaced_with_a_warning():
    from pipeline.ingest.text import decode_text_checked
    decoded = decode_text_checked(codecs.BOM_UTF8 + NOTICE.encode() + b"\xff")
    assert decoded.text == NOTICE + "\ufffd" and decoded.encoding == "utf-8-sig"
    assert [w.code for w in decoded.warnings] == ["undecodable_bytes_replaced"]


@pytest.mark.parametrize("text, encoding", [
    (TRADITIONAL, "big5"), (TRADITIONAL * 10, "big5"),
    (NOTICE, "gb18030"), (NOTICE * 10, "gb18030"),
])
def test_big5_and_gb18030_are_told_apart(text, encoding):
    assert decode_text(text.encode(encoding)) == (text, encoding)
