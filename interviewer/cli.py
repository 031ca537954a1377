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
from interviewer.export.options import (
    SMALLEST_GROUP,
    SMALLEST_GROUP_LIMIT,
    SUMMARY,
    SYNTHESIS,
    WORKBOOK,
    Attribution,
    ExportOptions,
    InterviewFilter,
    check_options_used,
)
from interviewer.file_safety import (
    SECRET_LIMIT,
    check_database_path,
    check_output_folder,
    check_output_path,
    read_input_file,
    read_secret_file,
    shown_path,
)
from interviewer.i18n import LANGUAGES, tr
from interviewer.paths import DB_ENV_VAR, default_db_path
from interviewer.text_rules import shown_text  # what came from a file: escaped when printed


def _add_db_option(parser: argparse.ArgumentParser, *, top_level: bool) -> None:
    parser.add_argument(
        "--db",
        action=_Once,
        type=Path,
        # on subcommands, an unset --db must not hide one given before the subcommand
        default=None if top_level else argparse.SUPPRESS,
        metavar="PATH",
        help=f"database file (default: ${DB_ENV_VAR}, else {default_db_path()})",
    )


# why `export bundle`, unlike the other exports, waits for the app to close, and what to do
BUNDLE_IN_USE = (
    "a bundle export writes to the file (it records which interview revisions it sent, so "
    "the next bundle carries only what changed since): use Send bundle in the app "
    "(Exchange menu, Ctrl+Shift+B), or close the app and run this again"
)


class _Parser(argparse.ArgumentParser):
    """argparse, refusing a mistyped command line in one sentence: argparse's own error
    prints the whole usage block first, which buries the line that says what is wrong."""

    def error(self, message: str):
        self.exit(
            2, f"{self.prog}: {shown_text(message)} (`{self.prog} --help` lists the options)\n"
        )


