"""One writer per export format, in a plain dict keyed by format name.

Every writer takes the notice files and a destination and returns the files
it wrote with their row counts. Files are written beside their destination
and renamed into place, so a reader never sees half an export file.
"""
from __future__ import annotations

import csv
import json
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any


from pipeline.export.read import NoticeFile
from pipeline.export.report import WrittenFile
from pipeline.export.tables import ColumnType, Table, TableSpec, notices_to_tables

# CSV: the BOM lets spreadsheet programs recognise UTF-8 (and show Chinese text).
CSV_ENCODING = "utf-8-sig"
CSV_LIST_SEPARATOR = "、"
DUCKDB_FILE_NAME = "notices.duckdb"



def arrow_types():
    """Arrow type per column type; pyarrow loads only when Arrow is written, not for every CLI call."""
    import pyarrow as pa

    return {
        ColumnType.text: pa.string(), ColumnType.int: pa.int32(), ColumnType.float: pa.float64(),
        ColumnType.bool: pa.bool_(), ColumnType.date: pa.date32(),
        ColumnType.text_list: pa.list_(pa.string()), ColumnType.int_list: pa.list_(pa.int32()),
        ColumnType.json: pa.string(),
    }


DUCKDB_TYPES: dict[ColumnType, str] = {
    ColumnType.text: "VARCHAR", ColumnType.int: "INTEGER", ColumnType.float: "DOUBLE",
    ColumnType.bool: "BOOLEAN", ColumnType.date: "DATE", ColumnType.text_list: "VARCHAR[]",
    ColumnType.int_list: "INTEGER[]", ColumnType.json: "JSON",
}


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path`, renamed onto it when the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not mkstemp: its files are private (0600), and exports are meant to be shared.
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        yield Path(temporary)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


# --- JSON Lines: the records whole, one file per kind -----------------------------------


def notices_to_jsonl(notices: list[NoticeFile], dest: Path) -> list[WrittenFile]:
    """notices.jsonl, catalogue_items.jsonl, tasks.jsonl: every line a whole record.

    Each line starts with `kind` (notice, catalogue or task) and `notice_id`;
    catalogue items and tasks are the records as in the JSON, sources and
    spans included; a notice line has the record without its catalogue and
    tasks, and their counts instead.
    """
    lines: dict[str, list[dict[str, Any]]] = {"notices": [], "catalogue_items": [], "tasks": []}
    for notice in notices:
        record, notice_id = notice.record, notice.record["notice_id"]
        head = {key: value for key, value in record.items() if key not in ("catalogue", "tasks")}
        lines["notices"].append({"kind": "notice", "notice_id": notice_id, **head,
                                 "file": notice.path,
                                 "catalogue_items": len(record["catalogue"]),
                                 "tasks": len(record["tasks"])})
        lines["catalogue_items"] += [{"kind": "catalogue", "notice_id": notice_id, **item}
                                     for item in record["catalogue"]]
        lines["tasks"] += [{"kind": "task", "notice_id": notice_id, **task}
                           for task in record["tasks"]]
    written = []
    for name, rows in lines.items():
        path = dest / f"{name}.jsonl"
        with atomic_path(path) as temporary, temporary.open("w", encoding="utf-8") as stream:
            for row in rows:
                stream.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
        written.append(WrittenFile(path=path, tables={name: len(rows)}))
    return written


# --- CSV -------------------------------------------------------------------------------


def csv_cell(value: Any) -> str:
    """A value as CSV text: lists joined with 、, objects as JSON, null as empty.

    >>> csv_cell(["市民政局", "市财政局"])
    '市民政局、市财政局'
    >>> csv_cell([2025, 2027])
    '2025、2027'
    >>> csv_cell(None), csv_cell(True), csv_cell(300), csv_cell(2.5)
    ('', 'true', '300', '2.5')
    >>> csv_cell({"units_inherited": 2})
    '{"units_inherited": 2}'
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return CSV_LIST_SEPARATOR.join(str(element) for element in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def notices_to_csv(notices: list[NoticeFile], dest: Path) -> list[WrittenFile]:
    """One CSV file per table, UTF-8 with BOM, a header row of column names."""
    written = []
    for table in notices_to_tables(notices):
        path = dest / f"{table.spec.name}.csv"
        with atomic_path(path) as temporary, \
                temporary.open("w", encoding=CSV_ENCODING, newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(table.spec.column_names)
            writer.writerows([csv_cell(value) for value in row] for row in table.rows)
        written.append(WrittenFile(path=path, tables={table.spec.name: len(table.rows)}))
    return written


# --- Arrow: Parquet and DuckDB ------------------------------------------------------------


def table_to_arrow(table: Table):
    """The table with typed columns; each column's description kept as field metadata."""
    import pyarrow as pa

    types = arrow_types()
    fields, arrays = [], []
    for index, column in enumerate(table.spec.columns):
        values = [row[index] for row in table.rows]
        if column.type is ColumnType.date:
            values = [date.fromisoformat(value) if value else None for value in values]
        elif column.type is ColumnType.json:
            values = [None if value is None else json.dumps(value, ensure_ascii=False)
                      for value in values]
        fields.append(pa.field(column.name, types[column.type],
                               nullable=not column.required,
                               metadata={"description": column.description}))
        arrays.append(pa.array(values, type=types[column.type]))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def notices_to_parquet(notices: list[NoticeFile], dest: Path) -> list[WrittenFile]:
    import pyarrow.parquet as pq

    written = []
    for table in notices_to_tables(notices):
        path = dest / f"{table.spec.name}.parquet"
        with atomic_path(path) as temporary:
            pq.write_table(table_to_arrow(table), temporary)
        written.append(WrittenFile(path=path, tables={table.spec.name: len(table.rows)}))
    return written


def spec_to_ddl(spec: TableSpec) -> str:
    """CREATE TABLE for DuckDB: types, NOT NULL, closed vocabularies, keys."""
    lines = []
    for column in spec.columns:
        line = f"{column.name} {DUCKDB_TYPES[column.type]}"
        if column.required:
            line += " NOT NULL"
        if column.choices:
            line += f" CHECK ({column.name} IN ({', '.join(map(sql_text, column.choices))}))"
        lines.append(line)
    lines.append(f"PRIMARY KEY ({', '.join(spec.primary_key)})")
    if spec.references_notices:
        lines.append("FOREIGN KEY (notice_id) REFERENCES notices (notice_id)")
    return f"CREATE TABLE {spec.name} (\n    " + ",\n    ".join(lines) + "\n)"


def sql_text(text: str) -> str:
    """A SQL string literal.

    >>> sql_text("it's")
    "'it''s'"
    """
    return "'" + text.replace("'", "''") + "'"


def spec_to_comments(spec: TableSpec) -> list[str]:
    """COMMENT ON statements, so the descriptions show in duckdb_columns()."""
    statements = [f"COMMENT ON TABLE {spec.name} IS {sql_text(spec.description)}"]
    statements += [f"COMMENT ON COLUMN {spec.name}.{column.name} IS {sql_text(column.description)}"
                   for column in spec.columns]
    return statements


def duckdb_file(dest: Path) -> Path:
    """The database file: `dest` itself, or notices.duckdb inside an existing folder."""
    return dest / DUCKDB_FILE_NAME if dest.is_dir() else dest


def notices_to_duckdb(notices: list[NoticeFile], dest: Path) -> list[WrittenFile]:
    """One DuckDB database with every table, built anew (an existing file is replaced)."""
    import duckdb  # loaded only for this format

    path = duckdb_file(dest)
    tables = notices_to_tables(notices)
    with atomic_path(path) as temporary:
        with duckdb.connect(str(temporary)) as connection:
            for table in tables:
                load_table(connection, table)
    return [WrittenFile(path=path, tables={table.spec.name: len(table.rows) for table in tables})]


def load_table(connection: Any, table: Table) -> None:
    connection.execute(spec_to_ddl(table.spec))
    for statement in spec_to_comments(table.spec):
        connection.execute(statement)
    columns = ", ".join(table.spec.column_names)
    connection.register("incoming", table_to_arrow(table))
    connection.execute(f"INSERT INTO {table.spec.name} ({columns}) SELECT {columns} FROM incoming")
    connection.unregister("incoming")


Writer = Callable[[list[NoticeFile], Path], list[WrittenFile]]

WRITERS: dict[str, Writer] = {
    "jsonl": notices_to_jsonl,
    "csv": notices_to_csv,
    "parquet": notices_to_parquet,
    "duckdb": notices_to_duckdb,
}
