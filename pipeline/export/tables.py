"""Notice records to flat tables: notices, catalogue items, tasks, units, quantities.

The tables are declared once, as data (`TABLES`: columns with a type and a
description, primary keys); every format writes them from that declaration,
so CSV, Parquet and DuckDB agree on names, order and meaning.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterator

from pipeline.export.read import NoticeFile


class ColumnType(str, Enum):
    text = "text"
    int = "int"
    float = "float"
    bool = "bool"
    date = "date"  # ISO 8601 text in the records
    text_list = "text_list"
    int_list = "int_list"
    json = "json"  # a JSON object, kept whole


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    description: str
    required: bool = False  # never null
    choices: tuple[str, ...] = ()  # the only values allowed, for a closed vocabulary


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    references_notices: bool = True  # notice_id refers to notices.notice_id

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


@dataclass
class Table:
    """A table's rows, each a tuple in the order of `spec.columns`."""

    spec: TableSpec
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def add(self, row: dict[str, Any]) -> None:
        if tuple(row) != self.spec.column_names:  # a builder out of step with the spec
            raise ValueError(f"{self.spec.name}: columns {tuple(row)} != {self.spec.column_names}")
        self.rows.append(tuple(row.values()))


T, I, F, B = ColumnType.text, ColumnType.int, ColumnType.float, ColumnType.bool
TL, IL = ColumnType.text_list, ColumnType.int_list
RECORD_KINDS = ("catalogue", "task")
UNIT_ROLES = ("lead", "responsible")


def _record_columns(kind: str) -> tuple[Column, ...]:
    """The columns that open every catalogue item and task row."""
    return (
        Column("id", T, f"the {kind}'s stable ID", required=True),
        Column("notice_id", T, "the notice it belongs to", required=True),
        Column("position", I, f"1-based order of the {kind} in its notice", required=True),
    )


def _record_tail() -> tuple[Column, ...]:
    """The columns that close every catalogue item and task row."""
    return (
        Column("flags", TL, "codes of the review flags: values inferred rather than read"),
        Column("corrected_fields", TL, "JSON Pointers of the fields reviewers corrected"),
        Column("source_line", I, "first line of the notice's text the record was read from"),
        Column("source_file", T, "the attachment file the record was read from; empty: the "
                                 "notice's own file"),
        Column("source_place", T, "where in that file it starts: a PDF page (p.3) or a cell "
                                  "(清单!B5, tbl[1]/tr[2]/tc[3])"),
    )


NOTICES = TableSpec(
    name="notices", description="one row per notice record file",
    primary_key=("notice_id",), references_notices=False, columns=(
        Column("notice_id", T, "first 16 hex digits of the source's SHA-256", required=True),
        Column("file", T, "the record file, relative to the output folder", required=True),
        Column("schema_version", T, "version of the record schema", required=True),
        Column("source_path", T, "the notice file the record was extracted from", required=True),
        Column("source_sha256", T, "SHA-256 of the notice file", required=True),
        Column("source_format", T, "text, pdf, docx, doc, html …", required=True),
        Column("source_encoding", T, "the text encoding, for text and HTML notices"),
        Column("attachments", TL, "attachment files read with the notice, in order"),
        Column("title", T, "the notice's title"),
        Column("issuer", T, "the issuing office"),
        Column("doc_number", T, "发文字号"),
        Column("date", ColumnType.date, "date of the notice (成文日期)"),
        Column("region", T, "the region the notice governs"),
        Column("catalogue_items", I, "catalogue items in the notice", required=True),
        Column("tasks", I, "tasks in the notice", required=True),
        Column("warnings", TL, "codes of the notice-level warnings, e.g. catalogue_missing"),
        Column("review_records", I, "records in the notice (review summary)"),
        Column("review_flagged_records", I, "records with at least one flag"),
        Column("review_flags", ColumnType.json, "flag code -> count"),
        Column("review_corrections_applied", I, "reviewers' corrections applied"),
        Column("review_stale_corrections", I, "reviewers' corrections not applied: stale"),
        Column("corrected_fields", TL, "JSON Pointers of the document fields reviewers corrected"),
    ))

