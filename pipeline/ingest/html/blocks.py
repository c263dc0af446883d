"""The article container to paragraphs and table rows, in reading order.

Block elements (<p>, <div>, <li> …) end a paragraph where they open and
close; a <br> ends one too; inside a block, an indent run (\\u3000\\u3000,
&nbsp;&nbsp;) opens a new one (`html_text.split_indents`). Inline elements
flow into the paragraph around them. Data tables become rows
(`html_tables`); layout tables are read cell by cell as blocks.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from pipeline.ingest.html.page import Page
from pipeline.ingest.html.tables import is_layout_table, table_to_items
from pipeline.ingest.html.text import clean_line, split_indents
from pipeline.ingest.html.tree import BLOCK_TAGS, row_cells, step, table_rows, tag_of
from pipeline.ingest.layout import Item, Paragraph, Where


def container_to_items(page: Page) -> list[Item]:
    """The container's paragraphs and rows; [] when the page has no article text."""
    if page.container is None:
        return []
    walk = _Walk(page=page)
    walk.read_block(page.container.element, page.container.name)
    return walk.items


@dataclass
class _Walk:
    """What reading carries from element to element: the paragraph being gathered."""

    page: Page
    items: list[Item] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)
    block: str = ""  # locator of the block being read
    where: str = ""  # locator of the line being read: the block, or after its n-th <br>
    breaks: int = 0
    preformatted: bool = False

    def read_block(self, element: HtmlElement, locator: str) -> None:
        saved = (self.block, self.where, self.breaks, self.preformatted)
        self.flush()
        self.block = self.where = locator
        self.breaks = 0
        self.preformatted = self.preformatted or tag_of(element) == "pre"
        self.read_children(element, locator)
        self.flush()
        self.block, self.where, self.breaks, self.preformatted = saved

    def read_children(self, element: HtmlElement, path: str) -> None:
        """The element's text and children; `path` is its locator, so children's
        places are counted here once (`p[12]`) rather than looked up per child."""
        self.pieces.append(element.text or "")
        places: Counter[str] = Counter()
        for child in element:
            tag = tag_of(child)
            if tag is not None:
                places[tag] += 1
                self.visit(child, tag, f"{path}/{tag}[{places[tag]}]")
            self.pieces.append(child.tail or "")

    def visit(self, element: HtmlElement, tag: str, path: str) -> None:
        if element in self.page.skipped or element in self.page.text.furniture:
            return
        if tag == "br":
            self.flush()
            self.breaks += 1
            self.where = f"{self.block}/br[{self.breaks}]"
        elif tag == "table":
            self.read_table(element)
        elif tag in BLOCK_TAGS:
            self.read_block(element, path)
        else:
            self.read_children(element, path)

    def read_table(self, table: HtmlElement) -> None:
        self.flush()
        locator = f"table[{self.page.table_numbers[table]}]"
        if not is_layout_table(table):
            self.items += table_to_items(table, locator)
            return
        for row_number, row in enumerate(table_rows(table), start=1):
            for cell in row_cells(row):
                self.read_block(cell, f"{locator}/tr[{row_number}]/{step(cell)}")

    def flush(self) -> None:
        text = "".join(self.pieces)
        self.pieces = []
        parts = text.split("\n") if self.preformatted else split_indents(text)
        for part in parts:
            line = clean_line(part)
            if line:
                self.items.append(Paragraph(text=line, where=Where(locator=self.where)))
