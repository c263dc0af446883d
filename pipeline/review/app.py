"""Routes of the review page, as a plain function of a request: no socket needed to test it.

| route | answers |
|---|---|
| `GET /` (`?order=flagged`) | the index of the output folder's notices |
| `GET /notice/<output>` | one notice: source text with spans, records, edit controls |
| `GET /page/<n>/<output>[?file=k]` | page n of a PDF notice (or of its k-th attachment) as PNG |
| `GET /static/<name>` | the page's script and style, from the package |
| `POST /api/corrections` | save a correction (JSON in, JSON out) |

A POST is accepted only from the page itself: it must carry the page's
token in `X-Review-Token`, as JSON, and any `Origin` or `Sec-Fetch-Site`
header must say same origin. Every request naming a `Host` the server was
not told it answers to is refused (DNS rebinding), and so is any request
whose `Origin` is another site. A server reachable from other machines
(`pages_need_token`) also shows its pages only to a browser that opened the
link with the token printed in the terminal (`?token=…`, then a cookie).
A request body nested deeper than `MAX_JSON_DEPTH` is refused with 400
before it is parsed.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import regex

from pipeline.review import pages
from pipeline.review.catalog import Catalog, load_catalog
from pipeline.review.edits import save_correction
from pipeline.review.source import SourceReader, has_pages

# Sent with every answer: nothing loads from elsewhere, nothing frames the page.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "img-src 'self'; connect-src 'self'; form-action 'none'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2"}
STATIC_NAME = regex.compile(r"^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9]+)+$")
PAGE_ROUTE = regex.compile(r"^/page/(\d{1,5})/(.+)$")
MAX_BODY_BYTES = 1_000_000
TOKEN_HEADER = "x-review-token"
TOKEN_COOKIE = "review_token"
# A correction form is one level deep; anything past this is not a form (and a 100k-deep
# body would exhaust the parser's recursion).
MAX_JSON_DEPTH = 32
_JSON_STRING = regex.compile(rb'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = regex.compile(rb"[\[\]{}]")


@dataclass
class Request:
    method: str
    target: str  # path and query, as sent
    headers: dict[str, str] = field(default_factory=dict)  # names in lower case
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)  # sent besides the type and length

    @classmethod
    def html(cls, text: str, status: int = 200) -> Response:
        return cls(status, text.encode("utf-8"))

    @classmethod
    def json(cls, data: dict, status: int = 200) -> Response:
        return cls(status, json.dumps(data, ensure_ascii=False).encode("utf-8"),
                   "application/json; charset=utf-8")

    @classmethod
    def text(cls, message: str, status: int) -> Response:
        return cls(status, message.encode("utf-8"), "text/plain; charset=utf-8")


class ReviewApp:
    """Serves one output folder; the catalog is read again on each request, so a re-run shows."""

    def __init__(self, out_dir: Path, corrections_dir: Path,
                 allowed_hosts: set[str] | None = None, reader: SourceReader | None = None,
                 pages_need_token: bool = False):
        self.out_dir = out_dir
        self.corrections_dir = corrections_dir
        self.allowed_hosts = allowed_hosts  # None: any (the server always names them)
        self.reader = reader or SourceReader()
        self.token = secrets.token_urlsafe(32)
        self.pages_need_token = pages_need_token

    def handle(self, request: Request) -> Response:
        path = unquote(urlsplit(request.target).path)
        refusal = self.host_refusal(request)
        if refusal:
            if request.method == "POST":
                return Response.json({"ok": False, "error": refusal}, 403)
            return Response.text(refusal, 403)
        if request.method == "POST":
            return self.post(request, path)
        if request.method not in ("GET", "HEAD"):
            return Response.text("method not allowed", 405)
        if self.pages_need_token and not path.startswith("/static/"):
            return self.get_with_token(request, path)
        return self.get(request, path)

    def host_refusal(self, request: Request) -> str | None:
        """Why a request names a host or origin this server is not; None when it does not."""
        host = request.header("host")
        if self.allowed_hosts is not None and host not in self.allowed_hosts:
            return f"refused: unknown host {host!r}"
        origin = request.header("origin")
        if origin is not None and origin not in (f"http://{host}", f"https://{host}"):
            return f"refused: a request from another origin ({origin})"
        return None

    def get_with_token(self, request: Request, path: str) -> Response:
        """A page for a browser that holds the token: from the printed link, then its cookie."""
        given = parse_qs(urlsplit(request.target).query).get("token", [""])[0]
        if secrets.compare_digest(given, self.token):
            response = self.get(request, path)
            response.headers["Set-Cookie"] = (f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; "
                                              "SameSite=Strict")
            return response
        if secrets.compare_digest(_cookie(request, TOKEN_COOKIE), self.token):
            return self.get(request, path)
        return Response.text("open the link with the token that the review command printed "
                             "in its terminal", 403)

    def get(self, request: Request, path: str) -> Response:
        if path == "/":
            order = parse_qs(urlsplit(request.target).query).get("order", ["file"])[0]
            return Response.html(pages.index_page(self.catalog(), order, self.corrections_dir))
        if path.startswith("/notice/"):
            return self.notice(path.removeprefix("/notice/"))
        if match := PAGE_ROUTE.match(path):
            file = parse_qs(urlsplit(request.target).query).get("file", ["0"])[0]
            return self.page_image(match[2], int(match[1]), int(file) if file.isdigit() else -1)
        if path.startswith("/static/"):
            return static_file(path.removeprefix("/static/"))
        return Response.text("not found", 404)

    def catalog(self) -> Catalog:
        return load_catalog(self.out_dir)

    def notice(self, output: str) -> Response:
        catalog = self.catalog()
        entry = catalog.find(output)
        if entry is None:
            return Response.text("no such notice in this output folder", 404)
        try:
            html = pages.notice_page(catalog, entry, self.reader, self.token, self.corrections_dir)
        except (OSError, ValueError) as error:  # a record deleted or broken since the run
            return Response.text(f"the record {output} could not be read: {error}", 500)
        return Response.html(html)

    def page_image(self, output: str, page: int, file: int = 0) -> Response:
        """Page `page` of the notice's PDF (`file` 0) or of its `file`-th attachment."""
        entry = self.catalog().find(output)
        files = [entry.source_path, *entry.attachments] if entry is not None else []
        path = files[file] if 0 <= file < len(files) else None
        if path is None or not path.is_file():
            return Response.text("no source file for this notice", 404)
        if not has_pages(path):
            return Response.text("the source is not a PDF", 404)
        png = self.reader.page_png(path, page)
        if png is None:
            return Response.text("no such page", 404)
        return Response(200, png, "image/png")

    def post(self, request: Request, path: str) -> Response:
        if path != "/api/corrections":
            return Response.text("not found", 404)
        refusal = self.cross_origin_refusal(request)
        if refusal:
            return Response.json({"ok": False, "error": refusal}, 403)
        if json_depth(request.body) > MAX_JSON_DEPTH:
            return Response.json({"ok": False, "error": "the request is nested too deep"}, 400)
        try:
            payload = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            return Response.json({"ok": False, "error": "the request is not JSON"}, 400)
        result = save_correction(self.catalog(), self.corrections_dir, payload)
        return Response.json(result.as_json(), result.status)

    def cross_origin_refusal(self, request: Request) -> str | None:
        """Why a POST does not come from this server's own page; None when it does."""
        if request.header("sec-fetch-site") not in (None, "same-origin"):
            return "refused: a request from another site"
        if not secrets.compare_digest(request.header(TOKEN_HEADER) or "", self.token):
            return "refused: the page's token is missing or out of date; reload the page"
        if not (request.header("content-type") or "").startswith("application/json"):
            return "refused: a correction is sent as JSON"
        return None


