"""Protected customer data: what the app is approved for in the Partner Dashboard, and what Shopify
does with a request or webhook that needs more.

Source: shopify.dev "Work with protected customer data"
(https://shopify.dev/docs/apps/launch/protected-customer-data). Level 0 is no customer data; level 1
is "customer data excluding name, address, phone, and email fields" (orders, refunds, customers,
draft orders, ... "that relate to a single customer", and the webhooks about them); level 2 adds the
protected fields, each approved on its own: name (first and last names), address ("address line 1,
address line 2, geolocation, and zip codes in both billing and shipping addresses"), email, phone.

- "GraphQL requests to unapproved types will return an HTTP 200 Ok response with an error message
  in the errors hash": ``This app is not approved to access the <Type> object. See
  https://partners.shopify.com/<partner>/apps/<app>/customer_data for more details.`` - the field
  is null. Unapproved fields are "redacted" the same way (the page's Admin API example answers a
  ``phone`` it may not read with null and that message, its path naming the field).
- Webhooks: "Responses will include only approved fields, and unapproved fields will be
  redacted" - the stand-in sends them as null. An app without level 1 cannot subscribe to topics
  about customers or orders: ``shopify app deploy`` refuses the whole configuration ("This app is
  not approved to subscribe to webhook topics containing protected customer data. See
  https://shopify.dev/docs/apps/launch/protected-customer-data for more details."), so none of the
  TOML's subscriptions exist and nothing is delivered. The stand-in does not model the version
  deployed before that.

``DevstoreConfig.customer_data`` holds the approvals: ``"customer_data"`` (level 1) and any of
``"name"``, ``"email"``, ``"phone"``, ``"address"`` (level 2).
"""

from __future__ import annotations

import copy

from graphql import GraphQLError

LEVEL_1 = "customer_data"
FIELDS = ("name", "email", "phone", "address")
LEVELS = {0: frozenset(), 1: frozenset({LEVEL_1}), 2: frozenset({LEVEL_1, *FIELDS})}
DEFAULT = LEVELS[1]  # what Creator ROI needs and its README asks for (customer ids, no PII)
SUBSCRIBE_REFUSED = (
    "This app is not approved to subscribe to webhook topics containing protected customer data. "
    "See https://shopify.dev/docs/apps/launch/protected-customer-data for more details."
)
# Mandatory compliance topics are sent to every app, approved or not.
COMPLIANCE_TOPICS = frozenset({"customers/data_request", "customers/redact", "shop/redact"})
PROTECTED_TOPIC_PREFIXES = (
    "orders/",
    "refunds/",
    "draft_orders/",
    "checkouts/",
    "fulfillments/",
    "fulfillment_orders/",
    "order_transactions/",
    "customers/",
    "customers_",
    "customer_",
    "returns/",
    "disputes/",
)
# Admin GraphQL fields that carry a level 2 field: (type, field) -> the approval it needs.
PROTECTED_FIELDS = {
    ("Order", "email"): "email",
    ("Order", "phone"): "phone",
    ("Order", "billingAddress"): "address",
    ("Order", "shippingAddress"): "address",
    ("Order", "displayAddress"): "address",
    ("Customer", "email"): "email",
    ("Customer", "phone"): "phone",
    ("Customer", "firstName"): "name",
    ("Customer", "lastName"): "name",
    ("Customer", "displayName"): "name",
    ("Customer", "defaultAddress"): "address",
    ("Customer", "addresses"): "address",
    ("Customer", "addressesV2"): "address",
    ("Customer", "defaultEmailAddress"): "email",
    ("Customer", "defaultPhoneNumber"): "phone",
}
# Webhook (REST) keys: where they are and the approval each needs.
_ORDER_KEYS = {"email": "email", "contact_email": "email", "phone": "phone"}
_PERSON_KEYS = {
    "first_name": "name",
    "last_name": "name",
    "name": "name",
    "email": "email",
    "phone": "phone",
    "address1": "address",
    "address2": "address",
    "zip": "address",
    "latitude": "address",
    "longitude": "address",
}
_PERSON_CONTAINERS = ("customer", "billing_address", "shipping_address", "default_address")


def parse_level(text: str | None) -> frozenset[str]:
    """``"0"``, ``"1"``, ``"2"`` (every field) or ``"2:email,name"`` -> the approvals. ValueError
    otherwise."""
    raw = (text or "").strip()
    level, _, fields = raw.partition(":")
    if level not in ("0", "1", "2") or (fields and level != "2"):
        raise ValueError(f"customer data level must be 0, 1, 2 or 2:<fields>, not {raw!r}")
    if not fields:
        return LEVELS[int(level)]
    chosen = {f.strip() for f in fields.split(",") if f.strip()}
    unknown = chosen - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown protected fields {sorted(unknown)}: one of {', '.join(FIELDS)}")
    return frozenset({LEVEL_1, *chosen})


def level_of(approved: frozenset[str]) -> int:
    """0, 1 or 2, as the Partner Dashboard would name the approval."""
    return 0 if LEVEL_1 not in approved else (2 if approved & set(FIELDS) else 1)


def _not_approved(config, type_name: str) -> str:
    return (
        f"This app is not approved to access the {type_name} object. See "
        f"https://partners.shopify.com/{config.partner_id}/apps/{config.app_id}/customer_data "
        "for more details."
    )


def require_object(info, type_name: str) -> None:
    """Raise Shopify's ACCESS_DENIED error unless the app holds level 1 (orders, customers, refunds)."""
    config = info.context.config
    if LEVEL_1 not in config.customer_data:
        raise GraphQLError(_not_approved(config, type_name), extensions={"code": "ACCESS_DENIED"})


def check_field(info) -> None:
    """Redact (null + error) a protected field the app is not approved for; call before reading it."""
    need = PROTECTED_FIELDS.get((info.parent_type.name, info.field_name))
    if need is None:
        return
    config = info.context.config
    if LEVEL_1 not in config.customer_data or need not in config.customer_data:
        raise GraphQLError(_not_approved(config, info.parent_type.name), extensions={"code": "ACCESS_DENIED"})


def is_protected_topic(topic: str) -> bool:
    """Whether webhooks of ``topic`` carry protected customer data (compliance topics do not count)."""
    return topic not in COMPLIANCE_TOPICS and topic.startswith(PROTECTED_TOPIC_PREFIXES)


def subscriptions_refused(approved: frozenset[str], topics) -> str | None:
    """Shopify's refusal of an app configuration subscribing to protected topics without level 1."""
    if LEVEL_1 in approved or not any(is_protected_topic(t) for t in topics):
        return None
    return SUBSCRIBE_REFUSED


def redact(approved: frozenset[str], topic: str, payload):
    """The webhook body with every field the app is not approved for set to null (a copy)."""
    if not is_protected_topic(topic) or not isinstance(payload, dict) or set(FIELDS) <= approved:
        return payload
    body = copy.deepcopy(payload)
    _blank(body, _ORDER_KEYS, approved)
    for key in _PERSON_CONTAINERS:
        _blank(body.get(key), _PERSON_KEYS, approved)
    customer = body.get("customer")
    if isinstance(customer, dict):
        _blank(customer.get("default_address"), _PERSON_KEYS, approved)
    return body


def _blank(node, keys: dict, approved: frozenset[str]) -> None:
    if not isinstance(node, dict):
        return
    for key, need in keys.items():
        if key in node and need not in approved:
            node[key] = None
