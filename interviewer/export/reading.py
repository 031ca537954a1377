"""Reading a database for an export: read-only, and with the study's guide and code labels."""

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlmodel import Session, select

from interviewer.errors import DatabaseRefused
from interviewer.guide import Guide, parse_guide
from interviewer.storage.database import connect_read_only, inspect_file
from interviewer.storage.models import CodebookEntry, CodeKind, Study


def read_only_engine(db_path: Path) -> Engine:
    """An engine that can only read ``db_path``: an export never changes the database."""
    if inspect_file(db_path) is None:
        raise DatabaseRefused(db_path, "there is no study in this file to export")
    return create_engine("sqlite://", creator=lambda: connect_read_only(db_path))


@dataclass
class StudyContext:
    study_id: uuid.UUID
    name: str
    guide: Guide
    language: str
    labels: dict[tuple[CodeKind, str], str] = field(default_factory=dict)

    def label(self, kind: CodeKind, code: str | None) -> str | None:
        if code is None:
            return None
        return self.labels.get((CodeKind(kind), code), code)


def study_context(session: Session, language: str) -> StudyContext:
    study = session.exec(select(Study).order_by(Study.created_at)).first()
    if study is None:
        raise DatabaseRefused("", "the database holds no study yet")
    context = StudyContext(study.id, study.name, parse_guide(study.guide_toml), language)
    for entry in session.exec(select(CodebookEntry).where(CodebookEntry.study_id == study.id)):
        text = entry.label_da if language == "da" else entry.label_en
        context.labels[(CodeKind(entry.kind), entry.code)] = text
    return context
