// The stand-in's "@shopify/web-pixels-extension": what the app's src/index.js imports `register` from, as
// Shopify CLI's bundle resolves it. It exists only inside the strict sandbox (static/worker.js installs the
// Standard API before it imports the extension); `register(callback)` calls `callback(api)` once with
// {analytics, browser, init, settings, customerPrivacy}
// (https://shopify.dev/docs/api/web-pixels-api#app-web-pixels).

let api = null;
let registration = null;

export function install(standardApi) {
  api = standardApi;
}

export function registered() {
  return registration;
}

export function register(callback) {
  if (api === null) {
    throw new Error("register() runs only inside Shopify's web pixel sandbox");
  }
  if (registration !== null) {
    throw new Error("register() may be called only once per pixel");
  }
  if (typeof callback !== "function") {
    throw new TypeError("register() takes a function");
  }
  try {
    registration = Promise.resolve(callback(api));
  } catch (error) {
    registration = Promise.reject(error);
  }
}
