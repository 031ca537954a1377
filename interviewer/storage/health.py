"""`interviewer check`: SQLite's own checks, the schema the migrations make, and every stored
value held to the record's rules (``interviewer.record_rules``), on a file opened read-only.

The file is read through a raw SQLite connection whose text comes back as bytes, with each
value's ``typeof()``, so garbage in any column (bad bytes, a BLOB, a string where a number is
meant) is a problem to report, never an exception. Problems name rows by table and id (or
rowid), never by their content.
"""

import logging
import sqlite3
import traceback
import uuid
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from interviewer import record_rules as rules
from interviewer.errors import DamagedDatabase, DatabaseRefused, InterviewerError
from interviewer.export.options import LIVE_RULE_COLUMNS, live_count_sql
from interviewer.file_safety import shown_path
from interviewer.i18n import tr
from interviewer.storage.database import connect_read_only, inspect_file, known_revisions
from interviewer.storage.schema import read_schema, reference_schema, schema_differences

log = logging.getLogger(__name__)
# ids listed per problem; the count says how many more
IDS_SHOWN = 10
COUNTED_TABLES = ("interview", "challenge", "initiative", "effect", "quote")
OF_STUDY = "interview.study_id = (SELECT id FROM study WHERE study.rowid = ?)"


@dataclass
class HealthReport:
    path: Path
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if not self.healthy:
            found = len(self.problems)
            return f"{shown_path(self.path)}: {found} problem{'' if found == 1 else 's'} found"
        listed = ", ".join(
            f"{count} {table}{'' if count == 1 else 's'}" for table, count in self.counts.items()
        )
        return f"{shown_path(self.path)}: healthy ({listed})"


def _label(rowid: object, raw_id: object) -> str:
    """A row as a problem names it: its UUID when it has a valid one, else its rowid."""
    if isinstance(raw_id, bytes) and rules.STORED_UUID.fullmatch(raw_id):
        return str(uuid.UUID(raw_id.decode("ascii")))
    return tr("row {rowid}", rowid=rowid)


def _listed(labels: list[str]) -> str:
    shown = ", ".join(labels[:IDS_SHOWN])
    if len(labels) > IDS_SHOWN:
        shown += " " + tr("and {count} more", count=len(labels) - IDS_SHOWN)
    return shown


class _Findings:
    """Offending rows grouped by what is wrong, so one problem lists all its rows."""

    def __init__(self):
        self.rows: dict[tuple[str, str, str], list[str]] = defaultdict(list)

    def add(self, table: str, column: str, reason: str, label: str) -> None:
        self.rows[(table, column, reason)].append(label)

    def problems(self) -> list[str]:
        return [
            tr(
                "{table}, {column}: {reason} ({rows})",
                table=table,
                column=column,
                reason=reason,
                rows=_listed(labels),
            )
            for (table, column, reason), labels in self.rows.items()
        ]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(connection: sqlite3.Connection, table: str) -> list[str]:
    """The table's column names; none for a table SQLite cannot describe (a virtual table of
    a module it lacks), which the schema comparison reports."""
    try:
        rows = connection.execute(f"PRAGMA table_info({_quoted(table)})").fetchall()
    except sqlite3.Error:
        return []
    return [
        row[1].decode("utf-8", "replace") if isinstance(row[1], bytes) else str(row[1])
        for row in rows
    ]


_DIGITS = {"4": "[0-9][0-9][0-9][0-9]", "2": "[0-9][0-9]", "6": "[0-9]" * 6}
_DATE_GLOB = f"{_DIGITS['4']}-{_DIGITS['2']}-{_DIGITS['2']}"
_TIME_GLOB = f"{_DIGITS['2']}:{_DIGITS['2']}:{_DIGITS['2']}"
# The record's refused characters as GLOB classes (SQLite compares code points in a range);
# NUL is tested on the bytes apart, since GLOB stops at it.
_NOT_IN_TEXT_GLOB = "*" + rules.NOT_IN_TEXT.pattern.replace("\x00", "\x01", 1) + "*"
_NOT_IN_ONE_LINE_GLOB = "*" + rules.NOT_IN_ONE_LINE.pattern + "*"


