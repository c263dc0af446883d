"""Plain-text notices: decode bytes (UTF-8 with or without BOM, GB18030/GBK) to text."""
from __future__ import annotations

import codecs

from pipeline.errors import ExtractionError

# Share of control characters above which a file is taken for binary data.
MAX_CONTROL_SHARE = 0.05
# A strict decoding that yields this many ideographs is taken without trying others:
# GB18030 bytes that happen to be valid UTF-8 decode to a few odd letters, never to prose.
CONFIDENT_IDEOGRAPHS = 64
# Encodings tried strictly, in order; GB18030 is a superset of GBK and GB2312.
ENCODINGS = ("utf-8", "gb18030")
_ALLOWED_CONTROLS = {"\n", "\r", "\t", "\f", "\v"}


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text notice, returning (text, encoding name). Newlines become '\\n'.

    >>> decode_text("通知\\r\\n".encode("gb18030"))
    ('通知\\n', 'gb18030')
    >>> decode_text(codecs.BOM_UTF8 + "通知".encode())
    ('通知', 'utf-8-sig')
    """
    if not data.strip():
        raise ExtractionError("E001_empty_file")
    if b"\x00" in data:
        raise ExtractionError("E002_not_text", "it contains NUL bytes")
    text, encoding = _decode(data)
    controls = sum(1 for ch in text if ch < " " and ch not in _ALLOWED_CONTROLS)
    if controls > MAX_CONTROL_SHARE * len(text):
        raise ExtractionError("E002_not_text", f"{controls} control characters")
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _decode(data: bytes) -> tuple[str, str]:
    """The strict decoding that reads as the most Chinese text.

    Short GB18030 byte strings can also be valid UTF-8 (通知 reads as ֪ͨ),
    so every encoding that decodes is tried and the one with the most
    ideographs wins.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    candidates = []
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _ideographs(text) >= CONFIDENT_IDEOGRAPHS:  # no other decoding reads as Chinese
            return text, encoding
        candidates.append((text, encoding))
    if not candidates:
        raise ExtractionError("E003_undecodable")
    return max(candidates, key=lambda candidate: _ideographs(candidate[0]))


def _ideographs(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
