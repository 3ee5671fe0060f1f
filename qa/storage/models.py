"""The tables (SQLAlchemy Core). Changing them means adding an Alembic migration in migrations/versions.

Every row's primary key is a random id chosen by the writer *before* the insert, so a write that
is retried after a lost reply cannot be stored twice (the retry hits the key and is recognised).
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, Float, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

questions = Table(
    "questions", metadata,
    Column("id", String(32), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("replica", String(100), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("question", Text, nullable=False),
    Column("rewritten_question", Text),
    Column("doc_ids", JSON, nullable=False),
    Column("refused", Boolean),
    Column("refusal_reason", String(64)),
    Column("extractive", Boolean),
    Column("answer_summary", Text),
    Column("citations", JSON, nullable=False),
    Column("timings", JSON, nullable=False),
    Column("queue_wait_ms", Float),
    Column("error", String(64)),
    Index("ix_questions_created_at", "created_at"),
)

feedback = Table(
    "feedback", metadata,
    Column("id", String(32), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("replica", String(100), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("rating", String(8), nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("citations", JSON, nullable=False),
    Column("comment", Text, nullable=False),
    Index("ix_feedback_created_at", "created_at"),
)

index_jobs = Table(
    "index_jobs", metadata,
    Column("id", String(32), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True)),
    Column("replica", String(100), nullable=False),
    Column("kind", String(16), nullable=False),  # add | remove
    Column("target", Text, nullable=False),  # file name or doc_id
    Column("state", String(16), nullable=False),  # queued | running | done | failed
    Column("step", String(32), nullable=False),
    Column("done", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("message", Text, nullable=False),
    Column("report", JSON, nullable=False),
)

TABLES = {"questions": questions, "feedback": feedback, "index_jobs": index_jobs}
