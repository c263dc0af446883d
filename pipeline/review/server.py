"""The review page over HTTP: the standard library's threading server in front of `ReviewApp`.

`python -m pipeline review OUTPUT_DIR --port N` calls `serve`; tests call
`make_server` with port 0 and run it in a thread, or `ReviewApp.handle`
with no socket at all.

Bound to a loopback address the server answers the loopback names only.
Bound to any other address (`--host 0.0.0.0`) it needs the names it is
reached by (`--allow-host review.example`) and shows its pages only to a
browser that opened the link with the token printed in the terminal. A
request must arrive whole within `REQUEST_TIMEOUT_SECONDS` of silence; a
stalled one is answered 408 and its connection closed.
"""
from __future__ import annotations

import ipaddress
import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import regex

from pipeline.review.app import SECURITY_HEADERS, MAX_BODY_BYTES, Request, ReviewApp, make_app

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
# Seconds a connection may stay silent (headers or body) before it is dropped.
REQUEST_TIMEOUT_SECONDS = 15
# The page token in a logged request line, kept out of logs.
_TOKEN_IN_QUERY = regex.compile(r"token=[^&\s]+")


def handler_for(app: ReviewApp) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to `app`."""

    class ReviewHandler(BaseHTTPRequestHandler):
        server_version = "eldercare-review"
        protocol_version = "HTTP/1.1"
        timeout = REQUEST_TIMEOUT_SECONDS  # the socket's; a stalled request holds no thread forever

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
            try:
                body = self.rfile.read(length)
            except TimeoutError:
                self.close_connection = True
                self.send_error(408, "the request body stalled")
                return
            if len(body) != length:
                self.close_connection = True
                self.send_error(400, "the request body is shorter than its Content-Length")
                return
            self.answer(body)

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
            for name, value in {**SECURITY_HEADERS, **response.headers}.items():
                self.send_header(name, value)
            self.end_headers()
            if send_body:
                self.wfile.write(response.body)

        def log_message(self, format: str, *args) -> None:
            log.info("%s %s", self.address_string(), _TOKEN_IN_QUERY.sub("token=…", format % args))

    return ReviewHandler


def is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, port: int, allow_hosts: list[str] = ()) -> set[str]:
    """The Host headers the server answers: the loopback names on a loopback address, and
    the names given, each with and without the port."""
    names = set(allow_hosts) | ({"localhost", "127.0.0.1", "[::1]"} if is_loopback(host) else set())
    return {f"{name}:{port}" for name in names} | names


def make_server(output_dir: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                corrections_dir: Path | None = None,
                allow_hosts: list[str] = ()) -> ThreadingHTTPServer:
    """A bound server, not yet serving; port 0 picks a free port. A non-loopback `host`
    needs `allow_hosts`, the names browsers reach it by (ValueError without them)."""
    remote = not is_loopback(host)
    if remote and not allow_hosts:
        raise ValueError(f"binding {host} lets other machines reach the review page: name the "
                         "host names they use with --allow-host NAME (DNS rebinding guard)")
    app = make_app(output_dir, corrections_dir, pages_need_token=remote)
    server = ThreadingHTTPServer((host, port), handler_for(app))
    server.daemon_threads = True
    app.allowed_hosts = allowed_hosts(host, server.server_address[1], list(allow_hosts))
    server.app = app  # for tests and callers that need the app's token or folders
    return server


def serve(output_dir: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          corrections_dir: Path | None = None, allow_hosts: list[str] = ()) -> None:
    """Serve the review page until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    server = make_server(output_dir, host, port, corrections_dir, allow_hosts)
    bound_host, bound_port = server.server_address[:2]
    if server.app.pages_need_token:  # the token goes to this terminal only, never to a log
        links = " ".join(f"http://{name}:{bound_port}/?token={server.app.token}"
                         for name in allow_hosts)
        where = f"open {links}"
    else:
        where = f"at http://{bound_host}:{bound_port}/"
    print(f"Reviewing {output_dir} {where} "
          f"(corrections: {server.app.corrections_dir}); Ctrl-C stops.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
