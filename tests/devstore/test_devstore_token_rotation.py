"""Expiring offline tokens on the stand-in, from the app's side: a refresh whose answer was lost,
the replacement retiring the old refresh token, the 30-day and 90-day limits (changelog "More
resilient refreshes for expiring offline access tokens", 2026-08-28), and a retried migration of a
legacy token (changelog "More resilient token exchanges when migrating tokens without a user
session"). Time moves with the shop's token clock."""

from __future__ import annotations

from devstore_support import OFFLINE, TOKEN_EXCHANGE

DAY = 86400
SHOP_QUERY = "{ shop { name } }"


def _refresh(api, refresh_token: str):
    return api.access_token(grant_type="refresh_token", refresh_token=refresh_token)


def _refused(response, description: str) -> bool:
    return response.status_code == 400 and response.json() == {
        "error": "invalid_grant",
        "error_description": description,
    }


def _works(api, access_token: str) -> bool:
    return api.graphql(SHOP_QUERY, access_token).status_code == 200


def test_a_refresh_whose_answer_was_lost_is_retried_and_gets_the_same_pair(devstore, shop, api, tokens):
    first = _refresh(api, tokens["refresh_token"]).json()  # the answer the app never saw
    retry = _refresh(api, tokens["refresh_token"])
    assert retry.status_code == 200
    again = retry.json()
    assert (again["access_token"], again["refresh_token"]) == (first["access_token"], first["refresh_token"])
    assert again["scope"] == first["scope"]
    # the lives left, not new ones: at most an hour and 90 days
    assert 0 < again["expires_in"] <= 3600 and 0 < again["refresh_token_expires_in"] <= 90 * DAY
    state = devstore.control.shop(shop)
    assert (state["refresh_count"], state["refresh_retries"]) == (1, 1)  # one pair issued, one repeat
    assert _works(api, again["access_token"])


def test_using_the_replacement_retires_the_refresh_token_before_it(devstore, shop, api, tokens):
    r0 = tokens["refresh_token"]
    second = _refresh(api, r0).json()
    third = _refresh(api, second["refresh_token"]).json()  # the app moved on to the replacement
    assert _refused(_refresh(api, r0), "refresh token already used")
    # the replacement itself is still retriable: its own replacement has not been used yet
    repeat = _refresh(api, second["refresh_token"]).json()
    assert repeat["refresh_token"] == third["refresh_token"]
    assert devstore.control.shop(shop)["refresh_count"] == 2


def test_a_used_refresh_token_can_be_retried_for_30_days_from_its_first_use(devstore, shop, api, tokens):
    r0 = tokens["refresh_token"]
    issued = _refresh(api, r0).json()
    devstore.control.advance_token_clock(shop, 30 * DAY - 60)  # a minute short of 30 days
    assert _refresh(api, r0).json()["refresh_token"] == issued["refresh_token"]
    devstore.control.advance_token_clock(shop, 61)  # 30 days and a second after the first use
    assert _refused(_refresh(api, r0), "refresh token already used")
    # the replacement (issued 30 days ago, 90-day life) still works
    assert _refresh(api, issued["refresh_token"]).status_code == 200


def test_a_retry_never_reaches_past_the_refresh_tokens_90_day_life(devstore, shop, api, tokens):
    r0 = tokens["refresh_token"]
    devstore.control.advance_token_clock(shop, 80 * DAY)
    _refresh(api, r0)  # first used on day 80
    devstore.control.advance_token_clock(shop, 10 * DAY + 1)  # day 90 + 1 s: 10 days after first use
    assert _refused(_refresh(api, r0), "refresh token expired")


def test_an_unused_refresh_token_expires_after_90_days(devstore, shop, api, tokens):
    devstore.control.advance_token_clock(shop, 90 * DAY)
    assert _refused(_refresh(api, tokens["refresh_token"]), "refresh token expired")


def test_a_late_retry_revives_the_expired_access_token_of_the_same_pair(devstore, shop, api, tokens):
    first = _refresh(api, tokens["refresh_token"]).json()
    devstore.control.advance_token_clock(shop, 2 * 3600)  # two hours: the new access token expired
    assert not _works(api, first["access_token"])
    retry = _refresh(api, tokens["refresh_token"]).json()
    assert retry["access_token"] == first["access_token"]
    assert retry["expires_in"] == 3600  # extended a full hour from the retry
    assert _works(api, retry["access_token"])


