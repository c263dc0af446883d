"""The review page: index, highlighted source, escaping, corrections, origin checks, PDF pages."""
from __future__ import annotations

import inspect
import json
import random
import re
import shutil
import threading
import urllib.error
import urllib.request
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.model import NoticeRecord, Span
from pipeline.review import make_app, make_server, serve
from pipeline.review.app import Request
from pipeline.review.highlight import SpanIndex, text_to_pieces
from tests.conftest import SAMPLES

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
HOSTILE = f"""某市民政局关于{SCRIPT}基本养老服务的通知
各县(区)民政局{IMAGE}:
一、工作任务
(一)建立探访制度{SCRIPT}。每月至少探访一次,到2025年探访率达到100%。(责任单位:各县区民政局)
(二)完善补贴制度。(牵头单位:市民政局;责任单位:市财政局)
附件
基本养老服务清单
服务对象 | 服务项目 | 服务内容 | 服务类型 | 服务标准 | 支出责任 | 牵头部门 | |
80周岁及以上老年人 | 1 | 高龄津贴{IMAGE} | 为80周岁及以上老年人发放高龄津贴。 | 物质帮助 | 80-89周岁每人每月100元。 | 县财政负担。 | 县民政局 |
2 | 百岁补贴 | 为百岁老人发放补贴。 | 物质帮助 | 所需资金由县财政承担。 | 县民政局、县卫健局 | ||
某市民政局
2024年5月20日
"""
ODD_NAME = "odd<img src=x onerror=alert(2)>"
PDF_SAMPLE = SAMPLES / "pdf" / "000_1d3b4e9bec569f5b.pdf"
WORKBOOK_SAMPLE = SAMPLES / "layouts" / "xlsx" / "two_row_header.xlsx"
HOST = "127.0.0.1:8765"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Notices extracted by the command line: hostile text, an odd file name, an empty file,
    a PDF, a workbook."""
    base = tmp_path_factory.mktemp("review")
    inputs = base / "in"
    inputs.mkdir()
    (inputs / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (inputs / f"{ODD_NAME}.txt").write_text(HOSTILE.replace("某市", "另市"), encoding="utf-8")
    (inputs / "empty.txt").write_bytes(b"")
    shutil.copy(PDF_SAMPLE, inputs / "scan.pdf")
    shutil.copy(WORKBOOK_SAMPLE, inputs / "清单.xlsx")
    out = base / "out"
    assert main(["extract", str(inputs), "--out", str(out),
                 "--corrections", str(base / "no-corrections")]) == 1  # the empty file fails
    return base


def app_for(run, tmp_path, out=None):
    return make_app(out or run / "out", tmp_path / "corrections")


def get(app, target: str):
    response = app.handle(Request("GET", target, {"host": HOST}))
    return response.status, response.body.decode("utf-8", "replace")


def record(run, name="hostile.json") -> NoticeRecord:
    return NoticeRecord.model_validate_json((run / "out" / name).read_text(encoding="utf-8"))


def index_rows(html: str) -> dict[str, str]:
    """Each index row's markup by its output file ('' for failures)."""
    return {attribute(row, "data-output"): row for row in html.split('<tr class="notice')[1:]}


def attribute(markup: str, name: str) -> str:
    return markup.split(f'{name}="', 1)[1].split('"', 1)[0]


# --- the index -------------------------------------------------------------------------


def test_index_lists_notices_with_counts_and_failures(run, tmp_path):
    status, html = get(app_for(run, tmp_path), "/")
    assert status == 200
    rows = index_rows(html)
    hostile = rows["hostile.json"]
    assert '<td class="count catalogue-count">2</td>' in hostile
    assert '<td class="count task-count">2</td>' in hostile
    assert '<td class="count flag-count">2</td>' in hostile
    assert 'href="/notice/hostile.json"' in hostile
    failed = rows[""]
    assert "empty.txt" in failed and "E001_empty_file" in failed and "the file is empty" in failed


