"""Conflicts left by merging: listed for a person, and settled by their choice."""

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from interviewer.errors import DomainError
from interviewer.exchange.documents import content_hash, interview_documents, write_document
from interviewer.i18n import tr
from interviewer.storage.models import Conflict, Interview


@dataclass(frozen=True)
class ConflictLine:
    id: uuid.UUID
    interview_id: uuid.UUID
    respondent_role: str
    municipality: str
    shown_revision: str
    other_revision: str
    other_source: str
    detected_at: datetime
    resolution: str | None
    resolved_by: str | None


def list_conflicts(*, session: Session, include_resolved: bool = False) -> list[ConflictLine]:
    query = (
        select(Conflict, Interview.respondent_role, Interview.municipality)
        .join(Interview, Interview.id == Conflict.interview_id)
        .order_by(Conflict.created_at)
    )
    if not include_resolved:
        query = query.where(col(Conflict.resolved_at).is_(None))
    return [
        ConflictLine(
            c.id,
            c.interview_id,
            role,
            municipality,
            c.shown_revision,
            c.other_revision,
            c.other_source,
            c.created_at,
            c.resolution,
            c.resolved_by,
        )
        for c, role, municipality in session.exec(query)
    ]


def source_text(source: str, lang: str | None = None) -> str:
    """Where the version kept aside came from, in words."""
    try:
        found = json.loads(source)
    except ValueError:
        return source
    if found.get("local"):
        return tr("this database, before the merge", lang=lang)
    return tr(
        "{file}: a bundle from {who} on {device}",
        lang=lang,
        file=found.get("file", ""),
        who=found.get("interviewer") or tr("an interviewer", lang=lang),
        device=found.get("device", ""),
    )


def count_open_conflicts(*, session: Session) -> int:
    return session.exec(
        select(func.count()).select_from(Conflict).where(col(Conflict.resolved_at).is_(None))
    ).one()


def resolve_conflict(*, session: Session, conflict_id: uuid.UUID, keep: str, by: str) -> Conflict:
    """Settles a conflict: ``keep`` is "shown" (the version in the database stays) or
    "other" (the kept-aside version replaces it; the replaced one is kept in its place)."""
    if keep not in ("shown", "other"):
        raise DomainError('Choose "shown" or "other".')
    conflict = session.get(Conflict, conflict_id)
    if conflict is None:
        raise DomainError("That conflict does not exist.")
    if conflict.resolved_at is not None:
        raise DomainError("That conflict is settled already.")
    if keep == "other":
        connection = session.connection()
        shown = interview_documents(connection, [conflict.interview_id])[conflict.interview_id]
        other = json.loads(conflict.other_document)
        write_document(connection, other)
        connection.execute(
            Interview.__table__.update()
            .where(Interview.__table__.c.id == conflict.interview_id)
            .values(revision=conflict.other_revision)
        )
        conflict.other_document = json.dumps(shown, ensure_ascii=False, sort_keys=True)
        conflict.shown_revision, conflict.other_revision = (
            conflict.other_revision,
            content_hash(shown),
        )
    conflict.resolution, conflict.resolved_by = keep, by
    conflict.resolved_at = conflict.updated_at = datetime.now(UTC)
    session.add(conflict)
    session.commit()
    return conflict
