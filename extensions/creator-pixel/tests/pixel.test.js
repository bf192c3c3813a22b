// Tests for src/pixel.js with fakes of the web pixel API (analytics, browser storages, init, settings,
// customerPrivacy), fetch and timers. Run: npm test (node --test tests/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import {
  Batcher,
  REF_KEY,
  SESSION_KEY,
  DAY_MS,
  compactEvent,
  isComplete,
  creatorFromUrl,
  numericId,
  orderId,
  productId,
  randomId,
  start,
  windowDays,
} from "../src/pixel.js";

const SHOP = "demo.myshopify.com";
const KEY = "k".repeat(32);
const ENDPOINT = "https://app.example.com/pixel/events";
const T0 = Date.parse("2026-03-01T10:00:00.000Z");
const iso = (ms) => new Date(ms).toISOString();

let counter = 0;

/** A Shopify standard event as the sandbox publishes it. */
function event(name, { href = `https://${SHOP}/`, data = {}, at = T0, clientId = "visitor-1" } = {}) {
  counter += 1;
  return {
    id: `evt-${counter}`,
    name,
    type: "standard",
    timestamp: iso(at),
    clientId,
    seq: counter,
    context: { document: { location: { href }, referrer: "", title: "" } },
    data,
  };
}

const productData = (id) => ({ productVariant: { id: "gid://shopify/ProductVariant/9", product: { id, title: "Tee" } } });
const cartData = (id, quantity) => ({
  cartLine: { quantity, merchandise: { id: "gid://shopify/ProductVariant/9", product: { id, title: "Tee" } } },
});
const checkoutData = (order) => ({ checkout: { token: "abc", order: order === undefined ? null : { id: order } } });

/** Async Map-backed storage (like browser.localStorage in the sandbox) that logs each access. */
function fakeStorage(label, map, log) {
  return {
    map,
    async getItem(key) {
      log.push([label, "get", key]);
      return map.has(key) ? map.get(key) : null;
    },
    async setItem(key, value) {
      log.push([label, "set", key]);
      map.set(key, String(value));
    },
    async removeItem(key) {
      log.push([label, "remove", key]);
      map.delete(key);
    },
    async clear() {
      log.push([label, "clear"]);
      map.clear();
    },
    async key(i) {
      return [...map.keys()][i] ?? null;
    },
    async length() {
      return map.size;
    },
  };
}

/**
 * One page load of the pixel. Pass the same `local` / `session` maps to model later pages of the
 * visit (a new `session` map = a new browser session).
 */
function page({
  consent = true,
  settings = {},
  local = new Map(),
  session = new Map(),
  fetch = null,
  requests = [],
} = {}) {
  const subscriptions = new Map();
  const consentSubscriptions = [];
  const log = [];
  const timers = [];
  const clock = { now: 0 };

  const analytics = {
    subscribe(name, callback) {
      subscriptions.set(name, callback);
      return () => true;
    },
  };
  const customerPrivacy = {
    subscribe(name, callback) {
      consentSubscriptions.push([name, callback]);
      return () => true;
    },
  };
  const browser = {
    localStorage: fakeStorage("local", local, log),
    sessionStorage: fakeStorage("session", session, log),
  };
  const init = {
    context: { document: { location: { href: `https://${SHOP}/` } } },
    data: { customer: null, cart: null, shop: { myshopifyDomain: SHOP } },
    customerPrivacy: {
      analyticsProcessingAllowed: consent,
      marketingAllowed: false,
      preferencesProcessingAllowed: false,
      saleOfDataAllowed: false,
    },
  };
  const fullSettings = { endpoint: ENDPOINT, shop: SHOP, key: KEY, windowDays: "30", ...settings };
  const fetchImpl =
    fetch ||
    (async (url, options) => {
      requests.push({ url, options, body: JSON.parse(options.body) });
      return { ok: true, status: 204 };
    });
  const setTimeout = (fn, ms) => {
    timers.push({ at: clock.now + ms, fn });
    return timers.length;
  };

  const pixel = start(
    { analytics, browser, init, settings: fullSettings, customerPrivacy },
    { fetch: fetchImpl, setTimeout },
  );

  return {
    pixel,
    log,
    local,
    session,
    requests,
    timers,
    subscriptions,
    async publish(...events) {
      for (const e of events) subscriptions.get(e.name)(e);
      await pixel.idle();
    },
    async consent(allowed) {
      for (const [name, callback] of consentSubscriptions) {
        if (name === "visitorConsentCollected") {
          callback({
            customerPrivacy: {
              analyticsProcessingAllowed: allowed,
              marketingAllowed: false,
              preferencesProcessingAllowed: false,
              saleOfDataAllowed: false,
            },
          });
        }
      }
      await pixel.idle();
    },
    /** Moves the fake clock, running due timers in order. */
    async advance(ms) {
      const target = clock.now + ms;
      for (;;) {
        await pixel.idle();
        const due = timers.filter((t) => !t.done && t.at <= target).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        due.done = true;
        clock.now = due.at;
        due.fn();
      }
      clock.now = target;
      await pixel.idle();
    },
    pendingTimers: () => timers.filter((t) => !t.done).length,
  };
}

