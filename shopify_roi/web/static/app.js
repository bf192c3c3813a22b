/* Creator ROI page script: session tokens, the API helper, DOM helpers and the tab router.
   Every API call carries a fresh session token from App Bridge (`await shopify.idToken()`): a
   token lives one minute (shopify.dev "About session tokens"), so none is kept. Without App
   Bridge the page says so and calls nothing.

   Helpers on window.CreatorROI (R) for the other scripts:
   - R.flash(message, kind): a message above the view, kind "success" (default) or "critical" (red,
     role=alert). It stays until the merchant closes it (its "Dismiss message" button) or clicks a
     link to another view (the admin's menu included); a flash raised just before the code itself
     moves to another view (location.hash = ...) stays on the new one. R.flash("") clears it. Nothing
     dismisses itself.
   - R.saveBar(form, {discardConfirmation}) -> form: puts a form that edits saved data under Shopify's
     contextual save bar (App Bridge's `data-save-bar`, https://shopify.dev/docs/api/app-home/app-bridge-web-components/save-bar):
     once a field differs from the value the form was drawn with, the admin shows the bar; its Save
     submits the form (your submit handler runs, as for the form's own button), Discard resets the
     fields (a `reset` event: listen to it if the form has state outside its fields). Call it when the
     form is built, before the merchant types. App Bridge hides the bar as the form is submitted.
   - R.saved(form): after a successful save, the values now in the form become its saved values (the
     baseline the bar compares with, and what Discard returns to).
   - R.notSaved(form): after a refused or failed save, shows the bar again while fields still differ.
     Do not also call shopify.saveBar.* for the same form (the docs: one approach per form).
   - R.pageHeader(title, {back: {href, label}, actions: [elements]}) -> <header class="page-title-bar">:
     a sub-page's header (Polaris page: a back arrow to its parent list, the title, then the actions),
     e.g. R.pageHeader("@maya", {back: {href: "#/creators", label: "Creators"}, actions: [button]}); the
     back link is named "Back to Creators" for screen readers. Both options may be left out.

   App navigation: app.html's <ui-nav-menu> gives the admin's left navigation the app's sections as
   paths of the app (/creators); a click there reaches its <a> here (App Bridge) and route() below
   opens the hash route of the same name (#/creators), the root path "/" opening #/roi. A page loaded
   at such a path with no hash (a server that serves the page there) opens that route too. */
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

  /* A message stays until dismissed or the merchant opens another view (Built for Shopify: no
     auto-dismissing toasts for what the merchant must read; errors in red, announced at once). */
  function flash(message, kind) {
    var box = document.getElementById("flash");
    if (!message) { box.replaceChildren(); return; }
    var critical = kind === "critical";
    var close = h("button.banner-dismiss", { type: "button", "aria-label": "Dismiss message", onclick: function () { box.replaceChildren(); } }, "×");
    box.replaceChildren(h("div.banner.flash-message." + (kind || "success"), { role: critical ? "alert" : "status" },
      h("span.flash-text", message), close));
    if (box.scrollIntoView) { box.scrollIntoView({ block: "nearest" }); }  // the action may sit far below it
  }
  function clearFlashFor(targetPath) {
    if (targetPath !== splitHash().path) { flash(""); }
  }

  /* Forms under the admin's contextual save bar (App Bridge data-save-bar; see the header). */
  function saveBar(form, options) {
    form.setAttribute("data-save-bar", "");
    if (options && options.discardConfirmation) { form.setAttribute("data-discard-confirmation", ""); }
    return form;
  }
  function saved(form) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.type === "checkbox" || field.type === "radio") { field.defaultChecked = field.checked; }
      else if (field.tagName === "SELECT") { Array.prototype.forEach.call(field.options, function (o) { o.defaultSelected = o.selected; }); }
      else if ("defaultValue" in field && field.type !== "file") { field.defaultValue = field.value; }
    });
    form.dispatchEvent(new Event("input", { bubbles: true }));  // App Bridge reads the form again: nothing differs
  }
  function notSaved(form) { form.dispatchEvent(new Event("input", { bubbles: true })); }

  /* A sub-page's header: back arrow to the parent list, title, actions (Polaris Page's backAction). */
  function pageHeader(title, options) {
    options = options || {};
    var back = options.back;
    return h("header.page-title-bar",
      back ? h("a.back-link", { href: back.href, "aria-label": "Back to " + back.label, title: "Back to " + back.label },
        h("span", { "aria-hidden": "true" }, "←")) : null,
      h("h2.page-title", title),
      options.actions && options.actions.length ? h("div.page-actions", options.actions) : null);
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
    var path = location.pathname === "/" ? "/roi" : location.pathname;
    var hash = location.hash.replace(/^#/, "") || path;
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
      document.body.dataset.view = tab;
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

  window.CreatorROI = { api: api, h: h, flash: flash, copy: copy, route: route, navigate: navigate, sessionToken: sessionToken, when: when,
    saveBar: saveBar, saved: saved, notSaved: notSaved, pageHeader: pageHeader };

  /* The merchant leaves a view: a click on a link to another route (in the page, or the admin's menu
     reaching app.html's <ui-nav-menu>) clears the message. The menu's paths are routed here, not loaded:
     the click is cancelled and the same-named hash route opened (the root path is #/roi). */
  function routeOf(href) {
    if (!href) { return null; }
    if (href.charAt(0) === "#") { return href.slice(1).split("?")[0] || "/roi"; }
    return null;
  }
  function watchNavigation() {
    document.addEventListener("click", function (event) {
      var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
      if (!link || event.defaultPrevented) { return; }
      if (link.parentElement && link.parentElement.tagName === "UI-NAV-MENU") {
        event.preventDefault();
        var path = link.getAttribute("href") === "/" ? "/roi" : link.getAttribute("href");
        clearFlashFor(path);
        location.hash = "#" + path;
        return;
      }
      var target = routeOf(link.getAttribute("href"));
      if (target) { clearFlashFor(target); }
    });
  }
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
    watchNavigation();
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
