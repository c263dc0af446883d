"""A government page's metadata (索引号, 发文机关, 发文字号, 成文日期 …) to paragraphs.

Article pages print the document's metadata in a label/value table, or as
"发布时间:… 来源:…" lines above the text. They are written out as lines the
metadata stage reads ("发文字号:临政办发〔2023〕43号", "成文日期:2023-12-16"),
in the order of `vocab/html_meta_labels.txt`, before the title.
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import regex
from lxml.html import HtmlElement

from pipeline.ingest.html.tree import element_text, row_cells, step, table_rows
from pipeline.ingest.html.text import strip_widgets
from pipeline.ingest.layout import Paragraph, Where
from pipeline.normalise import fold_width, squash
from pipeline.vocab import word_list

# A table is a metadata table when it pairs at least this many labels with values.
MIN_META_PAIRS = 2
# A line longer than this is prose, not a "发布时间:… 来源:…" line.
MAX_INFO_LINE_CHARS = 200

_DATE = regex.compile(
    r"""^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?  # 2023-12-16, 2023年12月16日
        (?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$                                       # a time of day, dropped""",
    regex.VERBOSE,
)


class MetaField(NamedTuple):
    label: str
    value: str
    locator: str


def meta_labels() -> tuple[str, ...]:
    return word_list("html_meta_labels")


@lru_cache(maxsize=1)
def _labelled() -> regex.Pattern:
    """A known label and its colon; longer labels first (主题分类 before 分类)."""
    labels = "|".join(regex.escape(label) for label in sorted(meta_labels(), key=len, reverse=True))
    return regex.compile(rf"(?P<label>{labels})\s*:\s*")  # on width-folded text


def _label_of(text: str) -> str | None:
    """The label a cell holds alone ("发文字号：", "发 文 机 关", "标　　题:").

    >>> _label_of("标　　题："), _label_of("国务院办公厅")
    ('标题', None)
    """
    flat = fold_width(squash(text)).rstrip(":")
    return flat if flat in meta_labels() else None


def table_to_meta(table: HtmlElement, locator: str) -> list[MetaField]:
    """The label/value pairs of a metadata table; [] when the table is not one."""
    fields: list[MetaField] = []
    for row_number, row in enumerate(table_rows(table), start=1):
        cells = row_cells(row)
        texts = [element_text(cell) for cell in cells]
        index = 0
        while index < len(cells):
            where = f"{locator}/tr[{row_number}]/{step(cells[index])}"
            label = _label_of(texts[index])
            if label and index + 1 < len(cells) and not _label_of(texts[index + 1]):
                value_where = f"{locator}/tr[{row_number}]/{step(cells[index + 1])}"
                if texts[index + 1]:
                    fields.append(MetaField(label, texts[index + 1], value_where))
                index += 2
                continue
            fields += line_to_meta(texts[index], where)
            index += 1
    return fields if len(fields) >= MIN_META_PAIRS else []


def line_to_meta(text: str, locator: str) -> list[MetaField]:
    """The labelled values of a line that starts with a label ("来源:XX 发布时间:…").

    >>> [f[:2] for f in line_to_meta("来源：市民政局 发布时间:2024-05-11 浏览次数:9", "p[1]")]
    [('来源', '市民政局'), ('发布时间', '2024-05-11')]
    """
    line = fold_width(strip_widgets(text))
    if len(line) > MAX_INFO_LINE_CHARS:
        return []
    matches = list(_labelled().finditer(line))
    if not matches or line[:matches[0].start()].strip(" 【[|"):
        return []
    fields = []
    for match, following in zip(matches, [*matches[1:], None]):
        value = line[match.end(): following.start() if following else len(line)]
        value = value.strip(" |")
        if value:
            fields.append(MetaField(match.group("label"), value, locator))
    return fields


def fields_to_paragraphs(fields: list[MetaField]) -> list[Paragraph]:
    """One line per label (the first value found wins), in the vocabulary's order.

    >>> [p.text for p in fields_to_paragraphs([MetaField("发布日期", "2024年1月2日", "a"),
    ...                                        MetaField("发文字号", "X政发〔2024〕1号", "b")])]
    ['发文字号:X政发〔2024〕1号', '发布日期:2024-01-02']
    """
    first: dict[str, MetaField] = {}
    for field in fields:
        first.setdefault(field.label, field)
    order = {label: place for place, label in enumerate(meta_labels())}
    ordered = sorted(first.values(), key=lambda field: order[field.label])
    return [Paragraph(text=f"{field.label}:{iso_date(field.value)}", where=Where(locator=field.locator))
            for field in ordered]


def iso_date(value: str) -> str:
    """A date value as YYYY-MM-DD; any other value unchanged.

    >>> iso_date("2023年12月6日"), iso_date("2024-05-11 15:23:12"), iso_date("临政办发〔2023〕43号")
    ('2023-12-06', '2024-05-11', '临政办发〔2023〕43号')
    """
    match = _DATE.match(value.strip())
    if not match:
        return value
    return f"{match.group('y')}-{int(match.group('m')):02d}-{int(match.group('d')):02d}"