def surely_valid_sql(column: str, rule: rules.FieldRule) -> str:
    """An SQL condition true only for stored values ``rules.stored_problem`` accepts (never
    for one it refuses; a test holds it to that), so only the rows it rejects are read
    into Python, which then names the problem. Valid UTF-8 is checked apart (see
    ``_invalid_utf8``). Lengths are taken of the bytes: SQLite's text functions stop at
    a NUL character. A '+0 days' modifier makes SQLite normalise a date, so 2024-02-30
    (which date() alone hands back unchanged) no longer equals itself."""
    c = _quoted(column)
    size = f"length(CAST({c} AS BLOB))"
    kind = rule.kind
    if kind == rules.Kind.UUID:
        test = f"typeof({c}) = 'text' AND {size} = 32 AND {c} NOT GLOB '*[^0-9a-f]*'"
    elif kind == rules.Kind.TEXT:
        test = f"typeof({c}) = 'text' AND instr(CAST({c} AS BLOB), x'00') = 0"
        test += f" AND {c} NOT GLOB '{_NOT_IN_TEXT_GLOB}'"
        if rule.not_blank:
            test += f" AND {c} GLOB '*[!-~]*'"
        if rule.one_line:
            test += f" AND instr(CAST({c} AS BLOB), x'0a') = 0"
            test += f" AND instr(CAST({c} AS BLOB), x'0d') = 0"
            test += f" AND {c} NOT GLOB '{_NOT_IN_ONE_LINE_GLOB}'"
    elif kind == rules.Kind.CHOICE:
        listed = ", ".join("'" + choice.replace("'", "''") + "'" for choice in rule.choices)
        test = f"typeof({c}) = 'text' AND {c} IN ({listed})"
    elif kind == rules.Kind.DATE:
        test = (
            f"typeof({c}) = 'text' AND {size} = 10 AND {c} GLOB '{_DATE_GLOB}' "
            f"AND date({c}, '+0 days') = {c}"
        )
    elif kind == rules.Kind.TIME:
        test = (
            f"typeof({c}) = 'text' AND ({size} = 8 AND {c} GLOB '{_TIME_GLOB}' "
            f"OR {size} = 15 AND {c} GLOB '{_TIME_GLOB}.{_DIGITS['6']}') "
            f"AND time(substr({c}, 1, 8), '+0 seconds') = substr({c}, 1, 8)"
        )
    elif kind == rules.Kind.TIMESTAMP:
        stamp = f"{_DATE_GLOB} {_TIME_GLOB}"
        test = (
            f"typeof({c}) = 'text' AND ({size} = 19 AND {c} GLOB '{stamp}' "
            f"OR {size} = 26 AND {c} GLOB '{stamp}.{_DIGITS['6']}') "
            f"AND datetime(substr({c}, 1, 19), '+0 seconds') = substr({c}, 1, 19)"
        )
    elif kind == rules.Kind.INTEGER:
        low = -rules.LARGEST_COUNT if rule.minimum is None else rule.minimum
        high = rules.LARGEST_COUNT if rule.maximum is None else rule.maximum
        test = f"typeof({c}) = 'integer' AND {c} BETWEEN {low} AND {high}"
    elif kind == rules.Kind.BOOLEAN:
        test = f"typeof({c}) = 'integer' AND {c} IN (0, 1)"
    else:  # NUMBER: finite (SQLite keeps infinities, and turns NaN into NULL)
        test = (
            f"typeof({c}) IN ('integer', 'real') "
            f"AND {c} BETWEEN -1.7976931348623157e308 AND 1.7976931348623157e308"
        )
    if kind in (rules.Kind.DATE, rules.Kind.TIMESTAMP):
        first, last = rules.YEARS[0], rules.YEARS[-1]
        test += f" AND substr({c}, 1, 4) BETWEEN '{first:04}' AND '{last:04}'"
    # coalesce: SQLite's date and time functions give NULL for what they cannot read
    # (2024-13-45), and a NULL inside NOT (…) would hide the row from the check
    if rule.nullable:
        return f"coalesce({c} IS NULL OR ({test}), 0)"
    return f"coalesce(({test}), 0)"


