"""Document metadata: title, issuer, 发文字号, date and region of a notice.

Only the notice's own header and signature count: document numbers and
dates cited in the body (根据《…》(豫政办〔2023〕35号)) are not this notice's.
"""
from __future__ import annotations

import cn2an
import regex

from pipeline.markers import parse_marker
from pipeline.model import Block, BlockKind, DocumentMeta, Span
from pipeline.normalise import squash

# How many lines from the top the title may stand (web pages put navigation first).
TITLE_SEARCH_LINES = 40
# A title split over lines is joined over at most this many lines.
MAX_TITLE_LINES = 3

_DOC_TYPE = r"(?:通知|通报|方案|意见|办法|决定|规划|细则|清单|规定|计划|批复|函)"
_TITLE_END = regex.compile(_DOC_TYPE + r"(?:\((?:征求意见稿|试行|草案|修订)\))?$")
_ORG = r"\p{Han}{2,30}?(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|局|委|厅)"
_ISSUER_PREFIX = regex.compile(rf"^(?P<org>{_ORG})(?=关于|印发|转发)")
_ISSUER_LINE = regex.compile(rf"^(?P<org>{_ORG})$")
_ISSUER_LABEL = regex.compile(r"^(?:发文机关|发布机构|发文单位|发布机关)[::](?P<org>\p{Han}{2,40})$")
_DOC_NUMBER = regex.compile(
    r"""(?P<number>
        \p{Han}{1,12}              # issuer code, e.g. 临政办发
        [〔\[(【]\s*\d{4}\s*[〕\])】]  # year in brackets
        \s*\d{1,4}\s*号)           # serial number""",
    regex.VERBOSE,
)
_NUMBER_LABEL = regex.compile(r"(?:发文字号|发文号|文号|字号)\s*[::]\s*$")
_NUMERALS = "0-9〇零一二三四五六七八九十"
_DATE = regex.compile(
    rf"(?P<y>[{_NUMERALS}]{{4}})\s*年\s*(?P<m>[{_NUMERALS}]{{1,2}})\s*月\s*(?P<d>[{_NUMERALS}]{{1,3}})\s*日")
_SIGNING = regex.compile(rf"^(?:{_ORG})?(?P<date>{_DATE.pattern})$")
_LABELLED_DATE = regex.compile(
    r"(?:成文日期|发布日期|发布时间|印发日期|发文日期|日期)\s*[::]\s*"
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})")
_REGION = regex.compile(
    r"^(?:\p{Han}{2,6}?(?:省|自治区))?(?:(?P<city>\p{Han}{1,8}?(?:自治州|地区|盟|州市|市|州)))?"
    r"(?P<county>\p{Han}{1,6}?(?:自治县|县|区|旗|市))?")

# Words that show a "place" matched at the start of a title is really prose (关于推进全市…).
_NOT_PLACE_WORDS = ("关于", "印发", "推进", "全市", "全区", "全县", "本市", "我市", "加快", "进一步")


def blocks_to_metadata(blocks: list[Block]) -> DocumentMeta:
    paragraphs = [block for block in blocks if block.kind is BlockKind.paragraph]
    meta = DocumentMeta()
    title = _find_title(paragraphs)
    if title:
        meta.title, meta.sources["title"] = title
    issuer = _find_issuer(meta.title, meta.sources.get("title"), paragraphs)
    if issuer:
        meta.issuer, meta.sources["issuer"] = issuer
    number = _find_doc_number(paragraphs)
    if number:
        meta.doc_number, meta.sources["doc_number"] = number
    date = _find_date(paragraphs)
    if date:
        meta.date, meta.sources["date"] = date
    meta.region = region_of(meta.title) or region_of(meta.issuer)
    return meta


def _header(paragraphs: list[Block]) -> list[Block]:
    """The lines before the first numbered heading, at most TITLE_SEARCH_LINES."""
    header = []
    for block in paragraphs[:TITLE_SEARCH_LINES]:
        if parse_marker(block.text):
            break
        header.append(block)
    return header


