"""Shared fixtures: project paths, and one Prefect test server for the whole session.

Prefect's temporary server takes about 20 seconds to start, so flow tests
share one; library tests never touch Prefect.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
OUTPUTS = ROOT / "outputs"
GOLD = Path(__file__).resolve().parent / "gold"


@pytest.fixture(scope="session")
def prefect_server():
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield
