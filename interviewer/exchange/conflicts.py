"""Conflicts left by merging: listed for a person, and settled by their choice."""

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from interviewer.errors import DomainError
from interviewer.exchange.documents import (
    PARTS,
    content_hash,
    interview_documents,
    last_change,
    write_document,
)
from interviewer.exchange.validate import kept_version_problems, refusal
from interviewer.figures import format_figure
from interviewer.guide import parse_guide
from interviewer.i18n import language, tr
from interviewer.storage.backup import keep_backup
from interviewer.storage.models import (
    CodebookEntry,
    Conflict,
    EffectKind,
    InitiativeStatus,
    Interview,
    Interviewer,
    InterviewMode,
    InterviewStatus,
    Study,
)
from interviewer.text_rules import clean_name
from interviewer.wording import (
    effect_kind_labels,
    initiative_status_labels,
    interview_status_labels,
    mode_labels,
)


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
    if keep == "other":  # held to the rules a bundle is: stored long ago, or edited since
        problems = kept_version_problems(
            session.connection(), conflict.interview_id, conflict.other_document
        )
        if problems:
            raise DomainError(
                tr(
                    "The other version cannot be kept, so nothing was changed: {reason}",
                    reason=refusal(problems),
                )
            )
    # the state before the settlement, apart from the rotation (the command line and the app
    # both settle here); raises BackupFailed, and then nothing is written
    db_file = session.get_bind().url.database
    if db_file:
        keep_backup(Path(db_file), "settlement")
    if keep == "other":
        connection = session.connection()
        shown = interview_documents(connection, [conflict.interview_id])[conflict.interview_id]
        other = json.loads(conflict.other_document)
        kept = with_lacking_records_removed(other, shown)
        write_document(connection, kept)
        connection.execute(
            Interview.__table__.update()
            .where(Interview.__table__.c.id == conflict.interview_id)
            .values(revision=conflict.other_revision if kept == other else content_hash(kept))
        )
        conflict.other_document = json.dumps(shown, ensure_ascii=False, sort_keys=True)
        conflict.shown_revision, conflict.other_revision = (
            conflict.other_revision,
            content_hash(shown),
        )
    conflict.resolution, conflict.resolved_by = keep, clean_name(by)  # one clean line
    conflict.resolved_at = conflict.updated_at = datetime.now(UTC)
    session.add(conflict)
    session.commit()
    return conflict


def with_lacking_records_removed(other: dict, shown: dict) -> dict:
    """The version ``other`` with every record of ``shown`` it lacks added back, marked
    removed (deleted_at and updated_at now; a challenge without a rank): keeping a version
    from before a record was added never destroys that record, and the removal can be
    undone. Only kinds with a deleted mark (kept_version_problems refuses a version lacking
    any other); ``other`` itself is not changed."""
    now = datetime.now(UTC).isoformat()
    kept = json.loads(json.dumps(other))
    for part in PARTS:
        present = {record["id"] for record in kept[part]}
        for record in shown[part]:
            if record["id"] in present or "deleted_at" not in record:
                continue
            record = dict(record, updated_at=now)
            record["deleted_at"] = record["deleted_at"] or now
            if part == "challenges":
                record["rank"] = None
            kept[part].append(record)
        kept[part].sort(key=lambda record: record["id"])
    return kept


# ---------------------------------------------------------------- what differs


@dataclass(frozen=True)
class Difference:
    """One row of what differs between the version shown and the other version of an
    interview: which record, which field, and each side's value, in words.

    ``change`` is "changed" (in both, a field differs), "other_only" (the record is only in
    the other version: keeping it adds the record) or "shown_only" (only in the version
    shown: keeping the other removes it); for those two, field is "The whole record" and
    the side without it says "not in this version". Values are "" where a field is empty."""

    record: str
    field: str
    shown: str
    other: str
    change: str


# Fields that say when and where a record was written, not what it says: never compared.
BOOKKEEPING = {
    "id",
    "created_at",
    "updated_at",
    "interview_id",
    "study_id",
    "guide_version",
    "created_device",
    "notes_started_offset",
    "notes_started_at",
    "seconds_spent",
    "offset_seconds",
    "captured_at",
    "deleted_at",
}
# Fields that name the record (its question and scale), shown as the record, not compared.
IN_THE_RECORD_NAME = {"answers": {"question_key"}, "ratings": {"question_key", "scale_key"}}
SHORT = 60  # characters of a title, description or quote that name a record


