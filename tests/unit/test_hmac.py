"""Known-answer vectors, computed outside the code with openssl (commands in the comments)."""

from __future__ import annotations

import time

from shopify_roi.shopify_client import query_hmac, webhook_hmac

BODY = b'{"id":820982911946154508,"topic":"orders/create"}'
# printf '%s' '{"id":820982911946154508,"topic":"orders/create"}' \
#   | openssl dgst -sha256 -hmac 'hush-0123456789' -binary | base64
WEBHOOK_VECTOR = "p3dLMq9FLbY7mRaK0Ef/GliKW72CXbNnOK5SvRjapo0="


def test_webhook_signature_matches_the_openssl_vector():
    assert webhook_hmac.sign(BODY, "hush-0123456789") == WEBHOOK_VECTOR
    assert webhook_hmac.verify(BODY, WEBHOOK_VECTOR, ["hush-0123456789"]).ok


def test_webhook_signature_fails_on_any_change():
    assert not webhook_hmac.verify(BODY + b" ", WEBHOOK_VECTOR, ["hush-0123456789"]).ok
    assert not webhook_hmac.verify(BODY, WEBHOOK_VECTOR, ["another-secret"]).ok
    assert not webhook_hmac.verify(BODY, None, ["hush-0123456789"]).ok
    assert not webhook_hmac.verify(BODY, "", ["hush-0123456789"]).ok


def test_previous_secret_is_accepted_during_rotation():
    assert webhook_hmac.verify(BODY, WEBHOOK_VECTOR, ["new-secret", "hush-0123456789"]).ok


# printf '%s' 'code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com'\
# '&state=0.6784241404160823&timestamp=1337178173' \
#   | openssl dgst -sha256 -hmac 'hush-0123456789'
QUERY_VECTOR = "6ab1dc68fd7fe1258ab39b2cc89750fe70b40f7197b7e4cb130874c3a30d6c75"
QUERY = {
    "shop": ["some-shop.myshopify.com"],
    "code": ["0907a61c0c8d55e99db179b68161bc00"],
    "timestamp": ["1337178173"],
    "state": ["0.6784241404160823"],
    "hmac": [QUERY_VECTOR],
}


def test_query_hmac_matches_the_openssl_vector():
    assert query_hmac.verify(QUERY, ["hush-0123456789"], now=1337178173 + 60)


# Shopify signs the form-encoded query (its @shopify/shopify-api rebuilds it with URLSearchParams,
# a space as %20): a value with "/", " ", "+", "=" and non-ASCII text is signed encoded.
# printf '%s' 'code=abc&shop=some-shop.myshopify.com&state=a%2Fb%20c%2Bd%3D%C3%A9&timestamp=1337178173' \
#   | openssl dgst -sha256 -hmac 'hush-0123456789'
ENCODED_VECTOR = "3dc3ab8ea10b925569d30e7a887c6251acd966b6308e17498e5a8a09cf6e3d75"
ENCODED = {
    "shop": ["some-shop.myshopify.com"],
    "code": ["abc"],
    "timestamp": ["1337178173"],
    "state": ["a/b c+d=é"],
    "hmac": [ENCODED_VECTOR],
}


def test_query_hmac_signs_values_form_encoded_as_shopify_does():
    assert query_hmac.verify(ENCODED, ["hush-0123456789"], now=1337178173)


def test_a_signed_query_older_than_90_seconds_is_stale():
    assert query_hmac.check(QUERY, ["hush-0123456789"], now=1337178173 + 90) is query_hmac.Verdict.VALID
    assert query_hmac.check(QUERY, ["hush-0123456789"], now=1337178173 + 91) is query_hmac.Verdict.STALE
    assert query_hmac.check(QUERY, ["another-secret"], now=1337178173) is query_hmac.Verdict.INVALID


def test_query_hmac_refuses_stale_tampered_or_unsigned_queries():
    assert not query_hmac.verify(QUERY, ["hush-0123456789"], now=time.time())  # 2012: too old
    tampered = dict(QUERY, shop=["evil-shop.myshopify.com"])
    assert not query_hmac.verify(tampered, ["hush-0123456789"], now=1337178173)
    unsigned = {k: v for k, v in QUERY.items() if k != "hmac"}
    assert not query_hmac.verify(unsigned, ["hush-0123456789"], now=1337178173)
