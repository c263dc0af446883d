"""`python -m pipeline export OUTPUT_DIR --to FORMAT [--dest DIR_OR_FILE]`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.export.report import ExportReport


def add_export_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The `export` command, added to the commands of `python -m pipeline`."""
    from pipeline.export import FORMATS

    parser = subparsers.add_parser(
        "export", help="export an output folder's records as tables",
        description="Export the notice records under an output folder to JSON Lines, CSV, "
                    "Parquet or a DuckDB database.")
    parser.add_argument("outputs", type=Path, help="output folder of `extract`")
    parser.add_argument("--to", required=True, choices=FORMATS, help="export format")
    parser.add_argument("--dest", type=Path, default=None,
                        help="folder (jsonl, csv, parquet) or database file (duckdb); "
                             "default: OUTPUTS/../exports/FORMAT/ or "
                             "OUTPUTS/../exports/notices.duckdb")
    return parser


def run_export(args: argparse.Namespace) -> int:
    """Export and print what was written; 1 when the folder held no record, 2 on bad input."""
    from pipeline.export import default_dest, export_outputs

    dest = args.dest if args.dest is not None else default_dest(args.outputs, args.to)
    try:
        report = export_outputs(args.outputs, args.to, dest)
    except (OSError, ValueError) as error:
        print(f"export failed: {error}", file=sys.stderr)
        return 2
    print(report_to_text(report))
    for skipped in report.skipped:
        print(f"skipped {skipped}", file=sys.stderr)
    if not report.tables.get("notices"):
        print(f"no notice records found under {args.outputs}", file=sys.stderr)
        return 1
    return 0


def report_to_text(report: ExportReport) -> str:
    """One line per file written, with the rows of each table in it."""
    lines = []
    for written in report.files:
        counts = ", ".join(f"{name} {rows}" for name, rows in written.tables.items())
        lines.append(f"{written.path}: {counts}")
    skipped = f", {len(report.skipped)} files skipped" if report.skipped else ""
    lines.append(f"exported {report.tables.get('notices', 0)} notices to {report.format}{skipped}")
    return "\n".join(lines)
