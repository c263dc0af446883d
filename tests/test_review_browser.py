"""The review page in a real browser: a reviewer's loop, a stale correction, escaping, a screenshot.

Playwright drives Debian's Chromium (`make system-deps` installs it); no
browser is downloaded. The reviewer's loop runs the Prefect flow on a copy of
a sample notice, serves its output folder, corrects a flagged value in the
page, runs the flow again and checks the correction in the output; the next
test changes the notice so that the correction goes stale. They share one
workspace, in that order, as a reviewer's day would; the stale test saves the
correction itself when run alone.
"""
from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from flows.extract import extract_notices
from pipeline.cli import main as pipeline_main
from pipeline.corrections import add_correction, corrections_for
from pipeline.ingest import read_document
from pipeline.model import NoticeOutcome, NoticeRecord, RunStatus
from pipeline.review import make_server
from pipeline.write import RUN_SUMMARY_NAME
from tests.conftest import ROOT, SAMPLES

CHROMIUM = Path("/usr/bin/chromium")
# Without the networking switches Chromium's background connections fail on a closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 900}
WAIT_MS = 10_000  # longest explicit wait for anything the page does
# The README's screenshot is refreshed deliberately (`make screenshot` sets this);
# an ordinary test run writes it to a temporary folder instead.
SCREENSHOT = Path(os.environ.get("REVIEW_SCREENSHOT")
                  or Path(tempfile.gettempdir()) / "review-page.png")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

NOTICE = SAMPLES / "txt" / "001_a30600b97fcb8a62.txt"  # flagged catalogue items
OUTPUT = "001_a30600b97fcb8a62.json"
CORRECTED_SEQ = 12  # 百岁补贴, its target group reassigned by the pipeline
FIELD = "/target_group"
CORRECTED_VALUE = "100周岁及以上老年人"
REVIEWER = "王审核"
NOTE = "百岁补贴只发给百岁老人"
APPENDED_LINE = "\n(此件公开发布)\n"

SCRIPT = "<script>window.__pwned=1</script>"
IMAGE = '<img src=x onerror="window.__pwned=2">'
HOSTILE = f"""某市民政局关于基本养老服务的通知{SCRIPT}
各县(区)民政局{IMAGE}:
一、工作任务
(一)建立探访制度<script>window.__pwned=1;alert(1)</script>。每月至少探访一次,到2025年探访率达到100%。(责任单位:各县区民政局)
(二)完善补贴制度。(牵头单位:市民政局;责任单位:市财政局)
附件
基本养老服务清单
服务对象 | 服务项目 | 服务内容 | 服务类型 | 服务标准 | 支出责任 | 牵头部门 | |
80周岁及以上老年人 | 1 | 高龄津贴<img src=x onerror="window.__pwned=2;alert(2)"> | 为80周岁及以上老年人发放高龄津贴{SCRIPT}。 | 物质帮助 | 80-89周岁每人每月100元。 | 县财政负担。 | 县民政局 |
2 | 百岁补贴 | 为百岁老人发放补贴。 | 物质帮助 | 所需资金由县财政承担。 | 县民政局、县卫健局 | ||
某市民政局
2024年5月20日
"""

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}")


