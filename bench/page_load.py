"""Page load of the ROI page in headless chromium: LCP (PerformanceObserver 'largest-contentful-paint' in the
app's frame, from the frame's navigation start; also given from the admin page's start) and total transfer
(transferSize of the frame's navigation entry + all its resource entries: the page, CSS, JS and the API
calls; App Bridge comes from another origin without Timing-Allow-Origin and counts 0), each a cold load
(a new browser context) of the app opened from the stand-in's admin, as a merchant opens it. The page
is loaded until it says it has rendered the ROI table (body[data-roi-ready]), then LCP is read. Then, in
one more load, six range presets and five sorts, each timed from the action to the next render.

Web vitals (#17 item 13), in each cold load: Google's web-vitals library (npm, pinned in
tests/browser/package.json) injected into the app's frame by tests/browser/vitals_support.py, as the browser
tests do; LCP and CLS of the load, then a merchant's first interactions (a range change by key press, a sort
by click, the Creators tab and back to ROI, each until it has rendered) for INP and the CLS they add. The
p75 over the loads (nearest rank) is printed beside Shopify's bar (LCP <= 2.5 s, CLS <= 0.1, INP <= 200 ms)
and this app's goal (LCP <= 1.0 s, CLS <= 0.05, INP <= 100 ms); printed, never asserted.

Two shops:
- demo: `python -m devstore.demo` started in the background (its own SQLite file and ports; stopped at
  the end): ~2,700 orders, a dozen creators; the app runs as the demo runs it (`shopify-roi serve`).
- big: the 1,000,000-order shop of bench/roi_queries.py (bench/dataset.py, COPY) in PostgreSQL, served by
  gunicorn as the Procfile runs it (2 workers x 4 threads), installed on a stand-in shop through OAuth.

Run (PostgreSQL on 127.0.0.1; chromium at /usr/bin/chromium, driven by Playwright):
  python bench/page_load.py                          # both shops; builds its own 1M-order database (~4 min)
  python bench/page_load.py --shops demo             # the demo shop only (~1 min)
  python bench/page_load.py --smoke                  # CI's: both shops (600 and 2,000 orders), 1 load
  python bench/roi_queries.py --keep && python bench/page_load.py --db roi_bench_roi --reuse  # its data
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common
import dataset

sys.path.insert(0, str(common.ROOT / "tests" / "browser"))
import vitals_support  # noqa: E402  (tests/browser: the same injection and bars as the browser tests)

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOP = "bench-roi.myshopify.com"  # the same domain as roi_queries.py, so its database can be reused
TARGET_S = 1.0
SMOKE_DEMO_ORDERS = 600  # the smoke's demo history (the demo's own: ~2,700 orders, ~70 s to make)
INTERACTION_MS = 300  # issue 7: a range change or a sort answers in < 300 ms on the demo shop
MEASURE = """() => new Promise(resolve => {
  let lcp = null;
  new PerformanceObserver(list => { for (const e of list.getEntries()) lcp = e; })
    .observe({type: 'largest-contentful-paint', buffered: true});
  setTimeout(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    const el = lcp && lcp.element;
    resolve({
      lcp: lcp ? lcp.startTime : null,
      lcp_element: el ? (el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                         (el.className && typeof el.className === 'string'
                            ? '.' + el.className.split(' ')[0] : '')) : null,
      nav_bytes: nav ? nav.transferSize : 0,
      res_bytes: res.reduce((a, r) => a + r.transferSize, 0),
      resources: res.map(r => [
        r.name.replace(location.origin, ''), r.transferSize, Math.round(r.responseEnd),
      ]),
      time_origin: performance.timeOrigin,
      now: performance.now(),
    });
  }, 300);
})"""


def load_once(browser, admin_url: str, app_url: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(admin_url)
        page.frame_locator("#app-frame").locator("body[data-roi-ready]").wait_for(timeout=300_000)
        ready_wall = time.perf_counter() - started
        frame = next(f for f in page.frames if f.url.startswith(app_url))
        ready_ms = frame.evaluate(
            "performance.now()"
        )  # the table is rendered by then (Playwright polls every few ms)
        got = frame.evaluate(MEASURE)
        top_origin = page.evaluate("performance.timeOrigin")
        got["lcp_from_admin"] = (
            (got["time_origin"] - top_origin + got["lcp"]) if got["lcp"] is not None else None
        )
        got["ready_wall_s"] = ready_wall
        got["ready"] = ready_ms
        got["bytes"] = got["nav_bytes"] + got["res_bytes"]
        got["vitals"] = web_vitals(frame)
        return got
    finally:
        context.close()


def _until_rendered(frame, action) -> None:
    before = frame.evaluate("document.body.dataset.roiReady")
    action()
    frame.wait_for_function(
        "n => document.body.dataset.roiReady !== n && !document.querySelector('#roi-body.loading')",
        arg=before,
        timeout=300_000,
    )


def web_vitals(frame) -> dict:
    """lcp_ms and cls of this load (buffered entries), then a merchant's first interactions, each until it
    has rendered: the range one preset further by key press (new figures fetched), a sort by click, the
    Creators tab and back to ROI; inp_ms (None: no interaction lasted 16 ms) and cls after them."""
    vitals_support.start(frame)
    frame.wait_for_timeout(300)  # the buffered entries reported
    loaded = vitals_support.read(frame)
    _until_rendered(frame, lambda: frame.locator("#roi-range").press("ArrowDown"))
    _until_rendered(frame, lambda: frame.locator("th[data-col=roas] button").click())
    frame.locator(".tabs a", has_text="Creators").click()
    frame.wait_for_function("() => document.body.dataset.view === 'creators'", timeout=300_000)
    _until_rendered(frame, lambda: frame.locator(".tabs a", has_text="ROI").click())
    frame.wait_for_timeout(300)  # the last layout shift and interaction reported
    got = vitals_support.read(frame)
    return {
        "lcp_ms": got.get("lcp_ms"),
        "cls_load": loaded.get("cls", 0),
        "cls": got.get("cls", 0),
        "inp_ms": got.get("inp_ms"),
    }


def vitals_p75(runs: list[dict]) -> dict:
    """p75 (nearest rank) over the loads of each vital; INP counts a load without a 16 ms interaction as 0."""
    vitals = [r["vitals"] for r in runs]
    return {
        "lcp_ms": common.pct([v["lcp_ms"] for v in vitals if v["lcp_ms"] is not None], 0.75),
        "cls_load": common.pct([v["cls_load"] for v in vitals], 0.75),
        "cls": common.pct([v["cls"] for v in vitals], 0.75),
        "inp_ms": common.pct([v["inp_ms"] or 0 for v in vitals], 0.75),
    }


def vitals_text(v: dict) -> str:
    bar, goal = vitals_support.SHOPIFY_BAR, vitals_support.GOAL
    met = [
        name
        for name, limits in (("Shopify's bar", bar), ("our goal", goal))
        if v["lcp_ms"] <= limits["lcp_ms"] and v["cls"] <= limits["cls"] and v["inp_ms"] <= limits["inp_ms"]
    ]
    return (
        f"LCP {v['lcp_ms']:.0f} ms, CLS {v['cls']:.3f} (load {v['cls_load']:.3f}), "
        f"INP {v['inp_ms']:.0f} ms ({' and '.join(met) + ' met' if met else 'bars missed'})"
    )


PRESETS = ("last_7_days", "last_30_days", "last_90_days", "last_12_months", "last_month", "last_6_months")
SORTS = ("roas", "orders", "cac", "repeat_rate_90d", "roas")  # the last one again: the other direction


def interactions(browser, admin_url: str, app_url: str) -> dict:
    """What a merchant waits for after changing the range (a preset never loaded before: one metrics and one
    timeseries request, then the table and charts redrawn) and after sorting (client-side), each timed from
    the action to the page's next render (body[data-roi-ready] changes); the page must not reload."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(admin_url)
        page.frame_locator("#app-frame").locator("body[data-roi-ready]").wait_for(timeout=300_000)
        frame = next(f for f in page.frames if f.url.startswith(app_url))
        frame.evaluate("window.__stillHere = 'yes'")

        def timed(action) -> float:
            before = frame.evaluate("document.body.dataset.roiReady")
            started = time.perf_counter()
            action()
            frame.wait_for_function(
                "n => document.body.dataset.roiReady !== n && !document.querySelector('#roi-body.loading')",
                arg=before,
                timeout=60_000,
            )
            return (time.perf_counter() - started) * 1000

        ranges = [timed(lambda p=p: frame.select_option("#roi-range", p)) for p in PRESETS]
        sorts = [timed(lambda c=c: frame.locator(f"th[data-col={c}] button").click()) for c in SORTS]
        if frame.evaluate("window.__stillHere") != "yes":
            raise SystemExit("the page reloaded on a range change or a sort")
        return {"ranges": ranges, "sorts": sorts}
    finally:
        context.close()


