/* Creator ROI page script: session tokens, the API helper, DOM helpers and the tab router.
   Every API call carries a fresh session token from App Bridge (`await shopify.idToken()`): a
   token lives one minute (shopify.dev "About session tokens"), so none is kept. Without App
   Bridge the page says so and calls nothing. */
(function () {
  "use strict";

  function appBridge() {
    return window.shopify && typeof window.shopify.idToken === "function" ? window.shopify : null;
  }

  async function sessionToken() {
    var bridge = appBridge();
    if (!bridge) { throw new Error("Shopify App Bridge did not start: open Creator ROI from your Shopify admin."); }
    if (bridge.ready) { await bridge.ready; }
    return bridge.idToken();
  }

  /* api(path, {method, json, text}) -> parsed JSON; throws {status, body} on an error answer. */
  async function api(path, options) {
    options = options || {};
    var headers = { Authorization: "Bearer " + (await sessionToken()), Accept: "application/json" };
    var body;
    if (options.json !== undefined) { headers["Content-Type"] = "application/json"; body = JSON.stringify(options.json); }
    if (options.text !== undefined) { headers["Content-Type"] = "text/csv"; body = options.text; }
    var resp = await fetch(path, { method: options.method || (body ? "POST" : "GET"), headers: headers, body: body });
    if (resp.status === 401 && resp.headers.get("X-Shopify-API-Request-Failure-Reauthorize")) {
      document.getElementById("reinstall-link").href = resp.headers.get("X-Shopify-API-Request-Failure-Reauthorize-Url");
      document.getElementById("reinstall").hidden = false;
    }
    var type = resp.headers.get("Content-Type") || "";
    var data = type.indexOf("json") >= 0 ? await resp.json() : await resp.text();
    if (!resp.ok) { throw { status: resp.status, body: data }; }
    return data;
  }

  /* h("tag.class", {attr: value, onclick: fn}, children...) builds elements without innerHTML. */
  function h(spec, attrs) {
    var parts = spec.split("."), el = document.createElement(parts[0] || "div");
    if (parts.length > 1) { el.className = parts.slice(1).join(" "); }
    var children = Array.prototype.slice.call(arguments, 2);
    if (attrs && (typeof attrs !== "object" || attrs.nodeType || Array.isArray(attrs))) { children.unshift(attrs); attrs = null; }
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) { return; }
      if (key.indexOf("on") === 0) { el.addEventListener(key.slice(2), value); }
      else if (key === "dataset") { Object.assign(el.dataset, value); }
      else { el.setAttribute(key, value === true ? "" : value); }
    });
    (function add(list) {
      list.forEach(function (child) {
        if (child === null || child === undefined || child === false) { return; }
        if (Array.isArray(child)) { add(child); } else { el.appendChild(child.nodeType ? child : document.createTextNode(String(child))); }
      });
    })(children);
    return el;
  }

  function flash(message, kind) {
    var box = document.getElementById("flash");
    box.replaceChildren(message ? h("div.banner." + (kind || "success"), message) : "");
    if (message && kind !== "critical") { setTimeout(function () { if (box.textContent === message) { box.replaceChildren(); } }, 4000); }
  }

  async function copy(text, button) {
    try { await navigator.clipboard.writeText(text); } catch (e) {
      var area = h("textarea", {}, text); document.body.appendChild(area); area.select();
      document.execCommand("copy"); area.remove();
    }
    if (button) { var old = button.textContent; button.textContent = "Copied"; setTimeout(function () { button.textContent = old; }, 1500); }
  }

  var routes = [];
  function route(pattern, render) { routes.push([pattern, render]); }

  /* The hash is "#/path?query". A view may set `el.update(query)`: a change of the query alone on
     the same path then updates that view in place (no re-render, no reload). */
  var current = null;
  function splitHash() {
    var hash = location.hash.replace(/^#/, "") || "/roi";
    var at = hash.indexOf("?");
    return { path: at < 0 ? hash : hash.slice(0, at), query: new URLSearchParams(at < 0 ? "" : hash.slice(at + 1)) };
  }

  async function navigate(force) {
    var where = splitHash(), hash = where.path;
    var view = document.getElementById("view"), status = document.getElementById("status-view");
    var tab = hash.split("/")[1];
    document.querySelectorAll(".tabs a").forEach(function (a) { a.classList.toggle("on", a.dataset.tab === tab); });
    status.hidden = tab !== "status";
    view.hidden = tab === "status";
    if (tab === "status") {
      current = null;
      if (document.body.dataset.apiReady) { refreshStatus().catch(function () {}); }  // ticks what was done since
      return;
    }
    if (force !== true && current && current.path === hash && typeof current.el.update === "function" && view.contains(current.el)) {
      try { await current.el.update(where.query); } catch (err) { flash((err.body && err.body.message) || String(err.message || err), "critical"); }
      return;
    }
    for (var i = 0; i < routes.length; i++) {
      var match = hash.match(routes[i][0]);
      if (match) {
        current = null;
        view.replaceChildren(h("p.muted", "Loading…"));
        var args = match.slice(1).map(function (part) { return part === undefined ? undefined : decodeURIComponent(part); });
        try {
          var el = await routes[i][1].apply(null, args.concat([where.query]));
          if (splitHash().path !== hash) { return; }  // the merchant moved on while this view loaded
          view.replaceChildren(el);
          current = { path: hash, el: el };
        }
        catch (err) { view.replaceChildren(h("div.banner.critical", (err.body && err.body.message) || String(err.message || err))); }
        document.body.dataset.view = tab;
        return;
      }
    }
    location.hash = "#/roi";
  }

  /* A time for the merchant: "just now", "N min ago" within the hour, else "5 Dec 2026, 14:03" in the
     shop's time zone (the page's shop-timezone meta; the browser's own if the shop has none yet). */
  function when(iso) {
    if (!iso) { return "—"; }
    var at = new Date(iso), minutes = (Date.now() - at.getTime()) / 60000;
    if (isNaN(at.getTime())) { return "—"; }
    if (minutes >= -1 && minutes < 1) { return "just now"; }
    if (minutes >= 1 && minutes < 60) { return Math.floor(minutes) + " min ago"; }
    var meta = document.querySelector('meta[name="shop-timezone"]'), zone = (meta && meta.content) || undefined;
    var options = { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone };
    try { return new Intl.DateTimeFormat("en-GB", options).format(at); }
    catch (e) { delete options.timeZone; return new Intl.DateTimeFormat("en-GB", options).format(at); }
  }

  function writeTimes(root) {
    root.querySelectorAll("time[data-when]").forEach(function (t) { t.textContent = when(t.getAttribute("datetime")); t.title = t.getAttribute("datetime"); });
  }

  var RUN_NAMES = { install: "History import", full_history: "Full history import", nightly: "Nightly check", manual: "Check you asked for" };
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function timeEl(iso) { return h("time", { datetime: iso || "" }, when(iso)); }

  /* What the latest finished run did, in words: an import of the history, or a check that brought in
     what the live updates (webhooks) had missed. */
  function runSummary(runs) {
    var done = runs.filter(function (r) { return r.status === "done"; })[0];
    if (!done) { return runs.length ? "Your order history is being imported." : "Your order history is imported on install."; }
    if (done.kind === "install" || done.kind === "full_history") {
      return "History imported " + when(done.finished_at) + ": " + plural(done.orders_seen, "order") + ".";
    }
    var missed = done.orders_repaired + done.refunds_repaired;
    return "Last checked " + when(done.finished_at) + ": " + plural(done.orders_seen, "order") + " checked; " +
      (missed ? plural(done.orders_repaired, "order") + " and " + plural(done.refunds_repaired, "refund") + " the live updates had missed were brought in."
        : "the live updates had missed nothing.");
  }

  function showSetup(steps) {
    document.querySelectorAll("#setup-steps li[data-step]").forEach(function (li) {
      var done = steps[li.dataset.step] === true, state = li.querySelector(".step-state");
      li.classList.toggle("done", done);
      if (state) { state.textContent = done ? "Done" : ""; }
    });
  }

  function showFreshness(fresh) {
    var troubles = fresh.failed_webhooks.length + fresh.late_webhooks.length + fresh.failed_jobs;
    document.getElementById("freshness-summary").textContent = (fresh.last_webhook_at
      ? "Last update from Shopify " + when(fresh.last_webhook_at) + "." : "No updates from Shopify yet: they come as orders are placed.") +
      (troubles ? " " + plural(troubles, "update") + " could not be applied: the nightly check brings the orders in. Details below." : " Everything Shopify sent was applied.");
    var problems = fresh.failed_webhooks.map(function (f) { return "Webhook " + f.topic + " (" + when(f.received_at) + "): " + f.error; })
      .concat(fresh.late_webhooks.map(function (l) { return "Late webhook " + l.topic + " (received " + when(l.received_at) + "): " + l.reason; }))
      .concat(fresh.failed_job_reasons.map(function (j) { return "Job " + j.job + ": " + j.reason; }));
    var internals = document.getElementById("connection-internals");
    internals.textContent = "Webhooks waiting " + fresh.webhooks_waiting + " · queue depth " + fresh.queue_depth + " · failed jobs " + fresh.failed_jobs +
      " · failed webhooks " + fresh.failed_webhooks.length + " · late webhooks " + fresh.late_webhooks.length + " · " + internals.dataset.api;
    var list = document.getElementById("failures");
    if (!list) { list = h("ul.muted", { id: "failures" }); internals.after(list); }
    list.replaceChildren.apply(list, problems.map(function (p) { return h("li", p); }));
  }

  async function refreshStatus() {
    var shop = await api("/api/shop");
    var set = function (field, value) { var el = document.querySelector('[data-field="' + field + '"]'); if (el && value) { el.textContent = value; } };
    set("currency", shop.currency); set("timezone", shop.timezone); set("scopes", shop.scopes.join(", "));
    var meta = document.querySelector('meta[name="shop-timezone"]');
    if (meta && shop.timezone && !meta.content) { meta.content = shop.timezone; }
    var fresh = await api("/api/freshness");
    var internals = document.getElementById("connection-internals");
    if (!internals.dataset.api) { internals.dataset.api = internals.textContent; }
    showFreshness(fresh);
    showSetup(fresh.setup || {});
    document.getElementById("reconcile-summary").textContent = runSummary(fresh.backfills);
    var body = document.querySelector("#backfill-runs tbody");
    body.replaceChildren.apply(body, fresh.backfills.map(function (r) {
      return h("tr", h("td", RUN_NAMES[r.kind] || r.kind), h("td", h("span.badge." + (r.status === "done" ? "processed" : r.status === "failed" ? "failed" : "pending"), r.status === "ingesting" ? "running" : r.status)),
        h("td", String(r.orders_seen)), h("td", String(r.orders_repaired)), h("td", timeEl(r.started_at)));
    }));
    var note = fresh.backfills.length ? fresh.backfills[0].note : "";
    document.getElementById("backfill-note").textContent = note || "";
    writeTimes(document.getElementById("status-view"));
    document.body.dataset.apiReady = "1";
  }

  window.CreatorROI = { api: api, h: h, flash: flash, copy: copy, route: route, navigate: navigate, sessionToken: sessionToken, when: when };
  window.creatorRoiApi = api;

  /* Every data table of a view scrolls sideways inside its own box, never the page, and that box can be
     focused and scrolled from the keyboard (WCAG 2.1.1; axe "scrollable-region-focusable"): a table a view
     draws outside a .table-scroll is wrapped in one, named after its card's heading. */
  function wrapTables(root) {
    root.querySelectorAll("table.data-table").forEach(function (table) {
      var parent = table.parentElement;
      if (!parent || parent.classList.contains("table-scroll")) {
        if (parent && !parent.hasAttribute("tabindex")) { label(parent, table); }
        return;
      }
      var box = h("div.table-scroll");
      parent.insertBefore(box, table);
      box.appendChild(table);
      label(box, table);
    });
  }
  function label(box, table) {
    var card = table.closest("section, .card"), heading = card && card.querySelector("h2, h3");
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", (heading && heading.textContent.trim()) || table.getAttribute("aria-label") || "Table");
  }
  function watchTables(view) {
    wrapTables(view);
    new MutationObserver(function () { wrapTables(view); }).observe(view, { childList: true, subtree: true });
  }

  function start() {
    watchTables(document.getElementById("view"));
    if (!appBridge()) {
      document.getElementById("no-app-bridge").hidden = false;
      document.body.dataset.appBridge = "missing";
      return;
    }
    window.addEventListener("hashchange", function () { navigate(); });
    document.getElementById("reconcile-now").addEventListener("click", async function () {
      try { await api("/api/backfill", { json: {} }); flash("Check started: what it finds appears here in a few minutes."); }
      catch (err) { flash((err.body && err.body.message) || "Could not start the check.", "critical"); }
    });
    navigate();
    refreshStatus().catch(function (err) { document.body.dataset.apiError = JSON.stringify(err); });
  }

  // The page calls CreatorROI.start() once every script has registered its routes (app.html).
  var started = false;
  window.CreatorROI.start = function () { if (!started) { started = true; start(); } };
})();
