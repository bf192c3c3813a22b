"""Every operation the app sends validates against the real Admin schema; migrations match models."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from graphql import build_client_schema, parse, validate
from sqlalchemy import create_engine
from support import install

from shopify_roi.db import Base
from shopify_roi.migrate import alembic_config
from shopify_roi.shopify_client.admin import QUERIES, AdminClient, AdminError

ROOT = Path(__file__).resolve().parents[2]
VENDORED = ROOT / "devstore" / "admin" / "schema" / "admin-schema-2026-10.json.gz"
SHARED = ROOT.parent / "shared" / "shopify" / "admin-schema-2026-10.json.gz"


@pytest.fixture(scope="module")
def schema():
    return build_client_schema(json.load(gzip.open(VENDORED))["data"])


def test_vendored_schema_is_the_shared_one():
    if not SHARED.exists():
        pytest.skip("../shared is not beside this checkout")
    assert hashlib.sha256(VENDORED.read_bytes()).digest() == hashlib.sha256(SHARED.read_bytes()).digest()


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.graphql")), ids=lambda p: p.name)
def test_every_app_operation_validates_against_the_admin_schema(schema, path):
    assert validate(schema, parse(path.read_text())) == []


@pytest.mark.sends_invalid_graphql
def test_an_operation_the_schema_rejects_fails_through_the_stand_in(
    app_server, runtime, stand_in, shop_domain
):
    from shopify_roi.services.shops.tokens import ShopTokens

    install(app_server.url, shop_domain)
    client = AdminClient(
        shop=shop_domain,
        origin_template=runtime.settings.origin_template,
        api_version="2026-10",
        token=ShopTokens(runtime, shop_domain),
    )
    with pytest.raises(AdminError, match="Cannot query field 'titel' on type 'Shop'"):
        client.execute("query Bad { shop { titel } }")
    with pytest.raises(AdminError, match="Unknown argument"):
        client.execute('query BadArg { shop { name(format: "x") } }')
    log = stand_in.control.graphql_log(shop_domain)
    assert [entry["valid"] for entry in log] == [False, False]


def test_one_migration_head_and_no_model_drift(database_url):
    script = ScriptDirectory.from_config(alembic_config(database_url))
    assert len(script.get_heads()) == 1
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    if database_url.startswith("sqlite"):
        diff = _without_sqlites_own_keys(diff)
    assert diff == []


def _fk_shape(fk) -> tuple:
    return (fk.table.name, tuple(c.name for c in fk.columns), tuple(e.target_fullname for e in fk.elements))


def _without_sqlites_own_keys(diff: list) -> list:
    """SQLite keeps one-column references where the models carry the shop (migration 0029,
    shopify_roi/models/keys.py): drop each model's `(column, shop_id) -> parent (id, shop_id)` from the
    diff when the database holds exactly `column -> parent (id)` instead, and nothing else."""
    removed = {_fk_shape(d[1]) for d in diff if d[0] == "remove_fk"}
    kept = []
    for d in diff:
        if d[0] == "add_fk":
            table, columns, targets = _fk_shape(d[1])
            sqlite_shape = (table, columns[:1], targets[:1])
            carries_the_shop = columns[1:] == ("shop_id",) and targets[1:] == (targets[0][:-3] + ".shop_id",)
            if carries_the_shop and sqlite_shape in removed:
                removed.discard(sqlite_shape)
                continue
        kept.append(d)
    return [d for d in kept if d[0] != "remove_fk" or _fk_shape(d[1]) in removed]
