"""External marketing activities and their daily engagements (Shopify's Marketing reports).

`marketingActivityUpsertExternal` creates or updates an activity by the app's `remoteId`
(https://shopify.dev/docs/api/admin-graphql/latest/mutations/marketingActivityUpsertExternal);
`marketingEngagementCreate` records one day's figures of an activity, named by the same `remoteId`
(https://shopify.dev/docs/api/admin-graphql/latest/mutations/marketingEngagementCreate). Both need the
`write_marketing_events` scope; a refusal is a `UserErrors` (MarketingActivityUserError: code, field,
message).
"""

from __future__ import annotations

from shopify_roi.shopify_client.admin import AdminClient, UserErrors, load_query


def upsert_activity(client: AdminClient, activity: dict) -> str:
    """Create or update the activity (a MarketingActivityUpsertExternalInput); its Shopify id."""
    payload = client.mutate(
        load_query("marketing_activity_upsert"),
        {"input": activity},
        "marketingActivityUpsertExternal",
        "MarketingActivityUpsert",
    )
    return ((payload.get("marketingActivity") or {}).get("id")) or ""


def create_engagement(client: AdminClient, remote_id: str, engagement: dict) -> None:
    """Record one day's engagement (a MarketingEngagementInput) of the activity `remote_id`."""
    client.mutate(
        load_query("marketing_engagement_create"),
        {"remoteId": remote_id, "engagement": engagement},
        "marketingEngagementCreate",
        "MarketingEngagementCreate",
    )


__all__ = ["UserErrors", "create_engagement", "upsert_activity"]
