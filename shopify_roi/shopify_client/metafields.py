"""The app's own metafields (namespace `$app`) on orders and customers: set and delete.

`metafieldsSet` takes at most 25 metafields and is atomic: a userError on one input means none was
written ("metafieldsSet", https://shopify.dev/docs/api/admin-graphql/latest/mutations/metafieldsSet).
Writing needs the owner's write scope (`write_orders`, `write_customers`).
"""

from __future__ import annotations

from dataclasses import dataclass

from shopify_roi.shopify_client.admin import AdminClient, UserErrors, load_query

MAX_PER_CALL = 25  # "Allows a maximum of 25 metafields to be set at a time"
NAMESPACE = "$app"


@dataclass(frozen=True)
class Refusal:
    """A userError of a metafieldsSet call; `index` is the refused input's (None: the whole call)."""

    index: int | None
    message: str


def owner_gid(owner: str, shopify_id: str) -> str:
    return f"gid://shopify/{'Order' if owner == 'order' else 'Customer'}/{shopify_id}"


def set_metafields(client: AdminClient, inputs: list[dict]) -> list[Refusal]:
    """Write `inputs` ({ownerId, key, type, value}) in one call; the refusals ([]: all written)."""
    if not 0 < len(inputs) <= MAX_PER_CALL:
        raise ValueError(f"metafieldsSet takes 1 to {MAX_PER_CALL} metafields, not {len(inputs)}")
    payload = (
        client.execute(
            load_query("metafields_set"),
            {"metafields": [{"namespace": NAMESPACE, **i} for i in inputs]},
            "MetafieldsSet",
        ).get("metafieldsSet")
        or {}
    )
    return [
        Refusal(e.get("elementIndex"), f"{e.get('code') or 'INVALID'}: {e.get('message', '')}")
        for e in payload.get("userErrors") or []
    ]


def delete_metafields(client: AdminClient, identifiers: list[dict]) -> None:
    """Delete the metafields ({ownerId, key}); one already gone is no error."""
    client.mutate(
        load_query("metafields_delete"),
        {"metafields": [{"namespace": NAMESPACE, **i} for i in identifiers]},
        "metafieldsDelete",
        "MetafieldsDelete",
    )


__all__ = ["MAX_PER_CALL", "Refusal", "UserErrors", "delete_metafields", "owner_gid", "set_metafields"]
