"""OCR of scans: image-only PDF pages and image files read into the PDF reader's records.

Units of logic (ruled tables from an image, skew, which pages need OCR) are
tested on small images drawn here, without the recogniser. The end-to-end
tests read the scans in tests/fixtures/scans/ (made by make_samples.py from
the sample PDFs: a grey 200 dpi scan with pages fed askew, a photographed
catalogue page); OCR is slow on a CPU, so each scan is read once per run.
"""
import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.cli import run_extract
from pipeline.errors import ExtractionError
from pipeline.ingest import read_document, sniff_format
from pipeline.ingest.ocr.orient import deskew, estimate_skew
from pipeline.ingest.ocr.settings import OcrSettings
from pipeline.ingest.ocr.table_grid import (cells_to_table, image_to_rulings, rulings_to_cells,
                                            rulings_to_tables)
from pipeline.ingest.ocr.render import to_grey
from pipeline.ingest.pdf.grids import table_to_grid
from pipeline.ingest.pdf.lines import Glyph
from pipeline.ingest.pdf.settings import DEFAULT_SETTINGS
from pipeline.model import BlockKind
from tests.conftest import GOLD, OUTPUTS
from tests.gold.score import norm, score_document

SCANS = Path(__file__).resolve().parent / "fixtures" / "scans"
SCANNED_NOTICE = "004_96d89b5e45fd7fea"
PHOTO = "catalogue_page_photographed.png"
PHOTO_NOTICE = "001_a30600b97fcb8a62"  # the notice whose catalogue page was photographed
SETTINGS = OcrSettings()
# A scan scores at least this share of the text layer's score against the same gold.
MIN_SHARE_OF_TEXT_SCORE = 0.90


# --- units: ruled tables in an image ----------------------------------------------------------


def _ruled_image(merge_first_column: bool) -> np.ndarray:
    """A white page with a 3-column, 3-row ruled table; the first column's two lower cells
    merged (their border not drawn) when asked."""
    grey = np.full((400, 600), 255, np.uint8)
    xs, ys = [50, 200, 350, 550], [50, 150, 250, 350]
    for y in ys:
        grey[y - 1:y + 2, xs[0]:xs[-1] + 1] = 0
    for x in xs:
        grey[ys[0]:ys[-1] + 1, x - 1:x + 2] = 0
    if merge_first_column:
        grey[249:252, xs[0] + 2:xs[1] - 1] = 255
    return grey


def _cells(grey):
    horizontal, vertical = image_to_rulings(grey, SETTINGS)
    [(rows, columns)] = rulings_to_tables(horizontal, vertical, SETTINGS)
    return rulings_to_cells(rows, columns, SETTINGS)


def test_ruled_table_cells_come_from_the_crossings_of_its_rulings():
    cells = _cells(_ruled_image(merge_first_column=False))
    assert len(cells) == 9
    assert [round(value) for value in cells[0]] == [50, 50, 200, 150]


def test_a_missing_ruling_merges_the_cells_it_would_part():
    cells = _cells(_ruled_image(merge_first_column=True))
    assert len(cells) == 8
    assert [round(value) for value in cells[3]] == [50, 150, 200, 350]  # two rows high


def test_merged_cell_text_is_given_to_every_row_it_covers():
    table = cells_to_table([tuple(float(v) for v in cell)
                            for cell in _cells(_ruled_image(merge_first_column=True))])
    glyphs = [Glyph(text, x, y, x + 20, y + 20, 20) for text, x, y in
              [("对", 60, 240), ("象", 80, 240), ("甲", 210, 190), ("乙", 210, 290)]]
    grid = table_to_grid(table, glyphs, 1, DEFAULT_SETTINGS)
    assert [[cell.text for cell in row.cells[:2]] for row in grid.rows[1:]] == \
        [["对象", "甲"], ["对象", "乙"]]
    assert [row.cells[0].inherited for row in grid.rows[1:]] == [False, True]


def test_large_bold_characters_are_not_a_table():
    grey = np.full((400, 600), 255, np.uint8)
    grey[100:104, 100:140] = 0  # strokes of one large character: a cross and a frame
    grey[100:150, 100:104] = 0
    grey[100:150, 136:140] = 0
    grey[146:150, 100:140] = 0
    horizontal, vertical = image_to_rulings(grey, SETTINGS)
    assert rulings_to_tables(horizontal, vertical, SETTINGS) == []


# --- units: orientation and colour ------------------------------------------------------------


def _text_rows(angle: float) -> np.ndarray:
    """Rows of dark dashes like lines of print, turned by `angle` degrees."""
    image = Image.new("L", (800, 1000), 255)
    pixels = np.array(image)
    for top in range(100, 900, 60):
        for left in range(80, 720, 40):
            pixels[top:top + 24, left:left + 30] = 0
    return np.array(Image.fromarray(pixels).rotate(angle, fillcolor=255))


def test_skew_of_a_page_fed_askew_is_found_and_undone():
    assert abs(estimate_skew(_text_rows(0), SETTINGS)) < SETTINGS.min_skew
    level, angle = deskew(_text_rows(2.0), SETTINGS)
    assert abs(angle + 2.0) <= 0.2
    assert abs(estimate_skew(level, SETTINGS)) < SETTINGS.min_skew