# The rules between the columns of one row, as conditions true only when they hold
# (a test holds each to its rules.ROW_RULES function).
ROW_RULES_SQL = {"rating": "(dont_know = 0 OR value IS NULL)"}


_NOT_TEXT = (rules.Kind.INTEGER, rules.Kind.BOOLEAN, rules.Kind.NUMBER)


def _invalid_utf8(connection, table: str, columns: list[str]) -> bool:
    """True when some text of these columns is not valid UTF-8 (a lone surrogate included),
    by Python's strict decoder (reading every value is faster than picking the non-ASCII
    ones in SQL)."""
    texts = [c for c in columns if rules.RECORD[table][c].kind not in _NOT_TEXT]
    if not texts:
        return False
    selected = ", ".join(_quoted(c) for c in texts)
    connection.text_factory = str
    try:
        for _row in connection.execute(f"SELECT {selected} FROM {_quoted(table)}"):
            pass
    except sqlite3.OperationalError:  # "Could not decode to UTF-8 column …"
        return True
    finally:
        connection.text_factory = bytes
    return False


def _check_values(
    connection, table: str, present: set[str], findings: _Findings, where: str = "", params=()
) -> None:
    """Every stored value of ``table`` against its column's rule, and the rules between the
    columns of one row. SQL picks the rows that may break a rule; Python judges them.
    ``where`` (an SQL condition, with ``params``) narrows the rows looked at."""
    checked = [column for column in rules.RECORD[table] if column in present]
    if not checked:
        return
    id_column = "id" if "id" in present else "NULL"
    selected = ", ".join(f"{_quoted(c)}, typeof({_quoted(c)})" for c in checked)
    query = f"SELECT rowid, {id_column}, {selected} FROM {_quoted(table)}"
    conditions = [f"({where})"] if where else []
    if where or not _invalid_utf8(connection, table, checked):
        # (narrowed to a few rows, Python judges each of them: no UTF-8 scan is needed)
        valid = [surely_valid_sql(c, rules.RECORD[table][c]) for c in checked]
        if table in ROW_RULES_SQL and set(checked) == set(rules.RECORD[table]):
            valid.append(ROW_RULES_SQL[table])
        if not where:
            conditions.append("NOT coalesce((" + " AND ".join(valid) + "), 0)")
    if conditions:
        query += " WHERE " + " AND ".join(conditions)
    row_rule = rules.ROW_RULES.get(table)
    for row in connection.execute(query, params):
        label = None
        values = {}
        broken = False
        for position, column in enumerate(checked):
            raw, storage = row[2 + 2 * position], row[3 + 2 * position].decode("ascii")
            problem = rules.stored_problem(rules.RECORD[table][column], raw, storage)
            if problem:
                broken = True
                label = label or _label(row[0], row[1])
                findings.add(table, column, problem, label)
            else:
                values[column] = rules.stored_value(rules.RECORD[table][column], raw, storage)
        if row_rule and not broken:
            for column, problem in row_rule(values):
                findings.add(table, column, problem, label or _label(row[0], row[1]))


class UnreadableRecord(InterviewerError):
    """A stored record that breaks the record's rules, met where it was to be read (an
    export, a bundle, the app opening an interview). The message names its table, id and
    column, never the value, and points at `interviewer check`."""

    def __init__(self, path: Path, table: str, label: str, column: str):
        from interviewer.file_safety import shown_path

        self.path, self.table, self.label, self.column = path, table, label, column
        super().__init__(
            tr(
                "{table} {record}: a stored value is not valid ({column}); "
                "run `interviewer check --db {path}`",
                table=table,
                record=label,
                column=column,
                path=shown_path(path),
            )
        )


# the rows of one interview: (table, condition on the bound interview id)
_OF_INTERVIEW = {
    "interview": "id = ?",
    **{table: "interview_id = ?" for table in rules.CHILD_TABLES},
}
# what opening one interview reads besides its own rows
_SMALL_TABLES = ("study", "interviewer", "codebook_entry")


