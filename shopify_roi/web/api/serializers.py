"""JSON shapes of creators, codes, links, campaigns and webhook deliveries (money and rates as exact
decimal strings, times in ISO 8601)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from shopify_roi.timefmt import iso

if TYPE_CHECKING:  # views read the rows services return; they never query models themselves
    from shopify_roi.models import Campaign, Creator, DiscountCode, SpendEntry, TrackedLink, WebhookDelivery
    from shopify_roi.services.creators.links import LinkSet
    from shopify_roi.services.creators.overview import CreatorDetail


def percent(fraction: Decimal | None) -> str | None:
    """0.125 -> '12.5' (exact, no float)."""
    if fraction is None:
        return None
    text = format((fraction * 100).normalize(), "f")
    return text


def code_json(row: DiscountCode | None) -> dict | None:
    if row is None:
        return None
    return {
        "id": row.id,
        "code": row.code,
        "status": row.status,
        "value_type": row.value_type,
        "percent_off": percent(row.value) if row.value_type == "percentage" else None,
        "amount_off": str(row.value) if row.value_type == "fixed_amount" else None,
        "starts_at": iso(row.starts_at),
        "ends_at": iso(row.ends_at),
        "usage_limit": row.usage_limit,
        "once_per_customer": row.once_per_customer,
        "combines_with": {
            "order": row.combines_with_order,
            "product": row.combines_with_product,
            "shipping": row.combines_with_shipping,
        },
        "min_subtotal": str(row.min_subtotal) if row.min_subtotal is not None else None,
        "shopify_discount_id": row.shopify_discount_id,
        "shopify_status": row.shopify_status,
        "note": row.note,
        "replaced_by_id": row.replaced_by_id,
        "alias_of_id": row.alias_of_id,
        "created_at": iso(row.created_at),
    }


def creator_json(creator: Creator, code: DiscountCode | None = None, clicks: int | None = None) -> dict:
    return {
        "handle": creator.handle,
        "name": creator.name,
        "platform": creator.platform,
        "followers": creator.followers,
        "commission_percent": percent(creator.commission_rate),
        "notes": creator.notes,
        "status": creator.status,
        "campaigns": sorted(c.name for c in creator.campaigns),
        "code": code_json(code),
        "clicks": clicks,
        "created_at": iso(creator.created_at),
    }


def creator_detail_json(detail: CreatorDetail, app_url: str) -> dict:
    """A creator's page: its fields and code in use, every code it had, its links."""
    body = creator_json(detail.creator, detail.code, detail.clicks)
    body["codes"] = [code_json(c) for c in detail.history]
    body["links"] = {
        **links_json(detail.links),
        "tracked": [
            link_json(link, app_url, clicks, detail.link_campaigns.get(link.campaign_id))
            for link, clicks in detail.tracked
        ],
    }
    return body


def links_json(built: LinkSet) -> dict:
    return {"storefront": built.storefront, "auto_apply": built.auto_apply, "utm": built.utm}


def link_json(link: TrackedLink, app_url: str, clicks: int = 0, campaign: str | None = None) -> dict:
    short = f"{app_url}/l/{link.short_id}"
    return {
        "id": link.id,
        "short_url": short,
        "qr_svg": f"{short}/qr.svg",
        "qr_png": f"{short}/qr.png",
        "destination": link.destination_url,
        "target": link.target,
        "target_handle": link.target_handle,
        "placement": link.placement,
        "campaign": campaign,
        "clicks": clicks,
        "created_at": iso(link.created_at),
    }


def campaign_json(campaign: Campaign) -> dict:
    return {
        "id": campaign.id,
        "name": campaign.name,
        "slug": campaign.slug,
        "starts_on": iso(campaign.starts_on),
        "ends_on": iso(campaign.ends_on),
        "target_roas": str(campaign.target_roas) if campaign.target_roas is not None else None,
        "target_revenue": str(campaign.target_revenue) if campaign.target_revenue is not None else None,
        "creators": sorted(c.handle for c in campaign.creators),
        "status": campaign.status,
    }


def delivery_json(delivery: WebhookDelivery) -> dict:
    return {
        "topic": delivery.topic,
        "status": delivery.status,
        "received_at": iso(delivery.received_at),
        "error": delivery.error,
    }


def spend_entry_json(entry: SpendEntry) -> dict:
    """A spend entry (fee, seeding, other) as the ledger and the seeding follow-up give it."""
    return {
        "id": entry.id,
        "kind": entry.kind,
        "date": entry.spent_on.isoformat(),
        "amount": str(entry.amount),
        "units": entry.units,
        "unit_cost": str(entry.unit_cost) if entry.unit_cost is not None else None,
        "shipping": str(entry.shipping) if entry.shipping is not None else None,
        "note": entry.note,
        "campaign_id": entry.campaign_id,
        "period_start": entry.period_start.isoformat() if entry.period_start else None,
        "period_end": entry.period_end.isoformat() if entry.period_end else None,
        "sent_on": entry.sent_on.isoformat() if entry.sent_on else None,  # seeding: the day it was sent
        "from_order": entry.order_id is not None,  # seeding recorded from a seeding order
    }