def json_depth(body: bytes) -> int:
    """How deep a JSON text's arrays and objects nest (brackets inside strings not counted).

    >>> json_depth(b'{"a": [1, {"b": "[[["}]}'), json_depth(b"[" * 100_000)
    (3, 100000)
    """
    depth = deepest = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub(b'""', body)):
        depth += 1 if bracket in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest


def _cookie(request: Request, name: str) -> str:
    for part in (request.header("cookie") or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


def static_file(name: str) -> Response:
    """A file of the package's static folder; only plain names, only known types."""
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if not STATIC_NAME.match(name) or suffix not in STATIC_TYPES:
        return Response.text("not found", 404)
    resource = resources.files("pipeline.review") / "static" / name
    if not resource.is_file():
        return Response.text("not found", 404)
    return Response(200, resource.read_bytes(), STATIC_TYPES[suffix])


def make_app(out_dir: Path, corrections_dir: Path | None = None,
             allowed_hosts: set[str] | None = None, pages_need_token: bool = False) -> ReviewApp:
    """The app for an output folder; corrections go to `corrections_dir`, else to the
    folder the run summary names, else to `corrections/`."""
    if corrections_dir is None:
        run = load_catalog(out_dir).run or {}
        corrections_dir = Path(run.get("corrections_dir") or "corrections")
    return ReviewApp(out_dir, corrections_dir, allowed_hosts, pages_need_token=pages_need_token)
