/* devstore's stand-in for App Bridge (https://cdn.shopify.com/shopifycloud/app-bridge.js).

   It starts, or refuses to start, as the real loader does, and gives the app the parts of the
   `shopify` global it relies on. Sources (cited again where each rule is implemented):
   - shopify.dev "App Bridge" (docs/api/app-bridge-library, "Getting started"): a plain
     <script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"> in <head>, with
     <meta name="shopify-api-key">.
   - the loader's own checks, quoted in Shopify/shopify-app-bridge issue #229 ("App Bridge v4 CDN
     check always fails on Cloudflare") and in the CDN script itself.
   - shopify.dev "Resource Fetching API", "ID Token API", "Loading API" (docs/api/app-home/apis).
   - Shopify/shopify-app-js redirect-to-bounce-page.ts (the `shopify-reload` bounce).

   Layout: 1. loader checks, 2. configuration, 3. the admin host (postMessage to the admin frame),
   4. features (one block per API on `shopify`; a new API is a new `feature(...)` block),
   5. start (top-level redirect, the bounce, or the features). */
(function () {
  "use strict";

  var DEVSTORE_ORIGIN = "__DEVSTORE_ORIGIN__"; // the stand-in's origin, filled in when served
  var CDN_SRC = "https://cdn.shopify.com/shopifycloud/app-bridge.js";
  // The real loader's words when it refuses to start (thrown after the reason is logged).
  var ABORT = "Shopify\u2019s App Bridge must be included as the first <script> tag and must link to " +
    "Shopify\u2019s CDN. Do not use async, defer or type=module. Aborting.";

  // The real loader is a no-op when App Bridge already started on this document.
  try { if (window.shopify && window.shopify.ready && "then" in window.shopify.ready) { return; } } catch (e) { /* go on */ }

  /* ---- 1. loader checks ------------------------------------------------------------------
     The real loader refuses (console.error, then throws ABORT) when the tag has
     `type="module"` (no document.currentScript), `async`, `defer`, or a src off Shopify's CDN.
     For a tag that is not the document's first blocking script it only warns today; issue #229
     shows it refusing in 2023. The stand-in is stricter: App Bridge must be the very first
     <script> of the document, inside <head>, or it does not start. */
  function loaderProblem(script) {
    if (!script) { return 'The script tag loading App Bridge has `type="module"`'; }
    if (script.async) { return "The script tag loading App Bridge has `async`"; }
    if (script.defer) { return "The script tag loading App Bridge has `defer`."; }
    if (!fromCdn(script.src)) { return "The script tag loading App Bridge is not loading App Bridge from the Shopify CDN."; }
    if (document.scripts[0] !== script || script.parentNode !== document.head) {
      return "The script tag loading App Bridge should be the first script tag in the document. " +
        "Loading other blocking scripts first can cause unexpected behavior. (devstore refuses to start)";
    }
    return null;
  }

  function fromCdn(src) {
    // Shopify's CDN, or this stand-in playing it (the demo points APP_BRIDGE_URL here).
    if (!src) { return false; }
    var url = new URL(src, location.href);
    return url.origin + url.pathname === CDN_SRC ||
      url.origin + url.pathname === DEVSTORE_ORIGIN + "/_devstore/app-bridge.js";
  }

  /* ---- 2. configuration ------------------------------------------------------------------
     The real loader merges `<meta name="shopify-*">`, the tag's data-* attributes (Shopify's
     own bounce page uses `data-api-key`), and `shop`/`host`/`locale` from the URL, and throws
     "App Bridge Next: missing required configuration fields: ..." without `apiKey` and `shop`.
     Stricter here: nothing is read from sessionStorage, so the URL must carry the shop. */
  function readConfig(script, params) {
    var config = { apiKey: "", shop: "", host: "", locale: "en-US", appOrigins: [], disabledFeatures: [] };
    Object.keys(script.dataset).forEach(function (key) { if (script.dataset[key]) { config[key] = script.dataset[key]; } });
    document.querySelectorAll('meta[name^="shopify-" i]').forEach(function (meta) {
      var key = meta.getAttribute("name").replace(/^shopify-/i, "").replace(/-+(.)/g, function (m, c) { return c.toUpperCase(); });
      var value = meta.getAttribute("content") || "";
      if (value) { config[key] = /^(disabledFeatures|appOrigins)$/.test(key) ? value.split(",").map(function (v) { return v.trim(); }) : value; }
    });
    ["shop", "host", "locale"].forEach(function (key) { if (params.get(key)) { config[key] = params.get(key); } });
    var missing = ["apiKey", "shop"].filter(function (key) { return !config[key]; });
    if (missing.length) { throw new Error("App Bridge Next: missing required configuration fields: " + missing); }
    return Object.freeze(config);
  }

  /* ---- 3. the admin host -----------------------------------------------------------------
     Real App Bridge talks to the admin over postMessage/MessagePort. The stand-in's admin frame
     (devstore/app_bridge/static/admin-host.js) answers {type: "devstore:app-bridge", id, action, payload}
     with {type: "devstore:app-bridge:reply", id, result | error}, and tells it of the merchant's clicks
     in its own chrome with {type: "devstore:app-bridge:event", name, payload}. Only the parent window
     on the stand-in's origin is listened to. */
  function adminHost() {
    var pending = {}, seq = 0, listeners = {};
    window.addEventListener("message", function (event) {
      var data = event.data || {};
      if (event.source !== window.parent || event.origin !== DEVSTORE_ORIGIN) { return; }
      if (data.type === "devstore:app-bridge:event") {
        (listeners[data.name] || []).forEach(function (fn) { fn(data.payload || {}); });
        return;
      }
      if (data.type !== "devstore:app-bridge:reply" || !pending[data.id]) { return; }
      var call = pending[data.id];
      delete pending[data.id];
      if (data.error) { call.reject(new Error(data.error)); } else { call.resolve(data.result); }
    });
    return {
      // What the admin tells the app unasked ({type: "devstore:app-bridge:event", name, payload}):
      // a click in the app's navigation menu, Save or Discard in the save bar.
      on: function (name, fn) { (listeners[name] = listeners[name] || []).push(fn); },
      request: function (action, payload) {
        return new Promise(function (resolve, reject) {
          var id = ++seq;
          pending[id] = { resolve: resolve, reject: reject };
          window.parent.postMessage({ type: "devstore:app-bridge", id: id, action: action, payload: payload || {} }, DEVSTORE_ORIGIN);
          setTimeout(function () {
            if (pending[id]) { delete pending[id]; reject(new Error("the Shopify admin did not answer " + action)); }
          }, 10000);
        });
      }
    };
  }

  /* ---- 4. features: one block per API on `shopify` ---------------------------------------
     feature(name, install): install(api, host) adds the API to `api` (window.shopify). A feature
     named in the config's disabledFeatures is skipped, as in the real loader. */
  var FEATURES = [];
  function feature(name, install) { FEATURES.push({ name: name, install: install }); }

  // shopify.dev "ID Token API": shopify.idToken() resolves to a fresh session token (one minute,
  // "About session tokens"), minted by the admin on every call; nothing is cached here.
  feature("idToken", function (api, host) {
    api.idToken = function () {
      return host.request("idToken").then(function (result) { return result.token; });
    };
  });

  // shopify.dev "Resource Fetching API": fetch() to the app's own domain (and subdomains, and
  // `appOrigins`) gets `Authorization: Bearer <ID token>` unless the caller set one, plus
  // X-Requested-With and Accept-Language (as the CDN script does). A 401 answered with
  // X-Shopify-Retry-Invalid-Session-Request is retried once with a fresh token when App Bridge
  // added the header; X-Shopify-API-Request-Failure-Reauthorize-Url sends the admin (top window)
  // there and the fetch never settles, as the CDN script does.
  feature("fetch", function (api, host) {
    var nativeFetch = window.fetch.bind(window);
    function ownDomain(url) {
      return (url.protocol === location.protocol && (url.hostname === location.hostname ||
        url.hostname.endsWith("." + location.hostname))) || api.config.appOrigins.indexOf(url.origin) >= 0;
    }
    window.fetch = async function (input, init) {
      var request = new Request(input instanceof Request ? input.clone() : input, init);
      var url = new URL(request.url);
      if (!ownDomain(url)) { return nativeFetch(request); }
      var added = !request.headers.has("Authorization");
      if (added) { request.headers.set("Authorization", "Bearer " + (await api.idToken())); }
      if (!request.headers.has("X-Requested-With")) { request.headers.set("X-Requested-With", "XMLHttpRequest"); }
      if (!request.headers.has("Accept-Language")) { request.headers.set("Accept-Language", api.config.locale); }
      var retry = request.clone();
      var response = await nativeFetch(request);
      if (added && response.headers.get("X-Shopify-Retry-Invalid-Session-Request")) {
        retry.headers.set("Authorization", "Bearer " + (await api.idToken()));
        response = await nativeFetch(retry);
      }
      var reauthorize = response.headers.get("X-Shopify-API-Request-Failure-Reauthorize-Url");
      if (reauthorize) {
        host.request("redirectRemote", { url: new URL(reauthorize, location.href).href });
        return new Promise(function () { /* the admin is leaving this page */ });
      }
      return response;
    };
  });

  // shopify.dev "Loading API": shopify.loading(true|false) shows or hides the admin's loading bar.
  feature("loading", function (api, host) {
    api.loading = function (isLoading) { host.request("loading", { isLoading: isLoading !== false }); };
  });

  // shopify.dev "Scopes API" (docs/api/app-home/apis/scopes): query() -> ScopesDetail {granted,
  // required, optional}; request(scopes) opens the admin's grant modal and resolves to
  // {result: "granted-all" | "declined-all", detail}; revoke(scopes) -> {detail}. The admin frame
  // answers; the rules (declared optional scopes only, app/scopes_update) are devstore/oauth/scopes.py.
  feature("scopes", function (api, host) {
    function call(method, scopes) { return host.request("scopes", { method: method, scopes: scopes }); }
    api.scopes = {
      query: function () { return call("query"); },
      request: function (scopes) { return call("request", scopes); },
      revoke: function (scopes) { return call("revoke", scopes); }
    };
  });

  // shopify.dev "Navigation API" (docs/api/app-home/apis/navigation): an anchor whose href is
  // `shopify://admin/{path}` (or `shopify:admin/{path}`) opens that page of the Shopify admin (index pages
  // like orders, or one resource: orders/{id}); the admin, not the app's frame, navigates.
  feature("navigation", function (api, host) {
    document.addEventListener("click", function (event) {
      var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
      if (!link) { return; }
      var match = /^shopify:(?:\/\/)?admin\/(.*)$/.exec(link.getAttribute("href"));
      if (!match) { return; }
      event.preventDefault();
      host.request("navigateAdmin", { path: match[1] });
    }, true);
  });

  /* shopify.dev "ui-nav-menu" (https://shopify.dev/docs/api/app-bridge-library/web-components/ui-nav-menu,
     now "App nav", https://shopify.dev/docs/api/app-home/app-bridge-web-components/app-nav): the app's
     <ui-nav-menu> configures its menu in the admin's left navigation, under the app's name. Its first
     child is required: an <a rel="home" href="/">, the home route, which is not rendered as a link (the
     app's name leads there); every other child is an <a href> with its label as text, one level only.
     Read strictly, as the real component does: it throws on an <a> with any other attribute ("Unexpected
     attributes on `<a>`: aria-current", Shopify/shopify-app-bridge issue #538). The stand-in refuses the
     whole menu (console.error, nothing shown in the admin) when a child is not an <a>, the first is not
     rel="home", an <a> carries another attribute, has no text, or its href is not a path of the app
     ("/..."; stricter: the docs show only such paths, so "#/x" or another origin is refused).
     A click on an item in the admin is handed to the app as a click on its own <a> (issue #538: App
     Bridge dispatches it; Shopify/shopify-app-bridge #240 and the template's switch to router <Link>s,
     Shopify/shopify-frontend-template-react #326): an app with client-side routing cancels it
     (preventDefault) and routes itself; otherwise the admin opens the app at that path, a full load of
     the frame with new signed parameters. The menu is read again when the document changes. */
  feature("navMenu", function (api, host) {
    var sent = null;
    function read() {
      var menu = document.querySelector("ui-nav-menu");
      if (!menu) { return { items: [] }; }
      var children = Array.prototype.slice.call(menu.children);
      children.forEach(function (child) {
        if (child.tagName !== "A") { throw new Error("ui-nav-menu: unexpected child <" + child.tagName.toLowerCase() + ">: only <a> elements are allowed"); }
        var extra = Array.prototype.map.call(child.attributes, function (a) { return a.name; })
          .filter(function (name) { return name !== "href" && name !== "rel"; });
        if (extra.length) { throw new Error("Unexpected attributes on `<a>`: " + extra.join(", ")); }
        if (child.children.length) { throw new Error("ui-nav-menu: nested items are not supported"); }
        var href = child.getAttribute("href") || "";
        if (!/^\/(?!\/)/.test(href)) { throw new Error("ui-nav-menu: href " + JSON.stringify(href) + " is not a path of the app"); }
      });
      if (!children.length || children[0].getAttribute("rel") !== "home") {
        throw new Error('ui-nav-menu: the first child must be <a rel="home" href="/">, the home route');
      }
      var items = children.slice(1).map(function (a) {
        var label = a.textContent.trim();
        if (!label) { throw new Error("ui-nav-menu: a link without a label (" + a.getAttribute("href") + ")"); }
        return { href: a.getAttribute("href"), label: label };
      });
      return { home: children[0].getAttribute("href"), items: items };
    }
    function sync() {
      var menu;
      try { menu = read(); } catch (err) { console.error(err.message); menu = { items: [], error: err.message }; }
      var text = JSON.stringify(menu);
      if (text === sent) { return; }
      sent = text;
      host.request("navMenu", menu);
    }
    function anchorFor(href) {
      var menu = document.querySelector("ui-nav-menu");
      return menu ? Array.prototype.filter.call(menu.children, function (a) { return a.getAttribute("href") === href; })[0] : null;
    }
    host.on("navMenuClick", function (payload) {
      var link = anchorFor(payload.href);
      if (!link) { return; }
      var click = new MouseEvent("click", { bubbles: true, cancelable: true, view: window });
      // App Bridge's own listener runs last (window, bubbling), after the app's handlers. An app that
      // cancelled the click routed itself; one that did not, or stopped the click before App Bridge saw
      // it (issue #538), gets a full load of the frame at that path, opened by the admin.
      var seen = false, appRouted = false;
      function last(event) {
        if (event !== click) { return; }
        seen = true;
        appRouted = event.defaultPrevented;
        event.preventDefault();
      }
      window.addEventListener("click", last);
      link.dispatchEvent(click);
      window.removeEventListener("click", last);
      if (!seen || !appRouted) { host.request("navigateApp", { path: payload.href }); }
    });
    var pending = false;
    new MutationObserver(function () {
      if (pending) { return; }
      pending = true;
      Promise.resolve().then(function () { pending = false; sync(); });
    }).observe(document.documentElement, { childList: true, subtree: true, attributes: true, characterData: true });
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", sync); } else { sync(); }
  });

  /* The save bar. shopify.dev "Save bar" (https://shopify.dev/docs/api/app-home/app-bridge-web-components/save-bar)
     and "Save Bar API" (https://shopify.dev/docs/api/app-home/apis/user-interface-and-interactions/save-bar-api):
     - a <form data-save-bar>: the bar shows whenever a field's value differs from its initial state
       (the field's default: value/checked/selected as the HTML gave it); Save fires the form's submit
       event (requestSubmit), Discard resets it (reset event); the bar hides when the form is submitted
       or reset, whatever the save's outcome (Shopify/shopify-app-bridge #274, #437). It is read again
       on every input/change event from inside the form, so an app that takes the saved values as the
       new defaults and fires `input` hides it, and one whose save failed can show it again.
       data-discard-confirmation asks the merchant before Discard.
     - <ui-save-bar id> with <button variant="primary"> (Save) and <button> (Discard) children, shown and
       hidden by shopify.saveBar.show/hide/toggle(id) or the element's show()/hide()/toggle(); an admin
       click on Save/Discard clicks that button. An unknown id is refused (rejected promise).
     - shopify.saveBar.leaveConfirmation(): resolves at once when no bar shows; otherwise the admin
       flags the bar (it shakes) and the promise resolves when the bar is gone.
     The admin draws the bar above everything, outside the app's frame, and while it shows refuses
     navigation in its menu (Navigation API: "While a save bar shows, the admin doesn't apply your
     app's route changes"). */
  feature("saveBar", function (api, host) {
    var shown = {}, waiting = [], state = null;
    function changed(field) {
      if (field.type === "checkbox" || field.type === "radio") { return field.checked !== field.defaultChecked; }
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      if (field.type === "file") { return field.files && field.files.length > 0; }
      return "defaultValue" in field && field.value !== field.defaultValue;
    }
    function dirtyForms() {
      return Array.prototype.filter.call(document.querySelectorAll("form[data-save-bar]"), function (form) {
        return Array.prototype.some.call(form.elements, function (f) { return f.name !== undefined && !f.disabled && changed(f); });
      });
    }
    var formDirty = [];
    function update() {
      var ids = Object.keys(shown).filter(function (id) { return shown[id]; });
      var visible = formDirty.length > 0 || ids.length > 0;
      var element = ids.length ? document.getElementById(ids[0]) : null;
      var confirm = formDirty.length ? formDirty.some(function (f) { return f.hasAttribute("data-discard-confirmation"); })
        : !!(element && element.hasAttribute("discardConfirmation"));
      var next = JSON.stringify({ visible: visible, discardConfirmation: confirm });
      if (!visible) { waiting.splice(0).forEach(function (resolve) { resolve(); }); }
      if (next === state) { return Promise.resolve(); }
      state = next;
      return host.request("saveBar", JSON.parse(next));
    }
    function recheck(event) {
      var form = event.target && event.target.closest ? event.target.closest("form") : null;
      if (!form || !form.hasAttribute("data-save-bar")) { return; }
      formDirty = dirtyForms();
      update();
    }
    document.addEventListener("input", recheck, true);
    document.addEventListener("change", recheck, true);
    document.addEventListener("submit", function (event) {
      if (!event.target.hasAttribute || !event.target.hasAttribute("data-save-bar")) { return; }
      formDirty = formDirty.filter(function (f) { return f !== event.target; });
      update();
    }, true);
    document.addEventListener("reset", function (event) {
      if (!event.target.hasAttribute || !event.target.hasAttribute("data-save-bar")) { return; }
      // the reset puts the defaults back after its event: read the fields once it has
      setTimeout(function () { formDirty = dirtyForms(); update(); }, 0);
    }, true);

    function bar(id) {
      var el = document.getElementById(id);
      if (!el || el.tagName !== "UI-SAVE-BAR") { throw new Error("saveBar: no <ui-save-bar> with id " + JSON.stringify(id)); }
      return el;
    }
    function set(id, on) {
      try { bar(id); } catch (err) { return Promise.reject(err); }
      shown[id] = on;
      return update();
    }
    api.saveBar = {
      show: function (id) { return set(id, true); },
      hide: function (id) { return set(id, false); },
      toggle: function (id) { return set(id, !shown[id]); },
      leaveConfirmation: function () {
        if (!state || !JSON.parse(state).visible) { return Promise.resolve(); }
        host.request("saveBarFlag", {});
        return new Promise(function (resolve) { waiting.push(resolve); });
      }
    };
    if (window.customElements && !customElements.get("ui-save-bar")) {
      customElements.define("ui-save-bar", class extends HTMLElement {
        connectedCallback() { this.style.display = "none"; }
        show() { return api.saveBar.show(this.id); }
        hide() { return api.saveBar.hide(this.id); }
        toggle() { return api.saveBar.toggle(this.id); }
        get showing() { return !!shown[this.id]; }
      });
    }

    host.on("saveBarAction", function (payload) {
      var forms = formDirty.slice();
      var ids = Object.keys(shown).filter(function (id) { return shown[id]; });
      if (forms.length) {
        forms.forEach(function (form) { if (payload.action === "save") { form.requestSubmit(); } else { form.reset(); } });
        return;
      }
      ids.forEach(function (id) {
        var buttons = Array.prototype.filter.call(document.getElementById(id).children, function (b) { return b.tagName === "BUTTON"; });
        var target = buttons.filter(function (b) { return (b.getAttribute("variant") === "primary") === (payload.action === "save"); })[0];
        if (target && !target.disabled) { target.click(); }
      });
    });
  });

  /* ---- 5. start --------------------------------------------------------------------------- */
  var script = document.currentScript;
  var problem = loaderProblem(script);
  if (problem) {
    console.error(problem);
    throw new Error(ABORT);
  }
  var params = new URLSearchParams(location.search);
  var config;
  try { config = readConfig(script, params); } catch (err) { console.error(err.message); throw err; }
  var api = { config: config, origin: DEVSTORE_ORIGIN };
  Object.defineProperty(window, "shopify", { configurable: true, writable: true, value: api });

  // Loaded outside the admin: the real loader sends the browser to the app inside the admin
  // (https://{admin}/apps/{apiKey}{path}); here, the stand-in's admin page for the shop.
  if (window.top === window) {
    location.assign(DEVSTORE_ORIGIN + "/" + config.shop + "/admin/apps/" + config.apiKey + location.pathname);
    return;
  }

  var host = adminHost();
  function install(names) {
    FEATURES.forEach(function (f) {
      if (names && names.indexOf(f.name) < 0) { return; }
      if (config.disabledFeatures.indexOf(f.name) >= 0) { return; }
      try { f.install(api, host); } catch (err) { console.error("Initializing " + f.name + " failed: " + err.message); }
    });
  }

  // The bounce (Shopify/shopify-app-js redirect-to-bounce-page.ts and the CDN script): a page
  // loaded with ?shopify-reload=<url> and no id_token fetches <url> (same origin only) with a fresh
  // ID token in Authorization and `X-Shopify-Bounce: 1`, puts <url> in the address bar and writes
  // the HTML answer into this document. `shopify.ready` is not set, so the written page's own
  // App Bridge tag starts App Bridge again.
  var reload = params.get("shopify-reload");
  if (reload && !params.get("id_token")) {
    install(["idToken", "fetch"]);
    bounce(reload);
    return;
  }

  install();
  api.ready = Promise.resolve();

  async function bounce(target) {
    var url = new URL(target, location.origin);
    if (url.origin !== location.origin) {
      throw new Error("?shopify-reload must be same-origin (" + url.origin + " !== " + location.origin + ")");
    }
    document.removeChild(document.documentElement);
    url.searchParams.delete("shopify-reload");
    history.replaceState(null, "", url.href);
    var response = await fetch(url.href, { mode: "same-origin", headers: { Accept: "text/html", "X-Shopify-Bounce": "1" } });
    var type = (response.headers.get("Content-Type") || "").trim();
    if (type && !/^text\/html(\s*;|$)/i.test(type)) { throw new Error("Refusing to redirect to non-html mimetype"); }
    document.write(await response.text());
    document.close();
  }
})();
