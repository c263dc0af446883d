"""Check a record against the published JSON Schema before it is written."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from pipeline.errors import ExtractionError
from pipeline.model import SCHEMA_VERSION, NoticeRecord

# How many schema violations an error message lists before it stops.
MAX_REPORTED_VIOLATIONS = 5


def schema_path() -> Path:
    """Where the schema of this version is published: schemas/notice-<version>.schema.json."""
    return Path("schemas") / f"notice-{SCHEMA_VERSION}.schema.json"


def notice_schema() -> dict[str, Any]:
    """The JSON Schema of an output file, generated from the pydantic models."""
    schema = NoticeRecord.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = schema_path().name
    return schema


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(notice_schema(), format_checker=FormatChecker())


def record_to_json(record: NoticeRecord) -> dict[str, Any]:
    """The record as it will be written, checked against the schema.

    Raises `ExtractionError(E007_invalid_record)` naming the first violations.
    """
    data = json.loads(record.model_dump_json())
    errors = sorted(_validator().iter_errors(data), key=lambda error: list(error.path))
    if errors:
        listed = "; ".join(f"{'/'.join(map(str, error.path)) or '(top)'}: {error.message}"
                           for error in errors[:MAX_REPORTED_VIOLATIONS])
        raise ExtractionError("E007_invalid_record", listed)
    return data
