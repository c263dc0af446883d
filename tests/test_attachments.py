"""A notice and its attachment files read as one: texts in order, spans naming their file."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.assemble import extract_notice
from pipeline.cli import main
from pipeline.ingest.attachments import OPENING, read_notice
from pipeline.review import make_app
from pipeline.review.app import Request
from tests.conftest import ROOT, SAMPLES
from tests.gold.score import score_document

GOLD = ROOT / "tests" / "gold"

NOTICE = """某县人民政府办公室关于印发某县基本养老服务清单的通知
各乡镇人民政府,县政府各部门:
现将《某县基本养老服务清单》印发给你们,请认真贯彻执行。
一、明确服务对象
(一)建立探访制度。每月至少探访一次。(责任单位:县民政局)
附件:某县基本养老服务清单
某县人民政府办公室
2024年5月20日
"""
DUTIES = """职责分工表
一、完善保障
(一)落实补贴。(责任单位:县财政局)
"""


def notice_with_attachments(tmp_path, *attachments, text=NOTICE):
    notice = tmp_path / "通知.txt"
    notice.write_text(text, encoding="utf-8")
    return read_notice(notice, "县/通知.txt", [(path, f"县/{path.name}") for path in attachments])


def test_an_attached_workbook_supplies_the_announced_catalogue(tmp_path):
    workbook = tmp_path / "附件 基本养老服务清单.xlsx"
    shutil.copy(SAMPLES / "layouts" / "xlsx" / "two_row_header.xlsx", workbook)
    document = notice_with_attachments(tmp_path, workbook)
    record = extract_notice(document)
    assert record.document.title.startswith("某县人民政府办公室关于印发")  # the notice's, not the sheet's
    assert len(record.catalogue) == 22 and "catalogue_missing" not in [w.code for w in record.warnings]
    name = record.catalogue[0].sources["name"]
    assert (name.file, name.locator) == ("县/附件 基本养老服务清单.xlsx", "基本养老服务清单!C4")
    assert document.text[name.start:name.end] == record.catalogue[0].name
    assert [(info.path, info.format) for info in record.attachments] == [
        ("县/附件 基本养老服务清单.xlsx", "xlsx")]
    assert f"{OPENING}县/附件 基本养老服务清单.xlsx" in document.text
    [task] = record.tasks
    assert task.sources["title"].file is None  # the notice's own text


def test_the_task_list_of_an_attached_file_as_of_an_attachment_printed_inline(tmp_path):
    """A notice whose body assigns no work: its task list is its first attachment's."""
    duties = tmp_path / "附件2 职责分工表.txt"
    duties.write_text(DUTIES, encoding="utf-8")
    body = "\n".join(line for line in NOTICE.splitlines() if not line.startswith(("一、", "(一)")))
    record = extract_notice(notice_with_attachments(tmp_path, duties, text=body))
    [task] = record.tasks  # the only part gives its items, as in the notice's own body
    assert (task.title, task.responsible_units) == ("落实补贴", ["县财政局"])
    assert task.sources["title"].file == "县/附件2 职责分工表.txt"


def test_an_unreadable_attachment_is_a_warning_and_the_notice_is_still_read(tmp_path):
    broken = tmp_path / "附件1 清单.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    document = notice_with_attachments(tmp_path, broken)
    record = extract_notice(document)
    [warning] = [w for w in record.warnings if w.code == "attachment_unreadable"]
    assert warning.message.startswith("县/附件1 清单.xlsx: [E0")
    assert record.tasks and record.attachments == []


# --- notices with attachment files, through the command line and the review page -------------

