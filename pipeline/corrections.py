"""Reviewers' corrections: kept apart from the outputs and applied again on every run.

A correction is an RFC 6902 JSON Patch on one record of a notice (its
document part, a catalogue item or a task), stored in
`<corrections_dir>/<notice_id>.json`. The patch first `test`s the value the
pipeline extracted, so it is applied only while the pipeline still extracts
that value; otherwise it is reported stale, with the reason, and left out. A
notice's id is its source's hash, so a changed source gets a new id: the
corrections made on the earlier version (found by the source's path) are all
reported stale, never applied silently.

Within one record no two corrections touch overlapping fields: a correction
inside an already corrected field is folded into that field's correction, and
one around corrected fields replaces them. So every `test` meets the value the
pipeline extracted, whatever else was corrected.

A corrections file that cannot be read or validated (hand-edited into bad
JSON, emptied, saved with a byte-order mark, a patch without its test, an
unknown key, a patch on a protected field) never blocks extraction: the
notice is extracted without it, carries the warning `corrections_invalid`
with the reason, and the file is left as it is for a person to repair.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import jsonpatch
from jsonpointer import EndOfList, JsonPointer, JsonPointerException
from pydantic import BaseModel, ValidationError

from pipeline.corrections_store import (CorrectionEntry, CorrectionFile, CorrectionsInvalid,
                                        append_log, corrections_for, corrections_path,
                                        file_version, locked, protected_field_refusal)
from pipeline.corrections_store import read_corrections_file as _read
from pipeline.errors import ExtractionError
from pipeline.model import (AppliedCorrection, CatalogueItem, DocumentMeta, NoticeRecord,
                            NoticeWarning, Task)
from pipeline.validate import record_to_json
from pipeline.write import write_json_atomic

log = logging.getLogger(__name__)

# Where corrections live unless a folder is given: apart from the outputs, which every run rewrites.
CORRECTIONS_DIR = Path("corrections")
# The warning a notice carries when its corrections file cannot be used.
INVALID_WARNING = "corrections_invalid"
# How much of a value a stale reason quotes, so that the reason stays one line.
REASON_VALUE_CHARS = 60


class _Remove:
    def __repr__(self) -> str:
        return "REMOVE"


# Pass as `new_value` to remove the list item that `field` names.
REMOVE: Any = _Remove()


class CorrectionConflict(ValueError):
    """A save made against an older version of the corrections file than the one stored."""

    def __init__(self, message: str, version: str, entries: list[CorrectionEntry]):
        super().__init__(message)
        self.version = version  # the stored file's version now
        self.entries = entries  # the stored corrections of the record the save was for


# --- storage ---------------------------------------------------------------------------


def _write(corrections_dir: Path, stored: CorrectionFile) -> None:
    write_json_atomic(corrections_path(corrections_dir, stored.notice_id), stored.model_dump(mode="json"))


def _earlier_versions(corrections_dir: Path, record: NoticeRecord) -> list[CorrectionFile]:
    """Corrections made on other versions of the record's source (same path, other hash)."""
    if not corrections_dir.is_dir():
        return []
    by_source = _files_by_source(str(corrections_dir), corrections_dir.stat().st_mtime_ns)
    return [stored for stored in by_source.get(record.source.path, ())
            if stored.notice_id != record.notice_id]


@lru_cache(maxsize=4)
def _files_by_source(folder: str, modified_ns: int) -> dict[str, tuple[CorrectionFile, ...]]:
    """Every corrections file by source path, read once per state of the folder.

    A batch of thousands of notices asks this for each notice without
    corrections; the folder's modification time changes whenever a file is
    written (atomically, by rename) or removed, so the cache stays right.
    """
    found: dict[str, list[CorrectionFile]] = {}
    for path in sorted(Path(folder).glob("*.json")):
        try:
            stored = _read(path)
        except CorrectionsInvalid as error:  # one broken file must not stop every notice
            log.warning("skipping %s: %s", path, error)
            continue
        found.setdefault(stored.source_path, []).append(stored)
    return {source: tuple(files) for source, files in found.items()}


# --- records inside a notice's JSON data ----------------------------------------------------