CATALOGUE_ITEMS = TableSpec(
    name="catalogue_items", description="one row per item of a 基本养老服务清单",
    primary_key=("id",), columns=(
        *_record_columns("catalogue item"),
        Column("seq", I, "the item's number in the catalogue", required=True),
        Column("local_addition", B, "an item the region added to the national list"),
        Column("target_group", T, "服务对象 as printed"),
        Column("min_age", I, "the target group's minimum age in years"),
        Column("name", T, "服务项目", required=True),
        Column("content", T, "服务内容"),
        Column("service_type", T, "服务类型: 物质帮助, 照护服务, 关爱服务 …"),
        Column("standard", T, "服务标准"),
        Column("funding", T, "支出责任 / 资金来源"),
        Column("lead_units", TL, "牵头单位 (also in the units table)"),
        Column("amounts", TL, "the amounts' source texts (values in the quantities table)"),
        Column("eligibility_text", T, "eligibility: the target group as printed"),
        Column("eligibility_min_age", I, "eligibility: minimum age"),
        Column("eligibility_max_age", I, "eligibility: maximum age"),
        Column("eligibility_economic", TL, "eligibility: 低保, 特困, 经济困难 …"),
        Column("eligibility_care_need", TL, "eligibility: 失能, 不能自理 …"),
        Column("eligibility_disability", B, "eligibility: people with disabilities"),
        Column("eligibility_family", TL, "eligibility: 计划生育特殊家庭, 独居, 空巢 …"),
        Column("eligibility_special_contribution", B, "eligibility: 特殊贡献 (veterans …)"),
        Column("eligibility_other", TL, "eligibility: other conditions"),
        *_record_tail(),
    ))

TASKS = TableSpec(
    name="tasks", description="one row per task (重点任务 / 职责分工), at every level",
    primary_key=("id",), columns=(
        *_record_columns("task"),
        Column("number", T, "the task's own number", required=True),
        Column("marker", T, "the marker as printed (or inferred), e.g. （三）", required=True),
        Column("level", I, "depth in the task list, 1 for the outermost", required=True),
        Column("parent", T, "number of the enclosing task"),
        Column("path", TL, "numbers from the outermost task down to this one", required=True),
        Column("title", T, "the task's heading", required=True),
        Column("text", T, "the task's text", required=True),
        Column("lead_units", TL, "牵头单位 (also in the units table)"),
        Column("responsible_units", TL, "责任单位 (also in the units table)"),
        Column("figures", TL, "the figures' source texts (values in the quantities table)"),
        Column("deadline_years", IL, "years the task is due by"),
        *_record_tail(),
    ))

UNITS = TableSpec(
    name="units", description="one row per unit named by a record: catalogue lead, task lead "
    "or responsible", primary_key=("record_id", "role", "position"), columns=(
        Column("notice_id", T, "the notice", required=True),
        Column("record_id", T, "the catalogue item or task", required=True),
        Column("record_kind", T, "catalogue or task", required=True, choices=RECORD_KINDS),
        Column("role", T, "lead (牵头) or responsible (责任)", required=True, choices=UNIT_ROLES),
        Column("position", I, "1-based place of the unit in the record's list", required=True),
        Column("unit", T, "the unit's name as printed", required=True),
    ))

QUANTITIES = TableSpec(
    name="quantities", description="one row per amount of a catalogue item or figure of a task",
    primary_key=("record_id", "position"), columns=(
        Column("notice_id", T, "the notice", required=True),
        Column("record_id", T, "the catalogue item or task", required=True),
        Column("record_kind", T, "catalogue or task", required=True, choices=RECORD_KINDS),
        Column("position", I, "1-based place of the quantity in the record's list", required=True),
        Column("value", F, "the number", required=True),
        Column("unit", T, "unit as printed: 元, 万元, %, 个, 人 …", required=True),
        Column("per", T, "rate context such as 每人每月"),
        Column("text", T, "the matched source text", required=True),
        Column("line", I, "line of the notice's text the quantity was read from"),
    ))

# In the order they are written; notices first, since the others refer to it.
TABLES: tuple[TableSpec, ...] = (NOTICES, CATALOGUE_ITEMS, TASKS, UNITS, QUANTITIES)


def notices_to_tables(notices: list[NoticeFile]) -> list[Table]:
    """Rows of every table, by notice file path and then record order."""
    tables = {spec.name: Table(spec) for spec in TABLES}
    for notice in notices:
        record, notice_id = notice.record, notice.record["notice_id"]
        tables["notices"].add(notice_row(notice))
        for position, item in enumerate(record["catalogue"], start=1):
            tables["catalogue_items"].add(catalogue_item_row(notice_id, position, item))
            _add_parts(tables, notice_id, "catalogue", item, {"lead": "lead_units"}, "amounts")
        for position, task in enumerate(record["tasks"], start=1):
            tables["tasks"].add(task_row(notice_id, position, task))
            _add_parts(tables, notice_id, "task", task,
                       {"lead": "lead_units", "responsible": "responsible_units"}, "figures")
    return list(tables.values())


