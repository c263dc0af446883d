"""Batches from the command line: outputs mirror inputs, bad files are named, others go on."""
import json
from pathlib import Path

from pipeline.cli import main
from pipeline.run import plan_jobs
from tests.conftest import SAMPLES

NOTICE = """惠州市民政局关于开展特殊困难老年人探访关爱服务的通知
各县(区)民政局:
一、工作任务
(一)建立探访制度。每月至少探访一次,到2025年探访率达到100%。(责任单位:各县区民政局)
惠州市民政局
2024年5月20日
"""


def records(out):
    """Names of the record files in an output folder (the run summary is not one)."""
    return sorted(p.name for p in out.iterdir() if not p.name.startswith("_"))


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_bad_files_are_reported_and_the_others_written(tmp_path, capsys):
    inputs = tmp_path / "in"
    write(inputs / "good.txt", NOTICE.encode())
    write(inputs / "gbk.txt", NOTICE.encode("gb18030"))
    write(inputs / "empty.txt", b"")
    write(inputs / "binary.txt", bytes(range(256)) * 4)
    write(inputs / "nothing.txt", "会议纪要\n今天天气很好。\n".encode())
    out = tmp_path / "out"
    status = main(["extract", str(inputs), "--out", str(out)])
    assert status == 1  # some files failed
    assert records(out) == ["gbk.json", "good.json", "nothing.json"]
    report = capsys.readouterr().err
    assert "empty.txt: [E001_empty_file]" in report
    assert "binary.txt: [E002_not_text]" in report
    assert "5 notices: 2 ok, 1 with warnings, 2 failed" in report


def test_gb18030_notice_gives_the_same_records_as_utf8(tmp_path):
    write(tmp_path / "in" / "a.txt", NOTICE.encode())
    write(tmp_path / "in2" / "a.txt", NOTICE.encode("gb18030"))
    main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "o1")])
    main(["extract", str(tmp_path / "in2"), "--out", str(tmp_path / "o2")])
    first = json.loads((tmp_path / "o1" / "a.json").read_text())
    second = json.loads((tmp_path / "o2" / "a.json").read_text())
    strip = lambda data: {k: v for k, v in data.items() if k not in ("source", "notice_id")}
    assert json.dumps(strip(first)).replace(first["notice_id"], "") == \
        json.dumps(strip(second)).replace(second["notice_id"], "")
    assert second["source"]["encoding"] == "gb18030"


def test_notice_with_nothing_to_extract_is_valid_output_with_a_warning(tmp_path):
    write(tmp_path / "in" / "memo.txt", "会议纪要\n今天讨论了其他事项。\n".encode())
    assert main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 0
    data = json.loads((tmp_path / "out" / "memo.json").read_text())
    assert data["catalogue"] == [] and data["tasks"] == []
    assert [w["code"] for w in data["warnings"]] == ["nothing_extracted"]


def test_outputs_mirror_the_folder_structure(tmp_path):
    write(tmp_path / "in" / "2024" / "a.txt", NOTICE.encode())
    write(tmp_path / "in" / "2023" / "a.txt", NOTICE.encode())
    assert main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "2024" / "a.json").exists()
    assert (tmp_path / "out" / "2023" / "a.json").exists()
    leftovers = [p for p in (tmp_path / "out").rglob("*") if p.suffix == ".tmp"]
    assert leftovers == []


def test_two_inputs_for_one_output_is_a_clash(tmp_path):
    first = write(tmp_path / "x" / "a.txt", NOTICE.encode())
    second = write(tmp_path / "y" / "a.txt", NOTICE.encode())
    jobs, refused = plan_jobs([first, second], tmp_path / "out")
    assert len(jobs) == 1
    assert refused[0].error_code == "E006_output_clash" and "y/a.txt" in refused[0].path


def test_a_folder_is_planned_in_the_order_of_its_paths_links_to_folders_left_out(tmp_path):
    inputs = tmp_path / "in"
    for name in ("b.txt", "b/a.txt", "a.txt", "c/notice.txt"):
        write(inputs / name, NOTICE.encode())
    (inputs / "d").symlink_to(inputs / "c", target_is_directory=True)  # a loop, were it followed
    (inputs / "e.txt").symlink_to(inputs / "a.txt")  # a linked file is read where it is listed
    jobs, refused = plan_jobs([inputs], tmp_path / "out")
    assert [job.label for job in jobs] == ["a.txt", "b/a.txt", "b.txt", "c/notice.txt", "e.txt"]
    assert jobs[-1].output == tmp_path / "out" / "e.json" and refused == []


def test_a_subfolder_that_cannot_be_listed_is_reported_and_the_rest_planned(tmp_path, monkeypatch):
    import os

    inputs = tmp_path / "in"
    write(inputs / "a.txt", NOTICE.encode())
    write(inputs / "locked" / "b.txt", NOTICE.encode())
    listing = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return listing(path)

    monkeypatch.setattr(os, "scandir", scandir)
    jobs, refused = plan_jobs([inputs], tmp_path / "out")
    assert [job.label for job in jobs] == ["a.txt"]
    assert [(outcome.path, outcome.error_code) for outcome in refused] == [
        (str(inputs / "locked"), "E004_unreadable")]
    assert "could not be listed: Permission denied" in refused[0].error


