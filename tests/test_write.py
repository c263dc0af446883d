"""Output files that survive faults: short temporaries, umask modes, unwritable folders, odd names."""
import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main, run_extract
from pipeline.errors import ExtractionError
from pipeline.write import RUN_HISTORY_NAME, RUN_SUMMARY_NAME, remove_temporaries, write_json_atomic
from tests.test_run import NOTICE

# The longest name most file systems allow, in bytes.
NAME_MAX = 255


def notices(folder: Path, count: int = 3) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        (folder / f"n{index}.txt").write_text(NOTICE.replace("惠州", f"第{index}"), encoding="utf-8")
    return folder


def files_below(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_a_name_as_long_as_the_file_system_allows_is_written(tmp_path):
    path = tmp_path / ("长" * 83 + "x.json")  # 249 + 6 bytes
    assert len(os.fsencode(path.name)) == NAME_MAX
    write_json_atomic(path, {"a": 1})
    assert json.loads(path.read_text(encoding="utf-8")) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary left


def test_a_name_too_long_is_the_coded_error_naming_the_folder(tmp_path):
    with pytest.raises(ExtractionError) as raised:
        write_json_atomic(tmp_path / ("x" * NAME_MAX + ".json"), {})
    assert raised.value.code == "E015_output_unwritable" and str(tmp_path) in str(raised.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_files_get_the_modes_the_umask_gives(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        write_json_atomic(tmp_path / "a.json", {})
    finally:
        os.umask(previous)
    assert (tmp_path / "a.json").stat().st_mode & 0o777 == mode


@pytest.mark.parametrize("count", [0, 1, 3])
def test_the_run_summary_is_written_a_notice_at_a_time_as_one_json_document(tmp_path, count):
    """Streamed so that a batch of thousands is never one text; the file is what
    json.dumps(indent=2) makes of the whole summary, as it was when built in one piece."""
    from datetime import datetime, timezone

    from pipeline.model import NoticeOutcome, RunStatus
    from pipeline.write import write_run_summary

    out = tmp_path / "out"
    outcomes = [NoticeOutcome(path=str(tmp_path / f"通知{n}.txt"), output=str(out / f"通知{n}.json"),
                              status=RunStatus.partial, warnings=["catalogue_missing", "a\nb"],
                              stale_corrections=[f"第{n}条 [] {{}}"]) for n in range(count)]
    moment = datetime(2026, 12, 2, 9, 30, tzinfo=timezone.utc)
    write_run_summary(out, outcomes, moment, moment, tmp_path / "corrections[1]")
    text = (out / RUN_SUMMARY_NAME).read_text(encoding="utf-8")
    summary = json.loads(text)
    assert [entry["output"] for entry in summary["notices"]] == [f"通知{n}.json" for n in range(count)]
    assert summary["corrections_dir"] == str(tmp_path / "corrections[1]")
    assert text == json.dumps(summary, ensure_ascii=False, indent=2) + "\n"


def test_a_name_with_bytes_that_are_not_utf8_is_written_and_summarised(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    odd = inputs / os.fsdecode(b"\xff\xfe notice.txt")
    odd.write_text(NOTICE, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(inputs), "--out", str(out)]) == 0
    summary = json.loads((out / RUN_SUMMARY_NAME).read_text(encoding="utf-8"))
    [entry] = summary["notices"]
    assert entry["status"] == "success" and entry["path"] == str(odd.resolve())
    record = json.loads((out / os.fsdecode(b"\xff\xfe notice.json")).read_text(encoding="utf-8"))
    assert record["source"]["path"] == odd.name


@pytest.mark.parametrize("fault", [errno.EROFS, errno.ENOSPC, errno.EACCES])
def test_an_unwritable_output_folder_is_one_code_and_the_summary_goes_to_the_terminal(
        tmp_path, monkeypatch, capsys, caplog, fault):
    """A read-only, full or forbidden folder (faults injected where the OS reports them)."""
    import pipeline.write
    real_open = os.open
    out = tmp_path / "out"

    def failing_open(path, flags, *args, **kwargs):
        if str(path).startswith(str(out)) and flags & os.O_CREAT:
            raise OSError(fault, os.strerror(fault), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(pipeline.write.os, "open", failing_open)
    # Read in this process (limits=None), where the fault is injected, not in a guarded worker.
    status = run_extract([notices(tmp_path / "in")], out, limits=None)
    assert status == 1
    err = capsys.readouterr().err
    assert err.count("[E015_output_unwritable]") == 4  # three notices and the summary
    assert f"{out}: {os.strerror(fault)}" in err
    summary = json.loads(err[err.index("The run summary follows:") + 24:err.index("\n}\n") + 2])
    assert [n["error_code"] for n in summary["notices"]] == ["E015_output_unwritable"] * 3
    assert "Traceback" not in caplog.text and "internal error" not in caplog.text
    assert [p.name for p in out.iterdir()] == []  # nothing half-written


def test_stale_temporaries_are_removed_at_the_next_run(tmp_path):
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    stale = [out / ".ec-0badf00d.tmp", out / "sub" / ".n0.json.a1b2c3.tmp"]
    for path in stale:
        path.write_bytes(b'{"half')
    kept = out / "notes.tmp"  # not one of ours
    kept.write_bytes(b"")
    assert sorted(remove_temporaries(out)) == sorted(stale)
    assert [p.name for p in out.rglob("*") if p.is_file()] == ["notes.tmp"]


KILLS = 3


def test_kill_9_at_any_point_then_a_rerun_leaves_no_temporaries_and_identical_outputs(tmp_path):
    inputs = notices(tmp_path / "in", count=12)
    clean = tmp_path / "clean"
    assert main(["extract", str(inputs), "--out", str(clean), "--corrections", str(tmp_path / "c")]) == 0
    out = tmp_path / "out"
    command = [sys.executable, "-m", "pipeline", "extract", str(inputs), "--out", str(out),
               "--corrections", str(tmp_path / "c")]
    for kill in range(KILLS):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:  # stop it at a different moment each time: during start-up, mid-batch, writing
            process.wait(timeout=1.0 + kill * 1.5)
        except subprocess.TimeoutExpired:
            process.kill()
        process.wait()
        process.stderr.close()
    (out / ".ec-deadbeef.tmp").write_bytes(b"{")  # as a kill during a write leaves
    assert main(command[3:]) == 0
    assert not [p for p in out.rglob("*.tmp")]
    assert not (out / "_run.lock").exists()
    run_metadata = {RUN_SUMMARY_NAME, RUN_HISTORY_NAME}  # times of the run, not records
    outputs = {name: data for name, data in files_below(out).items() if name not in run_metadata}
    assert outputs == {name: data for name, data in files_below(clean).items()
                       if name not in run_metadata}
