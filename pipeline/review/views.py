"""A notice's record as the notice page shows it: values with their spans, flags and corrections.

Every value shown is a `ValueView`: what to display, the text an editor
starts from, the JSON Pointer a correction names, the number of its span in
the highlighted text, the PDF page and box it was read from, and its place in
the file (a workbook's sheet!B5, a Word or HTML table cell).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from pipeline.corrections import CorrectionEntry
from pipeline.model import AppliedCorrection, Flag, NoticeRecord, Quantity, Span
from pipeline.review.highlight import SpanIndex

# Columns shown per part of the record: (field, label).
DOCUMENT_FIELDS = [("title", "标题"), ("issuer", "发文机关"), ("doc_number", "发文字号"),
                   ("date", "成文日期"), ("region", "地区")]
CATALOGUE_FIELDS = [("seq", "序号"), ("target_group", "服务对象"), ("min_age", "年龄"),
                    ("name", "服务项目"), ("content", "服务内容"), ("service_type", "服务类型"),
                    ("standard", "服务标准"), ("funding", "支出责任"), ("lead_units", "牵头部门"),
                    ("local_addition", "地方新增")]
TASK_FIELDS = [("number", "序号"), ("title", "任务"), ("lead_units", "牵头单位"),
               ("responsible_units", "责任单位"), ("deadline_years", "年份"), ("text", "全文")]
# The source span of a catalogue item's number printed in no cell of its own: its whole row.
ROW_SOURCE = "row"
# Values an editor may not change: the record's identity and place.
NOT_EDITABLE = frozenset({"id", "parent", "path", "level", "amounts", "figures"})
# Joins a list's items for display and editing.
LIST_SEPARATOR = "、"


@dataclass
class ValueView:
    record_id: str
    name: str
    display: str
    edit_text: str | None  # None: the value cannot be edited here
    span: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    locator: str | None = None  # where in the file: sheet!B5, a Word table cell, an HTML cell
    file: int = 0  # which file: 0 the notice's own, n its n-th attachment
    file_name: str | None = None  # the attachment's path, shown with the value
    flags: list[Flag] = field(default_factory=list)
    correction: AppliedCorrection | None = None
    pending: CorrectionEntry | None = None  # saved, not yet applied by a run

    @property
    def pointer(self) -> str:
        return f"/{self.name}"


@dataclass
class RecordView:
    record_id: str
    kind: str  # "document", "catalogue" or "task"
    values: list[ValueView]
    quantities: list[ValueView] = field(default_factory=list)
    other_flags: list[Flag] = field(default_factory=list)  # flags of no shown field
    flagged: bool = False
    level: int = 1


@dataclass
class NoticeView:
    document: RecordView
    catalogue: list[RecordView]
    tasks: list[RecordView]
    warnings: list[ValueView]

    def values(self) -> list[ValueView]:
        """Every value shown, with the quantities, and the warnings."""
        records = [self.document, *self.catalogue, *self.tasks]
        return [value for record in records for value in [*record.values, *record.quantities]] \
            + self.warnings


def value_text(value) -> str:
    """The value as one line of text, which is also what an editor starts from.

    >>> value_text(["市民政局", "市财政局"]), value_text(None), value_text(80), value_text(True)
    ('市民政局、市财政局', '', '80', 'true')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value_text(item) for item in value)
    return str(value)


def top_field(path: str | None) -> str | None:
    """The top-level field a flag or correction is about ('amounts/0', '/amounts': 'amounts')."""
    return path.strip("/").split("/")[0] if path else None


def pending_entries(part: BaseModel, stored: list[CorrectionEntry]) -> dict[str, CorrectionEntry]:
    """The saved corrections of this record that no run has applied yet, by field."""
    applied = {(c.field, c.author, c.at) for c in part.corrections}
    return {top_field(entry.field): entry for entry in stored
            if (entry.field, entry.author, entry.at) not in applied}


def record_to_view(record_id: str, kind: str, part: BaseModel, fields: list[tuple[str, str]],
                   spans: SpanIndex, stored: list[CorrectionEntry]) -> RecordView:
    flags: list[Flag] = list(getattr(part, "flags", []))
    corrections = {top_field(c.field): c for c in part.corrections}
    pending = pending_entries(part, [entry for entry in stored if entry.record == record_id])
    sources: dict[str, Span] = part.sources
    for key, span in sources.items():  # every span is marked, shown in a column or not
        spans.add(span, top_field(key))  # a unit's own span (lead_units/0) marks its field
    values = []
    for name, _label in fields:
        value = getattr(part, name)
        key = ROW_SOURCE if name == "seq" and name not in sources else name  # 3 职工…: the row
        values.append(ValueView(
            record_id=record_id, name=name, display=value_text(value),
            edit_text=None if name in NOT_EDITABLE else value_text(value),
            flags=[flag for flag in flags if top_field(flag.field) == name],
            correction=corrections.get(name), pending=pending.get(name),
            **span_place(sources.get(key), key, spans)))
    shown = {name for name, _label in fields}
    quantities = [quantity_view(record_id, name, quantity, spans)
                  for name in ("amounts", "figures") for quantity in getattr(part, name, [])]
    return RecordView(record_id=record_id, kind=kind, values=values, quantities=quantities,
                      other_flags=[flag for flag in flags if top_field(flag.field) not in shown],
                      flagged=bool(flags), level=getattr(part, "level", 1))


def span_place(span: Span | None, kind: str, spans: SpanIndex) -> dict:
    if span is None:
        return {}
    return {"span": spans.add(span, kind), "page": span.page, "bbox": span.bbox,
            "locator": span.locator, "file_name": span.file}


def quantity_view(record_id: str, name: str, quantity: Quantity, spans: SpanIndex) -> ValueView:
    return ValueView(record_id=record_id, name=name, display=quantity.text, edit_text=None,
                     **span_place(quantity.span, name, spans))


def notice_to_view(record: NoticeRecord, spans: SpanIndex,
                   stored: list[CorrectionEntry] = ()) -> NoticeView:
    """Views of the document, catalogue items and tasks; registers every span in `spans`.

    `stored` are the notice's saved corrections, to show those no run has applied yet.
    """
    document = record_to_view(f"{record.notice_id}/document", "document", record.document,
                              DOCUMENT_FIELDS, spans, stored)
    catalogue = [record_to_view(item.id, "catalogue", item, CATALOGUE_FIELDS, spans, stored)
                 for item in record.catalogue]
    tasks = []
    for task in record.tasks:
        view = record_to_view(task.id, "task", task, TASK_FIELDS, spans, stored)
        view.values[0].display = task.marker  # the number as printed: 一、 (三) 2.
        tasks.append(view)
    warnings = [ValueView(record_id="", name=warning.code, display=warning.message,
                          edit_text=None, **span_place(warning.span, "warning", spans))
                for warning in record.warnings]
    view = NoticeView(document, catalogue, tasks, warnings)
    numbers = {attached.path: index for index, attached in enumerate(record.attachments, start=1)}
    for value in view.values():
        value.file = numbers.get(value.file_name, 0)
    return view
