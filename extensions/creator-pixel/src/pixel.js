// Creator ROI web pixel: the logic (issue #19; spec: the pixel contract, sections 1 and 2).
// Pure ES module without imports, so node's test runner can drive it with fakes; src/index.js
// registers it with Shopify.
//
// Shopify references this follows:
// - API handed to register(): analytics, browser, init, settings, customerPrivacy
//   https://shopify.dev/docs/api/web-pixels-api
//   https://shopify.dev/docs/api/web-pixels-api/standard-api
// - Standard event shapes (id, name, timestamp ISO 8601, clientId, context, data):
//   https://shopify.dev/docs/api/web-pixels-api/standard-events
//   page_viewed: no data, URL in event.context.document.location.href
//     https://shopify.dev/docs/api/web-pixels-api/standard-events/page_viewed
//   product_viewed: data.productVariant.product.id
//     https://shopify.dev/docs/api/web-pixels-api/standard-events/product_viewed
//   product_added_to_cart: data.cartLine.merchandise.product.id, data.cartLine.quantity
//     https://shopify.dev/docs/api/web-pixels-api/standard-events/product_added_to_cart
//   checkout_started / checkout_completed: data.checkout (checkout.order.id is set on checkout_completed)
//     https://shopify.dev/docs/api/web-pixels-api/standard-events/checkout_started
//     https://shopify.dev/docs/api/web-pixels-api/standard-events/checkout_completed
//   The order id arrives either as "gid://shopify/OrderIdentity/<n>" or as "<n>" depending on the
//   shop (https://github.com/Shopify/cli/issues/1630); both, and "gid://shopify/Order/<n>", become "<n>".
// - Consent: init.customerPrivacy + customerPrivacy.subscribe('visitorConsentCollected', ...)
//   https://shopify.dev/docs/api/web-pixels-api/pixel-privacy
//   https://shopify.dev/docs/api/web-pixels-api/standard-api/customerprivacy
//   https://shopify.dev/docs/api/web-pixels-api/standard-api/init
// - Storage: browser.localStorage / browser.sessionStorage are asynchronous (promises), run in the top frame;
//   sending uses fetch with keepalive (sendBeacon is deprecated there)
//   https://shopify.dev/docs/api/web-pixels-api/standard-api/browser

export const REF_KEY = "creator_roi_ref";
export const SESSION_KEY = "creator_roi_session";
export const DAY_MS = 86400000;
export const DEFAULT_WINDOW_DAYS = 30;
export const BATCH_SIZE = 10; // send when this many events are queued
export const BATCH_DELAY_MS = 100; // ... or this long after the first queued event (short: a page left sooner loses its queue, the sandbox has no unload hook)
export const MAX_PER_REQUEST = 20;
export const RETRY_DELAY_MS = 2000;

export const SHORT_NAMES = Object.freeze({
  page_viewed: "pv",
  product_viewed: "vw",
  product_added_to_cart: "ac",
  checkout_started: "cs",
  checkout_completed: "cc",
});
export const EVENT_NAMES = Object.freeze(Object.keys(SHORT_NAMES));

// 1..64 of [a-z0-9._-], starting with a letter or digit (as the collector checks it).
const HANDLE_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const REF_PARAMS = ["ref", "utm_content"]; // in order: ref wins

/** A creator handle: trimmed, lower-cased, 1..64 of [a-z0-9._-] (first a letter or digit); else null. */
export function normaliseHandle(value) {
  if (typeof value !== "string") return null;
  const handle = value.trim().toLowerCase();
  return HANDLE_RE.test(handle) ? handle : null;
}

/** The creator named by a page URL: `ref`, else `utm_content` (the first valid one), else null. */
export function creatorFromUrl(href) {
  if (typeof href !== "string" || !href) return null;
  let url;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  for (const name of REF_PARAMS) {
    const handle = normaliseHandle(url.searchParams.get(name));
    if (handle) return handle;
  }
  return null;
}

/**
 * A numeric id as a string: "123", 123 or "gid://shopify/<Type>/123" -> "123" (only the given gid
 * types; none given = any type). Anything else -> null.
 */
