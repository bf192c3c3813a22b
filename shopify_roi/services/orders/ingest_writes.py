"""How a drained batch's facts are written (ingest.py drains): every shop's as one set-based batch, and
each delivery alone only where that failed, so one bad delivery fails alone and never its batch.

A write is the facts stored (store.apply_batch) AND the read facts refreshed (read_facts.refresh_for), in
one savepoint: whatever raises in either undoes both, so a delivery set aside has nothing half-stored.
What raised decides the delivery's fate (`Attempt`): a value the database refuses (DataError) fails it
with the database's reason, trying again would change nothing; anything else the data caused (a bug, a
value no check foresaw) is a failed attempt, tried again later (services/webhooks/retries.py). A failure
of the database itself (a lost connection, a lock, a deadlock) is no delivery's: it is raised, and the
whole batch is rolled back and claimed again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from shopify_roi.db_connections import is_database_failure
from shopify_roi.services.orders import read_facts, store
from shopify_roi.services.orders.attribution_policy import Attributor
from shopify_roi.services.orders.facts import OrderFacts, RefundFacts
from shopify_roi.services.webhooks import retries


@dataclass(frozen=True)
class Attempt:
    """Why a delivery's write did not happen: `refused` (a DataError: fails now) or `retried`."""

    kind: str
    reason: str


def attempt_of(exc: Exception) -> Attempt:
    """The fate of a delivery whose step raised `exc`; raises it again when the database failed."""
    if is_database_failure(exc):
        raise exc
    if isinstance(exc, DataError):
        return Attempt("refused", f"a value the database refuses ({exc.orig})")
    return Attempt("retried", retries.reason_of(exc))


def write_set_based(
    session: Session,
    batch: dict[int, list[OrderFacts | RefundFacts]],
    attributors: dict[int, Attributor],
    known: dict[int, store.Known],
) -> dict[int, store.Written] | None:
    """Every shop's facts (shop id -> facts) as one batch each with their read facts refreshed, in one
    savepoint: shop id -> what was written; None when anything raised (the savepoint undid it all, and
    what `known` had noted of it is forgotten), for the caller to write each delivery alone."""
    if not batch:
        return {}
    try:
        with session.begin_nested():
            written = {}
            for shop_id in sorted(batch):
                facts = batch[shop_id]
                orders = [f for f in facts if isinstance(f, OrderFacts)]
                refunds = [f for f in facts if isinstance(f, RefundFacts)]
                shop_known = known.setdefault(shop_id, store.Known(session, shop_id, [], []))
                written[shop_id] = store.apply_batch(
                    session, shop_id, orders, refunds, attributors[shop_id], "webhook", shop_known
                )
                read_facts.refresh_for(session, shop_id, facts)
            return written
    except Exception as exc:  # noqa: BLE001 - judged: the database's failure is raised again
        attempt_of(exc)
        known.clear()  # it may hold rows the savepoint undid: read from the database again
        return None


def write_alone(
    session: Session,
    shop_id: int,
    facts: OrderFacts | RefundFacts,
    attributor: Attributor,
    known: dict[int, store.Known],
) -> str | Attempt:
    """One delivery's facts as a batch of one, with their read facts, in its own savepoint: its outcome
    (inserted, replaced, unchanged, stale), or the Attempt that failed (its writes undone)."""
    orders, refunds = ([facts], []) if isinstance(facts, OrderFacts) else ([], [facts])
    try:
        with session.begin_nested():
            done = store.apply_batch(
                session, shop_id, orders, refunds, attributor, "webhook", known.get(shop_id)
            )
            read_facts.refresh_for(session, shop_id, [facts])
    except Exception as exc:  # noqa: BLE001 - judged: the database's failure is raised again
        attempt = attempt_of(exc)
        known.pop(shop_id, None)  # it may hold rows the savepoint undid
        return attempt
    return outcome_of(done, facts)


def outcome_of(done: store.Written, facts: OrderFacts | RefundFacts) -> str:
    return done.outcome(facts) if isinstance(facts, OrderFacts) else done.refund_outcome(facts)