def test_an_unknown_or_foreign_refresh_token_is_not_found(devstore, shop, api, tokens):
    assert _refused(_refresh(api, "shprt_" + "0" * 32), "refresh token not found")
    other = "other-shop.myshopify.com"
    devstore.control.create_shop(other, scopes="read_orders")
    from devstore_support import Api

    assert _refused(_refresh(Api(devstore, other), tokens["refresh_token"]), "refresh token not found")


def test_uninstall_ends_every_retry(devstore, shop, api, tokens):
    _refresh(api, tokens["refresh_token"])
    devstore.control.uninstall(shop)
    assert _refused(_refresh(api, tokens["refresh_token"]), "refresh token revoked")


# -- migration of a legacy (non-expiring) token ---------------------------------------------
def _legacy_token(devstore, shop, api) -> str:
    body = api.exchange(devstore.control.session_token(shop), expiring="0").json()
    assert "refresh_token" not in body
    return body["access_token"]


def _migrate(api, legacy: str):
    # the body @shopify/shopify-api's migrate-to-expiring-token.ts sends
    return api.access_token(
        grant_type=TOKEN_EXCHANGE,
        subject_token=legacy,
        subject_token_type=OFFLINE,
        requested_token_type=OFFLINE,
        expiring="1",
    )


def test_a_retried_migration_returns_the_same_pair_and_the_legacy_token_stays_dead(devstore, shop, api):
    legacy = _legacy_token(devstore, shop, api)
    first = _migrate(api, legacy)
    assert first.status_code == 200
    pair = first.json()
    assert pair["expires_in"] == 3600 and pair["refresh_token"].startswith("shprt_")
    assert not _works(api, legacy)  # the original token is invalid once migrated
    retry = _migrate(api, legacy).json()
    assert (retry["access_token"], retry["refresh_token"]) == (pair["access_token"], pair["refresh_token"])
    assert _works(api, pair["access_token"])


def test_migration_retries_end_after_seven_days(devstore, shop, api):
    legacy = _legacy_token(devstore, shop, api)
    pair = _migrate(api, legacy).json()
    devstore.control.advance_token_clock(shop, 7 * DAY - 60)
    late = _migrate(api, legacy).json()
    assert late["refresh_token"] == pair["refresh_token"]
    assert late["expires_in"] == 3600  # the access token, long expired, extended
    assert late["refresh_token_expires_in"] == 90 * DAY - (7 * DAY - 60)  # the refresh token's life is not
    devstore.control.advance_token_clock(shop, 61)
    assert _migrate(api, legacy).json() == {"error": "invalid_subject_token"}


def test_migration_retries_end_once_the_pair_is_refreshed(devstore, shop, api):
    legacy = _legacy_token(devstore, shop, api)
    pair = _migrate(api, legacy).json()
    assert _refresh(api, pair["refresh_token"]).status_code == 200
    response = _migrate(api, legacy)
    assert response.status_code == 400 and response.json() == {"error": "invalid_subject_token"}


def test_migration_retries_end_when_a_later_token_exchange_replaces_the_pair(devstore, shop, api):
    legacy = _legacy_token(devstore, shop, api)
    _migrate(api, legacy)
    assert api.exchange(devstore.control.session_token(shop)).status_code == 200
    assert _migrate(api, legacy).json() == {"error": "invalid_subject_token"}


def test_only_a_live_legacy_token_of_the_shop_can_be_migrated(devstore, shop, api, tokens):
    assert _migrate(api, tokens["access_token"]).json() == {"error": "invalid_subject_token"}  # expiring
    assert _migrate(api, "shpat_" + "0" * 32).json() == {"error": "invalid_subject_token"}


def test_a_lost_answer_fault_does_the_grant_and_answers_502(devstore, shop, api, tokens):
    devstore.control.lose_token_answers(shop, 1)
    lost = _refresh(api, tokens["refresh_token"])
    assert lost.status_code == 502 and "access_token" not in lost.text
    assert devstore.control.shop(shop)["refresh_count"] == 1  # Shopify did the refresh
    retry = _refresh(api, tokens["refresh_token"])
    assert retry.status_code == 200 and devstore.control.shop(shop)["refresh_retries"] == 1
    assert _works(api, retry.json()["access_token"])
