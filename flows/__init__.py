"""Prefect flows over the `pipeline` library.

Offline networks are common where notices are processed: Prefect's
telemetry would only log connection errors there, so it is off unless the
user turns it on.
"""
import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