def measure(label: str, admin_url: str, app_url: str, loads: int) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            load_once(
                browser, admin_url, app_url
            )  # warm the server (its caches, connections), not the browser
            runs = [load_once(browser, admin_url, app_url) for _ in range(loads)]
            acted = interactions(browser, admin_url, app_url)
        finally:
            browser.close()
    lcps = [r["lcp"] / 1000 for r in runs if r["lcp"] is not None]
    readies = ", ".join(f"{r['ready'] / 1000:.2f}" for r in runs)
    last = runs[-1]
    slowest = sorted(last["resources"], key=lambda r: -r[2])[:4]
    print(
        f"  {label}: LCP {', '.join(f'{x:.2f}' for x in lcps)} s (element {last['lcp_element']}); "
        f"ROI table rendered by {readies} s; LCP from the admin's start "
        f"{statistics.median(r['lcp_from_admin'] for r in runs) / 1000:.2f} s; "
        f"transfer {last['bytes'] / 1024:.0f} KB "
        f"(document {last['nav_bytes'] / 1024:.0f} KB + {len(last['resources'])} resources); last responses: "
        + ", ".join(f"{name[:70]} at {end} ms" for name, _, end in slowest),
        flush=True,
    )
    vitals = vitals_p75(runs)
    print(
        f"  {label}: web vitals p75 of {len(runs)} loads: {vitals_text(vitals)}; "
        "each load (LCP ms, CLS, INP ms): "
        + ", ".join(
            f"({r['vitals']['lcp_ms']}, {r['vitals']['cls']:.3f}, {r['vitals']['inp_ms'] or '<16'})"
            for r in runs
        ),
        flush=True,
    )
    print(
        f"  {label}: range change ("
        + ", ".join(PRESETS)
        + ") "
        + ", ".join(f"{x:.0f}" for x in acted["ranges"])
        + " ms; sort ("
        + ", ".join(SORTS)
        + ") "
        + ", ".join(f"{x:.0f}" for x in acted["sorts"])
        + " ms",
        flush=True,
    )
    return {
        "lcp_median": statistics.median(lcps),
        "lcp_max": max(lcps),
        "range_max": max(acted["ranges"]),
        "range_median": statistics.median(acted["ranges"]),
        "sort_max": max(acted["sorts"]),
        "ready_median": statistics.median(r["ready"] for r in runs) / 1000,
        "bytes": statistics.median(r["bytes"] for r in runs),
        "vitals": vitals,
        "runs": runs,
    }