def test_extracted_notice_content(tmp_path):
    write(tmp_path / "in" / "a.txt", NOTICE.encode())
    main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    data = json.loads((tmp_path / "out" / "a.json").read_text())
    assert data["document"]["issuer"] == "惠州市民政局" and data["document"]["date"] == "2024-05-20"
    task = data["tasks"][0]
    assert (task["number"], task["title"], task["responsible_units"]) == (
        "1", "建立探访制度", ["各县区民政局"])
    assert [(f["value"], f["unit"]) for f in task["figures"]] == [(1, "次"), (100, "%")]
    assert task["deadline_years"] == [2025]


def test_debug_run_writes_the_intermediates(tmp_path):
    write(tmp_path / "in" / "a.txt", NOTICE.encode())
    assert main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--debug"]) == 0
    trace = tmp_path / "out" / "_debug" / "a"
    assert sorted(p.name for p in trace.iterdir()) == ["blocks.json", "outline.json", "tables.json"]
    outline = json.loads((trace / "outline.json").read_text())
    assert outline[0]["heading_text"] == "工作任务"


FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_bad_files_of_every_format_are_named_and_the_batch_goes_on(tmp_path, capsys):
    inputs = tmp_path / "in"
    write(inputs / "good.txt", NOTICE.encode())
    write(inputs / "word.docx", (SAMPLES / "docx" / "002_85df562a159a1afc.docx").read_bytes())
    valid_pdf = (SAMPLES / "pdf" / "002_85df562a159a1afc.pdf").read_bytes()
    bad = {
        "encrypted.pdf": ((FIXTURES / "pdf" / "encrypted_open_password.pdf").read_bytes(),
                          "E009_encrypted"),
        "scan.pdf": ((FIXTURES / "pdf" / "scan_without_text_layer.pdf").read_bytes(),
                     "E010_no_text_layer"),
        "cut.pdf": (valid_pdf[: len(valid_pdf) // 2], "E011_corrupt"),
        "password.docx": ((FIXTURES / "docx" / "password_protected.docx").read_bytes(),
                          "E009_encrypted"),
        "truncated.docx": ((SAMPLES / "docx" / "002_85df562a159a1afc.docx").read_bytes()[:3000],
                           "E011_corrupt"),
        "zero.doc": (b"", "E001_empty_file"),
        "archive.docx": (_zip_of({"readme.txt": "not a notice"}), "E005_unsupported_format"),
    }
    for name, (data, _) in bad.items():
        write(inputs / name, data)
    out = tmp_path / "out"
    assert main(["extract", str(inputs), "--out", str(out)]) == 1
    assert records(out) == ["good.json", "word.json"]
    report = capsys.readouterr().err
    for name, (_, code) in bad.items():
        assert f"{name}: [{code}]" in report, name


def _zip_of(files: dict[str, str]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_a_name_that_promises_another_format_is_noted(tmp_path):
    pdf = write(tmp_path / "in" / "notice.doc", (SAMPLES / "pdf" / "002_85df562a159a1afc.pdf")
                .read_bytes())
    main(["extract", str(pdf), "--out", str(tmp_path / "out")])
    data = json.loads((tmp_path / "out" / "notice.json").read_text())
    assert data["source"]["format"] == "pdf"
    assert "format_mismatch" in [w["code"] for w in data["warnings"]]


def test_run_summary_lists_inputs_outputs_and_failures(tmp_path):
    write(tmp_path / "in" / "a.txt", NOTICE.encode())
    write(tmp_path / "in" / "empty.txt", b"")
    main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    summary = json.loads((tmp_path / "out" / "_run_summary.json").read_text())
    by_name = {Path(n["path"]).name: n for n in summary["notices"]}
    assert by_name["a.txt"]["output"] == "a.json" and by_name["a.txt"]["status"] == "success"
    assert Path(by_name["a.txt"]["path"]).is_absolute()
    assert by_name["empty.txt"]["error_code"] == "E001_empty_file"
    assert summary["started"] <= summary["finished"]


def test_a_list_of_jobs_runs_in_order_and_reports_each_outcome(tmp_path):
    from pipeline.run import Job, run_jobs

    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    jobs = [Job(path=bad, output=tmp_path / "empty.json", label="empty.txt"),
            Job(path=SAMPLES / "txt" / "001_a30600b97fcb8a62.txt", output=tmp_path / "001.json",
                label="001.txt")]
    seen = []
    outcomes = run_jobs(jobs, on_outcome=lambda job, outcome: seen.append((job.label, outcome)))
    assert [o.error_code for o in outcomes] == ["E001_empty_file", None]
    assert seen == list(zip(["empty.txt", "001.txt"], outcomes))
    assert (tmp_path / "001.json").is_file()


def test_files_of_no_notice_type_are_listed_as_skipped(tmp_path, capsys):
    inputs = tmp_path / "in"
    write(inputs / "good.txt", NOTICE.encode())
    write(inputs / "README.md", b"# notes")
    write(inputs / "scans" / "pages.zip", b"PK\x05\x06" + bytes(18))
    write(inputs / ".hidden" / "x.bin", b"")  # hidden folders are nobody's files
    out = tmp_path / "out"
    assert main(["extract", str(inputs), "--out", str(out)]) == 0  # skipping is no failure
    report = capsys.readouterr().err
    assert "1 notices:" in report and "2 files skipped: not a notice type" in report
    summary = json.loads((out / "_run_summary.json").read_text(encoding="utf-8"))
    skipped = sorted(Path(n["path"]).name for n in summary["notices"] if n["status"] == "skipped")
    assert skipped == ["README.md", "pages.zip"]
    assert records(out) == ["good.json"]
