"""Excel workbooks: every sheet, merged ranges, title and notes rows, numbers, locators."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from pipeline.assemble import extract_notice
from pipeline.errors import ExtractionError
from pipeline.ingest import read_document, sniff_format
from pipeline.model import BlockKind


def workbook(build) -> bytes:
    book = Workbook()
    build(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def catalogue(book):
    sheet = book.active
    sheet.title = "清单"
    sheet.append(["某市基本养老服务清单"])
    sheet.merge_cells("A1:E1")
    sheet.append(["序号", "服务对象", "服务项目", "服务内容", "牵头部门"])
    sheet.append([1, "80周岁及以上老年人", "高龄津贴", "每人每月100元", "市民政局"])
    sheet.append([2.0, None, "百岁补贴", "每人每月300元", "市民政局、市卫健委"])
    sheet.merge_cells("B3:B4")
    sheet.append(["二、照护服务"])
    sheet.merge_cells("A5:E5")
    sheet.append([3, "失能老年人", "护理补贴", "每人每月60元", "市民政局"])
    sheet.append(["注：表中标准为最低标准。"])
    book.create_sheet("说明").append(["本清单自发布之日起施行。"])
    hidden = book.create_sheet("草稿")
    hidden.append(["不应读出的草稿"])
    hidden.sheet_state = "hidden"


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    path = tmp_path_factory.mktemp("excel") / "清单.xlsx"
    path.write_bytes(workbook(catalogue))
    return read_document(path)


def test_a_workbook_is_sniffed_from_its_bytes():
    assert sniff_format(workbook(catalogue)) == "xlsx"


def test_every_visible_sheet_is_read_in_order(document):
    assert document.format == "xlsx" and document.warnings == []
    assert document.text.splitlines() == [
        "某市基本养老服务清单", "序号\t服务对象\t服务项目\t服务内容\t牵头部门",
        "1\t80周岁及以上老年人\t高龄津贴\t每人每月100元\t市民政局",
        "2\t80周岁及以上老年人\t百岁补贴\t每人每月300元\t市民政局、市卫健委",
        "二、照护服务", "3\t失能老年人\t护理补贴\t每人每月60元\t市民政局",
        "注：表中标准为最低标准。", "本清单自发布之日起施行。"]


def test_title_and_notes_are_paragraphs_a_category_stays_a_row(document):
    kinds = [block.kind for block in document.blocks]
    assert kinds == [BlockKind.paragraph] + [BlockKind.table_row] * 5 + [BlockKind.paragraph] * 2
    assert [cell.text for cell in document.blocks[4].cells] == ["二、照护服务"]


def test_a_merged_range_is_read_as_merged_with_excel_locators(document):
    merged = document.blocks[3].cells[1]
    assert (merged.text, merged.inherited, merged.span.locator) == ("80周岁及以上老年人", True, "清单!B3")
    assert document.blocks[3].cells[0].span.locator == "清单!A4"


def test_a_workbook_catalogue_gives_its_items_with_no_inferred_group(document):
    record = extract_notice(document.model_copy(update={"sha256": "0" * 64}))
    assert [(item.seq, item.target_group, item.name, item.service_type, item.lead_units)
            for item in record.catalogue] == [
        (1, "80周岁及以上老年人", "高龄津贴", None, ["市民政局"]),
        (2, "80周岁及以上老年人", "百岁补贴", None, ["市民政局", "市卫健委"]),
        (3, "失能老年人", "护理补贴", "照护服务", ["市民政局"])]
    assert not [flag for item in record.catalogue for flag in item.flags
                if flag.code == "target_group_carried"]
    assert record.catalogue[1].sources["target_group"].locator == "清单!B3"
    assert record.document.title == "某市基本养老服务清单"


def test_a_damaged_workbook_is_a_coded_error(tmp_path):
    path = tmp_path / "broken.xlsx"
    data = workbook(catalogue)
    path.write_bytes(data[:len(data) * 6 // 10])  # cut short: the zip's directory is lost
    with pytest.raises(ExtractionError) as error:
        read_document(path)
    assert error.value.code == "E011_corrupt"


def test_an_old_workbook_is_read_through_libreoffice(tmp_path):
    import shutil
    import subprocess

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    source = tmp_path / "清单.xlsx"
    source.write_bytes(workbook(catalogue))
    subprocess.run(["soffice", "--headless", "--convert-to", "xls", "--outdir", str(tmp_path),
                    str(source)], check=True, capture_output=True, timeout=120)
    old = read_document(tmp_path / "清单.xls")
    assert old.format == "xls"
    assert old.text.splitlines()[2] == "1\t80周岁及以上老年人\t高龄津贴\t每人每月100元\t市民政局"


def test_a_stray_value_at_the_sheets_far_corner_is_too_large(tmp_path):
    def stray(book):
        catalogue(book)
        book.active["XFD1048576"] = "x"

    path = tmp_path / "notice.xlsx"
    path.write_bytes(workbook(stray))
    with pytest.raises(ExtractionError) as caught:
        read_document(path)
    assert caught.value.code == "E014_too_large" and "清单" in str(caught.value)
