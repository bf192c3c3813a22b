// The stand-in's web pixels manager, on the top frame of every storefront page. It reads the page's
// <script id="devstore-web-pixels"> (built by devstore/storefront/sandbox.py), runs the app's pixel in
// the strict sandbox (static/worker.js, a module Web Worker) when the visitor allows every permission the
// pixel's [customer_privacy] requires, publishes Shopify's standard events (id, name, type "standard",
// timestamp from the browser's clock, clientId, seq, context, data), answers the sandbox's `browser`
// calls on this frame, and draws the cookie banner (Accept / Decline) when the shop requires consent.
// window.devstoreWebPixels = {published, status} and <html data-web-pixel="none|blocked|loading|ready|
// error"> let tests see what happened.

const config = JSON.parse(document.getElementById("devstore-web-pixels").textContent);
const FLAGS = ["analyticsProcessingAllowed", "marketingAllowed", "preferencesProcessingAllowed", "saleOfDataAllowed"];
const STORAGE = new Set(["getItem", "setItem", "removeItem", "key", "length", "clear"]);
const state = {published: [], status: "none", seq: 0, worker: null};
window.devstoreWebPixels = state;

function setStatus(status) {
  state.status = status;
  document.documentElement.dataset.webPixel = status;
}

function privacy() {
  return Object.fromEntries(FLAGS.map((flag) => [flag, Boolean(config.consent[flag])]));
}

function where(location) {
  const keys = ["hash", "host", "hostname", "href", "origin", "pathname", "port", "protocol", "search"];
  return Object.fromEntries(keys.map((key) => [key, location[key]]));
}

function context() {
  return {
    document: {
      characterSet: document.characterSet,
      location: where(document.location),
      referrer: document.referrer,
      title: document.title,
    },
    navigator: {
      cookieEnabled: navigator.cookieEnabled,
      language: navigator.language,
      languages: [...navigator.languages],
      userAgent: navigator.userAgent,
    },
    window: {
      innerHeight: window.innerHeight,
      innerWidth: window.innerWidth,
      location: where(window.location),
      origin: window.origin,
      outerHeight: window.outerHeight,
      outerWidth: window.outerWidth,
      pageXOffset: window.pageXOffset,
      pageYOffset: window.pageYOffset,
      screen: {height: screen.height, width: screen.width},
      screenX: window.screenX,
      screenY: window.screenY,
      scrollX: window.scrollX,
      scrollY: window.scrollY,
    },
  };
}

function eventId() {
  const random = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
  return `sh-${random}`;
}

function publish(name, data) {
  const event = {
    id: eventId(),
    name,
    type: "standard",
    timestamp: new Date().toISOString(),
    clientId: config.clientId,
    seq: state.seq,
    context: context(),
    data,
  };
  state.seq += 1;
  state.published.push(event);
  if (state.worker) state.worker.postMessage({type: "event", event});
  return event;
}

function cookieGet(name) {
  if (name === undefined) return document.cookie;
  const found = document.cookie.split("; ").find((pair) => pair.split("=")[0] === name);
  return found ? found.slice(name.length + 1) : "";
}

function cookieSet(cookieOrName, value) {
  const cookie = value === undefined ? cookieOrName : `${cookieOrName}=${value}`;
  document.cookie = cookie;
  return cookie;
}

function onTop(area, method, args) {
  if ((area === "localStorage" || area === "sessionStorage") && STORAGE.has(method)) {
    const storage = window[area];
    if (method === "length") return storage.length;
    const value = storage[method](...args);
    return value === undefined ? null : value;
  }
  if (area === "cookie" && method === "get") return cookieGet(args[0]);
  if (area === "cookie" && method === "set") return cookieSet(args[0], args[1]);
  throw new TypeError(`browser.${area}.${method} is not part of the web pixels browser API`);
}

function answer(worker, message) {
  try {
    worker.postMessage({type: "result", id: message.id, value: onTop(message.area, message.method, message.args)});
  } catch (error) {
    worker.postMessage({type: "result", id: message.id, error: String(error)});
  }
}

function startPixel() {
  const pixel = config.pixel;
  if (!pixel || state.worker) return;
  if (!pixel.requires.every((flag) => config.consent[flag])) {
    setStatus("blocked");
    return;
  }
  setStatus("loading");
  const worker = new Worker(pixel.worker, {type: "module", name: `web-pixel-${pixel.id}`});
  state.worker = worker;
  worker.onmessage = ({data}) => {
    if (data.type === "call") answer(worker, data);
    else if (data.type === "ready") setStatus("ready");
    else if (data.type === "error") {
      setStatus("error");
      console.error("web pixel failed to start:", data.message);
    }
  };
  worker.onerror = (error) => {
    setStatus("error");
    console.error("web pixel sandbox:", error.message);
  };
  const init = {...config.init, context: context(), customerPrivacy: privacy()};
  const extension = new URL(pixel.extension, window.location.href).href;
  worker.postMessage({type: "start", extension, init, settings: pixel.settings});
}

function choose(accepted) {
  const flags = Object.fromEntries(FLAGS.map((flag) => [flag, accepted]));
  const value = encodeURIComponent(JSON.stringify(flags));
  document.cookie = `_tracking_consent=${value}; path=${config.shopPath}; max-age=31536000; samesite=lax`;
  Object.assign(config.consent, flags, {decided: true});
  document.getElementById("consent-banner").hidden = true;
  if (state.worker) state.worker.postMessage({type: "consent", customerPrivacy: privacy()});
  else startPixel();
}

function wireBanner() {
  document.getElementById("consent-accept").addEventListener("click", () => choose(true));
  document.getElementById("consent-decline").addEventListener("click", () => choose(false));
  document.getElementById("consent-preferences").addEventListener("click", () => {
    document.getElementById("consent-banner").hidden = false;
  });
}

function wireAddToCart() {
  const form = document.getElementById("add-to-cart-form");
  if (!form) return;
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const status = document.getElementById("cart-status");
    const response = await fetch(`${form.action}.js`, {
      method: "POST",
      body: new FormData(form),
      headers: {Accept: "application/json"},
    });
    const body = await response.json();
    if (!response.ok) {
      status.textContent = body.description || "Could not add to cart";
      return;
    }
    publish("product_added_to_cart", {cartLine: body.cartLine});
    document.getElementById("cart-count").textContent = String(body.item_count);
    status.textContent = "Added to cart";
  });
}

setStatus(config.pixel ? "loading" : "none");
wireBanner();
wireAddToCart();
startPixel();
config.events.forEach((event) => publish(event.name, event.data));
