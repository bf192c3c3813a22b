"""Fixtures of the hostile-input tests (helpers in hostile_support.py)."""

from __future__ import annotations

import pytest
from hostile_support import HostileServer, truncate
from support import app_settings


@pytest.fixture(scope="module")
def hostile(database_url, redis_url, stand_in):
    """The app with one installed shop, for the whole module (property tests send hundreds of requests)."""
    truncate(database_url)
    server = HostileServer(app_settings(database_url, redis_url, stand_in.origin_template), stand_in)
    yield server
    server.close()
    truncate(database_url)
