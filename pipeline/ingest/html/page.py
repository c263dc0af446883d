"""A decoded page to its parts: metadata, title, and the container of the article text.

Scripts, styles, forms' controls, comments and hidden elements go first; the
container is found by `html_content`; the title and the metadata are looked
for in the whole page, since sites print them above the article's container.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex
from lxml import etree
from lxml.html import HtmlElement, document_fromstring

from pipeline.ingest.html.content import Container, PageText, find_container, measure
from pipeline.ingest.html.meta import is_metadata_line, is_metadata_table
from pipeline.ingest.html.tables import is_layout_table, table_to_items
from pipeline.ingest.html.text import clean_line, han_count
from pipeline.ingest.html.tree import BLOCK_TAGS, element_text, is_hidden, path_below, tag_of
from pipeline.ingest.layout import Item, Paragraph, Where
from pipeline.normalise import squash
from pipeline.vocab import word_list

# Elements that never hold notice text.
DROPPED_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "select",
                "button", "input", "textarea", "svg", "canvas", "map", "link", "meta")
# A heading needs this many Chinese characters to be a document's title
# (shorter ones are a site's or a column's name: 通知公告).
MIN_TITLE_HAN = 10
# A heading longer than this is prose.
MAX_TITLE_CHARS = 150
# A title cut short on one side matches the other when it keeps this share of it.
MIN_TITLE_MATCH_SHARE = 0.5

# Separators between the parts of a page's <title>: "标题_栏目_XX市人民政府".
_TITLE_PARTS = regex.compile(r"\s*(?:[_|｜]|\s[-–—]\s|——|--)\s*")
# Source text that cannot go into lxml: an XML declaration on a str, control characters.
_UNPARSABLE = regex.compile(r"^\s*<\?xml[^>]*\?>|[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class Page:
    root: HtmlElement
    text: PageText
    container: Container | None = None
    title: Paragraph | None = None
    metadata: list[Item] = field(default_factory=list)  # rows and lines, read before the title
    skipped: set[HtmlElement] = field(default_factory=set)  # read already: not body text again
    table_numbers: dict[HtmlElement, int] = field(default_factory=dict)


def text_to_page(source: str) -> Page | None:
    """The page's parts; None when there is no HTML document in the text."""
    root = parse_html(source)
    if root is None:
        return None
    page = Page(root=root, text=measure(root),
                table_numbers={table: n for n, table in enumerate(root.iter("table"), start=1)})
    tables = _read_metadata_tables(page)
    page.container = find_container(root, page.text, page.skipped)
    page.metadata = tables + _read_info_lines(page)
    _read_title(page)
    return page


def parse_html(source: str) -> HtmlElement | None:
    try:
        root = document_fromstring(_UNPARSABLE.sub("", source))
    except (etree.ParserError, ValueError):
        return None
    etree.strip_elements(root, *DROPPED_TAGS, etree.Comment, etree.ProcessingInstruction,
                         with_tail=False)
    for hidden in [element for element in root.iter() if tag_of(element) and is_hidden(element)]:
        hidden.drop_tree()
    return root


def _read_metadata_tables(page: Page) -> list[Item]:
    """The rows of metadata tables anywhere on the page; they are not read again as text."""
    rows: list[Item] = []
    for table, number in page.table_numbers.items():
        if page.text.in_furniture(table) or is_layout_table(table) or not is_metadata_table(table):
            continue
        rows += table_to_items(table, f"table[{number}]")
        page.skipped.add(table)
    return rows


def _read_info_lines(page: Page) -> list[Item]:
    """Labelled lines outside the article's container ("来源:… 发布时间:…")."""
    lines: list[Item] = []
    for element in _info_lines(page):
        text = clean_line(element_text(element))
        if is_metadata_line(text):
            lines.append(Paragraph(text=text, where=Where(locator=path_below(element, None, ""))))
    return lines


