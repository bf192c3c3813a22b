/* Asking the merchant for the whole order history (read_all_orders, an optional scope) through
   App Bridge's scopes API (shopify.dev "Scopes API": request(scopes) resolves to {result:
   "granted-all" | "declined-all", detail}). Granted: the app is told to check with Shopify and load
   the full history. Declined: nothing changes and the page says so; the button stays to ask again. */
(function () {
  "use strict";
  var SCOPE = "read_all_orders";
  var card = document.getElementById("history-access");
  if (!card) { return; }
  var button = card.querySelector('[data-action="request-full-history"]');
  var message = card.querySelector('[data-field="history-access-message"]');

  function say(text, kind) {
    message.textContent = text;
    message.className = kind ? "banner " + kind : "";
  }

  function show(state) {
    card.dataset.state = state;
    card.querySelector('[data-when="granted"]').hidden = state !== "granted";
    card.querySelector('[data-when="not-granted"]').hidden = state === "granted";
  }

  async function tellTheApp() {
    var api = window.CreatorROI && window.CreatorROI.api;
    if (api) { return api("/api/history-access", { method: "POST" }); }
    return fetch("/api/history-access", { method: "POST" });  // App Bridge adds the session token
  }

  if (!button) { return; }
  button.addEventListener("click", async function () {
    var scopes = window.shopify && window.shopify.scopes;
    if (!scopes || typeof scopes.request !== "function") {
      say("Open Creator ROI from your Shopify admin to allow access: Shopify asks you there.", "critical");
      return;
    }
    button.disabled = true;
    say("Waiting for your answer in Shopify…");
    try {
      var answer = await scopes.request([SCOPE]);
      if (answer && answer.result === "granted-all") {
        show("granted");
        say("Access to all orders granted. Creator ROI is loading your full order history; the runs under " +
            "“Order history and reconciliation” show its progress.", "success");
        try { await tellTheApp(); } catch (err) { /* Shopify's app/scopes_update webhook starts it too */ }
      } else {
        show("declined");
        card.querySelector('[data-when="not-granted"]').hidden = false;
        say("You declined access to all orders. Nothing else changes: Creator ROI keeps working with the last " +
            "60 days of orders and keeps checking new customers with Shopify. You can ask again at any time.", "info");
        button.disabled = false;
      }
    } catch (err) {
      say("Shopify could not ask for access: " + ((err && err.message) || err), "critical");
      button.disabled = false;
    }
  });
})();
