/* A creator's storefront funnel and product mix (the creator pixel), on the creator's ROI page:
   R.roi.funnelCard(body) and R.roi.productsCard(body), body = GET /api/metrics/creators/<handle>/funnel. */
(function () {
  "use strict";
  var R = window.CreatorROI, h = R.h, X = R.roi, F = X.F;
  var STEPS = {
    visits: ["Visits", "Storefront sessions the pixel saw with this creator known: arriving through the creator's link, or coming back later while the pixel remembered the creator (within the attribution window)."],
    product_views: ["Product views", "Of those sessions, the ones that viewed at least one product (a session counts once, however many products it viewed)."],
    add_to_carts: ["Added to cart", "Sessions that added at least one product to the cart."],
    checkouts: ["Checkouts started", "Sessions that started a checkout."],
    orders: ["Orders", "Orders the pixel saw completed in those sessions that are attributed to this creator (a creator's code, the pixel or the link) and counted: revenue comes from Shopify's orders, never from the browser."],
  };
  X.DEF.funnel = "Each step counts sessions, once each; the conversion under a step is that step ÷ the step before it (\"—\" when the step before is 0).";
  X.DEF.product_mix = "The creator's attributed orders placed in the range, line by line: each product's revenue (price × quantity − discounts, without tax where prices include it) minus its returned items.";

  function off(pixel) {
    if (pixel && pixel.enabled) { return null; }
    return h("p.muted", { id: "funnel-off" }, "The creator pixel is off: turn it on in ",
      h("a", { href: "#/settings" }, "Settings"), " to follow each creator's visitors from their first visit to the order.");
  }

  X.funnelCard = function (body) {
    if (!body || body.error) {
      return h("section.card", { id: "funnel-card" }, h("h2", "Storefront funnel"), h("p.muted", "The funnel is unavailable right now."));
    }
    var steps = body.funnel.steps, top = steps[0].count || 0;
    var rows = steps.map(function (s) {
      var def = STEPS[s.step], width = top ? Math.max(s.count ? 2 : 0, Math.round(100 * s.count / top)) : 0;
      var bar = h("div.funnel-bar", { "aria-hidden": "true" });
      bar.style.width = width + "%";  // through the CSSOM: the page's CSP refuses style attributes
      return h("tr", { dataset: { step: s.step } },
        h("th", { scope: "row", title: def[1] }, def[0]),
        h("td.bar-cell", bar),
        h("td.num", { dataset: { count: s.step } }, F.int(s.count)),
        h("td.num", { title: s.conversion === null && s.step !== "visits" ? "The step before is 0: no conversion to show." : X.DEF.funnel },
          s.step === "visits" ? "" : F.pct(s.conversion)));
    });
    return h("section.card", { id: "funnel-card" },
      h("h2", { title: X.DEF.funnel }, "Storefront funnel (creator pixel)"),
      off(body.pixel),
      h("table.data-table.compact.funnel", { id: "funnel-table" },
        h("caption.muted.small", "Sessions from this creator's visitors, step by step. Net revenue of the orders: " + F.money(body.funnel.net_revenue) +
          " · visit to order " + F.pct(body.funnel.visit_to_order) + ". Conversion: each step ÷ the step before."),
        h("thead", h("tr", h("th", { scope: "col" }, "Step"), h("th.bar-cell", { scope: "col" }, h("span.visually-hidden", "Bar")),
          h("th.num", { scope: "col" }, "Sessions"), h("th.num", { scope: "col", title: X.DEF.funnel }, "Conversion"))),
        h("tbody", rows)),
      h("p.muted.small", "Each step counts a session once. Orders and revenue come from Shopify's order webhooks, net of returns; the browser is never trusted for money."));
  };

  X.productsCard = function (body) {
    var products = (body && body.products) || [];
    return h("section.card", { id: "products-card" }, h("h2", { title: X.DEF.product_mix }, "What their customers bought"),
      !products.length ? h("p.muted", "No attributed orders in this range yet.") :
        h("table.data-table.compact", { id: "products-table" },
          h("thead", h("tr", h("th", { scope: "col" }, "Product"), h("th.num", { scope: "col" }, "Units"),
            h("th.num", { scope: "col" }, "Returned"), h("th.num", { scope: "col", title: X.DEF.product_mix }, "Net revenue"))),
          h("tbody", products.map(function (p) {
            return h("tr", h("td", p.title), h("td.num", F.int(p.units)), h("td.num", F.int(p.returned_units)), h("td.num", F.money(p.net_revenue)));
          }))),
      h("p.muted.small", X.DEF.product_mix));
  };
})();