def _add_parts(tables: dict[str, Table], notice_id: str, kind: str, record: dict[str, Any],
               unit_lists: dict[str, str], quantity_list: str) -> None:
    for row in record_to_unit_rows(notice_id, kind, record, unit_lists):
        tables["units"].add(row)
    for row in record_to_quantity_rows(notice_id, kind, record, quantity_list):
        tables["quantities"].add(row)


def notice_row(notice: NoticeFile) -> dict[str, Any]:
    record = notice.record
    source, document = record["source"], record["document"]
    review = record.get("review") or {}
    return {
        "notice_id": record["notice_id"], "file": notice.path,
        "schema_version": record["schema_version"],
        "source_path": source["path"], "source_sha256": source["sha256"],
        "source_format": source["format"], "source_encoding": source.get("encoding"),
        "attachments": [attached["path"] for attached in record.get("attachments", [])],
        **{key: document.get(key) for key in ("title", "issuer", "doc_number", "date", "region")},
        "catalogue_items": len(record["catalogue"]), "tasks": len(record["tasks"]),
        "warnings": [warning["code"] for warning in record.get("warnings", [])],
        "review_records": review.get("records"),
        "review_flagged_records": review.get("flagged_records"),
        "review_flags": review.get("flags"),
        "review_corrections_applied": review.get("corrections_applied"),
        "review_stale_corrections": review.get("stale_corrections"),
        "corrected_fields": corrected_fields(document),
    }


def catalogue_item_row(notice_id: str, position: int, item: dict[str, Any]) -> dict[str, Any]:
    eligibility = item.get("eligibility") or {}
    return {
        "id": item["id"], "notice_id": notice_id, "position": position, "seq": item["seq"],
        **{key: item.get(key) for key in ("local_addition", "target_group", "min_age", "name",
                                          "content", "service_type", "standard", "funding")},
        "lead_units": item.get("lead_units", []),
        "amounts": [amount["text"] for amount in item.get("amounts", [])],
        **{f"eligibility_{key}": eligibility.get(key)
           for key in ("text", "min_age", "max_age", "economic", "care_need", "disability",
                       "family", "special_contribution", "other")},
        **record_tail(item),
    }


def task_row(notice_id: str, position: int, task: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": task["id"], "notice_id": notice_id, "position": position,
        **{key: task.get(key) for key in ("number", "marker", "level", "parent", "path",
                                          "title", "text")},
        "lead_units": task.get("lead_units", []),
        "responsible_units": task.get("responsible_units", []),
        "figures": [figure["text"] for figure in task.get("figures", [])],
        "deadline_years": task.get("deadline_years", []),
        **record_tail(task),
    }


def record_tail(record: dict[str, Any]) -> dict[str, Any]:
    spans = [span for span in record.get("sources", {}).values() if span]
    first = min(spans, key=lambda span: span["start"], default={})
    page = first.get("page")
    return {
        "flags": [flag["code"] for flag in record.get("flags", [])],
        "corrected_fields": corrected_fields(record),
        "source_line": first.get("line"),
        "source_file": first.get("file"),
        "source_place": f"p.{page}" if page else first.get("locator"),
    }


def corrected_fields(record: dict[str, Any]) -> list[str]:
    return [correction["field"] for correction in record.get("corrections", [])]


def record_to_unit_rows(notice_id: str, kind: str, record: dict[str, Any],
                        unit_lists: dict[str, str]) -> Iterator[dict[str, Any]]:
    """The units of a record, role by role (`unit_lists`: role -> the record's list)."""
    for role, member in unit_lists.items():
        for position, unit in enumerate(record.get(member, []), start=1):
            yield {"notice_id": notice_id, "record_id": record["id"], "record_kind": kind,
                   "role": role, "position": position, "unit": unit}


def record_to_quantity_rows(notice_id: str, kind: str, record: dict[str, Any],
                            member: str) -> Iterator[dict[str, Any]]:
    """The amounts of a catalogue item or figures of a task (`member`: the list's name)."""
    for position, quantity in enumerate(record.get(member, []), start=1):
        span = quantity.get("span") or {}
        yield {"notice_id": notice_id, "record_id": record["id"], "record_kind": kind,
               "position": position, "value": quantity["value"], "unit": quantity["unit"],
               "per": quantity.get("per"), "text": quantity["text"], "line": span.get("line")}
