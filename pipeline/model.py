"""Typed records shared by every stage, from the read source to the written JSON.

Intermediates (`SourceDocument`, `Block`, `TableRow`) live beside the output
records (`NoticeRecord` and its parts) so that each stage's input and output
are declared in one place.
"""
from __future__ import annotations

from enum import Enum
from typing import Any, Generic, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pipeline.codes import FLAG_CODES, WARNING_CODES

SCHEMA_VERSION = "1.5.0"

T = TypeVar("T")


class Record(BaseModel):
    """Base for output records: unknown fields are refused, so typos fail loudly."""

    model_config = ConfigDict(extra="forbid")


# --- provenance -----------------------------------------------------------------


def _absent(value: object) -> bool:
    return value is None


class Span(Record):
    """Where a value came from.

    Lines and offsets point into the notice's text: the decoded file for a
    text notice, or for PDF, Word and HTML the text the reader laid out (one
    line per paragraph, a table row's cells joined by tabs); a notice read
    with its attachment files has their texts after its own. `page` and
    `bbox` (PDF) or `locator` (Word, HTML, workbooks) point into the original
    file, `file` names the attachment file when the value is in one; they are
    left out of the JSON where a format has none.
    """

    line: int = Field(ge=1, description="first line of the value (1-based)")
    end_line: int = Field(ge=1, description="last line of the value (1-based)")
    start: int = Field(ge=0, description="offset of the first character in the text")
    end: int = Field(ge=0, description="offset after the last character")
    page: int | None = Field(default=None, ge=1, exclude_if=_absent,
                             description="PDF: 1-based page number")
    bbox: tuple[float, float, float, float] | None = Field(
        default=None, exclude_if=_absent, description="PDF: x0, top, x1, bottom in points")
    locator: str | None = Field(default=None, exclude_if=_absent,
                                description="Word or HTML: the element, e.g. 'tbl[2]/tr[3]/tc[1]'; "
                                            "a workbook: the cell, e.g. '清单!B5'")
    file: str | None = Field(default=None, exclude_if=_absent,
                             description="the attachment file the value is in, as its path is "
                                         "listed in the record's `attachments`; absent: the "
                                         "notice's own file")
    confidence: float | None = Field(default=None, ge=0, le=1, exclude_if=_absent,
                                     description="read by OCR: the recogniser's lowest "
                                                 "confidence over the lines the value is in")


class Flag(Record):
    """A value the pipeline inferred rather than read, for reviewers to check first."""

    code: str
    field: str | None = None
    reason: str

    @field_validator("code")
    @classmethod
    def _known_code(cls, code: str) -> str:
        if code not in FLAG_CODES:
            raise ValueError(f"unknown flag code {code!r} (see pipeline/codes.py)")
        return code


class AppliedCorrection(Record):
    """A reviewer's correction that this run applied to the record."""

    field: str = Field(description="JSON Pointer inside the record, e.g. '/target_group'")
    old: Any = Field(description="the value the pipeline extracted")
    new: Any
    author: str
    at: str = Field(description="when the correction was made, ISO 8601")
    note: str | None = None


class ReviewSummary(Record):
    """How much of a notice the pipeline inferred rather than read: where to look first."""

    records: int = 0
    flagged_records: int = 0
    flags: dict[str, int] = Field(default_factory=dict, description="flag code -> count")
    corrections_applied: int = 0
    stale_corrections: int = 0


class NoticeWarning(Record):
    """A notice-level observation: something missing or suspicious in the source."""

    code: str
    message: str
    span: Span | None = None

    @field_validator("code")
    @classmethod
    def _known_code(cls, code: str) -> str:
        if code not in WARNING_CODES:
            raise ValueError(f"unknown warning code {code!r} (see pipeline/codes.py)")
        return code


# --- parsed values ----------------------------------------------------------------


class Quantity(Record):
    """A number found in the text, with the raw text it was read from."""

    value: float | int
    unit: str = Field(description="unit as printed: 元, 万元, %, 个, 人 …")
    text: str = Field(description="the matched source text, e.g. '每人每月100元'")
    per: str | None = Field(default=None, description="rate context such as 每人每月")
    span: Span | None = None


# --- output records ----------------------------------------------------------------


class DocumentMeta(Record):
    title: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$",
                             json_schema_extra={"format": "date"})
    region: str | None = None
    sources: dict[str, Span] = Field(default_factory=dict)
    corrections: list[AppliedCorrection] = Field(default_factory=list)


class Eligibility(Record):
    """A target group read as conditions, for matching people to services (服务找人)."""

    text: str = Field(description="the 服务对象 as printed")
    min_age: int | None = None
    max_age: int | None = None
    economic: list[str] = Field(default_factory=list, description="低保, 特困, 经济困难 …")
    care_need: list[str] = Field(default_factory=list, description="失能, 不能自理 …")
    disability: bool = False
    family: list[str] = Field(default_factory=list, description="计划生育特殊家庭, 独居, 空巢 …")
    special_contribution: bool = False
    other: list[str] = Field(default_factory=list, description="conditions not in the lists above")


class CatalogueItem(Record):
    id: str
    seq: int
    local_addition: bool = False
    target_group: str | None = None
    min_age: int | None = None
    eligibility: Eligibility | None = None
    name: str
    content: str | None = None
    service_type: str | None = None
    standard: str | None = None
    funding: str | None = None
    lead_units: list[str] = Field(default_factory=list)
    amounts: list[Quantity] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    sources: dict[str, Span] = Field(default_factory=dict)
    corrections: list[AppliedCorrection] = Field(default_factory=list)


