"""questions and feedback

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "questions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replica", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("rewritten_question", sa.Text),
        sa.Column("doc_ids", sa.JSON, nullable=False),
        sa.Column("refused", sa.Boolean),
        sa.Column("refusal_reason", sa.String(64)),
        sa.Column("extractive", sa.Boolean),
        sa.Column("answer_summary", sa.Text),
        sa.Column("citations", sa.JSON, nullable=False),
        sa.Column("timings", sa.JSON, nullable=False),
        sa.Column("queue_wait_ms", sa.Float),
        sa.Column("error", sa.String(64)),
    )
    op.create_index("ix_questions_created_at", "questions", ["created_at"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replica", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("rating", sa.String(8), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("citations", sa.JSON, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
    )
    op.create_index("ix_feedback_created_at", "feedback", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_feedback_created_at", "feedback")
    op.drop_table("feedback")
    op.drop_index("ix_questions_created_at", "questions")
    op.drop_table("questions")