def test_a_red_seal_is_taken_out_but_red_heading_characters_stay():
    pixels = np.full((600, 600, 3), 255, np.uint8)
    pixels[20:60, 20:60] = (220, 30, 30)  # a red heading character: small
    ring = np.zeros((600, 600), bool)
    yy, xx = np.mgrid[:600, :600]
    ring[(np.hypot(yy - 400, xx - 400) > 150) & (np.hypot(yy - 400, xx - 400) < 160)] = True
    pixels[ring] = (214, 38, 38)
    grey = to_grey(pixels, SETTINGS)
    assert grey[40, 40] < 128 and grey[400, 250] == 255


def test_images_are_recognised_by_their_bytes():
    assert sniff_format(b"\xff\xd8\xff\xe0 JFIF") == "image"
    assert sniff_format(b"MM\x00*\x00\x00") == "image"


# --- end to end -----------------------------------------------------------------------------


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(200, 200))
    return buffer.getvalue()


def test_an_image_without_text_is_refused_with_e010(tmp_path):
    blank = tmp_path / "blank.png"
    blank.write_bytes(_png(Image.new("L", (400, 300), 255)))
    with pytest.raises(ExtractionError) as raised:
        read_document(blank)
    assert raised.value.code == "E010_no_text_layer" and "OCR" in str(raised.value)


def test_multipage_tiff_pages_in_order_and_an_upside_down_page_turned(tmp_path):
    """Two frames cut from the scanned notice's first page, the second upside down."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(SCANS / f"{SCANNED_NOTICE}.pdf")
    page = pdf[0].render(scale=200 / 72, grayscale=True).to_pil().convert("L")
    pdf.close()
    heading = page.crop((150, 250, page.width - 150, 460))
    frames = [heading, heading.rotate(180)]
    tiff = tmp_path / "two_pages.tif"
    frames[0].save(tiff, "TIFF", save_all=True, append_images=frames[1:], dpi=(200, 200))
    document = read_document(tiff)
    assert document.format == "image"
    heading = "薛城区人民政府办公室" "关于进一步推进基本养老服务体系建设的通知"
    assert document.text.replace("\n", "") == heading * 2
    assert {block.span.page for block in document.blocks} == {1, 2}


@pytest.fixture(scope="module")
def scanned_outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("scans")
    run_extract([SCANS], out)
    return out


def _mean_score(gold_path: Path, record_path: Path) -> float:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    means = score_document(gold, json.loads(record_path.read_text(encoding="utf-8"))).means()
    return sum(means.values()) / len(means)


def test_a_scanned_notice_scores_nearly_as_its_text_layer(scanned_outputs):
    gold = GOLD / f"{SCANNED_NOTICE}.json"
    text_layer = _mean_score(gold, OUTPUTS / "pdf" / f"{SCANNED_NOTICE}.json")
    scanned = _mean_score(gold, scanned_outputs / f"{SCANNED_NOTICE}.json")
    assert scanned >= MIN_SHARE_OF_TEXT_SCORE * text_layer, (scanned, text_layer)


def test_values_read_by_ocr_keep_their_page_box_and_confidence(scanned_outputs):
    record = json.loads((scanned_outputs / f"{SCANNED_NOTICE}.json").read_text(encoding="utf-8"))
    assert record["source"]["format"] == "pdf"
    assert "text_from_ocr" in [warning["code"] for warning in record["warnings"]]
    span = record["catalogue"][0]["sources"]["name"]
    assert span["page"] >= 1 and len(span["bbox"]) == 4 and 0.5 <= span["confidence"] <= 1


def test_values_ocr_was_unsure_of_are_flagged_and_only_those(scanned_outputs):
    from pipeline.flags import OCR_LOW_CONFIDENCE

    for path in scanned_outputs.glob("*.json"):
        if path.name.startswith("_"):
            continue
        record = json.loads(path.read_text(encoding="utf-8"))
        for item in record["catalogue"] + record["tasks"]:
            unsure = {key.split("/")[0] for key, span in item["sources"].items()
                      if span.get("confidence", 1) < OCR_LOW_CONFIDENCE}
            flagged = {flag["field"] for flag in item["flags"]
                       if flag["code"] == "ocr_low_confidence"}
            assert flagged == unsure, item["id"]


def test_a_photographed_catalogue_page_gives_its_rows(scanned_outputs):
    record = json.loads((scanned_outputs / Path(PHOTO).with_suffix(".json").name)
                        .read_text(encoding="utf-8"))
    gold = json.loads((GOLD / f"{PHOTO_NOTICE}.json").read_text(encoding="utf-8"))
    printed = gold["catalogue"][:11]  # the rows on the photographed page
    names = [norm(item["name"]) for item in record["catalogue"]]
    assert names == [norm(item["name"]) for item in printed]
    assert [item["lead_units"] for item in record["catalogue"]] == \
        [item["lead_units"] for item in printed]
    assert all(item["target_group"] for item in record["catalogue"])



def test_review_page_shows_an_image_file_as_its_page(tmp_path):
    from pipeline.review.source import SourceReader, has_pages

    scan = tmp_path / "scan.png"
    scan.write_bytes(_png(Image.new("RGB", (1654, 2339), "white")))  # A4 at 200 dpi
    reader = SourceReader()
    assert has_pages(scan)
    [(x0, top, width, height)] = reader.page_sizes(scan).values()
    assert (round(width), round(height)) == (595, 842)  # points, as the OCR reader measures
    png = reader.page_png(scan, 1)
    assert png.startswith(b"\x89PNG") and reader.page_png(scan, 2) is None