# --- the browser and the server --------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def browser_page(browser: Browser, **context_options) -> Iterator[tuple[Page, list[str]]]:
    """A page in a fresh context, and the messages of every dialog it opens (dismissed)."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", **context_options)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    dialogs: list[str] = []

    def dismiss(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    try:
        yield page, dialogs
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with browser_page(browser) as (page, _dialogs):
        yield page


@contextmanager
def serving(out_dir: Path, corrections_dir: Path) -> Iterator[str]:
    """The review page of `out_dir` on an ephemeral port, in a thread; its base URL."""
    server = make_server(out_dir, host="127.0.0.1", port=0, corrections_dir=corrections_dir)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class Workspace:
    """A reviewer's folders: one input notice, the flow's outputs, the corrections; the server."""

    input_dir: Path
    out_dir: Path
    corrections_dir: Path
    url: str
    first_run: NoticeOutcome

    @property
    def notice_path(self) -> Path:
        return self.input_dir / NOTICE.name

    def extract(self) -> NoticeOutcome:
        [outcome] = extract_notices([str(self.input_dir)], str(self.out_dir),
                                    str(self.corrections_dir))
        return outcome

    def record(self) -> NoticeRecord:
        return NoticeRecord.model_validate_json((self.out_dir / OUTPUT).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def workspace(prefect_server, tmp_path_factory) -> Iterator[Workspace]:
    base = tmp_path_factory.mktemp("review-browser")
    input_dir, out_dir, corrections_dir = base / "in", base / "out", base / "corrections"
    input_dir.mkdir()
    shutil.copy(NOTICE, input_dir / NOTICE.name)
    [first_run] = extract_notices([str(input_dir)], str(out_dir), str(corrections_dir))
    with serving(out_dir, corrections_dir) as url:
        yield Workspace(input_dir, out_dir, corrections_dir, url, first_run)


def catalogue_item(record: NoticeRecord, seq: int):
    return next(item for item in record.catalogue if item.seq == seq)


def value_cell(page: Page, record_id: str, field: str) -> Locator:
    return page.locator(f'td.value[data-record-id="{record_id}"][data-field="{field}"]')


def notice_text(workspace: Workspace) -> str:
    """The text the spans' offsets count in, as the pipeline read it."""
    return read_document(workspace.notice_path).text


def count_shown(locator: Locator) -> int:
    return locator.evaluate_all("els => els.filter(e => e.getClientRects().length > 0).length")


def wait_until_scrolled(page: Page) -> None:
    """Wait until the smooth scroll to a clicked value's source ends (a few still frames)."""
    page.evaluate("""() => new Promise((done) => {
        const source = document.getElementById("source");
        let last = null, still = 0;
        const tick = () => {
            const now = source.scrollTop + "," + window.scrollY;
            still = now === last ? still + 1 : 0;
            last = now;
            if (still >= 5) done(); else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
    })""")


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


# --- the reviewer's loop ---------------------------------------------------------------------


