"""Notice records to tables for analysts: JSON Lines, CSV, Parquet or a DuckDB database.

    export_outputs(Path("outputs/txt"), "duckdb", Path("outputs/exports/notices.duckdb"))
    python -m pipeline export outputs/txt --to duckdb

The stages, in data-flow order: `read` finds the records under an output
folder (skipping `_…` files and folders, reporting JSON that is no record),
`tables` flattens them into the tables declared there (notices,
catalogue_items, tasks, units, quantities), `formats` writes one format.
Rows follow the record files' paths, then the records' order in each file.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.export.formats import DUCKDB_FILE_NAME, WRITERS
from pipeline.export.read import outputs_to_notice_files
from pipeline.export.report import ExportReport, SkippedFile, WrittenFile

FORMATS = tuple(WRITERS)
EXPORTS_FOLDER = "exports"

__all__ = ["FORMATS", "ExportReport", "SkippedFile", "WrittenFile", "default_dest",
           "export_outputs", "add_export_parser", "run_export"]


def default_dest(outputs_dir: Path, to: str) -> Path:
    """Beside the output folder: exports/<format>/, or exports/notices.duckdb.

    >>> default_dest(Path("/data/outputs/txt"), "csv").as_posix()
    '/data/outputs/exports/csv'
    >>> default_dest(Path("/data/outputs/txt"), "duckdb").as_posix()
    '/data/outputs/exports/notices.duckdb'
    """
    exports = outputs_dir.resolve().parent / EXPORTS_FOLDER
    return exports / DUCKDB_FILE_NAME if to == "duckdb" else exports / to


def export_outputs(outputs_dir: Path, to: str, dest: Path) -> ExportReport:
    """Write every notice record under `outputs_dir` to `dest` in format `to`.

    `dest` is a folder for jsonl, csv and parquet, and the database file for
    duckdb (or a folder to put notices.duckdb in). Files that are not notice
    records are skipped and listed in the report; nothing is validated again.
    """
    if to not in WRITERS:
        raise ValueError(f"unknown export format {to!r}: one of {', '.join(FORMATS)}")
    if not outputs_dir.is_dir():
        raise NotADirectoryError(f"not an output folder: {outputs_dir}")
    notices, skipped = outputs_to_notice_files(outputs_dir)
    files = WRITERS[to](notices, dest)
    tables = {name: rows for written in files for name, rows in written.tables.items()}
    return ExportReport(format=to, dest=dest, tables=tables, files=files, skipped=skipped)


from pipeline.export.cli import add_export_parser, run_export  # noqa: E402  (uses the above)
