"""A text notice to a layout: its paragraphs with their roles, and its tables as grids.

The structure comes from the project's own library, so the Word, PDF and
HTML samples hold what the pipeline reads from the text: `text_to_blocks` /
`blocks_to_tables` say which lines are paragraphs and which are table rows,
`table_to_rows` + `resolve_target_groups` give every catalogue row its cells
and its 服务对象 (so rows of one group can share one merged cell), and
`duty_table_to_drafts` gives the 职责分工表's group and item rows.

Text is taken from the decoded source (not the width-folded blocks), so
full-width punctuation stays as printed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import regex

from pipeline.ingest import read_document
from pipeline.markers import MarkerKind, parse_marker
from pipeline.metadata import blocks_to_metadata
from pipeline.model import Block, Span, Table
from pipeline.normalise import squash
from pipeline.segment import blocks_to_tables, text_to_blocks
from samples_grids import Grid, table_to_grid

# The date stamped on the files of a notice that prints no date of its own.
FALLBACK_DATE = "2024-01-01"
# A paragraph this short that starts with 一、 is a heading of its own (not a run-in heading).
MAX_HEADING_CHARS = 30

_ATTACHMENT_LABEL = regex.compile(r"^附\s*件\s*\d*\s*[::]?$")  # 附件 / 附 件 / 附件 1: (alone)
_SIGNING = regex.compile(r"^(?:\p{Han}{2,30}(?:办公室|政府|局|委))?"  # issuer, if on the line
                         r"\d{4}年\d{1,2}月\d{1,2}日$")               # then the signing date
_SIGNER = regex.compile(r"^\p{Han}{2,30}(?:办公室|办公厅|政府|局|委)$")  # the issuer above the date
_RED_HEADER = regex.compile(r"^\p{Han}{4,30}文件$")                # 临汾市人民政府办公室文件
_PUBLISHED = regex.compile(r"(?:发布日期|发布时间)\s*[::]\s*(\d{4}-\d{2}-\d{2})")


class Role(str, Enum):
    red_header = "red_header"  # 红头: "…文件"
    title = "title"
    caption = "caption"  # the title line right above a table
    attachment = "attachment"  # "附件" alone: the attachment starts a page
    heading = "heading"  # 一、 heading on a line of its own
    item = "item"  # (一) item, auto-numbered in Word for the chosen notice
    signature = "signature"  # signing date, right-aligned
    body = "body"


@dataclass(frozen=True)
class Para:
    text: str  # without the marker when `list_instance` is set
    role: Role = Role.body
    marker: str = ""  # the printed marker that Word numbering replaces
    list_instance: int | None = None  # paragraphs with one value continue one numbered list
    landscape: bool = False  # an attachment label: its pages are landscape


@dataclass
class NoticeLayout:
    stem: str
    title: str
    issuer: str | None
    doc_number: str | None
    date: str | None  # ISO signing date
    published: str | None  # ISO publication date, where the notice prints one
    items: list[Para | Grid] = field(default_factory=list)

    @property
    def stamp_date(self) -> str:
        """The date the files are stamped with (never the time of the run)."""
        return self.date or FALLBACK_DATE


def notice_to_layout(path: Path, auto_numbered: bool = False) -> NoticeLayout:
    document = read_document(path)
    text = document.text
    blocks = text_to_blocks(text)
    tables = blocks_to_tables(blocks)
    meta = blocks_to_metadata(blocks)
    published = _PUBLISHED.search(text)
    layout = NoticeLayout(stem=path.stem, title=meta.title or path.stem, issuer=meta.issuer,
                          doc_number=meta.doc_number, date=meta.date,
                          published=published.group(1) if published else None)
    title_span = meta.sources.get("title")
    table_at = {id(table.pages[0].header): table for table in tables}
    in_table = {id(block) for table in tables for page in table.pages
                for block in [page.header, *page.rows]}
    for index, block in enumerate(blocks):
        if id(block) in table_at:
            layout.items.append(table_to_grid(table_at[id(block)], text))
        elif id(block) not in in_table:
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            layout.items.append(_paragraph(block, text, title_span, following, table_at))
    layout.items = _landscape_attachments(_signers_right(layout.items))
    if auto_numbered:
        layout.items = number_items(layout.items, path.stem)
    return layout


def _raw(text: str, span: Span) -> str:
    return text[span.start:span.end].strip()


def _paragraph(block: Block, text: str, title_span: Span | None, following: Block | None,
               table_at: dict[int, Table]) -> Para:
    raw = _raw(text, block.span)
    flat = squash(raw)
    marker = parse_marker(block.text)
    if title_span and title_span.line <= block.span.line <= title_span.end_line:
        role = Role.title
    elif _RED_HEADER.match(flat) and title_span and block.span.line < title_span.line:
        role = Role.red_header
    elif following is not None and id(following) in table_at:
        role = Role.caption
    elif _ATTACHMENT_LABEL.match(flat):
        role = Role.attachment
    elif _SIGNING.match(flat):
        role = Role.signature
    elif marker and marker.kind is MarkerKind.cn_dun and not block.text[:1].isspace() \
            and block.text.startswith(marker.text) and len(flat) <= MAX_HEADING_CHARS:
        role = Role.heading
    elif marker and marker.kind is MarkerKind.cn_paren and block.text.startswith("("):
        role = Role.item
    else:
        role = Role.body
    return Para(text=raw, role=role)


def _signers_right(items: list[Para | Grid]) -> list[Para | Grid]:
    """The issuer's name on the line above the signing date signs too."""
    signed = list(items)
    for index, item in enumerate(items[:-1]):
        below = items[index + 1]
        if isinstance(item, Para) and item.role is Role.body and isinstance(below, Para) \
                and below.role is Role.signature and _SIGNER.match(squash(item.text)):
            signed[index] = Para(text=item.text, role=Role.signature)
    return signed


def _landscape_attachments(items: list[Para | Grid]) -> list[Para | Grid]:
    """An attachment label turns its pages landscape when its first table is landscape."""
    turned = list(items)
    for index, item in enumerate(items):
        if not (isinstance(item, Para) and item.role is Role.attachment):
            continue
        for later in items[index + 1:]:
            if isinstance(later, Para) and later.role is Role.attachment:
                break
            if isinstance(later, Grid):
                turned[index] = Para(text=item.text, role=item.role, landscape=later.landscape)
                break
    return turned


def number_items(items: list[Para | Grid], stem: str) -> list[Para | Grid]:
    """Take the printed (一) markers off item paragraphs for Word numbering.

    Items keep one list while their numbers continue; an item numbered (一)
    after others starts a new list (Word restarts it). A printed sequence
    that numbering cannot reproduce is refused rather than silently changed.
    """
    numbered: list[Para | Grid] = []
    instance, expected = 0, 1
    for item in items:
        if not (isinstance(item, Para) and item.role is Role.item):
            numbered.append(item)
            continue
        marker = parse_marker(item.text.replace("（", "(").replace("）", ")"))
        if marker.number == 1 and expected > 1:
            instance, expected = instance + 1, 1
        if marker.number != expected:
            raise ValueError(f"{stem}: item {marker.text} follows ({expected - 1}); "
                             "Word numbering cannot print that sequence")
        expected += 1
        numbered.append(Para(text=item.text[marker.end:].strip(), role=Role.item,
                             marker=item.text[:marker.end].strip(), list_instance=instance))
    return numbered


