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

  /* The app's navigation menu (ui-nav-menu, https://shopify.dev/docs/api/app-bridge-library/web-components/ui-nav-menu):
     drawn in the left navigation under the app's name, the home item not drawn (the app's name is
     the home link). The current item is the one last chosen, at first the one whose path the admin's
     URL carries (the app's name for the home route). A click asks the app to go there (App Bridge
     clicks the app's own <a>), unless a save bar shows: then nothing moves and the bar is flagged
     (save bar: leave confirmation; Navigation API: "While a save bar shows, the admin doesn't apply
     your app's route changes"). */
  var base = location.pathname.split("/").slice(0, 5).join("/");  // /{shop}/admin/apps/{api_key}
  var appPath = "/" + location.pathname.split("/").slice(5).join("/");
  var menu = { home: "/", items: [] }, current = null;
  function post(name, payload) {
    if (frame && frame.contentWindow) { frame.contentWindow.postMessage({ type: "devstore:app-bridge:event", name: name, payload: payload }, appOrigin); }
  }
  function drawMenu() {
    var list = document.getElementById("admin-app-menu"), home = document.getElementById("admin-app-home");
    if (!list || !home) { return; }
    list.replaceChildren.apply(list, menu.items.map(function (item) {
      var a = document.createElement("a");
      a.href = base + item.href;
      a.textContent = item.label;
      a.dataset.href = item.href;
      if (item.href === current) { a.setAttribute("aria-current", "page"); }
      var li = document.createElement("li");
      li.appendChild(a);
      return li;
    }));
    home.href = base + (menu.home || "/");
    home.dataset.href = menu.home || "/";
    if (current === (menu.home || "/")) { home.setAttribute("aria-current", "page"); } else { home.removeAttribute("aria-current"); }
    document.body.dataset.navMenu = menu.items.length ? "shown" : "none";
  }
  handlers.navMenu = function (payload) {
    menu = { home: payload.home || "/", items: Array.isArray(payload.items) ? payload.items : [] };
    document.body.dataset.navMenuError = payload.error || "";
    if (current === null) {
      var match = menu.items.filter(function (i) { return i.href === appPath; })[0];
      current = match ? match.href : menu.home;
    }
    drawMenu();
    return {};
  };
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("#admin-app-home, #admin-app-menu a") : null;
    if (!link) { return; }
    event.preventDefault();
    if (saveBarShown()) { flagSaveBar(); return; }
    current = link.dataset.href;
    drawMenu();
    post("navMenuClick", { href: link.dataset.href });
  });

  // The app's other paths (a menu item the app did not route itself): the admin opens the app there,
  // a new load of the frame with new signed parameters (the admin page at /apps/{api_key}/{path}).
  handlers.navigateApp = function (payload) {
    var path = String(payload.path || "");
    if (!/^\/(?!\/)[A-Za-z0-9_\-\/.?=&%]*$/.test(path)) { throw new Error("refused app path " + path); }
    window.location.assign(base + path);
    return {};
  };

  /* The save bar (https://shopify.dev/docs/api/app-home/app-bridge-web-components/save-bar): drawn over the
     admin's top bar, outside the app's frame, with Discard and Save; each is handed to the app's App
     Bridge (Save submits the form, Discard resets it). With discardConfirmation, Discard first asks. */
  var saveBar = document.getElementById("admin-save-bar"), flags = 0, confirmDiscard = false;
  function saveBarShown() { return !!saveBar && !saveBar.hidden; }
  function flagSaveBar() {
    flags += 1;
    saveBar.dataset.flags = String(flags);
    saveBar.classList.remove("flag");
    void saveBar.offsetWidth;  // restart the shake
    saveBar.classList.add("flag");
  }
  function askDiscard(asking) {
    saveBar.querySelector(".save-bar-message").textContent = asking ? "Discard all unsaved changes?" : "Unsaved changes";
    saveBar.querySelector("[data-action=discard]").textContent = asking ? "Discard changes" : "Discard";
    saveBar.querySelector("[data-action=keep]").hidden = !asking;
    saveBar.querySelector("[data-action=save]").hidden = asking;
    saveBar.dataset.confirming = asking ? "1" : "";
  }
  handlers.saveBar = function (payload) {
    if (!saveBar) { throw new Error("this admin page has no save bar"); }
    confirmDiscard = !!payload.discardConfirmation;
    saveBar.classList.remove("flag");
    askDiscard(false);
    saveBar.hidden = !payload.visible;
    document.body.dataset.saveBar = payload.visible ? "shown" : "hidden";
    return {};
  };
  handlers.saveBarFlag = function () { if (saveBarShown()) { flagSaveBar(); } return {}; };
  if (saveBar) {
    saveBar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button) { return; }
      var action = button.dataset.action;
      if (action === "keep") { askDiscard(false); return; }
      if (action === "discard" && confirmDiscard && !saveBar.dataset.confirming) { askDiscard(true); return; }
      askDiscard(false);
      post("saveBarAction", { action: action === "save" ? "save" : "discard" });
    });
  }

  async function onMessage(event) {
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
  }
  window.addEventListener("message", onMessage);
  // What the app's frame sent before this script ran (a busy machine can load the frame first): the
  // page's inline listener kept it; Shopify's admin is always listening when its app frame loads.
  var early = window.devstoreEarlyMessages || [];
  window.devstoreEarlyMessages = null;
  early.forEach(onMessage);

  window.devstoreAdmin = { handlers: handlers };
})();
