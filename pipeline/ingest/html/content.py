"""Where a page's article text is: its content container, and the furniture around it.

The rule, in order:

1. An element whose class token or id is a content marker of the common CMS
   (`vocab/html_content_markers.txt`: TRS_Editor, zoom, article-content,
   pages_content, xxgk_content …) and that holds some Chinese text. The
   earliest marker in the file wins; among elements with that marker, the one
   holding the most Chinese text.
2. Else the block with the most Chinese text in its own paragraphs: text,
   inline elements, <p>, leaf <div>s and data tables directly inside it,
   link text not counted, furniture left out.

Furniture is <nav>, <footer>, <aside> and elements whose class or id contains
a furniture marker (`vocab/html_boilerplate_markers.txt`: nav, menu, crumb,
footer, share, logo …), unless it holds a content-marked element or at least
half the Chinese text around it, and 100 characters outside links (a wrapper
named "layout-with-sidebar" is not a sidebar; a footer that is all the text of
a page without an article is still a footer).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from lxml.html import HtmlElement

from pipeline.ingest.html.tables import is_layout_table
from pipeline.ingest.html.text import han_count
from pipeline.ingest.html.tree import BLOCK_TAGS, path_below, tag_of
from pipeline.vocab import word_list

# A marked container holding fewer Chinese characters than this is an empty shell.
MIN_MARKED_HAN = 10
# The densest block must hold at least this many Chinese characters to be the article.
MIN_FALLBACK_HAN = 20
# Furniture markers never remove an element holding this share of the text around it,
# if that is at least this many Chinese characters outside links (a page's footer
# is all the text there is on a page without an article).
PROTECTED_SHARE = 0.5
MIN_PROTECTED_HAN = 100
# Tags that are furniture whatever their class.
FURNITURE_TAGS = frozenset({"nav", "footer", "aside"})
# Blocks that may hold an article's paragraphs.
CANDIDATE_TAGS = ("div", "td", "article", "section", "main", "body", "center", "form", "font")
# Children whose text counts as the parent's own paragraphs.
PARAGRAPH_TAGS = frozenset({"p", "span", "font", "strong", "b", "em", "i", "u", "center", "h3",
                            "h4", "h5", "h6", "blockquote", "pre", "sub", "sup", "small", "big",
                            "label"})


class HanCount(NamedTuple):
    total: int  # Chinese characters in the element's text, tails of children included
    linked: int  # of which inside <a>


class Container(NamedTuple):
    element: HtmlElement
    name: str  # its locator, e.g. "div[@class=TRS_Editor]"


@dataclass
class PageText:
    """Chinese-text counts of every element, and which elements are furniture."""

    counts: dict[HtmlElement, HanCount]
    furniture: set[HtmlElement]

    def han(self, element: HtmlElement) -> int:
        return self.counts.get(element, HanCount(0, 0)).total

    def in_furniture(self, element: HtmlElement) -> bool:
        return element in self.furniture or any(a in self.furniture for a in element.iterancestors())


def measure(root: HtmlElement) -> PageText:
    counts: dict[HtmlElement, HanCount] = {}
    _count(root, counts, inside_link=False)
    marked = [el for el in root.iter() if _marked_furniture(el)]
    furniture = {el for el in marked if not _protected(el, counts)}
    return PageText(counts=counts, furniture=furniture)


def _count(element: HtmlElement, counts: dict[HtmlElement, HanCount], inside_link: bool) -> HanCount:
    linked = inside_link or tag_of(element) == "a"
    total = han_count(element.text or "")
    link = total if linked else 0
    for child in element:
        child_count = _count(child, counts, linked)
        tail = han_count(child.tail or "")
        total += child_count.total + tail
        link += child_count.linked + (tail if linked else 0)
    counts[element] = HanCount(total, link)
    return counts[element]


@lru_cache(maxsize=1)
def _furniture_markers() -> tuple[str, ...]:
    return tuple(marker.lower() for marker in word_list("html_boilerplate_markers"))


def _marked_furniture(element: HtmlElement) -> bool:
    tag = tag_of(element)
    if tag is None:
        return False
    if tag in FURNITURE_TAGS:
        return True
    names = (element.get("class", "") + " " + element.get("id", "")).lower()
    return any(marker in names for marker in _furniture_markers())


def _protected(element: HtmlElement, counts: dict[HtmlElement, HanCount]) -> bool:
    """A furniture-like name on what holds the article (id="printContent",
    class="main-with-sidebar") does not make it furniture."""
    if tag_of(element) in FURNITURE_TAGS:
        return False
    if any(_content_rank(node) is not None for node in element.iter()):
        return True
    parent = element.getparent()
    own = counts[element].total - counts[element].linked
    around = counts[parent].total if parent is not None else counts[element].total
    return own >= MIN_PROTECTED_HAN and own >= PROTECTED_SHARE * around


def find_container(root: HtmlElement, text: PageText,
                   read: set[HtmlElement]) -> Container | None:
    """The article's container; elements already `read` (metadata tables) are not it."""
    def excluded(element: HtmlElement) -> bool:
        return text.in_furniture(element) or any(
            node in read for node in (element, *element.iterancestors()))

    return _by_marker(root, text, excluded) or _by_density(root, text, excluded)


