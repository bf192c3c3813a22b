"""A large shop's facts, bulk-inserted with COPY straight into the app's tables (bench/roi_queries.py and
bench/page_load.py): the generator's way of making a shop, at a million orders, without the stand-in's
per-order JSON (which would take an hour to build and ingest).

Distributions (seeded, deterministic): orders over `days` days ending today, denser towards the end (a
growing shop: the density rises linearly, 3x from first to last day), at realistic hours; 45 % attributed
to one of the creators (weights ~ 1/rank^0.8, so a few stars and a long tail; each creator active from
its own start day; 60 % by code, 40 % by link, 3 % contested by a second creator); 1-3 lines from a
catalog of 12 products, quantities 1-2, 15 % off on code orders and 10 % on a sitewide code on 8 % of the
others, 8 % tax on top; 1 % test orders, 1 % voided, 2 % cancelled and refunded; refunds on ~8 % of
orders 3-25 days later (40 % whole order, else one line); `customers` distinct customers: a new customer
for ~30 % of orders, else a returning one (chosen among the recent ones more often), 2 % guests; the
customer's first counted order marked (`is_first`); clicks on each creator's tracked link spread over its
active days; spend: a monthly fee per active creator and one seeding entry; 10 campaigns of 50 creators.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

import common

CATALOG = [5900, 2450, 3990, 1999, 4500, 12900, 3200, 14995, 2200, 8900, 1499, 7450]  # cents
SCALE = 100  # cents -> Money's raw units (amount x 10,000)


def _ts(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S+00")


class _Copy:
    """Rows for one table as tab-separated text in a temporary file, sent with COPY on close() (several
    tables are filled side by side; one connection runs one COPY at a time, parents first)."""

    def __init__(self, cur, table: str, columns: str):
        self.cur, self.sql, self.n = cur, f"COPY {table} ({columns}) FROM STDIN", 0
        self.file = tempfile.TemporaryFile("w+")  # noqa: SIM115 - written row by row, closed in close()

    def row(self, *values) -> None:
        self.file.write(
            "\t".join(
                "\\N" if v is None else ("t" if v is True else "f" if v is False else str(v)) for v in values
            )
        )
        self.file.write("\n")
        self.n += 1

    def close(self) -> None:
        self.file.seek(0)
        with self.cur.copy(self.sql) as copy:
            while chunk := self.file.read(1 << 20):
                copy.write(chunk)
        self.file.close()


def load(
    url: str,
    shop_id: int,
    orders: int = 1_000_000,
    creators: int = 500,
    customers: int = 300_000,
    clicks: int = 3_000_000,
    days: int = 400,
    seed: int = 11,
    log=print,
) -> dict:
    rng = random.Random(seed)
    started = time.perf_counter()
    now = time.time()
    end = now - 3600  # the last order an hour ago
    begin = end - days * 86400
    with common.connect(url) as conn:
        conn.autocommit = False
        cur = conn.cursor()
        # Creators, codes, links, campaigns, spend ------------------------------------------------
        creator_ids, handles, codes, starts = [], [], [], []
        base_cid = cur.execute("SELECT coalesce(max(id), 0) FROM creators").fetchone()[0]
        cc = _Copy(
            cur,
            "creators",
            "id, shop_id, handle, name, platform, followers, commission_rate, notes, status, "
            "created_at, updated_at",
        )
        for i in range(creators):
            cid = base_cid + 1 + i
            handle = f"creator{i:04d}"
            start_day = 0 if i < creators // 5 else rng.uniform(0, days * 0.8)
            creator_ids.append(cid)
            handles.append(handle)
            codes.append(f"{handle.upper()}15")
            starts.append(begin + start_day * 86400)
            cc.row(
                cid,
                shop_id,
                handle,
                f"Creator {i}",
                rng.choice(("instagram", "tiktok", "youtube")),
                int(1000 * 10 ** rng.uniform(0, 3)),
                1000,
                "",
                "active",
                _ts(begin),
                _ts(begin),
            )
        cc.close()
        dc = _Copy(
            cur,
            "discount_codes",
            "shop_id, creator_id, code, code_key, attribution_key, status, shopify_discount_id, "
            "value_type, value, once_per_customer, combines_with_order, combines_with_product, "
            "combines_with_shipping, created_at, updated_at",
        )
        for cid, code in zip(creator_ids, codes, strict=False):
            dc.row(
                shop_id,
                cid,
                code,
                code,
                code,
                "active",
                f"gid://shopify/DiscountCodeNode/{cid}",
                "percentage",
                1500,
                False,
                False,
                False,
                True,
                _ts(begin),
                _ts(begin),
            )
        dc.close()
        base_link = cur.execute("SELECT coalesce(max(id), 0) FROM tracked_links").fetchone()[0]
        tl = _Copy(
            cur,
            "tracked_links",
            "id, shop_id, creator_id, short_id, target, target_handle, placement, "
            "destination_url, archived, created_at",
        )
        routes = _Copy(cur, "link_routes", "short_id, shop_id, link_id")  # as the app makes each link
        for n, (cid, handle) in enumerate(zip(creator_ids, handles, strict=False)):
            tl.row(
                base_link + 1 + n,
                shop_id,
                cid,
                f"b{shop_id}x{n}",
                "home",
                "",
                "post",
                f"https://shop.example/?ref={handle}&utm_content={handle}",
                False,
                _ts(begin),
            )
            routes.row(f"b{shop_id}x{n}", shop_id, base_link + 1 + n)
        tl.close()
        routes.close()
        campaign_ids = []
        for k in range(10):
            campaign_ids.append(
                cur.execute(
                    "INSERT INTO campaigns (shop_id, name, slug, status, created_at) "
                    "VALUES (%s, %s, %s, 'active', now()) RETURNING id",
                    (shop_id, f"Campaign {k}", f"campaign-{k}"),
                ).fetchone()[0]
            )
        members = _Copy(cur, "creator_campaigns", "creator_id, campaign_id, shop_id")
        for n, cid in enumerate(creator_ids):
            members.row(cid, campaign_ids[n % 10], shop_id)
        members.close()
        sp = _Copy(
            cur, "spend_entries", "shop_id, creator_id, campaign_id, kind, spent_on, amount, note, created_at"
        )
        spend_rows = 0
        for n, (cid, start) in enumerate(zip(creator_ids, starts, strict=False)):
            day = date.fromtimestamp(start).replace(day=1) + timedelta(days=32)
            day = day.replace(day=1)
            sp.row(
                shop_id,
                cid,
                campaign_ids[n % 10],
                "seeding",
                date.fromtimestamp(start).isoformat(),
                rng.randint(40, 400) * SCALE * 100,
                "seeding",
                _ts(start),
            )
            fee = rng.choice((150, 300, 500, 1000, 2500)) * SCALE * 100
            while day <= date.today():
                sp.row(
                    shop_id, cid, campaign_ids[n % 10], "fee", day.isoformat(), fee, "monthly fee", _ts(start)
                )
                spend_rows += 1
                day = (day + timedelta(days=32)).replace(day=1)
        sp.close()
        log(
            f"    creators, codes, links, campaigns, {spend_rows} spend entries "
            f"({time.perf_counter() - started:.0f} s)"
        )

        # Clicks --------------------------------------------------------------------------------------
        weights = [1 / (r + 1) ** 0.8 for r in range(creators)]
        total_w = sum(weights)
        ck = _Copy(cur, "clicks", "shop_id, creator_id, link_id, clicked_at, visitor_hash, agent_class")
        for n, cid in enumerate(creator_ids):
            count = int(clicks * weights[n] / total_w)
            lo = starts[n]
            for _ in range(count):
                ck.row(
                    shop_id,
                    cid,
                    base_link + 1 + n,
                    _ts(lo + rng.random() * (end - lo)),
                    f"{rng.getrandbits(64):016x}",
                    rng.choice(("mobile", "mobile", "mobile", "desktop", "tablet")),
                )
        ck.close()
        log(f"    {ck.n} clicks ({time.perf_counter() - started:.0f} s)")

        # Orders, lines, refunds --------------------------------------------------------------------
        cum, acc = [], 0.0
        for w in weights:
            acc += w
            cum.append(acc)
        import bisect

        base_oid = cur.execute("SELECT coalesce(max(id), 0) FROM orders").fetchone()[0]
        base_line = cur.execute("SELECT coalesce(max(id), 0) FROM order_lines").fetchone()[0]
        base_ref = cur.execute("SELECT coalesce(max(id), 0) FROM refunds").fetchone()[0]
        oc = _Copy(
            cur,
            "orders",
            "id, shop_id, shopify_id, name, created_at, shopify_updated_at, cancelled_at, "
            "financial_status, test, seeding, counted, taxes_included, currency, customer_id, gross, "
            "discounts, line_tax, revenue, signals, creator_id, rule, contested, is_first, source, "
            "stored_at, signal_code, signal_link, referrer_host",
        )
        lc = _Copy(cur, "order_lines", "id, shop_id, order_id, shopify_id, quantity, price, discount, tax")
        rc = _Copy(
            cur,
            "refunds",
            "id, shop_id, shopify_id, order_shopify_id, created_at, subtotal, line_tax, has_lines",
        )
        rlc = _Copy(
            cur, "refund_lines", "shop_id, refund_id, shopify_id, line_shopify_id, quantity, subtotal, tax"
        )
        # density rising linearly 1 -> 3 over the range: inverse CDF of f(x) ~ 1 + 2x on [0, 1]
        times = sorted(
            begin + (days * 86400) * ((-1 + (1 + 8 * rng.random()) ** 0.5) / 2) for _ in range(orders)
        )
        known_customers: list[int] = []
        first_done: set[int] = set()
        next_customer = 0
        line_id = base_line
        refund_id = base_ref
        refunds = 0
        p_new = customers / orders
        for n, created in enumerate(times):
            oid = base_oid + 1 + n
            shopify_id = 5_000_000_000_000 + oid
            # customer
            if rng.random() < 0.02:
                customer = None
            elif not known_customers or (next_customer < customers and rng.random() < p_new):
                customer = next_customer
                next_customer += 1
                known_customers.append(customer)
            else:  # returning: recent customers more often
                k = len(known_customers)
                customer = known_customers[k - 1 - int(k * rng.random() ** 2)]
            # attribution
            creator_idx, rule, contested = None, "none", "[]"
            signals: dict = {"codes": [], "landing_site": None, "referring_site": None, "note_attributes": []}
            if rng.random() < 0.45:
                idx = bisect.bisect_left(cum, rng.random() * acc)
                if starts[idx] <= created:
                    creator_idx = idx
                    handle = handles[idx]
                    if rng.random() < 0.6:
                        rule = "code"
                        signals["codes"] = [codes[idx] if rng.random() < 0.5 else codes[idx].lower()]
                        if rng.random() < 0.4:
                            signals.update(
                                landing_site=f"/?ref={handle}&utm_content={handle}",
                                ref=handle,
                                utm_content=handle,
                            )
                        else:
                            signals["referring_site"] = rng.choice(
                                ("https://www.instagram.com/", None, "https://www.retailmenot.com/")
                            )
                    else:
                        rule = "link"
                        signals.update(
                            landing_site=f"/?ref={handle}&utm_content={handle}&utm_source=instagram",
                            ref=handle,
                            utm_content=handle,
                            utm_source="instagram",
                            referring_site="https://l.instagram.com/",
                        )
                    if rng.random() < 0.03:
                        other = rng.randrange(creators)
                        if other != idx:
                            contested = f"[{creator_ids[other]}]"
            sitewide = creator_idx is None and rng.random() < 0.08
            if sitewide:
                signals["codes"] = ["WELCOME10"]
            # money
            n_lines = rng.choice((1, 1, 1, 2, 2, 3))
            gross = disc = tax = 0
            lines = []
            for j in range(n_lines):
                price = CATALOG[rng.randrange(12)]
                qty = 1 if rng.random() < 0.75 else 2
                line_gross = price * qty
                d = line_gross * 15 // 100 if rule == "code" else (line_gross // 10 if sitewide else 0)
                t = (line_gross - d) * 8 // 100
                gross += line_gross
                disc += d
                tax += t
                line_id += 1
                lines.append((line_id, shopify_id * 10 + j, qty, price, d, t))
            test = rng.random() < 0.01
            status = "paid"
            cancelled = None
            r = rng.random()
            if r < 0.01:
                status = "voided"
                cancelled = created + 3600
            elif r < 0.03:
                status = "refunded"
                cancelled = created + rng.uniform(3600, 30 * 3600)
            counted = not (test or status == "voided")
            is_first = None
            if customer is not None:
                is_first = counted and customer not in first_done
                if is_first:
                    first_done.add(customer)
            creator_id = creator_ids[creator_idx] if creator_idx is not None else None
            oc.row(
                oid,
                shop_id,
                shopify_id,
                f"#{1000 + n}",
                _ts(created),
                _ts(cancelled or created),
                _ts(cancelled) if cancelled else None,
                status,
                test,
                False,
                counted,
                False,
                "USD",
                None if customer is None else 9_000_000_000 + customer,
                gross * SCALE,
                disc * SCALE,
                tax * SCALE,
                (gross - disc) * SCALE,
                json.dumps(signals, sort_keys=True),
                creator_id,
                rule,
                contested,
                is_first,
                "webhook",
                _ts(created),
                *_leak_signals(signals, creator_idx, handles, codes),
            )
            for lid, lsid, qty, price, d, t in lines:
                lc.row(lid, shop_id, oid, lsid, qty, price * SCALE, d * SCALE, t * SCALE)
            # refunds: cancellations refund everything; ~8 % of the others get a refund
            refund_lines = []
            if status == "refunded" or (counted and rng.random() < 0.08):
                when = cancelled if status == "refunded" else created + rng.uniform(3, 25) * 86400
                whole = status == "refunded" or rng.random() < 0.4
                for _lid, lsid, qty, price, d, t in lines if whole else [rng.choice(lines)]:
                    q = qty if whole else 1
                    refund_lines.append((lsid, q, (price * q - d * q // qty), t * q // qty))
                if when < now:
                    refund_id += 1
                    refunds += 1
                    rsid = 7_000_000_000_000 + refund_id
                    rc.row(
                        refund_id,
                        shop_id,
                        rsid,
                        shopify_id,
                        _ts(when),
                        sum(x[2] for x in refund_lines) * SCALE,
                        sum(x[3] for x in refund_lines) * SCALE,
                        True,
                    )
                    for k, (lsid, q, sub, t) in enumerate(refund_lines):
                        rlc.row(shop_id, refund_id, rsid * 10 + k, lsid, q, sub * SCALE, t * SCALE)
            if (n + 1) % 200_000 == 0:
                log(f"    {n + 1} orders ({time.perf_counter() - started:.0f} s)")
        for copy in (oc, lc, rc, rlc):
            copy.close()
        for table in ("creators", "tracked_links", "orders", "order_lines", "refunds"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        conn.commit()
        _read_facts(cur, shop_id)
        conn.commit()
        log(f"    read facts: returns and cohort facts ({time.perf_counter() - started:.0f} s)")
        conn.autocommit = True
        cur.execute("VACUUM ANALYZE orders")
        conn.autocommit = False
        rollup_seconds = build_rollup(url, shop_id)
        log(
            f"    daily rollup built by the app in {rollup_seconds:.1f} s "
            f"({time.perf_counter() - started:.0f} s)"
        )
        conn.autocommit = True
        cur.execute("VACUUM ANALYZE")
    return {
        "orders": orders,
        "lines": line_id - base_line,
        "refunds": refunds,
        "customers": next_customer,
        "clicks": ck.n,
        "creators": creators,
        "seconds": time.perf_counter() - started,
    }


def _leak_signals(signals: dict, creator_idx: int | None, handles: list[str], codes: list[str]) -> tuple:
    """What orders.Attributor.leak_signals stores: the winner's code used, its link named, the referrer's
    host."""
    from shopify_roi.services.metrics.leaks import host

    used = [c.upper() for c in signals["codes"]]
    own = codes[creator_idx] if creator_idx is not None else None
    code = own if own in used else (used[0] if used else "")
    has_link = creator_idx is not None and handles[creator_idx] in (
        signals.get("ref"),
        signals.get("utm_content"),
    )
    return code, has_link, host(signals.get("referring_site"))


def _read_facts(cur, shop_id: int) -> None:
    """The read facts orders.refresh_facts keeps, set-based: returns per order, then each first order's gap
    to the customer's next counted order and net revenue within 30/90/180/365 days."""
    cur.execute(
        """UPDATE orders o SET returns = r.net, refunded_lines = r.lines
                   FROM (SELECT order_shopify_id, sum(subtotal) AS net, bool_or(has_lines) AS lines
                         FROM refunds WHERE shop_id = %s GROUP BY order_shopify_id) r
                   WHERE o.shop_id = %s AND o.shopify_id = r.order_shopify_id""",
        (shop_id, shop_id),
    )  # prices exclude tax
    ltv = ", ".join(
        f"sum(x.revenue - x.returns) FILTER (WHERE x.created_at <= f.created_at + interval '{n} days') "
        f"AS l{n}"
        for n in (30, 90, 180, 365)
    )
    cur.execute(
        f"""UPDATE orders o
            SET next_gap_us = a.gap, ltv_30 = a.l30, ltv_90 = a.l90, ltv_180 = a.l180, ltv_365 = a.l365
            FROM (SELECT f.id,
                         (extract(epoch FROM min(x.created_at) FILTER (WHERE x.created_at > f.created_at)
                                             - f.created_at) * 1000000)::bigint AS gap,
                         {ltv}
                  FROM orders f JOIN orders x ON x.shop_id = f.shop_id AND x.customer_id = f.customer_id
                                             AND x.counted AND x.created_at >= f.created_at
                  WHERE f.shop_id = %s AND f.is_first GROUP BY f.id, f.shop_id) a
            WHERE o.shop_id = %s AND o.id = a.id""",
        (shop_id, shop_id),
    )


def build_rollup(url: str, shop_id: int) -> float:
    """The app's own first-read rebuild of the shop's daily rollup (services/metrics/rollups.refresh),
    timed."""
    from sqlalchemy.orm import Session

    from shopify_roi.db import make_engine
    from shopify_roi.models import Shop
    from shopify_roi.services.metrics import rollups

    engine = make_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    )
    started = time.perf_counter()
    with Session(engine) as session:
        rollups.refresh(session, session.get(Shop, shop_id))
        session.commit()
    engine.dispose()
    return time.perf_counter() - started


def top_creator(url: str, shop_id: int) -> str:
    with common.connect(url) as conn:
        return conn.execute(
            "SELECT c.handle FROM orders o JOIN creators c ON c.id = o.creator_id WHERE o.shop_id = %s "
            "GROUP BY c.handle ORDER BY count(*) DESC LIMIT 1",
            (shop_id,),
        ).fetchone()[0]


def order_count(url: str, shop_domain: str) -> int:
    with common.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM orders o JOIN shops s ON s.id = o.shop_id WHERE s.domain = %s",
            (shop_domain,),
        ).fetchone()
        return row[0]
