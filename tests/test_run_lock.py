"""One run per output folder: a second run is refused, a killed run's lock is taken over."""
import os
import signal
import subprocess
import sys

from pipeline.cli import main
from pipeline.run_lock import LOCK_NAME, output_folder_lock
from tests.test_write import notices

HOLD = """
import sys, time
from pathlib import Path
from pipeline.run_lock import output_folder_lock
with output_folder_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(120)
"""


def hold_in_another_process(out):
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(out)], stdout=subprocess.PIPE,
                               text=True)
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_second_run_into_the_same_folder_is_refused_with_the_holder(tmp_path, capsys):
    out = tmp_path / "out"
    holder = hold_in_another_process(out)
    try:
        status = main(["extract", str(notices(tmp_path / "in")), "--out", str(out)])
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert status == 2
    message = capsys.readouterr().err
    assert f"another run (pid {holder.pid}) is writing into {out}" in message
    assert [p.name for p in out.iterdir()] == [LOCK_NAME]  # it wrote nothing


def test_the_lock_of_a_killed_run_is_taken_over(tmp_path):
    out = tmp_path / "out"
    holder = hold_in_another_process(out)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    holder.stdout.close()
    assert (out / LOCK_NAME).read_text().strip() == str(holder.pid)  # the killed run's lock stays
    assert main(["extract", str(notices(tmp_path / "in")), "--out", str(out)]) == 0
    assert not (out / LOCK_NAME).exists()
    assert sorted(p.name for p in out.glob("n*.json")) == ["n0.json", "n1.json", "n2.json"]


def test_runs_one_after_the_other_each_take_the_lock(tmp_path):
    out = tmp_path / "out"
    for _ in range(2):
        with output_folder_lock(out):
            assert (out / LOCK_NAME).read_text().strip() == str(os.getpid())
        assert not (out / LOCK_NAME).exists()


def test_the_flow_is_refused_too_while_another_run_holds_the_folder(tmp_path, capsys):
    from flows.extract import main as flow_main
    out = tmp_path / "out"
    with output_folder_lock(out):
        assert flow_main([str(notices(tmp_path / "in")), "--out", str(out)]) == 2
    assert f"another run (pid {os.getpid()}) is writing into {out}" in capsys.readouterr().err