@lru_cache(maxsize=1)
def _content_ranks() -> dict[str, int]:
    markers = word_list("html_content_markers")
    return {marker.lower(): rank for rank, marker in reversed(list(enumerate(markers)))}


def _by_marker(root: HtmlElement, text: PageText,
               excluded: Callable[[HtmlElement], bool]) -> Container | None:
    best: tuple[tuple[int, int], Container] | None = None
    for element in root.iter():
        if tag_of(element) is None or text.han(element) < MIN_MARKED_HAN or excluded(element):
            continue
        for attribute, name in _named(element):
            rank = _content_ranks().get(name.lower())
            key = (rank, -text.han(element)) if rank is not None else None
            if key is not None and (best is None or key < best[0]):
                best = (key, Container(element, f"{tag_of(element)}[@{attribute}={name}]"))
    return best[1] if best else None


def _content_rank(element: HtmlElement) -> int | None:
    """The best rank of the element's content markers; None when it has none."""
    if tag_of(element) is None:
        return None
    ranks = [_content_ranks()[name.lower()] for _, name in _named(element)
             if name.lower() in _content_ranks()]
    return min(ranks, default=None)


def _named(element: HtmlElement) -> list[tuple[str, str]]:
    names = [("class", token) for token in element.get("class", "").split()]
    if element.get("id", "").strip():
        names.append(("id", element.get("id").strip()))
    return names


def _by_density(root: HtmlElement, text: PageText,
                excluded: Callable[[HtmlElement], bool]) -> Container | None:
    best_score, best = 0, None
    for element in root.iter(*CANDIDATE_TAGS):
        if excluded(element):
            continue
        score = own_paragraph_han(element, text)
        if score > best_score:
            best_score, best = score, element
    if best is None or best_score < MIN_FALLBACK_HAN:
        return None
    return Container(best, path_below(best, None, ""))


def own_paragraph_han(element: HtmlElement, text: PageText) -> int:
    """Chinese characters in the element's own paragraphs, link text left out."""
    score = han_count(element.text or "")
    for child in element:
        score += han_count(child.tail or "")
        if child in text.furniture or tag_of(child) is None:
            continue
        if _is_paragraph(child):
            count = text.counts[child]
            score += count.total - count.linked
    return score


def _is_paragraph(element: HtmlElement) -> bool:
    tag = tag_of(element)
    if tag in PARAGRAPH_TAGS:
        return True
    if tag == "table":
        return not is_layout_table(element)
    return tag in ("div", "section") and not any(
        tag_of(inner) in BLOCK_TAGS for inner in element.iterdescendants())
