"""The review page over HTTP: the standard library's threading server in front of `ReviewApp`.

`python -m pipeline review OUTPUT_DIR --port N` calls `serve`; tests call
`make_server` with port 0 and run it in a thread, or `ReviewApp.handle`
with no socket at all.
"""
from __future__ import annotations

import ipaddress
import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pipeline.review.app import SECURITY_HEADERS, MAX_BODY_BYTES, Request, ReviewApp, make_app

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def handler_for(app: ReviewApp) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to `app`."""

    class ReviewHandler(BaseHTTPRequestHandler):
        server_version = "eldercare-review"
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.answer(b"")

        def do_HEAD(self) -> None:
            self.answer(b"", send_body=False)

        def do_POST(self) -> None:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if not 0 <= length <= MAX_BODY_BYTES:
                self.send_error(413 if length > 0 else 400, "bad or too large request")
                return
            self.answer(self.rfile.read(length))

        def answer(self, body: bytes, send_body: bool = True) -> None:
            headers = {name.lower(): value for name, value in self.headers.items()}
            request = Request(self.command, self.path, headers, body)
            try:
                response = app.handle(request)
            except Exception:  # one broken notice must not take the server down
                log.exception("error answering %s %s", self.command, self.path)
                self.send_error(500, "internal error: see the server's log")
                return
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in SECURITY_HEADERS.items():
                self.send_header(name, value)
            self.end_headers()
            if send_body:
                self.wfile.write(response.body)

        def log_message(self, format: str, *args) -> None:
            log.info("%s %s", self.address_string(), format % args)

    return ReviewHandler


def loopback_hosts(host: str, port: int) -> set[str] | None:
    """The Host headers a loopback server answers; None (any) for other addresses."""
    names = {"localhost", "127.0.0.1", "[::1]"}
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    return {f"{name}:{port}" for name in names} | names if loopback else None


def make_server(output_dir: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                corrections_dir: Path | None = None) -> ThreadingHTTPServer:
    """A bound server, not yet serving; port 0 picks a free port."""
    app = make_app(output_dir, corrections_dir)
    server = ThreadingHTTPServer((host, port), handler_for(app))
    server.daemon_threads = True
    app.allowed_hosts = loopback_hosts(host, server.server_address[1])
    server.app = app  # for tests and callers that need the app's token or folders
    return server


def serve(output_dir: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          corrections_dir: Path | None = None) -> None:
    """Serve the review page until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    server = make_server(output_dir, host, port, corrections_dir)
    bound_host, bound_port = server.server_address[:2]
    print(f"Reviewing {output_dir} at http://{bound_host}:{bound_port}/ "
          f"(corrections: {server.app.corrections_dir}); Ctrl-C stops.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
