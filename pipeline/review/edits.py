"""A reviewer's correction, from the form's JSON to `pipeline.corrections.add_correction`.

The value is typed and checked against the schema by the corrections module;
its message is what the reviewer sees when the value would not validate, and
nothing is saved then. Corrections apply on the next run of the flow.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline import corrections
from pipeline.review.typed_values import parse_typed_value
from pipeline.review.catalog import Catalog

# Longest value, name and note accepted from the form, in characters.
MAX_VALUE_LENGTH = 20_000
MAX_AUTHOR_LENGTH = 100
APPLIES_LATER = "It applies on the next run of the flow."


@dataclass
class EditResult:
    status: int  # HTTP status
    message: str

    @property
    def ok(self) -> bool:
        return self.status == 200

    def as_json(self) -> dict:
        return {"ok": self.ok, "message" if self.ok else "error": self.message}


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
        corrections.add_correction(corrections_dir, record, form["record_id"], form["field"],
                                   value, author=form["author"], note=form["note"])
    except (EditRefused, ValueError, LookupError) as error:
        return EditResult(400, str(error) or type(error).__name__)
    return EditResult(200, f"Saved the correction of {form['field']} in {form['record_id']}. "
                           + APPLIES_LATER)


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
    return form

