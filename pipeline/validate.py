"""Check a record against the published JSON Schema before it is written."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import fastjsonschema

from pipeline.errors import ExtractionError
from pipeline.model import SCHEMA_VERSION, NoticeRecord

# The schema uses no keyword newer than draft 7, which is what the compiled
# validator speaks; the published file still names draft 2020-12.
_COMPILE_AS = "http://json-schema.org/draft-07/schema#"
_FORMATS = {"date": r"^\d{4}-\d{2}-\d{2}$"}


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
def _validator():
    """The schema compiled to Python once: fifty times faster than interpreting it.

    It checks and never fills in: a default the schema names (a span's absent
    page is null) is not written into the record, so absent places stay absent.
    """
    return fastjsonschema.compile({**notice_schema(), "$schema": _COMPILE_AS}, formats=_FORMATS,
                                  use_default=False)


def record_to_json(record: NoticeRecord) -> dict[str, Any]:
    """The record as it will be written, checked against the schema.

    Raises `ExtractionError(E007_invalid_record)` naming the first violation.
    """
    data = record.model_dump(mode="json")
    try:
        _validator()(data)
    except fastjsonschema.JsonSchemaException as error:
        raise ExtractionError("E007_invalid_record", error.message) from error
    return data