def test_a_reviewer_corrects_a_flagged_value_and_the_next_run_applies_it(workspace, page):
    record = workspace.record()
    item = catalogue_item(record, CORRECTED_SEQ)
    assert item.flags and not item.corrections
    extracted = item.target_group

    # The index lists the notice with its flags.
    page.goto(workspace.url + "/")
    row = page.locator(f'tr.notice[data-output="{OUTPUT}"]')
    assert workspace.first_run.flags > 0
    expect(row).to_have_attribute("data-flags", str(workspace.first_run.flags))
    expect(row.locator(".flag-count")).to_have_text(str(workspace.first_run.flags))
    expect(row).to_contain_class("flagged")
    row.locator("a.notice-link").click()
    expect(page.locator("#notice-file")).to_have_text(OUTPUT)

    # Only flagged records: the others are hidden, the flagged ones stay.
    unflagged = page.locator("#records .record:not(.flagged)")
    flagged = page.locator("#records .record.flagged")
    assert unflagged.count() > 0 and flagged.count() > 0
    expect(unflagged.first).to_be_visible()
    page.locator("#filter-flagged").check()
    expect(page.locator("body")).to_contain_class("only-flagged")
    expect(unflagged.first).to_be_hidden()
    assert count_shown(unflagged) == 0
    assert count_shown(flagged) == flagged.count()
    expect(page.locator(f'#catalogue .record[data-record-id="{item.id}"]')).to_be_visible()

    # A value's text shows its source: its marks become current.
    cell = value_cell(page, item.id, FIELD)
    span = cell.get_attribute("data-span")
    assert span
    cell.locator(".value-text").click()
    expect(cell).to_contain_class("selected")
    expect(page.locator(f"#span-{span}")).to_contain_class("current")
    marks = page.locator(f'#source mark[data-span="{span}"]')
    expect(page.locator("#source mark.current")).to_have_count(marks.count())
    where = item.sources["target_group"]
    assert "".join(marks.all_text_contents()) == notice_text(workspace)[where.start:where.end]

    # The README's picture: the flagged records, one value's source highlighted.
    wait_until_scrolled(page)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOT, animations="disabled")

    # Correct the flagged value, under the reviewer's name.
    page.locator("#reviewer-name").fill(REVIEWER)
    cell.locator("button.edit").click()
    expect(cell.locator("form.edit-form")).to_be_visible()
    expect(cell.locator(".edit-input")).to_have_value(extracted)
    cell.locator(".edit-input").fill(CORRECTED_VALUE)
    cell.locator(".edit-note").fill(NOTE)
    cell.locator("button.save").click()
    expect(cell.locator(".edit-message.ok")).to_be_visible()
    expect(cell).to_contain_class("pending-correction")
    expect(cell.locator(".pending")).to_contain_text(CORRECTED_VALUE)
    expect(cell.locator("form.edit-form")).to_be_hidden()

    # The next run applies it.
    outcome = workspace.extract()
    assert outcome.corrections_applied == 1 and not outcome.stale_corrections
    corrected = catalogue_item(workspace.record(), CORRECTED_SEQ)
    assert corrected.id == item.id and corrected.target_group == CORRECTED_VALUE
    [applied] = corrected.corrections
    assert (applied.field, applied.author, applied.old, applied.new, applied.note) == (
        FIELD, REVIEWER, extracted, CORRECTED_VALUE, NOTE)

    # The page shows the value as corrected, no longer pending.
    page.reload()
    cell = value_cell(page, item.id, FIELD)
    expect(cell).to_contain_class("corrected")
    expect(cell.locator(".value-text")).to_have_text(CORRECTED_VALUE)
    expect(cell.locator(".correction-author")).to_have_text(REVIEWER)
    expect(cell.locator(".correction-old")).to_have_text(extracted)
    expect(cell.locator(".pending")).to_be_hidden()

    assert png_size(SCREENSHOT) == (VIEWPORT["width"], VIEWPORT["height"])


def test_the_source_pane_shows_the_notice_text_exactly(workspace, page):
    assert notice_text(workspace).startswith("\n")  # 001 opens with blank lines
    page.goto(f"{workspace.url}/notice/{OUTPUT}")
    assert page.locator("#source").text_content() == notice_text(workspace)


def test_a_changed_source_makes_the_correction_stale(workspace, page):
    record = workspace.record()
    item = catalogue_item(record, CORRECTED_SEQ)
    extracted_value = item.corrections[0].old if item.corrections else item.target_group
    if corrections_for(workspace.corrections_dir, record.notice_id) is None:
        # Run alone, without the reviewer's loop above: save the same correction directly.
        add_correction(workspace.corrections_dir, record, item.id, FIELD, CORRECTED_VALUE,
                       author=REVIEWER, note=NOTE)
    with workspace.notice_path.open("a", encoding="utf-8") as notice:
        notice.write(APPENDED_LINE)

    outcome = workspace.extract()
    assert outcome.status is RunStatus.partial and outcome.corrections_applied == 0
    [reason] = outcome.stale_corrections
    assert item.id in reason and FIELD in reason and "source changed" in reason
    summary = json.loads((workspace.out_dir / RUN_SUMMARY_NAME).read_text(encoding="utf-8"))
    [entry] = summary["notices"]
    assert entry["stale_corrections"] == [reason] and entry["corrections_applied"] == 0

    changed = workspace.record()
    assert changed.notice_id != record.notice_id and changed.review.stale_corrections == 1
    extracted = catalogue_item(changed, CORRECTED_SEQ)
    assert extracted.target_group == extracted_value and not extracted.corrections

    page.goto(workspace.url + "/")
    row = page.locator(f'tr.notice[data-output="{OUTPUT}"]')
    expect(row.locator(".stale-corrections li")).to_contain_text("source changed")
    expect(row.locator(".correction-count")).to_contain_text("0")
    row.locator("a.notice-link").click()
    cell = value_cell(page, extracted.id, FIELD)
    expect(cell.locator(".value-text")).to_have_text(extracted_value)
    expect(cell).not_to_contain_class("corrected")
    expect(cell).not_to_contain_class("pending-correction")


