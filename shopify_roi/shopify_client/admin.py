"""The one Admin GraphQL client: throttling, transient retries, token refresh, readable userErrors.

Built on `requests` (ShopifyAPI's GraphQL session is process-global). One instance per shop and
thread of work; nothing is shared between calls but the HTTP connection pool.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import requests

from shopify_roi.shopify_client.domains import graphql_url

log = logging.getLogger(__name__)
QUERIES = Path(__file__).parent / "queries"
TIMEOUT = (5, 30)


class AdminError(Exception):
    """Shopify answered with errors, or kept failing after retries."""


class ReauthorizeRequired(AdminError):
    """The shop rejected the token even after a refresh: the app must be reinstalled."""


class UserErrors(AdminError):
    """A mutation's `userErrors`, as readable text; `.errors` keeps Shopify's list."""

    def __init__(self, errors: list[dict]):
        self.errors = errors
        text = "; ".join(
            (".".join(e.get("field") or []) + ": " if e.get("field") else "") + str(e.get("message", ""))
            for e in errors
        )
        super().__init__(text)


class QueryTooExpensive(AdminError):
    """MAX_COST_EXCEEDED: the query's requested cost is over Shopify's single-query limit (1,000 points,
    "GraphQL Admin API rate limits"). Never retried: only a smaller query (or a bulk operation) fits."""

    def __init__(self, message: str, cost: int | None, max_cost: int | None):
        super().__init__(message)
        self.cost, self.max_cost = cost, max_cost


class AccessDenied(AdminError):
    """ACCESS_DENIED: a scope the shop did not grant, or protected customer data the app is not approved
    for ("Work with protected customer data": "This app is not approved to access the Order object ...")."""

    @property
    def protected_customer_data(self) -> bool:
        """Whether Shopify refused for want of a protected customer data approval (not a scope)."""
        return "not approved to" in str(self)


class TokenProvider(Protocol):
    def __call__(self, force_refresh: bool = False) -> str: ...


@dataclass
class Throttle:
    maximum: float = 0.0
    available: float = 0.0
    restore_rate: float = 0.0


@dataclass
class AdminClient:
    shop: str
    origin_template: str
    api_version: str
    token: TokenProvider
    http: requests.Session = field(default_factory=requests.Session)
    max_attempts: int = 8
    sleep: Callable[[float], None] = time.sleep
    max_wait: float = 30.0
    throttle: Throttle = field(default_factory=Throttle)
    retries: int = 0  # how many times this client waited or retried (for logs and tests)

    def forked(self) -> None:
        """In a forked child process: HTTP connections of its own (the parent's sockets stay the parent's)."""
        self.http = requests.Session()

    @property
    def url(self) -> str:
        return graphql_url(self.origin_template, self.shop, self.api_version)

    def execute(self, query: str, variables: dict | None = None, operation_name: str | None = None) -> dict:
        """Run one operation and return its `data`; waits on THROTTLED and retries 5xx with backoff.

        Errors as "GraphQL Admin API rate limits" and "Work with protected customer data" describe them:
        THROTTLED (HTTP 200) waits until the bucket holds the requested cost; MAX_COST_EXCEEDED raises
        QueryTooExpensive at once (it is refused before it runs, so waiting cannot help); ACCESS_DENIED
        raises AccessDenied with Shopify's message; any other error raises AdminError."""
        body = {"query": query, "variables": variables or {}}
        if operation_name:
            body["operationName"] = operation_name
        refreshed = False
        for attempt in range(1, self.max_attempts + 1):
            try:
                resp = self.http.post(self.url, json=body, headers=self._headers(), timeout=TIMEOUT)
            except requests.RequestException as exc:
                self._backoff(attempt, f"network error {exc.__class__.__name__}")
                continue
            if resp.status_code == 401:
                if refreshed:
                    raise ReauthorizeRequired(f"{self.shop} rejected the access token")
                self.token(force_refresh=True)
                refreshed = True
                continue
            if resp.status_code == 429 or resp.status_code >= 500:
                self._backoff(attempt, f"HTTP {resp.status_code}", resp.headers.get("Retry-After"))
                continue
            if resp.status_code != 200:
                raise AdminError(f"Shopify answered HTTP {resp.status_code} for {operation_name or 'query'}")
            payload = resp.json()
            self._note_cost(payload)
            errors = payload.get("errors")
            if errors and _is_throttled(errors):
                self._wait_for_budget(payload, attempt)
                continue
            if errors:
                raise _refusal(errors, operation_name)
            return payload.get("data") or {}
        raise AdminError(f"gave up on {operation_name or 'query'} after {self.max_attempts} attempts")

    def mutate(
        self, query: str, variables: dict, payload_field: str, operation_name: str | None = None
    ) -> dict:
        """Run a mutation and return its payload; raise UserErrors when Shopify refused it."""
        data = self.execute(query, variables, operation_name)
        payload = data.get(payload_field) or {}
        if payload.get("userErrors"):
            raise UserErrors(payload["userErrors"])
        return payload

    def _headers(self) -> dict:
        return {
            "X-Shopify-Access-Token": self.token(),
            "Content-Type": "application/json",
            "Accept": "application/json",
        }

    def _note_cost(self, payload: dict) -> None:
        status = ((payload.get("extensions") or {}).get("cost") or {}).get("throttleStatus") or {}
        if status:
            self.throttle = Throttle(
                float(status.get("maximumAvailable", 0)),
                float(status.get("currentlyAvailable", 0)),
                float(status.get("restoreRate", 0)),
            )

    def _wait_for_budget(self, payload: dict, attempt: int) -> None:
        cost = (payload.get("extensions") or {}).get("cost") or {}
        requested = float(cost.get("requestedQueryCost") or 0)
        if self.throttle.maximum and requested > self.throttle.maximum:
            raise AdminError(
                f"a query costing {requested:g} points can never fit {self.shop}'s bucket of "
                f"{self.throttle.maximum:g}; split it"
            )
        missing = max(requested - self.throttle.available, 1.0)
        wait = missing / self.throttle.restore_rate if self.throttle.restore_rate else 2.0**attempt / 4
        self.retries += 1
        log.info("throttled by %s: waiting %.2fs for %s points", self.shop, wait, missing)
        self.sleep(min(max(wait, 0.05), self.max_wait))

    def _backoff(self, attempt: int, why: str, retry_after: str | None = None) -> None:
        if attempt >= self.max_attempts:
            raise AdminError(f"{self.shop}: {why}, gave up after {attempt} attempts")
        wait = (
            float(retry_after)
            if retry_after and retry_after.replace(".", "", 1).isdigit()
            else 0.25 * 2 ** (attempt - 1)
        )
        self.retries += 1
        log.warning("%s: %s, retry %d in %.2fs", self.shop, why, attempt, wait)
        self.sleep(min(wait, self.max_wait))


def _code(error) -> str | None:
    return (error.get("extensions") or {}).get("code") if isinstance(error, dict) else None


def _refusal(errors: list, operation_name: str | None) -> AdminError:
    """The exception for an answer with errors: QueryTooExpensive, AccessDenied, else AdminError."""
    text = "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors)
    codes = {_code(e) for e in errors}
    if "MAX_COST_EXCEEDED" in codes:
        ext = next(e["extensions"] for e in errors if _code(e) == "MAX_COST_EXCEEDED")
        first = text.split("\n", 1)[0]
        return QueryTooExpensive(
            f"{operation_name or 'query'}: {first} Split it or use a bulk operation.",
            ext.get("cost"),
            ext.get("maxCost"),
        )
    if codes == {"ACCESS_DENIED"}:
        return AccessDenied(text)
    return AdminError(text)


def _is_throttled(errors: list) -> bool:
    return any(isinstance(e, dict) and (e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors)


def load_query(name: str) -> str:
    """The text of `queries/<name>.graphql` (every operation the app sends lives there)."""
    return (QUERIES / f"{name}.graphql").read_text()