def demo_shop(loads: int, orders: int | None = None) -> dict:
    """`python -m devstore.demo` in the background (`--orders` when given: the smoke's smaller history);
    measure once it prints the admin URL; stop it."""
    tmp = Path(tempfile.mkdtemp(prefix="roi_bench_demo_"))
    port, app_port = common.free_port(), common.free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "INPROCESS_WORKER")}
    env.update(
        DEVSTORE_PORT=str(port),
        PORT=str(app_port),
        SHOPIFY_ROI_DATA_DIR=str(tmp),
        PYTHONPATH=str(common.ROOT),
    )
    with open(tmp / "demo.out", "w+") as log:
        proc = subprocess.Popen(
            [str(common.BIN / "python"), "-m", "devstore.demo"]
            + (["--orders", str(orders)] if orders else []),
            env=env,
            cwd=common.ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            started = time.time()
            admin = None
            while admin is None:
                if proc.poll() is not None or time.time() - started > 600:
                    raise SystemExit("the demo did not start:\n" + (tmp / "demo.out").read_text()[-2000:])
                match = re.search(
                    r"Open the embedded app in the stand-in admin:\s+(\S+)", (tmp / "demo.out").read_text()
                )
                admin = match.group(1) if match else None
                time.sleep(0.5)
            print(f"  demo ready in {time.time() - started:.0f} s", flush=True)
            return measure("demo shop", admin, f"http://127.0.0.1:{app_port}", loads)
        finally:
            common.stop(proc, timeout=30)
            # (this was after the `with`, never reached past the return above: the demo's files were left)
            shutil.rmtree(tmp, ignore_errors=True)


def big_shop(loads: int, db_name: str, reuse: bool, orders: int, keep: bool) -> dict:
    built = False
    if reuse and common.db_exists(db_name) and dataset.order_count(common.pg_url(db_name), SHOP) == orders:
        url = common.pg_url(db_name)
    else:
        url = common.create_db(db_name)
        built = True
        try:
            common.migrate(common.app_env(url))
            shop_id = common.seed_shop(url, SHOP, [])
            made = dataset.load(
                url,
                shop_id,
                orders=orders,
                customers=orders * 3 // 10,
                clicks=orders * 3,
                log=lambda line: print(line, flush=True),
            )
        except BaseException:
            if not keep:
                common.drop_db(db_name)
            raise
        print(f"  loaded {made['orders']} orders in {made['seconds']:.0f} s", flush=True)
    port = common.free_port()
    app_url = f"http://127.0.0.1:{port}"
    stand_in = common.start_stand_in(app_url)
    env = common.app_env(
        url,
        app_url=app_url,
        origin_template=stand_in.origin_template,
        APP_BRIDGE_URL=f"{stand_in.url}/_devstore/app-bridge.js",
    )
    web = None
    try:
        web = common.gunicorn("shopify_roi.wsgi:app", port, env)
        common.wait_http(f"{app_url}/healthz")
        common.install_shop(stand_in, app_url, SHOP)  # the stand-in's shop, installed through OAuth
        admin = f"{stand_in.origin(SHOP)}/admin/apps/{common.DEMO_KEY}"
        return measure(f"{orders}-order shop", admin, app_url, loads)
    finally:
        common.stop(web)
        stand_in.stop()
        if built and not keep:
            common.drop_db(db_name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shops", default="demo,big", help="demo, big or both")
    parser.add_argument(
        "--loads", type=int, default=5, help="cold loads measured per shop (after one warm-up)"
    )
    parser.add_argument("--orders", type=int, default=1_000_000, help="orders of the big shop")
    parser.add_argument("--db", default="roi_bench_page", help="the big shop's database")
    parser.add_argument(
        "--reuse", action="store_true", help="use --db as it is when it holds the big shop's orders"
    )
    parser.add_argument("--keep", action="store_true", help="keep the big shop's database when built here")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="CI's smoke size: both shops, the demo's of 600 orders and the big one of 2,000, 1 cold load "
        "each; figures not judged",
    )
    args = parser.parse_args()
    if args.smoke:
        args.shops, args.loads, args.orders, args.reuse, args.keep = "demo,big", 1, 2000, False, False
        args.db = common.smoke_name("roi_bench_page", True)
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"{CHROMIUM} is needed (apt-get install chromium)")
    results = {}
    if "demo" in args.shops:
        results["demo"] = demo_shop(args.loads, SMOKE_DEMO_ORDERS if args.smoke else None)
    if "big" in args.shops:
        results["big"] = big_shop(args.loads, args.db, args.reuse, args.orders, args.keep)
    parts = [
        f"{name} shop LCP median {r['lcp_median']:.2f} s (max {r['lcp_max']:.2f} s), "
        f"table rendered {r['ready_median']:.2f} s, transfer {r['bytes'] / 1024:.0f} KB, "
        f"range change median {r['range_median']:.0f} ms (max {r['range_max']:.0f} ms), "
        f"sort max {r['sort_max']:.0f} ms, web vitals p75 {vitals_text(r['vitals'])}"
        for name, r in results.items()
    ]
    met = all(r["lcp_max"] <= TARGET_S for r in results.values())
    demo = results.get("demo")
    quick = demo is None or (demo["range_max"] < INTERACTION_MS and demo["sort_max"] < INTERACTION_MS)
    print(
        f"page load ({common.nproc()} cores, headless chromium, {args.loads} cold loads): "
        + "; ".join(parts)
        + f"; target LCP <= {TARGET_S:.1f} s {'met' if met else 'missed'}"
        + (
            f"; demo range change and sort < {INTERACTION_MS} ms {'met' if quick else 'missed'}"
            if demo
            else ""
        )
    )
    for name, r in results.items():
        common.smoke_require(
            args.smoke,
            bool(r["runs"]) and min(r["lcp_max"], r["bytes"], r["range_max"], r["sort_max"]) > 0,
            f"{name} shop: a figure is missing",
        )
    common.smoke_leftovers(args.smoke)


if __name__ == "__main__":
    main()
