"""Document metadata: title, issuer, 发文字号, date and region of a notice.

Two sources, read in this order for each field: the labelled fields printed
above the text (`pipeline.labelled`: 标题, 发文机关, 发文字号, 成文日期 …), then
the notice's own header and signature. The date is the signing date under
the issuer, else the labelled 成文日期, else the publication date. Document
numbers and dates cited in the body (根据《…》(豫政办〔2023〕35号)) are never
this notice's.
"""
from __future__ import annotations

from functools import lru_cache

import cn2an
import regex

from pipeline.labelled import LabelledField, blocks_to_fields
from pipeline.markers import parse_marker
from pipeline.model import Block, BlockKind, DocumentMeta, Span
from pipeline.normalise import squash
from pipeline.vocab import word_list

# How many lines from the top the title may stand (web pages put navigation first).
TITLE_SEARCH_LINES = 40
# A shorter line is no notice's title (专利代理条例 is six).
MIN_TITLE_CHARS = 4
# A title split over lines is joined over at most this many lines.
MAX_TITLE_LINES = 3
# The region of a notice whose issuer is national (国务院, a ministry).
NATIONAL_REGION = "全国"

_DOC_TYPE = r"(?:通知|通报|方案|意见|办法|决定|规划|细则|清单|规定|计划|批复|复函|函|条例|措施|要点|纲要|公告|通告)"
_TITLE_END = regex.compile(_DOC_TYPE + r"(?:\((?:征求意见稿|试行|草案|修订)\))?$")
# A column's name made of document types (通知公告, 政策文件): no notice's title.
_ONLY_DOC_TYPES = regex.compile(rf"(?:{_DOC_TYPE}|文件|政策)+")
_ORG = (r"(?:\p{Han}{2,30}?(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|局|委|厅|部|署"
        r"|政府)|国务院(?:办公厅)?)")
_ISSUER_PREFIX = regex.compile(rf"^(?P<org>{_ORG})(?=关于|印发|转发)")
_ISSUER_LINE = regex.compile(rf"^(?P<org>{_ORG})$")
# The heading of an order names who orders: 中华人民共和国国务院令.
_ORDER_HEADING = regex.compile(rf"^(?:中华人民共和国)?(?P<org>{_ORG})令$")
_DOC_NUMBER = regex.compile(
    r"""(?P<number>
        \p{Han}{1,12}              # issuer code, e.g. 临政办发
        [〔\[(【]\s*\d{4}\s*[〕\])】]  # year in brackets
        \s*\d{1,4}\s*号            # serial number
      | \p{Han}{1,4}令\s*第\s*\d{1,4}\s*号)  # an order: 国令第706号""",
    regex.VERBOSE,
)
_NUMERALS = "0-9〇零一二三四五六七八九十"
_DATE = regex.compile(
    rf"(?P<y>[{_NUMERALS}]{{4}})\s*年\s*(?P<m>[{_NUMERALS}]{{1,2}})\s*月\s*(?P<d>[{_NUMERALS}]{{1,3}})\s*日")
_SIGNING = regex.compile(rf"^(?:{_ORG})?(?P<date>{_DATE.pattern})$")
# A labelled date: 2023-12-16, 2023年12月16日, 2024-05-11 15:23:12; what follows is dropped.
_ISO_DATE = regex.compile(r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)")
_REGION = regex.compile(
    r"^(?:\p{Han}{2,6}?(?:省|自治区))?(?:(?P<city>\p{Han}{1,8}?(?:自治州|地区|盟|州市|市|州)))?"
    r"(?P<county>\p{Han}{1,6}?(?:自治县|县|区|旗|市))?")

# Words that show a "place" matched at the start of a title is really prose (关于推进全市…).
_NOT_PLACE_WORDS = ("关于", "印发", "推进", "全市", "全区", "全县", "本市", "我市", "加快", "进一步")


@lru_cache(maxsize=1)
def national_issuers() -> tuple[str, ...]:
    """Beginnings of a national issuer's name (国务院, 中共中央, ministries)."""
    return word_list("issuers_national") + word_list("units_national")


def blocks_to_metadata(blocks: list[Block]) -> DocumentMeta:
    header = _header(blocks)
    labelled: dict[str, LabelledField] = {}
    fields = blocks_to_fields(header)
    for field in fields:
        labelled.setdefault(field.field, field)
    # A labelled value on a line of its own (a text conversion's 2019年01月27日) is no signature.
    values = {field.span.start for field in fields}
    paragraphs = [block for block in blocks if block.kind is BlockKind.paragraph]
    meta = DocumentMeta()
    found = {"title": _labelled(labelled, "title") or _find_title(paragraphs)}
    # The signature stands on a line that is no labelled value, below the title
    # (an order's signature stands above the regulation it gives: anywhere, then).
    after = found["title"][1].end if found["title"] else 0
    unlabelled = [block for block in paragraphs if block.span.start not in values]
    below = [block for block in unlabelled if block.span.start >= after]
    found["issuer"] = (_labelled(labelled, "issuer") or _issuer_of_title(found["title"])
                       or _order_issuer(header) or _signature_issuer(below)
                       or _labelled(labelled, "publisher"))
    found["doc_number"] = _labelled(labelled, "doc_number") or _find_doc_number(paragraphs)
    found["date"] = (_signing_date(below) or _signing_date(unlabelled)
                     or _labelled_date(labelled, "date_written")
                     or _labelled_date(labelled, "date_published"))
    for name, value in found.items():
        if value:
            setattr(meta, name, value[0])
            meta.sources[name] = value[1]
    meta.region = region_of(meta.issuer) or region_of(meta.title)
    return meta


