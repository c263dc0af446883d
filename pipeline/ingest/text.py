"""Plain-text notices: decode bytes to text, as a careful detector would.

- A byte-order mark settles the encoding (UTF-8, UTF-16 or UTF-32, either
  byte order) while the body decodes in it; a BOM the body does not match (a
  UTF-8 BOM put before GBK text by an editor) is a warning naming the
  encoding the text was read in instead, never silent U+FFFD.
- Without a BOM, UTF-8 that reads as Chinese prose wins at once; otherwise the
  strict decoding (UTF-8, GB18030, Big5) with the most ideographs. Big5 and
  GB18030 bytes often decode in both, as nonsense in the wrong one: between
  them charset-normalizer decides, which weighs how the characters read.
- A file that is only whitespace once decoded (a BOM alone, U+3000 ideographic
  spaces) is empty, E001.
"""
from __future__ import annotations

import codecs
from typing import NamedTuple

from charset_normalizer import from_bytes

from pipeline.errors import ExtractionError
from pipeline.model import NoticeWarning

# Share of control characters above which a file is taken for binary data.
MAX_CONTROL_SHARE = 0.05
# A strict decoding that yields this many ideographs is taken without trying others:
# GB18030 bytes that happen to be valid UTF-8 decode to a few odd letters, never to prose.
CONFIDENT_IDEOGRAPHS = 64
# Encodings tried strictly, in order; GB18030 is a superset of GBK and GB2312.
ENCODINGS = ("utf-8", "gb18030", "big5")
# charset-normalizer's names, by the codec this reader decodes them with (its superset).
DETECTED_AS = {"utf_8": "utf-8", "gb18030": "gb18030", "gb2312": "gb18030", "gbk": "gb18030",
               "big5": "big5", "big5hkscs": "big5", "cp950": "big5"}
# Below this many bytes the detector is guessing; a mainland notice's GB18030 is assumed.
MIN_DETECTOR_BYTES = 48
# Share of a BOM'd body's characters that may be undecodable before the BOM is doubted.
MAX_REPLACED_SHARE = 0.001
# BOMs, longest first (the UTF-32 LE mark starts like the UTF-16 LE one): bytes, codec, name.
BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
        (codecs.BOM_UTF8, "utf-8", "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"))
# Characters that print nothing: a file of only these (and whitespace) is empty.
INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
_ALLOWED_CONTROLS = {"\n", "\r", "\t", "\f", "\v"}


class DecodedText(NamedTuple):
    text: str
    encoding: str
    warnings: list[NoticeWarning]


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text notice, returning (text, encoding name). Newlines become '\\n'.

    >>> decode_text("通知\\r\\n".encode("gb18030"))
    ('通知\\n', 'gb18030')
    >>> decode_text(codecs.BOM_UTF8 + "通知".encode())
    ('通知', 'utf-8-sig')
    >>> decode_text(codecs.BOM_UTF16_LE + "通知".encode("utf-16-le"))
    ('通知', 'utf-16')
    """
    decoded = decode_text_checked(data)
    return decoded.text, decoded.encoding


def decode_text_checked(data: bytes) -> DecodedText:
    """Decode a text notice; with the warnings a doubtful decoding gives."""
    if not data.strip():
        raise ExtractionError("E001_empty_file")
    bom = next((bom for bom in BOMS if data.startswith(bom[0])), None)
    if bom is not None:
        text, encoding, warnings = _decode_with_bom(data[len(bom[0]):], bom[1], bom[2])
    else:
        if b"\x00" in data:
            raise ExtractionError("E002_not_text", "it contains NUL bytes")
        (text, encoding), warnings = _decode(data), []
    if not text.strip().strip(INVISIBLE).strip():
        raise ExtractionError("E001_empty_file", "only whitespace once decoded")
    controls = sum(1 for ch in text if ch < " " and ch not in _ALLOWED_CONTROLS)
    if controls > MAX_CONTROL_SHARE * len(text):
        raise ExtractionError("E002_not_text", f"{controls} control characters")
    return DecodedText(text.replace("\r\n", "\n").replace("\r", "\n"), encoding, warnings)


def _decode_with_bom(body: bytes, codec: str, name: str) -> tuple[str, str, list[NoticeWarning]]:
    """The body in its BOM's encoding; when it does not decode, what it does decode as."""
    try:
        return body.decode(codec), name, []
    except UnicodeDecodeError:
        pass
    lenient = body.decode(codec, errors="replace")
    replaced = lenient.count("\ufffd")
    if replaced <= max(1, MAX_REPLACED_SHARE * len(lenient)):  # a stray byte, not another encoding
        return lenient, name, [NoticeWarning(
            code="undecodable_bytes_replaced",
            message=f"{replaced} undecodable byte sequence(s) in the {name} text replaced")]
    if b"\x00" in body:
        raise ExtractionError("E003_undecodable", f"the text does not decode as {name}, its BOM")
    text, encoding = _decode(body)
    return text, encoding, [NoticeWarning(
        code="charset_mismatch",
        message=f"the file starts with a {name} byte-order mark but its text is not {name}: "
                f"read as {encoding}")]


def _decode(data: bytes) -> tuple[str, str]:
    """The strict decoding that reads as Chinese text.

    Short GB18030 byte strings can also be valid UTF-8 (通知 reads as ֪ͨ), so
    UTF-8 wins at once only when it reads as prose, and otherwise the reading
    with the most ideographs wins. Big5 and GB18030 bytes decode in each
    other, both as ideographs, so between those two the detector decides.
    """
    readings: dict[str, str] = {}
    for encoding in ENCODINGS:
        try:
            readings[encoding] = data.decode(encoding)
        except UnicodeDecodeError:
            continue
    if not readings:
        raise ExtractionError("E003_undecodable")
    utf8 = readings.get("utf-8")
    if utf8 is not None and _ideographs(utf8) >= CONFIDENT_IDEOGRAPHS:
        return utf8, "utf-8"
    if "gb18030" in readings and "big5" in readings:
        big5 = len(data) >= MIN_DETECTOR_BYTES and _detected(data, ["gb18030", "big5"]) == "big5"
        dropped = "gb18030" if big5 else "big5"
        del readings[dropped]
    return max(((text, encoding) for encoding, text in readings.items()),
               key=lambda candidate: _ideographs(candidate[0]))


def _detected(data: bytes, encodings: list[str]) -> str | None:
    """The one of `encodings` charset-normalizer finds the bytes read best in, if any."""
    isolation = [name for name, codec in DETECTED_AS.items() if codec in encodings]
    best = from_bytes(data, cp_isolation=isolation).best()
    return DETECTED_AS.get(best.encoding) if best is not None else None


def _ideographs(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
