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
  var PRECEDENCE = [["code,link", "A creator's discount code first, then their link (ref / utm_content)"],
    ["link,code", "A creator's link first, then their discount code"]];

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
      var f = form.querySelector('[data-field="' + key.replace(/^targets\./, "") + '"]');
      if (f) { f.classList.add("error"); f.appendChild(h("div.error-text", { role: "alert" }, fields[key])); }
    });
    form.querySelector(".form-banner").replaceChildren(h("div.banner.critical", { role: "alert" }, h("strong", "Not saved. "),
      (err.body && err.body.message) || (err.message) || "Try again."));
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
      "Changing it attributes every order the app holds again (a minute or two); the figures follow.");
    var save = h("button.button.primary", { type: "submit" }, "Save");
    var form = h("form.stack", { id: "settings-form", novalidate: true },
      h("div.form-banner"),
      h("section.card", h("h2", "Targets of the scorecard"),
        h("p.muted", "Each creator's figure is green when it meets its target, red below it, amber above a range."),
        h("div.form-grid", targetFields)),
      h("section.card", h("h2", "Costs"), h("div.form-grid", margin)),
      h("section.card", h("h2", "Attribution"), precedence),
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
        await api("/api/settings", { method: "PUT", json: { targets: targets, gross_margin: fromPercent(form.querySelector("#s-gross_margin").value) || null } });
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
    return h("div.stack", { id: "settings-page" }, h("div.toolbar", h("h2", "Settings")), form);
  });
})();
