"""A reviewer's correction, from the form's JSON to `pipeline.corrections.add_correction`.

The value is typed and checked against the schema by the corrections module;
its message is what the reviewer sees when the value would not validate, and
nothing is saved then. Corrections apply on the next run of the flow.

The form carries the version of the corrections file the page was made
from; a save against an older version is answered 409 with the other
reviewer's corrections of that record and the version now stored, so the
page can show them and let the reviewer save again on that version.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import corrections
from pipeline.errors import ExtractionError
from pipeline.review.typed_values import parse_typed_value
from pipeline.review.catalog import Catalog

# Longest value, name and note accepted from the form, in characters.
MAX_VALUE_LENGTH = 20_000
MAX_AUTHOR_LENGTH = 100
MAX_VERSION_LENGTH = 64
APPLIES_LATER = "It applies on the next run of the flow."


@dataclass
class EditResult:
    status: int  # HTTP status
    message: str
    extra: dict[str, Any] = field(default_factory=dict)  # the stored version, a conflict's details

    @property
    def ok(self) -> bool:
        return self.status == 200

    def as_json(self) -> dict:
        return {"ok": self.ok, "message" if self.ok else "error": self.message, **self.extra}


class EditRefused(Exception):
    """A request that cannot become a correction; the message says why."""


def save_correction(catalog: Catalog, corrections_dir: Path, payload: object) -> EditResult:
    try:
        form = read_form(payload)
        entry = catalog.find(form["notice"])
        if entry is None:
            raise EditRefused(f"unknown notice: {form['notice']}")
        record = catalog.load_record(entry)
        part = corrections.find_record(record, form["record_id"])
        if part is None:
            raise EditRefused(f"no record {form['record_id']} in notice {record.notice_id}")
        value = parse_typed_value(part, form["field"], form["value"])
        _entry, version = corrections.save_correction_versioned(
            corrections_dir, record, form["record_id"], form["field"], value,
            author=form["author"], note=form["note"], expected_version=form["version"])
    except corrections.CorrectionConflict as conflict:
        return EditResult(409, f"{conflict}: check their change below, then save yours again.",
                          {"version": conflict.version,
                           "theirs": [conflict_view(entry) for entry in conflict.entries]})
    except (EditRefused, ValueError, LookupError) as error:
        return EditResult(400, str(error) or type(error).__name__)
    except ExtractionError as error:  # the corrections folder is read-only or full
        return EditResult(507, f"[{error.code}] nothing was saved: {error}")
    return EditResult(200, f"Saved the correction of {form['field']} in {form['record_id']}. "
                           + APPLIES_LATER, {"version": version})


def conflict_view(entry: corrections.CorrectionEntry) -> dict[str, Any]:
    """What the page shows of another reviewer's stored correction."""
    change = entry.patch[-1]
    return {"field": entry.field, "value": change.get("value"), "op": change["op"],
            "author": entry.author, "at": entry.at, "note": entry.note}


def read_form(payload: object) -> dict:
    """The form's fields as strings; a missing or oversized one is refused."""
    if not isinstance(payload, dict):
        raise EditRefused("the request is not a correction form")
    form = {}
    for name in ("notice", "record_id", "field", "value", "author"):
        value = payload.get(name)
        if not isinstance(value, str):
            raise EditRefused(f"the form has no {name}")
        form[name] = value
    form["author"] = form["author"].strip()
    if not form["author"]:
        raise EditRefused("enter your name before saving a correction")
    if len(form["author"]) > MAX_AUTHOR_LENGTH or len(form["value"]) > MAX_VALUE_LENGTH:
        raise EditRefused("the name or the value is too long")
    note = payload.get("note")
    form["note"] = (note.strip() or None) if isinstance(note, str) else None
    version = payload.get("version")  # absent: a script that saves without compare-and-set
    if version is not None and (not isinstance(version, str) or len(version) > MAX_VERSION_LENGTH):
        raise EditRefused("the form's version is not one the page sends")
    form["version"] = version
    return form

