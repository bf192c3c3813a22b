from __future__ import annotations

from decimal import Decimal

import pytest

from shopify_roi.config import ConfigError, from_env
from shopify_roi.money import display, parse_amount
from shopify_roi.shopify_client.domains import graphql_url, origin_root, shop_origin, valid_shop_domain


@pytest.mark.parametrize(
    "value,expected",
    [
        ("anna-store.myshopify.com", "anna-store.myshopify.com"),
        ("Anna-Store.MyShopify.com", "anna-store.myshopify.com"),
        ("evil.com", None),
        ("x.myshopify.com.evil.com", None),
        ("../", None),
        ("", None),
        (None, None),
        ("anna.myshopify.com/../x", None),
        ("https://anna.myshopify.com", None),
        ("anna", None),
        ("a.myshopify.com", None),  # Shopify names have at least two characters
        ("-anna.myshopify.com", None),
        ("anna.myshopify.com@evil.com", None),
        ("anna .myshopify.com", None),
    ],
)
def test_only_full_myshopify_domains_are_shops(value, expected):
    assert valid_shop_domain(value) == expected


def test_urls_are_built_from_the_origin_template():
    assert (
        graphql_url("https://{shop}", "anna.myshopify.com", "2026-10")
        == "https://anna.myshopify.com/admin/api/2026-10/graphql.json"
    )
    assert (
        shop_origin("http://127.0.0.1:8765/{shop}", "anna.myshopify.com")
        == "http://127.0.0.1:8765/anna.myshopify.com"
    )
    assert origin_root("http://127.0.0.1:8765/{shop}", "anna.myshopify.com") == "http://127.0.0.1:8765"
    with pytest.raises(ValueError):
        shop_origin("https://{shop}", "evil.com")


def test_defaults_are_the_demo_and_pin_the_api_version():
    settings = from_env({})
    assert settings.api_version == "2026-10"
    assert settings.database_url.startswith("sqlite:///")
    assert settings.redis_url == "" and settings.run_inprocess_worker
    assert settings.origin_template == "https://{shop}"


def test_real_shopify_without_credentials_names_every_missing_variable():
    with pytest.raises(ConfigError) as err:
        from_env({"SHOPIFY_ORIGIN_TEMPLATE": "https://{shop}"}).validate()
    for name in ("SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "TOKEN_ENCRYPTION_KEY", "APP_URL"):
        assert name in str(err.value)


def test_stand_in_defaults_are_valid_and_other_api_versions_are_refused():
    assert from_env({"SHOPIFY_ORIGIN_TEMPLATE": "http://127.0.0.1:8765/{shop}"}).validate()
    with pytest.raises(ConfigError, match="SHOPIFY_API_VERSION"):
        from_env(
            {"SHOPIFY_ORIGIN_TEMPLATE": "http://127.0.0.1:8765/{shop}", "SHOPIFY_API_VERSION": "2024-01"}
        ).validate()
    with pytest.raises(ConfigError, match="TOKEN_ENCRYPTION_KEY"):
        from_env({"SHOPIFY_ORIGIN_TEMPLATE": "http://x/{shop}", "TOKEN_ENCRYPTION_KEY": "short"}).validate()


def test_money_is_exact_and_rounds_half_up_for_display():
    assert parse_amount("404.95") + parse_amount("0.05") == Decimal("405.00")
    assert display(Decimal("1.005")) == "1.01" and display(Decimal("-1.005")) == "-1.01"
    assert display(Decimal("62.375")) == "62.38"  # METRICS.md worked example 3, AOV
    with pytest.raises(TypeError):
        parse_amount(0.1)