def first_bad_record(
    path: Path, interview_id: uuid.UUID | None = None
) -> tuple[str, str, str] | None:
    """(table, row label, column) of the first stored value that breaks its column's rule,
    or None when every value is valid. With ``interview_id``: only that interview's rows
    and the study, interviewers and codebook. Reads the file read-only; never raises for
    what it holds (an unreadable file: None, the caller's own error stands)."""
    try:
        connection = connect_read_only(Path(path))
    except sqlite3.Error:
        return None
    connection.text_factory = bytes
    try:
        present = {name: set(_columns(connection, name)) for name in rules.RECORD}
        if interview_id is None:
            scope = {table: ("", ()) for table in rules.RECORD}
        else:
            scope = {table: ("", ()) for table in _SMALL_TABLES}
            scope |= {t: (w, (interview_id.hex,)) for t, w in _OF_INTERVIEW.items()}
        for table, (where, params) in scope.items():
            if not present.get(table):
                continue
            findings = _Findings()
            _check_values(connection, table, present[table], findings, where, params)
            for (found_table, column, _reason), labels in findings.rows.items():
                return found_table, labels[0], column
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return None


def refuse_bad_records(path: Path, interview_id: uuid.UUID | None = None) -> None:
    """Raises UnreadableRecord for the first stored value that breaks its column's rule
    (see ``first_bad_record``): for what sends records on as they are stored (a bundle),
    where a value read without an error could still be garbage."""
    found = first_bad_record(path, interview_id)
    if found is not None:
        raise UnreadableRecord(Path(path), *found)


@contextmanager
def naming_bad_records(path: Path, interview_id: uuid.UUID | None = None):
    """Around reading records through the models: an error the reading raised (a date
    SQLAlchemy cannot decode, a status not of its enum, text where a figure is meant) that
    a stored value broken against the record's rules explains becomes UnreadableRecord
    naming that record; any other error passes through unchanged."""
    try:
        yield
    except (InterviewerError, OSError, sqlite3.OperationalError):
        raise
    except Exception:
        found = first_bad_record(path, interview_id)
        if found is None:
            raise
        raise UnreadableRecord(Path(path), *found) from None


def _offenders(connection, query: str, params=()) -> list[str]:
    """Labels of the rows a query returns as (rowid, id)."""
    return [_label(rowid, raw_id) for rowid, raw_id in connection.execute(query, params)]


def _cross_record(connection, tables: dict[str, set[str]], problems: list[str]) -> None:
    """The rules between records, each one query; a rule whose tables or columns are missing
    is skipped (the schema comparison has reported them)."""

    def has(table: str, *columns: str) -> bool:
        return table in tables and set(columns) <= tables[table]

    def report(description: str, labels: list[str]) -> None:
        if labels:
            problems.append(
                tr("{description} ({rows})", description=description, rows=_listed(labels))
            )

    for (table, column), kind in rules.CODE_FIELDS.items():
        if not has(table, "id", column) or not has("codebook_entry", "study_id", "kind", "code"):
            continue
        if table == "interview":
            study = "t.study_id"
        elif has(table, "interview_id") and has("interview", "id", "study_id"):
            study = "(SELECT study_id FROM interview WHERE interview.id = t.interview_id)"
        else:
            continue
        labels = _offenders(
            connection,
            f"""SELECT t.rowid, t.id FROM {_quoted(table)} t
                WHERE t.{_quoted(column)} IS NOT NULL AND NOT EXISTS (
                  SELECT 1 FROM codebook_entry c WHERE c.study_id = {study}
                  AND c.kind = ? AND c.code = t.{_quoted(column)})""",
            (kind,),
        )
        report(
            tr(
                "{table}, {column}: {reason}",
                table=table,
                column=column,
                reason=rules.code_problem("?", kind, ()),
            ),
            labels,
        )
    for table, column, parent in rules.SAME_INTERVIEW_LINKS:
        if has(table, "id", column, "interview_id") and has(parent, "id", "interview_id"):
            labels = _offenders(
                connection,
                f"""SELECT t.rowid, t.id FROM {_quoted(table)} t
                    JOIN {_quoted(parent)} p ON p.id = t.{_quoted(column)}
                    WHERE p.interview_id IS NOT t.interview_id""",
            )
            report(
                tr(
                    "{table}, {column}: points at a record of another interview ({parent})",
                    table=table,
                    column=column,
                    parent=parent,
                ),
                labels,
            )
    for table, columns in rules.ONE_PER:
        if has(table, "id", *columns):
            keys = ", ".join(_quoted(c) for c in columns)
            labels = _offenders(
                connection,
                f"""SELECT t.rowid, t.id FROM {_quoted(table)} t JOIN (
                      SELECT {keys} FROM {_quoted(table)} GROUP BY {keys} HAVING count(*) > 1
                    ) d USING ({keys})""",
            )
            report(
                tr(
                    "{table}: more than one record for the same {columns}",
                    table=table,
                    columns=", ".join(columns),
                ),
                labels,
            )
    if has("challenge", "id", "rank", "deleted_at"):
        report(
            tr("challenge: a removed challenge still holds a rank, or a live one has none"),
            _offenders(
                connection,
                """SELECT rowid, id FROM challenge
                   WHERE (deleted_at IS NULL) != (rank IS NOT NULL)""",
            ),
        )


