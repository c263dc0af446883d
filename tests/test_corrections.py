"""Reviewers' corrections: stored apart, applied on every run, stale when the source moved on."""
import hashlib
import json
from datetime import datetime, timezone

import pytest

from pipeline.assemble import extract_notice
from pipeline.corrections import (REMOVE, add_correction, apply_corrections, corrections_for,
                                  corrections_path, document_id, find_record,
                                  record_ids, remove_correction)
from pipeline.review.typed_values import parse_typed_value
from pipeline.model import CatalogueItem, SourceDocument
from pipeline.validate import record_to_json

NOTICE = """某县人民政府办公室关于印发某县基本养老服务清单的通知
某政办发〔2024〕12号
一、重点任务
(一)完善服务制度
1.落实服务清单。到2025年,清单动态调整机制全面建立。(责任单位:县民政局、县卫健局)
2.开展能力评估。每年至少评估一次。(责任单位:县民政局)
附件:某县基本养老服务清单
服务对象 | 服务项目 | 服务内容 | 服务类型 | 服务标准 | 支出责任 | 牵头部门 |
经济困难的老年人 | 1 | 高龄津贴 | 为80周岁及以上老年人发放高龄津贴。 | 物质帮助 | 每人每月100元。 | 县财政负担。 | 县民政局 |
80周岁及以上老年人 | 2 | 百岁补贴 | 为百岁老人发放补贴。 | 物质帮助 | 每人每月300元。 | 县财政负担。 | 县民政局、县卫健局 |
某县人民政府办公室
2024年5月20日
"""
# The same notice, edited: the first catalogue row now names another target group.
EDITED = NOTICE.replace("经济困难的老年人 | 1", "特困老年人 | 1")
SOURCE_PATH = "txt/000_x.txt"
WHEN = datetime(2024, 6, 1, 9, 30, tzinfo=timezone.utc)


def extract(text=NOTICE, path=SOURCE_PATH):
    sha256 = hashlib.sha256(text.encode()).hexdigest()
    return extract_notice(SourceDocument(path=path, sha256=sha256, format="text",
                                         encoding="utf-8", text=text))


def item_id(record, seq):
    return f"{record.notice_id}/catalogue/{seq}"


def correct(tmp_path, record, record_id, field, value, **extra):
    return add_correction(tmp_path, record, record_id, field, value, author="张三", now=WHEN,
                          **extra)


def stored_json(tmp_path, record):
    return json.loads(corrections_path(tmp_path, record.notice_id).read_text(encoding="utf-8"))


@pytest.fixture
def record():
    return extract()


# --- applying ------------------------------------------------------------------------------


def test_add_then_apply_gives_the_corrected_value_and_its_record(tmp_path, record):
    assert record.catalogue[0].target_group == "经济困难的老年人"
    correct(tmp_path, record, item_id(record, 1), "/target_group", "80周岁及以上老年人",
            note="原文表格错位")
    corrected, stale = apply_corrections(record, tmp_path)
    assert stale == []
    item = corrected.catalogue[0]
    assert item.target_group == "80周岁及以上老年人"
    [applied] = item.corrections
    assert (applied.field, applied.old, applied.new) == ("/target_group", "经济困难的老年人",
                                                         "80周岁及以上老年人")
    assert (applied.author, applied.at, applied.note) == ("张三", "2024-06-01T09:30:00+00:00",
                                                          "原文表格错位")
    assert (corrected.review.corrections_applied, corrected.review.stale_corrections) == (1, 0)
    record_to_json(corrected)  # the corrected record passes the schema
    assert record.catalogue[0].target_group == "经济困难的老年人"  # the input is left alone


def test_applying_twice_is_the_same(tmp_path, record):
    correct(tmp_path, record, item_id(record, 1), "/target_group", "80周岁及以上老年人")
    once, _ = apply_corrections(record, tmp_path)
    assert apply_corrections(record, tmp_path) == (once, [])
    assert apply_corrections(once, tmp_path) == (once, [])  # applied ones are not doubled
    assert len(once.catalogue[0].corrections) == 1