def _find_title(paragraphs: list[Block]) -> tuple[str, Span] | None:
    header = _header(paragraphs)
    for index, block in enumerate(header):
        text = squash(block.text)
        if _not_a_title(text):
            continue
        joined, last = text, index
        while not _TITLE_END.search(joined) and "关于" in joined and last + 1 < len(header) \
                and last - index + 1 < MAX_TITLE_LINES:
            last += 1
            joined += squash(header[last].text)
        if not _TITLE_END.search(joined):
            continue
        first = index
        if joined.startswith("关于") and index and _ISSUER_LINE.match(squash(header[index - 1].text)):
            first = index - 1
            joined = squash(header[first].text) + joined
        span = Span(line=header[first].span.line, end_line=header[last].span.end_line,
                    start=header[first].span.start, end=header[last].span.end)
        return joined, span
    return None


def _not_a_title(text: str) -> bool:
    return (len(text) < 8 or text.startswith(("各", "《", "根据", "为")) or ":" in text
            or text.endswith(("...", "…")))


def _find_issuer(title: str | None, title_span: Span | None,
                 paragraphs: list[Block]) -> tuple[str, Span] | None:
    """The organisation heading the title, else a 发文机关 label, else the signature."""
    if title:
        match = _ISSUER_PREFIX.match(title)
        if match:
            return match.group("org"), title_span
    for block in paragraphs[:TITLE_SEARCH_LINES]:
        labelled = _ISSUER_LABEL.match(squash(block.text))
        if labelled:
            return labelled.group("org"), block.span
    for index, block in enumerate(paragraphs):
        text = squash(block.text)
        signing = _SIGNING.match(text)
        if signing and signing.start("date") > 0:
            return text[:signing.start("date")], block.span
        if signing and index and _ISSUER_LINE.match(squash(paragraphs[index - 1].text)):
            return squash(paragraphs[index - 1].text), paragraphs[index - 1].span
    return None


def _find_doc_number(paragraphs: list[Block]) -> tuple[str, Span] | None:
    """A 发文字号 standing alone on its line, or after a 文号 label."""
    for block in paragraphs[:TITLE_SEARCH_LINES]:
        for match in _DOC_NUMBER.finditer(block.text):
            before = block.text[:match.start()]
            alone = not before.strip() and not block.text[match.end():].strip()
            if alone or _NUMBER_LABEL.search(before):
                return squash(match.group("number")), block.span
    return None


def _find_date(paragraphs: list[Block]) -> tuple[str, Span] | None:
    """The signing date under the issuer, else a labelled publication date."""
    for block in paragraphs:
        signing = _SIGNING.match(squash(block.text))
        if signing:
            return _iso(_DATE.search(signing.group("date"))), block.span
    for block in paragraphs[:TITLE_SEARCH_LINES]:
        labelled = _LABELLED_DATE.search(block.text)
        if labelled:
            return _iso(labelled), block.span
    return None


def _iso(match: regex.Match) -> str:
    year = "".join(str(_numeral(ch)) for ch in match.group("y"))
    return f"{year}-{_numeral(match.group('m')):02d}-{_numeral(match.group('d')):02d}"


def _numeral(text: str) -> int:
    """An Arabic or Chinese numeral of a date part (〇 and 零 are zero)."""
    if text.isdigit():
        return int(text)
    return int(cn2an.cn2an(text.replace("〇", "零"), "smart"))


def region_of(name: str | None) -> str | None:
    """The most specific place an issuer or title starts with.

    >>> region_of("鹤壁市人民政府办公室关于…的通知"), region_of("薛城区人民政府办公室")
    ('鹤壁市', '薛城区')
    >>> region_of("山东省枣庄市薛城区民政局"), region_of("杭州市民政局")
    ('薛城区', '杭州市')
    """
    if not name:
        return None
    match = _REGION.match(name)
    if not match:
        return None
    place = match.group("county") or match.group("city")
    if place and any(word in place for word in _NOT_PLACE_WORDS):
        return None
    return place
