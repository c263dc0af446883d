"""The inbox deployment against a real Prefect server, as a data team runs it.

Starts `flows.server` on a free loopback port with its own state folder,
serves `flows.serve` on a short interval, drops notices into the inbox and
waits (bounded) for their outputs and for the run's summary artifact, read
back through Prefect's client; then changes one notice and checks that only
it is extracted again. A browser opens the run's page in the Prefect UI.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from flows.server import HOST, api_url, free_port, start_server, wait_until_ready
from tests.conftest import ROOT, SAMPLES
from tests.test_review_browser import CHROMIUM, CHROMIUM_ARGS

FIRST, SECOND = SAMPLES / "txt" / "000_1d3b4e9bec569f5b.txt", SAMPLES / "txt" / "004_96d89b5e45fd7fea.txt"
INTERVAL_SECONDS = 5
# The scheduler creates due runs this often (its default, 60 s, would make the test slow).
SERVER_SETTINGS = {"PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "3",
                   "PREFECT_SERVER_SERVICES_LATE_RUNS_LOOP_SECONDS": "3"}
# Longest wait for a run to be scheduled, picked up and finished.
RUN_WAIT_SECONDS = 240
# Prefect's sync client sends a null limit, sort and offset unless given.
QUERY_LIMIT = 50


def wait_for(condition: Callable[[], object], what: str, timeout: float = RUN_WAIT_SECONDS):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(1)
    raise AssertionError(f"waited {timeout:.0f} s for {what}")


def stop(process: subprocess.Popen) -> None:
    """Stop a process and everything it started (each runs in its own session)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[int]:
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    process = start_server(home, port, log=home / "server.log", settings=SERVER_SETTINGS)
    try:
        wait_until_ready(port, process)
        yield port
    finally:
        stop(process)


@pytest.fixture(scope="module")
def served(server, tmp_path_factory) -> Iterator[tuple[Path, Path]]:
    work = tmp_path_factory.mktemp("inbox-work")
    inbox, out = work / "inbox", work / "out"
    inbox.mkdir()
    env = {**os.environ, "PREFECT_API_URL": api_url(server), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen(
        [sys.executable, "-m", "flows.serve", str(inbox), "--out", str(out),
         "--corrections", str(work / "corrections"), "--interval", str(INTERVAL_SECONDS)],
        env=env, cwd=ROOT, stdout=(work / "serve.log").open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        yield inbox, out
    finally:
        stop(process)


def prefect_client(port: int):
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api_url(port)}):
        return get_client(sync_client=True)


def completed_runs(port: int) -> list:
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName, FlowRunFilter, \
        FlowRunFilterState, FlowRunFilterStateType
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    with prefect_client(port) as client:
        return client.read_flow_runs(
            sort=FlowRunSort.START_TIME_DESC, limit=QUERY_LIMIT,
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=["inbox"])),
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                type=FlowRunFilterStateType(any_=[StateType.COMPLETED]))))


def summary_artifact(port: int, flow_run_id) -> str | None:
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    with prefect_client(port) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["extract-notices-summary"]),
                                           flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])),
            sort=ArtifactSort.CREATED_DESC, limit=QUERY_LIMIT, offset=0)
    return artifacts[0].data if artifacts else None


def test_a_notice_dropped_into_the_inbox_is_extracted_and_reported(served, server):
    inbox, out = served
    shutil.copy(FIRST, inbox)
    shutil.copy(SECOND, inbox)
    outputs = [out / f"{FIRST.stem}.json", out / f"{SECOND.stem}.json"]
    wait_for(lambda: all(path.exists() for path in outputs), "both notices' outputs")
    runs = wait_for(lambda: [run for run in completed_runs(server)
                             if summary_artifact(server, run.id)
                             and "- notices: 2" in summary_artifact(server, run.id)],
                    "a completed run with both notices in its summary artifact")
    assert "tasks:" in summary_artifact(server, runs[0].id)


def test_a_changed_notice_is_the_only_one_extracted_again(served, server):
    inbox, out = served
    unchanged, changed = out / f"{FIRST.stem}.json", out / f"{SECOND.stem}.json"
    wait_for(lambda: unchanged.exists() and changed.exists(), "both notices' outputs")
    before = {path: path.stat().st_mtime_ns for path in (unchanged, changed)}
    with (inbox / SECOND.name).open("a", encoding="utf-8") as notice:
        notice.write("\n(此件公开发布)\n")
    wait_for(lambda: changed.stat().st_mtime_ns != before[changed], "the changed notice's output")
    # Another scheduled run or two pass by: none of them rewrites the unchanged notice's output.
    time.sleep(3 * INTERVAL_SECONDS)
    assert unchanged.stat().st_mtime_ns == before[unchanged]


def test_the_prefect_ui_shows_the_run(served, server):
    runs = wait_for(lambda: completed_runs(server), "a completed run")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"http://{HOST}:{server}/runs/flow-run/{runs[0].id}")
            expect(page.get_by_text(runs[0].name).first).to_be_visible(timeout=60_000)
        finally:
            browser.close()


def test_the_server_listens_on_loopback_only(server):
    listening = subprocess.run(["ss", "-ltnH", f"sport = :{server}"], capture_output=True,
                               text=True).stdout
    if not listening.strip():
        pytest.skip("ss shows no sockets here")
    addresses = {line.split()[3].rsplit(":", 1)[0] for line in listening.splitlines()}
    assert addresses == {HOST}