class _Once(argparse.Action):
    """Stores an option's value and refuses the same option again with another value: the
    last silently winning would hide a contradiction (``--smallest-group 3 --smallest-group
    50`` in a script that appends options). The same value twice is no contradiction."""

    def __call__(self, parser, namespace, values, option_string=None):
        given = namespace.__dict__.setdefault("_given_once", set())
        if self.dest in given and getattr(namespace, self.dest) != values:
            raise argparse.ArgumentError(
                self, tr("it is given twice with different values; give it once")
            )
        given.add(self.dest)
        setattr(namespace, self.dest, values)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
    demo.set_defaults(run=run_demo, writes=True)

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

    backups = commands.add_parser(
        "backups", help="list every backup of a database (rolling and kept), newest first"
    )
    _add_db_option(backups, top_level=False)
    backups.set_defaults(run=run_backups)

    restore = commands.add_parser(
        "restore",
        help="put a backup in place of the database, whole (the current state is kept first)",
    )
    _add_db_option(restore, top_level=False)
    restore.add_argument(
        "backup", type=Path, metavar="BACKUP", help="the backup file (see `interviewer backups`)"
    )
    restore.add_argument(
        "--other-database",
        action="store_true",
        help="restore a backup of another database (another study) over this one",
    )
    # takes the writer lock itself (the app holds it while restoring from its File menu)
    restore.set_defaults(run=run_restore)

    export = commands.add_parser("export", help="export interviews to Word or Excel")
    formats = export.add_subparsers(dest="format", metavar="FORMAT", required=True)
    docx = formats.add_parser(
        "docx",
        help="Word: one interview's summary with --interview, else the study synthesis",
    )
    docx.add_argument(
        "--interview",
        action=_Once,
        type=uuid.UUID,
        metavar="UUID",
        help="the interview to summarise (without it: the study synthesis)",
    )
    xlsx = formats.add_parser("xlsx", help="Excel: the study workbook, a sheet per record type")
    for command in (docx, xlsx):
        _add_db_option(command, top_level=False)
        command.add_argument(
            "-o",
            "--output",
            action=_Once,
            type=Path,
            required=True,
            metavar="FILE",
            help="the file to write",
        )
        add_export_arguments(command)
        command.set_defaults(run=run_export)
    bundle = formats.add_parser(
        "bundle", help="a bundle of interviews for the central team (plain or encrypted)"
    )
    _add_db_option(bundle, top_level=False)
    bundle.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    bundle.add_argument(
        "--since",
        type=_date,
        metavar="YYYY-MM-DD",
        help="only interviews changed on or after this date",
    )
    bundle.add_argument(
        "--interviewer",
        default="",
        metavar="NAME",
        help="who sends the bundle (shown at the centre)",
    )
    locks = bundle.add_mutually_exclusive_group()
    locks.add_argument(
        "--public-key",
        type=Path,
        metavar="FILE",
        help="encrypt to the central team's public key (study-public.pem)",
    )
    locks.add_argument(
        "--password-file", type=Path, metavar="FILE", help="encrypt with the password in this file"
    )
    locks.add_argument(
        "--plain",
        action="store_true",
        help="do not encrypt (respondents' names travel readable); without a key in the "
        "study or a password, a bundle is only written unencrypted with this",
    )
    # the interview revisions a bundle carries are recorded in the database
    bundle.set_defaults(run=run_export_bundle, writes=True, in_use_advice=BUNDLE_IN_USE)

    merge = commands.add_parser("merge", help="merge bundles into a central database")
    _add_db_option(merge, top_level=False)
    merge.add_argument("bundles", nargs="+", type=Path, metavar="BUNDLE")
    merge.add_argument(
        "--private-key",
        type=Path,
        metavar="FILE",
        help="the study's private key, for bundles encrypted to its public key",
    )
    merge.add_argument(
        "--passphrase-file", type=Path, metavar="FILE", help="the private key's passphrase"
    )
    merge.add_argument(
        "--password-file", type=Path, metavar="FILE", help="the password of password-locked bundles"
    )
    merge.set_defaults(run=run_merge, writes=True)

    conflicts = commands.add_parser(
        "conflicts", help="list interviews changed in two places, or settle one"
    )
    _add_db_option(conflicts, top_level=False)
    conflicts.add_argument("--all", action="store_true", help="settled ones too")
    conflicts.add_argument(
        "--resolve", type=uuid.UUID, metavar="CONFLICT_ID", help="settle this conflict"
    )
    conflicts.add_argument(
        "--keep", choices=["shown", "other"], help="with --resolve: the version to keep"
    )
    conflicts.add_argument("--by", default="", metavar="NAME", help="who decided")
    conflicts.add_argument(
        "--show", type=uuid.UUID, metavar="CONFLICT_ID", help="what differs, field by field"
    )
    conflicts.set_defaults(run=run_conflicts)

    keys = commands.add_parser(
        "keys", help="the study's key pair for encrypted bundles; this machine's signing key"
    )
    key_commands = keys.add_subparsers(dest="keys_command", metavar="COMMAND", required=True)
    new_keys = key_commands.add_parser(
        "new", help="make study-public.pem and study-private.pem (under a passphrase)"
    )
    new_keys.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    new_keys.add_argument(
        "--passphrase-file",
        type=Path,
        required=True,
        metavar="FILE",
        help="the passphrase protecting the private key",
    )
    new_keys.set_defaults(run=run_keys_new)
    show_key = key_commands.add_parser(
        "show",
        help="this machine's signing key (made on first use): its fingerprint and public key, "
        "for the central team",
    )
    show_key.set_defaults(run=run_keys_show)

    senders = commands.add_parser(
        "senders",
        help="the interviewers' signing keys the centre knows or holds; accept, refuse or "
        "add one, or set the rule for new ones",
    )
    _add_db_option(senders, top_level=False)
    sender_actions = senders.add_mutually_exclusive_group()
    sender_actions.add_argument(
        "--accept",
        metavar="FINGERPRINT",
        help="accept this key (after comparing its fingerprint with its interviewer's)",
    )
    sender_actions.add_argument("--refuse", metavar="FINGERPRINT", help="refuse this key")
    sender_actions.add_argument(
        "--add", metavar="NAME", help="with --key: make this interviewer's key known, accepted"
    )
    sender_actions.add_argument(
        "--rule",
        choices=["confirm_new", "known_only"],
        help="a bundle from a new key: hold it for a person to accept (confirm_new, the "
        "default) or refuse it (known_only)",
    )
    senders.add_argument(
        "--key", metavar="PUBLIC_KEY", help="with --add: the ed25519:… line of `keys show`"
    )
    senders.add_argument("--by", default="", metavar="NAME", help="who decided")
    senders.set_defaults(run=run_senders)

    guide = commands.add_parser("guide", help="check an interview guide file before use")
    guide_commands = guide.add_subparsers(dest="guide_command", metavar="COMMAND", required=True)
    guide_check = guide_commands.add_parser(
        "check",
        help="validate a guide file and print what it holds: its questions, their answer "
        "types and the workbook columns they give",
    )
    guide_check.add_argument("file", type=Path, metavar="FILE")
    guide_check.set_defaults(run=run_guide_check)

    study = commands.add_parser("study", help="hand a study to interviewers, or take one")
    study_commands = study.add_subparsers(dest="study_command", metavar="COMMAND", required=True)
    study_export = study_commands.add_parser("export", help="write the study file")
    _add_db_option(study_export, top_level=False)
    study_export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    study_export.add_argument(
        "--public-key",
        type=Path,
        metavar="FILE",
        help="the central team's public key, carried by the study",
    )
    study_export.add_argument(
        "--interviewer",
        action="append",
        default=[],
        metavar="NAME",
        help="an interviewer of the study (may be repeated)",
    )
    # sets up the study (and its key) in the database when it has none yet
    study_export.set_defaults(run=run_study_export, writes=True)
    study_new = study_commands.add_parser(
        "new", help="make a new study in a database that holds none, from a guide and a codebook"
    )
    _add_db_option(study_new, top_level=False)
    study_new.add_argument("--name", required=True, help="the study's name")
    study_new.add_argument(
        "--guide", type=Path, metavar="FILE", help="the interview guide (default: the shipped one)"
    )
    study_new.add_argument(
        "--codebook", type=Path, metavar="FILE", help="the codebook (default: the shipped one)"
    )
    study_new.set_defaults(run=run_study_new, writes=True)
    study_import = study_commands.add_parser("import", help="use a study file's study")
    _add_db_option(study_import, top_level=False)
    study_import.add_argument("file", type=Path, metavar="FILE")
    study_import.set_defaults(run=run_study_import, writes=True)
    return parser


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    """The choices every export of a study's interviews takes (Word, Excel, and the next one):
    the language, which interviews, and the research-ethics options; export_options() reads
    them back into an ExportOptions."""
    parser.add_argument(
        "--language",
        action=_Once,
        choices=sorted(LANGUAGES),
        default="en",
        help="the language of the export (default en)",
    )
    parser.add_argument(
        "--no-personal-data",
        action="store_true",
        help="leave out everything that points at a person: the respondent's name, the "
        "municipality (also in quotes' attribution), the location, exact dates (the month is "
        "kept, as YYYY-MM) and times; free-text notes are kept but flagged as possibly "
        "identifying",
    )
    parser.add_argument(
        "--service-area",
        action="append",
        default=[],
        metavar="CODE",
        help="only this service area (code; may be repeated)",
    )
    parser.add_argument(
        "--interviewer",
        action="append",
        default=[],
        metavar="NAME",
        help="only interviews by this interviewer (may be repeated)",
    )
    parser.add_argument(
        "--status",
        action=_Once,
        choices=["draft", "complete"],
        help="only drafts, or only complete interviews",
    )
    parser.add_argument(
        "--from",
        dest="date_from",
        action=_Once,
        type=_date,
        metavar="YYYY-MM-DD",
        help="only interviews on or after this date",
    )
    parser.add_argument(
        "--to",
        dest="date_to",
        action=_Once,
        type=_date,
        metavar="YYYY-MM-DD",
        help="only interviews on or before this date",
    )
    parser.add_argument(
        "--attribution",
        action=_Once,
        choices=[level.value for level in Attribution],
        default=None,  # None: not given (an option that does nothing for an export is refused)
        help="the synthesis: how quotes are attributed: by role only (the default), by role "
        "and service area, or by role, service area and municipality; never by name",
    )
    parser.add_argument(
        "--quotes-without-consent",
        action="store_true",
        help="the synthesis: include quotes of interviews without recorded consent (the report "
        "then says so); by default they are left out (the workbook holds every quote and marks "
        "each interview's consent)",
    )
    parser.add_argument(
        "--smallest-group",
        action=_Once,
        type=_smallest_group,
        default=None,
        metavar="K",
        help="the synthesis: show no figure computed from fewer than K interviews "
        f"(1 to {SMALLEST_GROUP_LIMIT}, default {SMALLEST_GROUP})",
    )
    parser.add_argument(
        "--internal-notes",
        action="store_true",
        help="one interview's summary: keep the interviewer's own notes, for internal use "
        "(by default they are left out of the summary a respondent is sent)",
    )