def test_index_without_run_summary_lists_the_record_files(run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(run / "out", out)
    (out / "_run_summary.json").unlink()
    status, html = get(app_for(run, tmp_path, out), "/")
    assert status == 200 and 'id="run-info" class="no-summary"' in html
    assert '<td class="count catalogue-count">2</td>' in index_rows(html)["hostile.json"]


def test_index_can_put_flagged_notices_first(run, tmp_path):
    _status, html = get(app_for(run, tmp_path), "/?order=flagged")
    flags = [int(part.split('"')[0]) for part in html.split('data-flags="')[1:]]
    statuses = [part.split('"')[0] for part in html.split('data-status="')[1:]]
    assert statuses[0] == "failure"
    assert flags[1:] == sorted(flags[1:], reverse=True)


# --- the notice page ---------------------------------------------------------------------


class SourceMarks(HTMLParser):
    """The text inside each mark of `<pre id="source">`, by span number, and the whole text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.at_pre_start = False
        self.open: list[str] = []
        self.by_span: dict[str, str] = {}
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "pre" and attrs.get("id") == "source":
            self.inside = True
            self.at_pre_start = True
        elif self.inside and tag == "mark":
            self.open.append(attrs["data-span"])
        elif self.inside:
            raise AssertionError(f"markup inside the source text: <{tag}>")

    def handle_endtag(self, tag):
        if tag == "pre":
            self.inside = False
        elif self.inside and tag == "mark":
            self.open.pop()

    def handle_data(self, data):
        if self.inside and self.at_pre_start:
            # A browser drops one newline right after <pre>, as HTML says; so does this reader.
            data, self.at_pre_start = data.removeprefix("\n"), False
        if self.inside:
            self.text += data
            for number in set(self.open):
                self.by_span[number] = self.by_span.get(number, "") + data


def value_spans(html: str, record_id: str) -> dict[str, str]:
    """field -> span number of the record's value cells on the page."""
    found = {}
    for cell in html.split('<td class="value')[1:]:
        head = cell.split(">", 1)[0]
        if f'data-record-id="{record_id}"' in head and "data-span=" in head:
            found[attribute(head, "data-field")] = attribute(head, "data-span")
    return found


def test_notice_page_marks_every_value_span_in_the_source(run, tmp_path):
    status, html = get(app_for(run, tmp_path), "/notice/hostile.json")
    assert status == 200
    marks = SourceMarks()
    marks.feed(html)
    assert marks.text == HOSTILE  # every character is there once, as text
    notice = record(run)
    for item in [*notice.catalogue, *notice.tasks]:
        spans = value_spans(html, item.id)
        for field, span in item.sources.items():
            if f"/{field}" in spans:
                assert marks.by_span[spans[f"/{field}"]] == HOSTILE[span.start:span.end]
    flagged = notice.catalogue[1]
    assert flagged.flags and f'class="record catalogue-item flagged" data-record-id="{flagged.id}"' in html
    assert 'id="filter-flagged"' in html and 'class="flag-reason"' in html


def test_a_broken_corrections_file_is_shown_with_its_reason(run, tmp_path):
    folder = tmp_path / "corrections"
    folder.mkdir()
    broken = folder / f"{record(run).notice_id}.json"
    broken.write_bytes(b'{"notice_id": ')
    status, html = get(app_for(run, tmp_path), "/notice/hostile.json")
    assert status == 200 and 'id="corrections-invalid"' in html
    assert f"corrections file {broken.name}: invalid" in html
    assert broken.read_bytes() == b'{"notice_id": '


def test_markup_in_a_notice_is_shown_escaped(run, tmp_path):
    app = app_for(run, tmp_path)
    for target in ("/notice/hostile.json", f"/notice/{ODD_NAME}.json", "/"):
        status, html = get(app, target)
        assert status == 200
        assert SCRIPT not in html and IMAGE not in html and "onerror=alert(2)>" not in html
        assert html.count("<script") == 1 + ("notice" in target)  # review.js, the page's JSON
        assert html.count("<img") == ("notice" in target)  # the PDF page view only
    _status, html = get(app, "/notice/hostile.json")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_long_notice_with_crossing_spans_stays_well_nested():
    rng = random.Random(7)
    text = "".join(rng.choice("养老<>&\"'\n服务") for _ in range(300))
    index = SpanIndex(len(text))
    for _ in range(60):
        start = rng.randrange(len(text))
        index.add(Span(line=1, end_line=1, start=start, end=min(len(text), start + rng.randrange(1, 40))), "x")
    depth, rebuilt = 0, ""
    for piece in text_to_pieces(text, index):
        depth += {"open": 1, "close": -1}.get(piece.kind, 0)
        assert depth >= 0
        rebuilt += piece.text
    assert depth == 0 and rebuilt == text


def test_a_missing_source_is_said_and_the_records_still_shown(run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(run / "out", out)
    summary = json.loads((out / "_run_summary.json").read_text())
    for notice in summary["notices"]:
        notice["path"] = str(tmp_path / "gone" / Path(notice["path"]).name)
    (out / "_run_summary.json").write_text(json.dumps(summary))
    status, html = get(app_for(run, tmp_path, out), "/notice/hostile.json")
    assert status == 200 and 'id="source-missing"' in html
    assert html.count('class="record catalogue-item') == 2


def test_unknown_notices_and_paths_outside_the_folder_are_not_found(run, tmp_path):
    app = app_for(run, tmp_path)
    for target in ("/notice/nope.json", "/notice/../out/hostile.json", "/notice/%2E%2E/x.json",
                   "/notice/_run_summary.json", "/page/1/hostile.json"):
        assert get(app, target)[0] == 404


# --- static files and PDF pages --------------------------------------------------------------


def test_static_assets_come_from_the_package(run, tmp_path):
    app = app_for(run, tmp_path)
    response = app.handle(Request("GET", "/static/review.js", {"host": HOST}))
    packaged = resources.files("pipeline.review") / "static" / "review.js"
    assert response.status == 200 and response.content_type.startswith("text/javascript")
    assert response.body == packaged.read_bytes()
    assert get(app, "/static/review.css")[0] == 200
    assert get(app, "/static/..%2Fapp.py")[0] == 404
    folder = resources.files("pipeline.review")
    shipped = [*(folder / "static").iterdir(), *(folder / "templates").iterdir()]
    for asset in shipped:  # nothing loads from the network
        text = asset.read_text(encoding="utf-8").replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert not re.search(r"https?:|//[\w.-]+/|\burl\(|@import", text), asset.name


def test_pdf_page_image_is_served_as_png(run, tmp_path):
    app = app_for(run, tmp_path)
    _status, html = get(app, "/notice/scan.json")
    assert 'data-page="' in html and 'data-bbox="' in html and '"pages": {"0": {"1": [' in html
    response = app.handle(Request("GET", "/page/1/scan.json", {"host": HOST}))
    assert response.status == 200 and response.content_type == "image/png"
    assert response.body.startswith(b"\x89PNG\r\n\x1a\n")
    assert app.handle(Request("GET", "/page/1/scan.json", {"host": HOST})).body is response.body
    assert get(app, "/page/999/scan.json")[0] == 404


def test_workbook_values_show_their_cells(run, tmp_path):
    _status, html = get(app_for(run, tmp_path), "/notice/清单.json")
    first = record(run, "清单.json").catalogue[0]
    assert first.sources["name"].locator == "基本养老服务清单!C4"  # title row, two header rows
    cell = html.split(f'data-record-id="{first.id}" data-field="/name"', 1)[1].split("</td>", 1)[0]
    assert '<span class="locator" title="where in the file">基本养老服务清单!C4</span>' in cell


# --- corrections over HTTP ---------------------------------------------------------------------


@pytest.fixture
def server(run, tmp_path):
    server = make_server(run / "out", port=0, corrections_dir=tmp_path / "corrections")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def post(server, body: dict, **headers):
    host, port = server.server_address[:2]
    sent = {"Content-Type": "application/json", "X-Review-Token": server.app.token,
            "Origin": f"http://{host}:{port}", **headers}
    request = urllib.request.Request(f"http://{host}:{port}/api/corrections", method="POST",
                                     data=json.dumps(body).encode(), headers=sent)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def correction(run, field="/target_group", value="60周岁及以上老年人"):
    item = record(run).catalogue[1]  # the flagged one
    return {"notice": "hostile.json", "record_id": item.id, "field": field, "value": value,
            "author": "审核员", "note": "核对原文"}


def test_a_posted_correction_is_saved_and_applied_by_the_next_run(run, server, tmp_path):
    status, reply = post(server, correction(run))
    assert status == 200 and reply["ok"] and "next run" in reply["message"]
    saved = list((tmp_path / "corrections").glob("*.json"))
    assert len(saved) == 1 and "60周岁及以上老年人" in saved[0].read_text(encoding="utf-8")
    out = tmp_path / "rerun"
    main(["extract", str(run / "in"), "--out", str(out), "--corrections", str(tmp_path / "corrections")])
    item = NoticeRecord.model_validate_json((out / "hostile.json").read_text()).catalogue[1]
    assert item.target_group == "60周岁及以上老年人" and item.corrections[0].author == "审核员"
    _status, html = get(make_app(out, tmp_path / "corrections"), "/notice/hostile.json")
    assert 'class="correction-author">审核员<' in html


def test_an_invalid_correction_gets_the_message_and_writes_nothing(run, server, tmp_path):
    notice = record(run)
    body = {**correction(run), "record_id": f"{notice.notice_id}/document", "field": "/date",
            "value": "2024年5月"}
    status, reply = post(server, body)
    assert status == 400 and not reply["ok"] and "/date" in reply["error"]
    status, reply = post(server, correction(run, field="/min_age", value="八十"))
    assert status == 400 and "number" in reply["error"]
    status, reply = post(server, {**correction(run), "author": " "})
    assert status == 400 and "name" in reply["error"]
    assert not (tmp_path / "corrections").exists() or not any((tmp_path / "corrections").iterdir())


def saved_values(folder: Path) -> set[str]:
    """Every value the stored corrections files set."""
    return {entry["patch"][-1]["value"] for path in folder.glob("*.json")
            for entry in json.loads(path.read_text(encoding="utf-8"))["corrections"]}


def post_together(server, bodies: list[dict]) -> list[tuple[int, dict]]:
    """POST the bodies at the same moment, one thread each."""
    barrier = threading.Barrier(len(bodies))
    replies: list = [None] * len(bodies)

    def send(index: int) -> None:
        barrier.wait()
        replies[index] = post(server, bodies[index])

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return replies


TRIALS = 20


def test_two_reviewers_saving_at_once_lose_no_save(run, server, tmp_path):
    """The page sends the version it read: one save wins, the other gets 409 with the winner's
    change and saves again on the version now stored; without a version both are kept."""
    from pipeline.corrections import corrections_version
    from pipeline.corrections_store import read_log
    folder, notice = tmp_path / "corrections", record(run)
    saved = 0
    for trial in range(TRIALS):
        version = corrections_version(folder, notice.notice_id)
        bodies = [{**correction(run, field, f"{field[1:]} {trial}"), "version": version}
                  for field in ("/name", "/content")]
        replies = post_together(server, bodies)
        assert sorted(status for status, _reply in replies) == [200, 409]
        [(body, conflict)] = [(body, reply) for body, (status, reply) in zip(bodies, replies)
                              if status == 409]
        winner = next(b for b in bodies if b is not body)
        assert winner["value"] in {change["value"] for change in conflict["theirs"]}
        status, _reply = post(server, {**body, "version": conflict["version"]})  # re-applied
        assert status == 200
        assert {winner["value"], body["value"]} <= saved_values(folder)
        saved += 2
    for trial in range(TRIALS):  # scripts that send no version: the lock alone keeps both
        bodies = [correction(run, field, f"{field[1:]} unversioned {trial}")
                  for field in ("/name", "/content")]
        assert [status for status, _reply in post_together(server, bodies)] == [200, 200]
        assert {body["value"] for body in bodies} <= saved_values(folder)
        saved += 2
    events = read_log(folder / f"{notice.notice_id}.json")
    assert len(events) == saved and {e["author"] for e in events} == {"审核员"}


@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"},
    {"X-Review-Token": "guessed"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Content-Type": "text/plain"},
    {"Host": "evil.example:8765"},  # a rebound DNS name
], ids=["origin", "token", "fetch-site", "form-post", "host"])
def test_requests_from_another_origin_are_refused(run, server, tmp_path, headers):
    status, reply = post(server, correction(run), **headers)
    assert status == 403 and not reply.get("ok")
    assert not (tmp_path / "corrections").exists()


def test_the_server_binds_loopback_by_default(run, tmp_path):
    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
    server = make_server(run / "out", port=0, corrections_dir=tmp_path)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


def test_pages_are_served_over_http_with_a_strict_policy(server):
    host, port = server.server_address[:2]
    with urllib.request.urlopen(f"http://{host}:{port}/notice/hostile.json") as response:
        policy = response.headers["Content-Security-Policy"]
        page = response.read().decode()
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert f'<meta name="review-token" content="{server.app.token}">' in page


# --- hardening ------------------------------------------------------------------------------


@pytest.fixture
def open_server(run, tmp_path):
    """A server bound to every address, reached by the name review.test (connected over loopback)."""
    server = make_server(run / "out", host="0.0.0.0", port=0,
                         corrections_dir=tmp_path / "corrections", allow_hosts=["review.test"])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def fetch(server, target, host, method="GET", body=None, **headers):
    """An HTTP request to the server over loopback, naming `host` in the Host header."""
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
    try:
        connection.request(method, target, body=body, headers={"Host": host, **headers})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_binding_every_address_needs_the_allowed_host_names(run, tmp_path):
    with pytest.raises(ValueError, match="--allow-host"):
        make_server(run / "out", host="0.0.0.0", port=0, corrections_dir=tmp_path)


def test_a_forged_host_is_refused_on_an_open_bind(run, open_server):
    port = open_server.server_address[1]
    token = open_server.app.token
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port}"):
        status, _headers, body = fetch(open_server, f"/?token={token}", host)
        assert status == 403 and b"unknown host" in body
        status, _headers, _body = fetch(
            open_server, "/api/corrections", host, "POST", json.dumps(correction(run)),
            **{"Content-Type": "application/json", "X-Review-Token": token})
        assert status == 403
    assert not (open_server.app.corrections_dir).exists()


