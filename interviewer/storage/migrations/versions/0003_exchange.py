"""Exchange between field and centre: interview revisions, merged bundles, provenance, conflicts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 03:29:16.430997
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conflict",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("interview_id", sa.Uuid(), nullable=False),
        sa.Column("shown_revision", sa.String(), nullable=False),
        sa.Column("other_revision", sa.String(), nullable=False),
        sa.Column("other_document", sa.String(), nullable=False),
        sa.Column("other_source", sa.String(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.String(), nullable=True),
        sa.Column("resolved_by", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_interview_id"), ["interview_id"], unique=False
        )

    op.create_table(
        "interview_revision",
        sa.Column("interview_id", sa.Uuid(), nullable=False),
        sa.Column("revision", sa.String(), nullable=False),
        sa.Column("parent", sa.String(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("interview_id", "revision"),
    )
    op.create_table(
        "merged_bundle",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("bundle_id", sa.Uuid(), nullable=False),
        sa.Column("checksum", sa.String(), nullable=False),
        sa.Column("file_name", sa.String(), nullable=False),
        sa.Column("interviewer", sa.String(), nullable=False),
        sa.Column("device", sa.String(), nullable=False),
        sa.Column("bundle_created_at", sa.DateTime(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("conflicts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bundle_id"),
    )
    op.create_table(
        "provenance",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("record_type", sa.String(), nullable=False),
        sa.Column("bundle_id", sa.Uuid(), nullable=False),
        sa.Column("interviewer", sa.String(), nullable=False),
        sa.Column("device", sa.String(), nullable=False),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("record_id"),
    )
    with op.batch_alter_table("provenance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provenance_bundle_id"), ["bundle_id"], unique=False)

    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.String(), nullable=True))
    with op.batch_alter_table("study", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_key_pem", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("study", schema=None) as batch_op:
        batch_op.drop_column("public_key_pem")
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.drop_column("revision")

    with op.batch_alter_table("provenance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provenance_bundle_id"))

    op.drop_table("provenance")
    op.drop_table("merged_bundle")
    op.drop_table("interview_revision")
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_interview_id"))

    op.drop_table("conflict")
