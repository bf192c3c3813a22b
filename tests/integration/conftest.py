"""Fixtures of the integration tests beyond tests/conftest.py's."""

from __future__ import annotations

import os

import pytest
from support import postgres_test_database


@pytest.fixture
def fresh_url(tmp_path):
    """An empty database of its own for a migration test: PostgreSQL when DATABASE_URL names it, else
    SQLite; dropped afterwards."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        url, drop = postgres_test_database(base.replace("postgres://", "postgresql://", 1))
    else:
        url, drop = f"sqlite:///{tmp_path / 'm.sqlite3'}", (lambda: None)
    yield url
    drop()
