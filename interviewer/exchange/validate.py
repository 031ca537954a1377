"""Every interview a bundle brings, and every version kept aside in a conflict, held to the
record's rules (``interviewer.record_rules``, the one copy the services and `check` use)
before merge or a settlement writes any of it.

The bundle's schema (exchange/schema.py) has already judged its shape: which fields, of
which JSON type. Here the values are decoded as the app holds them and judged: each record
on its own, each interview whole (children in it, links inside it, ranks, codes of the
study's codebook, answers for the guide's questions), and across the bundle and the centre
(ids unique across every kind of record and every interview, an interview once, its study
the bundle's, its interviewer known). Problems name tables, columns and ids, never values.
"""

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, select

from interviewer.errors import ResourceFileError
from interviewer.exchange.documents import (
    ENCODING,
    PARTS,
    Undecodable,
    as_written,
    from_json,
    interview_documents,
)
from interviewer.exchange.study_file import StudyRefused, check_study
from interviewer.guide import parse_guide
from interviewer.i18n import tr
from interviewer.record_rules import RECORD, Problem, interview_problems, value_problem
from interviewer.storage.models import (
    CodebookEntry,
    Interview,
    Interviewer,
    InterviewRevision,
    Study,
)
from interviewer.text_rules import clean_name, interviewer_id

# document part → its table's name, as record_rules names records
TABLES = {"interview": "interview"} | {part: model.__tablename__ for part, model in PARTS.items()}
MODELS = {"interview": Interview, **PARTS}


@dataclass(frozen=True)
class StudyRules:
    """What a study's own files add to the record's rules: ``codes``, codebook kind →
    its codes; ``questions``, guide question key → its scale keys; ``max_challenges``,
    the guide's limit."""

    study_id: uuid.UUID
    codes: dict[str, frozenset[str]]
    questions: dict[str, frozenset[str]]
    max_challenges: int


def study_rules(study_id: uuid.UUID, guide_toml: str, codes: Iterable[tuple[str, str]]):
    """The StudyRules of a study from its guide's text and its (kind, code) pairs, or
    None when the guide cannot be read (the study itself is refused elsewhere then)."""
    try:
        guide = parse_guide(guide_toml)
    except ResourceFileError:
        return None
    kinds: dict[str, set[str]] = {}
    for kind, code in codes:
        kinds.setdefault(str(kind), set()).add(code)
    return StudyRules(
        study_id=study_id,
        codes={kind: frozenset(found) for kind, found in kinds.items()},
        questions={q.key: frozenset(s.key for s in q.scales) for q in guide.questions},
        max_challenges=guide.max_challenges,
    )


def centre_rules(connection: Connection) -> StudyRules | None:
    """The StudyRules of the study this database holds, or None (no study, or its guide
    cannot be read)."""
    study = connection.execute(select(Study.id, Study.guide_toml)).first()
    if study is None:
        return None
    codes = connection.execute(
        select(CodebookEntry.kind, CodebookEntry.code).where(CodebookEntry.study_id == study.id)
    ).all()
    return study_rules(study.id, study.guide_toml, [(str(k), c) for k, c in codes])


# ---------------------------------------------------------------- decoding


def decoded_records(document: object) -> tuple[dict[str, list[dict]], list[Problem]]:
    """A document (documents.py) as record_rules takes it: table name → its records with
    values decoded as the app holds them, and the Problems of values that could not be
    decoded (those count as None in the records). Never raises, whatever ``document`` is."""
    records: dict[str, list[dict]] = {table: [] for table in TABLES.values()}
    problems: list[Problem] = []
    if not isinstance(document, dict):
        records["interview"] = [{}]
        return records, [Problem("interview", None, "(document)", tr("is not an interview"))]
    for part, table in TABLES.items():
        found = [document.get(part)] if part == "interview" else document.get(part)
        if not isinstance(found, list) or not all(isinstance(r, dict) for r in found):
            problems.append(Problem(table, None, "(document)", tr("is not a list of records")))
            found = [{}] if part == "interview" else []
        for record in found:
            values = {}
            for name, kind in ENCODING[part].items():
                value = record.get(name)
                if value is None:
                    values[name] = value
                    continue
                try:
                    values[name] = value if kind == "plain" else from_json(value, kind)
                except Undecodable as undecodable:
                    values[name] = None
                    problems.append(Problem(table, _id(record.get("id")), name, undecodable.reason))
                    continue
                # one rule for bundles and conflicts' versions: every value exactly as the
                # app writes it, else it is stored in another form than its revision hashed
                if not as_written(value, part, name, values[name]):
                    reason = tr("is not written as the app writes it")
                    problems.append(Problem(table, _id(record.get("id")), name, reason))
            records[table].append(values)
    return records, problems


