"""The published JSON Schema matches the models, and outputs validate against it."""
import json

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from pipeline.errors import ExtractionError
from pipeline.model import SCHEMA_VERSION, NoticeRecord
from pipeline.validate import notice_schema, record_to_json, schema_path
from tests.conftest import OUTPUTS, ROOT


def test_checked_in_schema_matches_the_models():
    path = ROOT / schema_path()
    assert path.exists(), "run `python -m pipeline schema` to publish the schema"
    assert json.loads(path.read_text(encoding="utf-8")) == notice_schema(), \
        "the models changed: bump SCHEMA_VERSION if needed and run `python -m pipeline schema`"


def test_committed_outputs_validate_with_a_standard_validator():
    validator = Draft202012Validator(json.loads((ROOT / schema_path()).read_text()),
                                     format_checker=FormatChecker())
    outputs = sorted(p for p in OUTPUTS.rglob("*.json") if not p.name.startswith("_"))
    assert outputs
    for path in outputs:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["schema_version"] == SCHEMA_VERSION
        assert not list(validator.iter_errors(data)), path.name


def test_invalid_record_is_refused_with_the_violation():
    record = NoticeRecord.model_validate({
        "notice_id": "x", "source": {"path": "a.txt", "sha256": "0", "format": "text"},
        "document": {}})
    record.document.date = "24/6/2024"  # assignment skips pydantic's own check
    with pytest.raises(ExtractionError) as raised:
        record_to_json(record)
    assert raised.value.code == "E007_invalid_record" and "date" in str(raised.value)


def test_every_published_schema_is_kept_and_valid():
    published = sorted((ROOT / "schemas").glob("notice-*.schema.json"))
    versions = [path.name.removeprefix("notice-").removesuffix(".schema.json") for path in published]
    assert SCHEMA_VERSION in versions and "1.0.0" in versions
    for path in published:
        Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


def test_validation_never_writes_a_default_into_the_record():
    """A text notice's spans have no page or box: the written record leaves them out."""
    from pipeline.assemble import extract_notice
    from pipeline.model import SourceDocument
    from pipeline.validate import record_to_json

    text = "某县关于推进工作的通知\n一、重点任务\n(一)完善清单。(责任单位:县民政局)\n"
    document = SourceDocument(path="t.txt", sha256="0" * 64, format="text", encoding="utf-8",
                              text=text)
    written = json.dumps(record_to_json(extract_notice(document)), ensure_ascii=False)
    assert '"page"' not in written and '"bbox"' not in written and '"locator"' not in written
