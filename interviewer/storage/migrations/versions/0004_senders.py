"""Signed bundles: the signing keys a centre knows, the study's rule for unknown ones, the
verified sender of each merged bundle and of each interview's first arrival.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 18:50:00.000000
"""

import unicodedata
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sender_key",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("study_id", sa.Uuid(), nullable=False),
        sa.Column("interviewer_id", sa.Uuid(), nullable=False),
        sa.Column("interviewer_name", sa.String(), nullable=False),
        sa.Column("public_key", sa.String(), nullable=False),
        sa.Column("fingerprint", sa.String(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("first_file", sa.String(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("study_id", "public_key"),
    )
    with op.batch_alter_table("sender_key", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sender_key_interviewer_id"), ["interviewer_id"], unique=False
        )
    op.create_table(
        "interview_sender",
        sa.Column("interview_id", sa.Uuid(), nullable=False),
        sa.Column("interviewer_id", sa.Uuid(), nullable=False),
        sa.Column("bundle_id", sa.Uuid(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("interview_id"),
    )
    with op.batch_alter_table("study", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "sender_rule",
                sa.String(length=32),
                nullable=False,
                server_default="confirm_new",
            )
        )
    with op.batch_alter_table("merged_bundle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sender_fingerprint", sa.String(), nullable=True))
    _first_senders_from_provenance()


def _first_senders_from_provenance() -> None:
    """Interviews merged before bundles were signed: the sender their provenance names (the
    bundle's own claim, all there was then) is taken as the one that brought them, so that
    interviewer's next bundle is an update as before, not a conflict."""
    connection = op.get_bind()
    study = connection.execute(sa.text("SELECT id FROM study")).first()
    if study is None:
        return
    study_id = uuid.UUID(hex=str(study.id).replace("-", ""))
    rows = connection.execute(
        sa.text(
            "SELECT p.record_id, p.interviewer, p.bundle_id, p.merged_at FROM provenance p "
            "JOIN interview i ON i.id = p.record_id WHERE p.record_type = 'interview'"
        )
    ).all()
    for row in rows:
        # text_rules.interviewer_id written out here: a migration never changes with the code
        name = " ".join(unicodedata.normalize("NFC", row.interviewer or "").split())
        connection.execute(
            sa.text(
                "INSERT INTO interview_sender (interview_id, interviewer_id, bundle_id, "
                "recorded_at) VALUES (:interview, :interviewer, :bundle, :at)"
            ),
            {
                "interview": row.record_id,  # ids stay in the form SQLAlchemy stored them
                "interviewer": uuid.uuid5(study_id, name).hex,
                "bundle": row.bundle_id,
                "at": row.merged_at,
            },
        )


def downgrade() -> None:
    with op.batch_alter_table("merged_bundle", schema=None) as batch_op:
        batch_op.drop_column("sender_fingerprint")
    with op.batch_alter_table("study", schema=None) as batch_op:
        batch_op.drop_column("sender_rule")
    op.drop_table("interview_sender")
    with op.batch_alter_table("sender_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sender_key_interviewer_id"))
    op.drop_table("sender_key")
