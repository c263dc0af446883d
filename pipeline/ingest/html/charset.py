"""The charset of an HTML page: its BOM, else its declaration, else sniffed.

GB2312 and GBK pages are decoded as GB18030, their superset: pages declared
GB2312 routinely hold characters outside it. A declaration is trusted only as
far as the bytes agree with it.
"""
from __future__ import annotations

import codecs
from typing import NamedTuple

import regex

from pipeline.errors import ExtractionError
from pipeline.ingest.html.text import han_count
from pipeline.model import NoticeWarning

# How many leading bytes are searched for a charset declaration (pages put
# long comments and scripts before their <meta>).
DECLARATION_SNIFF_BYTES = 16384
# Encodings tried strictly when nothing declared works.
SNIFFED = ("utf-8", "gb18030")
# Declared names decoded as GB18030.
GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "x-gbk", "gb_2312-80", "gb_2312", "cp936",
                       "ms936", "windows-936", "euc-cn", "x-euc-cn", "csgb2312", "chinese"})
# Western single-byte charsets are template defaults on a Chinese page, never its truth.
WESTERN = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252"})
# Non-ASCII characters a valid UTF-8 reading needs to beat a GB declaration.
MIN_UTF8_EVIDENCE = 8
# Share of undecodable bytes tolerated (a page cut off mid-character); more is E003.
MAX_REPLACED_SHARE = 0.001

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_DECLARATION = regex.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*(?P<charset>[A-Za-z0-9_.:\-]+)   # <meta charset=...> or content="...; charset=..."
       | <\?xml\b[^>]*?\bencoding\s*=\s*["'](?P<xml>[A-Za-z0-9_.:\-]+)        # <?xml ... encoding="..."?>""",
    regex.IGNORECASE | regex.VERBOSE,
)


# A page saved with its HTTP response: the status line, headers, a blank line, the page.
_HTTP_HEAD = regex.compile(rb"^HTTP/\d(?:\.\d)?\s+\d{3}[^\r\n]*\r?\n(?P<headers>(?:[^\r\n]+\r?\n)*?)\r?\n",
                           regex.IGNORECASE)
_HEADER_CHARSET = regex.compile(rb"^content-type\s*:[^\r\n]*?charset\s*=\s*[\"']?(?P<charset>[A-Za-z0-9_.:\-]+)",
                                regex.IGNORECASE | regex.MULTILINE)


def split_http_response(data: bytes) -> tuple[bytes | None, bytes]:
    """(the headers, the page) of a page saved with its HTTP response; (None, data) otherwise.

    >>> split_http_response(b"HTTP/1.1 200 OK\\r\\nContent-Type: text/html; charset=GBK\\r\\n\\r\\n<p>x</p>")
    (b'Content-Type: text/html; charset=GBK\\r\\n', b'<p>x</p>')
    """
    head = _HTTP_HEAD.match(data)
    return (head["headers"], data[head.end():]) if head else (None, data)


class Decoded(NamedTuple):
    text: str
    encoding: str
    warnings: list[NoticeWarning]