# --- escaping --------------------------------------------------------------------------------


def test_markup_in_a_notice_is_shown_as_text_never_run(browser, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    assert pipeline_main(["extract", str(inputs), "--out", str(tmp_path / "out"),
                          "--corrections", str(tmp_path / "corrections")]) == 0
    output = tmp_path / "out" / "hostile.json"
    record = NoticeRecord.model_validate_json(output.read_text(encoding="utf-8"))
    item = next(item for item in record.catalogue if SCRIPT in item.content)

    # The page's Content-Security-Policy would block inline scripts on its own; bypassing it
    # leaves escaping as the only defence, which is what this test is about.
    with serving(tmp_path / "out", tmp_path / "corrections") as url, \
            browser_page(browser, bypass_csp=True) as (page, dialogs):
        page.goto(f"{url}/notice/hostile.json")
        source = page.locator("#source")
        expect(source).to_contain_text(SCRIPT)
        expect(source).to_contain_text(IMAGE)
        expect(value_cell(page, item.id, "/content").locator(".value-text")).to_contain_text(SCRIPT)
        injected = "#source script, #source img, #records script, #records img"
        assert page.locator(injected).count() == 0
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert dialogs == []

        # The page's own script runs, and so would an injected handler: the checks above hold.
        page.locator("#filter-flagged").check()
        expect(page.locator("body")).to_contain_class("only-flagged")
        page.evaluate("""document.body.insertAdjacentHTML(
            "beforeend", '<img src="/no-such-image" onerror="window.__probe = 1">')""")
        page.wait_for_function("window.__probe === 1")
        assert page.evaluate("typeof window.__pwned") == "undefined" and dialogs == []


# --- two reviewers at once -------------------------------------------------------------------


def save_in_page(page: Page, cell: Locator, value: str) -> None:
    cell.locator("button.edit").click()
    cell.locator(".edit-input").fill(value)
    cell.locator("button.save").click()


def test_a_conflicting_save_shows_the_other_change_and_saves_again(browser, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(NOTICE, inputs / NOTICE.name)
    assert pipeline_main(["extract", str(inputs), "--out", str(tmp_path / "out"),
                          "--corrections", str(tmp_path / "corrections")]) == 0
    record = NoticeRecord.model_validate_json((tmp_path / "out" / OUTPUT).read_text(encoding="utf-8"))
    item = catalogue_item(record, CORRECTED_SEQ)
    with serving(tmp_path / "out", tmp_path / "corrections") as url, \
            browser_page(browser) as (first, _), browser_page(browser) as (second, _):
        for page, name in ((first, "甲"), (second, "乙")):  # both open the notice first
            page.goto(f"{url}/notice/{OUTPUT}")
            page.locator("#reviewer-name").fill(name)
        mine = value_cell(first, item.id, FIELD)
        save_in_page(first, mine, CORRECTED_VALUE)
        expect(mine.locator(".edit-message.ok")).to_be_visible()

        theirs = value_cell(second, item.id, "/name")
        save_in_page(second, theirs, "百岁老人补贴")
        expect(theirs.locator(".edit-message.error")).to_contain_text("another reviewer")
        expect(theirs.locator(".conflict")).to_contain_text(f"甲 ")
        expect(theirs.locator(".conflict")).to_contain_text(CORRECTED_VALUE)
        expect(theirs.locator("button.save")).to_have_text("Save again")
        theirs.locator("button.save").click()  # re-applied on the version now stored
        expect(theirs.locator(".edit-message.ok")).to_be_visible()
        expect(theirs.locator(".conflict")).to_have_count(0)
        expect(theirs.locator("button.save")).to_have_text("Save")
    stored = corrections_for(tmp_path / "corrections", record.notice_id)
    assert [(entry.author, entry.field) for entry in stored.corrections] == [
        ("甲", FIELD), ("乙", "/name")]
