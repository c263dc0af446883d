"""Labelled fields printed above a notice's text: 发文机关：国务院, 成文日期：2019年01月27日.

A government article page prints them as a label/value table; its Word and PDF
conversions keep the table, its text conversion puts each cell on a line of its
own, and other pages print "来源:… 发布时间:…" lines. All these shapes give the
same `LabelledField`s, each with the span of its value, for the metadata stage.
Labels and the fields they name are vocabulary (`vocab/meta_labels.txt`).
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import regex

from pipeline.model import Block, BlockKind, Span
from pipeline.normalise import fold_width, squash
from pipeline.vocab import word_list

# A line longer than this is prose, not a "来源:… 发布时间:…" line.
MAX_LABELLED_LINE_CHARS = 200


class LabelledField(NamedTuple):
    field: str  # title, issuer, doc_number, date_written, date_published, …
    label: str  # as the vocabulary spells it: 发文机关
    value: str
    span: Span  # of the value


@lru_cache(maxsize=1)
def label_fields() -> dict[str, str]:
    """Label -> the field it names."""
    return dict(line.split() for line in word_list("meta_labels"))


@lru_cache(maxsize=1)
def _inline_labels() -> regex.Pattern:
    """A known label and its colon; longer labels first (主题分类 before 分类)."""
    labels = "|".join(regex.escape(label) for label in sorted(label_fields(), key=len, reverse=True))
    return regex.compile(rf"(?P<label>{labels})\s*:\s*")  # on width-folded text


def label_of(text: str) -> str | None:
    """The label a cell or line holds alone ("发文字号：", "发 文 机 关", "标　　题:").

    >>> label_of("标　　题："), label_of("国务院办公厅")
    ('标题', None)
    """
    flat = fold_width(squash(text)).rstrip(":")
    return flat if flat in label_fields() else None


def inline_fields(text: str) -> list[tuple[str, int, int]]:
    """(label, value start, value end) of a line that starts with a label.

    >>> line = "来源：市民政局 发布时间:2024-05-11"
    >>> [(label, line[start:end]) for label, start, end in inline_fields(line)]
    [('来源', '市民政局'), ('发布时间', '2024-05-11')]
    >>> inline_fields("根据《条例》，来源:不明")
    []
    """
    folded = fold_width(text)
    if len(folded) > MAX_LABELLED_LINE_CHARS:
        return []
    matches = list(_inline_labels().finditer(folded))
    if not matches or folded[:matches[0].start()].strip(" 【[|"):
        return []
    found = []
    for match, following in zip(matches, [*matches[1:], None]):
        start, end = match.end(), following.start() if following else len(folded)
        while start < end and folded[start] in " |":
            start += 1
        while end > start and folded[end - 1] in " |":
            end -= 1
        if start < end:
            found.append((match["label"], start, end))
    return found


def blocks_to_fields(blocks: list[Block]) -> list[LabelledField]:
    """Every labelled field of the blocks, in order: rows of label/value cells,
    "label:value" lines, and a label line followed by its value's line."""
    fields: list[LabelledField] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if block.kind is BlockKind.table_row:
            fields += _row_fields(block)
        elif (label := label_of(block.text)) and index + 1 < len(blocks) \
                and _is_value_line(blocks[index + 1]):
            value = blocks[index + 1]
            fields.append(_field(label, value.text.strip(), value.span))
            index += 1
        else:
            fields += _inline(block.text, block.span)
        index += 1
    return fields


def _is_value_line(block: Block) -> bool:
    return block.kind is BlockKind.paragraph and label_of(block.text) is None \
        and not inline_fields(block.text)


def _row_fields(row: Block) -> list[LabelledField]:
    """Label/value pairs of a row; a merged cell's copies are not values again."""
    cells = [cell for cell in row.cells if not cell.inherited and cell.text.strip()]
    fields, index = [], 0
    while index < len(cells):
        label = label_of(cells[index].text)
        if label and index + 1 < len(cells) and label_of(cells[index + 1].text) is None:
            fields.append(_field(label, cells[index + 1].text.strip(), cells[index + 1].span))
            index += 2
            continue
        fields += _inline(cells[index].text, cells[index].span)
        index += 1
    return fields


def _inline(text: str, span: Span) -> list[LabelledField]:
    return [_field(label, text[start:end], _sub_span(span, start, end))
            for label, start, end in inline_fields(text)]


def _sub_span(span: Span, start: int, end: int) -> Span:
    return span.model_copy(update={"start": span.start + start, "end": span.start + end})


def _field(label: str, value: str, span: Span) -> LabelledField:
    return LabelledField(label_fields()[label], label, value, span)
