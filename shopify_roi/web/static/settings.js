/* The Settings tab (#/settings): the scorecard's targets and the gross margin (GET/PUT /api/settings), the
   order of the attribution rules (GET/PUT /api/attribution-policy: every held order is attributed again),
   and the shop's currency and time zone as Shopify gives them (GET /api/shop, shown, not edited here).
   Rates and the margin are entered as percents and sent as fractions. A refused save shows each field's
   reason in red beside it, and a banner, until the next save; nothing auto-dismisses. The form is under
   Shopify's contextual save bar (R.saveBar): a change shows it in the admin, Save there submits, Discard
   puts the saved values back; a refused save shows it again. */
(function () {
  "use strict";
  var R = window.CreatorROI, h = R.h, api = R.api;

  var TARGETS = [
    ["roas_min", "Minimum ROAS", "", "Net revenue ÷ spend a creator should reach (default 3.0)."],
    ["conversion_rate_min", "Conversion rate from", "%", "Attributed orders ÷ clicks: the low end of the range (default 1.5 %)."],
    ["conversion_rate_max", "Conversion rate to", "%", "The high end: a rate above it is shown as above the range (default 5 %)."],
    ["redemption_rate_min", "Redemption rate from", "%", "Orders with the creator's code ÷ clicks: the low end (default 2 %)."],
    ["redemption_rate_max", "Redemption rate to", "%", "The high end (default 10 %)."],
    ["aov_min", "Minimum average order value", "money", "Revenue ÷ orders, in the shop's currency (default 70)."],
    ["repeat_rate_90d_min", "Minimum 90-day repeat rate", "%", "Acquired customers who ordered again within 90 days (default 15 %)."],
  ];
  var PRECEDENCE = [["code,pixel,link", "A creator's discount code first, then the creator the pixel remembered, then their link (ref / utm_content)"],
    ["pixel,link,code", "The creator the visitor came through first (remembered by the pixel, else the link), then their discount code"]];

  /* "0.015" -> "1.5"; "1.5" -> "0.015" (exact to 4 decimals of the fraction, as the API takes them). */
  function toPercent(fraction) { return fraction === null || fraction === undefined ? "" : String(Number((Number(fraction) * 100).toFixed(4))); }
  function fromPercent(text) {
    var t = String(text).trim();
    if (t === "") { return ""; }
    if (!/^\d+(\.\d+)?$/.test(t)) { return t; }  // the API names what is wrong with it
    return String(Number((Number(t) / 100).toFixed(6)));
  }

  function field(name, label, control, help) {
    return h("div.field", { dataset: { field: name } }, h("label", { for: "s-" + name }, label), control,
      help ? h("div.help", { id: "s-" + name + "-help" }, help) : null);
  }
  function numberInput(name, value, unit) {
    return h("div.input-unit", h("input", { id: "s-" + name, name: name, inputmode: "decimal", value: value,
      "aria-describedby": "s-" + name + "-help" }), unit ? h("span.unit", { "aria-hidden": "true" }, unit) : null);
  }
  function clearErrors(form) {
    form.querySelectorAll(".field").forEach(function (f) { f.classList.remove("error"); var t = f.querySelector(".error-text"); if (t) { t.remove(); } });
    form.querySelector(".form-banner").replaceChildren();
  }
  function showErrors(form, err) {
    clearErrors(form);
    var fields = (err.body && err.body.fields) || {};
    Object.keys(fields).forEach(function (key) {
      var f = form.querySelector('[data-field="' + key.replace(/^targets\./, "").replace(/^creator_pixel\./, "pixel_") + '"]');
      if (f) { f.classList.add("error"); f.appendChild(h("div.error-text", { role: "alert" }, fields[key])); }
    });
    form.querySelector(".form-banner").replaceChildren(h("div.banner.critical", { role: "alert" }, h("strong", "Not saved. "),
      (err.body && err.body.message) || (err.message) || "Try again."));
  }

  /* -- In your Shopify admin: features that write to the shop, each off until the merchant turns it on ----
     Each needs optional scopes (shopify.app.toml's optional_scopes), asked for with App Bridge's scopes API
     when it is turned on (shopify.dev "Scopes API": request(scopes) -> {result: "granted-all" | "declined-all"});
     declined, nothing changes. The settings answer carries each as {enabled, missing_scopes}; a feature
     the answer does not name is not shown. Turned on, the app writes at once once Shopify confirms access. */
  var FEATURES = [
    ["creator_pixel", "Creator pixel on your storefront",
      "A Shopify web pixel remembers which creator sent each visitor (for the window set under Attribution) and follows " +
      "the visit to the order: a visitor who comes back later without the link is still the creator's, and each creator " +
      "gets a funnel (visits, product views, add-to-carts, checkouts, orders) on their ROI page. It follows your store's " +
      "cookie consent: without analytics consent nothing is remembered or sent."],
    ["creator_metafields", "Creators in Shopify's reports and segments",
      "Each attributed order gets its creator, campaign and attribution rule, and each customer the creator who " +
      "acquired them, as fields Shopify's own reports can group by (Analytics > Reports: sales by creator) and " +
      "customer segments can filter on (e.g. “acquired by @maya” for an email flow)."],
    ["marketing_activities", "Creators in Shopify's Marketing reports",
      "Each creator in each campaign is a marketing activity in Shopify (Marketing), with every day's spend, " +
      "clicks, orders, sales and new customers, as this page counts them; a day is sent again when returns change it."],
    ["flow_triggers", "Shopify Flow triggers",
      "Creator ROI starts your Flow workflows when an order is attributed to a creator, when a code looks leaked, " +
      "and when a creator falls below their ROAS target over the last 30 days."],
    ["analytics_annotations", "Campaigns on Shopify's analytics timeline",
      "Each campaign's start and end are marked on your Shopify analytics charts, and a campaign's revenue " +
      "target becomes a Shopify analytics target."],
  ];
  function scopeWords(list) { return list.map(function (x) { return x.replace(/_/g, " "); }).join(" and "); }
  function featureRow(key, title, help, state) {
    var status = h("span.badge." + (state.enabled ? "active" : "archived"), { dataset: { state: key } }, state.enabled ? "On" : "Off");
    var note = h("p.feature-note", { role: "status", "aria-live": "polite" });
    var button = h("button.button." + (state.enabled ? "secondary" : "primary") + ".small", { type: "button", dataset: { feature: key } },
      state.enabled ? "Turn off" : "Turn on");
    function say(text, kind) { note.className = "feature-note" + (kind ? " banner " + kind : ""); note.textContent = text; }
    function show(next) {
      state = next;
      status.textContent = next.enabled ? "On" : "Off";
      status.className = "badge " + (next.enabled ? "active" : "archived");
      button.textContent = next.enabled ? "Turn off" : "Turn on";
      button.className = "button small " + (next.enabled ? "secondary" : "primary");
    }
    button.addEventListener("click", async function () {
      button.disabled = true;
      try {
        if (!state.enabled && (state.missing_scopes || []).length) {
          var scopes = window.shopify && window.shopify.scopes;
          if (!scopes || typeof scopes.request !== "function") { say("Open Creator ROI from your Shopify admin: Shopify asks you for access there.", "critical"); return; }
          say("Shopify asks you to allow " + scopeWords(state.missing_scopes) + "…");
          var answer = await scopes.request(state.missing_scopes);
          if (!answer || answer.result !== "granted-all") { say("You declined: nothing changed. You can turn it on at any time.", "info"); return; }
        }
        var body = {}; body[key] = { enabled: !state.enabled };
        var saved = await api("/api/settings", { method: "PUT", json: body });
        show(saved[key] || { enabled: !state.enabled, missing_scopes: [] });
        say(state.enabled ? "On. Creator ROI writes it to your shop now and keeps it up to date." :
          "Off. Nothing more is written; what was written stays until you remove the app's access in Shopify.", "success");
      } catch (err) {
        say("Not changed: " + ((err.body && err.body.message) || err.message || "try again."), "critical");
      } finally { button.disabled = false; }
    });
    if (state.error) { say(state.error, "critical"); }  // e.g. Shopify refused the web pixel: the reason
    return h("li.feature", { dataset: { featureRow: key } },
      h("div.feature-head", h("strong", title), " ", status, button),
      h("p.muted", help, (state.missing_scopes || []).length && !state.enabled ? " Needs your permission to " + scopeWords(state.missing_scopes) + "." : ""),
      note);
  }
  function featuresCard(settings) {
    var rows = FEATURES.filter(function (f) { return settings[f[0]]; })
      .map(function (f) { return featureRow(f[0], f[1], f[2], settings[f[0]]); });
    if (!rows.length) { return null; }
    return h("section.card", { id: "shopify-features" }, h("h2", "In your Shopify admin"),
      h("p.muted", "Put creators where you already look in Shopify. Each is off until you turn it on; Shopify asks you for the access it needs."),
      h("ul.features", rows));
  }

  R.route(/^\/settings$/, async function () {
    var got = await Promise.all([api("/api/settings"), api("/api/attribution-policy"), api("/api/shop")]);
    var settings = got[0], policy = got[1], shop = got[2];
    var current = policy.precedence.join(",");
    var targetFields = TARGETS.map(function (t) {
      var value = settings.targets[t[0]];
      return field(t[0], t[1], numberInput(t[0], t[2] === "%" ? toPercent(value) : (value || ""), t[2] === "money" ? shop.currency : t[2]), t[3]);
    });
    var margin = field("gross_margin", "Gross margin", numberInput("gross_margin", toPercent(settings.gross_margin), "%"),
      "What is left of revenue after the cost of goods, in percent. With it, each creator's breakeven CAC (margin × AOV) is shown; empty: not shown.");
    var precedence = field("precedence", "Which signal wins when an order has both", h("select", { id: "s-precedence", name: "precedence", "aria-describedby": "s-precedence-help" },
      PRECEDENCE.map(function (p) { return h("option", { value: p[0], selected: p[0] === current }, p[1]); })),
      "Changing it attributes every order the app holds again (a minute or two); the figures follow. The pixel's creator counts only while the creator pixel is on.");
    var pixel = settings.creator_pixel || { window_days: 30 };
    var windowField = field("pixel_window_days", "Creator pixel: remember a creator for", numberInput("pixel_window_days", String(pixel.window_days), "days"),
      "Days after a visit through a creator's link during which the pixel still gives that visitor's orders to the creator (1–90).");
    var save = h("button.button.primary", { type: "submit" }, "Save");
    var form = h("form.stack", { id: "settings-form", novalidate: true },
      h("div.form-banner"),
      h("section.card", h("h2", "Targets of the scorecard"),
        h("p.muted", "Each creator's figure is green when it meets its target, red below it, amber above a range."),
        h("div.form-grid", targetFields)),
      h("section.card", h("h2", "Costs"), h("div.form-grid", margin)),
      h("section.card", h("h2", "Attribution"), precedence, h("div.form-grid", windowField)),
      h("section.card", { id: "shop-facts" }, h("h2", "Your shop"),
        h("dl.facts", h("dt", "Currency"), h("dd", { dataset: { fact: "currency" } }, shop.currency || "—"),
          h("dt", "Time zone"), h("dd", { dataset: { fact: "timezone" } }, shop.timezone || "—")),
        h("p.muted", "Figures are in the shop's currency and days in its time zone, as set in Shopify (Settings > General); a change there reaches the app by itself.")),
      h("div.actions", save));
    R.saveBar(form);  // Shopify's save bar while a field differs from what is saved (app.js)
    form.addEventListener("reset", function () { clearErrors(form); });  // Discard: the saved values again
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      save.disabled = true;
      var targets = {};
      TARGETS.forEach(function (t) {
        var raw = form.querySelector("#s-" + t[0]).value;
        targets[t[0]] = t[2] === "%" ? fromPercent(raw) : String(raw).trim();
      });
      try {
        var days = String(form.querySelector("#s-pixel_window_days").value).trim();
        var body = { targets: targets, gross_margin: fromPercent(form.querySelector("#s-gross_margin").value) || null };
        if (days !== String(pixel.window_days)) { body.creator_pixel = { window_days: /^[0-9]{1,3}$/.test(days) ? Number(days) : days }; }
        await api("/api/settings", { method: "PUT", json: body });
        if (body.creator_pixel) { pixel.window_days = Number(days); }
        var chosen = form.querySelector("#s-precedence").value;
        if (chosen !== current) {
          await api("/api/attribution-policy", { method: "PUT", json: { precedence: chosen.split(",") } });
          current = chosen;
        }
        clearErrors(form);
        R.saved(form);
        form.querySelector(".form-banner").replaceChildren(h("div.banner.success", { role: "status" }, h("strong", "Settings saved. "), "The ROI page uses them from now on."));
      } catch (err) { showErrors(form, err); R.notSaved(form); }
      finally { save.disabled = false; }
    });
    return h("div.stack", { id: "settings-page" }, h("div.toolbar", h("h2", "Settings")), form, featuresCard(settings));
  });
})();