def test_a_correction_survives_a_rerun(tmp_path, record):
    correct(tmp_path, record, item_id(record, 1), "/target_group", "80周岁及以上老年人")
    first, _ = apply_corrections(record, tmp_path)
    rerun, stale = apply_corrections(extract(), tmp_path)
    assert stale == [] and rerun == first
    assert rerun.catalogue[0].target_group == "80周岁及以上老年人"


def test_a_moved_file_with_the_same_content_keeps_its_corrections(tmp_path, record):
    correct(tmp_path, record, item_id(record, 1), "/target_group", "80周岁及以上老年人")
    moved, stale = apply_corrections(extract(path="2024/renamed.txt"), tmp_path)
    assert stale == [] and moved.catalogue[0].target_group == "80周岁及以上老年人"


def test_a_changed_source_makes_every_correction_stale(tmp_path, record):
    correct(tmp_path, record, item_id(record, 1), "/target_group", "80周岁及以上老年人")
    correct(tmp_path, record, document_id(record.notice_id), "/region", "某市某县")
    changed = extract(EDITED)
    assert changed.notice_id != record.notice_id
    corrected, stale = apply_corrections(changed, tmp_path)
    assert len(stale) == 2
    assert all("source changed since the correction was made" in reason for reason in stale)
    assert stale[0].startswith(f"{item_id(record, 1)} /target_group:")
    assert '"经济困难的老年人"' in stale[0]
    assert corrected.catalogue[0].target_group == "特困老年人"
    assert corrected.document.region == "某县"
    assert corrected.catalogue[0].corrections == []
    assert (corrected.review.corrections_applied, corrected.review.stale_corrections) == (0, 2)


def test_another_sources_corrections_are_not_reported(tmp_path, record):
    correct(tmp_path, record, item_id(record, 1), "/target_group", "80周岁及以上老年人")
    other = extract(EDITED, path="txt/001_other.txt")
    assert apply_corrections(other, tmp_path)[1] == []


def test_a_changed_extracted_value_is_stale_with_the_reason(tmp_path, record):
    correct(tmp_path, record, item_id(record, 1), "/target_group", "80周岁及以上老年人")
    correct(tmp_path, record, item_id(record, 2), "/funding", "市县两级财政负担。")
    data = stored_json(tmp_path, record)
    data["corrections"][0]["patch"][0]["value"] = "低收入老年人"  # as if extracted differently then
    corrections_path(tmp_path, record.notice_id).write_text(json.dumps(data), encoding="utf-8")
    corrected, stale = apply_corrections(record, tmp_path)
    assert stale == [f'{item_id(record, 1)} /target_group: expected "低收入老年人", found '
                     '"经济困难的老年人"; the extracted value changed since the correction was made']
    assert corrected.catalogue[0].target_group == "经济困难的老年人"
    assert corrected.catalogue[1].funding == "市县两级财政负担。"  # the other one still applies
    assert (corrected.review.corrections_applied, corrected.review.stale_corrections) == (1, 1)


def test_a_correction_of_a_record_that_is_gone_is_stale(tmp_path, record):
    correct(tmp_path, record, item_id(record, 2), "/funding", "市县两级财政负担。")
    data = stored_json(tmp_path, record)
    data["corrections"][0]["record"] = item_id(record, 9)
    corrections_path(tmp_path, record.notice_id).write_text(json.dumps(data), encoding="utf-8")
    [reason] = apply_corrections(record, tmp_path)[1]
    assert reason.startswith(f"{item_id(record, 9)} /funding: the record no longer exists")


def test_a_stored_correction_that_would_break_the_record_is_stale(tmp_path, record):
    correct(tmp_path, record, item_id(record, 2), "/min_age", 90)
    data = stored_json(tmp_path, record)
    data["corrections"][0]["patch"][1]["value"] = "ninety"  # edited by hand
    corrections_path(tmp_path, record.notice_id).write_text(json.dumps(data), encoding="utf-8")
    corrected, [reason] = apply_corrections(record, tmp_path)
    assert reason.startswith(f"{item_id(record, 2)} /min_age: the corrected record is invalid")
    assert corrected.catalogue[1].min_age == 80


# --- adding ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["eighty", "80", 80.5, -1.5])
def test_an_invalid_value_is_refused_and_nothing_written(tmp_path, record, value):
    with pytest.raises(ValueError, match="/min_age"):
        correct(tmp_path, record, item_id(record, 1), "/min_age", value)
    assert list(tmp_path.iterdir()) == []


