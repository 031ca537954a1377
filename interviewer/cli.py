"""The `interviewer` command: the desktop app with no subcommand, headless work with one."""

import argparse
import logging
import sys
import time
from pathlib import Path

from interviewer import __version__
from interviewer.errors import InterviewerError
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
