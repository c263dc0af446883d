"""The parsed page's tree: element kinds, text with breaks kept, table rows, locators.

Locators are short XPath-like element paths, 1-based: `p[12]` is the 12th <p>
among its siblings; a table is numbered in the whole page (`table[2]`), its
rows through thead/tbody/tfoot (`table[2]/tr[3]/td[1]`).
"""
from __future__ import annotations

from collections.abc import Iterator

import regex
from lxml import etree
from lxml.html import HtmlElement

from pipeline.ingest.html.text import HARD_SPACE, collapse_whitespace

# Elements that end a line where they open and close; all others flow inline.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu",
    "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
})
CELL_TAGS = ("td", "th")
ROW_GROUPS = ("thead", "tbody", "tfoot")

_HIDDEN = regex.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", regex.IGNORECASE)


def tag_of(element: etree._Element) -> str | None:
    """The lower-case tag name; None for comments and processing instructions."""
    return element.tag.lower() if isinstance(element.tag, str) else None


def is_hidden(element: HtmlElement) -> bool:
    return bool(_HIDDEN.search(element.get("style", ""))) or element.get("hidden") is not None


def names_of(element: HtmlElement) -> list[str]:
    """The element's class tokens and id, as written."""
    names = element.get("class", "").split()
    if element.get("id"):
        names.append(element.get("id").strip())
    return names


def element_text(element: HtmlElement) -> str:
    """Inner text on one line: <br> and block edges become spaces.

    >>> from lxml.html import fragment_fromstring
    >>> element_text(fragment_fromstring("<td>80周岁<br>及以上<p>老年\\n  人</p></td>"))
    '80周岁 及以上 老年人'
    """
    return collapse_whitespace("".join(_pieces(element)))


def _pieces(element: HtmlElement) -> Iterator[str]:
    for child_or_text in _flow(element):
        if isinstance(child_or_text, str):
            yield child_or_text
            continue
        tag = tag_of(child_or_text)
        if tag == "br" or tag in BLOCK_TAGS:
            yield HARD_SPACE
        if tag is not None and tag != "br":
            yield from _pieces(child_or_text)
            if tag in BLOCK_TAGS:
                yield HARD_SPACE


def _flow(element: HtmlElement) -> Iterator[str | HtmlElement]:
    """The element's own text, then each child followed by its tail."""
    if element.text:
        yield element.text
    for child in element:
        yield child
        if child.tail:
            yield child.tail


def table_rows(table: HtmlElement) -> list[HtmlElement]:
    """The table's own rows, through thead/tbody/tfoot, not those of nested tables."""
    rows = []
    for child in table:
        tag = tag_of(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ROW_GROUPS:
            rows.extend(row for row in child if tag_of(row) == "tr")
    return rows


def row_cells(row: HtmlElement) -> list[HtmlElement]:
    return [cell for cell in row if tag_of(cell) in CELL_TAGS]


def step(element: HtmlElement) -> str:
    """`tag[n]`: the element's tag and its place among siblings of that tag."""
    tag = tag_of(element)
    place = 1 + sum(1 for sibling in element.itersiblings(preceding=True) if tag_of(sibling) == tag)
    return f"{tag}[{place}]"


def path_below(element: HtmlElement, anchor: HtmlElement | None, anchor_name: str) -> str:
    """The locator of an element under an anchor whose locator is `anchor_name`;
    from <body> when the element is not under the anchor."""
    steps = []
    node: HtmlElement | None = element
    while node is not None and node is not anchor and node.getparent() is not None:
        steps.append(step(node))
        node = node.getparent()
    head = [anchor_name] if node is anchor and anchor is not None else []
    return "/".join([*head, *reversed(steps)])