class _Slot(NamedTuple):
    """Where one record sits in a notice's JSON data, and its model."""

    container: dict | list
    key: str | int
    model: type[BaseModel]


def document_id(notice_id: str) -> str:
    """The id that addresses a notice's document part (it has no id field of its own)."""
    return f"{notice_id}/document"


def record_ids(record: NoticeRecord) -> list[str]:
    """Every record a correction can address, in the notice's order."""
    return ([document_id(record.notice_id)] + [item.id for item in record.catalogue]
            + [task.id for task in record.tasks])


def find_record(record: NoticeRecord, record_id: str) -> DocumentMeta | CatalogueItem | Task | None:
    if record_id == document_id(record.notice_id):
        return record.document
    return next((part for part in [*record.catalogue, *record.tasks] if part.id == record_id), None)


def _slots(data: dict[str, Any]) -> dict[str, _Slot]:
    slots = {document_id(data["notice_id"]): _Slot(data, "document", DocumentMeta)}
    for section, model in (("catalogue", CatalogueItem), ("tasks", Task)):
        for index, part in enumerate(data[section]):
            slots[part["id"]] = _Slot(data[section], index, model)
    return slots


def _extracted_data(record: NoticeRecord) -> dict[str, Any]:
    """The record's JSON data as the pipeline extracted it: applied corrections undone."""
    data = record.model_dump(mode="json")
    for slot in _slots(data).values():
        part = slot.container[slot.key]
        undo = [{"op": "replace", "path": applied["field"], "value": applied["old"]}
                for applied in reversed(part["corrections"])]
        part = jsonpatch.apply_patch(part, undo)
        part["corrections"] = []
        slot.container[slot.key] = part
    data["review"].update(corrections_applied=0, stale_corrections=0)
    data["warnings"] = [warning for warning in data["warnings"]
                        if warning["code"] != INVALID_WARNING]
    return data


# --- applying ------------------------------------------------------------------------------


def apply_corrections(record: NoticeRecord, corrections_dir: Path) -> tuple[NoticeRecord, list[str]]:
    """The record with its notice's stored corrections applied, and why each other one is stale.

    Idempotent: corrections the record already carries are undone first. A
    corrections file that cannot be used leaves the record as extracted, with
    the warning `corrections_invalid` saying why.
    """
    try:
        stored = corrections_for(corrections_dir, record.notice_id)
    except CorrectionsInvalid as error:
        return _without_corrections(record, str(error)), []
    earlier = _earlier_versions(corrections_dir, record) if stored is None else []
    if stored is None and not earlier and not _carries_corrections(record):
        review = record.review.model_copy(update={"corrections_applied": 0, "stale_corrections": 0})
        return record.model_copy(update={"review": review}), []
    data = _extracted_data(record)
    if stored is not None:
        outcomes = _apply_entries(data, stored.corrections)
        stale = [reason for reason in outcomes if reason is not None]
    else:
        outcomes = []
        stale = [_source_changed(entry, version, record) for version in earlier
                 for entry in version.corrections]
    data["review"].update(corrections_applied=outcomes.count(None), stale_corrections=len(stale))
    return NoticeRecord.model_validate(data), stale


def _without_corrections(record: NoticeRecord, problem: str) -> NoticeRecord:
    """The record as extracted, warning that its corrections file cannot be used."""
    data = _extracted_data(record)
    data["warnings"].append(NoticeWarning(code=INVALID_WARNING, message=problem)
                            .model_dump(mode="json"))
    return NoticeRecord.model_validate(data)


def _carries_corrections(record: NoticeRecord) -> bool:
    if any(warning.code == INVALID_WARNING for warning in record.warnings):
        return True
    return any(part.corrections for part in [record.document, *record.catalogue, *record.tasks])


def _apply_entries(data: dict[str, Any], entries: list[CorrectionEntry]) -> list[str | None]:
    """Apply each entry that still fits, in place; per entry, None or why it is stale."""
    slots = _slots(data)
    outcomes: list[str | None] = []
    for entry in entries:
        slot = slots.get(entry.record)
        if slot is None:
            outcomes.append(f"{entry.record} {entry.field}: the record no longer exists "
                            f"(expected {quote(entry.expected)})")
            continue
        patched, reason = _apply_entry(slot.container[slot.key], slot.model, entry)
        if patched is not None:
            slot.container[slot.key] = patched
        outcomes.append(reason)
    return outcomes