const sentEvents = (requests) => requests.flatMap((r) => r.body.events);

// --- helpers ------------------------------------------------------------------------------------

test("creatorFromUrl: ref, then utm_content; trimmed, lower-cased; invalid handles ignored", () => {
  assert.equal(creatorFromUrl("https://s.example/?ref=Anna.Fit"), "anna.fit");
  assert.equal(creatorFromUrl("https://s.example/p?utm_content=bob_99"), "bob_99");
  assert.equal(creatorFromUrl("https://s.example/?utm_content=bob&ref=anna"), "anna"); // ref wins
  assert.equal(creatorFromUrl("https://s.example/?ref=%20Anna-1%20"), "anna-1");
  assert.equal(creatorFromUrl("https://s.example/?ref=bad%20handle&utm_content=bob"), "bob"); // invalid ref skipped
  assert.equal(creatorFromUrl("https://s.example/?ref=" + "a".repeat(64)), "a".repeat(64));
  assert.equal(creatorFromUrl("https://s.example/?ref=" + "a".repeat(65)), null);
  assert.equal(creatorFromUrl("https://s.example/?ref=<script>"), null);
  assert.equal(creatorFromUrl("https://s.example/?ref=.anna&utm_content=-bob"), null); // must start with [a-z0-9]
  assert.equal(creatorFromUrl("https://s.example/?ref="), null);
  assert.equal(creatorFromUrl("https://s.example/?utm_source=ig"), null);
  assert.equal(creatorFromUrl("not a url"), null);
  assert.equal(creatorFromUrl(undefined), null);
});

test("numeric ids: plain numbers and gids become the numeric string", () => {
  assert.equal(productId("gid://shopify/Product/123"), "123");
  assert.equal(productId("123"), "123");
  assert.equal(productId(123), "123");
  assert.equal(productId("gid://shopify/ProductVariant/123"), null);
  assert.equal(productId(null), null);
  assert.equal(orderId("gid://shopify/Order/456"), "456");
  assert.equal(orderId("gid://shopify/OrderIdentity/456"), "456");
  assert.equal(orderId("456"), "456");
  assert.equal(orderId("gid://shopify/Customer/456"), null);
  assert.equal(orderId("abc"), null);
  assert.equal(orderId("0"), null);
  assert.equal(orderId("gid://shopify/Order/0123"), null);
  assert.equal(numericId("gid://shopify/Anything/7"), "7");
});

test("windowDays: default 30, clamped to 1..90", () => {
  assert.equal(windowDays(undefined), 30);
  assert.equal(windowDays(""), 30);
  assert.equal(windowDays("x"), 30);
  assert.equal(windowDays("7"), 7);
  assert.equal(windowDays("0"), 1);
  assert.equal(windowDays("365"), 90);
});

test("randomId: 32 hex chars, with or without crypto", () => {
  assert.match(randomId(), /^[0-9a-f]{32}$/);
  assert.match(randomId(null), /^[0-9a-f]{32}$/);
  assert.notEqual(randomId(), randomId());
});

