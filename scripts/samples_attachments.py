"""Notices downloaded with their attachment files, as government sites publish them.

A sample notice is split where its attachments begin (the 附件 label): the
notice itself stays a Word file (or a PDF), each 附件 becomes a file of its own,
a catalogue as a workbook (附件 基本养老服务清单.xlsx) and anything else as a Word
file (附件1 职责分工表.docx). samples/attachments/ holds:

- 鹤壁/, 薛城/: a folder per notice, its attachments named 附件…;
- 批次/: notices side by side, each attachment named after its notice
  (001_…_附件 临汾市基本养老服务清单.xlsx), beside a notice with none.

Their gold is the sample's own (tests/gold/<stem>.json): split or not, the
notice holds the same catalogue and tasks.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, replace

import regex
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from samples_catalogues import FIXED_TIME, grid_to_sheet
from samples_docx import layout_to_docx, reproducible_zip
from samples_grids import Grid
from samples_layout import NoticeLayout, Para, Role

_LABEL_NUMBER = regex.compile(r"\d+")


@dataclass(frozen=True)
class AttachedFile:
    name: str  # the file's name, e.g. 附件1 推进基本养老服务体系建设职责分工表.docx
    data: bytes


@dataclass(frozen=True)
class SplitNotice:
    notice: NoticeLayout  # the notice without its attachment pages
    attachments: list[tuple[str, list[Para | Grid]]]  # each 附件's name (附件1 …) and items


def split_attachments(layout: NoticeLayout) -> SplitNotice:
    """The notice up to its first 附件 label; each label opens an attachment, named by
    the label and the caption after it (附件2 薛城区基本养老服务清单)."""
    starts = [index for index, item in enumerate(layout.items)
              if isinstance(item, Para) and item.role is Role.attachment]
    if not starts:
        return SplitNotice(notice=layout, attachments=[])
    parts = []
    for start, end in zip(starts, [*starts[1:], len(layout.items)]):
        items = layout.items[start:end]
        label = _LABEL_NUMBER.search(items[0].text)
        caption = next((item.text for item in items if isinstance(item, Para)
                        and item.role is Role.caption), "")
        parts.append((f"附件{label.group() if label else ''} {caption}".strip(), items))
    return SplitNotice(notice=replace(layout, items=layout.items[:starts[0]]), attachments=parts)


def attachment_file(name: str, items: list[Para | Grid], stem: str) -> AttachedFile:
    """A catalogue as a workbook, any other attachment as a Word file."""
    if any(isinstance(item, Grid) and item.kind.value == "catalogue" for item in items):
        return AttachedFile(f"{name}.xlsx", items_to_xlsx(items))
    layout = NoticeLayout(stem=f"{stem}-{name}", title=name, issuer=None, doc_number=None,
                          date=None, published=None, items=items)
    return AttachedFile(f"{name}.docx", layout_to_docx(layout))


def items_to_xlsx(items: list[Para | Grid]) -> bytes:
    """One sheet: each paragraph a row (the caption bold, merged across the table), each
    table with its merged ranges."""
    width = max(len(item.widths_cm) for item in items if isinstance(item, Grid))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = next((item.text for item in items if isinstance(item, Para)
                        and item.role is Role.caption), "附件")[:31]  # Excel's limit
    row = 1
    for item in items:
        if isinstance(item, Grid):
            row = grid_to_sheet(sheet, item, row)
            continue
        cell = sheet.cell(row, 1, item.text)
        if item.role is Role.caption:
            cell.font = Font(bold=True, size=14)
            cell.alignment = Alignment(horizontal="center")
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        row += 1
    workbook.properties.creator = "eldercare-notices scripts/make_samples.py"
    workbook.properties.created = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    return reproducible_zip(buffer.getvalue(), modified=FIXED_TIME)