ATTACHED = SAMPLES / "attachments"
# The sample folders' notices, and the sample each was split from.
SPLIT_FROM = {"鹤壁/鹤壁市人民政府办公室关于基本养老服务体系建设重点任务及职责分工的通知.json":
              "000_1d3b4e9bec569f5b",
              "薛城/通知.json": "004_96d89b5e45fd7fea", "批次/001_a30600b97fcb8a62.json":
              "001_a30600b97fcb8a62", "批次/002_85df562a159a1afc.json": "002_85df562a159a1afc"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """samples/attachments and the text samples, extracted by the command line."""
    base = tmp_path_factory.mktemp("attachments")
    assert main(["extract", str(ATTACHED), "--out", str(base / "out"),
                 "--corrections", str(base / "none")]) == 0
    assert main(["extract", str(SAMPLES / "txt"), "--out", str(base / "txt"),
                 "--corrections", str(base / "none")]) == 0
    return base


def load(folder, name):
    return json.loads((folder / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("output", sorted(SPLIT_FROM))
def test_a_notice_split_into_files_scores_as_the_whole_notice(runs, output):
    stem = SPLIT_FROM[output]
    gold = load(GOLD, f"{stem}.json")
    split = score_document(gold, load(runs / "out", output)).means()
    whole = score_document(gold, load(runs / "txt", f"{stem}.json")).means()
    assert sum(split.values()) / len(split) >= sum(whole.values()) / len(whole) - 0.02, {
        field: value for field, value in split.items() if value < whole[field]}


def test_records_and_the_run_summary_name_the_attachment_files(runs):
    record = load(runs / "out", "薛城/通知.json")
    assert [(attached["path"], attached["format"]) for attached in record["attachments"]] == [
        ("薛城/附件1 推进基本养老服务体系建设职责分工表.docx", "docx"),
        ("薛城/附件2 薛城区基本养老服务清单.xlsx", "xlsx")]
    assert {item["sources"]["name"]["file"] for item in record["catalogue"]} == {
        "薛城/附件2 薛城区基本养老服务清单.xlsx"}
    assert record["catalogue"][0]["sources"]["name"]["locator"].startswith("薛城区基本养老服务清单!")
    summary = load(runs / "out", "_run_summary.json")
    [xue] = [notice for notice in summary["notices"] if notice["path"].endswith("薛城/通知.pdf")]
    assert [Path(path).name for path in xue["attachments"]] == [
        "附件1 推进基本养老服务体系建设职责分工表.docx", "附件2 薛城区基本养老服务清单.xlsx"]
    assert len(summary["notices"]) == 4  # attachments are no notices of their own


def test_attach_names_attachment_files_by_hand(tmp_path):
    notice, workbook = tmp_path / "通知.txt", tmp_path / "清单.xlsx"
    notice.write_text(NOTICE, encoding="utf-8")
    shutil.copy(SAMPLES / "layouts" / "xlsx" / "group_column_late.xlsx", workbook)
    out = tmp_path / "out"
    assert main(["extract", str(notice), "--attach", str(notice), str(workbook), "--out", str(out),
                 "--corrections", str(tmp_path / "none")]) == 0
    assert sorted(path.name for path in out.glob("*.json")) == ["_run_summary.json", "通知.json"]
    assert len(load(out, "通知.json")["catalogue"]) == 22


def test_an_attachment_of_no_telling_which_notice_is_read_alone_and_says_so(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("甲.txt", "乙.txt"):
        (folder / name).write_text(NOTICE, encoding="utf-8")
    shutil.copy(SAMPLES / "layouts" / "xlsx" / "group_column_late.xlsx", folder / "附件1.xlsx")
    main(["extract", str(folder), "--out", str(tmp_path / "out"), "--corrections", str(tmp_path)])
    alone = load(tmp_path / "out", "附件1.json")
    assert len(alone["catalogue"]) == 22
    assert [warning["code"] for warning in alone["warnings"]] == ["attachment_read_alone"]


def test_the_review_page_shows_the_attachments_text_and_where_each_value_is(runs, tmp_path):
    app = make_app(runs / "out", tmp_path / "corrections")
    response = app.handle(Request("GET", "/notice/薛城/通知.json", {"host": "127.0.0.1:8765"}))
    html = response.body.decode("utf-8")
    assert response.status == 200 and 'id="source-changed"' not in html
    assert f"{OPENING}薛城/附件2 薛城区基本养老服务清单.xlsx" in html
    item = load(runs / "out", "薛城/通知.json")["catalogue"][0]
    cell = html.split(f'data-record-id="{item["id"]}" data-field="/name"', 1)[1].split("</td>", 1)[0]
    assert f'薛城/附件2 薛城区基本养老服务清单.xlsx · {item["sources"]["name"]["locator"]}' in cell


def test_a_pdf_attachments_pages_are_served_for_its_values(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "通知.txt").write_text(NOTICE, encoding="utf-8")
    shutil.copy(SAMPLES / "pdf" / "000_1d3b4e9bec569f5b.pdf", folder / "附件1 原件.pdf")
    main(["extract", str(folder), "--out", str(tmp_path / "out"), "--corrections", str(tmp_path)])
    app = make_app(tmp_path / "out", tmp_path / "corrections")
    html = app.handle(Request("GET", "/notice/通知.json", {"host": "127.0.0.1:8765"})).body.decode()
    assert 'data-file="1"' in html and '"pages": {"1": {"1": [' in html
    page = app.handle(Request("GET", "/page/1/通知.json?file=1", {"host": "127.0.0.1:8765"}))
    assert page.status == 200 and page.body.startswith(b"\x89PNG")
    assert app.handle(Request("GET", "/page/1/通知.json", {"host": "127.0.0.1:8765"})).status == 404


def test_exports_say_which_file_and_cell_each_record_came_from(runs, tmp_path):
    import pyarrow.parquet as pq

    from pipeline.export import export_outputs

    report = export_outputs(runs / "out", "parquet", tmp_path / "parquet")
    tables = {next(iter(written.tables)): pq.read_table(written.path).to_pylist()
              for written in report.files}
    [xue] = [row for row in tables["notices"] if row["source_path"] == "薛城/通知.pdf"]
    assert xue["attachments"] == ["薛城/附件1 推进基本养老服务体系建设职责分工表.docx",
                                  "薛城/附件2 薛城区基本养老服务清单.xlsx"]
    items = [row for row in tables["catalogue_items"] if row["notice_id"] == xue["notice_id"]]
    assert {row["source_file"] for row in items} == {"薛城/附件2 薛城区基本养老服务清单.xlsx"}
    assert items[0]["source_place"] == "薛城区基本养老服务清单!4:4"  # the row of the sheet


def test_the_flow_reads_the_folders_notices_with_their_attachments(prefect_server, tmp_path):
    from flows.extract import extract_notices

    outcomes = extract_notices([str(ATTACHED / "鹤壁")], str(tmp_path / "out"), corrections=None)
    [outcome] = outcomes
    assert [Path(path).name for path in outcome.attachments] == ["附件 鹤壁市基本养老服务清单.xlsx"]
    assert outcome.catalogue_items == 22 and outcome.tasks > 0


def test_a_changed_attachment_changes_the_notices_cache_key(tmp_path):
    from flows.cache import notice_cache_key
    from pipeline.run import Job, RunOptions

    notice, workbook = tmp_path / "通知.txt", tmp_path / "附件1.xlsx"
    notice.write_text(NOTICE, encoding="utf-8")
    workbook.write_bytes(b"one")
    job = Job(path=notice, output=tmp_path / "out.json", label="通知.txt",
              attachments=[(workbook, "附件1.xlsx")])
    before = notice_cache_key(job, RunOptions())
    workbook.write_bytes(b"two")
    assert notice_cache_key(job, RunOptions()) != before