test("pixel.js is a pure module without imports", () => {
  const source = readFileSync(new URL("../src/pixel.js", import.meta.url), "utf8");
  assert.doesNotMatch(source, /^\s*import\s/m);
  assert.doesNotMatch(source, /\bimport\(/);
});

// --- creator memory -----------------------------------------------------------------------------

test("a landing URL with ref remembers the creator and marks the event", async () => {
  const p = page();
  assert.deepEqual([...p.subscriptions.keys()].sort(), [
    "checkout_completed",
    "checkout_started",
    "page_viewed",
    "product_added_to_cart",
    "product_viewed",
  ]);
  await p.publish(event("page_viewed", { href: `https://${SHOP}/products/tee?utm_content=other&ref=Anna.Fit` }));
  assert.deepEqual(JSON.parse(p.local.get(REF_KEY)), { h: "anna.fit", t: T0 });
  await p.advance(1000);
  assert.equal(p.requests.length, 1);
  const [sent] = sentEvents(p.requests);
  assert.equal(sent.c, "anna.fit");
  assert.equal(sent.l, true);
  assert.equal(sent.start, true);
});

test("later events without parameters carry the remembered creator", async () => {
  const local = new Map();
  const session = new Map();
  const first = page({ local, session });
  await first.publish(event("page_viewed", { href: `https://${SHOP}/?ref=anna` }));
  await first.advance(1000);

  const later = page({ local, session });
  const at = T0 + 5 * DAY_MS;
  await later.publish(
    event("page_viewed", { href: `https://${SHOP}/products/tee`, at }),
    event("product_viewed", { data: productData("gid://shopify/Product/42"), at }),
    event("product_added_to_cart", { data: cartData("42", 2), at }),
  );
  await later.advance(1000);
  const events = sentEvents(later.requests);
  assert.equal(events.length, 3);
  for (const e of events) {
    assert.equal(e.c, "anna");
    assert.equal("l" in e, false);
    assert.equal("start" in e, false); // same session
    assert.equal(e.s, session.get(SESSION_KEY));
  }
  assert.deepEqual(JSON.parse(local.get(REF_KEY)), { h: "anna", t: T0 }); // not refreshed by visits
});

test("a new ref replaces the remembered creator", async () => {
  const local = new Map();
  const p = page({ local });
  await p.publish(
    event("page_viewed", { href: `https://${SHOP}/?ref=anna` }),
    event("page_viewed", { href: `https://${SHOP}/?utm_content=bob`, at: T0 + 1000 }),
  );
  assert.deepEqual(JSON.parse(local.get(REF_KEY)), { h: "bob", t: T0 + 1000 });
  await p.advance(1000);
  assert.deepEqual(sentEvents(p.requests).map((e) => e.c), ["anna", "bob"]);
});

test("after windowDays the memory is gone and nothing is sent", async () => {
  const local = new Map([[REF_KEY, JSON.stringify({ h: "anna", t: T0 })]]);
  const inside = page({ local, settings: { windowDays: "7" } });
  await inside.publish(event("page_viewed", { at: T0 + 7 * DAY_MS - 1 }));
  await inside.advance(1000);
  assert.equal(sentEvents(inside.requests).length, 1);

  const after = page({ local, settings: { windowDays: "7" } });
  await after.publish(event("page_viewed", { at: T0 + 7 * DAY_MS }));
  assert.equal(local.has(REF_KEY), false);
  await after.advance(5000);
  assert.equal(after.requests.length, 0);
});

test("windowDays out of range is clamped (0 -> 1 day)", async () => {
  const local = new Map([[REF_KEY, JSON.stringify({ h: "anna", t: T0 })]]);
  const p = page({ local, settings: { windowDays: "0" } });
  await p.publish(event("page_viewed", { at: T0 + DAY_MS }));
  await p.advance(1000);
  assert.equal(p.requests.length, 0);
  assert.equal(local.has(REF_KEY), false);
});

test("an unreadable memory is removed", async () => {
  const local = new Map([[REF_KEY, "{not json"]]);
  const p = page({ local });
  await p.publish(event("page_viewed"));
  await p.advance(1000);
  assert.equal(local.has(REF_KEY), false);
  assert.equal(p.requests.length, 0);
});

test("events without a creator are not sent", async () => {
  const p = page();
  await p.publish(
    event("page_viewed", { href: `https://${SHOP}/?utm_source=ig` }),
    event("product_viewed", { data: productData("1") }),
    event("checkout_completed", { data: checkoutData("gid://shopify/OrderIdentity/5") }),
  );
  await p.advance(5000);
  assert.equal(p.requests.length, 0);
  assert.equal(p.local.has(REF_KEY), false);
});

// --- session ------------------------------------------------------------------------------------

test("the session start flag is only on the first page_viewed of a session", async () => {
  const local = new Map();
  const session = new Map();
  const one = page({ local, session });
  await one.publish(
    event("page_viewed", { href: `https://${SHOP}/?ref=anna` }),
    event("product_viewed", { data: productData("1") }),
  );
  await one.advance(1000);
  const sessionId = session.get(SESSION_KEY);
  assert.match(sessionId, /^[0-9a-f]{16,}$/);
  const [pv, vw] = sentEvents(one.requests);
  assert.equal(pv.start, true);
  assert.equal("start" in vw, false);

  const two = page({ local, session }); // next page, same session
  await two.publish(event("page_viewed", { href: `https://${SHOP}/?ref=anna` }));
  await two.advance(1000);
  const [again] = sentEvents(two.requests);
  assert.equal("start" in again, false);
  assert.equal(again.l, true);
  assert.equal(again.s, sessionId);

  const newSession = page({ local, session: new Map() }); // browser closed and reopened
  await newSession.publish(event("page_viewed", { at: T0 + DAY_MS }));
  await newSession.advance(1000);
  const [fresh] = sentEvents(newSession.requests);
  assert.equal(fresh.start, true);
  assert.equal(fresh.c, "anna");
  assert.notEqual(fresh.s, sessionId);
});

test("a session made by another event than page_viewed has no start flag", async () => {
  const local = new Map([[REF_KEY, JSON.stringify({ h: "anna", t: T0 })]]);
  const p = page({ local });
  await p.publish(
    event("product_viewed", { data: productData("1") }),
    event("page_viewed"),
  );
  await p.advance(1000);
  const events = sentEvents(p.requests);
  assert.equal(events.length, 2);
  assert.ok(events.every((e) => !("start" in e)));
});

// --- consent ------------------------------------------------------------------------------------

test("consent declined: no storage access at all and no fetch", async () => {
  const local = new Map([[REF_KEY, JSON.stringify({ h: "anna", t: T0 })]]);
  const p = page({ consent: false, local });
  await p.publish(
    event("page_viewed", { href: `https://${SHOP}/?ref=bob` }),
    event("product_viewed", { data: productData("1") }),
    event("checkout_completed", { data: checkoutData("1") }),
  );
  await p.consent(false); // declined again in the banner
  await p.advance(10000);
  assert.deepEqual(p.log, []);
  assert.equal(p.requests.length, 0);
  assert.equal(p.timers.length, 0);
  assert.equal(local.get(REF_KEY), JSON.stringify({ h: "anna", t: T0 })); // untouched
});

test("consent granted later via visitorConsentCollected: works from then on", async () => {
  const p = page({ consent: false });
  await p.publish(event("page_viewed", { href: `https://${SHOP}/?ref=anna` }));
  assert.deepEqual(p.log, []);
  await p.consent(true);
  await p.publish(event("page_viewed", { href: `https://${SHOP}/?ref=anna`, at: T0 + 1000 }));
  await p.advance(1000);
  assert.deepEqual(JSON.parse(p.local.get(REF_KEY)), { h: "anna", t: T0 + 1000 });
  const events = sentEvents(p.requests);
  assert.equal(events.length, 1);
  assert.equal(events[0].c, "anna");
});

test("withdrawing consent removes the memory, drops the queue and stops everything", async () => {
  const p = page();
  await p.publish(event("page_viewed", { href: `https://${SHOP}/?ref=anna` }));
  assert.equal(p.local.has(REF_KEY), true);
  await p.consent(false);
  assert.equal(p.local.has(REF_KEY), false);
  const accesses = p.log.length;
  await p.publish(event("product_viewed", { data: productData("1") }));
  await p.advance(10000);
  assert.equal(p.requests.length, 0); // the queued page view was dropped too
  assert.equal(p.log.length, accesses); // nothing read or written after the removal
});

// --- batching -----------------------------------------------------------------------------------

test("10 queued events go in one request at once", async () => {
  const p = page();
  const events = [event("page_viewed", { href: `https://${SHOP}/?ref=anna` })];
  for (let i = 0; i < 9; i += 1) events.push(event("product_viewed", { data: productData(String(i + 1)) }));
  await p.publish(...events);
  assert.equal(p.requests.length, 1); // before any timer ran
  assert.equal(p.requests[0].body.events.length, 10);
  await p.advance(5000);
  assert.equal(p.requests.length, 1); // the 1 s timer of that batch does nothing
});

test("a lone event is sent BATCH_DELAY_MS (100 ms) after it was queued", async () => {
  const p = page();
  await p.publish(event("page_viewed", { href: `https://${SHOP}/?ref=anna` }));
  await p.advance(99);
  assert.equal(p.requests.length, 0);
  await p.advance(1);
  assert.equal(p.requests.length, 1);
  assert.equal(p.requests[0].body.events.length, 1);
});

test("checkout_completed flushes the queue at once", async () => {
  const p = page();
  await p.publish(
    event("page_viewed", { href: `https://${SHOP}/?ref=anna` }),
    event("checkout_started", { data: checkoutData() }),
    event("checkout_completed", { data: checkoutData("gid://shopify/OrderIdentity/5210499102") }),
  );
  assert.equal(p.requests.length, 1);
  assert.deepEqual(p.requests[0].body.events.map((e) => e.n), ["pv", "cs", "cc"]);
  assert.equal(p.requests[0].body.events[2].o, "5210499102");
});

test("Batcher: more than 20 events are split into requests of at most 20", () => {
  const batches = [];
  const batcher = new Batcher({ send: (visitor, events) => batches.push([visitor, events]), setTimeout: () => 0, size: 100 });
  for (let i = 0; i < 45; i += 1) batcher.add("v", { id: i });
  batcher.flush();
  assert.deepEqual(batches.map(([, events]) => events.length), [20, 20, 5]);
  assert.deepEqual(batches.flatMap(([, events]) => events.map((e) => e.id)), [...Array(45).keys()]);
  assert.ok(batches.every(([visitor]) => visitor === "v"));
});

test("Batcher: a new visitor flushes the other visitor's events first", () => {
  const batches = [];
  const batcher = new Batcher({ send: (visitor, events) => batches.push([visitor, events.length]), setTimeout: () => 0 });
  batcher.add("a", { id: 1 });
  batcher.add("b", { id: 2 });
  batcher.flush();
  assert.deepEqual(batches, [["a", 1], ["b", 1]]);
});

// --- request shape ------------------------------------------------------------------------------

test("the request: POST text/plain keepalive, body {v, shop, key, visitor, events} with compact fields", async () => {
  const p = page();
  const pv = event("page_viewed", { href: `https://${SHOP}/products/tee?ref=Anna` });
  const vw = event("product_viewed", { data: productData("gid://shopify/Product/42") });
  const ac = event("product_added_to_cart", { data: cartData("gid://shopify/Product/42", 3) });
  const cs = event("checkout_started", { data: checkoutData() });
  const cc = event("checkout_completed", { data: checkoutData("gid://shopify/Order/9001") });
  await p.publish(pv, vw, ac, cs, cc);
  assert.equal(p.requests.length, 1);
  const [request] = p.requests;
  assert.equal(request.url, ENDPOINT);
  assert.equal(request.options.method, "POST");
  assert.equal(request.options.keepalive, true);
  assert.deepEqual(request.options.headers, { "Content-Type": "text/plain" });
  assert.equal(typeof request.options.body, "string");
  const s = p.session.get(SESSION_KEY);
  const t = iso(T0);
  assert.deepEqual(request.body, {
    v: 1,
    shop: SHOP,
    key: KEY,
    visitor: "visitor-1",
    events: [
      { id: pv.id, n: "pv", t, s, c: "anna", start: true, l: true },
      { id: vw.id, n: "vw", t, s, c: "anna", p: "42" },
      { id: ac.id, n: "ac", t, s, c: "anna", p: "42", q: 3 },
      { id: cs.id, n: "cs", t, s, c: "anna" },
      { id: cc.id, n: "cc", t, s, c: "anna", o: "9001" },
    ],
  });
});

test("compactEvent: plain numeric ids are kept, missing ones left out", () => {
  const extras = { s: "0123456789abcdef", c: "anna" };
  assert.equal(compactEvent(event("product_viewed", { data: productData("77") }), extras).p, "77");
  assert.equal(compactEvent(event("checkout_completed", { data: checkoutData("77") }), extras).o, "77");
  const noOrder = compactEvent(event("checkout_completed", { data: checkoutData(null) }), extras);
  assert.equal("o" in noOrder, false);
  const noLine = compactEvent(event("product_added_to_cart", { data: { cartLine: null } }), extras);
  assert.equal("p" in noLine, false);
  assert.equal("q" in noLine, false);
});

test("events the collector would refuse (no product id, no order id) are left out; cc still flushes", async () => {
  const p = page();
  await p.publish(
    event("page_viewed", { href: `https://${SHOP}/?ref=anna` }),
    event("product_viewed", { data: { productVariant: { id: "gid://shopify/ProductVariant/9", product: { id: null } } } }),
    event("product_added_to_cart", { data: { cartLine: null } }),
    event("checkout_completed", { data: checkoutData(null) }),
  );
  assert.equal(p.requests.length, 1); // flushed by the checkout_completed
  assert.deepEqual(p.requests[0].body.events.map((e) => e.n), ["pv"]);
});

test("isComplete", () => {
  assert.equal(isComplete({ id: "e", n: "pv" }), true);
  assert.equal(isComplete({ id: "e", n: "vw" }), false);
  assert.equal(isComplete({ id: "e", n: "ac", p: "1" }), true);
  assert.equal(isComplete({ id: "e", n: "cc" }), false);
  assert.equal(isComplete({ n: "pv" }), false);
});

// --- failures -----------------------------------------------------------------------------------

test("a failed send is retried once after 2 s, then dropped", async () => {
  const calls = [];
  const p = page({
    fetch: async (url, options) => {
      calls.push(JSON.parse(options.body));
      throw new TypeError("Failed to fetch");
    },
  });
  await p.publish(event("page_viewed", { href: `https://${SHOP}/?ref=anna` }));
  await p.advance(100);
  assert.equal(calls.length, 1);
  await p.advance(1999);
  assert.equal(calls.length, 1);
  await p.advance(1);
  assert.equal(calls.length, 2);
  assert.deepEqual(calls[1], calls[0]); // the same body again
  await p.advance(60000);
  assert.equal(calls.length, 2);
  assert.equal(p.pendingTimers(), 0);
});

test("server errors and 429 are retried once; other answers are not", async () => {
  for (const [status, expected] of [[500, 2], [503, 2], [429, 2], [400, 1], [403, 1], [409, 1], [413, 1], [204, 1]]) {
    let calls = 0;
    const p = page({
      fetch: async () => {
        calls += 1;
        return { ok: status < 300, status };
      },
    });
    await p.publish(
      event("page_viewed", { href: `https://${SHOP}/?ref=anna` }),
      event("checkout_completed", { data: checkoutData("1") }),
    );
    await p.advance(10000);
    assert.equal(calls, expected, `status ${status}`);
  }
});

test("a retry after consent was withdrawn is not sent", async () => {
  let calls = 0;
  const p = page({
    fetch: async () => {
      calls += 1;
      throw new TypeError("offline");
    },
  });
  await p.publish(
    event("page_viewed", { href: `https://${SHOP}/?ref=anna` }),
    event("checkout_completed", { data: checkoutData("1") }),
  );
  assert.equal(calls, 1);
  await p.consent(false);
  await p.advance(5000);
  assert.equal(calls, 1);
});

test("without an endpoint setting the pixel stays inert", async () => {
  const p = page({ settings: { endpoint: "" } });
  assert.equal(p.subscriptions.size, 0);
  assert.deepEqual(p.log, []);
});
