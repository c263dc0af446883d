"""Read source to one validated-ready `NoticeRecord`: the stages in data-flow order."""
from __future__ import annotations

from typing import Any

import regex

from pipeline.extract.clauses import find_rules
from pipeline.flags import ocr_confidence_flags, summarise_review
from pipeline.metadata import blocks_to_metadata
from pipeline.model import (Block, BlockKind, CatalogueItem, NoticeRecord, NoticeWarning, OutlineNode, RoleRule,
                            SourceDocument, SourceInfo, Table, TableKind, Task, UnitMention)
from pipeline.outline import blocks_to_outline
from pipeline.parse.catalogue_table import rows_to_items, table_to_rows
from pipeline.parse.duty_table import duty_table_to_drafts
from pipeline.parse.task_list import drafts_to_tasks, names_units, node_to_draft
from pipeline.parse.task_parts import count_articles, outline_to_task_roots
from pipeline.roles import assign_roles
from pipeline.segment import blocks_to_tables, category_lines_to_rows, text_to_blocks
from pipeline.spans import LineIndex

# How many hex digits of the source's SHA-256 name a notice.
NOTICE_ID_DIGITS = 16

# "附件:某市基本养老服务清单": the notice says its catalogue is attached.
_ANNOUNCED_CATALOGUE = regex.compile(r"附\s*件\s*\d?\s*[:：]?[^\n]{0,40}?服务清单")


def extract_notice(document: SourceDocument, trace: dict[str, Any] | None = None) -> NoticeRecord:
    """Every stage from decoded text to the notice's record (not yet schema-checked).

    With a `trace` dict, the intermediates (blocks, tables, heading tree) are
    kept in it, so a wrong record can be traced to the stage that made it.
    """
    notice_id = document.sha256[:NOTICE_ID_DIGITS]
    blocks = category_lines_to_rows(document.blocks if document.blocks is not None
                                    else text_to_blocks(document.text))
    lines = LineIndex(document.text, document.blocks)
    tables = blocks_to_tables(blocks)
    outline = blocks_to_outline(blocks)
    if trace is not None:
        trace.update(blocks=blocks, tables=tables, outline=outline)
    metadata = blocks_to_metadata(_own_blocks(blocks))
    catalogue = _catalogue(tables, notice_id, lines)
    tasks = _tasks(outline, metadata.title, blocks, tables, notice_id, lines, document.text)
    for record in [*catalogue, *tasks]:
        record.flags += ocr_confidence_flags(record.sources)
    warnings = list(document.warnings) + _warnings(document.text, catalogue, tasks, lines)
    source = SourceInfo(path=document.path, sha256=document.sha256, format=document.format,
                        encoding=document.encoding)
    return NoticeRecord(notice_id=notice_id, source=source, attachments=document.attachments,
                        document=metadata, catalogue=catalogue, tasks=tasks, warnings=warnings,
                        review=summarise_review(catalogue, tasks))


def _own_blocks(blocks: list[Block]) -> list[Block]:
    """The notice's own blocks: its title, number and date are not an attachment file's."""
    starts = [index for index, block in enumerate(blocks) if block.kind is BlockKind.attachment_start]
    return blocks[:starts[0]] if starts else blocks


def _catalogue(tables: list[Table], notice_id: str, lines: LineIndex) -> list[CatalogueItem]:
    rows = [row for table in tables if table.kind is TableKind.catalogue
            for row in table_to_rows(table)]
    return rows_to_items(rows, notice_id, lines)


def _tasks(outline: list[OutlineNode], title: str | None, blocks: list[Block], tables: list[Table],
           notice_id: str, lines: LineIndex, text: str) -> list[Task]:
    duty_tables = [table for table in tables if table.kind is TableKind.duties]
    articles = count_articles([block.text for block in blocks if block.kind is BlockKind.paragraph])
    roots = outline_to_task_roots(outline, title, names_units, duty_table=bool(duty_tables),
                                  articles=articles)
    drafts = [node_to_draft(node, 1, lines) for node in roots]
    for table in duty_tables:
        drafts += duty_table_to_drafts(table)
    drafts.sort(key=lambda draft: draft.title_span.start)
    assign_roles(drafts, _rules(text, lines))
    return drafts_to_tasks(drafts, notice_id, lines)


def _rules(text: str, lines: LineIndex) -> list[RoleRule]:
    """Rules the notice states once for every later clause (排在第一位的为牵头部门，下同)."""
    return [RoleRule(kind=rule.kind.value, span=lines.span(rule.start, rule.end),
                     units=[UnitMention(name=unit.name, role=unit.role, known=unit.known,
                                        span=lines.span(unit.start, unit.end))
                            for unit in rule.units])
            for rule in find_rules(text)]


def _warnings(text: str, catalogue: list[CatalogueItem], tasks: list[Task],
              lines: LineIndex) -> list[NoticeWarning]:
    warnings = []
    announced = _ANNOUNCED_CATALOGUE.search(text)
    if announced and not catalogue:
        warnings.append(NoticeWarning(code="catalogue_missing",
                                 message="the notice announces a service catalogue as an "
                                         "attachment, but its rows are not in the file",
                                 span=lines.span(announced.start(), announced.end())))
    if not catalogue and not tasks:
        warnings.append(NoticeWarning(code="nothing_extracted",
                                 message="no service catalogue and no key tasks were found"))
    return warnings
