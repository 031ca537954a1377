"""The `interviewer` command: the desktop app with no subcommand, headless work with one."""

import argparse
import logging
import sys
import time
import uuid
from datetime import date
from pathlib import Path

from interviewer import __version__
from interviewer.errors import InterviewerError
from interviewer.export.options import ExportOptions, InterviewFilter
from interviewer.i18n import LANGUAGES
from interviewer.paths import DB_ENV_VAR, default_db_path


def _add_db_option(parser: argparse.ArgumentParser, *, top_level: bool) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        # on subcommands, an unset --db must not hide one given before the subcommand
        default=None if top_level else argparse.SUPPRESS,
        metavar="PATH",
        help=f"database file (default: ${DB_ENV_VAR}, else {default_db_path()})",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interviewer",
        description="Capture interviews offline. Without a command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_db_option(parser, top_level=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo", help="add realistic synthetic interviews (for tests and benchmarks)"
    )
    _add_db_option(demo, top_level=False)
    demo.add_argument(
        "--interviews",
        type=int,
        default=100,
        metavar="N",
        help="how many interviews to add (default 100)",
    )
    demo.add_argument(
        "--seed",
        type=int,
        default=1,
        metavar="S",
        help="the same seed gives the same interviews (default 1)",
    )
    demo.set_defaults(run=run_demo)

    check = commands.add_parser(
        "check", help="check a database read-only; exit 0 when healthy, 1 otherwise"
    )
    _add_db_option(check, top_level=False)
    check.set_defaults(run=run_check)

    backup = commands.add_parser(
        "backup", help="write a consistent copy of a database, safe while the app is open"
    )
    _add_db_option(backup, top_level=False)
    backup.add_argument(
        "-o", "--output", type=Path, required=True, metavar="FILE", help="where to write the copy"
    )
    backup.set_defaults(run=run_backup)

    export = commands.add_parser("export", help="export interviews to Word or Excel")
    formats = export.add_subparsers(dest="format", metavar="FORMAT", required=True)
    docx = formats.add_parser(
        "docx",
        help="Word: one interview's summary with --interview, else the study synthesis",
    )
    docx.add_argument(
        "--interview",
        type=uuid.UUID,
        metavar="UUID",
        help="the interview to summarise (without it: the study synthesis)",
    )
    xlsx = formats.add_parser("xlsx", help="Excel: the study workbook, a sheet per record type")
    for command in (docx, xlsx):
        _add_db_option(command, top_level=False)
        command.add_argument(
            "-o", "--output", type=Path, required=True, metavar="FILE", help="the file to write"
        )
        command.add_argument(
            "--language",
            choices=sorted(LANGUAGES),
            default="en",
            help="the language of the export (default en)",
        )
        command.add_argument(
            "--no-personal-data",
            action="store_true",
            help="leave out respondent names and other personal data",
        )
        command.add_argument(
            "--service-area",
            action="append",
            default=[],
            metavar="CODE",
            help="only this service area (code; may be repeated)",
        )
        command.add_argument(
            "--interviewer",
            action="append",
            default=[],
            metavar="NAME",
            help="only interviews by this interviewer (may be repeated)",
        )
        command.add_argument(
            "--status",
            choices=["draft", "complete"],
            help="only drafts, or only complete interviews",
        )
        command.add_argument(
            "--from",
            dest="date_from",
            type=date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="only interviews on or after this date",
        )
        command.add_argument(
            "--to",
            dest="date_to",
            type=date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="only interviews on or before this date",
        )
        command.set_defaults(run=run_export)
    return parser


def run_demo(args: argparse.Namespace) -> int:
    from interviewer.demo import generate_demo
    from interviewer.storage.database import open_database

    if args.interviews < 0:
        raise InterviewerError("--interviews must be 0 or more")
    database = open_database(args.db, backup=False)
    started = time.perf_counter()
    try:
        count = generate_demo(database, interviews=args.interviews, seed=args.seed)
    finally:
        database.close()
    seconds = time.perf_counter() - started
    print(f"{args.db}: added {count} demo interviews in {seconds:.1f} s")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from interviewer.storage.health import check_database

    report = check_database(args.db)
    print(report.summary())
    for problem in report.problems:
        print(f"  - {problem}")
    return 0 if report.healthy else 1


def run_backup(args: argparse.Namespace) -> int:
    from interviewer.storage.backup import backup_database
    from interviewer.storage.database import inspect_file

    if inspect_file(args.db) is None:
        raise InterviewerError(f"{args.db}: there is no database to back up")
    if args.output.resolve() == Path(args.db).resolve():
        raise InterviewerError("the backup must go to another file than the database")
    backup_database(args.db, args.output)
    print(f"{args.db}: backed up to {args.output}")
    return 0


def export_options(args: argparse.Namespace) -> ExportOptions:
    return ExportOptions(
        language=args.language,
        personal_data=not args.no_personal_data,
        filter=InterviewFilter(
            service_areas=tuple(args.service_area),
            interviewers=tuple(args.interviewer),
            status=args.status,
            date_from=args.date_from,
            date_to=args.date_to,
        ),
    )


def run_export(args: argparse.Namespace) -> int:
    options = export_options(args)
    started = time.perf_counter()
    if args.format == "xlsx":
        from interviewer.export.xlsx_workbook import write_workbook

        counts = write_workbook(args.db, args.output, options)
        what = ", ".join(f"{count} {sheet}" for sheet, count in counts.items())
    elif args.interview is not None:
        from interviewer.export.docx_interview import write_interview_docx

        write_interview_docx(args.db, args.output, args.interview, options)
        what = f"interview {args.interview}"
    else:
        from interviewer.export.docx_synthesis import write_synthesis_docx

        covered = write_synthesis_docx(args.db, args.output, options)
        what = f"synthesis of {covered} interviews"
    print(f"{args.output}: {what} ({time.perf_counter() - started:.1f} s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.db is None:
        args.db = default_db_path()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.command is None:
        from interviewer.ui.app import run_app

        return run_app(args.db)
    try:
        return args.run(args)
    except InterviewerError as error:
        print(f"interviewer {args.command}: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # a full disk, a folder that cannot be written, …
        print(
            f"interviewer {args.command}: {error.strerror or error}: {error.filename or ''}".rstrip(
                ": "
            ),
            file=sys.stderr,
        )
        return 1
