"""Command line: `python -m pipeline extract PATH... --out DIR`."""
from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from pipeline.export.cli import add_export_parser, run_export
from pipeline.guard import DEFAULT_MEMORY_MB, DEFAULT_TIME_S, Limits
from pipeline.match import add_match_parser, run_match
from pipeline.model import RunStatus
from pipeline.progress import BatchProgress, progress_bar
from pipeline.run import RunOptions, plan_jobs, run_jobs, summarise
from pipeline.run_lock import EXIT_FOLDER_BUSY, OutputFolderBusy, output_folder_lock
from pipeline.status import DEFAULT_RUNS_SHOWN, status_report
from pipeline.validate import schema_path, notice_schema
from pipeline.write import write_json_atomic, write_run_summary


def write_schema(folder: Path) -> Path:
    """Regenerate the checked-in schema of the current version from the models."""
    path = folder / schema_path().name
    write_json_atomic(path, notice_schema())
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline",
                                     description="Extract elderly-care notices into JSON.")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="extract notices into one JSON file each")
    extract.add_argument("paths", nargs="+", type=Path, help="notice files or folders")
    extract.add_argument("--out", type=Path, default=Path("outputs"),
                         help="output folder (default: outputs)")
    extract.add_argument("--corrections", type=Path, default=Path("corrections"),
                         help="reviewers' corrections to apply (default: corrections)")
    extract.add_argument("--debug", action="store_true",
                         help="also write each stage's intermediates under OUT/_debug/")
    extract.add_argument("--attach", nargs="+", action="append", type=Path, default=[],
                         metavar=("NOTICE", "FILE"),
                         help="read FILE... as attachments of NOTICE (repeatable); folders' "
                              "files named 附件… are attached without it (see README)")
    add_limit_options(extract)
    add_export_parser(commands)
    add_match_parser(commands)
    review = commands.add_parser("review", help="serve the review page for an output folder")
    review.add_argument("outputs", nargs="?", type=Path, default=Path("outputs"))
    review.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    review.add_argument("--port", type=int, default=8765)
    review.add_argument("--allow-host", dest="allow_hosts", action="extend", nargs="+", default=[],
                        metavar="NAME", help="host names the page is reached by; needed to bind "
                                             "any address but loopback")
    review.add_argument("--corrections", type=Path, default=Path("corrections"))
    status = commands.add_parser("status", help="the last runs into an output folder and what "
                                                "needs a reviewer (no server needed)")
    status.add_argument("outputs", nargs="?", type=Path, default=Path("outputs"))
    status.add_argument("--runs", type=int, default=DEFAULT_RUNS_SHOWN,
                        help=f"runs to list (default: {DEFAULT_RUNS_SHOWN})")
    schema = commands.add_parser("schema", help="write the JSON Schema of the output files")
    schema.add_argument("--out", type=Path, default=Path("schemas"),
                        help="schema folder (default: schemas)")
    args = parser.parse_args(argv)
    if args.command == "schema":
        print(write_schema(args.out))
        return 0
    if args.command == "status":
        print(status_report(args.outputs, args.runs))
        return 0
    if args.command == "export":
        return run_export(args)
    if args.command == "match":
        return run_match(args)
    if args.command == "review":
        from pipeline.review.server import serve  # the web layer loads only when asked for

        try:
            serve(args.outputs, host=args.host, port=args.port, corrections_dir=args.corrections,
                  allow_hosts=args.allow_hosts)
        except ValueError as error:
            parser.error(str(error))
        return 0
    if any(len(given) < 2 for given in args.attach):
        parser.error("--attach takes a notice and at least one attachment file")
    attach = {given[0]: given[1:] for given in args.attach}
    return run_extract(args.paths, args.out, corrections_dir=args.corrections, debug=args.debug,
                       attach=attach, limits=limits_from(args))


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """--time-limit and --memory-limit: what one notice may take (see pipeline/guard.py)."""
    parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_S, metavar="SECONDS",
                        help="stop reading a notice after this long: E013_timeout "
                             f"(default: {DEFAULT_TIME_S:g})")
    parser.add_argument("--memory-limit", type=int, default=DEFAULT_MEMORY_MB, metavar="MIB",
                        help="stop reading a notice past this much memory: E014_too_large "
                             f"(default: {DEFAULT_MEMORY_MB})")


def limits_from(args: argparse.Namespace) -> Limits:
    return Limits(time_s=args.time_limit, memory_mb=args.memory_limit)



def run_extract(paths: list[Path], out_dir: Path, corrections_dir: Path | None = None,
                debug: bool = False, attach: dict[Path, list[Path]] | None = None,
                limits: Limits | None = Limits()) -> int:
    """Extract every notice; exit status 1 when any file failed, 2 when another run holds
    the output folder. `attach` maps a notice to its attachment files; a notice named
    there need not be among `paths`. Each notice is read in a worker process under
    `limits` (None: in this process, unguarded)."""
    try:
        with output_folder_lock(out_dir):
            return _run_extract(paths, out_dir, corrections_dir, debug, attach, limits)
    except OutputFolderBusy as busy:
        print(f"refused: {busy}", file=sys.stderr)
        return EXIT_FOLDER_BUSY


def _run_extract(paths: list[Path], out_dir: Path, corrections_dir: Path | None, debug: bool,
                 attach: dict[Path, list[Path]] | None, limits: Limits | None) -> int:
    started = datetime.now(timezone.utc)
    options = RunOptions(corrections_dir=corrections_dir,
                         debug_dir=out_dir / "_debug" if debug else None, limits=limits)
    paths = [*paths, *(notice for notice in attach or {} if not _covered(notice, paths))]
    jobs, outcomes = plan_jobs(paths, out_dir, attach)
    counts = BatchProgress(total=len(jobs))
    with progress_bar(len(jobs)) as advance:
        def report(job, outcome) -> None:
            advance(1)
            if (line := counts.add([outcome])) and not sys.stderr.isatty():
                print(line, file=sys.stderr)  # a log file gets lines where a terminal gets the bar

        outcomes += run_jobs(jobs, options, on_outcome=report)
    write_run_summary(out_dir, outcomes, started, datetime.now(timezone.utc), corrections_dir)
    print(summarise(outcomes), file=sys.stderr)
    return 1 if any(o.status is RunStatus.failure for o in outcomes) else 0


def _covered(notice: Path, paths: list[Path]) -> bool:
    """The notice is one of `paths` or in one of their folders."""
    target = notice.resolve()
    return any(target == path.resolve() or path.resolve() in target.parents for path in paths)


if __name__ == "__main__":
    sys.exit(main())
