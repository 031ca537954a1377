"""Merging bundles into a central database: exact, repeatable, and never a silent overwrite.

Records are matched by UUID. For each interview, the revision the bundle brings is compared
with the one the centre holds (revisions are content hashes; ancestry says what each replaced):

- a revision the centre has already seen          -> unchanged
- a descendant of the centre's current revision    -> update
- anything else                                     -> conflict: both versions are kept; the
  centre's stays shown unless the interview's own interviewer sent a newer one holding every
  record the centre holds, and the other waits in the conflict table for a person to choose.

Each bundle is merged in one write transaction (BEGIN IMMEDIATE): a bundle refused, or
failing halfway, leaves the database as it was, and two merges at once run as one after the
other. A bundle merged before changes nothing when merged again.
"""

import contextlib
import json
import logging
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from interviewer.errors import InterviewerError
from interviewer.exchange.bundle import (
    Bundle,
    BundleRefused,
    OpenedBundle,
    open_bundle,
    parse_bundle,
)
from interviewer.exchange.documents import (
    content_hash,
    insert_documents,
    interview_documents,
    last_change,
    record_ids,
    write_document,
)
from interviewer.exchange.signing import (
    HeldSender,
    Sender,
    check_sender,
    look_alike_interviewer,
)
from interviewer.exchange.study_file import StudyRefused, install_study, is_default_study
from interviewer.exchange.validate import bundle_problems, missing_records, refusal
from interviewer.export.options import Cancelled, no_progress
from interviewer.file_safety import shown_path
from interviewer.i18n import tr, tr_n
from interviewer.logs import FILE_ONLY
from interviewer.storage.backup import keep_before_first_write, remove_new_database
from interviewer.storage.database import open_database
from interviewer.storage.failures import Failure, classify, error_kind
from interviewer.storage.failures import _frames as error_frames
from interviewer.storage.id_lists import among
from interviewer.storage.models import (
    Conflict,
    Interview,
    Interviewer,
    InterviewRevision,
    InterviewSender,
    MergedBundle,
    Provenance,
    Study,
)

log = logging.getLogger(__name__)


@dataclass
class BundleReport:
    path: Path
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    refused: str | None = None
    merged_before: bool = False
    interviewer: str = ""
    device: str = ""
    # the fingerprint of a signing key not known yet: the bundle waits for a person to accept it
    held: str | None = None
    # a held key's name looks like that of this known interviewer (signing.names_look_alike)
    looks_like: str | None = None

    def line(self, lang: str | None = None) -> str:
        """One line on this bundle, in ``lang`` (default: the app's language)."""
        if self.held:
            return tr(
                "{name}: held: its sender's signing key {fingerprint} is new here; once a "
                "person has accepted it, merge the bundle again",
                lang=lang,
                name=shown_path(self.path.name),
                fingerprint=self.held,
            )
        if self.refused:
            return tr(
                "{name}: refused: {reason}",
                lang=lang,
                name=shown_path(self.path.name),
                reason=self.refused,
            )
        return tr(
            "{name}{before}: {added} added, {updated} updated, {unchanged} unchanged, {conflicts}",
            lang=lang,
            name=shown_path(self.path.name),
            before=tr(" (merged before)", lang=lang) if self.merged_before else "",
            added=self.added,
            updated=self.updated,
            unchanged=self.unchanged,
            conflicts=tr_n("{count} conflict", "{count} conflicts", self.conflicts, lang=lang),
        )


@dataclass
class MergeReport:
    bundles: list[BundleReport] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(report, name) for report in self.bundles)

    @property
    def refused(self) -> list[BundleReport]:
        return [report for report in self.bundles if report.refused]

    @property
    def held(self) -> list[BundleReport]:
        """Bundles from a signing key new here, not merged until a person accepts it."""
        return [report for report in self.bundles if report.held]

    def lines(self, lang: str | None = None) -> list[str]:
        """A line per bundle and one of totals, in ``lang`` (default: the app's language)."""
        return (
            [report.line(lang) for report in self.bundles]
            + [
                tr(
                    "total: {added} added, {updated} updated, {unchanged} unchanged, {conflicts}, "
                    "{refused} refused",
                    lang=lang,
                    added=self.total("added"),
                    updated=self.total("updated"),
                    unchanged=self.total("unchanged"),
                    conflicts=tr_n(
                        "{count} conflict", "{count} conflicts", self.total("conflicts"), lang=lang
                    ),
                    refused=len(self.refused),
                )
            ]
            + (
                [
                    tr_n(
                        "{count} bundle held until a person accepts its sender's signing key",
                        "{count} bundles held until a person accepts their senders' signing keys",
                        len(self.held),
                        lang=lang,
                    )
                ]
                if self.held
                else []
            )
        )


