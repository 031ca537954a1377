"""Merging bundles into a central database: exact, repeatable, and never a silent overwrite.

Records are matched by UUID. For each interview, the revision the bundle brings is compared
with the one the centre holds (revisions are content hashes; ancestry says what each replaced):

- a revision the centre has already seen          -> unchanged
- a descendant of the centre's current revision    -> update
- anything else                                     -> conflict: both versions are kept, the
  newer is shown, and the other waits in the conflict table for a person to choose.

Each bundle is merged in one transaction: a bundle refused, or failing halfway, leaves the
database as it was. A bundle merged before changes nothing when merged again.
"""

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, insert, select

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
from interviewer.exchange.study_file import install_study
from interviewer.export.options import no_progress
from interviewer.file_safety import shown_path
from interviewer.i18n import tr, tr_n
from interviewer.storage.backup import keep_backup
from interviewer.storage.database import open_database
from interviewer.storage.models import (
    Conflict,
    Interview,
    Interviewer,
    InterviewRevision,
    MergedBundle,
    Provenance,
    Study,
)


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

    def line(self, lang: str | None = None) -> str:
        """One line on this bundle, in ``lang`` (default: the app's language)."""
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

    def lines(self, lang: str | None = None) -> list[str]:
        """A line per bundle and one of totals, in ``lang`` (default: the app's language)."""
        return [report.line(lang) for report in self.bundles] + [
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


def merge_bundles(
    db_path: Path,
    paths: Sequence[Path],
    *,
    password: str | None = None,
    private_key=None,
    progress: Callable[[int, int], None] = no_progress,
) -> MergeReport:
    """Merges each bundle in its own transaction; a refused bundle is reported, not merged."""
    report = MergeReport()
    database = open_database(db_path, backup=False)
    try:
        keep_backup(db_path, "merge")  # apart from the rotation: rolling backups never push it out
        for number, path in enumerate(paths):
            progress(number, len(paths))
            path = Path(path)
            try:
                opened = open_bundle(path, password=password, private_key=private_key)
                with database.engine.begin() as connection:
                    if _merged_before(connection, opened):
                        report.bundles.append(
                            BundleReport(
                                path=path,
                                merged_before=True,
                                unchanged=int(opened.manifest.get("interviews", 0)),
                                interviewer=opened.manifest.get("interviewer", ""),
                                device=opened.manifest.get("device", ""),
                            )
                        )
                        continue
                    report.bundles.append(_merge_one(connection, parse_bundle(opened)))
            except BundleRefused as refusal:
                report.bundles.append(BundleReport(path=path, refused=refusal.reason))
            except InterviewerError as error:
                report.bundles.append(BundleReport(path=path, refused=str(error)))
        progress(len(paths), len(paths))
    finally:
        database.close()
    return report


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


def _merge_one(connection: Connection, bundle: Bundle) -> BundleReport:
    manifest, data = bundle.manifest, bundle.data
    result = BundleReport(
        path=bundle.path,
        interviewer=manifest.get("interviewer", ""),
        device=manifest.get("device", ""),
    )
    _adopt_or_check_study(connection, bundle)
    _add_interviewers(connection, data["interviewers"])
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
            select(Interview.id, Interview.revision).where(Interview.id.in_(ids))
        ).all()
    )
    known: dict[uuid.UUID, set[str]] = {i: set() for i in ids}
    for interview_id, revision in connection.execute(
        select(InterviewRevision.interview_id, InterviewRevision.revision).where(
            InterviewRevision.interview_id.in_(ids)
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
            if centre in lineage:
                write_document(connection, incoming)
                result.updated += 1
                came_from_bundle(incoming)
                shown = revision
            else:
                incoming_newer = last_change(incoming) > last_change(mine)
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
    _remember_all(connection, lineages, now)
    if provenance:
        table = Provenance.__table__
        connection.execute(table.delete().where(table.c.record_id.in_(list(provenance))))
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
        )
    )
    return result


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
    """A central database without interviews takes the bundle's study (replacing the
    default one the app sets up); otherwise the study must be the bundle's."""
    study = bundle.data["study"]
    held = connection.execute(select(Study.id, Study.name)).first()
    if held is not None and str(held.id) == study["id"]:
        return
    if held is None or connection.execute(select(Interview.id)).first() is None:
        install_study(connection, study)
        return
    raise BundleRefused(
        bundle.path,
        f"it belongs to another study ({study['name']}, {study['id']}), not to this "
        f"database's ({held.name}, {held.id})",
    )


def _add_interviewers(connection: Connection, interviewers: list[dict]) -> None:
    study_id = connection.execute(select(Study.id)).scalar_one()
    present = set(connection.execute(select(Interviewer.id)).scalars())
    now = datetime.now(UTC)
    fresh = [
        dict(
            id=uuid.UUID(person["id"]),
            name=person["name"],
            study_id=study_id,
            created_at=now,
            updated_at=now,
        )
        for person in interviewers
        if uuid.UUID(person["id"]) not in present
    ]
    if fresh:
        connection.execute(insert(Interviewer.__table__), fresh)