def _apply_entry(part: dict[str, Any], model: type[BaseModel],
                 entry: CorrectionEntry) -> tuple[dict[str, Any] | None, str | None]:
    """The part with the entry applied and recorded in its `corrections`, or why not."""
    where = f"{entry.record} {entry.field}"
    try:
        patched = jsonpatch.apply_patch(part, entry.patch)
    except jsonpatch.JsonPatchTestFailed:
        found = _found(part, entry.field)
        return None, (f"{where}: expected {quote(entry.expected)}, found {quote(found)}; "
                      "the extracted value changed since the correction was made")
    except (jsonpatch.JsonPatchException, JsonPointerException) as error:
        return None, f"{where}: the patch does not apply ({error})"
    problem = _invalid(model, patched, entry.field)
    if problem:
        return None, f"{where}: {problem}"
    new = _found(patched, entry.field)
    if new is _NOTHING:
        return None, f"{where}: the patch removes the field it corrects"
    applied = AppliedCorrection(field=entry.field, old=entry.expected, new=new,
                                author=entry.author, at=entry.at, note=entry.note)
    patched["corrections"].append(applied.model_dump(mode="json"))
    return patched, None


def _invalid(model: type[BaseModel], data: dict[str, Any], field: str) -> str | None:
    """Why `data` is not a valid `model` record, exactly as given (no silent conversions)."""
    try:
        checked = model.model_validate(data).model_dump(mode="json")
    except ValidationError as error:
        first = error.errors()[0]
        location = "/" + "/".join(str(part) for part in first["loc"])
        return f"the corrected record is invalid: {location}: {first['msg']}"
    if _canonical(checked) != _canonical(data):
        return (f"the new value {quote(_found(data, field))} is not of the field's type "
                f"(it would become {quote(_found(checked, field))})")
    return None


def _source_changed(entry: CorrectionEntry, version: CorrectionFile, record: NoticeRecord) -> str:
    return (f"{entry.record} {entry.field}: source changed since the correction was made "
            f"({version.source_path}: sha256 {version.source_sha256[:16]} then, "
            f"{record.source.sha256[:16]} now; expected {quote(entry.expected)})")


# --- adding and removing ------------------------------------------------------------------


def add_correction(corrections_dir: Path, record: NoticeRecord, record_id: str, field: str,
                   new_value: Any, author: str, note: str | None = None,
                   now: datetime | None = None, expected_version: str | None = None) -> CorrectionEntry:
    """Store a reviewer's correction of `field` (a JSON Pointer) in one record of the notice.

    `record` is the notice as extracted; corrections it already carries are
    undone first. `field` may name a list item, `/lead_units/-` appends and
    `new_value=REMOVE` removes an item. Raises ValueError, writing nothing,
    when the record or field does not exist or the corrected notice would
    not validate, and `CorrectionConflict` when `expected_version` is given
    and the stored file is no longer that version.
    """
    return save_correction_versioned(corrections_dir, record, record_id, field, new_value, author,
                                     note, now, expected_version)[0]


def save_correction_versioned(corrections_dir: Path, record: NoticeRecord, record_id: str,
                              field: str, new_value: Any, author: str, note: str | None = None,
                              now: datetime | None = None, expected_version: str | None = None
                              ) -> tuple[CorrectionEntry, str]:
    """`add_correction`, also returning the file's version after the save."""
    if not author.strip():
        raise ValueError("a correction needs its author")
    pointer = checked_pointer(field)
    data = _extracted_data(record)
    slot = _slots(data).get(record_id)
    if slot is None:
        raise ValueError(f"{record_id}: no such record in notice {record.notice_id}")
    path = corrections_path(corrections_dir, record.notice_id)
    with locked(path):
        stored = _stored_at(path, record, record_id, expected_version)
        entry = _new_entry(stored, slot, record_id, pointer, new_value, author, note, now)
        kept = [other for other in stored.corrections
                if not (other.record == record_id and _overlap(other.field, entry.field))]
        updated = stored.model_copy(update={"source_path": record.source.path,
                                            "corrections": kept + [entry]})
        _check_corrected_notice(data, updated.corrections)
        _write(corrections_dir, updated)
        version = file_version(path)
        append_log(path, {"action": "add", "at": entry.at, "author": entry.author,
                          "record": entry.record, "field": entry.field, "patch": entry.patch,
                          "note": entry.note, "version": version})
    return entry, version