class Task(Record):
    id: str
    number: str = Field(description="the item's own marker as an Arabic number string")
    marker: str = Field(description="the marker as printed, or as inferred")
    level: int = Field(ge=1)
    parent: str | None = None
    path: list[str] = Field(description="numbers from the outermost task down to this one")
    title: str
    text: str
    lead_units: list[str] = Field(default_factory=list)
    responsible_units: list[str] = Field(default_factory=list)
    figures: list[Quantity] = Field(default_factory=list)
    deadline_years: list[int] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    sources: dict[str, Span] = Field(default_factory=dict)
    corrections: list[AppliedCorrection] = Field(default_factory=list)


class SourceInfo(Record):
    path: str
    sha256: str
    format: str
    encoding: str | None = None


class NoticeRecord(Record):
    schema_version: str = SCHEMA_VERSION
    notice_id: str
    source: SourceInfo
    attachments: list[SourceInfo] = Field(
        default_factory=list, description="attachment files read with the notice (附件1 …清单.xlsx), "
                                          "in the order their texts follow the notice's")
    document: DocumentMeta
    catalogue: list[CatalogueItem] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    warnings: list[NoticeWarning] = Field(default_factory=list)
    review: ReviewSummary = Field(default_factory=ReviewSummary)


# --- intermediates ------------------------------------------------------------------


class Cell(BaseModel):
    text: str
    span: Span
    inherited: bool = Field(default=False,
                            description="a merged cell's value, copied from the cell it spans from")


class BlockKind(str, Enum):
    paragraph = "paragraph"
    table_row = "table_row"
    attachment_start = "attachment_start"  # the line opening an attachment file's text


class Block(BaseModel):
    """One logical line of the notice: a paragraph (wrapped lines rejoined) or a table row."""

    kind: BlockKind
    text: str
    span: Span
    cells: list[Cell] = Field(default_factory=list)
    grid: bool = Field(default=False, description="a row whose cells stand in their table's "
                                                 "columns (a laid-out format's table); text "
                                                 "layouts lose empty and merged cells")


class SourceDocument(BaseModel):
    """A read notice, before any parsing. Every span points into `text`.

    Text notices carry only `text`; readers of laid-out formats (PDF, Word,
    HTML) also give the `blocks` they read, with real table cells. A notice
    read with its attachment files holds their texts and blocks too.
    """

    path: str
    sha256: str
    format: str
    encoding: str | None
    text: str
    blocks: list[Block] | None = None
    warnings: list[NoticeWarning] = Field(default_factory=list)
    attachments: list[SourceInfo] = Field(default_factory=list)


class OutlineNode(BaseModel):
    """A numbered heading of the body with the paragraphs and headings under it."""

    kind: str = Field(description="marker family, e.g. '(一)' or '1.'")
    number: int
    marker: str = Field(description="the marker as printed, or as inferred")
    inferred: bool = False
    heading: Block
    heading_text: str = Field(description="the heading line after its marker")
    attachment: int = Field(default=0, description="0 in the notice's body, n in what follows "
                                                   "its n-th 附件 line")
    body: list[Block] = Field(default_factory=list)
    children: list[OutlineNode] = Field(default_factory=list)


class UnitMention(BaseModel):
    """A unit named for a task's work, as printed where it is named."""

    name: str = Field(description="as printed, whitespace and inner punctuation removed")
    role: str = Field(description="lead or responsible")
    span: Span
    known: bool = Field(default=True, description="False: no known unit form covers it")


class Clause(BaseModel):
    """Who does an item's work, as one clause (or a duty table's cells) prints it."""

    form: str = Field(description="labelled, role_bracket, role_sentence, lead_phrase or column")
    span: Span
    units: list[UnitMention]


class RoleRule(BaseModel):
    """A rule a notice states once for the clauses after it."""

    kind: str = Field(description="first_listed_leads or standing_units")
    span: Span
    units: list[UnitMention] = Field(default_factory=list, description="standing_units: who")


class TableKind(str, Enum):
    catalogue = "catalogue"  # 基本养老服务清单
    duties = "duties"  # 职责分工表
    other = "other"


class TablePage(BaseModel):
    """The rows under one printing of a table's header (a page, in the source's layout)."""

    header: Block
    fields: list[str | None] = Field(description="field name of each header column")
    rows: list[Block] = Field(default_factory=list)


class Table(BaseModel):
    kind: TableKind
    pages: list[TablePage]


class RunStatus(str, Enum):
    success = "success"
    partial = "partial_success"
    failure = "failure"
    skipped = "skipped"  # a file in a folder given that is not of a notice type


class NoticeOutcome(BaseModel):
    """What happened to one input file in a batch."""

    path: str
    output: str | None = None
    attachments: list[str] = Field(default_factory=list, description="attachment files read with it")
    status: RunStatus
    error_code: str | None = None
    error: str | None = None
    catalogue_items: int = 0
    tasks: int = 0
    warnings: list[str] = Field(default_factory=list)
    flags: int = 0
    corrections_applied: int = 0
    stale_corrections: list[str] = Field(default_factory=list, description="why each was stale")

    def __reduce__(self):
        # Outcomes cross from worker processes by pickle. Unpickled as pydantic does it, each
        # holds new strings for its field names, a third of what each of a batch's thousands
        # holds; built again from the values it was given, it has the model's own.
        given = {name: getattr(self, name) for name in self.model_fields_set}
        return type(self).model_validate, (given,)


class RunRecord(BaseModel):
    """One run into an output folder, as its history line keeps it."""

    started: str
    finished: str
    notices: int
    by_status: dict[str, int]
    failures: dict[str, str] = Field(default_factory=dict, description="input path -> error code")
    new_failures: list[str] = Field(default_factory=list,
                                    description="paths that did not fail in the run before")
    stale_corrections: int = 0
    flags: int = 0



class Located(NamedTuple, Generic[T]):
    """A value found inside a string, with its character offsets in that string."""

    value: T
    start: int
    end: int
