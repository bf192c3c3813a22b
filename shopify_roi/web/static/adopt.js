/* Bring your existing program: the shop's own discount codes, a suggested creator for those that look like
   one, adopted in bulk (POST /api/creators/adopt). Nothing is created or changed in the shop. Loaded before
   creators.js so that #/creators/adopt is not taken for a creator's handle. */
(function () {
  "use strict";
  var R = window.CreatorROI, h = R.h, api = R.api;
  var RESULT_BADGE = { adopted: "active", unchanged: "archived", refused: "failed" };

  function value(c) {
    if (c.value_type === "percentage") { return (Number(c.value) * 100).toLocaleString() + "% off"; }
    if (c.value_type === "fixed_amount") { return c.value + " off"; }
    return "—";
  }
  function day(iso) { return iso ? iso.slice(0, 10) : "—"; }

  function row(c) {
    var s = c.suggested || {};
    var box = h("input", { type: "checkbox", "aria-label": "Adopt " + (c.code || c.title), checked: !!c.suggested, disabled: !c.adoptable });
    var handle = h("input.small", { value: s.handle || "", "aria-label": "Handle for " + c.code, disabled: !c.adoptable, size: 10 });
    var name = h("input.small", { value: s.name || "", "aria-label": "Name for " + c.code, disabled: !c.adoptable, size: 12 });
    var pct = h("input.small", { value: "0", inputmode: "decimal", "aria-label": "Commission % for " + c.code, disabled: !c.adoptable, size: 4 });
    var result = h("td.result", c.adoptable ? "" : h("span.muted", c.reason));
    var tr = h("tr", { dataset: { code: c.code || "", discountId: c.discount_id } },
      h("td", box), h("td", h("strong", c.code || c.title), h("span.sub", c.status.toLowerCase() + " · " + value(c))),
      h("td", String(c.usage_count)), h("td", day(c.starts_at) + " → " + day(c.ends_at)),
      h("td", handle), h("td", name), h("td", pct), result);
    tr.pick = function () {
      if (!box.checked || box.disabled) { return null; }
      return { discount_id: c.discount_id, handle: handle.value.trim(), name: name.value.trim(), commission_percent: pct.value.trim() || "0" };
    };
    tr.show = function (r) {
      var badge = h("span.badge." + (RESULT_BADGE[r.status] || "pending"), { dataset: { result: r.status } }, r.status);
      result.replaceChildren.apply(result, r.error ? [badge, h("span.sub", r.error)] : [badge]);
      if (r.status !== "refused") { box.checked = false; box.disabled = true; }
    };
    return tr;
  }

  R.route(/^\/creators\/adopt$/, async function () {
    var data = await api("/api/discounts/existing");
    var rows = data.codes.map(row);
    function header(actions) { return R.pageHeader("Adopt existing codes", { back: { href: "#/creators", label: "Creators" }, actions: actions }); }
    var intro = h("p.muted", { id: "adopt-help" }, "The discount codes already in your shop. Tick the ones that belong to a creator, check the suggested handle and name, and adopt them: " +
      "each is linked to a new creator as it is (nothing is created or changed in your shop), and its past orders count for that creator once your order history is imported.");
    if (!rows.length) {
      return h("div.stack", header([]), h("section.card.empty-state", h("p.muted", "Your shop has no discount codes yet.")));
    }
    var button = h("button.button.primary", { type: "button", id: "adopt-selected" }, "Adopt selected");
    button.addEventListener("click", async function () {
      var picked = [], targets = [];
      rows.forEach(function (tr) { var p = tr.pick(); if (p) { picked.push(p); targets.push(tr); } });
      if (!picked.length) { R.flash("Tick at least one code to adopt.", "warning"); return; }
      button.disabled = true;
      try {
        var answer = await api("/api/creators/adopt", { json: { codes: picked } });
        answer.results.forEach(function (r, i) { targets[i].show(r); });
        R.flash(answer.adopted + " adopted · " + answer.unchanged + " unchanged · " + answer.refused + " refused", answer.refused ? "warning" : "success");
      } catch (err) { R.flash((err.body && err.body.message) || "Something went wrong. Try again.", "critical"); }
      button.disabled = false;
    });
    var table = h("div.table-scroll", { tabindex: "0", role: "region", "aria-label": "Discount codes in your shop" },
      h("table.data-table", { id: "adopt-table" }, h("thead", h("tr", h("th", h("span.visually-hidden", "Adopt")), ["Code", "Used", "Dates", "Handle", "Name", "Commission %", "Result"].map(function (t) { return h("th", t); }))),
        h("tbody", rows)));
    var after = h("p.muted", "Adopted creators appear on the ", h("a", { href: "#/roi" }, "ROI page"), " as soon as their past orders are attributed.");
    return h("div.stack", header([button]), intro, h("section.card", table), after);
  });
})();