def test_a_refused_value_leaves_the_stored_corrections_alone(tmp_path, record):
    correct(tmp_path, record, item_id(record, 1), "/target_group", "80周岁及以上老年人")
    before = corrections_path(tmp_path, record.notice_id).read_bytes()
    with pytest.raises(ValueError, match="pattern"):
        correct(tmp_path, record, document_id(record.notice_id), "/date", "2024年5月20日")
    assert corrections_path(tmp_path, record.notice_id).read_bytes() == before


@pytest.mark.parametrize("record_id, field, message", [
    ("{nid}/catalogue/9", "/target_group", "no such record"),
    ("{nid}/catalogue/1", "/no_such_field", "no field /no_such_field"),
    ("{nid}/catalogue/1", "/lead_units/5", "no field /lead_units/5"),
    ("{nid}/catalogue/1", "target_group", "not a JSON Pointer"),
    ("{nid}/catalogue/1", "/id", "cannot be corrected"),
    ("{nid}/catalogue/1", "", "not the whole record"),
])
def test_a_correction_must_name_an_existing_record_and_field(tmp_path, record, record_id, field,
                                                             message):
    with pytest.raises(ValueError, match=message):
        correct(tmp_path, record, record_id.format(nid=record.notice_id), field, "x")
    assert list(tmp_path.iterdir()) == []


def test_a_correction_to_the_extracted_value_is_refused(tmp_path, record):
    with pytest.raises(ValueError, match="already has the value"):
        correct(tmp_path, record, item_id(record, 1), "/target_group", "经济困难的老年人")


def test_a_second_correction_of_a_field_replaces_the_first(tmp_path, record):
    correct(tmp_path, record, item_id(record, 1), "/target_group", "80周岁及以上老年人")
    correct(tmp_path, record, item_id(record, 2), "/funding", "市县两级财政负担。")
    entry = add_correction(tmp_path, record, item_id(record, 1), "/target_group",
                           "65周岁及以上老年人", author="李四", now=WHEN)
    assert entry.patch == [
        {"op": "test", "path": "/target_group", "value": "经济困难的老年人"},
        {"op": "replace", "path": "/target_group", "value": "65周岁及以上老年人"}]
    stored = corrections_for(tmp_path, record.notice_id)
    assert [(e.record, e.field, e.author) for e in stored.corrections] == [
        (item_id(record, 2), "/funding", "张三"), (item_id(record, 1), "/target_group", "李四")]
    [applied] = apply_corrections(record, tmp_path)[0].catalogue[0].corrections
    assert (applied.old, applied.new) == ("经济困难的老年人", "65周岁及以上老年人")


def test_correcting_an_already_corrected_record_keeps_the_extracted_value(tmp_path, record):
    correct(tmp_path, record, item_id(record, 1), "/target_group", "80周岁及以上老年人")
    corrected, _ = apply_corrections(record, tmp_path)
    entry = correct(tmp_path, corrected, item_id(record, 1), "/target_group", "65周岁及以上老年人")
    assert entry.expected == "经济困难的老年人"


@pytest.mark.parametrize("which, field, value", [
    ("catalogue/2", "/amounts/0/value", 350),
    ("task/1.1", "/deadline_years", [2025, 2026]),
    ("task/1.2", "/title", "开展老年人能力综合评估"),
    ("document", "/doc_number", "某政办发〔2024〕13号"),
    ("document", "/title", None),
])
def test_every_kind_of_record_can_be_corrected(tmp_path, record, which, field, value):
    record_id = f"{record.notice_id}/{which}"
    assert record_id in record_ids(record)
    correct(tmp_path, record, record_id, field, value)
    corrected, stale = apply_corrections(record, tmp_path)
    part = find_record(corrected, record_id)
    assert stale == [] and part.corrections[0].field == field
    assert part.corrections[0].new == value
    assert part.model_dump(mode="json") | {"corrections": []} != \
        find_record(record, record_id).model_dump(mode="json")


# --- lists ---------------------------------------------------------------------------------------


def lead_units_after(tmp_path, record, seq=2):
    corrected, stale = apply_corrections(record, tmp_path)
    assert stale == []
    return corrected.catalogue[seq - 1].lead_units