def _header(blocks: list[Block]) -> list[Block]:
    """The blocks before the body's first numbered heading, at most TITLE_SEARCH_LINES."""
    header = []
    for block in blocks[:TITLE_SEARCH_LINES]:
        if block.kind is BlockKind.paragraph and parse_marker(block.text):
            break
        header.append(block)
    return header


def _labelled(labelled: dict[str, LabelledField], field: str) -> tuple[str, Span] | None:
    """A labelled value, unless the page cut it short (某县民政局关于开展养老服务...)."""
    found = labelled.get(field)
    if found is None or not squash(found.value) or found.value.rstrip().endswith(("...", "…")):
        return None
    value = squash(found.value)
    if field == "doc_number":
        number = _DOC_NUMBER.search(value)
        value = squash(number["number"]) if number else value
    return value, found.span


def _labelled_date(labelled: dict[str, LabelledField], field: str) -> tuple[str, Span] | None:
    found = labelled.get(field)
    date = iso_date(found.value) if found else None
    return (date, found.span) if date else None


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
        if not _TITLE_END.search(joined) or ":" in joined:  # a label's remnant: no title
            continue
        first = index
        if joined.startswith("关于") and index and _ISSUER_LINE.match(squash(header[index - 1].text)):
            first = index - 1
            joined = squash(header[first].text) + joined
        span = Span(line=header[first].span.line, end_line=header[last].span.end_line,
                    start=header[first].span.start, end=header[last].span.end,
                    locator=header[first].span.locator, page=header[first].span.page)
        return joined, span
    return None


def _not_a_title(text: str) -> bool:
    return (len(text) < MIN_TITLE_CHARS or _ONLY_DOC_TYPES.fullmatch(text) is not None
            or text.startswith(("各", "《", "根据", "为")) or ":" in text
            or text.endswith(("...", "…")) or _DOC_NUMBER.fullmatch(text) is not None)


def _issuer_of_title(title: tuple[str, Span] | None) -> tuple[str, Span] | None:
    match = _ISSUER_PREFIX.match(title[0]) if title else None
    return (match["org"], title[1]) if match else None


def _order_issuer(header: list[Block]) -> tuple[str, Span] | None:
    for block in header:
        order = _ORDER_HEADING.match(squash(block.text))
        if order:
            return order["org"], block.span
    return None


def _signature_issuer(paragraphs: list[Block]) -> tuple[str, Span] | None:
    """The organisation signing above (or beside) the signing date."""
    for index, block in enumerate(paragraphs):
        text = squash(block.text)
        signing = _SIGNING.match(text)
        if signing and signing.start("date") > 0:
            return text[:signing.start("date")], block.span
        if signing and index and _ISSUER_LINE.match(squash(paragraphs[index - 1].text)):
            return squash(paragraphs[index - 1].text), paragraphs[index - 1].span
    return None


def _find_doc_number(paragraphs: list[Block]) -> tuple[str, Span] | None:
    """A 发文字号 opening a line of the header: alone, or run into a table's next cell
    (a PDF's metadata table read line by line: 国发〔2019〕5号2019年02月15日)."""
    for block in _header(paragraphs):
        text = squash(block.text)
        number = _DOC_NUMBER.match(text)
        if number and (number.end() == len(text) or iso_date(text[number.end():])):
            return squash(number["number"]), block.span
    return None


def _signing_date(paragraphs: list[Block]) -> tuple[str, Span] | None:
    """The date standing alone (or after the issuer) on its line: the signing date."""
    for block in paragraphs:
        signing = _SIGNING.match(squash(block.text))
        if signing:
            return _iso(_DATE.search(signing.group("date"))), block.span
    return None


def iso_date(value: str) -> str | None:
    """A date value as YYYY-MM-DD, or None when it is no date.

    >>> iso_date("2023年12月6日"), iso_date("2024-05-11 15:23:12 浏览次数:"), iso_date("临政办发〔2023〕43号")
    ('2023-12-06', '2024-05-11', None)
    """
    match = _ISO_DATE.match(value.strip()) or _DATE.fullmatch(squash(value))
    return _iso(match) if match else None


def _iso(match: regex.Match) -> str:
    year = "".join(str(_numeral(ch)) for ch in match.group("y"))
    return f"{year}-{_numeral(match.group('m')):02d}-{_numeral(match.group('d')):02d}"


def _numeral(text: str) -> int:
    """An Arabic or Chinese numeral of a date part (〇 and 零 are zero)."""
    if text.isdigit():
        return int(text)
    return int(cn2an.cn2an(text.replace("〇", "零"), "smart"))


def region_of(name: str | None) -> str | None:
    """The most specific place an issuer or title starts with; 全国 for national issuers.

    >>> region_of("鹤壁市人民政府办公室关于…的通知"), region_of("薛城区人民政府办公室")
    ('鹤壁市', '薛城区')
    >>> region_of("山东省枣庄市薛城区民政局"), region_of("杭州市民政局")
    ('薛城区', '杭州市')
    >>> region_of("国务院办公厅"), region_of("国务院关于印发…的通知"), region_of("民政部")
    ('全国', '全国', '全国')
    """
    if not name:
        return None
    if name.startswith(national_issuers()):
        return NATIONAL_REGION
    match = _REGION.match(name)
    if not match:
        return None
    place = match.group("county") or match.group("city")
    if place and any(word in place for word in _NOT_PLACE_WORDS):
        return None
    return place
