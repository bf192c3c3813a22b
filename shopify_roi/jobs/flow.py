"""Sending a shop's Flow trigger events (services/flow/triggers.py), one job per shop at a time: a shop
whose sends fail never holds up another's."""

from __future__ import annotations

from shopify_roi.jobs.shop_jobs import for_shop
from shopify_roi.runtime import Runtime
from shopify_roi.services.flow import triggers

SEND_FLAG = "shopify-roi:flow-triggers-requested"


def _flag(rt: Runtime, shop_domain: str, daily: bool) -> str:
    return f"{SEND_FLAG}:{'daily' if daily else 'orders'}:{rt.settings.queue_name}:{shop_domain}"


def request_flow_triggers(rt: Runtime, shop_domain: str, daily: bool = False) -> bool:
    """Queue the shop's trigger sends unless a request of the same kind is waiting already; True when
    queued. `daily` adds the code-leak and below-ROAS-target checks."""
    if rt.jobs.redis.set(_flag(rt, shop_domain, daily), 1, nx=True, ex=600):
        rt.jobs.enqueue(send_flow_triggers, shop_domain, daily)
        return True
    return False


def send_flow_triggers(shop_domain: str, daily: bool = False) -> dict | str:
    """Send the shop's pending Flow trigger events; each is sent once, whatever the retries."""

    def work(rt: Runtime, client, shop_id: int):
        rt.jobs.redis.delete(_flag(rt, shop_domain, daily))
        result = triggers.run(rt.db, client, shop_id, daily)
        if result.get("more"):
            request_flow_triggers(rt, shop_domain)
        return result

    return for_shop(shop_domain, work)


def check_flow_triggers(rt: Runtime) -> int:
    """The daily Flow check (schedules.py): queue it for every shop that sends the triggers; how many."""
    with rt.db.session() as session:
        domains = triggers.shops_sending(session)
    return sum(request_flow_triggers(rt, domain, daily=True) for domain in domains)