def test_a_whole_list_is_replaced(tmp_path, record):
    units = parse_typed_value(record.catalogue[1], "/lead_units", "县民政局、县财政局\n县医保局")
    correct(tmp_path, record, item_id(record, 2), "/lead_units", units)
    assert lead_units_after(tmp_path, record) == ["县民政局", "县财政局", "县医保局"]


def test_list_items_are_appended_replaced_and_removed(tmp_path, record):
    appended = correct(tmp_path, record, item_id(record, 2), "/lead_units/-", "县财政局")
    assert appended.patch == [
        {"op": "test", "path": "/lead_units", "value": ["县民政局", "县卫健局"]},
        {"op": "add", "path": "/lead_units/-", "value": "县财政局"}]
    assert lead_units_after(tmp_path, record) == ["县民政局", "县卫健局", "县财政局"]

    removed = correct(tmp_path, record, item_id(record, 1), "/lead_units/0", REMOVE)
    assert removed.patch[1] == {"op": "remove", "path": "/lead_units/0"}
    assert lead_units_after(tmp_path, record, seq=1) == []

    replaced = correct(tmp_path, record, item_id(record, 2), "/lead_units/2", "县医保局")
    # inside the corrected list: folded into the list's correction, still tested on the extracted list
    assert replaced.patch == [
        {"op": "test", "path": "/lead_units", "value": ["县民政局", "县卫健局"]},
        {"op": "replace", "path": "/lead_units", "value": ["县民政局", "县卫健局", "县医保局"]}]
    assert len(corrections_for(tmp_path, record.notice_id).corrections) == 2
    assert lead_units_after(tmp_path, record) == ["县民政局", "县卫健局", "县医保局"]


def test_a_list_correction_keeps_earlier_item_corrections(tmp_path, record):
    correct(tmp_path, record, item_id(record, 2), "/lead_units/0", "县民政厅")
    entry = correct(tmp_path, record, item_id(record, 2), "/lead_units/-", "县财政局")
    assert entry.field == "/lead_units"
    assert [e.field for e in corrections_for(tmp_path, record.notice_id).corrections] == [
        "/lead_units"]
    assert lead_units_after(tmp_path, record) == ["县民政厅", "县卫健局", "县财政局"]


def test_a_removed_item_is_stale_when_the_list_changed(tmp_path, record):
    correct(tmp_path, record, item_id(record, 2), "/lead_units/1", REMOVE)
    data = stored_json(tmp_path, record)
    data["corrections"][0]["patch"][0]["value"] = ["县民政局", "县财政局"]
    corrections_path(tmp_path, record.notice_id).write_text(json.dumps(data), encoding="utf-8")
    corrected, [reason] = apply_corrections(record, tmp_path)
    assert "/lead_units: expected" in reason and '"县卫健局"' in reason
    assert corrected.catalogue[1].lead_units == ["县民政局", "县卫健局"]


# --- the stored file --------------------------------------------------------------------------


