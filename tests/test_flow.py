"""The Prefect flow: one task per notice, failures reported, outputs written."""
from flows.extract import extract_notices
from pipeline.model import NoticeOutcome, RunStatus
from tests.conftest import SAMPLES


def test_flow_extracts_notices_and_reports_bad_files(prefect_server, tmp_path):
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x00\x00binary")
    sample = SAMPLES / "txt" / "000_1d3b4e9bec569f5b.txt"
    outcomes = extract_notices([str(sample), str(bad)], str(tmp_path / "out"))
    by_path = {outcome.path: outcome for outcome in outcomes}
    assert by_path[str(sample)].status is RunStatus.success
    assert by_path[str(sample)].catalogue_items > 0
    assert by_path[str(bad)].error_code == "E002_not_text"
    assert (tmp_path / "out" / "000_1d3b4e9bec569f5b.json").exists()


def test_artifacts_show_records_flags_and_the_run(tmp_path):
    from flows.artifacts import notice_table, run_markdown
    from pipeline.run import Job, process_job

    job = Job(path=SAMPLES / "txt" / "001_a30600b97fcb8a62.txt",
              output=tmp_path / "001.json", label="txt/001_a30600b97fcb8a62.txt")
    outcome = process_job(job)
    rows = notice_table(job.output)
    assert len(rows) == outcome.catalogue_items + outcome.tasks
    assert any("target_group_reassigned" in row["flags"] for row in rows)
    failed = NoticeOutcome(path="bad|name.pdf", status=RunStatus.failure,
                           error_code="E011_corrupt", error="truncated")
    markdown = run_markdown([outcome, failed])
    assert "- notices: 2 (1 failed)" in markdown
    assert "bad\\|name.pdf" in markdown and "E011_corrupt: truncated" in markdown
