"""Answers remember the clock time of their notes' first keystroke.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 02:52:17.399737
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notes_started_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_column("notes_started_at")
