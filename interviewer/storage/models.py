"""The interview record as SQLModel tables: one study, its codebook, interviews and their parts.

Every record has its own UUID and UTC timestamps so that merging databases is exact, and a
``deleted_at`` stamp instead of a hard delete so that removing something can be undone.
"""

import uuid
from datetime import UTC, date, datetime, time
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, Index, TypeDecorator, UniqueConstraint
from sqlalchemy import Enum as SAEnum
from sqlalchemy import text as sa_text
from sqlmodel import Field, Relationship, SQLModel


def utc_now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores datetimes as UTC and hands them back timezone-aware (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def enum_column(enum: type[StrEnum]) -> SAEnum:
    """Stores an enum by its value (readable in any SQLite tool) and checks it on write."""
    return SAEnum(
        enum,
        values_callable=lambda members: [member.value for member in members],
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=32,
    )


class InterviewStatus(StrEnum):
    DRAFT = "draft"
    COMPLETE = "complete"


class InterviewMode(StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"


class InitiativeStatus(StrEnum):
    PLANNED = "planned"
    UNDERWAY = "underway"
    COMPLETED = "completed"
    STOPPED = "stopped"


class EffectKind(StrEnum):
    MEASURED = "measured"
    OBSERVED = "observed"
    EXPECTED = "expected"
    NONE_YET = "none_yet"


class CodeKind(StrEnum):
    CHALLENGE_THEME = "challenge_theme"
    INITIATIVE_CATEGORY = "initiative_category"
    SERVICE_AREA = "service_area"


class Record(SQLModel):
    """Fields every stored record shares."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class Study(Record, table=True):
    name: str
    guide_id: str
    guide_version: str
    # the guide file itself, so the study keeps its questions whatever guide files are around
    guide_toml: str
    codebook_id: str
    codebook_version: str
    # the central team's public key (PEM): bundles are encrypted to it when it is set
    public_key_pem: str | None = None
    # what the centre does with a bundle from a signing key it does not know yet: hold it for
    # a person to accept ("confirm_new") or refuse it ("known_only"); see exchange/signing.py
    sender_rule: str = Field(
        default="confirm_new", max_length=32, sa_column_kwargs={"server_default": "confirm_new"}
    )

    codes: list["CodebookEntry"] = Relationship(back_populates="study", cascade_delete=True)
    interviewers: list["Interviewer"] = Relationship(back_populates="study", cascade_delete=True)
    interviews: list["Interview"] = Relationship(back_populates="study", cascade_delete=True)


class CodebookEntry(Record, table=True):
    """One code of the study's codebook, copied from the codebook file so a study can edit it."""

    __tablename__ = "codebook_entry"
    __table_args__ = (UniqueConstraint("study_id", "kind", "code"),)

    study_id: uuid.UUID = Field(foreign_key="study.id", index=True, ondelete="CASCADE")
    kind: CodeKind = Field(sa_type=enum_column(CodeKind))
    code: str
    position: int
    label_en: str
    label_da: str
    description_en: str = ""
    description_da: str = ""

    study: Study = Relationship(back_populates="codes")

    def label(self, language: str) -> str:
        return self.label_da if language == "da" else self.label_en

    def description(self, language: str) -> str:
        return self.description_da if language == "da" else self.description_en


class Interviewer(Record, table=True):
    study_id: uuid.UUID = Field(foreign_key="study.id", index=True, ondelete="CASCADE")
    name: str

    study: Study = Relationship(back_populates="interviewers")


class Interview(Record, table=True):
    study_id: uuid.UUID = Field(foreign_key="study.id", index=True, ondelete="CASCADE")
    guide_version: str
    interviewer_id: uuid.UUID | None = Field(
        default=None, foreign_key="interviewer.id", index=True, ondelete="SET NULL"
    )
    # respondent
    respondent_role: str
    service_area: str
    municipality: str
    respondent_name: str | None = None  # personal data: left out of exports on request
    consent_given: bool = False
    consent_date: date | None = None
    # the meeting
    interview_date: date
    start_time: time | None = None
    end_time: time | None = None
    location: str = ""
    mode: InterviewMode = Field(default=InterviewMode.IN_PERSON, sa_type=enum_column(InterviewMode))
    status: InterviewStatus = Field(
        default=InterviewStatus.DRAFT, sa_type=enum_column(InterviewStatus)
    )
    created_device: str = ""
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # the content hash of the last version that left or reached this file (see exchange/)
    revision: str | None = None

    study: Study = Relationship(back_populates="interviews")
    answers: list["Answer"] = Relationship(back_populates="interview", cascade_delete=True)
    ratings: list["Rating"] = Relationship(back_populates="interview", cascade_delete=True)
    challenges: list["Challenge"] = Relationship(back_populates="interview", cascade_delete=True)
    initiatives: list["Initiative"] = Relationship(back_populates="interview", cascade_delete=True)
    effects: list["Effect"] = Relationship(back_populates="interview", cascade_delete=True)
    quotes: list["Quote"] = Relationship(back_populates="interview", cascade_delete=True)


class Answer(Record, table=True):
    """What belongs to one question of the guide in one interview: its notes and time spent."""

    __table_args__ = (UniqueConstraint("interview_id", "question_key"),)

    interview_id: uuid.UUID = Field(foreign_key="interview.id", index=True, ondelete="CASCADE")
    question_key: str
    notes: str = ""
    # seconds into the interview, and the clock time, at the notes' first keystroke,
    # to match them against a recording
    notes_started_offset: int | None = None
    notes_started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    seconds_spent: int = 0

    interview: Interview = Relationship(back_populates="answers")


class Rating(Record, table=True):
    """One scale of a rating question, 1-5, or unknown (not answered yet, or "don't know")."""

    __table_args__ = (
        UniqueConstraint("interview_id", "question_key", "scale_key"),
        CheckConstraint("value IS NULL OR value BETWEEN 1 AND 5", name="rating_value_1_to_5"),
        CheckConstraint("NOT (dont_know AND value IS NOT NULL)", name="rating_value_or_dont_know"),
    )

    interview_id: uuid.UUID = Field(foreign_key="interview.id", index=True, ondelete="CASCADE")
    question_key: str
    scale_key: str
    value: int | None = None
    dont_know: bool = False

    interview: Interview = Relationship(back_populates="ratings")


class Challenge(Record, table=True):
    # Ranks are unique among the live challenges of an interview; a deleted one has no rank.
    __table_args__ = (
        Index(
            "ix_challenge_rank_unique",
            "interview_id",
            "rank",
            unique=True,
            sqlite_where=sa_text("rank IS NOT NULL"),
        ),
        CheckConstraint("rank IS NULL OR rank >= 1", name="challenge_rank_positive"),
    )

    interview_id: uuid.UUID = Field(foreign_key="interview.id", index=True, ondelete="CASCADE")
    rank: int | None = None  # 1..n among the challenges not deleted; None once deleted
    title: str
    description: str = ""
    theme_code: str | None = None
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    interview: Interview = Relationship(back_populates="challenges")


class Initiative(Record, table=True):
    interview_id: uuid.UUID = Field(foreign_key="interview.id", index=True, ondelete="CASCADE")
    position: int
    title: str
    description: str = ""
    category_code: str | None = None
    status: InitiativeStatus = Field(
        default=InitiativeStatus.UNDERWAY, sa_type=enum_column(InitiativeStatus)
    )
    start_date: date | None = None
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    interview: Interview = Relationship(back_populates="initiatives")
    effects: list["Effect"] = Relationship(back_populates="initiative", cascade_delete=True)


class Effect(Record, table=True):
    interview_id: uuid.UUID = Field(foreign_key="interview.id", index=True, ondelete="CASCADE")
    initiative_id: uuid.UUID = Field(foreign_key="initiative.id", index=True, ondelete="CASCADE")
    position: int
    kind: EffectKind = Field(default=EffectKind.OBSERVED, sa_type=enum_column(EffectKind))
    description: str = ""
    # an optional figure, e.g. "children in foster care", 50 -> 7, "children", "2015-2017"
    metric: str | None = None
    baseline: float | None = None
    current: float | None = None
    unit: str | None = None
    period: str | None = None
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    interview: Interview = Relationship(back_populates="effects")
    initiative: Initiative = Relationship(back_populates="effects")


class Quote(Record, table=True):
    interview_id: uuid.UUID = Field(foreign_key="interview.id", index=True, ondelete="CASCADE")
    text: str
    speaker_role: str
    question_key: str | None = None
    theme_code: str | None = None
    challenge_id: uuid.UUID | None = Field(
        default=None, foreign_key="challenge.id", ondelete="SET NULL"
    )
    initiative_id: uuid.UUID | None = Field(
        default=None, foreign_key="initiative.id", ondelete="SET NULL"
    )
    use_in_report: bool = False
    # seconds into the interview and wall-clock time at the first keystroke
    offset_seconds: int | None = None
    captured_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    interview: Interview = Relationship(back_populates="quotes")


class InterviewRevision(SQLModel, table=True):
    """One known version of an interview and the version it replaced: the ancestry that
    tells an update from a conflict when bundles are merged."""

    __tablename__ = "interview_revision"

    interview_id: uuid.UUID = Field(primary_key=True)
    revision: str = Field(primary_key=True)
    parent: str | None = None
    recorded_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class MergedBundle(Record, table=True):
    """A bundle merged into this database: who sent it, from where, when."""

    __tablename__ = "merged_bundle"

    bundle_id: uuid.UUID = Field(unique=True)
    checksum: str
    file_name: str
    interviewer: str
    device: str
    bundle_created_at: datetime = Field(sa_type=UTCDateTime)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    # the short fingerprint of the signing key the bundle was verified with
    sender_fingerprint: str | None = None


class Provenance(SQLModel, table=True):
    """Where a merged record came from: the bundle, its interviewer and device, and when."""

    record_id: uuid.UUID = Field(primary_key=True)
    record_type: str
    bundle_id: uuid.UUID = Field(index=True)
    interviewer: str
    device: str
    merged_at: datetime = Field(sa_type=UTCDateTime)


class Conflict(Record, table=True):
    """An interview changed in two places: the version not shown is kept here whole."""

    interview_id: uuid.UUID = Field(index=True)
    shown_revision: str
    other_revision: str
    other_document: str  # the other version as JSON, as a bundle carries it
    # JSON: {"bundle", "interviewer", "device", "file"}, or {"local": true} for the version
    # this database held before the merge; conflicts.source_text puts it in words
    other_source: str
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution: str | None = None  # "shown" or "other": the version chosen
    resolved_by: str | None = None


class SenderKey(Record, table=True):
    """A signing key the centre knows, and the interviewer whose it is: accepted (bundles it
    signs are merged), held (seen on a bundle, waiting for a person) or refused."""

    __tablename__ = "sender_key"
    __table_args__ = (UniqueConstraint("study_id", "public_key"),)

    study_id: uuid.UUID  # no foreign key: a key may be held before its study is adopted
    interviewer_id: uuid.UUID = Field(index=True)
    interviewer_name: str
    public_key: str  # "ed25519:" and the 32 raw bytes in base64
    fingerprint: str
    status: str = Field(max_length=16)  # "accepted", "held" or "refused"
    source: str = Field(max_length=16)  # "study file", "added", "bundle"
    first_file: str | None = None  # the bundle it was first seen on, when held
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by: str | None = None


class InterviewSender(SQLModel, table=True):
    """The verified sender whose bundle first brought an interview to this database: with the
    interviewer recorded on the interview, the one who may change it without a conflict."""

    __tablename__ = "interview_sender"

    interview_id: uuid.UUID = Field(primary_key=True)
    interviewer_id: uuid.UUID
    bundle_id: uuid.UUID
    recorded_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


CHILD_TABLES = (Answer, Rating, Challenge, Initiative, Effect, Quote)