def test_an_open_bind_shows_pages_only_with_the_printed_token(run, open_server):
    host = f"review.test:{open_server.server_address[1]}"
    status, _headers, body = fetch(open_server, "/", host)
    assert status == 403 and b"token" in body and open_server.app.token.encode() not in body
    status, headers, _body = fetch(open_server, f"/?token={open_server.app.token}", host)
    assert status == 200 and "HttpOnly" in headers["Set-Cookie"]
    cookie = headers["Set-Cookie"].split(";")[0]
    status, _headers, body = fetch(open_server, "/notice/hostile.json", host, Cookie=cookie)
    assert status == 200 and open_server.app.token.encode() in body
    status, _headers, _body = fetch(open_server, "/", host, Origin="http://evil.example",
                                    Cookie=cookie)
    assert status == 403


def test_the_token_is_printed_to_the_terminal_and_kept_out_of_the_log(run, tmp_path, capsys,
                                                                       monkeypatch, caplog):
    import pipeline.review.server as server_module
    started = {}

    def serve_once(self):
        started["server"] = self
        host = f"review.test:{self.server_address[1]}"
        with caplog.at_level("INFO"):
            thread = threading.Thread(target=self.handle_request)
            thread.start()
            fetch(self, f"/?token={self.app.token}", host)
            thread.join()
    monkeypatch.setattr(server_module.ThreadingHTTPServer, "serve_forever", serve_once)
    serve(run / "out", host="0.0.0.0", port=0, corrections_dir=tmp_path, allow_hosts=["review.test"])
    token = started["server"].app.token
    assert f"?token={token}" in capsys.readouterr().out
    assert "GET /?token=" in caplog.text and token not in caplog.text


