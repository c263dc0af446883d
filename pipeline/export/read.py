"""An output folder to the notice records it holds, in a stable order.

The records were validated against the schema when they were written, so
they are not validated again: a file is taken as a record when it has a
record's top-level shape, and any other JSON file is reported, not fatal.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.export.report import SKIP_CODES, SkippedFile

RECORD_SUFFIX = ".json"
# Files and folders starting with this are run summaries and debug dumps, not records.
PRIVATE_PREFIX = "_"
# Top-level members every notice record has, and the JSON type of each.
RECORD_SHAPE: dict[str, type] = {
    "schema_version": str,
    "notice_id": str,
    "source": dict,
    "document": dict,
    "catalogue": list,
    "tasks": list,
}


@dataclass(frozen=True)
class NoticeFile:
    """A notice record as read from its file (the parsed JSON, not re-validated)."""

    path: str  # relative to the output folder, with forward slashes
    record: dict[str, Any]


def outputs_to_record_paths(outputs_dir: Path) -> list[Path]:
    """Every `*.json` below the folder outside `_…` files and folders, sorted by path."""
    found = []
    for path in outputs_dir.rglob(f"*{RECORD_SUFFIX}"):
        parts = path.relative_to(outputs_dir).parts
        if path.is_file() and not any(part.startswith(PRIVATE_PREFIX) for part in parts):
            found.append(path)
    return sorted(found, key=lambda path: path.relative_to(outputs_dir).parts)


def record_shape_problem(data: Any) -> str | None:
    """Why `data` is not a notice record, or None when it has a record's shape.

    >>> record_shape_problem([1, 2])
    'a JSON array, not an object'
    >>> record_shape_problem({"notices": []})
    "no 'schema_version'"
    """
    if not isinstance(data, dict):
        return f"a JSON {json_type_name(data)}, not an object"
    for member, kind in RECORD_SHAPE.items():
        if member not in data:
            return f"no {member!r}"
        if not isinstance(data[member], kind):
            return f"{member!r} is a JSON {json_type_name(data[member])}"
    return None


def json_type_name(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def outputs_to_notice_files(outputs_dir: Path) -> tuple[list[NoticeFile], list[SkippedFile]]:
    """The records under `outputs_dir`, and the JSON files that are not records.

    A second file with the same notice ID (the same source copied twice) is
    skipped, so that record IDs stay unique across the export.
    """
    notices: list[NoticeFile] = []
    skipped: list[SkippedFile] = []
    first_file: dict[str, str] = {}
    for path in outputs_to_record_paths(outputs_dir):
        relative = path.relative_to(outputs_dir).as_posix()
        data, problem = read_json(path)
        if problem is None and (shape := record_shape_problem(data)) is not None:
            problem = ("X003_not_a_record", shape)
        if problem is None and data["notice_id"] in first_file:
            problem = ("X004_duplicate_notice", f"notice {data['notice_id']} is already "
                       f"exported from {first_file[data['notice_id']]}")
        if problem is not None:
            code, detail = problem
            skipped.append(SkippedFile(path=relative, code=code,
                                       reason=f"{SKIP_CODES[code]}: {detail}"))
            continue
        first_file[data["notice_id"]] = relative
        notices.append(NoticeFile(path=relative, record=data))
    return notices, skipped


def read_json(path: Path) -> tuple[Any, tuple[str, str] | None]:
    """The parsed file, or a skip code and the reason it could not be parsed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, ("X001_unreadable", str(error))
    try:
        return json.loads(text), None
    except json.JSONDecodeError as error:
        return None, ("X002_invalid_json", str(error))
