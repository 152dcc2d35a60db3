"""Alembic migrations for Loa's database (applied by content.db.upgrade)."""
