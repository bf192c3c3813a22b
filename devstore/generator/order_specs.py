"""What each generated order looks like: its customer (new or returning), its basket, the creator's
code and/or ``?ref=`` link or an organic visit, a sitewide code, another currency, a test order.

Every draw comes from the generation's one random sequence, in a fixed order, so a seed makes the
same store."""

from __future__ import annotations

import random
from datetime import datetime

from devstore.generator.profiles import Profiles

CATALOG = [
    ("Linen shirt", "59.00"),
    ("Canvas tote", "24.50"),
    ("Silk scarf", "39.90"),
    ("Wool beanie", "19.99"),
    ("Leather belt", "45.00"),
    ("Denim jacket", "129.00"),
    ("Sun hat", "32.00"),
    ("Rain jacket", "149.95"),
    ("Cotton tee", "22.00"),
    ("Sneakers", "89.00"),
    ("Socks 3-pack", "14.99"),
    ("Sunglasses", "74.50"),
]
FOREIGN = [("EUR", "0.92"), ("GBP", "0.79"), ("CAD", "1.37")]
SOURCES = ["instagram", "tiktok", "youtube"]
LINE_COUNTS = (1, 1, 1, 2, 2, 3)
LINK_SHARE, NO_LINK_SHARE = 0.35, 0.4 / 0.65  # the defaults: 35 % link only, 40 % code only, 25 % both


class OrderSpecs:
    """The order specs of one generation; ``counts`` is the generation's summary, shared."""

    def __init__(self, rng: random.Random, body: dict, profiles: Profiles, currency: str, counts: dict):
        self.rng, self.profiles, self.currency, self.counts = rng, profiles, currency, counts
        self.sitewide = [str(c) for c in body.get("sitewide_codes") or []]
        self.creator_share = float(body.get("creator_share", 0.45))
        self.test_rate = float(body.get("test_rate", 0.01))
        self.foreign_rate = float(body.get("foreign_rate", 0.08))
        self.tax_rate = body.get("tax_rate", "0.08")
        self.taxes_included = bool(body.get("taxes_included", False))
        self.customers: dict[str, list[int]] = {}  # creator handle or "" -> customer keys
        self.next_customer = int(body.get("first_customer_id", 1))
        self.new_customer = False  # whether the last _customer() made a new one

    def _customer(self, pool: str, repeat_rate: float) -> int:
        known = self.customers.setdefault(pool, [])
        self.new_customer = False
        if known and self.rng.random() < repeat_rate:
            self.counts["returning_customers"] += 1
            return self.rng.choice(known)
        self.new_customer = True
        key = self.next_customer
        self.next_customer += 1
        known.append(key)
        return key

    def lines(self, counts=LINE_COUNTS) -> list[dict]:
        """A basket: ``counts`` picks how many distinct catalog items, each 1 or 2 of them."""
        picks = self.rng.sample(CATALOG, self.rng.choice(counts))
        return [{"title": t, "price": p, "quantity": self.rng.choice((1, 1, 1, 2))} for t, p in picks]

    def _code(self, creator: dict) -> dict:
        kind = "fixed_amount" if creator.get("amount") else "percentage"
        value = creator.get("amount") or creator.get("percent", "10")
        return {
            "code": self.rng.choice((creator["code"], str(creator["code"]).lower())),
            "type": kind,
            "value": str(value),
        }

    def _link(self, spec: dict, handle: str) -> None:
        source = self.rng.choice(SOURCES)
        spec["landing_site"] = (
            f"/?ref={handle}&utm_content={handle}&utm_source={source}"
            f"&utm_medium=creator&utm_campaign={handle}"
        )
        spec["referring_site"] = f"https://l.{source}.com/"

    def _creator_order(self, spec: dict, creator: dict) -> None:
        """Code and/or link signals, and the basket, of one of the creator's orders."""
        rng, handle = self.rng, str(creator["handle"])
        if not any(k in creator for k in ("link_share", "no_link_share", "referrers")):
            how = rng.random()  # the default mix, drawn as it always was
            if how < 0.65 and creator.get("code"):
                spec["discount_code"] = self._code(creator)
            if how > 0.4:
                self._link(spec, handle)
        else:
            with_code = bool(creator.get("code")) and rng.random() >= float(
                creator.get("link_share", LINK_SHARE)
            )
            if with_code:
                spec["discount_code"] = self._code(creator)
            if not with_code or rng.random() >= float(creator.get("no_link_share", NO_LINK_SHARE)):
                self._link(spec, handle)
            elif creator.get("referrers"):  # the code alone, typed in after a visit from elsewhere
                spec["referring_site"] = rng.choice(list(creator["referrers"]))
                spec["landing_site"] = rng.choice(("/", "/", "/collections/sale", "/products/linen-shirt"))
        if creator.get("lines"):
            spec["line_items"] = self.lines(tuple(int(n) for n in creator["lines"]))
        if creator.get("aov") is not None:  # bigger baskets: each quantity times the factor on average
            factor = float(creator["aov"])
            whole, part = int(factor), factor - int(factor)
            for li in spec["line_items"]:
                q = li["quantity"]
                li["quantity"] = max(1, q * whole + (q if rng.random() < part else 0))

    def spec(self, when: datetime, payload: dict | None = None) -> tuple[dict, dict | None]:
        """The spec of the order placed at ``when`` and its creator (None: organic); ``payload``
        ``{"customer": key}`` makes it a creator's customer coming back on their own."""
        rng = self.rng
        spec: dict = {
            "created_at": when.isoformat(),
            "line_items": self.lines(),
            "shipping": rng.choice(("0.00", "4.95", "7.50")),
            "tax_rate": self.tax_rate,
            "taxes_included": self.taxes_included,
        }
        creator = None
        if payload is not None:  # a creator's customer comes back on their own: no code, no link
            spec["customer_id"] = payload["customer"]
            self.new_customer = False
            self.counts["returning_customers"] += 1
            self.counts["comeback_orders"] += 1
            spec["landing_site"] = rng.choice(("/", "/products/linen-shirt", "/collections/summer", None))
            spec["referring_site"] = rng.choice(("https://www.google.com/", None, None))
        elif (
            self.profiles.creators
            and rng.random() < self.creator_share
            and (creator := self.profiles.pick(rng, when)) is not None
        ):
            handle = str(creator["handle"])
            self.counts["creator_orders"] += 1
            spec["customer_id"] = self._customer(handle, float(creator.get("repeat_rate", 0.2)))
            self._creator_order(spec, creator)
        else:
            spec["customer_id"] = self._customer("", 0.25)
            if self.sitewide and rng.random() < 0.15:
                spec["discount_code"] = {
                    "code": rng.choice(self.sitewide),
                    "type": "percentage",
                    "value": "10.0",
                }
                self.counts["sitewide_code_orders"] += 1
            spec["landing_site"] = rng.choice(("/", "/products/linen-shirt", "/collections/summer", None))
            spec["referring_site"] = rng.choice(("https://www.google.com/", None, None))
        if rng.random() < self.foreign_rate:
            spec["presentment_currency"], spec["rate"] = rng.choice(FOREIGN)
            self.counts["foreign_currency"] += spec["presentment_currency"] != self.currency
        if rng.random() < self.test_rate:
            spec["test"] = True
            self.counts["test_orders"] += 1
        spec["financial_status"] = "pending" if rng.random() < 0.02 else "paid"
        return spec, creator