def _guide_problems(connection, tables: dict[str, set[str]], problems: list[str]) -> None:
    """Per study: every interview has one answer record for each question of the study's
    guide and one rating per scale, and ranks 1..n of at most the guide's challenges."""
    from interviewer.guide import parse_guide

    needed = {
        "study": {"id", "guide_toml"},
        "interview": {"id", "study_id"},
        "answer": {"interview_id", "question_key"},
        "rating": {"interview_id", "question_key", "scale_key"},
        "challenge": {"interview_id", "rank"},
    }
    if any(not columns <= tables.get(table, set()) for table, columns in needed.items()):
        return
    # studies by rowid: an id read back as bytes would be bound as a BLOB and match nothing
    for study, guide_toml in connection.execute("SELECT rowid, guide_toml FROM study"):
        try:
            guide = parse_guide(guide_toml.decode("utf-8"))
        except Exception:  # noqa: BLE001 - any unreadable guide is one problem, never a crash
            problems.append(tr("the study's guide cannot be read"))
            continue
        expected = {(q.key, None) for q in guide.questions} | {
            (q.key, s.key) for q in guide.questions for s in q.scales
        }
        found: dict[object, set] = {}
        for interview_id, question_key, scale_key in connection.execute(
            f"""SELECT interview.id, answer.question_key, NULL FROM interview
               JOIN answer ON answer.interview_id = interview.id WHERE {OF_STUDY}
               UNION ALL
               SELECT interview.id, rating.question_key, rating.scale_key FROM interview
               JOIN rating ON rating.interview_id = interview.id WHERE {OF_STUDY}""",
            (study, study),
        ):
            key = (_text(question_key), None if scale_key is None else _text(scale_key))
            found.setdefault(interview_id, set()).add(key)
        interviews = connection.execute(
            f"SELECT rowid, id FROM interview WHERE {OF_STUDY}", (study,)
        ).fetchall()
        missing = [_label(r, i) for r, i in interviews if found.get(i, set()) != expected]
        if missing:
            problems.append(
                tr(
                    "{count} interview(s): lack answer records for the guide's questions ({rows})",
                    count=len(missing),
                    rows=_listed(missing),
                )
            )
        ranks: dict[object, list] = defaultdict(list)
        for interview_rowid, interview_id, rank in connection.execute(
            f"""SELECT interview.rowid, interview.id, challenge.rank FROM challenge
               JOIN interview ON interview.id = challenge.interview_id
               WHERE {OF_STUDY} AND challenge.rank IS NOT NULL
                 AND challenge.deleted_at IS NULL""",
            (study,),
        ):
            ranks[(interview_rowid, interview_id)].append(rank)
        by_reason: dict[str, list[str]] = defaultdict(list)
        for (interview_rowid, interview_id), found_ranks in ranks.items():
            if not all(isinstance(r, int) for r in found_ranks):
                continue  # reported with the column's rule
            for reason in rules.ranks_problems(found_ranks, guide.max_challenges):
                by_reason[reason].append(_label(interview_rowid, interview_id))
        for reason, labels in by_reason.items():
            problems.append(
                tr(
                    "{count} interview(s): {reason} ({rows})",
                    count=len(labels),
                    reason=reason,
                    rows=_listed(labels),
                )
            )


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _revision(connection, tables: dict[str, set[str]]) -> str | None:
    if "version_num" not in tables.get("alembic_version", set()):
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return _text(row[0]) if row else None


