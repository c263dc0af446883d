"""A Prefect server for the project, on 127.0.0.1 with a project-local database.

    python -m flows.server [--port 4200]        (or: make server)

Keeps its state in `.prefect/` of the project (PREFECT_HOME; SQLite in
`.prefect/prefect.db`) unless PREFECT_HOME is set, and in PostgreSQL when
PREFECT_API_DATABASE_CONNECTION_URL is set (README: "Running the flow
regularly"). It listens on the loopback address only. Flows, the inbox
deployment (flows/serve.py) and their workers report to it when
PREFECT_API_URL is http://127.0.0.1:PORT/api.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.guard import die_with_parent

PROJECT_HOME = Path(__file__).resolve().parent.parent / ".prefect"
HOST = "127.0.0.1"
DEFAULT_PORT = 4200
# The server builds its database on first start: tens of seconds on a slow machine.
STARTUP_TIMEOUT_SECONDS = 180
# How often a starting server is asked whether it is ready.
READY_POLL_SECONDS = 0.2


def api_url(port: int) -> str:
    return f"http://{HOST}:{port}/api"


def server_environment(home: Path, port: int) -> dict[str, str]:
    """The server's environment: its home folder, no telemetry, its UI pointed at its own API."""
    return {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_API_URL": api_url(port), "PREFECT_API_URL": api_url(port)}


def server_command(port: int) -> list[str]:
    prefect = Path(sys.executable).with_name("prefect")
    return [str(prefect), "server", "start", "--host", HOST, "--port", str(port), "--analytics-off"]


def start_server(home: Path, port: int, log: Path | None = None,
                 settings: dict[str, str] | None = None) -> subprocess.Popen:
    """Start the server in its own process group (so stopping it stops its children too);
    `settings`: more PREFECT_* variables for it."""
    home.mkdir(parents=True, exist_ok=True)
    output = log.open("ab") if log else subprocess.DEVNULL
    return subprocess.Popen(server_command(port), env={**server_environment(home, port), **(settings or {})},
                            stdout=output, stderr=subprocess.STDOUT, start_new_session=True)


def wait_until_ready(port: int, process: subprocess.Popen | None = None,
                     timeout: float = STARTUP_TIMEOUT_SECONDS) -> None:
    """Return once the API says it is ready; fail early if the server exited.

    Ready, not merely up: the readiness check reaches the database, which the
    server connects to on the first request that needs it (0.4 s here), so
    the server's start pays that, not the first flow run's first request.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the Prefect server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{api_url(port)}/ready", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:  # not listening yet, or its database not yet connectable (503)
            time.sleep(READY_POLL_SECONDS)
    raise TimeoutError(f"the Prefect server on port {port} was not ready in {timeout:.0f} s")


def free_port() -> int:
    """A loopback port no one listens on now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def temporary_server() -> Iterator[str]:
    """A Prefect API for one command's run (its URL), gone with the command even if killed.

    The same server Prefect's embedded mode starts by itself (the API without
    UI, on loopback), but started here so that it dies with its parent:
    Prefect's own is left running when the command is killed.
    """
    import prefect

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(prefect.__file__).parent.parent),
         "--factory", "prefect.server.api.server:create_app", "--host", HOST, "--port", str(port),
         "--log-level", "error", "--lifespan", "on"],
        env={**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
             "PREFECT__SERVER_FINAL": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=die_with_parent)
    try:
        wait_until_ready(port, process)
        yield api_url(port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.server", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port on {HOST} (default: {DEFAULT_PORT})")
    args = parser.parse_args(argv)
    home = Path(os.environ.get("PREFECT_HOME") or PROJECT_HOME)
    print(f"Prefect server: UI http://{HOST}:{args.port}, state in {home}; for flows and the inbox "
          f"deployment: export PREFECT_API_URL={api_url(args.port)}", file=sys.stderr)
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.call(server_command(args.port), env=server_environment(home, args.port))


if __name__ == "__main__":
    sys.exit(main())
