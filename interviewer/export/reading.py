"""Reading a database for an export: read-only, and with the study's guide and code labels."""

import sqlite3
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlmodel import Session, select

from interviewer.errors import DatabaseRefused
from interviewer.export.options import InterviewFilter
from interviewer.guide import Guide, parse_guide
from interviewer.i18n import tr, tr_n
from interviewer.storage.database import (
    connect_read_only,
    head_revision,
    inspect_file,
    open_database,
)
from interviewer.storage.models import CodebookEntry, CodeKind, Study
from interviewer.wording import interview_status_labels


def decoded_text(stored: bytes) -> str:
    """A stored text as an export reads it: UTF-8, each byte sequence that is not valid
    UTF-8 (a lone surrogate another program wrote, a cut-off character) read as the
    replacement character U+FFFD, text.MARKER, so the export shows where it was."""
    return stored.decode("utf-8", "replace")


def connect_for_export(db_path: Path) -> sqlite3.Connection:
    """A read-only connection (``connect_read_only``) whose text comes back through
    ``decoded_text``: one invalid value marks its own cell, paragraph or line instead of
    stopping the whole export. `interviewer check` reads through its own connection, as
    bytes, and still names every such value."""
    connection = connect_read_only(db_path)
    connection.text_factory = decoded_text
    return connection


def read_only_engine(db_path: Path) -> Engine:
    """An engine that can only read ``db_path``: an export never changes what it reads.
    Text is read through ``decoded_text`` (see ``connect_for_export``).

    A file of an older schema is first brought up to date (after a backup), as opening it in
    the app would; the export then reads the current schema."""
    revision = inspect_file(db_path)
    if revision is None:
        raise DatabaseRefused(db_path, "there is no study in this file to export")
    if revision != head_revision():
        open_database(db_path).close()
    return create_engine(
        "sqlite://", creator=lambda: connect_for_export(db_path), hide_parameters=True
    )


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
        context.labels[(CodeKind(entry.kind), entry.code)] = entry.label(language)
    return context


def describe_filter(
    chosen: InterviewFilter, context: StudyContext, *, personal_data: bool = True
) -> str:
    """The filter in words, in the export's language; "" when it chooses everything.

    With ``personal_data`` False it says no more than an anonymised export may: dates as their
    month (YYYY-MM: options.check_dates lets only whole months through, so the month is the
    choice) and the number of interviewers chosen, not their names."""
    lang = context.language

    def day(value) -> str:
        return value.isoformat() if personal_data else f"{value.year:04d}-{value.month:02d}"

    parts = []
    if chosen.service_areas:
        parts.append(
            tr(
                "service area {areas}",
                lang=lang,
                areas=", ".join(
                    context.label(CodeKind.SERVICE_AREA, area) for area in chosen.service_areas
                ),
            )
        )
    if chosen.interviewers:
        if personal_data:
            names = ", ".join(chosen.interviewers)
            parts.append(tr("interviewer {names}", lang=lang, names=names))
        else:
            parts.append(
                tr_n(
                    "{count} interviewer",
                    "{count} interviewers",
                    len(chosen.interviewers),
                    lang=lang,
                )
            )
    if chosen.status is not None:
        parts.append(
            tr(
                "status {status}",
                lang=lang,
                status=interview_status_labels(lang)[chosen.status].lower(),
            )
        )
    if chosen.date_from is not None:
        parts.append(tr("from {date}", lang=lang, date=day(chosen.date_from)))
    if chosen.date_to is not None:
        parts.append(tr("to {date}", lang=lang, date=day(chosen.date_to)))
    if chosen.interview_ids:
        parts.append(tr("{count} chosen interviews", lang=lang, count=len(chosen.interview_ids)))
    return "; ".join(parts)