def _check_file(connection: sqlite3.Connection, report: HealthReport) -> None:
    problems = report.problems
    tables = {
        name: set(_columns(connection, name))
        for name in rules.RECORD
        if connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
    }
    revision = _revision(connection, tables)

    def stage(what: str, work) -> None:
        # one unreadable part (a table made WITHOUT ROWID, a virtual table of an unknown
        # module) is one problem; the other parts are still checked
        try:
            work()
        except sqlite3.Error as error:
            problems.append(
                tr("{what}: could not be checked ({error})", what=what, error=str(error))
            )

    # a file of an older schema is compared with what the migrations made at its revision
    reference = reference_schema(revision if revision in known_revisions() else None)
    stage(
        tr("the schema"),
        lambda: problems.extend(schema_differences(read_schema(connection), reference)),
    )
    stage(tr("the links between records"), lambda: _foreign_keys(connection, problems))
    findings = _Findings()
    for table, present in tables.items():
        stage(table, lambda t=table, p=present: _check_values(connection, t, p, findings))
    problems.extend(findings.problems())
    stage(tr("the rules between records"), lambda: _cross_record(connection, tables, problems))
    stage(tr("the guide's questions"), lambda: _guide_problems(connection, tables, problems))
    for table in COUNTED_TABLES:
        needed = LIVE_RULE_COLUMNS[table]
        # counted as the exports count (live records only); a table without the rule's
        # columns is reported by the schema comparison, so the file is not healthy anyway
        if all(columns <= tables.get(name, set()) for name, columns in needed.items()):
            stage(table, lambda t=table: _count(connection, t, report.counts))


def _count(connection, table: str, counts: dict[str, int]) -> None:
    counts[table] = connection.execute(live_count_sql(table)).fetchone()[0]


def _foreign_keys(connection, problems: list[str]) -> None:
    for table, rowid, parent, _fk in connection.execute("PRAGMA foreign_key_check"):
        problems.append(
            tr(
                "{table} row {rowid} points at a missing {parent} record",
                table=_text(table),
                rowid=rowid,
                parent=_text(parent),
            )
        )


def _readable_sqlite(path: Path) -> bool:
    """True when SQLite itself finds the file whole (so what inspect_file refused is a
    missing table or schema version, which check reports rather than refuses)."""
    try:
        connection = connect_read_only(path)
        try:
            return connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            connection.close()
    except sqlite3.Error:
        return False


def check_database(path: Path) -> HealthReport:
    """Checks a database file without changing it. Raises DatabaseRefused for a file that
    cannot be checked at all (missing, empty, not ours, newer, or damaged as SQLite sees
    it); returns a report otherwise. Never raises anything else for what a file holds."""
    path = Path(path)
    if not path.exists():
        raise DatabaseRefused(path, "there is no database file here")
    report = HealthReport(path=path)
    try:
        if inspect_file(path, full_check=True) is None:
            raise DatabaseRefused(path, "the file is empty: it holds no interviews yet")
    except DamagedDatabase as damage:
        if not _readable_sqlite(path):
            raise
        # ours and whole, but without its schema version or tables: report what is there
        report.problems.append(damage.reason)
    try:
        connection = connect_read_only(path)
    except sqlite3.Error as error:
        raise DamagedDatabase(path, f"the database file cannot be opened ({error})") from None
    connection.text_factory = bytes
    try:
        _check_file(connection, report)
    except sqlite3.Error as error:
        # a file too broken to read on: everything found so far, and where it stopped
        report.problems.append(
            tr("the file could not be read to the end ({error})", error=str(error))
        )
    except Exception as error:  # noqa: BLE001 - a check never ends in a traceback
        # the frames, not the message: a message may quote what the file holds
        log.error(
            "check stopped early: %s\n%s",
            type(error).__name__,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        report.problems.append(
            tr(
                "the check stopped early on something it did not expect ({kind}); "
                "the log has the details",
                kind=type(error).__name__,
            )
        )
    finally:
        connection.close()
    return report