def _smallest_group(text: str) -> int:
    """--smallest-group's value: a whole number from 1 to SMALLEST_GROUP_LIMIT (the app's
    dialog offers the same range)."""
    try:
        k = int(text)
    except ValueError:
        k = 0
    if not 1 <= k <= SMALLEST_GROUP_LIMIT:
        raise argparse.ArgumentTypeError(
            tr("K must be a whole number from 1 to {limit}", limit=SMALLEST_GROUP_LIMIT)
        )
    return k


def _date(text: str) -> date:
    """A date option's value, written YYYY-MM-DD; refused in one sentence otherwise."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise argparse.ArgumentTypeError(
            tr("'{text}' is not a date written YYYY-MM-DD (e.g. 2017-06-20)", text=shown)
        ) from None


def run_demo(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import IntegrityError

    from interviewer.demo import generate_demo
    from interviewer.storage.database import open_database

    if args.interviews < 0:
        raise InterviewerError("--interviews must be 0 or more")
    database = open_database(args.db)  # a rolling backup first, as before any write
    started = time.perf_counter()
    try:
        count = generate_demo(database, interviews=args.interviews, seed=args.seed)
    except IntegrityError as error:  # the same seed's interviews are there already
        raise InterviewerError(
            f"{shown_path(args.db)} already holds demo interviews of seed {args.seed}; "
            "nothing was added. "
            "Run it with another --seed."
        ) from error
    finally:
        database.close()
    seconds = time.perf_counter() - started
    print(f"{shown_path(args.db)}: added {counted(count, 'demo interview')} in {seconds:.1f} s")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from interviewer.storage.health import check_database

    report = check_database(args.db)
    print(shown_text(report.summary(), lines=True))
    for problem in report.problems:
        print(f"  - {shown_text(problem)}")
    return 0 if report.healthy else 1


def run_backup(args: argparse.Namespace) -> int:
    from interviewer.storage.backup import backup_database
    from interviewer.storage.database import inspect_file

    # before any work: backup_database makes the folder, as it does for the automatic backups
    check_output_path(args.output, database=args.db, what=tr("the backup"), makes_folder=True)
    if inspect_file(args.db) is None:
        raise InterviewerError(f"{shown_path(args.db)}: there is no database to back up")
    backup_database(args.db, args.output)
    print(f"{shown_path(args.db)}: backed up to {shown_path(args.output)}")
    return 0


def run_backups(args: argparse.Namespace) -> int:
    from interviewer.storage.backup import list_backups

    entries = list_backups(args.db)  # the same list as the app's Restore from a backup…
    for entry in entries:
        print(
            f"{entry.when_text()}  {entry.reason_text():<28}  {entry.size_text():>9}  "
            f"{entry.interviews_text():<18}  {shown_path(entry.path)}"
        )
    print(f"{shown_path(args.db)}: {counted(len(entries), 'backup')}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from interviewer.storage.restore import restore_backup, restored_message

    warn_about_location(args.db.resolve())  # as every writing command does
    result = restore_backup(args.db, args.backup, other_database=args.other_database)
    print(restored_message(result))
    return 0


def export_options(args: argparse.Namespace) -> ExportOptions:
    return ExportOptions(
        language=args.language,
        personal_data=not args.no_personal_data,
        attribution=Attribution(args.attribution or Attribution.ROLE),
        quotes_without_consent=args.quotes_without_consent,
        smallest_group=args.smallest_group or SMALLEST_GROUP,
        internal_notes=args.internal_notes,
        filter=InterviewFilter(
            service_areas=tuple(args.service_area),
            interviewers=tuple(args.interviewer),
            status=args.status,
            date_from=args.date_from,
            date_to=args.date_to,
        ),
    )


def counted(count: int, noun: str) -> str:
    """``count`` and the English ``noun`` in the form it takes: "1 interview", "2 interviews"."""
    return f"{count} {noun if count == 1 else noun + 's'}"


def export_kind(args: argparse.Namespace) -> str:
    """Which export the command line asks for: WORKBOOK, SYNTHESIS or SUMMARY."""
    if args.format == "xlsx":
        return WORKBOOK
    return SUMMARY if args.interview is not None else SYNTHESIS


def given_export_options(args: argparse.Namespace) -> dict[str, str]:
    """The export options given on the command line that not every export uses, each as
    typed ("--attribution") mapped to its ExportOptions field."""
    values = (
        ("--service-area", "filter", args.service_area),
        ("--interviewer", "filter", args.interviewer),
        ("--status", "filter", args.status),
        ("--from", "filter", args.date_from),
        ("--to", "filter", args.date_to),
        ("--attribution", "attribution", args.attribution),
        ("--quotes-without-consent", "quotes_without_consent", args.quotes_without_consent),
        ("--smallest-group", "smallest_group", args.smallest_group),
        ("--internal-notes", "internal_notes", args.internal_notes),
    )
    return {flag: used for flag, used, value in values if value not in (None, [], False)}


def run_export(args: argparse.Namespace) -> int:
    from interviewer.export.file_names import check_suffix

    check_output_path(args.output, database=args.db, what=tr("the export"))
    kind = export_kind(args)
    check_suffix(kind, args.output)  # Word and Excel open a file by its suffix
    check_options_used(kind, given_export_options(args))  # never silently ignored
    options = export_options(args)
    started = time.perf_counter()
    if kind == WORKBOOK:
        from interviewer.export.xlsx_workbook import write_workbook

        counts = write_workbook(args.db, args.output, options)
        what = ", ".join(f"{count} {sheet}" for sheet, count in counts.items())  # sheet names
    elif kind == SUMMARY:
        from interviewer.export.docx_interview import write_interview_docx

        write_interview_docx(args.db, args.output, args.interview, options)
        what = f"interview {args.interview}"
    else:
        from interviewer.export.docx_synthesis import write_synthesis_docx

        covered = write_synthesis_docx(args.db, args.output, options)
        what = f"synthesis of {counted(covered, 'interview')}"
    print(f"{shown_path(args.output)}: {what} ({time.perf_counter() - started:.1f} s)")
    return 0


def _secret(path: Path | None, what: str) -> str | None:
    """The password or passphrase in the file ``path`` (``what`` names the file), or None."""
    return None if path is None else read_secret_file(path, what=what)


def _key_file(path: Path | None, what: str) -> bytes | None:
    """The PEM bytes of the key file ``path`` (``what`` names the key), or None."""
    return None if path is None else read_input_file(path, what=what, limit=SECRET_LIMIT)


def run_export_bundle(args: argparse.Namespace) -> int:
    from interviewer.exchange.bundle import write_bundle

    check_output_path(args.output, database=args.db, what=tr("the bundle"))
    key = _key_file(args.public_key, tr("the public key"))
    count = write_bundle(
        args.db,
        args.output,
        since=args.since,
        password=_secret(args.password_file, tr("the password file")),
        public_key_pem=key,
        interviewer=args.interviewer,
        plain=args.plain,
    )
    print(f"{shown_path(args.output)}: a bundle of {counted(count, 'interview')}")
    return 0


def run_merge(args: argparse.Namespace) -> int:
    from interviewer.exchange.crypto import load_private_key
    from interviewer.exchange.merge import merge_bundles

    private_key = None
    if args.private_key is not None:
        passphrase = _secret(args.passphrase_file, tr("the passphrase file"))
        if passphrase is None:
            raise InterviewerError("--private-key needs --passphrase-file")
        pem = _key_file(args.private_key, tr("the private key"))
        private_key = load_private_key(pem, passphrase)
    report = merge_bundles(
        args.db,
        args.bundles,
        password=_secret(args.password_file, tr("the password file")),
        private_key=private_key,
        waiting=lambda: print(
            tr(
                "interviewer merge: {path}: another process is writing this database; the "
                "merge waits until it is done",
                path=shown_path(args.db),
            ),
            file=sys.stderr,
            flush=True,
        ),
    )
    for line in report.lines(lang="en"):
        print(shown_text(line))
    return 1 if report.refused or report.held else 0  # held: waits for a person


def open_for_listing(db_path: Path):
    """The database opened read-only, for a command that only lists: no backup, no lock.
    Raises InterviewerError when there is no database at ``db_path``."""
    from interviewer.export.reading import read_only_engine
    from interviewer.storage.database import Database, inspect_file

    if inspect_file(db_path) is None:
        raise InterviewerError(tr("{path}: there is no database here", path=shown_path(db_path)))
    return Database(path=db_path, engine=read_only_engine(db_path), read_only=True)


def run_conflicts(args: argparse.Namespace) -> int:
    from interviewer.exchange.conflicts import list_conflicts, resolve_conflict, source_text
    from interviewer.storage.database import open_database

    if args.resolve is not None:  # a settlement keeps its own backup first (resolve_conflict)
        database = open_database(args.db, backup=False)
    else:  # listing and --show only read: nothing is written, no backup made
        database = open_for_listing(args.db)
    try:
        with database.session() as session:
            if args.resolve is not None:
                if args.keep is None:
                    raise InterviewerError("--resolve needs --keep shown or --keep other")
                resolve_conflict(
                    session=session, conflict_id=args.resolve, keep=args.keep, by=args.by
                )
                print(f"conflict {args.resolve}: kept the {args.keep} version")
                return 0
            if args.show is not None:  # the same rows as the app's Conflicts dialog
                from interviewer.exchange.conflicts import conflict_differences

                for row in conflict_differences(session=session, conflict_id=args.show, lang="en"):
                    shown, other = (shown_text(v, lines=True) for v in (row.shown, row.other))
                    print(shown_text(f"{row.record} · {row.field}"))
                    print(f"  shown: {shown}\n  other: {other}")
                return 0
            lines = list_conflicts(session=session, include_resolved=args.all)
    finally:
        database.close()
    for line in lines:
        state = f"settled: kept {line.resolution}" if line.resolution else "open"
        print(
            shown_text(
                f"{line.id}  {line.respondent_role}, {line.municipality}  "
                f"(interview {line.interview_id}; shown {line.shown_revision[:8]}, other "
                f"{line.other_revision[:8]} from {source_text(line.other_source, 'en')}; {state})"
            )
        )
    print(counted(len(lines), "conflict"))
    return 0


def run_keys_new(args: argparse.Namespace) -> int:
    from interviewer.exchange.crypto import new_key_pair

    check_output_folder(args.output, database=args.db, what=tr("the key pair"))
    passphrase = _secret(args.passphrase_file, tr("the passphrase file"))
    public, private = new_key_pair(args.output, passphrase)
    print(f"{shown_path(public)}: give this to the interviewers (or put it in the study file)")
    print(f"{shown_path(private)}: keep this at the centre; it opens the bundles")
    return 0


def run_keys_show(args: argparse.Namespace) -> int:
    from interviewer.exchange.signing import key_file, this_machines_key

    key = this_machines_key()
    print(tr("fingerprint: {fingerprint}", fingerprint=key.fingerprint))
    print(tr("public key: {key}", key=key.public_key))
    print(tr("key file: {path}", path=shown_path(key_file())))
    print(
        tr(
            "Send the public key line to the central team; when they call, read them the "
            "fingerprint. The key file stays on this machine."
        )
    )
    return 0


def run_senders(args: argparse.Namespace) -> int:
    from interviewer.exchange import signing
    from interviewer.storage.database import open_database

    changes = writes_database(args)
    if (args.key is None) != (args.add is None):
        raise InterviewerError(tr("--add NAME and --key PUBLIC_KEY go together"))
    # the list only reads
    database = open_database(args.db) if changes else open_for_listing(args.db)
    try:
        with database.session() as session:
            if args.rule is not None:
                signing.set_sender_rule(session=session, rule=args.rule)
            elif args.add is not None:
                line = signing.add_sender(
                    session=session, name=args.add, public_key=args.key, by=args.by
                )
                print(shown_text(line.text("en")))
            elif args.accept is not None or args.refuse is not None:
                line = signing.decide_sender(
                    session=session,
                    fingerprint_typed=args.accept or args.refuse,
                    accept=args.accept is not None,
                    by=args.by,
                )
                print(shown_text(line.text("en")))
            rule = signing.sender_rule(session=session)
            lines = signing.list_senders(session=session)
    finally:
        database.close()
    for line in lines:
        print(shown_text(line.text("en")))
    print(tr("rule for new senders: {rule}", lang="en", rule=rule))
    print(counted(len(lines), "sender key"))
    return 0


def run_study_export(args: argparse.Namespace) -> int:
    from interviewer.exchange.study_file import export_study

    check_output_path(args.output, database=args.db, what=tr("the study file"))
    key = _key_file(args.public_key, tr("the public key"))
    name = export_study(args.db, args.output, public_key_pem=key, interviewers=args.interviewer)
    print(f"{shown_path(args.output)}: the study '{shown_text(name)}'")
    return 0


def run_study_new(args: argparse.Namespace) -> int:
    from interviewer.codebook import load_codebook
    from interviewer.data_files import read_data_text
    from interviewer.guide import parse_guide
    from interviewer.interviews import checked_study_name, create_first_study
    from interviewer.resources import default_guide
    from interviewer.storage.database import open_database

    # the name and both files checked before the database is made or touched
    checked_study_name(args.name)
    source = str(args.guide) if args.guide is not None else default_guide()
    guide_toml = read_data_text(source)
    guide = parse_guide(guide_toml, name=str(source))
    codebook = load_codebook(str(args.codebook) if args.codebook is not None else None)
    database = open_database(args.db)
    try:
        with database.session() as session:
            study = create_first_study(
                session=session, name=args.name, guide_toml=guide_toml, codebook=codebook
            )
            name = study.name
    finally:
        database.close()
    print(
        f"{shown_path(args.db)}: the study '{shown_text(name)}', on the guide "
        f"'{shown_text(guide.id)}' version {shown_text(guide.version)} and the codebook "
        f"'{shown_text(codebook.id)}' version {shown_text(codebook.version)}"
    )
    return 0


def run_study_import(args: argparse.Namespace) -> int:
    from interviewer.exchange.study_file import import_study

    name = import_study(args.db, args.file)
    print(f"{shown_path(args.db)}: now uses the study '{shown_text(name)}'")
    return 0


def run_guide_check(args: argparse.Namespace) -> int:
    from interviewer.guide import describe_guide, load_guide

    guide = load_guide(str(args.file))  # ResourceFileError: one sentence naming file and field
    print(f"{shown_path(args.file)}: a valid guide")
    for line in describe_guide(guide):
        print(shown_text(line))
    return 0


def writes_database(args: argparse.Namespace) -> bool:
    """Whether the command changes the database file (and so needs its writer lock)."""
    if args.command == "conflicts":
        return args.resolve is not None
    if args.command == "senders":
        return any(v is not None for v in (args.accept, args.refuse, args.add, args.rule))
    return getattr(args, "writes", False)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for stream in (sys.stdout, sys.stderr):  # a non-UTF-8 file name printed is never a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    if args.db is None:
        args.db = default_db_path()
    from interviewer.logs import log_to_terminal, setup_logging

    log_to_terminal()  # warnings and errors; like the file, never typed text or SQL values
    setup_logging()
    if sys.unraisablehook is sys.__unraisablehook__:  # not a test runner's own
        sys.unraisablehook = _note_unraisable
    if args.command is None:
        from interviewer.ui.app import run_app

        return run_app(args.db)
    try:
        if args.command not in ("keys", "guide"):  # no database of their own
            # a folder, device or pipe: said before a lock is made
            check_database_path(args.db)
        if writes_database(args):
            from interviewer.storage.file_lock import writing

            warn_about_location(args.db)

            # one writer per file: refused at once while the app (or a command) has it open
            with writing(args.db, getattr(args, "in_use_advice", None)):
                return _run_flushed(args)
        return _run_flushed(args)
    except BrokenPipeError:
        return _output_closed()
    except InterviewerError as error:
        print(f"interviewer {args.command}: {shown_text(error, lines=True)}", file=sys.stderr)
        return 1
    except Exception as error:
        import sqlite3

        from sqlalchemy.exc import SQLAlchemyError

        from interviewer.storage.failures import failure_message

        if not isinstance(error, OSError | sqlite3.Error | SQLAlchemyError):
            # a bug, or a case nobody foresaw: its kind in one sentence, its frames (never
            # its message, which can quote a stored value) in the log, never a traceback
            _log_unexpected(args.command, error)
            message = tr(  # the app's sentence (ui/background.py), the same here
                "An unexpected error ({kind}) stopped it. Where it happened is in the log.",
                kind=type(error).__name__,
            )
            print(f"interviewer {args.command}: {message}", file=sys.stderr)
            return 1
        # a full disk, a read-only file or folder, a lock held by another program, …: one
        # sentence naming the cause and what to do, never SQLite's message or a traceback
        output = getattr(args, "output", None)
        print(
            f"interviewer {args.command}: {failure_message(error, args.db, output)}",
            file=sys.stderr,
        )
        return 1


def _run_flushed(args: argparse.Namespace) -> int:
    # flushed here, so a reader gone (``| head``) is met in main, not at the exit's own flush
    status = args.run(args)
    sys.stdout.flush()
    return status


def _output_closed() -> int:
    """The reader of the output went away (``| head``): nothing to report, as Python's
    advice on SIGPIPE has it (https://docs.python.org/3/library/signal.html#note-on-sigpipe):
    what is left to print goes to the null device, so the flush at exit raises nothing."""
    import contextlib
    import os

    with contextlib.suppress(OSError, ValueError):  # no real stdout (a test's capture)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1


def _log_unexpected(command: str, error: Exception) -> None:
    """Writes the error's kind and frames (file, line, function; never its message) to the
    log file, not to the terminal, which shows the one sentence only."""
    from interviewer.logs import FILE_ONLY
    from interviewer.storage.failures import _frames

    logging.getLogger("interviewer.cli").error(
        "unexpected error in `interviewer %s`: %s",
        command,
        _frames((type(error), error, error.__traceback__)),
        extra=FILE_ONLY,
    )


def _note_unraisable(unraisable) -> None:
    # an error in a clean-up Python ignores anyway (a half-written export's zip closed on a
    # full disk): noted by its kind, not printed as a traceback after the plain sentence
    from interviewer.storage.failures import error_kind

    logging.getLogger(__name__).info("ignored in a clean-up: %s", error_kind(unraisable.exc_value))


def warn_about_location(db_path: Path) -> None:
    """Says once, on stderr, when the database is on a network drive or in a synced folder
    (where SQLite can damage it), unless $INTERVIEWER_ALLOW_SHARED_FOLDER is set."""
    from interviewer.storage.location import (
        ALLOW_SHARED_ENV_VAR,
        shared_location,
        shared_location_allowed,
    )

    if shared_location_allowed():
        return
    place = shared_location(db_path)
    if place is not None:
        print(
            tr(
                "interviewer: warning: {warning} (Set {variable}=1 to keep it there without "
                "this warning.)",
                warning=place.warning(),
                variable=ALLOW_SHARED_ENV_VAR,
            ),
            file=sys.stderr,
        )
