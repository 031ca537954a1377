"""Alembic migrations of the database schema; run at every open by interviewer.storage.database."""
