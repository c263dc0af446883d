"""`python -m pipeline status OUT`: the last runs and what needs a reviewer, without a server."""
from __future__ import annotations

import json
import shutil

from pipeline.cli import main
from pipeline.model import NoticeOutcome, RunStatus
from pipeline.status import status_report
from pipeline.write import RUN_HISTORY_NAME, outcomes_to_run, read_history
from tests.conftest import SAMPLES

NOTICE = SAMPLES / "txt" / "000_1d3b4e9bec569f5b.txt"


def outcome(path: str, status: RunStatus = RunStatus.success, **fields) -> NoticeOutcome:
    return NoticeOutcome(path=path, status=status, **fields)


def test_a_failure_is_new_only_when_the_run_before_did_not_have_it():
    before = outcomes_to_run([outcome("a.txt", RunStatus.failure, error_code="E001_empty_file")],
                             "t0", "t1", None)
    after = outcomes_to_run([outcome("a.txt", RunStatus.failure, error_code="E001_empty_file"),
                             outcome("b.txt", RunStatus.failure, error_code="E011_corrupt")],
                            "t2", "t3", before)
    assert before.new_failures == ["a.txt"]
    assert after.new_failures == ["b.txt"]
    assert after.failures == {"a.txt": "E001_empty_file", "b.txt": "E011_corrupt"}


def test_every_run_appends_a_line_and_status_lists_the_newest_first(tmp_path, capsys):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    shutil.copy(NOTICE, inbox)
    main(["extract", str(inbox), "--out", str(out)])
    (inbox / "empty.txt").write_bytes(b"")
    main(["extract", str(inbox), "--out", str(out)])
    capsys.readouterr()

    assert [run.notices for run in read_history(out)] == [1, 2]
    assert main(["status", str(out), "--runs", "1"]) == 0
    report = capsys.readouterr().out
    runs = [line for line in report.splitlines() if " .. " in line]
    assert len(runs) == 1 and "2 notices" in runs[0] and "1 new failures" in runs[0]
    assert "empty.txt: [E001_empty_file]" in report.split("Needs a reviewer")[0]
    needs = report.split("Needs a reviewer")[1]
    assert "failed" in needs and "empty.txt" in needs
    assert f"flags         {NOTICE.stem}.json" in needs


def test_stale_corrections_need_a_reviewer(tmp_path):
    summary = {"notices": [outcome("a.txt", stale_corrections=["/tasks/3 no longer exists"])
                           .model_dump(mode="json")]}
    (tmp_path / "_run_summary.json").write_text(json.dumps(summary), encoding="utf-8")
    assert "stale correction  a.txt: /tasks/3 no longer exists" in status_report(tmp_path)


def test_a_line_cut_short_by_a_killed_run_is_skipped(tmp_path):
    good = outcomes_to_run([outcome("a.txt")], "t0", "t1", None).model_dump_json()
    (tmp_path / RUN_HISTORY_NAME).write_text(good + "\n" + good[:20] + "\n", encoding="utf-8")
    assert len(read_history(tmp_path)) == 1


def test_a_folder_with_no_runs_says_so(tmp_path):
    assert "no runs yet" in status_report(tmp_path)
