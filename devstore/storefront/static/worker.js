// The strict sandbox: a module Web Worker running one app pixel (no DOM, no window, no storage of its own).
// The top frame (static/manager.js) sends {type: "start", extension, init, settings}; this builds the
// Standard API, installs it in the stand-in's @shopify/web-pixels-extension and imports the app's
// src/index.js, whose `register` callback gets the API. Events and consent changes the top frame sends
// before the callback has finished wait, then reach the subscribers in order. `browser` methods
// "asynchronously execute in the top frame" (https://shopify.dev/docs/api/web-pixels-api/standard-api/browser).

import {install, registered} from "./web-pixels-extension.js";

const subscribers = new Map();
const consentSubscribers = [];
const pending = new Map();
const waiting = [];
let nextCall = 0;
let ready = false;

function call(area, method, args) {
  return new Promise((resolve, reject) => {
    nextCall += 1;
    pending.set(nextCall, {resolve, reject});
    self.postMessage({type: "call", id: nextCall, area, method, args});
  });
}

function storage(area) {
  return Object.freeze({
    getItem: (key) => call(area, "getItem", [String(key)]),
    setItem: (key, value) => call(area, "setItem", [String(key), String(value)]),
    removeItem: (key) => call(area, "removeItem", [String(key)]),
    key: (index) => call(area, "key", [Number(index)]),
    length: () => call(area, "length", []),
    clear: () => call(area, "clear", []),
  });
}

function subscribe(map, name, callback) {
  if (typeof name !== "string" || typeof callback !== "function") {
    throw new TypeError("subscribe(name, callback) takes an event name and a function");
  }
  if (!map.has(name)) map.set(name, []);
  map.get(name).push(callback);
  return Promise.resolve();
}

function safely(callback, value) {
  try {
    callback(structuredClone(value));
  } catch (error) {
    console.error("web pixel subscriber failed:", error);
  }
}

function deliver(message) {
  if (message.type === "consent") {
    consentSubscribers.forEach((callback) => safely(callback, {customerPrivacy: message.customerPrivacy}));
    return;
  }
  const event = message.event;
  const names = [event.name, "all_events"];
  if (event.type === "standard") names.push("all_standard_events");
  for (const name of names) {
    for (const callback of subscribers.get(name) || []) safely(callback, event);
  }
}

function standardApi(init, settings) {
  const consent = new Map();
  const api = {
    analytics: Object.freeze({subscribe: (name, callback) => subscribe(subscribers, name, callback)}),
    browser: Object.freeze({
      cookie: Object.freeze({
        get: (name) => call("cookie", "get", [name === undefined ? undefined : String(name)]),
        set: (cookieOrName, value) => call("cookie", "set", [String(cookieOrName), value === undefined ? undefined : String(value)]),
      }),
      localStorage: storage("localStorage"),
      sessionStorage: storage("sessionStorage"),
    }),
    customerPrivacy: Object.freeze({
      subscribe(name, callback) {
        const result = subscribe(consent, name, callback);
        if (name === "visitorConsentCollected") consentSubscribers.push(callback);
        return result;
      },
    }),
    init,
    settings,
  };
  return Object.freeze(api);
}

async function start(message) {
  install(standardApi(message.init, message.settings));
  try {
    await import(message.extension);
    if (registered() === null) throw new Error("the extension did not call register()");
    await registered();
  } catch (error) {
    self.postMessage({type: "error", message: String(error && error.stack ? error.stack : error)});
    return;
  }
  ready = true;
  waiting.splice(0).forEach(deliver);
  self.postMessage({type: "ready"});
}

self.onmessage = ({data}) => {
  if (data.type === "start") {
    start(data);
  } else if (data.type === "result") {
    const found = pending.get(data.id);
    pending.delete(data.id);
    if (found && "error" in data) found.reject(new Error(data.error));
    else if (found) found.resolve(data.value);
  } else if (data.type === "event" || data.type === "consent") {
    if (ready) deliver(data);
    else waiting.push(data);
  }
};