def test_a_deeply_nested_body_is_a_400_not_a_500(run, server):
    host, port = server.server_address[:2]
    status, _headers, body = fetch(server, "/api/corrections", f"{host}:{port}", "POST",
                                   b"[" * 100_000 + b"]" * 100_000,
                                   **{"Content-Type": "application/json",
                                      "X-Review-Token": server.app.token})
    assert status == 400 and b"too deep" in body


def test_a_stalled_request_body_is_dropped(run, tmp_path, monkeypatch):
    import socket
    import pipeline.review.server as server_module
    monkeypatch.setattr(server_module, "REQUEST_TIMEOUT_SECONDS", 0.5)
    server = make_server(run / "out", port=0, corrections_dir=tmp_path / "corrections")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
            connection.sendall(f"POST /api/corrections HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                               "Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{"
                               .encode())
            answer = b""  # sent nothing more: the server answers and closes the connection
            while chunk := connection.recv(4096):
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 408")
    finally:
        server.shutdown()
        server.server_close()


def poster_pdf(side_points: int) -> bytes:
    """A one-page PDF whose page is `side_points` square (a poster), with one line of text."""
    from benchmarks.page_render import page_pdf

    return page_pdf(side_points, side_points)


def test_a_poster_sized_pdf_page_is_rendered_at_a_capped_size_once(tmp_path, monkeypatch):
    import io as io_module
    from PIL import Image
    import pipeline.review.source as source
    path = tmp_path / "poster.pdf"
    path.write_bytes(poster_pdf(14400))
    renders = []
    real = source.render_pdf_page
    monkeypatch.setattr(source, "render_pdf_page",
                        lambda *args: renders.append(args) or real(*args))
    reader = source.SourceReader()
    png = reader.page_png(path, 1)
    assert max(Image.open(io_module.BytesIO(png)).size) <= reader.settings.max_page_pixels
    assert reader.page_png(path, 1) == png and len(renders) == 1  # the second from the cache


def test_the_command_refuses_an_open_bind_without_allowed_hosts(run, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["review", str(run / "out"), "--host", "0.0.0.0", "--port", "0"])
    assert exited.value.code == 2 and "--allow-host" in capsys.readouterr().err
