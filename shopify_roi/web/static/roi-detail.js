/* A creator's ROI (#/roi/<handle>?from&to): headline figures, the cohort's repeat and LTV curve,
   spend lines (add, edit, delete), codes and links, net revenue over time and the orders behind
   every number. Uses the shared pieces of roi.js (R.roi). */
(function () {
  "use strict";
  var R = window.CreatorROI, h = R.h, api = R.api, C = R.charts, X = R.roi, F = X.F, DEF = X.DEF;
  var KINDS = [["fee", "Fee"], ["seeding", "Seeding"], ["other", "Other"]];
  var PERIODS = [["date", "On its date"], ["dates", "Spread over dates"], ["month", "Over a month (retainer)"], ["campaign", "Covers its campaign's dates"]];

  function figures(r, targets) {
    var card = X.card, s = function (key) { return X.scored(r, key, targets); };
    return h("div.metrics.six", { id: "creator-figures" },
      card("net_revenue", "Net revenue", F.money(r.net_revenue), "revenue " + F.money(r.revenue) + " − returns " + F.money(r.returns)),
      card("orders", "Orders", F.int(r.orders), "CPA " + F.money(r.cpa)),
      card("spend", "Spend", F.money(r.spend), [["fees", r.fees], ["seeding", r.seeding], ["commission", r.commission], ["other", r.other_costs]]
        .filter(function (p) { return !X.isZero(p[1]); }).map(function (p) { return p[0] + " " + F.money(p[1]); }).join(" · ") || "nothing recorded in range",
        { note: "Fees " + F.money(r.fees) + " · seeding " + F.money(r.seeding) + " · commission " + F.money(r.commission) + " · other " + F.money(r.other_costs) }),
      card("roas", "ROAS", F.ratio(r.roas), "gross " + F.ratio(r.gross_roas), { cls: s("roas").cls, note: s("roas").note }),
      card("roi", "ROI", F.pct(r.roi), "ROAS − 1"),
      card("new_customers", "New customers", F.int(r.new_customers), "of " + F.count(r.orders, "order")),
      card("cac", "CAC", F.money(r.cac), r.breakeven_cac ? "breakeven " + F.money(r.breakeven_cac) : "spend ÷ new customers",
        { note: r.breakeven_cac ? "Breakeven CAC: " + DEF.breakeven_cac : "" }),
      card("return_rate", "Return rate", F.pct(r.return_rate), "returns " + F.money(r.returns) + " · " + F.pct(r.refund_order_rate) + " of orders refunded"),
      card("aov", "AOV", F.money(r.aov), X.targetText("aov", targets), { cls: s("aov").cls, note: s("aov").note }),
      card("repeat_rate_90d", "Repeat 90 d", F.pct(r.repeat_rate_90d),
        (r.mature_customers !== undefined ? F.int(r.mature_customers) + " mature · " : "") + F.int(r.immature_customers || 0) + " not yet mature",
        { cls: s("repeat_rate_90d").cls, note: s("repeat_rate_90d").note }),
      card("conversion_rate", "Conversion", F.pct(r.conversion_rate), F.count(r.clicks || 0, "click") + " · redemption " + F.pct(r.redemption_rate),
        { cls: s("conversion_rate").cls, note: [s("conversion_rate").note, "Redemption rate: " + DEF.redemption_rate].join("\n") }),
      card("discounts_given", "Discounts given", F.money(r.discounts_given), X.isZero(r.contested_revenue) ? "nothing contested" : F.money(r.contested_revenue) + " contested",
        { note: DEF.contested_revenue }));
  }

  function cohortCard(cohort) {
    var rows = (cohort || []).slice().sort(function (a, b) { return a.days - b.days; });
    var acquired = rows.length ? rows[0].mature_customers + rows[0].immature_customers : 0;
    var body = !rows.length || !acquired ? h("p.muted", "No customers acquired in this range yet: repeat purchases and LTV start with the first new customer.")
      : [C.columns(rows.map(function (c) {
        return { label: c.days + " days", value: c.ltv === null ? null : parseFloat(c.ltv), text: c.ltv === null ? "not mature" : F.money(c.ltv),
          sub: c.repeat_rate === null ? "repeat —" : "repeat " + F.pct(c.repeat_rate) };
      }), { title: "LTV and repeat share of acquired customers by days since their first order", money: F.axisMoney }),
      h("table.data-table.compact", { id: "cohort-table" },
        h("thead", h("tr", h("th", "Within"), h("th.num", { title: "Acquired at least N days before the as-of date." }, "Mature"),
          h("th.num", { title: "Acquired less than N days before the as-of date: not in the figures yet." }, "Not yet mature"),
          h("th.num", "Ordered again"), h("th.num", { title: "Share of mature customers who ordered again within N days of their first order." }, "Repeat share"),
          h("th.num", { title: DEF.ltv }, "LTV"))),
        h("tbody", rows.map(function (c) {
          return h("tr", h("td", c.days + " days"), h("td.num", F.int(c.mature_customers)), h("td.num", F.int(c.immature_customers)),
            h("td.num", F.int(c.repeat_customers)), h("td.num", F.pct(c.repeat_rate)), h("td.num", { title: DEF.ltv.replace(/N days/, c.days + " days") }, F.money(c.ltv)));
        })))];
    return h("section.card", { id: "cohort-card" }, h("h2", { title: DEF.ltv }, "Customers acquired: repeat purchases and LTV"),
      h("p.muted.small", "The customers whose first order in this range came through this creator, followed for up to a year, whatever the range's end."), body);
  }

  /* -- spend lines ------------------------------------------------------------------------------- */
  function spendForm(entry, campaigns, onSave, onCancel) {
    var v = entry || {};
    var campaignName = (campaigns.filter(function (c) { return c.id === v.campaign_id; })[0] || {}).name || "";
    var f = {
      kind: h("select", { name: "kind", "aria-label": "Kind" }, KINDS.map(function (k) { return h("option", { value: k[0], selected: k[0] === (v.kind || "fee") }, k[1]); })),
      date: h("input", { name: "date", type: "date", "aria-label": "Date", value: v.date || "", required: true }),
      amount: h("input", { name: "amount", inputmode: "decimal", "aria-label": "Amount", placeholder: "300.00", value: v.kind !== "seeding" && v.amount ? v.amount : "" }),
      units: h("input", { name: "units", inputmode: "numeric", "aria-label": "Units", placeholder: "units", value: v.units === null || v.units === undefined ? "" : v.units }),
      unit_cost: h("input", { name: "unit_cost", inputmode: "decimal", "aria-label": "Unit cost", placeholder: "unit cost", value: v.unit_cost || "",
        title: "Cost per item. Leave it empty and give the product variant's id to use the cost recorded in Shopify." }),
      variant_id: h("input", { name: "variant_id", inputmode: "numeric", "aria-label": "Shopify variant id", placeholder: "or variant id",
        title: "The product variant's id (in the Shopify admin's variant URL): its cost per item is read from Shopify." }),
      shipping: h("input", { name: "shipping", inputmode: "decimal", "aria-label": "Shipping", placeholder: "shipping", value: v.shipping || "" }),
      note: h("input", { name: "note", "aria-label": "Note", placeholder: "note (optional)", value: v.note || "" }),
      campaign: h("select", { name: "campaign", "aria-label": "Campaign" }, h("option", { value: "" }, "no campaign"),
        campaigns.map(function (c) { return h("option", { value: c.name, selected: c.name === campaignName }, c.name); })),
      period: h("select", { name: "period", "aria-label": "Counts", title: "A fee over a period is spread evenly over its days: a range takes the share of its days inside it." },
        PERIODS.map(function (p) { return h("option", { value: p[0], selected: p[0] === (v.period_start ? "dates" : "date") }, p[1]); })),
      period_start: h("input", { name: "period_start", type: "date", "aria-label": "Period from", value: v.period_start || "" }),
      period_end: h("input", { name: "period_end", type: "date", "aria-label": "Period to", value: v.period_end || "" }),
      month: h("input", { name: "month", type: "month", "aria-label": "Month", value: (v.period_start || "").slice(0, 7) }),
    };
    var seeding = h("span.seeding-fields", f.units, h("span.muted", "×"), f.unit_cost, f.variant_id, h("span.muted", "+"), f.shipping);
    var banner = h("div.form-banner");
    var span = h("span.period-fields", f.period_start, h("span.muted", "–"), f.period_end);
    function toggle() {
      var s = f.kind.value === "seeding"; seeding.hidden = !s; f.amount.hidden = s;
      var p = f.period.value; f.date.hidden = p !== "date"; span.hidden = p !== "dates"; f.month.hidden = p !== "month";
    }
    f.kind.addEventListener("change", toggle); f.period.addEventListener("change", toggle);
    var form = h("form.spend-form", { novalidate: true }, banner,
      h("div.form-line", f.kind, f.period, f.date, span, f.month, f.amount, seeding, f.note, campaigns.length ? f.campaign : null,
        h("button.button.primary.small", { type: "submit" }, entry ? "Save" : "Add spend"),
        onCancel ? h("button.button.secondary.small", { type: "button", onclick: onCancel }, "Cancel") : null));
    toggle();
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var body = { kind: f.kind.value, note: f.note.value.trim(), campaign: f.campaign.value || null };
      Object.assign(body, periodOf(f));
      if (body.kind === "seeding") {
        body.units = f.units.value.trim(); body.unit_cost = f.unit_cost.value.trim(); body.shipping = f.shipping.value.trim();
        if (!body.unit_cost && f.variant_id.value.trim()) { body.variant_id = f.variant_id.value.trim(); }
      }
      else { body.amount = f.amount.value.trim(); }
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try { await onSave(body); }
      catch (err) {
        Object.keys(f).forEach(function (k) { f[k].classList.remove("invalid"); });
        var fields = (err.body && err.body.fields) || {};
        Object.keys(fields).forEach(function (k) { if (f[k]) { f[k].classList.add("invalid"); } });
        banner.replaceChildren(h("div.banner.critical", { role: "alert" }, X.errorText(err) + " " +
          Object.keys(fields).map(function (k) { return k.replace("_", " ") + " " + fields[k]; }).join("; ")));
      } finally { button.disabled = false; }
    });
    return form;
  }

  /* What the form's "Counts" choice sends: a date, a period's ends, a month's first and last days, or the
     campaign's dates (covers_campaign). */
  function periodOf(f) {
    var p = f.period.value;
    if (p === "dates") { return { period_start: f.period_start.value, period_end: f.period_end.value }; }
    if (p === "campaign") { return { covers_campaign: true }; }
    if (p === "month") {
      var m = /^(\d{4})-(\d{2})$/.exec(f.month.value);
      if (!m) { return { period_start: "", period_end: "" }; }
      var last = new Date(Date.UTC(+m[1], +m[2], 0)).getUTCDate();
      return { period_start: m[0] + "-01", period_end: m[0] + "-" + String(last).padStart(2, "0") };
    }
    return { date: f.date.value, period_start: null, period_end: null };
  }

  function spendCard(ctx) {
    var r = ctx.row, base = "/api/creators/" + encodeURIComponent(ctx.handle) + "/spend";
    var inRange = function (e) {
      return e.period_start ? e.period_start <= ctx.st.to && e.period_end >= ctx.st.from : e.date >= ctx.st.from && e.date <= ctx.st.to;
    };
    function detail(e) {
      var parts = [];
      if (e.kind === "seeding" && e.units !== null && e.units !== undefined) {
        parts.push(e.units + " × " + F.money(e.unit_cost) + (X.isZero(e.shipping) ? "" : " + " + F.money(e.shipping) + " shipping"));
      }
      if (e.period_start) { parts.push("spread over " + X.dateLabel(e.period_start, true) + " – " + X.dateLabel(e.period_end, true)); }
      var campaign = ctx.campaigns.filter(function (c) { return c.id === e.campaign_id; })[0];
      if (campaign) { parts.push(campaign.name); }
      if (e.note) { parts.push(e.note); }
      return parts.join(" · ");
    }
    var rows = ctx.spend.map(function (e) {
      var row = h("tr" + (inRange(e) ? "" : ".outside"), { dataset: { entry: e.id } },
        h("td.date", X.dateLabel(e.date, true), inRange(e) ? null : h("span.sub", "outside this range")),
        h("td", (KINDS.filter(function (k) { return k[0] === e.kind; })[0] || [0, e.kind])[1]),
        h("td.num", F.money(e.amount)), h("td.muted", detail(e)),
        h("td.actions-cell", h("button.button.secondary.small", { type: "button", onclick: function () {
          row.replaceChildren(h("td", { colspan: 5 }, spendForm(e, ctx.campaigns, async function (body) {
            await api(base + "/" + e.id, { method: "PATCH", json: body });
            R.flash("Spend entry saved."); await ctx.changed();
          }, function () { ctx.rerender(); })));
        } }, "Edit"), " ", h("button.button.secondary.small", { type: "button", "aria-label": "Delete the " + e.kind + " of " + e.date, onclick: async function () {
          if (!confirm("Delete this " + e.kind + " of " + F.money(e.amount) + " (" + e.date + ")?")) { return; }
          try { await api(base + "/" + e.id, { method: "DELETE" }); R.flash("Spend entry deleted."); await ctx.changed(); }
          catch (err) { R.flash(X.errorText(err), "critical"); }
        } }, "Delete")));
      return row;
    });
    var commissionNote = ctx.creator && ctx.creator.commission_percent ? ctx.creator.commission_percent + "% of net revenue" : "of net revenue";
    return h("section.card", { id: "spend-card" }, h("h2", { title: DEF.spend }, "Spend"),
      h("table.data-table.compact", { id: "spend-lines" },
        h("thead", h("tr", h("th", "Date"), h("th", "Kind"), h("th.num", "Amount"), h("th", "Detail"), h("th", h("span.visually-hidden", "Actions")))),
        h("tbody", rows.length ? rows : h("tr.empty", h("td", { colspan: 5 }, "No fees, seeding or other costs entered yet.")),
          h("tr.computed", { title: DEF.commission }, h("td", "in range"), h("td", "Commission"), h("td.num", F.money(r.commission)), h("td.muted", commissionNote + ", computed"), h("td"))),
        h("tfoot", h("tr", h("th", { colspan: 2, scope: "row" }, "Spend in this range"), h("td.num", h("strong", F.money(r.spend))), h("td", { colspan: 2 })))),
      h("h3", "Add spend"),
      spendForm(null, ctx.campaigns, async function (body) {
        await api(base, { json: body });
        R.flash("Spend entry added."); await ctx.changed();
      }),
      h("p.footnote", "An entry spread over a period (dates, a month, or its campaign's dates) counts in a range by the share of its days inside it: 3,000.00 over 30 days counts 1,000.00 in a range holding 10 of them. Seeding is units × unit cost + shipping; give a product variant's id instead of the unit cost to use its cost per item from Shopify. Discounts the code gives are not spend: they are already out of revenue."));
  }

  /* -- codes and links --------------------------------------------------------------------------- */
  function copyRow(label, text) {
    if (!text) { return h("div.copy-row", h("span.label", label), h("span.muted", "available when the code is active")); }
    var button = h("button.button.secondary.small", { type: "button", onclick: function () { R.copy(text, button); } }, "Copy");
    return h("div.copy-row", h("span.label", label), h("code", { title: text }, text), button);
  }
  /* A tracked link in words: its placement (utm_medium), campaign (utm_campaign) and where it leads. */
  var PLACED = { post: "In a post", story: "In a story", reel: "In a reel", video: "In a video", short: "In a short", live: "In a live stream",
    bio: "In the bio", newsletter: "In a newsletter", other: "Elsewhere" };
  function linkWords(l) {
    var where = l.target === "product" ? "product " + l.target_handle : l.target === "collection" ? "collection " + l.target_handle : "the home page";
    return (PLACED[l.placement] || "Placement " + l.placement) + " (" + l.placement + ")" +
      (l.campaign ? " · campaign " + l.campaign : " · no campaign") + " · opens " + where;
  }
  function codesCard(c) {
    if (!c) { return h("section.card", { id: "codes-card" }, h("h2", "Codes and links"), h("p.muted", "Unavailable right now.")); }
    var links = c.links || { tracked: [] };
    return h("section.card", { id: "codes-card" }, h("h2", "Codes and links"),
      c.code ? h("p", h("strong", c.code.code), " ", h("span.badge." + c.code.status, c.code.status),
        c.code.percent_off ? " · " + c.code.percent_off + "% off" : c.code.amount_off ? " · " + F.money(c.code.amount_off) + " off" : "",
        " · ", F.count(c.clicks || 0, "click") + " on tracked links") : h("p.muted", "No live code."),
      copyRow("Storefront", links.storefront), copyRow("Auto-apply", links.auto_apply),
      (links.tracked || []).map(function (l) {
        var button = h("button.button.secondary.small", { type: "button", onclick: function () { R.copy(l.short_url, button); } }, "Copy");
        return h("div.copy-row.tracked-link", { dataset: { link: l.id } }, h("span.label", "Tracked link"), h("code", { title: l.destination || l.short_url }, l.short_url), button,
          h("span.link-words", linkWords(l) + " · " + F.int(l.clicks) + (l.clicks === 1 ? " click" : " clicks")));
      }),
      (c.codes || []).length > 1 ? h("table.data-table.compact", { id: "code-history" },
        h("thead", h("tr", h("th", "Code history"), h("th", "Status"), h("th", "Since"), h("th", "Note"))),
        h("tbody", c.codes.map(function (k) {
          return h("tr", h("td", k.code), h("td", h("span.badge." + k.status, k.status)), h("td", k.created_at ? X.dateLabel(k.created_at.slice(0, 10), true) : "—"), h("td.muted", k.note || ""));
        }))) : null,
      h("p.footnote", "A paused or rotated code still attributes the orders that used it."));
  }

  /* -- the orders behind the numbers ------------------------------------------------------------- */
  function signalsText(sig) {
    var out = [];
    (sig.codes || []).forEach(function (code) { out.push("code " + code); });
    if (sig.pixel) { out.push("pixel remembered @" + sig.pixel); }
    if (sig.ref) { out.push("ref=" + sig.ref); }
    if (sig.utm_content && sig.utm_content !== sig.ref) { out.push("utm_content=" + sig.utm_content); }
    if (sig.utm_source) { out.push("utm_source=" + sig.utm_source); }
    if (sig.referring_site) { out.push("from " + String(sig.referring_site).replace(/^https?:\/\//, "").replace(/\/$/, "")); }
    return out.join(" · ") || "no signal";
  }
  var LIMIT = 50;  /* rows shown before "Show all": the sums below always cover every order */
  function ordersCard(orders, r, expanded, onExpand, onChange) {
    var counted = orders.filter(function (o) { return o.attributed && o.counted; });
    var sum = function (key) { return F.money(X.sumDec(counted.map(function (o) { return o[key]; }))); };
    var RULES = { code: "code", pixel: "pixel", link: "link", none: "none" };
    return h("section.card", { id: "orders-card", tabindex: "-1" }, h("h2", "Orders behind the numbers"),
      h("p.muted.small", "Every order attributed to this creator in the range, and those where their code, link or pixel signal lost to another creator (contested)."),
      orders.length ? h("div.table-scroll", h("table.data-table.compact", { id: "creator-orders" },
        h("thead", h("tr", ["Order", "Date", "Revenue", "Discounts", "Returns", "New customer", "Rule", "Signals", ""].map(function (t, i) {
          return h("th" + (i >= 2 && i <= 4 ? ".num" : ""), { title: i === 2 ? DEF.revenue : i === 4 ? DEF.returns : i === 6 ? X.DEF.attribution : null }, t);
        }))),
        h("tbody", orders.slice(0, expanded ? orders.length : LIMIT).map(function (o) {
          var flags = [];
          if (!o.attributed && o.contested_by_this_creator) { flags.push(h("span.badge.paused", { title: DEF.contested_revenue }, "contested, won by another")); }
          if (o.seeding) { flags.push(h("span.badge.info", { title: o.seeding === "tag" ? "Tagged creator-roi-seeding in Shopify: a gift to a creator, its cost is seeding spend, never a sale." : "Marked as seeding here: a gift to a creator, its cost is seeding spend, never a sale." }, "seeding")); }
          else if (!o.counted) { flags.push(h("span.badge.archived", { title: "Test or voided order: never counted." }, "not counted")); }
          if (o.attributed && (o.counted || o.seeding === "app")) { flags.push(X.seedingToggle(o, onChange)); }
          return h("tr" + (o.attributed ? "" : ".outside"), { dataset: { order: o.order_id } },
            h("td", h("a", { href: "shopify://admin/orders/" + encodeURIComponent(o.order_id), target: "_top", title: "Open this order in the Shopify admin" }, o.name || o.order_id)), h("td.date", X.dateLabel(o.local_date, true)), h("td.num", F.money(o.revenue)), h("td.num", F.money(o.discounts)),
            h("td.num", X.isZero(o.returns) ? F.money(o.returns) : h("span.neg", F.money(o.returns))), h("td", o.new_customer ? "Yes" : "No"),
            h("td", h("span.badge.rule-" + (RULES[o.rule] || "none"), o.rule)), h("td.signals", { title: JSON.stringify(o.signals) }, signalsText(o.signals || {})), h("td", flags));
        })),
        h("tfoot", h("tr", h("th", { scope: "row", colspan: 2 }, F.count(counted.length, "attributed order")), h("td.num", sum("revenue")), h("td.num", sum("discounts")),
          h("td.num", sum("returns")), h("td", { colspan: 4 }, h("span.muted", "net revenue " + F.money(r.net_revenue))))))) :
        h("p.muted", "No orders in this range."),
      orders.length > LIMIT && !expanded ? h("div.actions.center", h("button.button.secondary.small", { type: "button", id: "show-all-orders", onclick: onExpand },
        "Show all " + F.int(orders.length) + " orders")) : null);
  }

  /* -- the page ---------------------------------------------------------------------------------- */
  R.route(/^\/roi\/([^/]+)$/, async function (handle, query) {
    var st = X.readState(query), enc = encodeURIComponent(handle), seq = 0;
    function fetchRange(s) {
      return Promise.all([api("/api/metrics/creators/" + enc + "?" + X.apiQuery(s)),
        api("/api/metrics/timeseries?" + X.apiQuery(s, { handle: handle })).catch(function (err) { return { error: err }; }),
        api("/api/metrics/creators/" + enc + "/orders?" + X.apiQuery(s)).then(function (b) { return b.orders; }),
        api("/api/metrics/creators/" + enc + "/funnel?" + X.apiQuery(s)).catch(function (err) { return { error: err }; }),
        api("/api/creators/" + enc + "/posts?" + X.apiQuery(s)).catch(function (err) { return { error: err }; })]);
    }
    var first = await Promise.all([fetchRange(st), api("/api/creators/" + enc).catch(function () { return null; }),
      api("/api/creators/" + enc + "/spend").then(function (b) { return b.entries; }), X.campaigns(true)]);
    var det = first[0][0], series = first[0][1], orders = first[0][2], funnel = first[0][3], posts = first[0][4], creator = first[1], spend = first[2], campaigns = first[3];
    var key = X.fetchKey(st), showAll = false;

    var title = h("span", { id: "creator-title" });
    var header = R.pageHeader(title, { back: { href: "#/roi?" + X.queryOf(st, true), label: "ROI" },
      actions: [h("a.button.secondary", { href: "#/creators/" + enc }, "Manage creator")] });
    var back = header.querySelector("a.back-link");
    var bar = X.rangeToolbar("/roi/" + handle, st, campaigns);
    var body = h("div.stack", { id: "creator-body" });
    var el = h("div.stack.roi", { id: "roi-detail" }, header, h("section.card.controls", bar), body);

    function render() {
      var r = det.creator;
      X.setCurrency(det.currency);
      back.href = "#/roi?" + X.queryOf(st, true);
      title.replaceChildren(h("span", r.name + " ", h("span.muted", "@" + r.handle + (r.code ? " · " + r.code : "")),
        r.status === "archived" ? [" ", h("span.badge.archived", "archived")] : null, " ", h("span.muted.small", X.rangeLabel(det.from, det.to) + (det.currency ? " · " + det.currency : ""))));
      var ctx = { handle: handle, row: r, st: st, spend: spend, campaigns: campaigns, creator: creator, rerender: render, changed: refreshAll };
      body.replaceChildren(
        r.leak_warning ? X.leakBanner(r, refreshAll) : "",
        r.orders === 0 ? h("div.banner.info", { id: "creator-no-sales", role: "status" }, h("strong", "No sales from " + r.name + " between " + X.rangeLabel(st.from, st.to) + ". "),
          "Widen the range, or share " + r.name + "'s code and links (below): orders show here within a minute of checkout.") : "",
        figures(r, det.targets),
        h("div.layout", cohortCard(det.cohort), spendCard(ctx)),
        h("div.layout", h("section.card", { id: "creator-series-card" }, h("h2", "Net revenue over time"),
          series.error ? h("p.muted", "The revenue chart is unavailable: " + X.errorText(series.error)) : X.seriesChart(series, "Net revenue of " + r.name + " over time", true)),
          codesCard(creator)),
        X.postsCard(posts, ctx),
        h("div.layout", X.funnelCard(funnel), X.productsCard(funnel)),
        ordersCard(orders, r, showAll, function () { showAll = true; render(); }, refreshAll));
      X.ready(st);
    }
    async function load(s) {
      var mine = ++seq, got = await fetchRange(s);
      if (mine !== seq) { return false; }
      det = got[0]; series = got[1]; orders = got[2]; funnel = got[3]; posts = got[4]; key = X.fetchKey(s);
      return true;
    }
    async function refreshAll() {
      var more = await Promise.all([load(st), api("/api/creators/" + enc + "/spend").then(function (b) { return b.entries; }),
        api("/api/creators/" + enc).catch(function () { return creator; })]);
      spend = more[1]; creator = more[2];
      render();
    }
    el.update = async function (q) {
      var next = X.readState(q);
      bar.sync(next);
      var refetch = X.fetchKey(next) !== key;
      st = next;
      if (refetch) {
        body.classList.add("loading");
        try { if (!(await load(next))) { return; } } finally { body.classList.remove("loading"); }
      }
      render();
      showOrders(q);
    };
    // "See the orders" (?show=orders): the page opens at the orders behind the numbers, once it is shown;
    // ?show=spend (the creator's Edit form, for fees) opens it at the spend lines.
    var SHOWN = { orders: "orders-card", spend: "spend-card" };
    function showOrders(q) {
      if (!SHOWN[q.get("show")]) { return; }
      setTimeout(function () {
        var target = document.getElementById(SHOWN[q.get("show")]);
        if (target) { target.scrollIntoView({ block: "start" }); target.focus({ preventScroll: true }); }
      }, 0);
    }
    render();
    showOrders(query);
    return el;
  });
})();
