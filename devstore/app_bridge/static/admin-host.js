/* The admin's side of App Bridge in devstore's admin frame (/{shop}/admin/apps/{api_key}).

   The app's App Bridge (devstore/app_bridge/static/app-bridge.js) posts {type: "devstore:app-bridge", id,
   action, payload} to this page; `handlers[action](payload)` answers and the reply goes back as
   {type: "devstore:app-bridge:reply", id, result | error}. Only the app frame, on the app's
   origin, is listened to. A new App Bridge API adds one handler to `window.devstoreAdmin.handlers`
   (an unknown action answers an explicit error, never silence). */
(function () {
  "use strict";
  var me = document.currentScript;
  var appOrigin = me.dataset.appOrigin;
  var idTokenUrl = me.dataset.idTokenUrl;
  var frame = document.getElementById("app-frame");
  var handlers = {};

  // shopify.idToken(): a fresh session token minted by the admin for every call (one minute).
  handlers.idToken = async function () {
    var resp = await fetch(idTokenUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    if (!resp.ok) { throw new Error("the admin could not mint a session token (" + resp.status + ")"); }
    return { token: (await resp.json()).token };
  };

  // shopify.loading(bool): the admin's loading bar above the app.
  handlers.loading = function (payload) {
    document.getElementById("admin-loading").hidden = !payload.isLoading;
    document.body.dataset.appLoading = payload.isLoading ? "1" : "0";
    return {};
  };

  // App Bridge's remote redirect (after X-Shopify-API-Request-Failure-Reauthorize-Url): the
  // admin itself, the top window, goes there.
  handlers.redirectRemote = function (payload) {
    var url = new URL(payload.url);
    if (url.protocol !== "https:" && url.protocol !== "http:") { throw new Error("refused redirect to " + url.protocol); }
    window.location.assign(url.href);
    return {};
  };

  // The Navigation API's `shopify://admin/{path}` links: the admin (the top window) opens its own page.
  handlers.navigateAdmin = function (payload) {
    var path = String(payload.path || "");
    if (!/^[A-Za-z0-9_\-\/]*$/.test(path)) { throw new Error("refused admin path " + path); }
    window.location.assign("/" + location.pathname.split("/")[1] + "/admin/" + path);
    return {};
  };

  // shopify.scopes.query/request/revoke (H3): the admin's grant modal, answered as the shop's
  // control setting says (rules and sources in devstore/oauth/scopes.py).
  handlers.scopes = async function (payload) {
    var method = payload.method;
    if (["query", "request", "revoke"].indexOf(method) < 0) { throw new Error("unknown scopes method " + method); }
    var base = "/_devstore/shops/" + location.pathname.split("/")[1] + "/scopes";
    var resp = await fetch(method === "query" ? base : base + "/" + method, method === "query" ? {} :
      { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ scopes: payload.scopes }) });
    var body = await resp.json();
    if (!resp.ok) { throw new Error(body.error || ("HTTP " + resp.status)); }
    return body;
  };

  window.addEventListener("message", async function (event) {
    var data = event.data || {};
    if (!frame || event.source !== frame.contentWindow || event.origin !== appOrigin) { return; }
    if (data.type !== "devstore:app-bridge") { return; }
    var reply = { type: "devstore:app-bridge:reply", id: data.id };
    try {
      var handler = handlers[data.action];
      if (!handler) { throw new Error("devstore: App Bridge action " + data.action + " is not implemented"); }
      reply.result = await handler(data.payload || {}, event);
    } catch (err) {
      reply.error = String((err && err.message) || err);
    }
    event.source.postMessage(reply, event.origin);
  });

  window.devstoreAdmin = { handlers: handlers };
})();
