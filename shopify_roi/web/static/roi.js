/* The ROI page (#/roi): date range and campaign in the hash, headline figures, the baseline apart,
   the sortable creator table with its scorecard, code-leak warnings, charts and freshness.
   Shared pieces (formatting, definitions, the range toolbar) are R.roi, used by roi-detail.js.
   Figures arrive as exact decimal strings and are rounded here for display only, half up. */
(function () {
  "use strict";
  var R = window.CreatorROI, h = R.h, api = R.api, C = R.charts;
  var MINUS = "\u2212", DASH = "—";

  /* -- exact decimal display (METRICS.md: half up, away from zero; "—" where undefined) -------- */
  function round(text, places, shift) {
    if (text === null || text === undefined || text === "") { return null; }
    var m = /^\s*([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(String(text));
    if (!m || (m[2] === "" && !m[3])) { return null; }
    var fp = m[3] || "", digits = BigInt((m[2] || "0") + fp);
    var diff = fp.length - parseInt(m[4] || "0", 10) - (shift || 0) - places, n;
    if (diff <= 0) { n = digits * BigInt(10) ** BigInt(-diff); }
    else {
      var p = BigInt(10) ** BigInt(diff);
      n = digits / p;
      if ((digits % p) * BigInt(2) >= p) { n += BigInt(1); }
    }
    var str = n.toString().padStart(places + 1, "0");
    var out = places ? str.slice(0, -places) + "." + str.slice(-places) : str;
    return (m[1] === "-" && n !== BigInt(0) ? "-" : "") + out;
  }
  function group(str) {
    var neg = str.charAt(0) === "-", body = neg ? str.slice(1) : str, dot = body.indexOf(".");
    var ip = dot < 0 ? body : body.slice(0, dot), rest = dot < 0 ? "" : body.slice(dot);
    return (neg ? MINUS : "") + ip.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + rest;
  }
  var currency = "USD", symbols = {};
  function symbol() {
    if (!(currency in symbols)) {
      try {
        var part = new Intl.NumberFormat("en", { style: "currency", currency: currency }).formatToParts(0)
          .filter(function (p) { return p.type === "currency"; })[0];
        symbols[currency] = part ? part.value : currency + " ";
      } catch (e) { symbols[currency] = currency + " "; }
    }
    return symbols[currency];
  }
  var F = {
    money: function (v) {
      var r = round(v, 2);
      if (r === null) { return DASH; }
      var g = group(r);
      return g.charAt(0) === MINUS ? MINUS + symbol() + g.slice(1) : symbol() + g;
    },
    signedMoney: function (v) { var r = round(v, 2); return r === null ? DASH : (r.charAt(0) === "-" || /^0\.00$/.test(r) ? "" : "+") + F.money(v); },
    ratio: function (v) { var r = round(v, 2); return r === null ? DASH : group(r); },
    pct: function (v) { var r = round(v, 1, 2); return r === null ? DASH : group(r) + "%"; },
    int: function (v) { return v === null || v === undefined ? DASH : group(String(v)); },
    /* "1 order", "2,704 orders": a count with its word, singular for one. */
    count: function (v, word) { return F.int(v) + " " + word + (Number(v) === 1 ? "" : "s"); },
    /* Axis ticks are positions on a chart, not figures: a float is fine there. */
    axisMoney: function (v) {
      try { return new Intl.NumberFormat("en", { style: "currency", currency: currency, notation: "compact", maximumFractionDigits: 1 }).format(v); }
      catch (e) { return String(v); }
    },
  };
  function setCurrency(code) { if (code) { currency = code; } }
  function isZero(v) { return v === null || v === undefined || round(v, 6) === "0.000000"; }
  /* Compare exact decimal strings (sorting); null last whatever the direction is decided by the caller. */
  function scaled(v) { var r = round(v, 8); return r === null ? null : BigInt(r.replace(".", "")); }
  function sumDec(list) {
    var total = list.reduce(function (sum, v) { var x = scaled(v); return x === null ? sum : sum + x; }, BigInt(0));
    return round(String(total) + "e-8", 8);
  }

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function dateLabel(iso, withYear) {
    var p = iso.split("-");
    return parseInt(p[2], 10) + " " + MONTHS[parseInt(p[1], 10) - 1] + (withYear ? " " + p[0] : "");
  }
  function rangeLabel(from, to) {
    if (from === to) { return dateLabel(from, true); }
    return dateLabel(from, from.slice(0, 4) !== to.slice(0, 4)) + " – " + dateLabel(to, true);
  }
  function when(iso) {
    if (!iso) { return DASH; }
    var t = new Date(iso), mins = Math.round((Date.now() - t.getTime()) / 60000);
    if (mins < 1) { return "just now"; }
    if (mins < 60) { return mins + " min ago"; }
    if (mins < 48 * 60) { return Math.round(mins / 60) + " h ago"; }
    return dateLabel(iso.slice(0, 10), true);
  }

  /* -- what every figure means, in plain words from METRICS.md ------------------------------- */
  var DEF = {
    creator: "The creator, their handle (used in links as ref and utm_content) and current discount code.",
    orders: "Orders attributed to the creator, placed in the date range (shop time zone). Test, voided and gifting orders are never counted.",
    revenue: "What the creator's customers paid for goods: line items minus discounts, without shipping and tax.",
    returns: "Refunded items of these orders (without refunded tax and shipping), whatever the refund's date.",
    net_revenue: "Return-adjusted revenue: revenue minus returns.",
    return_rate: "Returns ÷ revenue. Also shown: orders with any refund ÷ orders.",
    aov: "Average order value: revenue ÷ orders.",
    spend: "Fees + seeding (product cost and shipping) + commission + other costs dated in the range; a cost spread over a period (a campaign's dates, a month) counts by the share of its days inside the range. With a campaign chosen, only that campaign's orders (inside its dates) and its costs. Discounts given are not added: they are already out of revenue.",
    roas: "Return-adjusted net revenue ÷ spend. Gross ROAS (revenue ÷ spend) shown beside it. \"—\" when no spend is recorded.",
    gross_roas: "Revenue before returns ÷ spend.",
    roi: "(Net revenue − spend) ÷ spend, which is ROAS − 1: a ROAS of 5.78 is an ROI of 478%, not 578%.",
    new_customers: "Attributed orders that were the customer's first order in the shop.",
    cac: "Customer acquisition cost: spend ÷ new customers. \"—\" when there are none.",
    cpa: "Cost per order: spend ÷ orders. Not the same as CAC.",
    repeat_rate_90d: "Of the customers the creator acquired at least 90 days before the as-of date, the share who ordered again within 90 days of their first order. Customers acquired more recently are counted apart as \"not yet mature\", never in the rate.",
    ltv: "For mature acquired customers: the average net revenue of all their orders within N days of their first order, the first included.",
    clicks: "Clicks on the creator's tracked links in the range: one per visitor per link per day (a visitor's repeated clicks count once; bots excluded).",
    conversion_rate: "Attributed orders ÷ clicks on the creator's tracked links.",
    redemption_rate: "Orders using the creator's code ÷ clicks.",
    discounts_given: "Discounts on the creator's attributed orders. Already out of revenue, so never added to spend.",
    contested_revenue: "Revenue of orders where this creator had a code, a link or the pixel's memory but another creator won. Not part of this creator's revenue.",
    attribution: "Who gets an order: a creator's discount code first, then the creator the pixel remembered for the visitor (while the creator pixel is on), then the creator named by the landing page's ref or utm_content (the order can be changed in Settings). An order goes to one creator at most.",
    breakeven_cac: "Gross margin × AOV: the most a new customer may cost before the first order loses money.",
    commission: "The creator's commission rate × net revenue of the attributed orders, recomputed when refunds arrive.",
    baseline: "Shop revenue (all orders, attributed or not) in the range, against the same days of week in the period of equal length just before it. A shop-wide comparison, not revenue attributed to creators.",
    incremental_revenue: "Shop revenue in the range − baseline revenue.",
    blended: "Total row: all counted orders (creators' and unattributed) over the creators' spend, so its ROAS, ROI, CAC and CPA are blended, not any creator's.",
  };
  function targetText(key, t) {
    if (!t) { return ""; }
    switch (key) {
      case "roas": return t.roas_min ? "Target: ROAS ≥ " + t.roas_min : "";
      case "conversion_rate": return t.conversion_rate_min ? "Target: conversion " + F.pct(t.conversion_rate_min) + "–" + F.pct(t.conversion_rate_max) : "";
      case "redemption_rate": return t.redemption_rate_min ? "Target: redemption " + F.pct(t.redemption_rate_min) + "–" + F.pct(t.redemption_rate_max) : "";
      case "aov": return t.aov_min ? "Target: AOV ≥ " + F.money(t.aov_min) : "";
      case "repeat_rate_90d": return t.repeat_rate_90d_min ? "Target: 90-day repeat rate ≥ " + F.pct(t.repeat_rate_90d_min) : "";
    }
    return "";
  }
  /* The tint and tooltip of a scored figure: good = green, poor = red, above a range target = amber
     (judged against both ends: 77.5% conversion is above 1.5–5%, not on target), no data = plain. */
  var VERDICTS = { good: "meets the target", poor: "misses the target", above: "above the target range: check the clicks and orders behind it" };
  function scored(row, key, targets) {
    var score = row && row.scores ? row.scores[key] : null, target = targetText(key, targets);
    var verdict = VERDICTS[score] || "not enough data to judge";
    return { cls: VERDICTS[score] ? "score-" + score : "", note: target ? target + " (" + verdict + ")" : "" };
  }

  /* -- range and hash state ---------------------------------------------------------------------- */
  var tz = (document.querySelector('meta[name="shop-timezone"]') || {}).content || undefined;
  function today() {
    var parts = {};
    try { new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(new Date())
      .forEach(function (p) { parts[p.type] = p.value; }); }
    catch (e) { return new Date().toISOString().slice(0, 10); }
    return parts.year + "-" + parts.month + "-" + parts.day;
  }
  function addDays(iso, n) { var d = new Date(iso + "T00:00:00Z"); d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); }
  function addMonths(iso, n) {
    var y = +iso.slice(0, 4), m = +iso.slice(5, 7) - 1 + n, d = +iso.slice(8, 10);
    var year = y + Math.floor(m / 12), month = ((m % 12) + 12) % 12;
    var last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    return new Date(Date.UTC(year, month, Math.min(d, last))).toISOString().slice(0, 10);
  }
  var PRESETS = [
    ["last_7_days", "Last 7 days", function (t) { return [addDays(t, -6), t]; }],
    ["last_30_days", "Last 30 days", function (t) { return [addDays(t, -29), t]; }],
    ["last_90_days", "Last 90 days", function (t) { return [addDays(t, -89), t]; }],
    ["last_6_months", "Last 6 months", function (t) { return [addDays(addMonths(t, -6), 1), t]; }],
    ["last_12_months", "Last 12 months", function (t) { return [addDays(addMonths(t, -12), 1), t]; }],
    ["this_month", "This month", function (t) { return [t.slice(0, 8) + "01", t]; }],
    ["last_month", "Last month", function (t) { var end = addDays(t.slice(0, 8) + "01", -1); return [end.slice(0, 8) + "01", end]; }],
    ["this_year", "This year", function (t) { return [t.slice(0, 4) + "-01-01", t]; }],
  ];
  var DEFAULT_PRESET = "last_6_months", DEFAULT_SORT = "net_revenue";
  function presetDates(key, t) { var p = PRESETS.filter(function (x) { return x[0] === key; })[0]; return p ? p[2](t) : null; }
  function isDate(v) { return /^\d{4}-\d{2}-\d{2}$/.test(v || "") && !isNaN(new Date(v + "T00:00:00Z")); }

  function readState(query) {
    var t = today(), def = presetDates(DEFAULT_PRESET, t);
    var st = { from: isDate(query.get("from")) ? query.get("from") : def[0], to: isDate(query.get("to")) ? query.get("to") : def[1],
      as_of: isDate(query.get("as_of")) ? query.get("as_of") : t, campaign: query.get("campaign") || "",
      sort: query.get("sort") || DEFAULT_SORT, dir: query.get("dir") === "asc" ? "asc" : "desc", today: t };
    if (st.to < st.from) { st.to = st.from; }
    var match = PRESETS.filter(function (p) { var d = p[2](t); return d[0] === st.from && d[1] === st.to; })[0];
    st.preset = query.get("range") === "custom" || !match ? "custom" : match[0];
    return st;
  }
  function queryOf(st, withSort) {
    var q = new URLSearchParams();
    q.set("from", st.from); q.set("to", st.to);
    if (st.preset === "custom") { q.set("range", "custom"); }
    if (st.as_of && st.as_of !== st.today) { q.set("as_of", st.as_of); }
    if (st.campaign) { q.set("campaign", st.campaign); }
    if (withSort && (st.sort !== DEFAULT_SORT || st.dir !== "desc")) { q.set("sort", st.sort); q.set("dir", st.dir); }
    return q.toString();
  }
  /* The API's own parameters (as_of always sent: cohort maturity is decided against it). */
  function apiQuery(st, extra) {
    var q = new URLSearchParams({ from: st.from, to: st.to, as_of: st.as_of });
    if (st.campaign) { q.set("campaign", st.campaign); }
    Object.keys(extra || {}).forEach(function (k) { q.set(k, extra[k]); });
    return q.toString();
  }
  function splitQuery() { var at = location.hash.indexOf("?"); return new URLSearchParams(at < 0 ? "" : location.hash.slice(at + 1)); }
  function fetchKey(st) { return [st.from, st.to, st.as_of, st.campaign].join("|"); }
  function go(path, st) { location.hash = "#" + path + "?" + queryOf(st, true); }

  var campaignsCache = null;
  /* The shop's campaigns for the filter: asked again each time a page is opened (`fresh`: a campaign made or
     renamed since shows), shared by the updates of the page open. */
  function campaigns(fresh) {
    if (fresh) { campaignsCache = null; }
    if (!campaignsCache) { campaignsCache = api("/api/campaigns").then(function (b) { return b.campaigns; }, function () { campaignsCache = null; return []; }); }
    return campaignsCache;
  }

  /* The toolbar: preset, from/to (editing them makes the range custom), as-of in custom mode, campaign. */
  function rangeToolbar(path, st, campaignList, extra) {
    var preset = h("select", { id: "roi-range", "aria-label": "Date range" },
      PRESETS.map(function (p) { return h("option", { value: p[0] }, p[1]); }), h("option", { value: "custom" }, "Custom"));
    var from = h("input", { type: "date", id: "roi-from", "aria-label": "From" });
    var to = h("input", { type: "date", id: "roi-to", "aria-label": "To" });
    var asOf = h("input", { type: "date", id: "roi-as-of", "aria-label": "Cohorts as of",
      title: "Repeat rate and LTV count a customer once their first order is at least N days before this date." });
    var asOfField = h("label.as-of", "Cohorts as of ", asOf);
    var campaign = h("select", { id: "roi-campaign", "aria-label": "Campaign" }, h("option", { value: "" }, "All campaigns"),
      campaignList.map(function (c) { return h("option", { value: c.name }, c.name); }));
    var state = st;
    function sync(next) {
      state = next;
      preset.value = next.preset; from.value = next.from; to.value = next.to; asOf.value = next.as_of;
      campaign.value = next.campaign; asOfField.hidden = next.preset !== "custom";
    }
    function change(patch) { go(path, Object.assign({}, state, patch)); }
    preset.addEventListener("change", function () {
      if (preset.value === "custom") { asOfField.hidden = false; change({ preset: "custom" }); return; }
      var d = presetDates(preset.value, today());
      change({ from: d[0], to: d[1], preset: preset.value });
    });
    from.addEventListener("change", function () { if (isDate(from.value)) { change({ from: from.value, to: to.value < from.value ? from.value : to.value, preset: "custom" }); } });
    to.addEventListener("change", function () { if (isDate(to.value)) { change({ to: to.value, from: from.value > to.value ? to.value : from.value, preset: "custom" }); } });
    asOf.addEventListener("change", function () { if (isDate(asOf.value)) { change({ as_of: asOf.value, preset: "custom" }); } });
    campaign.addEventListener("change", function () { change({ campaign: campaign.value }); });
    var el = h("div.range-bar", { role: "group", "aria-label": "Date range and filters" }, preset,
      h("span.dates", from, h("span.muted", "–"), to), asOfField, campaignList.length ? campaign : null, extra || null);
    el.sync = sync;
    sync(st);
    return el;
  }

  /* -- shared view pieces ------------------------------------------------------------------------ */
  function card(key, label, value, sub, opts) {
    opts = opts || {};
    return h("div.metric" + (opts.cls ? "." + opts.cls : ""), { dataset: { figure: key }, title: (DEF[opts.def || key] || "") + (opts.note ? "\n" + opts.note : "") },
      h("div.metric-label", label), h("div.metric-value", value), sub ? h("div.metric-sub", sub) : null);
  }
  function leakBanner(row, onDone) {
    var w = row.leak_warning, base = "/api/creators/" + encodeURIComponent(row.handle);
    var seeOrders = location.hash.indexOf("#/roi/") === 0 ? null : h("a.button.plain.small", { href: "#/roi/" + encodeURIComponent(row.handle) + "?" + queryOf(readState(splitQuery())) + "&show=orders" }, "See the orders");
    if (w.acted_on) {  // already paused or replaced: say so, no actions left to take
      var done = w.replaced_by ? "replaced by " + w.replaced_by : (w.code_status === "paused" ? "paused" : "turned off (" + w.code_status + ")");
      return h("div.banner.info", { role: "status", dataset: { leak: row.handle, acted: w.code_status } },
        h("strong", "Code " + w.code + " of " + row.name + " (@" + row.handle + ") looked leaked: " + done + " on " + dateLabel(w.acted_on, true) + "."),
        h("p", "Its orders in this range still count for " + row.name + "; new orders can no longer use it."),
        h("div.actions", seeOrders));
    }
    var input = h("input", { type: "text", "aria-label": "New code for @" + row.handle, placeholder: "New code, e.g. " + (row.handle || "").toUpperCase() + "25" });
    var form = h("form.inline-form", { hidden: true }, input,
      h("button.button.primary.small", { type: "submit" }, "Rotate"),
      h("button.button.secondary.small", { type: "button", onclick: function () { form.hidden = true; } }, "Cancel"));
    async function run(path, options, done, button) {
      button.disabled = true;
      try { await api(path, options); R.flash(done); await onDone(); }
      catch (err) { R.flash((err.body && err.body.message) || "That did not work. Try again.", "critical"); }
      finally { button.disabled = false; }
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var next = input.value.trim();
      if (next) { run(base + "/codes/rotate", { json: { code: next } }, w.code + " is replaced by " + next + " in your shop.", form.querySelector("button")); }
    });
    var pause = h("button.button.secondary.small", { type: "button", onclick: function () {
      run(base + "/codes/" + (w.code_id || row.code_id) + "/pause", { method: "POST" }, w.code + " is paused in your shop.", pause);
    } }, "Pause code");
    var shares = [w.code_orders !== undefined ? F.int(w.code_orders) + " orders with the code" : null,
      w.no_signal_share ? F.pct(w.no_signal_share) + " with no link from " + row.name : null,
      w.coupon_referrer_share ? F.pct(w.coupon_referrer_share) + " from coupon sites" + (w.coupon_sites && w.coupon_sites.length ? " (" + w.coupon_sites.join(", ") + ")" : "") : null,
      w.surge ? "a sudden surge" : null].filter(Boolean);
    return h("div.banner.leak." + (w.level === "high" ? "critical" : "warning"), { role: "alert", dataset: { leak: row.handle } },
      h("strong", "Code " + w.code + " of " + row.name + " (@" + row.handle + ") may have leaked."),
      h("p", "Its orders look like a coupon site's, not like " + row.name + "'s audience. Revenue from a leaked code is credited to the creator without being earned."),
      h("ul", (w.evidence || []).map(function (e) { return h("li", e); })),
      shares.length && !(w.evidence || []).length ? h("p.sub", shares.join(" · ")) : null,
      h("div.actions", pause, h("button.button.secondary.small", { type: "button", onclick: function () { form.hidden = false; input.focus(); } }, "Rotate code"), form,
        seeOrders));
  }
  function seriesChart(body, titleText, single) {
    var raw = body.points || [], first = 0;
    // The chart starts at the first day (or week) with data: days before any sale are not a trend.
    while (first < raw.length && X0(raw[first].attributed) && X0(raw[first].unattributed)) { first++; }
    var points = raw.slice(first).map(function (p) {
      return { date: p.date, values: { attributed: parseFloat(p.attributed || "0"), unattributed: parseFloat(p.unattributed || "0") },
        texts: { attributed: F.money(p.attributed || "0"), unattributed: F.money(p.unattributed || "0"),
          total: single ? null : F.money(sumDec([p.attributed, p.unattributed])) } };
    });
    var series = single ? [{ key: "attributed", label: "Net revenue", cls: "attributed" }]
      : [{ key: "attributed", label: "Creators", cls: "attributed" }, { key: "unattributed", label: "Unattributed", cls: "unattributed" }];
    if (!points.length) {  // an empty state, never a $0–$1 chart
      return h("div", { id: single ? "creator-series" : "revenue-series" },
        h("p.muted.chart-empty", { role: "status" }, "No net revenue in this range: the chart appears with the first sale."));
    }
    var chart = C.areas(points, series, { title: titleText, money: F.axisMoney,
      dateLabel: function (d) { return dateLabel(d); }, interval: body.interval });
    return h("div", { id: single ? "creator-series" : "revenue-series" },
      h("div.legend", series.map(function (sr) { return h("span", h("i.swatch." + sr.cls), sr.label); }),
        h("span.muted", (body.interval === "week" ? "weekly" : "daily") + " net revenue" +
          (first > 0 ? ", from " + dateLabel(raw[first].date, true) + " (the first day with a sale)" : ""))), chart);
  }
  function X0(value) { return !value || parseFloat(value) === 0; }
  var readyCount = 0;
  function ready(st) {
    document.body.dataset.roiRange = st.from + ".." + st.to;
    document.body.dataset.roiQuery = fetchKey(st);
    document.body.dataset.roiReady = String(++readyCount);
  }
  function errorText(err) { return (err && err.body && err.body.message) || (err && err.message) || "Something went wrong. Try again."; }

  /* CSV export: the bearer header rules out a plain link, so fetch it and save the Blob. */
  async function exportCsv(st, button) {
    button.disabled = true;
    try {
      var resp = await fetch("/api/metrics/creators.csv?" + apiQuery(st), { headers: { Authorization: "Bearer " + (await R.sessionToken()) } });
      if (!resp.ok) { throw new Error("The export failed (" + resp.status + ")."); }
      var name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(resp.headers.get("Content-Disposition") || "");
      var url = URL.createObjectURL(await resp.blob());
      var link = h("a", { href: url, download: name ? decodeURIComponent(name[1]) : "creator-roi.csv" });
      document.body.appendChild(link); link.click(); link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    } catch (err) { R.flash(errorText(err), "critical"); } finally { button.disabled = false; }
  }

  /* Freshness: last webhook, waiting, failed, last reconciliation (fetched once per visit). */
  /* The latest finished run in words, as the Store connection tab says it: the history import, or the
     nightly check and what it brought in that the live updates (webhooks) had missed. */
  function freshRun(done) {
    if (!done) { return h("span.fresh-item", { dataset: { fresh: "run" } }, h("span.muted", "History "), "not imported yet"); }
    if (done.kind === "install" || done.kind === "full_history") {
      return h("span.fresh-item", { dataset: { fresh: "run" } }, h("span.muted", "History imported "), when(done.finished_at) + " · " + F.count(done.orders_seen, "order"));
    }
    var missed = done.orders_repaired + (done.refunds_repaired || 0);
    return h("span.fresh-item", { dataset: { fresh: "run" } }, h("span.muted", "Last check "), when(done.finished_at) + " · " +
      (missed ? [done.orders_repaired ? F.count(done.orders_repaired, "order") : "", done.refunds_repaired ? F.count(done.refunds_repaired, "refund") : ""]
        .filter(Boolean).join(" and ") + " the live updates had missed brought in" : "nothing missed"));
  }
  function freshnessPanel() {
    var el = h("div.freshness", { id: "roi-freshness", role: "group", "aria-label": "Data freshness" }, h("span.muted", "Checking data freshness…"));
    api("/api/freshness").then(function (f) {
      var failed = (f.failed_webhooks || []).length + (f.failed_jobs || 0);
      var done = (f.backfills || []).filter(function (b) { return b.status === "done"; })[0];
      var running = (f.backfills || []).filter(function (b) { return b.status !== "done" && b.status !== "failed"; })[0];
      el.replaceChildren(
        h("span.fresh-item", h("span.muted", "Last webhook "), f.last_webhook_at ? when(f.last_webhook_at) : "none yet"),
        h("span.fresh-item", h("span.muted", "Waiting "), F.int(f.webhooks_waiting)),
        h("span.fresh-item" + (failed ? ".bad" : ""), h("span.muted", "Failed "), F.int(failed)),
        running ? h("span.fresh-item", h("span.muted", "Importing history "), F.int(running.orders_seen) + " orders so far")
          : freshRun(done),
        h("a", { href: "#/status" }, "Store connection"));
    }, function () { el.replaceChildren(h("span.muted", "Freshness is unavailable right now."), h("a", { href: "#/status" }, "Store connection")); });
    return el;
  }

  R.roi = { F: F, DEF: DEF, round: round, isZero: isZero, sumDec: sumDec, setCurrency: setCurrency, scored: scored, targetText: targetText,
    readState: readState, queryOf: queryOf, apiQuery: apiQuery, fetchKey: fetchKey, rangeToolbar: rangeToolbar, campaigns: campaigns,
    card: card, leakBanner: leakBanner, seriesChart: seriesChart, ready: ready, errorText: errorText, dateLabel: dateLabel,
    rangeLabel: rangeLabel, freshnessPanel: freshnessPanel };

  /* -- the creator table ------------------------------------------------------------------------- */
  var COLUMNS = [
    { key: "name", label: "Creator", def: "creator", text: true },
    { key: "orders", label: "Orders", fmt: "int" },
    { key: "net_revenue", label: "Net revenue", fmt: "money", sub: function (r) { return "of " + F.money(r.revenue); },
      title: function (r) { return "Revenue " + F.money(r.revenue) + " − returns " + F.money(r.returns); } },
    { key: "return_rate", label: "Returns", show: function (r) { return F.money(r.returns); },
      sub: function (r) { return r.return_rate === null ? "" : F.pct(r.return_rate); },
      title: function (r) { return "Orders with any refund: " + F.pct(r.refund_order_rate); } },
    { key: "spend", label: "Spend", fmt: "money", title: function (r) {
      return r.spend === null || r.spend === undefined ? "" : "Fees " + F.money(r.fees) + " · seeding " + F.money(r.seeding) + " · commission " + F.money(r.commission) + " · other " + F.money(r.other_costs);
    } },
    { key: "roas", label: "ROAS", fmt: "ratio", score: "roas", blended: true, sub: function (r) { return r.gross_roas === null || r.gross_roas === undefined ? "" : "gross " + F.ratio(r.gross_roas); } },
    { key: "roi", label: "ROI", fmt: "pct", blended: true },
    { key: "new_customers", label: "New customers", fmt: "int" },
    { key: "cac", label: "CAC", fmt: "money", blended: true, sub: function (r) { return r.cpa === null || r.cpa === undefined ? "" : "CPA " + F.money(r.cpa); } },
    { key: "repeat_rate_90d", label: "Repeat 90 d", fmt: "pct", score: "repeat_rate_90d", wrap: true,
      sub: function (r) { return r.immature_customers ? F.int(r.immature_customers) + " not yet mature" : ""; } },
    { key: "aov", label: "AOV", fmt: "money", score: "aov" },
    { key: "conversion_rate", label: "Conversion", fmt: "pct", score: "conversion_rate", def: "conversion_rate",
      sub: function (r) { return F.count(r.clicks || 0, "click"); },
      title: function (r) { return "Redemption rate (code orders ÷ clicks): " + F.pct(r.redemption_rate); } },
  ];

  /* The totals row's ROAS, ROI, CAC and CPA are blended (METRICS.md, Totals): labelled so, with the
     definition the API sends (`blended`) in place of the creators' one. */
  function blendedNote(col, row) {
    var defs = col.blended && row.blended ? row.blended : null;
    if (!defs) { return null; }
    return [defs[col.key], col.key === "cac" ? defs.cpa : ""].filter(Boolean).join("\n");
  }
  function cellOf(col, row, targets, isTotal) {
    var value = col.show ? col.show(row) : F[col.fmt](row[col.key]);
    var sc = col.score && !isTotal ? scored(row, col.score, targets) : { cls: "", note: "" };
    var blended = blendedNote(col, row);
    var title = [blended || DEF[col.def || col.key], col.title ? col.title(row) : "", sc.note].filter(Boolean).join("\n");
    var sub = col.sub ? col.sub(row) : "";
    if (blended) { sub = "blended" + (sub ? " · " + sub : ""); }
    return h("td.num" + (sc.cls ? "." + sc.cls : "") + (blended ? ".blended" : ""), { title: title, dataset: { col: col.key } }, value, sub ? h("span.sub" + (col.wrap ? ".wrap" : ""), sub) : null);
  }
  function creatorCell(row, st) {
    var href = "#/roi/" + encodeURIComponent(row.handle) + "?" + queryOf(st);
    return h("td.creator", { title: DEF.creator, dataset: { col: "name" } },
      h("a", { href: href }, row.name), row.status === "archived" ? [" ", h("span.badge.archived", "archived")] : null,
      row.leak_warning ? [" ", h("span.badge.failed", { title: "Possible code leak: see the warning above the table." }, "leak?")] : null,
      h("span.sub", "@" + row.handle + (row.code ? " · " + row.code : "")),
      !isZero(row.contested_revenue) ? h("span.sub.contested", { title: DEF.contested_revenue }, F.money(row.contested_revenue) + " contested") : null);
  }
  function compareRows(key, dir) {
    var sign = dir === "asc" ? 1 : -1;
    return function (a, b) {
      if (key === "name") { return sign * String(a.name).localeCompare(String(b.name)); }
      var x = scaled(a[key]), y = scaled(b[key]);
      if (x === null || y === null) { return x === y ? String(a.name).localeCompare(String(b.name)) : x === null ? 1 : -1; }
      return x === y ? String(a.name).localeCompare(String(b.name)) : (x < y ? -sign : sign);
    };
  }
  function table(data, st, onSort) {
    var rows = data.creators.slice().sort(compareRows(st.sort, st.dir));
    var head = h("tr", COLUMNS.map(function (col) {
      var on = st.sort === col.key;
      var next = on && st.dir === "desc" ? "asc" : (on ? "desc" : (col.text ? "asc" : "desc"));
      return h("th" + (col.text ? "" : ".num"), { scope: "col", "aria-sort": on ? (st.dir === "asc" ? "ascending" : "descending") : "none", dataset: { col: col.key } },
        h("button.sort", { type: "button", title: DEF[col.def || col.key], onclick: function () { onSort(col.key, next); } },
          col.label, h("span.arrow", { "aria-hidden": "true" }, on ? (st.dir === "asc" ? "▲" : "▼") : "")));
    }));
    var body = rows.map(function (row) {
      return h("tr.link-row", { dataset: { handle: row.handle }, onclick: function (event) {
        if (!event.target.closest("a,button")) { location.hash = "#/roi/" + encodeURIComponent(row.handle) + "?" + queryOf(st); }
      } }, creatorCell(row, st), COLUMNS.slice(1).map(function (col) { return cellOf(col, row, data.targets, false); }));
    });
    function footRow(row, label, sub, cls) {
      return h("tr." + cls, { dataset: { row: cls } }, h("th", { scope: "row", title: row.blended ? DEF.blended : null }, label, h("span.sub", sub)),
        COLUMNS.slice(1).map(function (col) { return cellOf(col, row, data.targets, true); }));
    }
    return h("table.data-table.roi-table", { id: "roi-table" },
      h("caption.visually-hidden", "Creators by " + st.sort + ", " + (st.dir === "asc" ? "ascending" : "descending")),
      h("thead", head), h("tbody", body),
      h("tfoot",
        footRow(data.attributed_totals, "All creators", "sum of the rows above", "subtotal"),
        footRow(data.unattributed, "Unattributed", "no creator's code or link", "unattributed"),
        footRow(data.totals, "Total", "all counted orders; ROAS, ROI, CAC and CPA blended", "total")));
  }

  /* -- headline cards and the baseline, apart ---------------------------------------------------- */
  function headline(data) {
    var t = data.attributed_totals, sc = scored(t, "roas", data.targets);
    return h("div.headline", { id: "roi-headline" },
      h("div.metrics.six",
        card("net_revenue", "Creators' net revenue", F.money(t.net_revenue), "revenue " + F.money(t.revenue) + " − returns " + F.money(t.returns), { cls: "wide" }),
        card("spend", "Spend", F.money(t.spend), "incl. commission " + F.money(t.commission)),
        card("roas", "ROAS", F.ratio(t.roas), "gross " + F.ratio(t.gross_roas) + (data.targets && data.targets.roas_min ? " · target ≥ " + data.targets.roas_min : ""), { cls: sc.cls, note: sc.note }),
        card("roi", "ROI", F.pct(t.roi), "ROAS − 1"),
        card("new_customers", "New customers", F.int(t.new_customers), "from " + F.count(t.orders, "order")),
        card("cac", "CAC", F.money(t.cac), "CPA " + F.money(t.cpa))));
  }
  function baselineCard(b) {
    if (!b) { return h("section.baseline", { id: "roi-baseline" }, h("strong", "Shop-wide baseline"), h("p.muted", "The baseline comparison is not available.")); }
    var unknown = b.baseline_revenue === null || b.baseline_revenue === undefined;
    var change = unknown || isZero(b.baseline_revenue) ? null : (function () {
      var base = scaled(b.baseline_revenue), inc = scaled(b.incremental_revenue);
      return base && inc !== null ? round(String(inc * BigInt(10) ** BigInt(12) / base) + "e-12", 12) : null;
    })();
    function fig(key, label, value, sub, title) {
      return h("div.baseline-figure", { dataset: { figure: key }, title: title || null }, h("span.metric-label", label), h("strong", value), h("span.sub", sub));
    }
    return h("section.baseline", { id: "roi-baseline", title: DEF.baseline },
      h("div.baseline-head", h("strong", "Shop-wide baseline"), h("span.badge", "not attributed")),
      h("div.baseline-figures",
        fig("shop_revenue", "Shop revenue", F.money(b.revenue), rangeLabel(b.from, b.to)),
        fig("baseline_revenue", "Baseline", F.money(b.baseline_revenue), (unknown ? "unknown: " : "same weekdays, ") + rangeLabel(b.baseline_from, b.baseline_to),
          unknown ? b.unknown_reason : null),
        fig("incremental_revenue", "Incremental", F.signedMoney(b.incremental_revenue),
          unknown ? "unknown without a baseline" : change !== null ? (change.charAt(0) === "-" ? "" : "+") + F.pct(change) + " on the baseline" : "no baseline revenue",
          unknown ? DEF.incremental_revenue + "\n" + b.unknown_reason : DEF.incremental_revenue)),
      unknown ? h("p.history-note.baseline-unknown", { id: "roi-baseline-unknown", role: "note" }, h("strong", "No baseline yet: "), b.unknown_reason, " ",
        h("a", { href: "#/status" }, "Store connection")) : null,
      h("p.footnote", "All of the shop's orders against the same days of the week just before this range: a shop-wide comparison, not revenue attributed to creators."));
  }

  /* -- charts ------------------------------------------------------------------------------------ */
  function roasChart(data) {
    var withSpend = data.creators.filter(function (r) { return r.roas !== null && r.roas !== undefined; })
      .sort(compareRows("roas", "desc"));
    var noSpend = data.creators.filter(function (r) { return r.roas === null || r.roas === undefined; });
    var target = data.targets && data.targets.roas_min ? parseFloat(data.targets.roas_min) : null;
    var shown = withSpend.slice(0, 15);
    var notes = [];
    if (withSpend.length > shown.length) { notes.push("The 15 highest of " + withSpend.length + " are shown."); }
    if (noSpend.length) { notes.push("Not shown, no spend recorded: " + noSpend.map(function (r) { return "@" + r.handle; }).join(", ") + "."); }
    return h("section.card", { id: "roas-chart" }, h("h2", { title: DEF.roas }, "ROAS by creator"),
      shown.length ? C.bars(shown.map(function (r) {
        return { label: r.name, value: parseFloat(r.roas), text: F.ratio(r.roas), score: r.scores && r.scores.roas ? r.scores.roas : null,
          note: "gross " + F.ratio(r.gross_roas) + (r.leak_warning ? "; possible code leak" : ""), flag: r.leak_warning ? r.handle : null };
      }), { title: "ROAS by creator" + (target ? ", target " + data.targets.roas_min : ""), target: target,
        targetLabel: target ? "target " + data.targets.roas_min : "", tick: function (t) { return String(Math.round(t * 10) / 10); } })
        : h("p.muted", "No creator has spend recorded in this range. Add fees or seeding on a creator's page to see ROAS."),
      h("div.legend", h("span", h("i.swatch.good"), "meets target"), h("span", h("i.swatch.poor"), "below target"), h("span", h("i.swatch.unscored"), "not judged"),
        shown.some(function (r) { return r.leak_warning; }) ? h("span.leak-key", { title: "Its code's orders look like a coupon site's: see the warning above the table." }, h("i.leak-mark", "⚠"), "possible code leak: ROAS may include revenue not earned") : null),
      notes.length ? h("p.footnote", notes.join(" ")) : null);
  }

  /* -- the page ---------------------------------------------------------------------------------- */
  /* A shop that already runs creators with codes made by hand (#18 item 1): say how many of its codes
     look like a creator's and offer to adopt them (nothing is created or changed in the shop). */
  function existingCodesOffer() {
    var box = h("div", { id: "roi-existing-codes" });
    api("/api/discounts/existing").then(function (b) {
      var looks = (b.codes || []).filter(function (c) { return c.adoptable && c.suggested; });
      if (!looks.length) { return; }
      var names = looks.slice(0, 4).map(function (c) { return c.code; }).join(", ") + (looks.length > 4 ? ", …" : "");
      box.replaceChildren(h("div.banner.info", { role: "status" },
        h("strong", "Your shop already has " + looks.length + " discount code" + (looks.length === 1 ? "" : "s") + " that look like a creator's"),
        " (" + names + "). Adopt them to see those creators here: nothing changes in your shop, and their past orders are counted. ",
        h("a.button.primary.small", { href: "#/creators/adopt" }, "Adopt existing codes")));
    }, function () { /* the offer is optional: the steps below still work */ });
    return box;
  }
  function emptyNoCreators() {
    return h("section.card.empty-state", { id: "roi-empty" }, h("h2", "Add your first creator"),
      existingCodesOffer(),
      h("p.muted", "Creator ROI measures each creator by their own discount code and tracked links, against everything they cost."),
      h("ol.next-steps",
        h("li", h("strong", "Add a creator"), " or import many from a CSV: their code is made in your shop together with their links."),
        h("li", h("strong", "Share the code and links"), " with the creator. Orders count within a minute of checkout."),
        h("li", h("strong", "Log what they cost"), ": fees and product seeding on the creator's ROI page; commission is computed.")),
      h("div.actions.center", h("a.button.primary", { href: "#/creators/new" }, "Add creator"), h("a.button.secondary", { href: "#/import" }, "Import CSV")),
      h("p.muted.small", "Then this page shows return-adjusted ROAS and ROI, new customers and CAC, and 90-day repeat purchases per creator. Orders from before a creator was added count too: your order history is imported on install."));
  }
  function emptyNoOrders(st, apply) {
    var wider = h("button.button.secondary.small", { type: "button", onclick: function () {
      var d = presetDates("last_12_months", today()); apply({ from: d[0], to: d[1], preset: "last_12_months" });
    } }, "Show the last 12 months");
    return h("div.banner.info", { id: "roi-no-orders", role: "status" },
      h("strong", "No orders from your creators between " + rangeLabel(st.from, st.to) + ". "),
      "Widen the date range, or share your creators' codes and links: orders show here within a minute of checkout. ",
      h("div.actions", wider, h("a.button.secondary.small", { href: "#/creators" }, "Creators' links")));
  }

  /* Creators with sales in the range but no fee, seeding or other cost in it (METRICS.md "Spend"). */
  function noSpendNote(handles) {
    if (!handles.length) { return []; }
    var who = handles.length === 1 ? "1 creator has" : handles.length + " creators have";
    return [h("p.history-note", { id: "roi-no-spend", role: "note" }, h("strong", "Spend: "),
      who + " sales in this range but no spend dated in it (" + handles.map(function (x) { return "@" + x; }).join(", ") +
      "): their ROAS counts commission only. Enter their fees, or give a fee a period (a campaign's dates, a month) so each range takes its share.")];
  }
  R.route(/^\/roi$/, async function (query) {
    var st = readState(query);
    // The campaigns, the figures and the series in parallel (one round trip before the first paint, not two).
    var loaded = await Promise.all([api("/api/metrics/creators?" + apiQuery(st)), api("/api/metrics/timeseries?" + apiQuery(st)).catch(function (err) { return { error: err }; }), campaigns(true)]);
    var data = loaded[0], series = loaded[1], list = loaded[2], key = fetchKey(st), seq = 0;

    var exportButton = h("button.button.secondary", { type: "button", id: "roi-export", onclick: function () { exportCsv(st, exportButton); } }, "Export CSV");
    var bar = rangeToolbar("/roi", st, list, exportButton);
    // #17 item 13: the notes, the code-leak warnings and the figures below them are one region, drawn anew in
    // one update when the figures arrive; what is above it (title, range label, controls) never changes size
    // with the data, so nothing the merchant sees moves, however late a slow shop's figures come
    // (CLS leaves out only what moves within 500 ms of an input).
    var body = h("div.stack", { id: "roi-body" });
    var el = h("div.stack.roi", { id: "roi-page" }, h("div.toolbar", h("h2", "Return on creators"), h("span.muted", { id: "roi-range-label" })),
      h("section.card.controls", bar, freshnessPanel()), body);
    function label(from, to, campaign) {
      el.querySelector("#roi-range-label").textContent = rangeLabel(from, to) + (campaign ? " · " + campaign : "") + (data.currency ? " · " + data.currency : "");
    }

    var tableHolder = null;
    function sortedTable() {
      return table(data, st, function (key, dir) { go("/roi", Object.assign({}, st, { sort: key, dir: dir })); });
    }
    function render() {
      var t0 = performance.now();
      setCurrency(data.currency);
      label(data.from, data.to, data.campaign);
      var notes = h("div", { id: "roi-notes" }, (data.history_note ? [h("p.history-note", { role: "note" }, h("strong", "New customers: "), data.history_note)] : [])
        .concat(noSpendNote(data.no_spend_in_range || []))
        .concat((data.warnings || []).map(function (w) { return h("p.history-note.data-warning", { role: "alert" }, h("strong", "Left out: "), w); })));
      var leaks = h("div", { id: "roi-leaks" }, data.creators.filter(function (r) { return r.leak_warning; })
        .map(function (r) { return leakBanner(r, refresh); }));
      if (!data.creators.length) {
        body.replaceChildren(notes, leaks, data.campaign ? h("section.card.empty-state", h("h2", "No creators in " + data.campaign),
          h("p.muted", "Add creators to this campaign on their page, or choose All campaigns."), h("a.button.secondary", { href: "#/campaigns" }, "Campaigns"))
          : emptyNoCreators());
        el.querySelector("#roi-export").hidden = true;
      } else {
        el.querySelector("#roi-export").hidden = false;
        body.replaceChildren(notes, leaks,
          data.attributed_totals.orders === 0 ? emptyNoOrders(st, function (patch) { go("/roi", Object.assign({}, st, patch)); }) : "",
          headline(data),
          h("section.card.table-card", tableHolder = h("div.table-scroll", sortedTable()),
            h("p.footnote", "Hover a heading or a figure for its definition. Green and red cells meet or miss your targets; the rows at the bottom are not sorted. Figures are rounded for display only.")),
          baselineCard(data.baseline),
          h("div.layout.charts", roasChart(data),
            h("section.card", { id: "series-chart" }, h("h2", { title: "Net revenue (revenue − returns) per " + (series.interval || "day") + ", attributed to creators and not." }, "Net revenue over time"),
              series.error ? h("p.muted", "The revenue chart is unavailable: " + errorText(series.error)) : seriesChart(series, "Net revenue over time, creators and unattributed"))));
      }
      document.body.dataset.roiRenderMs = (performance.now() - t0).toFixed(1);
      ready(st);
    }
    async function load(next) {
      var mine = ++seq;
      var got = await Promise.all([api("/api/metrics/creators?" + apiQuery(next)), api("/api/metrics/timeseries?" + apiQuery(next)).catch(function (err) { return { error: err }; })]);
      if (mine !== seq) { return false; }
      data = got[0]; series = got[1]; key = fetchKey(next);
      return true;
    }
    async function refresh() { if (await load(st)) { render(); } }
    el.update = async function (q) {
      var next = readState(q);
      bar.sync(next);
      var refetch = fetchKey(next) !== key;
      st = next;
      if (refetch) {
        label(next.from, next.to, next.campaign);  // at once, as the merchant chose it: not moved later
        body.classList.add("loading");
        try { if (!(await load(next))) { return; } } finally { body.classList.remove("loading"); }
      } else if (tableHolder && tableHolder.isConnected) {
        // Same data, another order: only the table is drawn again (500 creators' charts and cards stay).
        var t0 = performance.now();
        tableHolder.replaceChildren(sortedTable());
        document.body.dataset.roiRenderMs = (performance.now() - t0).toFixed(1);
        ready(st);
        return;
      }
      render();
    };
    render();
    return el;
  });
})();