def _field_labels(lang: str | None) -> dict[str, dict[str, str]]:
    def t(text: str) -> str:
        return tr(text, lang=lang)

    return {
        "interview": {
            "interviewer_id": t("Interviewer"),
            "respondent_role": t("Role or title"),
            "service_area": t("Service area"),
            "municipality": t("Municipality"),
            "respondent_name": t("Name"),
            "consent_given": t("Consent given"),
            "consent_date": t("Consent date"),
            "interview_date": t("Date"),
            "start_time": t("Start time"),
            "end_time": t("End time"),
            "location": t("Location"),
            "mode": t("Mode"),
            "status": t("Status"),
            "deleted_at": t("Deleted"),
        },
        "answers": {"notes": t("Notes")},
        "ratings": {"value": t("Rating"), "dont_know": t("don't know")},
        "challenges": {
            "rank": t("Rank"),
            "title": t("Title"),
            "description": t("Description"),
            "theme_code": t("Theme"),
        },
        "initiatives": {
            "position": t("Order"),
            "title": t("Title"),
            "description": t("Description"),
            "category_code": t("Category"),
            "status": t("Status"),
            "start_date": t("Start date"),
        },
        "effects": {
            "initiative_id": t("Initiative"),
            "position": t("Order"),
            "kind": t("Kind"),
            "description": t("Description"),
            "metric": t("Metric"),
            "baseline": t("Before"),
            "current": t("Now"),
            "unit": t("Unit"),
            "period": t("Period"),
        },
        "quotes": {
            "text": t("Quote"),
            "speaker_role": t("Speaker"),
            "question_key": t("Question"),
            "theme_code": t("Theme"),
            "challenge_id": t("Challenge"),
            "initiative_id": t("Initiative"),
            "use_in_report": t("Use in report"),
        },
    }


