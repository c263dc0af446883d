"""Progress of a batch (pipeline/progress.py): log lines with counts, rate and time left."""
from pipeline.model import NoticeOutcome, RunStatus
from pipeline.progress import BatchProgress, progress_bar

OK = NoticeOutcome(path="y", status=RunStatus.success)
FAILED = NoticeOutcome(path="x", status=RunStatus.failure)


def test_a_line_every_n_notices_and_at_the_end():
    progress = BatchProgress(total=5, every=2)
    lines = [progress.add([OK]), progress.add([FAILED]), progress.add([FAILED]),
             progress.add([FAILED]), progress.add([FAILED])]
    assert [line is not None for line in lines] == [False, True, False, True, True]
    assert lines[1].startswith("2/5 notices, 1 failed, ") and " notices/s, about " in lines[1]
    assert lines[-1].startswith("5/5 notices, 4 failed, ") and lines[-1].endswith(", done")


def test_a_chunk_that_passes_a_multiple_of_n_gives_one_line():
    progress = BatchProgress(total=1000, every=100)
    assert progress.add([OK] * 250).startswith("250/1000 notices")
    assert progress.add([OK] * 30) is None  # 280: no new hundred
    assert progress.add([OK] * 30).startswith("310/1000")


def test_no_bar_off_a_terminal(capsys):
    with progress_bar(3) as advance:
        advance(3)
    assert capsys.readouterr().err == ""
