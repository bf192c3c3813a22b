"""Leaky bucket arithmetic and the query cost estimate (pure code, no server)."""

from __future__ import annotations

from graphql import parse
from graphql.utilities import get_operation_ast

from devstore.admin_graphql import get_schema
from devstore.config import DevstoreConfig, config_from_env
from devstore.throttle import LeakyBucket, estimate_cost


def _cost(query: str, variables: dict | None = None) -> int:
    document = parse(query)
    fragments = {
        d.name.value: d for d in document.definitions if d.kind == "fragment_definition"
    }
    return estimate_cost(
        get_schema(), get_operation_ast(document), fragments, variables
    )


def test_bucket_refills_at_restore_rate_up_to_maximum():
    bucket = LeakyBucket(maximum=50, restore_rate=5, available=50)
    assert bucket.try_take(40, now=100.0)  # 50 - 40 = 10 left
    assert not bucket.try_take(30, now=102.0)  # 10 + 2 s * 5 = 20 < 30, nothing taken
    assert bucket.try_take(20, now=102.0)  # 20 - 20 = 0
    assert bucket.try_take(50, now=1000.0)  # refill capped at 50
    assert bucket.status() == {
        "maximumAvailable": 50.0,
        "currentlyAvailable": 0,
        "restoreRate": 5.0,
    }


def test_cost_rules():
    # shop (object) 1, plan (object) 1, scalars 0 -> 2
    assert _cost("{ shop { name plan { shopifyPlus } } }") == 2
    # orders 1 + 10 * (nodes 1 + lineItems (1 + 5 * nodes 1)) = 1 + 10 * 7 = 71
    assert (
        _cost(
            "{ orders(first: 10) { nodes { id lineItems(first: 5) { nodes { id } } } } }"
        )
        == 71
    )
    # page size from a variable: 1 + 20 * 1 = 21
    assert (
        _cost("query($n: Int) { orders(first: $n) { nodes { id } } }", {"n": 20}) == 21
    )
    # fragments count like inline fields: shop 1 + plan 1 = 2
    assert _cost("{ shop { ...S } } fragment S on Shop { plan { shopifyPlus } }") == 2
    # two mutation root fields -> 2 * 10
    assert (
        _cost(
            'mutation { a: discountCodeDeactivate(id: "x") { userErrors { message } } '
            'b: discountCodeDeactivate(id: "y") { userErrors { message } } }'
        )
        == 20
    )


def test_config_from_env_reads_shopify_names_and_overrides_win(tmp_path):
    env = {
        "SHOPIFY_API_KEY": "k",
        "SHOPIFY_API_SECRET": "s",
        "APP_URL": "http://127.0.0.1:8000/",
    }
    config = config_from_env(env, app_toml=str(tmp_path / "a.toml"))
    assert (config.api_key, config.api_secret, config.app_url) == (
        "k",
        "s",
        "http://127.0.0.1:8000",
    )
    assert config.app_toml == tmp_path / "a.toml"
    assert config_from_env({}) == DevstoreConfig(app_toml=config_from_env({}).app_toml)
    assert config_from_env({}).api_key == "demo-api-key"
