"""Exports of an output folder: every record and unit round-trips, in every format."""
from __future__ import annotations

import argparse
import codecs
import csv
import json
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.export import FORMATS, add_export_parser, export_outputs, run_export
from tests.conftest import ROOT, SAMPLES

QUERIES = ROOT / "docs" / "queries.sql"
TABLE_FORMATS = ("csv", "parquet", "duckdb")
TABLES = ("notices", "catalogue_items", "tasks", "units", "quantities")
NOT_A_RECORD = "notes/settings.json"  # JSON, but no notice record
BROKEN = "broken.json"  # not even JSON


# --- fixtures: one extraction of the text samples, exported once to each format -------


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    """`extract samples/txt`, plus files an export must skip or report."""
    out = tmp_path_factory.mktemp("run") / "outputs"
    status = main(["extract", str(SAMPLES / "txt"), "--out", str(out),
                   "--corrections", str(out.parent / "no-corrections")])
    assert status == 0 and (out / "_run_summary.json").exists()
    record = next(out.glob("*.json"))
    (out / "_debug" / "notice").mkdir(parents=True)
    shutil.copy(record, out / "_debug" / "notice" / "blocks.json")  # private folder
    shutil.copy(record, out / "_copy.json")  # private file
    (out / "notes").mkdir()
    (out / NOT_A_RECORD).write_text('{"theme": "dark"}', encoding="utf-8")
    (out / BROKEN).write_text("{", encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def records(outputs) -> list[dict]:
    """The notice records, in the order an export must keep: by file path."""
    paths = sorted(path for path in outputs.glob("*.json")
                   if not path.name.startswith("_") and path.name != BROKEN)
    return [json.loads(path.read_text(encoding="utf-8")) for path in paths]


@pytest.fixture(scope="module")
def exports(outputs):
    dest = outputs.parent / "exports"
    return {to: export_outputs(outputs, to, dest / ("notices.duckdb" if to == "duckdb" else to))
            for to in FORMATS}


def expected_rows(records: list[dict]) -> dict[str, list[tuple]]:
    """Key columns of every table, read straight from the JSON records."""
    rows: dict[str, list[tuple]] = {table: [] for table in TABLES}
    for record in records:
        rows["notices"].append((record["notice_id"],))
        for kind, member_list, table, members, quantities in (
                ("catalogue", "catalogue", "catalogue_items", ("lead_units",), "amounts"),
                ("task", "tasks", "tasks", ("lead_units", "responsible_units"), "figures")):
            for item in record[member_list]:
                rows[table].append((item["id"],))
                for member in members:
                    role = member.split("_")[0]
                    rows["units"] += [(item["id"], kind, role, position, unit)
                                      for position, unit in enumerate(item[member], start=1)]
                rows["quantities"] += [(item["id"], kind, position, float(q["value"]), q["unit"],
                                        q["text"])
                                       for position, q in enumerate(item[quantities], start=1)]
    return rows


KEYS = {"notices": ("notice_id",), "catalogue_items": ("id",), "tasks": ("id",),
        "units": ("record_id", "record_kind", "role", "position", "unit"),
        "quantities": ("record_id", "record_kind", "position", "value", "unit", "text")}
NUMBERS = {"position": int, "value": float}


def read_tables(report) -> dict[str, list[dict]]:
    """Every table of a csv, parquet or duckdb export, as dicts of column -> value."""
    if report.format == "duckdb":
        with duckdb.connect(str(report.files[0].path), read_only=True) as connection:
            return {table: [dict(zip(relation.columns, row)) for row in relation.fetchall()]
                    for table in TABLES
                    for relation in [connection.sql(f"SELECT * FROM {table}")]}
    tables = {}
    for written in report.files:
        (table,) = written.tables
        if report.format == "csv":
            with written.path.open(encoding="utf-8-sig", newline="") as stream:
                tables[table] = list(csv.DictReader(stream))
        else:
            tables[table] = pq.read_table(written.path).to_pylist()
    return tables


def key_rows(rows: list[dict], table: str) -> list[tuple]:
    return [tuple(NUMBERS.get(key, lambda value: value)(row[key]) for key in KEYS[table])
            for row in rows]


# --- round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize("to", TABLE_FORMATS)
def test_every_record_unit_and_quantity_is_exported_in_order(exports, records, to):
    expected = expected_rows(records)
    tables = read_tables(exports[to])
    assert exports[to].tables == {table: len(expected[table]) for table in TABLES}
    for table in TABLES:
        assert key_rows(tables[table], table) == expected[table], table
    assert len(expected["units"]) > 100 and len(expected["quantities"]) > 20  # not vacuous


@pytest.mark.parametrize("to", ("parquet", "duckdb"))
def test_typed_columns_hold_the_json_values(exports, records, to):
    tables = read_tables(exports[to])
    items = [item for record in records for item in record["catalogue"]]
    tasks = [task for record in records for task in record["tasks"]]
    assert [row["lead_units"] for row in tables["catalogue_items"]] == \
        [item["lead_units"] for item in items]
    assert [row["min_age"] for row in tables["catalogue_items"]] == \
        [item["min_age"] for item in items]
    assert [row["deadline_years"] for row in tables["tasks"]] == \
        [task["deadline_years"] for task in tasks]
    assert [row["path"] for row in tables["tasks"]] == [task["path"] for task in tasks]
    assert [str(row["date"]) for row in tables["notices"]] == \
        [record["document"]["date"] for record in records]


def test_csv_files_start_with_a_bom_and_join_lists(exports, records):
    tables = read_tables(exports["csv"])
    for written in exports["csv"].files:
        assert written.path.read_bytes().startswith(codecs.BOM_UTF8), written.path.name
    assert list(tables["units"][0])[0] == "notice_id"  # the BOM is not part of the header
    tasks = [task for record in records for task in record["tasks"]]
    assert [row["responsible_units"] for row in tables["tasks"]] == \
        ["、".join(task["responsible_units"]) for task in tasks]
    assert any("、" in row["responsible_units"] for row in tables["tasks"])


def test_jsonl_lines_are_the_records_with_kind_and_notice_id(exports, records):
    lines = {written.path.stem: [json.loads(line) for line in
                                 written.path.read_text(encoding="utf-8").splitlines()]
             for written in exports["jsonl"].files}
    assert [(line["kind"], line["notice_id"]) for line in lines["notices"]] == \
        [("notice", record["notice_id"]) for record in records]
    for kind, table, member in (("catalogue", "catalogue_items", "catalogue"),
                                ("task", "tasks", "tasks")):
        expected = [{"kind": kind, "notice_id": record["notice_id"], **item}
                    for record in records for item in record[member]]
        assert lines[table] == expected  # whole records: units, amounts, sources
    assert exports["jsonl"].tables == {table: len(rows) for table, rows in lines.items()}


def test_exports_are_byte_identical_when_repeated(outputs, exports, tmp_path):
    for to in ("jsonl", "csv", "parquet"):
        again = export_outputs(outputs, to, tmp_path / to)
        for first, second in zip(exports[to].files, again.files, strict=True):
            assert first.path.read_bytes() == second.path.read_bytes(), first.path.name


ELIGIBILITY = {"text": "80周岁及以上低保老年人", "min_age": 80, "max_age": None,
               "economic": ["低保", "特困"], "care_need": [], "disability": False, "family": [],
               "special_contribution": False, "other": []}


def test_eligibility_is_flattened_into_columns(outputs, tmp_path):
    record = json.loads(next(path for path in sorted(outputs.glob("*.json"))
                             if path.name != BROKEN).read_text(encoding="utf-8"))
    record["catalogue"][0]["eligibility"] = ELIGIBILITY
    record["catalogue"][1]["eligibility"] = None  # a target group not read as conditions
    (tmp_path / "outputs").mkdir()
    (tmp_path / "outputs" / "notice.json").write_text(json.dumps(record), encoding="utf-8")
    parquet = export_outputs(tmp_path / "outputs", "parquet", tmp_path / "parquet")
    csv_export = export_outputs(tmp_path / "outputs", "csv", tmp_path / "csv")
    first_parquet = read_tables(parquet)["catalogue_items"][0]
    first_csv = read_tables(csv_export)["catalogue_items"][0]
    assert first_parquet["eligibility_min_age"] == 80
    assert first_parquet["eligibility_economic"] == ["低保", "特困"]
    assert first_parquet["eligibility_disability"] is False
    assert (first_csv["eligibility_economic"], first_csv["eligibility_disability"]) == \
        ("低保、特困", "false")
    assert read_tables(parquet)["catalogue_items"][1]["eligibility_text"] is None


# --- DuckDB: schema and the documented queries ------------------------------------------


def queries() -> list[str]:
    code = "\n".join(line for line in QUERIES.read_text(encoding="utf-8").splitlines()
                     if not line.lstrip().startswith("--"))
    return [statement for statement in code.split(";") if statement.strip()]


def test_documented_queries_run_and_find_the_high_age_allowances(exports, records):
    with duckdb.connect(str(exports["duckdb"].files[0].path), read_only=True) as connection:
        results = [connection.sql(query) for query in queries()]
        assert len(results) == 3
        allowance, units, deadlines = [(result.columns, result.fetchall()) for result in results]
    columns, rows = allowance
    column = {name: index for index, name in enumerate(columns)}
    found = sorted(((row[column["region"]], row[column["name"]], row[column["value"]],
                     row[column["text"]]) for row in rows), key=str)
    allowances = [(record["document"]["region"], item) for record in records
                  for item in record["catalogue"] if "高龄" in item["name"]]
    expected = sorted([(region, item["name"], float(amount["value"]), amount["text"])
                       for region, item in allowances for amount in item["amounts"]]
                      + [(region, item["name"], None, None)  # an allowance without an amount
                         for region, item in allowances if not item["amounts"]], key=str)
    assert found == expected
    assert any(value == 500.0 for _, _, value, _ in found)
    assert units[1] and units[0][:2] == ["unit", "tasks"]
    assert deadlines[1] and all(row[1] >= 2000 for row in deadlines[1])


def test_duckdb_tables_have_keys_and_types(exports):
    with duckdb.connect(str(exports["duckdb"].files[0].path), read_only=True) as connection:
        keys = connection.sql("SELECT table_name, constraint_column_names FROM duckdb_constraints()"
                              " WHERE constraint_type = 'PRIMARY KEY'").fetchall()
        types = dict(connection.sql(
            "SELECT table_name || '.' || column_name, data_type FROM duckdb_columns()").fetchall())
    assert sorted((table, list(columns)) for table, columns in keys) == [
        ("catalogue_items", ["id"]), ("notices", ["notice_id"]),
        ("quantities", ["record_id", "position"]),
        ("tasks", ["id"]), ("units", ["record_id", "role", "position"])]
    assert types["notices.date"] == "DATE"
    assert types["tasks.deadline_years"] == "INTEGER[]"
    assert types["catalogue_items.lead_units"] == "VARCHAR[]"
    assert types["quantities.value"] == "DOUBLE"


# --- what is skipped, and the command ----------------------------------------------------


@pytest.mark.parametrize("to", FORMATS)
def test_private_files_are_skipped_and_non_records_reported(exports, to):
    skipped = [(item.path, item.code) for item in exports[to].skipped]
    assert skipped == [(BROKEN, "X002_invalid_json"), (NOT_A_RECORD, "X003_not_a_record")]


def test_a_second_copy_of_a_notice_is_reported_not_exported(outputs, tmp_path):
    folder = tmp_path / "outputs"
    record = next(path for path in sorted(outputs.glob("*.json")) if path.name != BROKEN)
    for place in ("a", "b"):
        (folder / place).mkdir(parents=True)
        shutil.copy(record, folder / place / record.name)
    report = export_outputs(folder, "csv", tmp_path / "csv")
    assert report.tables["notices"] == 1
    assert [(item.path, item.code) for item in report.skipped] == \
        [(f"b/{record.name}", "X004_duplicate_notice")]


def run_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    add_export_parser(parser.add_subparsers(dest="command"))
    return run_export(parser.parse_args(argv))


def test_command_writes_beside_the_output_folder_and_prints_counts(outputs, records, tmp_path,
                                                                   capsys):
    folder = tmp_path / "outputs" / "txt"
    shutil.copytree(outputs, folder)
    assert run_command(["export", str(folder), "--to", "duckdb"]) == 0
    printed = capsys.readouterr()
    database = tmp_path / "outputs" / "exports" / "notices.duckdb"
    assert database.exists()
    counts = (len(records), sum(len(record["catalogue"]) for record in records),
              sum(len(record["tasks"]) for record in records))
    assert f"{database}: notices {counts[0]}, catalogue_items {counts[1]}, tasks {counts[2]}" \
        in printed.out
    assert f"skipped {NOT_A_RECORD}: [X003_not_a_record]" in printed.err
    assert run_command(["export", str(folder), "--to", "csv"]) == 0
    assert (tmp_path / "outputs" / "exports" / "csv" / "units.csv").exists()


def test_command_fails_on_a_folder_without_records(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert run_command(["export", str(tmp_path / "empty"), "--to", "csv",
                        "--dest", str(tmp_path / "csv")]) == 1
    assert run_command(["export", str(tmp_path / "missing"), "--to", "csv"]) == 2
    assert "not an output folder" in capsys.readouterr().err