def decode_html(data: bytes) -> Decoded:
    """Decode a page; raises `ExtractionError` E003_undecodable when no charset reads it.

    >>> decode_html('<meta charset="gb2312"><p>通知</p>'.encode("gbk"))[:2]
    ('<meta charset="gb2312"><p>通知</p>', 'gb18030')
    >>> decode_html("<p>养老服务</p>".encode("gb18030")).encoding
    'gb18030'
    >>> decode_html(b"HTTP/1.1 200 OK\\nContent-Type: text/html; charset=gbk\\n\\n" + "<p>通知</p>".encode("gbk"))[:2]
    ('<p>通知</p>', 'gb18030')
    """
    headers, data = split_http_response(data)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom):].decode(encoding), encoding, [])
            except UnicodeDecodeError:  # an editor's BOM before GBK bytes: read what is there
                decoded = decode_html(data[len(bom):]) if encoding == "utf-8-sig" else None
            if decoded is None or decoded.encoding == "utf-8":
                return Decoded(data[len(bom):].decode(encoding, errors="replace"), encoding, [
                    NoticeWarning(code="undecodable_bytes_replaced",
                                  message=f"bytes that do not decode as {encoding} replaced")])
            return decoded._replace(warnings=decoded.warnings + [NoticeWarning(
                code="charset_mismatch", message=f"the page starts with a {encoding} "
                                                 f"byte-order mark but reads as {decoded.encoding}")])
    declared = _header_charset(headers) or declared_charset(data)
    if declared in WESTERN:
        declared = None
    readings = _strict_readings(data, declared)
    if not readings:
        return _decode_leniently(data, declared)
    encoding = _choose(readings, declared)
    return Decoded(readings[encoding], encoding, _mismatch(declared, encoding))


def _header_charset(headers: bytes | None) -> str | None:
    match = _HEADER_CHARSET.search(headers) if headers else None
    return _codec(match["charset"].decode("ascii").lower()) if match else None


def _codec(label: str) -> str | None:
    """Python's name of a charset label; GB2312 and GBK are read as GB18030."""
    if label in GB_FAMILY:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if name in GB_FAMILY else name


def declared_charset(data: bytes) -> str | None:
    """The codec a page declares, by Python's name; None when none or unknown.

    >>> declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=GBK">')
    'gb18030'
    >>> declared_charset(b"<meta charset='x-unheard-of'>") is None
    True
    """
    match = _DECLARATION.search(data[:DECLARATION_SNIFF_BYTES])
    if not match:
        return None
    return _codec((match.group("charset") or match.group("xml")).decode("ascii").lower())


def _strict_readings(data: bytes, declared: str | None) -> dict[str, str]:
    readings: dict[str, str] = {}
    for encoding in dict.fromkeys(name for name in ("utf-8", declared, *SNIFFED) if name):
        try:
            readings[encoding] = data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return readings


def _choose(readings: dict[str, str], declared: str | None) -> str:
    """Valid UTF-8 with enough non-ASCII text wins even against a declaration (GB
    text is practically never valid UTF-8 at length, and templates copied between
    sites keep stale declarations); then the declaration; then the reading with
    the most Chinese, since a few GB characters can pass for UTF-8 (通知 as ֪ͨ)."""
    utf8 = readings.get("utf-8")
    if utf8 is not None and sum(1 for ch in utf8 if ord(ch) > 0x7F) >= MIN_UTF8_EVIDENCE:
        return "utf-8"
    if declared in readings:
        return declared
    return max(readings, key=lambda encoding: han_count(readings[encoding]))


def _mismatch(declared: str | None, used: str) -> list[NoticeWarning]:
    if declared is None or declared == used or declared in WESTERN:
        return []
    return [NoticeWarning(code="charset_mismatch",
                          message=f"the page declares {declared} but reads as {used}")]


def _decode_leniently(data: bytes, declared: str | None) -> Decoded:
    """The reading with the fewest bad bytes, if they are few enough."""
    best: tuple[int, int, str, str] | None = None
    for encoding in dict.fromkeys([name for name in (declared, *SNIFFED) if name]):
        text = data.decode(encoding, errors="replace")
        bad = text.count("\ufffd")
        if best is None or (bad, -han_count(text)) < (best[0], best[1]):
            best = (bad, -han_count(text), text, encoding)
    if best is None or best[0] > MAX_REPLACED_SHARE * len(best[2]):
        raise ExtractionError("E003_undecodable", "not UTF-8 or GB18030, nor the declared charset")
    warning = NoticeWarning(code="undecodable_bytes_replaced",
                            message=f"{best[0]} undecodable byte sequences in {best[3]} were replaced")
    return Decoded(best[2], best[3], [warning])