def merge_bundles(
    db_path: Path,
    paths: Sequence[Path],
    *,
    password: str | None = None,
    private_key=None,
    progress: Callable[[int, int], None] = no_progress,
    waiting: Callable[[], None] = lambda: None,
) -> MergeReport:
    """Merges each bundle in one write transaction of its own, begun with BEGIN IMMEDIATE:
    the reads that decide update or conflict and every write are one transaction, so a
    merge meanwhile in another process waits for it and then sees what it wrote (the
    same result as one after the other). ``waiting()`` is called once when another writer
    keeps the file busy longer than SQLite's busy_timeout; after WAIT_ROUNDS of those the
    bundle, and those after it, are refused as locked.

    Whatever goes wrong inside one bundle (a refusal, a bad value, a bug) rolls back that
    bundle alone; it is reported refused with a plain reason and the next is tried.
    Cancelling (``progress`` raises Cancelled) ends the run after the bundle in hand,
    the rest reported not merged. Raises (StorageFailure, DatabaseRefused) only before the
    first bundle, opening the database. The kept backup ("before merge") is made just before
    the first bundle is written; when it cannot be made that bundle is refused with why. A
    database file this merge made and wrote nothing into is removed again."""
    report = MergeReport()
    new_file = not Path(db_path).exists() or Path(db_path).stat().st_size == 0
    database = open_database(db_path, backup=False, immediate=True)
    # kept apart from the rotation, just before a bundle's first write: none for bundles all
    # refused or merged before (a new file has nothing to keep)
    written = keep_before_first_write(database.engine, db_path, "merge")
    if new_file:
        written["kept"] = True
    try:
        stopped: str | None = None  # why the bundles still to come are not tried
        for number, path in enumerate(paths):
            path = Path(path)
            if stopped is None:
                try:
                    progress(number, len(paths))
                except Cancelled:
                    stopped = tr("not merged: the merge was cancelled before this bundle")
            if stopped is not None:
                report.bundles.append(BundleReport(path=path, refused=stopped))
                continue
            result, busy = _merge_file(database, path, password, private_key, waiting)
            report.bundles.append(result)
            if busy:
                stopped = result.refused
        with contextlib.suppress(Cancelled):  # pressed after the last bundle: all is done
            progress(len(paths), len(paths))
    finally:
        database.close()
        if new_file and not written["committed"]:
            remove_new_database(db_path)  # nothing merged: no new database left behind
    return report


WAIT_ROUNDS = 4  # busy_timeouts (5 s each) a bundle waits for another writer: 20 s


def _merge_file(
    database, path: Path, password, private_key, waiting: Callable[[], None]
) -> tuple[BundleReport, bool]:
    """One bundle merged in one write transaction, or refused; and whether it was refused
    because another writer kept the database locked (the next would be too)."""
    try:
        opened = open_bundle(path, password=password, private_key=private_key)
        with _begin_writing(database.engine, waiting) as connection:
            _refuse_another_study(connection, opened)
            # the signature is verified (open_bundle); is its key this interviewer's?
            sender = check_sender(connection, opened.manifest, file_name=shown_path(path.name))
            if isinstance(sender, HeldSender):  # only the held key is written
                looks_like = look_alike_interviewer(connection, sender.name, sender.interviewer_id)
                connection.commit()
                return BundleReport(
                    path=path,
                    held=sender.fingerprint,
                    interviewer=sender.name,
                    device=_text(opened.manifest.get("device")),
                    looks_like=looks_like,
                ), False
            if _merged_before(connection, opened):
                return BundleReport(
                    path=path,
                    merged_before=True,
                    unchanged=_merged_count(connection, opened),
                    interviewer=sender.name,
                    device=_text(opened.manifest.get("device")),
                ), False
            result = _merge_one(connection, parse_bundle(opened), sender)
            connection.commit()
            return result, False
    except BundleRefused as refusal:
        return BundleReport(path=path, refused=refusal.reason), False
    except InterviewerError as error:
        return BundleReport(path=path, refused=str(error)), False
    except (sqlite3.Error, SQLAlchemyError, OSError) as error:
        failure = classify(error, database.path)
        if failure is not None:  # a full disk, a lock held too long, …: its one sentence
            log.warning("a bundle was not merged: %s", error_kind(error))
            return BundleReport(path=path, refused=failure.reason), (failure.kind is Failure.LOCKED)
        return _failed(path, error, error_kind(error)), False
    except Exception as error:  # noqa: BLE001 - one bundle's fault never stops the others
        return _failed(path, error, type(error).__name__), False


