"""The Prefect flow: one task per notice, failures reported, outputs written."""
from flows.extract import extract_notices
from pipeline.model import RunStatus
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
