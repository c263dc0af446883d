"""A notice and its attachment files, read as one document.

Users download a notice with its 附件 files (通知.pdf, 附件1 基本养老服务清单.xlsx,
附件2 职责分工表.docx). Each file is read in its own format; their texts follow
the notice's in one text, each opened by a line naming its file (a block of
kind `attachment_start`), and every span read from an attachment names its
file. Later stages then read them as they read attachments printed inside a
notice, and a reviewer sees which file, page or cell each value came from.

An attachment that cannot be read does not stop the notice: it becomes an
`attachment_unreadable` warning naming the file and the reason.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.errors import ExtractionError
from pipeline.ingest import read_document
from pipeline.model import Block, BlockKind, NoticeWarning, SourceDocument, SourceInfo, Span
from pipeline.segment import text_to_blocks

# The line that opens an attachment's text in the combined text (the file's label follows).
OPENING = "附件文件: "


def read_notice(path: Path, label: str, attachments: list[tuple[Path, str]] = ()) -> SourceDocument:
    """The notice at `path` with the `(path, label)` attachment files after it.

    Labels are the paths records show (relative to the folder given). Raises
    `ExtractionError` when the notice itself cannot be read.
    """
    document = read_document(path)
    document.path = label
    read: list[SourceDocument] = []
    problems: list[NoticeWarning] = []
    for attached_path, attached_label in attachments:
        try:
            attached = read_document(attached_path)
        except ExtractionError as error:
            problems.append(NoticeWarning(code="attachment_unreadable",
                                          message=f"{attached_label}: [{error.code}] {error}"))
            continue
        attached.path = attached_label
        read.append(attached)
    combined = combine_documents(document, read)
    combined.warnings.extend(problems)
    return combined


def combine_documents(notice: SourceDocument, attachments: list[SourceDocument]) -> SourceDocument:
    """One document: the notice's text, then each attachment's, each opened by a line
    naming its file; the attachments' spans moved to their place and given their file."""
    if not attachments:
        return notice
    text = notice.text
    blocks = list(_blocks_of(notice))
    warnings = list(notice.warnings)
    for attached in attachments:
        opening_at = len(text) + 1
        opening_line = text.count("\n") + 2
        opening = f"{OPENING}{attached.path}"
        blocks.append(Block(kind=BlockKind.attachment_start, text=opening, span=Span(
            line=opening_line, end_line=opening_line, start=opening_at,
            end=opening_at + len(opening), file=attached.path)))
        text = f"{text}\n{opening}\n{attached.text}"
        moved = _Move(offset=opening_at + len(opening) + 1, lines=opening_line, file=attached.path)
        blocks += [moved.block(block) for block in _blocks_of(attached)]
        warnings += [warning.model_copy(update={
            "message": f"{attached.path}: {warning.message}",
            "span": moved.span(warning.span) if warning.span else None}) for warning in attached.warnings]
    return notice.model_copy(update={
        "text": text, "blocks": blocks, "warnings": warnings,
        "attachments": [SourceInfo(path=attached.path, sha256=attached.sha256,
                                   format=attached.format, encoding=attached.encoding)
                        for attached in attachments]})


def _blocks_of(document: SourceDocument) -> list[Block]:
    return document.blocks if document.blocks is not None else text_to_blocks(document.text)


class _Move:
    """Spans of an attachment's own text, moved to where that text stands in the combined one."""

    def __init__(self, offset: int, lines: int, file: str):
        self.offset, self.lines, self.file = offset, lines, file

    def span(self, span: Span) -> Span:
        return span.model_copy(update={
            "start": span.start + self.offset, "end": span.end + self.offset,
            "line": span.line + self.lines, "end_line": span.end_line + self.lines,
            "file": self.file})

    def block(self, block: Block) -> Block:
        return block.model_copy(update={
            "span": self.span(block.span),
            "cells": [cell.model_copy(update={"span": self.span(cell.span)}) for cell in block.cells]})