def _failed(path: Path, error: BaseException, kind: str) -> BundleReport:
    """A bundle stopped by an error nobody foresaw: refused by the error's kind alone; the
    log gets the kind and where it happened (its message and its frames' values can hold
    record content or SQL parameters, so neither is written anywhere)."""
    log.error(
        "a bundle was not merged: %s",
        error_frames((type(error), error, error.__traceback__)),
        extra=FILE_ONLY,  # the report says it in one sentence; the frames are for the log
    )
    return BundleReport(
        path=path,
        refused=tr(
            "an unexpected error ({kind}) stopped it, so nothing of it was merged; where it "
            "happened is in the log",
            kind=kind,
        ),
    )


def _begin_writing(engine, waiting: Callable[[], None]) -> Connection:
    """A connection in a write transaction (the engine begins with BEGIN IMMEDIATE),
    waiting up to WAIT_ROUNDS busy_timeouts for another writer; raises OperationalError
    SQLITE_BUSY when it waited that long. Close it (``with``): what is not committed is
    rolled back."""
    for attempt in range(WAIT_ROUNDS):
        connection = engine.connect()
        try:
            connection.begin()
            return connection
        except OperationalError as error:
            connection.close()
            failure = classify(error)
            if failure is None or failure.kind is not Failure.LOCKED:
                raise
            if attempt + 1 == WAIT_ROUNDS:
                raise
            if attempt == 0:
                waiting()
    raise AssertionError("unreachable")


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _merged_count(connection: Connection, opened: OpenedBundle) -> int:
    """How many interviews this bundle brought when it was merged, as that merge stored
    them: the manifest's own count is the sender's claim, not what happened."""
    row = connection.execute(
        select(
            MergedBundle.added, MergedBundle.updated, MergedBundle.unchanged, MergedBundle.conflicts
        ).where(MergedBundle.bundle_id == opened.bundle_id)
    ).one()
    return sum(row)


def _merged_before(connection: Connection, opened: OpenedBundle) -> bool:
    """This very bundle (same id, same checksum) was merged already: nothing to do. The
    same id with another checksum is not the same bundle: one of them was altered."""
    row = connection.execute(
        select(MergedBundle.checksum).where(MergedBundle.bundle_id == opened.bundle_id)
    ).first()
    if row is not None and row.checksum != opened.checksum:
        raise BundleRefused(
            opened.path,
            "a different bundle with this bundle's id was merged before: one of them was altered",
        )
    return row is not None


