"""Shopify's automatic retries of a webhook delivery the app did not acknowledge.

Sources: shopify.dev changelog "Updates to webhook retry mechanism" (2024-09-10,
https://shopify.dev/changelog/updates-to-webhook-retry-mechanism): "Webhooks will now be retried a
total of 8 times over 4 hours using an exponential backoff schedule", "delivered with the original
payload from the time they were triggered", "to the subscription's address that was configured
when the webhook was triggered". shopify.dev "HTTPS delivery"
(https://shopify.dev/docs/apps/build/webhooks/subscribe/https): a one-second connection timeout and
five seconds for the whole request; "Any response outside the 200 range, including 3XX codes, is
treated as an error"; after 8 consecutive failures a subscription made through the Admin API is
deleted, while app-specific subscriptions (``shopify.app.toml``) are not. The stand-in has only
app-specific subscriptions (it does not implement ``webhookSubscriptionCreate``): after the 8th
retry fails the delivery is given up (logged ``abandoned: true``) and the subscription stays.

Every retry carries the same ``X-Shopify-Webhook-Id``, ``X-Shopify-Event-Id``, trigger time and
body. The waits double from ``4 h / 255`` (about 56 s) so that the 8th retry comes 4 hours after
the first failure; ``DevstoreConfig.webhook_retry_scale`` compresses that for tests, and a shop's
webhook faults (``retries``, ``retry_ms``: the first wait) replace it for that shop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

RETRIES = 8
WINDOW_SECONDS = 4 * 3600
FIRST_WAIT_SECONDS = WINDOW_SECONDS / (2**RETRIES - 1)  # 1 + 2 + ... + 128 waits = 4 hours
KEY = "webhook_retries"


@dataclass
class Policy:
    retries: int
    first_wait: float  # seconds

    def wait(self, attempt: int) -> float:
        """Seconds before retry ``attempt + 1`` (attempt 0 is the first delivery)."""
        return self.first_wait * 2**attempt


@dataclass
class _ShopRetries:
    retries: int | None = None  # the shop's own count (faults), else Shopify's
    first_wait: float | None = None  # seconds, the shop's own, else Shopify's (scaled)
    counts: dict | None = None

    def __post_init__(self):
        self.counts = {"retried": 0, "retry_pending": 0, "failed": 0}


_timers: dict[int, set[threading.Timer]] = {}
_timers_lock = threading.Lock()


def _state(store, shop) -> _ShopRetries:
    with store.lock:
        found = shop.extras.get(KEY)
        if found is None:
            found = shop.extras[KEY] = _ShopRetries()
        return found


def override(store, shop, retries: int | None, first_wait_ms: float | None) -> None:
    """The shop's own retry count and first wait (None: Shopify's), from its webhook faults."""
    state = _state(store, shop)
    with store.lock:
        state.retries = None if retries is None else int(retries)
        state.first_wait = None if first_wait_ms is None else float(first_wait_ms) / 1000


def policy_for(config, store, shop) -> Policy:
    """The shop's overrides, else Shopify's schedule at the stand-in's time scale."""
    state = _state(store, shop)
    with store.lock:
        retries, first_wait = state.retries, state.first_wait
    scale = config.webhook_retry_scale if config is not None else 1.0
    return Policy(
        RETRIES if retries is None else retries,
        FIRST_WAIT_SECONDS * scale if first_wait is None else first_wait,
    )


def counts(store, shop) -> dict:
    """``retried`` (retries sent), ``retry_pending`` (waiting), ``failed`` (given up)."""
    state = _state(store, shop)
    with store.lock:
        return dict(state.counts)


def schedule(
    config, store, shop, attempt: int, send_again: Callable[[int], bool], give_up: Callable[[], None]
) -> None:
    """After failed attempt ``attempt`` (0 = the first delivery): retry on a timer, or give up.

    ``send_again(n)`` sends retry ``n`` and returns whether the app acknowledged it."""
    policy = policy_for(config, store, shop)
    state = _state(store, shop)
    if attempt >= policy.retries:
        with store.lock:
            state.counts["failed"] += 1
        give_up()
        return

    def fire() -> None:
        try:
            acknowledged = send_again(attempt + 1)
            with store.lock:
                state.counts["retried"] += 1
            if not acknowledged:
                schedule(config, store, shop, attempt + 1, send_again, give_up)
        finally:
            with store.lock:
                state.counts["retry_pending"] -= 1
            _forget(store, timer)

    with store.lock:
        state.counts["retry_pending"] += 1
    timer = threading.Timer(policy.wait(attempt), fire)
    timer.daemon = True
    with _timers_lock:
        _timers.setdefault(id(store), set()).add(timer)
    timer.start()


def _forget(store, timer) -> None:
    with _timers_lock:
        _timers.get(id(store), set()).discard(timer)


def cancel_all(store) -> int:
    """Stop every pending retry of a stand-in (it is shutting down); returns how many."""
    with _timers_lock:
        pending = _timers.pop(id(store), set())
    for timer in pending:
        timer.cancel()
    return len(pending)
