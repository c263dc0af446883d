"""HTML notices: a government site's article page to paragraphs and table rows.

The stages, in data-flow order:

- `html_charset.decode_html`: BOM, else the declared charset, else sniffed
  (UTF-8, GB18030); GB2312/GBK read as GB18030.
- `html_page.text_to_page`: the tree without scripts and hidden parts; the
  article's container (`html_content`: CMS markers, else the densest
  Chinese text); the title; the metadata table (`html_meta`).
- `html_blocks.container_to_items`: the container's paragraphs and tables
  (`html_tables`: rowspan and colspan on a grid), with element locators.

The document's lines are the metadata ("发文字号:…", "成文日期:YYYY-MM-DD"),
then the title, then the article, so the metadata stage reads a web page as it
reads a text notice.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.ingest.html.blocks import container_to_items
from pipeline.ingest.html.charset import decode_html
from pipeline.ingest.html.page import Page, text_to_page
from pipeline.ingest.layout import Item, Paragraph, lay_out
from pipeline.model import NoticeWarning, SourceDocument
from pipeline.normalise import squash


def read_html(path: Path, data: bytes) -> SourceDocument:
    """Read an HTML notice; raises `ExtractionError` E003_undecodable when no charset reads it."""
    decoded = decode_html(data)
    page = text_to_page(decoded.text)
    warnings = list(decoded.warnings)
    if page is None or page.container is None:
        warnings.append(NoticeWarning(code="html_body_not_found",
                                      message="no article text was found in the page"))
    text, blocks = lay_out(page_to_items(page) if page else [])
    return SourceDocument(path=str(path), sha256="", format="html", encoding=decoded.encoding,
                          text=text, blocks=blocks, warnings=warnings)


def page_to_items(page: Page) -> list[Item]:
    """Metadata lines, the title, the article; the title once if the article repeats it."""
    body = container_to_items(page)
    title = [page.title] if page.title else []
    if title and body and isinstance(body[0], Paragraph) \
            and squash(body[0].text) == squash(page.title.text):
        title = []
    return [*page.metadata, *title, *body]