def _id(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None


# ---------------------------------------------------------------- judging


def documents_problems(
    connection: Connection,
    documents: list[object],
    rules: StudyRules,
    interviewers: set[uuid.UUID],
    *,
    replacing: bool = False,
    unchanged: Iterable[uuid.UUID] = (),
) -> list[Problem]:
    """Every rule ``documents`` (interviews about to be written) break, in order: each
    document's values and records (``interview_problems`` with the study's ``rules``), its
    study, its interviewer (one of ``interviewers``), an interview twice, a record's id
    held by another record among the documents or by another interview's record at the
    centre. ``replacing``: the documents replace interviews the centre holds (a
    settlement), whose own records may keep their ids whatever kind they were. Documents
    of the ``unchanged`` interviews (as the centre holds them already: nothing of them is
    written) are only counted, for an interview twice."""
    problems: list[Problem] = []
    owners: dict[uuid.UUID, tuple[str, uuid.UUID | None]] = {}  # id → (table, interview)
    interviews_seen: set[uuid.UUID] = set()
    unchanged = set(unchanged)
    for document in documents:
        if isinstance(document, dict) and isinstance(document.get("interview"), dict):
            found = _id(document["interview"].get("id"))
            if found in unchanged:
                if found in interviews_seen:
                    reason = tr("comes twice in the bundle")
                    problems.append(Problem("interview", found, "id", reason))
                interviews_seen.add(found)
                continue
        records, decoding = decoded_records(document)
        problems.extend(decoding)
        problems.extend(
            interview_problems(
                records,
                codes=rules.codes,
                max_challenges=rules.max_challenges,
                questions=rules.questions,
            )
        )
        [interview] = records["interview"]
        interview_id = interview.get("id")
        if not isinstance(interview_id, uuid.UUID):
            continue
        if interview_id in interviews_seen:
            problems.append(
                Problem("interview", interview_id, "id", tr("comes twice in the bundle"))
            )
            continue
        interviews_seen.add(interview_id)
        if interview.get("study_id") not in (None, rules.study_id):
            problems.append(
                Problem("interview", interview_id, "study_id", tr("belongs to another study"))
            )
        person = interview.get("interviewer_id")
        if person is not None and person not in interviewers:
            reason = tr("is not an interviewer of the bundle or of this database")
            problems.append(Problem("interview", interview_id, "interviewer_id", reason))
        for table, rows in records.items():
            for values in rows:
                record_id = values.get("id")
                if not isinstance(record_id, uuid.UUID):
                    continue
                if record_id in owners and owners[record_id] != (table, interview_id):
                    reason = tr("is the id of a record of another interview or kind")
                    problems.append(Problem(table, record_id, "id", reason))
                owners.setdefault(record_id, (table, interview_id))
    problems.extend(_centre_clashes(connection, owners, replacing))
    return problems


def _centre_clashes(
    connection: Connection, owners: dict[uuid.UUID, tuple[str, uuid.UUID | None]], replacing
) -> list[Problem]:
    """Incoming ids the centre holds as a record of another interview or another kind:
    written, such a record would land in that interview or clash with it. One query over
    every table (ids as SQLAlchemy stores them: 32 hex digits), the ids as one JSON list."""
    if not owners:
        return []
    problems = []
    ids = json.dumps([record_id.hex for record_id in owners])
    selects = [
        f"SELECT '{TABLES[part]}', id, {'id' if part == 'interview' else 'interview_id'} "
        f"FROM {model.__tablename__} WHERE id IN (SELECT value FROM json_each(?))"
        for part, model in MODELS.items()
    ]
    found = connection.exec_driver_sql(" UNION ALL ".join(selects), (ids,) * len(selects))
    for name, record_hex, owner_hex in found:
        record_id = uuid.UUID(record_hex)
        kind, incoming = owners[record_id]
        same_interview = incoming == _hex_id(owner_hex)
        if same_interview and (kind == name or replacing):
            continue
        reason = (
            tr("is the id of another kind of record of the same interview at this centre")
            if same_interview
            else tr("is the id of another interview's record at this centre")
        )
        problems.append(Problem(kind, record_id, "id", reason))
    return problems


def _hex_id(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError):
        return None


def interviewer_problems(interviewers: list[dict], study_id: uuid.UUID) -> list[Problem]:
    """A bundle's list of interviewers: each id once, each name one the record takes, in
    its clean form (text_rules.clean_name), and each id the one the app gives that name in
    the study (text_rules.interviewer_id): one person, one id, on every machine."""
    problems, seen = [], set()
    for person in interviewers:
        person_id = _id(person.get("id"))
        if person_id in seen:
            problems.append(
                Problem("interviewer", person_id, "id", tr("comes twice in the bundle"))
            )
        seen.add(person_id)
        name = person.get("name")
        if reason := value_problem(RECORD["interviewer"]["name"], name):
            problems.append(Problem("interviewer", person_id, "name", reason))
        elif name != clean_name(name):
            reason = tr("is not written as the app writes it")
            problems.append(Problem("interviewer", person_id, "name", reason))
        elif person_id != interviewer_id(study_id, name):
            reason = tr("is not the id the app gives this interviewer's name in the study")
            problems.append(Problem("interviewer", person_id, "id", reason))
    return problems


def refusal(problems: list[Problem]) -> str:
    """One sentence on ``problems`` (at least one): the first, and how many there are."""
    if len(problems) == 1:
        return tr("it breaks the record's rules: {problem}", problem=str(problems[0]))
    return tr(
        "it breaks the record's rules in {count} places, the first: {problem}",
        count=len(problems),
        problem=str(problems[0]),
    )


# ---------------------------------------------------------------- a bundle, a conflict


def bundle_problems(connection: Connection, data: dict) -> list[Problem]:
    """Every rule the interviews of a bundle's ``data`` (checked against its schema) break,
    judged by its study as the centre will hold it: the centre's own when the bundle is of
    it, else the bundle's (merge installs it, or refuses the bundle). An empty list when
    the bundle's study cannot be used (``check_study``): installing it refuses the bundle."""
    study = data["study"]
    study_id = uuid.UUID(study["id"])
    held = connection.execute(select(Study.id)).scalar()
    interviewers = {uuid.UUID(person["id"]) for person in data["interviewers"]}
    if held == study_id:
        rules = centre_rules(connection)
        interviewers |= set(connection.execute(select(Interviewer.id)).scalars())
    else:  # the study merge will install (its interviewers come from the bundle alone)
        try:
            check_study(study)
        except StudyRefused:  # installing it refuses the bundle, saying why
            return []
        codes = [(code["kind"], code["code"]) for code in study["codes"]]
        rules = study_rules(study_id, study["guide_toml"], codes)
    if rules is None:
        return []
    # a revision the centre knows already is unchanged: merge writes nothing of it
    known = _known_revisions(connection, data["interviews"])
    unchanged = [
        uuid.UUID(item["document"]["interview"]["id"])
        for item in data["interviews"]
        if (item["document"]["interview"]["id"], item["revision"]) in known
    ]
    documents = [item["document"] for item in data["interviews"]]
    return interviewer_problems(data["interviewers"], study_id) + documents_problems(
        connection, documents, rules, interviewers, unchanged=unchanged
    )


def _known_revisions(connection: Connection, items: list[dict]) -> set[tuple[str, str]]:
    """(interview id as the bundle writes it, revision) of the bundle's interviews whose
    revision the centre holds or has seen (what merge counts as unchanged)."""
    ids = json.dumps([uuid.UUID(item["document"]["interview"]["id"]).hex for item in items])
    rows = connection.exec_driver_sql(
        f"SELECT id, revision FROM {Interview.__tablename__} "
        "WHERE id IN (SELECT value FROM json_each(?)) "
        f"UNION SELECT interview_id, revision FROM {InterviewRevision.__tablename__} "
        "WHERE interview_id IN (SELECT value FROM json_each(?))",
        (ids, ids),
    )
    return {(str(uuid.UUID(found)), revision) for found, revision in rows if revision}


# kinds of record with no deleted mark: a version that lacks one cannot replace the interview
UNMARKED_TABLES = {TABLES[part] for part in PARTS if "deleted_at" not in ENCODING[part]}


def missing_records(held: dict, document: dict) -> list[Problem]:
    """The records of the interview as the centre ``held`` it (documents.py) that
    ``document``, a version about to replace it, lacks. The app never destroys a record
    (a removal is a deleted mark, which travels), so an update from the app carries every
    record the version it descends from had: one that lacks any was not written by the app,
    and writing it would destroy those records at the centre."""
    problems = []
    for part in PARTS:
        present = {
            record.get("id") for record in document.get(part) or [] if isinstance(record, dict)
        }
        for record in held[part]:
            if record["id"] not in present:
                reason = tr(
                    "is missing from the version, which the app never does (it keeps a "
                    "removed record, marked removed)"
                )
                problems.append(Problem(TABLES[part], _id(record["id"]), "id", reason))
    return problems


def kept_version_problems(
    connection: Connection, interview_id: uuid.UUID, other_document: object
) -> list[Problem]:
    """What keeps a conflict's version kept aside (``other_document``, its stored JSON)
    from replacing the interview ``interview_id``: the rules a bundle is held to
    (``documents_problems``), by this database's study and interviewers. Never raises on
    what the stored text holds."""
    try:
        document = json.loads(other_document)
    except (ValueError, TypeError, RecursionError):
        document = None
    records, _ = decoded_records(document)
    if records["interview"][0].get("id") != interview_id:
        return [Problem("interview", None, "id", tr("is not the id of this conflict's interview"))]
    rules = centre_rules(connection)
    if rules is None:
        return [Problem("study", None, "guide_toml", tr("cannot be read"))]
    interviewers = set(connection.execute(select(Interviewer.id)).scalars())
    problems = documents_problems(connection, [document], rules, interviewers, replacing=True)
    held = interview_documents(connection, [interview_id]).get(interview_id)
    if held is not None and not problems:  # a record without a deleted mark cannot be kept
        problems = [
            problem
            for problem in missing_records(held, document)
            if problem.table in UNMARKED_TABLES
        ]
    return problems