export function numericId(value, types = null) {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isSafeInteger(value) && value > 0 ? String(value) : null;
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (/^[1-9]\d{0,19}$/.test(text)) return text;
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/([1-9]\d{0,19})(?:[?#].*)?$/.exec(text);
  if (!match || (types && !types.includes(match[1]))) return null;
  return match[2];
}

export const productId = (value) => numericId(value, ["Product"]);
export const orderId = (value) => numericId(value, ["Order", "OrderIdentity"]);

/** settings.windowDays (a string) -> whole days in 1..90; missing or unreadable -> 30. */
export function windowDays(value) {
  const days = Number.parseInt(String(value ?? "").trim(), 10);
  if (!Number.isFinite(days)) return DEFAULT_WINDOW_DAYS;
  return Math.min(90, Math.max(1, days));
}

/** 16 random bytes as 32 hex chars (crypto.getRandomValues when there is one, else Math.random). */
export function randomId(cryptoImpl = globalThis.crypto) {
  const bytes = new Uint8Array(16);
  if (cryptoImpl && typeof cryptoImpl.getRandomValues === "function") {
    cryptoImpl.getRandomValues(bytes);
  } else {
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  }
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The remembered creator {h, t} from its stored JSON text, or null if unreadable. */
export function parseMemory(text) {
  if (typeof text !== "string" || !text) return null;
  try {
    const value = JSON.parse(text);
    const handle = normaliseHandle(value && value.h);
    const t = value && value.t;
    if (!handle || typeof t !== "number" || !Number.isFinite(t)) return null;
    return { h: handle, t };
  } catch {
    return null;
  }
}

/** The compact event the collector takes (contract section 2); extras = {c, s, start, l}. */
export function compactEvent(event, { s, c, start = false, l = false }) {
  const out = { id: event.id, n: SHORT_NAMES[event.name], t: event.timestamp, s, c };
  if (start) out.start = true;
  if (l) out.l = true;
  const data = event.data || {};
  if (event.name === "product_viewed") {
    const p = productId(data.productVariant?.product?.id);
    if (p) out.p = p;
  } else if (event.name === "product_added_to_cart") {
    const p = productId(data.cartLine?.merchandise?.product?.id);
    if (p) out.p = p;
    const q = data.cartLine?.quantity;
    if (Number.isInteger(q) && q > 0 && q <= 10000) out.q = q;
  } else if (event.name === "checkout_completed") {
    const o = orderId(data.checkout?.order?.id);
    if (o) out.o = o;
  }
  return out;
}

/** Whether a compact event has what the collector requires of its kind (p for vw/ac, o for cc). */
export function isComplete(compact) {
  if (typeof compact.id !== "string" || !compact.id) return false;
  if ((compact.n === "vw" || compact.n === "ac") && !compact.p) return false;
  if (compact.n === "cc" && !compact.o) return false;
  return true;
}

/**
 * Queues events of one visitor and hands batches to `send(visitor, events)`: when `size` are queued,
 * `delayMs` after the first queued one, or on flush(). A batch holds at most `maxPerRequest` events.
 */
export class Batcher {
  constructor({ send, setTimeout, size = BATCH_SIZE, delayMs = BATCH_DELAY_MS, maxPerRequest = MAX_PER_REQUEST }) {
    this.send = send;
    this.setTimer = setTimeout;
    this.size = size;
    this.delayMs = delayMs;
    this.maxPerRequest = maxPerRequest;
    this.queue = [];
    this.visitor = null;
    this.timerGeneration = 0; // a timer fires only if no flush/clear happened since it was set
    this.timerPending = false;
  }

  add(visitor, event, { immediate = false } = {}) {
    if (this.queue.length && visitor !== this.visitor) this.flush();
    this.visitor = visitor;
    this.queue.push(event);
    if (immediate || this.queue.length >= this.size) {
      this.flush();
    } else if (!this.timerPending) {
      this.timerPending = true;
      const generation = this.timerGeneration;
      const setTimer = this.setTimer;
      setTimer(() => {
        if (generation === this.timerGeneration) this.flush();
      }, this.delayMs);
    }
  }

  flush() {
    const events = this.queue;
    const visitor = this.visitor;
    this.clear();
    for (let i = 0; i < events.length; i += this.maxPerRequest) {
      this.send(visitor, events.slice(i, i + this.maxPerRequest));
    }
  }

  clear() {
    this.queue = [];
    this.timerGeneration += 1;
    this.timerPending = false;
  }
}

/**
 * Starts the pixel. `api` is what Shopify passes to register(); `options` lets tests swap
 * fetch, setTimeout, now and crypto. Returns {idle, flush} for tests (Shopify ignores it).
 */
export function start(api, options = {}) {
  const { analytics, browser, init, settings = {}, customerPrivacy } = api || {};
  // Called without a receiver: a window/worker fetch or setTimeout called as a method of
  // another object throws "Illegal invocation".
  const fetchImpl = options.fetch || ((url, init) => globalThis.fetch(url, init));
  const setTimer = options.setTimeout || ((fn, ms) => globalThis.setTimeout(fn, ms));
  const now = options.now || (() => Date.now());
  const cryptoImpl = "crypto" in options ? options.crypto : globalThis.crypto;

  const endpoint = typeof settings.endpoint === "string" ? settings.endpoint.trim() : "";
  if (!analytics || !browser || !endpoint) return { idle: async () => {}, flush() {} };
  const windowMs = windowDays(settings.windowDays) * DAY_MS;

  let allowed = Boolean(init?.customerPrivacy?.analyticsProcessingAllowed);
  let sessionId = null; // cached once read or made on this page
  let chain = Promise.resolve();
  const sending = new Set();

  const enqueue = (step) => {
    chain = chain.then(step).catch(() => {});
    return chain;
  };

  const post = (body, attempt) => {
    const request = (async () => {
      let failed = false;
      try {
        const response = await fetchImpl(endpoint, {
          method: "POST",
          body,
          keepalive: true,
          headers: { "Content-Type": "text/plain" },
        });
        // Retry only what may pass later: rate limits and server errors. 4xx answers are final.
        const status = response && typeof response.status === "number" ? response.status : 0;
        failed = status === 429 || status >= 500;
      } catch {
        failed = true; // network error
      }
      if (failed && attempt === 0) {
        setTimer(() => {
          if (allowed) post(body, 1);
        }, RETRY_DELAY_MS);
      }
    })();
    sending.add(request);
    request.finally(() => sending.delete(request));
  };

  const batcher = new Batcher({
    setTimeout: setTimer,
    send: (visitor, events) => {
      if (!allowed || !events.length) return;
      post(JSON.stringify({ v: 1, shop: settings.shop, key: settings.key, visitor, events }), 0);
    },
  });

  const storage = {
    async get(area, key) {
      try {
        return await area.getItem(key);
      } catch {
        return null;
      }
    },
    async set(area, key, value) {
      try {
        await area.setItem(key, value);
      } catch {
        // storage refused (quota, privacy mode): carry on without it
      }
    },
    async remove(area, key) {
      try {
        await area.removeItem(key);
      } catch {
        // nothing to do
      }
    },
  };

  async function session() {
    if (sessionId) return { id: sessionId, created: false };
    const stored = await storage.get(browser.sessionStorage, SESSION_KEY);
    if (typeof stored === "string" && /^[0-9a-f]{16,64}$/.test(stored)) {
      sessionId = stored;
      return { id: sessionId, created: false };
    }
    sessionId = randomId(cryptoImpl);
    await storage.set(browser.sessionStorage, SESSION_KEY, sessionId);
    return { id: sessionId, created: true };
  }

  async function creator(event, eventTime) {
    if (event.name === "page_viewed") {
      const handle = creatorFromUrl(event.context?.document?.location?.href);
      if (handle) {
        await storage.set(browser.localStorage, REF_KEY, JSON.stringify({ h: handle, t: eventTime }));
        return { c: handle, l: true };
      }
    }
    const stored = await storage.get(browser.localStorage, REF_KEY);
    if (stored === null || stored === undefined) return { c: null, l: false };
    const memory = parseMemory(stored);
    if (memory && eventTime - memory.t < windowMs) return { c: memory.h, l: false };
    await storage.remove(browser.localStorage, REF_KEY); // expired or unreadable
    return { c: null, l: false };
  }

  async function handle(event) {
    if (!allowed || !event || !SHORT_NAMES[event.name]) return; // no consent: no storage, nothing sent
    const parsed = Date.parse(event.timestamp);
    const eventTime = Number.isFinite(parsed) ? parsed : now();
    const { c, l } = await creator(event, eventTime);
    const s = await session();
    if (!allowed || !c) return; // only creator sessions are sent
    const start = event.name === "page_viewed" && s.created;
    const compact = compactEvent(event, { s: s.id, c, start, l });
    const checkout = event.name === "checkout_completed";
    // The collector refuses a whole batch over one bad event: leave out what it would refuse.
    if (typeof event.clientId === "string" && event.clientId && isComplete(compact)) {
      batcher.add(event.clientId, compact, { immediate: checkout });
    } else if (checkout) {
      batcher.flush();
    }
  }

  if (customerPrivacy && typeof customerPrivacy.subscribe === "function") {
    customerPrivacy.subscribe("visitorConsentCollected", (payload) => {
      const was = allowed;
      allowed = Boolean(payload?.customerPrivacy?.analyticsProcessingAllowed);
      if (was && !allowed) {
        batcher.clear(); // queued events are not sent
        sessionId = null;
        enqueue(() => storage.remove(browser.localStorage, REF_KEY));
      }
    });
  }

  for (const name of EVENT_NAMES) {
    analytics.subscribe(name, (event) => {
      enqueue(() => handle(event));
    });
  }

  return {
    async idle() {
      // until the event chain and every request (and what they started) are settled
      for (;;) {
        const pending = chain;
        await pending;
        if (sending.size) await Promise.allSettled([...sending]);
        if (pending === chain && !sending.size) return;
      }
    },
    flush: () => batcher.flush(),
  };
}
