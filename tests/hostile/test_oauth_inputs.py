"""The OAuth callback and the install start, with hostile query parameters: always a 4xx page,
never a 5xx, and nothing stored (no shop row, no token, the state nonce still unused)."""

from __future__ import annotations

import time

import requests
from hostile_strategies import query_text
from hostile_support import hostile_settings
from hypothesis import given
from hypothesis import strategies as st
from support import API_SECRET, callback_params

# the stand-in's own signing (not the app's): an outside check
from devstore.oauth.authorize import query_hmac

FIELDS = (
    "shop",
    "code",
    "state",
    "hmac",
    "timestamp",
)  # `host` is not read by the callback: a spoiled one alone is fine
NASTY = {
    "shop": [
        "evil.com",
        "x.myshopify.com.evil.com",
        "X.MYSHOPIFY.COM",
        "-x.myshopify.com",
        "a" * 300 + ".myshopify.com",
        "ab.myshopify.com/../evil",
        "ab.myshopify.com@evil.com",
        "https://ab.myshopify.com",
        "ab.myshopify.com\x00",
        "日本.myshopify.com",
        "",
    ],
    "code": ["", "\x00", "a" * 5000, "not-a-code", "' OR 1=1 --"],
    "state": ["", "\x00", "a" * 5000, "%00", "../", "state with spaces"],
    "hmac": ["", "0" * 64, "zz", "a" * 5000, "\x00"],
    "timestamp": ["", "-1", "0", "9" * 5000, "1e10", "NaN", str(2**64), "١٢٣"],
    "host": ["", "\x00", "a" * 5000],
}


def test_hostile_callback_parameters_are_refused_and_store_nothing(hostile):
    honest = callback_params(
        hostile.url, hostile.shop
    )  # a live state and code, to corrupt one field at a time

    @hostile_settings(max_examples=80)
    @given(data=st.data())
    def check(data):
        params = dict(honest)
        spoiled = data.draw(
            st.lists(st.sampled_from(FIELDS), min_size=1, max_size=3, unique=True), label="spoiled"
        )
        for name in spoiled:
            nasty = data.draw(st.one_of(st.sampled_from(NASTY[name]), query_text), label=name)
            if nasty == honest.get(name):
                nasty += "x"
            params[name] = nasty
        if data.draw(st.booleans(), label="drop one"):
            params.pop(data.draw(st.sampled_from(FIELDS), label="dropped"), None)
        extra = data.draw(
            st.dictionaries(
                st.sampled_from(["x[]", "embedded", "hmac[]", "shop[]", "signature", "host"]),
                query_text,
                max_size=2,
            ),
            label="extra",
        )
        params.update(extra)
        if "hmac" not in spoiled and data.draw(st.booleans(), label="re-sign"):
            # Signed with the real secret: only the spoiled content is wrong (what only Shopify could send).
            params["hmac"] = query_hmac(
                {k: ([v] if k.endswith("[]") else v) for k, v in params.items()}, API_SECRET
            )
        before = hostile.stored.digest()
        resp = requests.get(f"{hostile.url}/auth/callback", params=params, allow_redirects=False, timeout=30)
        assert 400 <= resp.status_code < 500, (params, resp.status_code, resp.text[:300])
        assert hostile.stored.digest() == before, params

    check()


def test_a_stale_timestamp_is_refused_even_when_signed(hostile):
    params = callback_params(hostile.url, hostile.shop)
    params["timestamp"] = str(int(time.time()) - 120)  # Shopify's library allows 90 s
    params["hmac"] = query_hmac(params, API_SECRET)
    before = hostile.stored.digest()
    resp = requests.get(f"{hostile.url}/auth/callback", params=params, allow_redirects=False, timeout=30)
    assert resp.status_code == 401 and hostile.stored.digest() == before


@given(shop=st.one_of(st.sampled_from(NASTY["shop"]), query_text))
@hostile_settings(max_examples=40)
def test_a_hostile_shop_cannot_start_an_install(hostile, shop):
    before = hostile.stored.digest()
    resp = requests.get(f"{hostile.url}/auth", params={"shop": shop}, allow_redirects=False, timeout=30)
    assert resp.status_code == 400, (shop, resp.status_code)
    assert hostile.stored.digest() == before


@given(
    params=st.dictionaries(
        st.sampled_from(["shop", "id_token", "hmac", "timestamp", "host", "embedded", "session"]),
        st.one_of(query_text, st.sampled_from(["eyJhbGciOiJub25lIn0.e30.", "a.b.c", "x.myshopify.com"])),
        min_size=1,
        max_size=5,
    )
)
@hostile_settings(max_examples=40)
def test_the_embedded_page_refuses_hostile_load_parameters(hostile, params):
    before = hostile.stored.digest()
    resp = requests.get(f"{hostile.url}/", params=params, allow_redirects=False, timeout=30)
    assert resp.status_code < 500, (params, resp.status_code, resp.text[:300])
    assert hostile.stored.digest() == before