def _stored_at(path: Path, record: NoticeRecord, record_id: str,
               expected_version: str | None) -> CorrectionFile:
    """The stored corrections (a new file if none), refusing a save made on another version."""
    version = file_version(path)
    stored = _read(path) if path.exists() else None
    if expected_version is not None and expected_version != version:
        entries = [entry for entry in (stored.corrections if stored else [])
                   if entry.record == record_id]
        raise CorrectionConflict("another reviewer saved corrections of this notice since you "
                                 "opened it", version, entries)
    return stored or CorrectionFile(notice_id=record.notice_id, source_path=record.source.path,
                                    source_sha256=record.source.sha256)


def _new_entry(stored: CorrectionFile, slot: _Slot, record_id: str, pointer: JsonPointer,
               new_value: Any, author: str, note: str | None,
               now: datetime | None) -> CorrectionEntry:
    """The correction that takes the record, as corrected so far, to `new_value` at `pointer`."""
    extracted = slot.container[slot.key]
    current, corrected_fields = extracted, []
    for entry in (entry for entry in stored.corrections if entry.record == record_id):
        patched, _stale = _apply_entry(current, slot.model, entry)
        if patched is not None:
            current, corrected_fields = patched, corrected_fields + [entry.field]
    try:
        patch = _patch_for(extracted, current, corrected_fields, pointer, _as_json(new_value))
    except LookupError as error:
        raise ValueError(f"{record_id}: {error}") from None
    return CorrectionEntry(record=record_id, patch=patch, author=author, at=_timestamp(now),
                           note=note)


def corrections_version(corrections_dir: Path, notice_id: str) -> str:
    """The version of the notice's corrections file, for a later compare-and-set save."""
    return file_version(corrections_path(corrections_dir, notice_id))


def remove_correction(corrections_dir: Path, notice_id: str, record_id: str, field: str,
                      author: str = "", now: datetime | None = None) -> CorrectionEntry | None:
    """Forget the correction of `field` in the record (the extracted value returns); the removed one."""
    path = corrections_path(corrections_dir, notice_id)
    if not path.exists():
        return None
    with locked(path):
        stored = corrections_for(corrections_dir, notice_id)
        removed = next((entry for entry in stored.corrections
                        if entry.record == record_id and entry.field == field), None)
        if removed is not None:
            kept = [entry for entry in stored.corrections if entry is not removed]
            _write(corrections_dir, stored.model_copy(update={"corrections": kept}))
            append_log(path, {"action": "remove", "at": _timestamp(now), "author": author,
                              "record": record_id, "field": field, "patch": removed.patch,
                              "note": None, "version": file_version(path)})
    return removed


def checked_pointer(field: str) -> JsonPointer:
    try:
        pointer = JsonPointer(field)
    except JsonPointerException as error:
        raise ValueError(f"{field!r} is not a JSON Pointer such as '/target_group': {error}") from None
    if not pointer.parts:
        raise ValueError("a correction changes a field of the record, not the whole record")
    protected_field_refusal(field)
    return pointer


