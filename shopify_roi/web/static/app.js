/* Creator ROI page script. Works with App Bridge (shopify.idToken) and, where its CDN script
   has not loaded, with the session token the admin passed on page load. */
(function () {
  "use strict";

  function initialToken() {
    var meta = document.querySelector('meta[name="initial-id-token"]');
    return meta ? meta.content : "";
  }

  async function sessionToken() {
    if (window.shopify && typeof window.shopify.idToken === "function") {
      try { return await window.shopify.idToken(); } catch (e) { /* fall back below */ }
    }
    return initialToken();
  }

  async function api(path) {
    var token = await sessionToken();
    var resp = await fetch(path, { headers: { Authorization: "Bearer " + token, Accept: "application/json" } });
    if (resp.status === 401 && resp.headers.get("X-Shopify-API-Request-Failure-Reauthorize")) {
      var box = document.getElementById("reinstall");
      document.getElementById("reinstall-link").href = resp.headers.get("X-Shopify-API-Request-Failure-Reauthorize-Url");
      box.hidden = false;
      throw new Error("reinstall required");
    }
    if (!resp.ok) { throw new Error(path + " answered " + resp.status); }
    return resp.json();
  }
  window.creatorRoiApi = api;

  function text(el, value) { if (el && value) { el.textContent = value; } }

  async function refresh() {
    var shop = await api("/api/shop");
    text(document.querySelector('[data-field="currency"]'), shop.currency);
    text(document.querySelector('[data-field="timezone"]'), shop.timezone);
    text(document.querySelector('[data-field="scopes"]'), shop.scopes.join(", "));
    var hooks = await api("/api/webhooks");
    var summary = document.getElementById("freshness-summary");
    summary.textContent = "Queue depth " + hooks.queue_depth + " · failed jobs " + hooks.failed_jobs +
      (hooks.deliveries.length ? " · last webhook " + hooks.deliveries[0].received_at : " · no webhooks yet");
    document.body.dataset.apiReady = "1";
  }

  document.addEventListener("DOMContentLoaded", function () {
    refresh().catch(function (err) { document.body.dataset.apiError = String(err); });
  });
})();