def _merge_one(connection: Connection, bundle: Bundle, sender: Sender) -> BundleReport:
    """Merges a bundle whose ``sender`` is verified: provenance, conflicts and the list of
    merged bundles record that sender. A change (deletions included) to an interview the
    centre holds is an update only when it descends from the centre's version AND the
    sender is one of the interview's own interviewers (`_own_interviewers`); from anyone
    else it is a conflict, the centre's version staying shown, for a person to decide."""
    manifest, data = bundle.manifest, bundle.data
    result = BundleReport(
        path=bundle.path,
        interviewer=sender.name,  # verified, not only the manifest's claim
        device=manifest.get("device", ""),
    )
    problems = bundle_problems(connection, data)  # before anything of it is written
    if problems:
        raise BundleRefused(bundle.path, refusal(problems))
    _adopt_or_check_study(connection, bundle)
    _add_interviewers(connection, data, sender)
    source = json.dumps(
        {
            "bundle": manifest["bundle_id"],
            "interviewer": result.interviewer,
            "device": result.device,
            "file": shown_path(bundle.path.name),  # text SQLite and Qt can hold
        }
    )
    ids = [uuid.UUID(item["document"]["interview"]["id"]) for item in data["interviews"]]
    held = interview_documents(connection, ids)
    current = dict(
        connection.execute(
            select(Interview.id, Interview.revision).where(among(Interview.id, ids))
        ).all()
    )
    first_senders = dict(
        connection.execute(
            select(InterviewSender.interview_id, InterviewSender.interviewer_id).where(
                among(InterviewSender.interview_id, ids)
            )
        ).all()
    )
    known: dict[uuid.UUID, set[str]] = {i: set() for i in ids}
    for interview_id, revision in connection.execute(
        select(InterviewRevision.interview_id, InterviewRevision.revision).where(
            among(InterviewRevision.interview_id, ids)
        )
    ):
        known[interview_id].add(revision)
    now = datetime.now(UTC)
    provenance: dict[uuid.UUID, dict] = {}
    new: list[tuple[dict, str]] = []  # inserted together at the end, a table at a time
    lineages: list[tuple[uuid.UUID, list[str]]] = []

    def came_from_bundle(document):
        for record_type, record_id in record_ids(document):
            provenance[record_id] = dict(
                record_id=record_id,
                record_type=record_type,
                bundle_id=bundle.bundle_id,
                interviewer=result.interviewer,
                device=result.device,
                merged_at=now,
            )

    for item, interview_id in zip(data["interviews"], ids, strict=True):
        incoming, revision, lineage = item["document"], item["revision"], item["ancestry"]
        if content_hash(incoming) != revision or lineage[0] != revision:
            raise BundleRefused(
                bundle.path,
                f"interview {interview_id} does not match its revision: the bundle was altered",
            )
        mine = held.get(interview_id)
        lineages.append((interview_id, lineage))
        if mine is None:
            new.append((incoming, revision))
            result.added += 1
            came_from_bundle(incoming)
            continue
        else:
            centre = current.get(interview_id)
            here = content_hash(mine)
            if here != centre:  # changed here since it last arrived: that is a revision too
                _remember(connection, interview_id, [here, centre] if centre else [here], now)
                known[interview_id].add(here)
                centre = here
            if revision == centre or revision in known[interview_id]:
                result.unchanged += 1
                lineages.pop()
                continue
            own = sender.centre or sender.interviewer_id in _own_interviewers(
                mine, first_senders.get(interview_id)
            )
            missing = missing_records(mine, incoming)
            if centre in lineage and own:
                if missing:  # a descendant from the app holds every record it had
                    raise BundleRefused(bundle.path, refusal(missing))
                write_document(connection, incoming)
                result.updated += 1
                came_from_bundle(incoming)
                shown = revision
            else:  # from someone else, the centre's version stays shown, however new
                # written only when it destroys nothing the centre holds (records added
                # here since); otherwise it waits aside and the centre's version stays
                incoming_newer = own and not missing and last_change(incoming) > last_change(mine)
                if incoming_newer:
                    write_document(connection, incoming)
                    came_from_bundle(incoming)
                other, other_revision, other_source = (
                    (mine, centre, json.dumps({"local": True}))
                    if incoming_newer
                    else (incoming, revision, source)
                )
                shown = revision if incoming_newer else centre
                connection.execute(
                    insert(Conflict.__table__).values(
                        id=uuid.uuid4(),
                        created_at=now,
                        updated_at=now,
                        interview_id=interview_id,
                        shown_revision=shown,
                        other_revision=other_revision,
                        other_source=other_source,
                        other_document=json.dumps(other, ensure_ascii=False, sort_keys=True),
                    )
                )
                result.conflicts += 1
        connection.execute(
            Interview.__table__.update().where(Interview.id == interview_id).values(revision=shown)
        )
    insert_documents(connection, new)
    if new:
        connection.execute(
            insert(InterviewSender.__table__).prefix_with("OR IGNORE"),
            [
                dict(
                    interview_id=uuid.UUID(document["interview"]["id"]),
                    interviewer_id=sender.interviewer_id,
                    bundle_id=bundle.bundle_id,
                    recorded_at=now,
                )
                for document, _ in new
            ],
        )
    _remember_all(connection, lineages, now)
    if provenance:
        table = Provenance.__table__
        connection.execute(table.delete().where(among(table.c.record_id, provenance)))
        connection.execute(table.insert(), list(provenance.values()))
    connection.execute(
        insert(MergedBundle.__table__).values(
            id=uuid.uuid4(),
            created_at=now,
            updated_at=now,
            bundle_id=bundle.bundle_id,
            checksum=bundle.checksum,
            file_name=shown_path(bundle.path.name),
            interviewer=result.interviewer,
            device=result.device,
            bundle_created_at=datetime.fromisoformat(manifest["created_at"]),
            added=result.added,
            updated=result.updated,
            unchanged=result.unchanged,
            conflicts=result.conflicts,
            sender_fingerprint=sender.fingerprint,
        )
    )
    return result