def _patch_for(extracted: dict[str, Any], current: dict[str, Any], corrected_fields: list[str],
               pointer: JsonPointer, new_value: Any) -> list[dict[str, Any]]:
    """The patch that takes the extracted part to `current` with this change made.

    Its test guards the smallest field that holds the change and every earlier
    correction overlapping it, with the value the pipeline extracted there.
    """
    change, guarded = _operation(current, pointer, new_value)
    changed = jsonpatch.apply_patch(current, [change])
    field = min((other for other in corrected_fields if _inside(guarded, other)), key=len,
                default=guarded)
    old, new = _resolve(extracted, field), _resolve(changed, field)
    if _canonical(new) == _canonical(_resolve(current, field)):
        raise ValueError(f"{pointer.path} already has the value {quote(new_value)}")
    if _canonical(new) == _canonical(old):
        raise ValueError(f"{quote(new)} is the extracted value of {field}: "
                         "remove the correction instead")
    guard = {"op": "test", "path": field, "value": old}
    if field == guarded and _result(extracted, [guard, change], field) == _canonical(new):
        return [guard, change]  # add or remove a list item, or replace a field, as asked
    return [guard, {"op": "replace", "path": field, "value": new}]


def _operation(current: dict[str, Any], pointer: JsonPointer,
               new_value: Any) -> tuple[dict[str, Any], str]:
    """The JSON Patch operation asked for, and the field its test must guard."""
    parent = JsonPointer.from_parts(pointer.parts[:-1]).path
    container = _resolve(current, parent)
    if isinstance(container, list) and pointer.parts[-1] == "-":
        if new_value is REMOVE:
            raise ValueError(f"{pointer.path}: name the list item to remove by its index")
        return {"op": "add", "path": pointer.path, "value": new_value}, parent
    _resolve(current, pointer.path)
    if new_value is REMOVE:
        if not isinstance(container, list):
            raise ValueError(f"{pointer.path}: only a list item can be removed; "
                             "set the field to null instead")
        return {"op": "remove", "path": pointer.path}, parent  # the index must keep naming that item
    return {"op": "replace", "path": pointer.path, "value": new_value}, pointer.path


def _check_corrected_notice(data: dict[str, Any], entries: list[CorrectionEntry]) -> None:
    """Raise ValueError unless the newest entry applies and the corrected notice validates."""
    newest = _apply_entries(data, entries)[-1]
    if newest is not None:
        raise ValueError(newest)
    try:
        record_to_json(NoticeRecord.model_validate(data))
    except (ValidationError, ExtractionError) as error:
        raise ValueError(f"the corrected notice would not validate: {error}") from None


# --- small JSON helpers ----------------------------------------------------------------------


class _Nothing:
    def __repr__(self) -> str:
        return "nothing"


# What a stale reason says was found where a field no longer exists.
_NOTHING: Any = _Nothing()


def _resolve(document: Any, path: str) -> Any:
    """The value at `path`, or LookupError naming the missing field."""
    try:
        value = JsonPointer(path).resolve(document)
    except JsonPointerException as error:
        raise LookupError(f"no field {path} ({error})") from None
    if isinstance(value, EndOfList):
        raise LookupError(f"no field {path} ('-' names no item)")
    return value


def _found(document: Any, path: str) -> Any:
    """The value at `path`, or `_NOTHING`."""
    try:
        return _resolve(document, path)
    except LookupError:
        return _NOTHING


def _result(document: dict[str, Any], patch: list[dict[str, Any]], field: str) -> str | None:
    """The canonical value at `field` after the patch, or None if it does not apply."""
    try:
        return _canonical(_resolve(jsonpatch.apply_patch(document, patch), field))
    except (jsonpatch.JsonPatchException, JsonPointerException, LookupError):
        return None


def _inside(inner: str, outer: str) -> bool:
    """Whether the field `inner` is `outer` or lies within it."""
    return JsonPointer(inner).contains(JsonPointer(outer))


def _overlap(field: str, other: str) -> bool:
    return _inside(field, other) or _inside(other, field)


def _as_json(value: Any) -> Any:
    if value is REMOVE:
        return value
    try:
        return json.loads(json.dumps(value, ensure_ascii=False))
    except (TypeError, ValueError) as error:
        raise ValueError(f"the new value is not JSON data: {error}") from None


def _canonical(value: Any) -> str:
    """Equal for equal JSON values (1 and 1.0, or 1 and true, stay apart)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def quote(value: Any) -> str:
    text = value if value is _NOTHING else _canonical(value)
    text = str(text)
    return text if len(text) <= REASON_VALUE_CHARS else text[:REASON_VALUE_CHARS - 1] + "…"


def _timestamp(now: datetime | None) -> str:
    return (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