def test_the_file_is_readable_json_in_the_order_corrections_were_made(tmp_path, record):
    correct(tmp_path, record, item_id(record, 2), "/funding", "市县两级财政负担。")
    correct(tmp_path, record, item_id(record, 1), "/target_group", "80周岁及以上老年人")
    text = corrections_path(tmp_path, record.notice_id).read_text(encoding="utf-8")
    assert "市县两级财政负担" in text  # not \\u escapes
    data = json.loads(text)
    assert list(data) == ["notice_id", "source_path", "source_sha256", "corrections"]
    assert (data["notice_id"], data["source_path"]) == (record.notice_id, SOURCE_PATH)
    assert data["source_sha256"] == record.source.sha256
    assert list(data["corrections"][0]) == ["record", "patch", "author", "at", "note"]
    assert [c["patch"][1]["path"] for c in data["corrections"]] == ["/funding", "/target_group"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [  # the file and its log, no temporaries
        f"{record.notice_id}.json", f"{record.notice_id}.log.jsonl"]


def test_removing_a_correction_brings_back_the_extracted_value(tmp_path, record):
    correct(tmp_path, record, item_id(record, 1), "/target_group", "80周岁及以上老年人")
    removed = remove_correction(tmp_path, record.notice_id, item_id(record, 1), "/target_group")
    assert removed.field == "/target_group"
    corrected, stale = apply_corrections(record, tmp_path)
    assert stale == [] and corrected.catalogue[0].target_group == "经济困难的老年人"
    assert remove_correction(tmp_path, record.notice_id, item_id(record, 1), "/target_group") is None


def test_no_corrections_leaves_the_record_as_extracted(tmp_path, record):
    assert apply_corrections(record, tmp_path / "missing") == (record, [])


# --- what a reviewer typed -----------------------------------------------------------------------


@pytest.mark.parametrize("field, text, value", [
    ("/target_group", "80周岁及以上老年人", "80周岁及以上老年人"),
    ("/min_age", "８０", 80),
    ("/min_age", "", None),
    ("/local_addition", "是", True),
    ("/lead_units", "县民政局,县财政局", ["县民政局", "县财政局"]),
    ("/lead_units", '["县民政局"]', ["县民政局"]),
    ("/lead_units/0", "县民政厅", "县民政厅"),
    ("/amounts/0/value", "300", 300),
])
def test_typed_text_becomes_the_fields_type(record, field, text, value):
    assert parse_typed_value(record.catalogue[1], field, text) == value


@pytest.mark.parametrize("field, text", [("/min_age", "eighty"), ("/amounts", "not json"),
                                         ("/nothing", "x")])
def test_typed_text_that_does_not_fit_is_refused(field, text):
    with pytest.raises(ValueError):
        parse_typed_value(CatalogueItem, field, text)


# --- a corrections file that cannot be used ------------------------------------------------


def valid_file_bytes(record, **change):
    """A valid corrections file of the record's notice (one correction), as stored."""
    patch = [{"op": "test", "path": "/target_group", "value": record.catalogue[0].target_group},
             {"op": "replace", "path": "/target_group", "value": "特困老年人"}]
    entry = {"record": item_id(record, 1), "patch": patch, "author": "张三", "at": "2024-06-01"}
    data = {"notice_id": record.notice_id, "source_path": SOURCE_PATH,
            "source_sha256": record.source.sha256, "corrections": [entry | change]}
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


BROKEN_FILES = {
    "bad_json": lambda record: valid_file_bytes(record)[:-5],
    "empty": lambda record: b"",
    "whitespace_only": lambda record: b"  \n",
    "bom_before_valid_json": lambda record: b"\xef\xbb\xbf" + valid_file_bytes(record),
    "not_utf8": lambda record: valid_file_bytes(record).replace("特困".encode(), "特困".encode("gbk")),
    "patch_without_test": lambda record: valid_file_bytes(record, patch=[
        {"op": "replace", "path": "/target_group", "value": "特困老年人"}]),
    "unknown_key": lambda record: valid_file_bytes(record, reviewer="李四"),
    "protected_id": lambda record: valid_file_bytes(record, patch=[
        {"op": "test", "path": "/id", "value": item_id(record, 1)},
        {"op": "replace", "path": "/id", "value": "other"}]),
    "protected_provenance": lambda record: valid_file_bytes(record, patch=[
        {"op": "test", "path": "/target_group", "value": record.catalogue[0].target_group},
        {"op": "move", "from": "/sources/name", "path": "/sources/x"}]),
    "a_list_not_a_file": lambda record: b"[]",
    "whole_record_replaced": lambda record: valid_file_bytes(record, patch=[
        {"op": "test", "path": "/target_group", "value": record.catalogue[0].target_group},
        {"op": "replace", "path": "", "value": {}}]),
}


@pytest.mark.parametrize("form", sorted(BROKEN_FILES))
def test_a_broken_corrections_file_is_reported_and_left_alone(tmp_path, record, form):
    path = corrections_path(tmp_path, record.notice_id)
    path.write_bytes(BROKEN_FILES[form](record))
    before = path.read_bytes()
    corrected, stale = apply_corrections(record, tmp_path)
    [warning] = [w for w in corrected.warnings if w.code == "corrections_invalid"]
    assert path.name in warning.message
    assert corrected.catalogue == record.catalogue  # extracted as if there were no corrections
    assert stale == [] and corrected.review.corrections_applied == 0
    assert record_to_json(corrected)  # the record still validates and is written
    assert path.read_bytes() == before
    with pytest.raises(ValueError, match="corrections file"):  # no save over the broken file
        correct(tmp_path, record, item_id(record, 1), "/name", "长寿补贴")
    assert path.read_bytes() == before


def test_a_repaired_corrections_file_applies_and_the_warning_goes(tmp_path, record):
    path = corrections_path(tmp_path, record.notice_id)
    path.write_bytes(b"{")
    warned, _ = apply_corrections(record, tmp_path)
    path.write_bytes(valid_file_bytes(record))
    repaired, stale = apply_corrections(warned, tmp_path)
    assert [w.code for w in repaired.warnings] == [w.code for w in record.warnings]
    assert repaired.catalogue[0].target_group == "特困老年人" and stale == []


def test_a_broken_corrections_file_gives_a_partial_outcome_not_a_failure(tmp_path):
    from pipeline.run import Job, RunOptions, process_job
    notice = tmp_path / "notice.txt"
    notice.write_text(NOTICE, encoding="utf-8")
    folder = tmp_path / "corrections"
    folder.mkdir()
    record = extract()
    corrections_path(folder, record.notice_id).write_bytes(b"\xef\xbb\xbf{}")
    job = Job(path=notice, output=tmp_path / "out" / "notice.json", label="notice.txt")
    outcome = process_job(job, RunOptions(corrections_dir=folder))
    assert outcome.status.value == "partial_success" and "corrections_invalid" in outcome.warnings
    written = json.loads(job.output.read_text(encoding="utf-8"))
    assert "corrections_invalid" in [w["code"] for w in written["warnings"]]


@pytest.mark.parametrize("field", ["/id", "/sources/name", "/corrections/0",
                                   "/amounts/0/span/start"])
def test_protected_fields_are_refused_when_saving(tmp_path, record, field):
    with pytest.raises(ValueError, match="cannot be corrected"):
        correct(tmp_path, record, item_id(record, 1), field, "x")
    assert not corrections_path(tmp_path, record.notice_id).exists()


# --- saving as a transaction ---------------------------------------------------------------


def test_every_save_and_removal_is_in_the_audit_log(tmp_path, record):
    from pipeline.corrections_store import read_log
    correct(tmp_path, record, item_id(record, 1), "/target_group", "80周岁及以上老年人", note="核对")
    correct(tmp_path, record, item_id(record, 1), "/target_group", "特困老年人")  # replaces it
    remove_correction(tmp_path, record.notice_id, item_id(record, 1), "/target_group",
                      author="李四", now=WHEN)
    events = read_log(corrections_path(tmp_path, record.notice_id))
    assert [(e["action"], e["author"], e["patch"][-1].get("value")) for e in events] == [
        ("add", "张三", "80周岁及以上老年人"), ("add", "张三", "特困老年人"),
        ("remove", "李四", "特困老年人")]
    assert events[0]["note"] == "核对" and events[0]["at"] == WHEN.isoformat()
    assert events[0]["record"] == item_id(record, 1) and events[0]["field"] == "/target_group"


def test_a_save_on_an_old_version_is_a_conflict_and_writes_nothing(tmp_path, record):
    from pipeline.corrections import CorrectionConflict, corrections_version
    seen = corrections_version(tmp_path, record.notice_id)
    assert seen == "none"
    correct(tmp_path, record, item_id(record, 1), "/target_group", "特困老年人",
            expected_version=seen)
    before = corrections_path(tmp_path, record.notice_id).read_bytes()
    with pytest.raises(CorrectionConflict) as conflict:  # a second reviewer, on the page read before
        correct(tmp_path, record, item_id(record, 1), "/name", "长寿补贴", expected_version=seen)
    assert [entry.patch[-1]["value"] for entry in conflict.value.entries] == ["特困老年人"]
    assert conflict.value.version == corrections_version(tmp_path, record.notice_id)
    assert corrections_path(tmp_path, record.notice_id).read_bytes() == before
    correct(tmp_path, record, item_id(record, 1), "/name", "长寿补贴",
            expected_version=conflict.value.version)  # re-applied on the version now stored
    assert len(corrections_for(tmp_path, record.notice_id).corrections) == 2