def _info_lines(page: Page) -> list[HtmlElement]:
    """Leaf blocks outside the container, the furniture and the metadata tables."""
    inside = page.container.element if page.container else None
    lines = []
    for element in page.root.iter(*BLOCK_TAGS):
        if any(tag_of(inner) in BLOCK_TAGS for inner in element.iterdescendants()):
            continue
        ancestors = {element, *element.iterancestors()}
        if (inside is not None and inside in ancestors) or ancestors & page.skipped \
                or page.text.in_furniture(element):
            continue
        lines.append(element)
    return lines


def _read_title(page: Page) -> None:
    """The heading that matches the page's <title>, else one at the start of or just
    before the container, else the <title> cleaned of the site's name."""
    full_title = page.root.findtext(".//title") or ""
    page_title = clean_page_title(full_title)
    # A heading printing another part of the <title> is the site's or column's name.
    names = {squash(part) for part in _TITLE_PARTS.split(full_title)} - {squash(page_title)}
    headings = [h for h in _headings(page) if squash(element_text(h)) not in names]
    heading = next((h for h in headings if titles_match(element_text(h), page_title)), None)
    if heading is None:
        heading = _heading_near_container(page, headings)
    if heading is not None:
        page.title = Paragraph(text=element_text(heading),
                               where=Where(locator=path_below(heading, None, "")))
        page.skipped.add(heading)
    elif han_count(page_title) >= MIN_TITLE_HAN:
        page.title = Paragraph(text=page_title, where=Where(locator="head/title"))


def _headings(page: Page) -> list[HtmlElement]:
    """h1, h2 and title-marked elements that could be the document's title, innermost."""
    markers = tuple(marker.lower() for marker in word_list("html_title_markers"))
    found = []
    for element in page.root.iter():
        tag = tag_of(element)
        names = (element.get("class", "") + " " + element.get("id", "")).lower() if tag else ""
        if tag in ("h1", "h2") or (tag and any(marker in names for marker in markers)):
            text = element_text(element)
            if han_count(text) >= MIN_TITLE_HAN and len(text) <= MAX_TITLE_CHARS \
                    and not page.text.in_furniture(element) \
                    and not ({element, *element.iterancestors()} & page.skipped):
                found.append(element)
    return [h for h in found if not any(other in found for other in h.iterdescendants())]


def _heading_near_container(page: Page, headings: list[HtmlElement]) -> HtmlElement | None:
    if page.container is None:
        return headings[0] if headings else None
    container = page.container.element
    order = {element: index for index, element in enumerate(page.root.iter())}
    inside = [h for h in headings if container in h.iterancestors()]
    before = [h for h in headings if order[h] < order[container] and h not in container.iterancestors()]
    if inside and _starts(container, inside[0], page.skipped):
        return inside[0]
    return before[-1] if before else None


def _starts(container: HtmlElement, heading: HtmlElement, skipped: set[HtmlElement]) -> bool:
    """No Chinese text in the container comes before the heading (metadata tables aside)."""
    for element in container.iter():
        if element is heading:
            return True
        if {element, *element.iterancestors()} & skipped:
            continue
        if han_count(element.text or ""):
            return False
        tail_before = element is not container and heading not in element.iterdescendants()
        if tail_before and han_count(element.tail or ""):
            return False
    return False


def clean_page_title(title: str) -> str:
    """The <title> without the site's and column's names: its longest part.

    >>> clean_page_title("某市人民政府办公室关于印发某方案的通知_政策文件_某市人民政府")
    '某市人民政府办公室关于印发某方案的通知'
    """
    parts = [part.strip() for part in _TITLE_PARTS.split(title) if part.strip()]
    return max(parts, key=han_count, default="")


def titles_match(heading: str, page_title: str) -> bool:
    """The same title, one maybe cut short (…) or without the issuer in front."""
    a, b = (squash(text).rstrip(".…") for text in (heading, page_title))
    if not a or not b:
        return False
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) < MIN_TITLE_MATCH_SHARE * len(longer):
        return False
    return shorter == longer or longer.startswith(shorter) or longer.endswith(shorter)
