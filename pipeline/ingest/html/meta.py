"""A page's metadata outside its article: the gov.cn label/value table, "来源:…" lines.

Article pages print the document's metadata (索引号, 发文机关, 发文字号, 成文日期
…) above the article's container, in a label/value table or as "发布时间:…
来源:…" lines. They are kept, as rows and lines before the title, for the
metadata stage to read (`pipeline.labelled`); what each label means is decided
there, not here.
"""
from __future__ import annotations

from lxml.html import HtmlElement

from pipeline.ingest.html.tree import element_text, row_cells, table_rows
from pipeline.labelled import inline_fields, label_of

# A table is a metadata table when it pairs at least this many labels with values.
MIN_META_PAIRS = 2


def is_metadata_table(table: HtmlElement) -> bool:
    """Whether a table pairs labels with values (发文机关： | 国务院)."""
    pairs = 0
    for row in table_rows(table):
        texts = [element_text(cell) for cell in row_cells(row)]
        for text, following in zip(texts, [*texts[1:], ""]):
            if label_of(text) and following and label_of(following) is None:
                pairs += 1
            elif inline_fields(text):
                pairs += 1
    return pairs >= MIN_META_PAIRS


def is_metadata_line(text: str) -> bool:
    """A line that starts with a label and its value ("来源:市民政局 发布时间:…")."""
    return bool(inline_fields(text))