def _own_interviewers(held_document: dict, first_sender: uuid.UUID | None) -> set[uuid.UUID]:
    """Who may change an interview the centre holds without a conflict: the interviewer
    recorded on it at the centre, and the verified sender whose bundle first brought it
    here (the owner of the laptop a colleague's interview was typed on)."""
    owners = {first_sender} if first_sender is not None else set()
    recorded = held_document["interview"].get("interviewer_id")
    if recorded:
        owners.add(uuid.UUID(str(recorded)))
    return owners


def _remember(
    connection: Connection, interview_id: uuid.UUID, lineage: list[str], now: datetime
) -> None:
    _remember_all(connection, [(interview_id, lineage)], now)


def _remember_all(
    connection: Connection, lineages: list[tuple[uuid.UUID, list[str]]], now: datetime
) -> None:
    """Records lines of revisions, newest first, each with the one it replaced."""
    rows = [
        dict(
            interview_id=interview_id,
            revision=revision,
            parent=lineage[n + 1] if n + 1 < len(lineage) else None,
            recorded_at=now,
        )
        for interview_id, lineage in lineages
        for n, revision in enumerate(lineage)
    ]
    if rows:
        connection.execute(insert(InterviewRevision.__table__).prefix_with("OR IGNORE"), rows)


def _adopt_or_check_study(connection: Connection, bundle: Bundle) -> None:
    """The bundle's study must be this database's. Only a database with no study, or the
    default one the app sets up (``is_default_study``) and no interviews, takes the
    bundle's study instead: a study imported or set up on purpose is never replaced."""
    study = bundle.data["study"]
    held = connection.execute(select(Study.id, Study.name)).first()
    if held is not None and str(held.id) == study["id"]:
        return
    if held is None or _may_adopt(connection):
        try:
            install_study(
                connection,
                study,
                bundle_id=bundle.bundle_id,
                interviewer=_text(bundle.manifest.get("interviewer")),
                device=_text(bundle.manifest.get("device")),
            )
        except StudyRefused as refusal:
            raise BundleRefused(
                bundle.path, tr("its study cannot be used: {reason}", reason=refusal.reason)
            ) from None
        return
    raise BundleRefused(
        bundle.path,
        tr(
            "it belongs to another study ({study}), not to this database's ({held})",
            study=f"{study['name']}, {study['id']}",
            held=f"{held.name}, {held.id}",
        ),
    )


def _may_adopt(connection: Connection) -> bool:
    """The database may take a bundle's study: no interviews, and the default study."""
    return connection.execute(select(Interview.id)).first() is None and is_default_study(connection)


def _refuse_another_study(connection: Connection, opened: OpenedBundle) -> None:
    """Refuses, before its sender is looked at (a stray bundle's key is never held for a
    person here), a bundle whose manifest names another study than the database's, unless
    the database may still take the bundle's study (``_adopt_or_check_study`` decides
    then, from the bundle's data)."""
    held = connection.execute(select(Study.id, Study.name)).first()
    named = opened.manifest.get("study_id")
    if held is None or str(held.id) == named or _may_adopt(connection):
        return
    raise BundleRefused(
        opened.path,
        tr(
            "it belongs to another study ({study}), not to this database's ({held})",
            study=_text(named),
            held=f"{held.name}, {held.id}",
        ),
    )


def _add_interviewers(connection: Connection, data: dict, sender: Sender) -> None:
    """Adds of the bundle's interviewers (ids and names checked by validate) those its
    interviews name and its verified sender, and no other: a bundle does not add people
    to the study that none of its interviews is by."""
    study_id = connection.execute(select(Study.id)).scalar_one()
    present = set(connection.execute(select(Interviewer.id)).scalars())
    named = {sender.interviewer_id} | {
        uuid.UUID(person)
        for item in data["interviews"]
        if (person := item["document"]["interview"]["interviewer_id"]) is not None
    }
    now = datetime.now(UTC)
    fresh = [
        dict(
            id=uuid.UUID(person["id"]),
            name=person["name"],
            study_id=study_id,
            created_at=now,
            updated_at=now,
        )
        for person in data["interviewers"]
        if uuid.UUID(person["id"]) not in present and uuid.UUID(person["id"]) in named
    ]
    if fresh:
        connection.execute(insert(Interviewer.__table__), fresh)