def _short(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"


MAIN_FIELD = {
    "answers": "notes",
    "ratings": "value",
    "challenges": "title",
    "initiatives": "title",
    "effects": "description",
    "quotes": "text",
}


def _main_text(record: dict, part: str, words: "_Words") -> str:
    """What a record says, in short: a challenge's title, a quote's text, a rating's value."""
    if part == "ratings" and record.get("dont_know"):
        return tr("don't know", lang=words.lang)
    return _short(words.value(part, MAIN_FIELD[part], record.get(MAIN_FIELD[part])))


@dataclass
class _Words:
    """What turns stored values into words: the study's names for ids and codes."""

    lang: str | None
    interviewers: dict[str, str]
    codes: dict[str, str]
    questions: dict[str, str]
    scales: dict[tuple[str, str], str]
    titles: dict[str, str]  # challenge and initiative ids, from both versions

    def value(self, part: str, field: str, value) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return tr("Yes", lang=self.lang) if value else tr("No", lang=self.lang)
        if field == "interviewer_id":
            return self.interviewers.get(value, value)
        if field in ("service_area", "theme_code", "category_code"):
            return self.codes.get(value, value)
        if field in ("initiative_id", "challenge_id"):
            return self.titles.get(value, "")
        if field == "question_key":
            return self.questions.get(value, value)
        if field == "deleted_at":
            return _local_time(value)
        if field in ("baseline", "current"):
            return format_figure(value, self.lang)
        if field == "position":
            return str(value + 1)
        labels = {
            ("interview", "mode"): (InterviewMode, mode_labels),
            ("interview", "status"): (InterviewStatus, interview_status_labels),
            ("initiatives", "status"): (InitiativeStatus, initiative_status_labels),
            ("effects", "kind"): (EffectKind, effect_kind_labels),
        }.get((part, field))
        if labels is not None:
            kind, words = labels
            try:
                return words(self.lang)[kind(value)]
            except ValueError:
                return str(value)
        return str(value)

    def record(self, part: str, record: dict) -> str:
        def t(message: str, /, **values) -> str:
            return tr(message, lang=self.lang, **values)

        if part == "interview":
            return t("Interview")
        if part == "answers":
            return t("Notes, {question}", question=self.questions.get(record["question_key"], ""))
        if part == "ratings":
            question = self.questions.get(record["question_key"], record["question_key"])
            scale = self.scales.get((record["question_key"], record["scale_key"]), "")
            return t("Rating, {question}: {scale}", question=question, scale=scale)
        if part == "challenges":
            return t("Challenge “{title}”", title=_short(record.get("title")))
        if part == "initiatives":
            return t("Initiative “{title}”", title=_short(record.get("title")))
        if part == "effects":
            return t("Effect “{description}”", description=_short(record.get("description")))
        return t("Quote “{text}”", text=_short(record.get("text")))


def _alive(records: list[dict]) -> dict[str, dict]:
    # a removed record is kept with deleted_at (for undo): to a person it is not there
    return {record["id"]: record for record in records if not record.get("deleted_at")}


PART_ORDER = ("interview", "answers", "ratings", "challenges", "initiatives", "effects", "quotes")


def document_differences(shown: dict, other: dict, words: "_Words") -> list[Difference]:
    """What differs between two documents of one interview (see documents.py), field by
    field, records matched by id; in the order of the interview's steps."""
    labels = _field_labels(words.lang)
    rows: list[Difference] = []
    for part in PART_ORDER:
        if part == "interview":
            pairs = [(shown["interview"], other["interview"])]
        else:
            mine, theirs = _alive(shown.get(part, [])), _alive(other.get(part, []))
            ordered = list(mine) + [key for key in theirs if key not in mine]
            pairs = [(mine.get(key), theirs.get(key)) for key in ordered]
        for here, there in pairs:
            record = words.record(part, here or there)
            if here is None or there is None:
                present = _main_text(here or there, part, words)
                absent = tr("not in this version", lang=words.lang)
                rows.append(
                    Difference(
                        record,
                        tr("The whole record", lang=words.lang),
                        present if here else absent,
                        absent if here else present,
                        "shown_only" if here else "other_only",
                    )
                )
                continue
            for field, label in labels[part].items():
                before, after = here.get(field), there.get(field)
                if before != after:
                    rows.append(
                        Difference(
                            record,
                            label,
                            words.value(part, field, before),
                            words.value(part, field, after),
                            "changed",
                        )
                    )
    return rows


def conflict_differences(
    *, session: Session, conflict_id: uuid.UUID, lang: str | None = None
) -> list[Difference]:
    """What differs between the version of the conflict's interview in the database (shown)
    and the version kept aside (other), in ``lang`` (default: the app's language). The
    first row says when each was last changed. Raises DomainError for an unknown conflict."""
    conflict = session.get(Conflict, conflict_id)
    if conflict is None:
        raise DomainError("That conflict does not exist.")
    connection = session.connection()
    shown = interview_documents(connection, [conflict.interview_id]).get(conflict.interview_id)
    if shown is None:
        raise DomainError("That conflict does not exist.")
    problems = kept_version_problems(connection, conflict.interview_id, conflict.other_document)
    if problems:  # nothing of it can be put in words safely: only why
        reason = tr("cannot be shown: {reason}", lang=lang, reason=refusal(problems))
        record, field = tr("Interview", lang=lang), tr("The other version", lang=lang)
        return [Difference(record, field, "", reason, "changed")]
    other = json.loads(conflict.other_document)
    in_language = lang or language()
    study_id = uuid.UUID(shown["interview"]["study_id"])
    study = session.get(Study, study_id)
    questions, scales = {}, {}
    if study is not None:
        for question in parse_guide(study.guide_toml).questions:
            questions[question.key] = tr("question {number}", lang=lang, number=question.number)
            for scale in question.scales:
                scales[(question.key, scale.key)] = scale.label.in_language(in_language)
    codes = {
        entry.code: entry.label(in_language)
        for entry in session.exec(select(CodebookEntry).where(CodebookEntry.study_id == study_id))
    }
    interviewers = {str(person.id): person.name for person in session.exec(select(Interviewer))}
    titles = {
        record["id"]: _short(record.get("title"))
        for document in (other, shown)
        for part in ("challenges", "initiatives")
        for record in document.get(part, [])
    }
    words = _Words(lang, interviewers, codes, questions, scales, titles)
    newer = Difference(
        tr("Interview", lang=lang),
        tr("Last changed", lang=lang),
        _local_time(last_change(shown)),
        _local_time(last_change(other)),
        "changed",
    )
    return [newer, *document_differences(shown, other, words)]


def _local_time(stamp: str) -> str:
    return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M:%S")
