/* Campaigns (#/campaigns) and a campaign's own page (#/campaigns/<id>?from&to): its dates, target ROAS,
   members (added and removed here), an edit form and its results. The results are the ROI table's figures
   with the campaign filter (GET /api/metrics/creators?campaign=<name>): no metric is computed here. Uses
   the form helpers of creators.js (R.forms) and the number formats of roi.js (R.roi). */
(function () {
  "use strict";
  var R = window.CreatorROI, h = R.h, api = R.api, X = R.roi, F = X.F, DEF = X.DEF, P = R.forms;
  var field = P.field, input = P.input;

  function dates(k) {
    if (!k.starts_on && !k.ends_on) { return "no dates (always on)"; }
    return (k.starts_on ? X.dateLabel(k.starts_on, true) : "open start") + " – " + (k.ends_on ? X.dateLabel(k.ends_on, true) : "open end");
  }

  /* -- list ------------------------------------------------------------------------------------- */
  R.route(/^\/campaigns$/, async function () {
    var data = await api("/api/campaigns");
    var form = h("form.card.stack", { novalidate: true }, h("div.form-banner"), h("h2", "New campaign"), h("div.form-grid",
      field("name", "Name", input("name", { required: true, placeholder: "Spring launch" })),
      field("target_roas", "Target ROAS", input("target_roas", { inputmode: "decimal", placeholder: "3.0" })),
      field("starts_on", "Starts", input("starts_on", { type: "date" })), field("ends_on", "Ends", input("ends_on", { type: "date" }))),
      h("div.actions", h("button.button.primary", { type: "submit" }, "Add campaign")));
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var v = function (n) { return form.elements[n].value.trim(); };
      try {
        var made = await api("/api/campaigns", { json: { name: v("name"), target_roas: v("target_roas"), starts_on: v("starts_on"), ends_on: v("ends_on") } });
        R.flash("Campaign added."); location.hash = "#/campaigns/" + made.id;
      } catch (err) { P.showFieldErrors(form, err); }
    });
    var table = data.campaigns.length ? h("section.card", h("table.data-table", { id: "campaigns-table" },
      h("thead", h("tr", ["Campaign", "Dates", "Target ROAS", "Creators", "utm_campaign"].map(function (t) { return h("th", t); }))),
      h("tbody", data.campaigns.map(function (k) {
        return h("tr", h("td", h("a", { href: "#/campaigns/" + k.id }, h("strong", k.name))), h("td", dates(k)), h("td", k.target_roas ? F.ratio(k.target_roas) : "—"),
          h("td", k.creators.map(function (x) { return "@" + x; }).join(", ") || "—"), h("td", h("code", k.slug)));
      })))) : h("section.card.empty-state", h("h2", "No campaigns yet"), h("p.muted", "Group creators into campaigns to compare them and set targets."));
    return h("div.stack", h("div.toolbar", h("h2", "Campaigns")), table, form);
  });

  /* -- one campaign -------------------------------------------------------------------------- */
  function today() { return X.readState(new URLSearchParams()).today; }
  function minusDays(iso, n) { var d = new Date(iso + "T00:00:00Z"); d.setUTCDate(d.getUTCDate() - n); return d.toISOString().slice(0, 10); }
  function isDate(v) { return /^\d{4}-\d{2}-\d{2}$/.test(v || ""); }

  /* The range shown: the hash's, else the campaign's own dates (an open end is today; an open start is
     a year before the end). */
  function rangeOf(k, query) {
    var to = isDate(query.get("to")) ? query.get("to") : (k.ends_on && k.ends_on < today() ? k.ends_on : today());
    var from = isDate(query.get("from")) ? query.get("from") : (k.starts_on || minusDays(to, 364));
    if (from > to) { to = from; }
    return { from: from, to: to, own: !query.get("from") && !query.get("to") };
  }

  /* "≥ target" or "below target", exact: both are decimal strings, compared as scaled integers. */
  function versus(roas, target) {
    if (!target || roas === null || roas === undefined) { return null; }
    var a = BigInt(X.round(roas, 8).replace(".", "")), b = BigInt(X.round(target, 8).replace(".", ""));
    return a >= b ? "met" : "below";
  }

  function resultsTable(data, k) {
    var money = function (v) { return h("td.num", F.money(v)); };
    function roasCell(r, tag) {
      var judged = versus(r.roas, k.target_roas);
      return h(tag + ".num" + (judged ? ".vs-" + judged : ""), F.ratio(r.roas),
        judged ? h("span.sub", judged === "met" ? "meets " + F.ratio(k.target_roas) : "below " + F.ratio(k.target_roas)) : null);
    }
    var q = new URLSearchParams({ from: data.from, to: data.to, range: "custom", campaign: k.name }).toString();
    var rows = data.creators.map(function (r) {
      return h("tr", { dataset: { handle: r.handle } },
        h("th", { scope: "row" }, h("a", { href: "#/roi/" + encodeURIComponent(r.handle) + "?" + q }, r.name), h("span.sub", "@" + r.handle)),
        money(r.spend), money(r.net_revenue), roasCell(r, "td"), h("td.num", F.int(r.orders)), h("td.num", F.int(r.new_customers)));
    });
    var t = data.attributed_totals;
    return h("table.data-table", { id: "campaign-results" },
      h("caption.visually-hidden", "Results of " + k.name + " per creator"),
      h("thead", h("tr", h("th", "Creator"), h("th.num", { title: DEF.spend }, "Spend"), h("th.num", { title: DEF.net_revenue }, "Net revenue"),
        h("th.num", { title: "Net revenue ÷ spend, against the campaign's target ROAS. \"—\" when no spend is recorded." }, "ROAS"),
        h("th.num", { title: DEF.orders }, "Orders"), h("th.num", { title: DEF.new_customers }, "New customers"))),
      h("tbody", rows),
      h("tfoot", h("tr", { dataset: { handle: "total" } }, h("th", { scope: "row", title: "The creators above added up: only this campaign's orders inside its dates, and its own spend (not blended with the shop's other revenue)." }, "Total", h("span.sub", "the creators above")),
        money(t.spend), money(t.net_revenue), roasCell(t, "td"),
        h("td.num", F.int(t.orders)), h("td.num", F.int(t.new_customers)))));
  }

  async function resultsCard(k, query) {
    var range = rangeOf(k, query);
    var from = h("input", { type: "date", id: "campaign-from", "aria-label": "From", value: range.from });
    var to = h("input", { type: "date", id: "campaign-to", "aria-label": "To", value: range.to });
    function change() {
      if (!isDate(from.value) || !isDate(to.value)) { return; }
      location.hash = "#/campaigns/" + k.id + "?from=" + from.value + "&to=" + to.value;
    }
    from.addEventListener("change", change); to.addEventListener("change", change);
    var reset = range.own ? null : h("a.button.secondary.small", { href: "#/campaigns/" + k.id }, "The campaign's dates");
    var body;
    if (!k.creators.length) {
      body = h("p.muted", "No creators in this campaign yet: add them below, and their orders in its dates count here.");
    } else {
      try {
        var data = await api("/api/metrics/creators?" + new URLSearchParams({ from: range.from, to: range.to, as_of: today(), campaign: k.name }));
        X.setCurrency(data.currency);
        body = [h("div.table-scroll", { tabindex: "0", role: "region", "aria-label": "Campaign results" }, resultsTable(data, k)),
          h("p.footnote", "Hover a heading for its definition; the same figures as the ROI page with this campaign chosen."),
          (data.warnings || []).map(function (w) { return h("p.muted.small", typeof w === "string" ? w : w.message || ""); })];
      } catch (err) { body = h("div.banner.critical", { role: "alert" }, P.errorText(err)); }
    }
    return h("section.card", { id: "campaign-results-card" }, h("h2", "Results"),
      h("div.range-line", h("span.dates", from, h("span.muted", "–"), to), reset),
      h("p.muted.small", (range.own ? "The campaign's dates" : "Your dates") + ": " + X.rangeLabel(range.from, range.to) +
        ". Only the campaign's orders inside its dates count, and only its own spend entries; commission on those orders."),
      body);
  }

  function membersCard(k, creators, save) {
    var byHandle = {};
    creators.forEach(function (c) { byHandle[c.handle] = c; });
    var others = creators.filter(function (c) { return k.creators.indexOf(c.handle) < 0 && c.status !== "archived"; });
    var pick = h("select", { id: "member-add", "aria-label": "Creator to add" }, others.map(function (c) { return h("option", { value: c.handle }, c.name + " (@" + c.handle + ")"); }));
    var list = k.creators.length ? h("ul.members", k.creators.map(function (handle) {
      var c = byHandle[handle] || { name: handle };
      return h("li", { dataset: { handle: handle } }, h("a", { href: "#/creators/" + encodeURIComponent(handle) }, c.name), h("span.muted", " @" + handle),
        h("button.button.secondary.small", { type: "button", "aria-label": "Remove @" + handle + " from " + k.name, onclick: function () {
          save(k.creators.filter(function (x) { return x !== handle; }), "@" + handle + " removed from " + k.name + ".");
        } }, "Remove"));
    })) : h("p.muted", "No creators yet.");
    return h("section.card", { id: "campaign-members" }, h("h2", "Creators"), list,
      others.length ? h("div.form-line", pick, h("button.button.primary.small", { type: "button", id: "member-add-button", onclick: function () {
        save(k.creators.concat([pick.value]), "@" + pick.value + " added to " + k.name + ".");
      } }, "Add to campaign")) : h("p.muted.small", "Every creator is in this campaign."));
  }

  function editForm(k) {
    var form = h("form.card.stack", { id: "campaign-edit", novalidate: true }, h("div.form-banner"), h("h2", "Edit campaign"),
      h("div.form-grid",
        field("name", "Name", input("name", { value: k.name, required: true }), "Renaming keeps its utm_campaign (" + k.slug + "): links already shared still count."),
        field("target_roas", "Target ROAS", input("target_roas", { inputmode: "decimal", value: k.target_roas || "", placeholder: "3.0" }), "Empty: no target."),
        field("starts_on", "Starts", input("starts_on", { type: "date", value: k.starts_on || "" }), "Empty: open start."),
        field("ends_on", "Ends", input("ends_on", { type: "date", value: k.ends_on || "" }), "Empty: open end.")),
      h("div.actions", h("button.button.primary", { type: "submit" }, "Save"), h("button.button.secondary", { type: "reset" }, "Discard changes")));
    form.addEventListener("reset", function () { setTimeout(function () { P.clearFieldErrors(form); }, 0); });
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var v = function (n) { return form.elements[n].value.trim(); };
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        await api("/api/campaigns/" + k.id, { method: "PATCH", json: { name: v("name"), target_roas: v("target_roas"), starts_on: v("starts_on"), ends_on: v("ends_on") } });
        if (R.saved) { R.saved(form); }
        R.flash(v("name") + " saved.");
        R.navigate(true);
      } catch (err) { P.showFieldErrors(form, err); if (R.notSaved) { R.notSaved(form); } }
      finally { button.disabled = false; }
    });
    return form;
  }

  R.route(/^\/campaigns\/(\d+)$/, async function (id, query) {
    var got = await Promise.all([api("/api/campaigns/" + id), api("/api/creators?include_archived=1").then(function (b) { return b.creators; }, function () { return []; })]);
    var k = got[0], creators = got[1];
    async function save(handles, done) {
      try { await api("/api/campaigns/" + k.id, { method: "PATCH", json: { creators: handles } }); R.flash(done); R.navigate(true); }
      catch (err) { R.flash(P.errorText(err), "critical"); }
    }
    var edit = editForm(k);
    if (typeof R.saveBar === "function") { R.saveBar(edit); }
    var facts = h("dl.facts.campaign-facts",
      h("dt", "Dates"), h("dd", dates(k)),
      h("dt", "Target ROAS"), h("dd", k.target_roas ? F.ratio(k.target_roas) : "none"),
      h("dt", "utm_campaign"), h("dd", h("code", k.slug)),
      h("dt", "Creators"), h("dd", F.int(k.creators.length)));
    return h("div.stack",
      P.pageHeader(k.name, { href: "#/campaigns", label: "All campaigns", parent: "Campaigns" }, []),
      h("section.card", facts),
      await resultsCard(k, query),
      membersCard(k, creators, save),
      edit);
  });
})();
