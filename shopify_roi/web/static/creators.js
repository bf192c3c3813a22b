/* Creators, their codes and links (and the form that edits a creator); CSV import. Views for the tab router
   in app.js. Campaigns are campaigns.js. */
(function () {
  "use strict";
  var R = window.CreatorROI, h = R.h, api = R.api;
  var PLATFORMS = ["instagram", "tiktok", "youtube", "pinterest", "twitter", "facebook", "twitch", "snapchat", "blog", "podcast", "newsletter", "other"];
  var PLACEMENTS = ["post", "story", "reel", "video", "short", "live", "bio", "newsletter", "other"];

  function badge(status) { return h("span.badge." + status, status); }
  function codeValue(code) { return code.value_type === "percentage" ? code.percent_off + "% off" : code.amount_off + " off"; }
  function errorText(err) { return (err.body && err.body.message) || "Something went wrong. Try again."; }

  function field(name, label, input, help) {
    return h("div.field", { dataset: { field: name } }, h("label", { for: "f-" + name }, label), input,
      help ? h("div.help", help) : null);
  }
  function input(name, attrs) { return h("input", Object.assign({ id: "f-" + name, name: name }, attrs || {})); }
  function select(name, options, value) {
    return h("select", { id: "f-" + name, name: name }, options.map(function (o) { return h("option", { value: o, selected: o === value }, o); }));
  }
  function showErrors(form, err) {
    form.querySelectorAll(".field").forEach(function (f) { f.classList.remove("error"); var t = f.querySelector(".error-text"); if (t) { t.remove(); } });
    var fields = (err.body && err.body.fields) || {};
    Object.keys(fields).forEach(function (name) {
      var f = form.querySelector('[data-field="' + name + '"]');
      if (f) { f.classList.add("error"); f.appendChild(h("div.error-text", fields[name])); }
    });
    var banner = form.querySelector(".form-banner");
    banner.replaceChildren(h("div.banner.critical", { role: "alert" }, h("strong", err.status === 409 ? "That code can't be used. " : "Not saved. "), errorText(err)));
    banner.scrollIntoView({ block: "start" });
  }
  /* Settings' pattern (settings.js): each refused field red with its reason beside it, a banner above. */
  function clearFieldErrors(form) {
    form.querySelectorAll(".field").forEach(function (f) { f.classList.remove("error"); var t = f.querySelector(".error-text"); if (t) { t.remove(); } });
    form.querySelector(".form-banner").replaceChildren();
  }
  function showFieldErrors(form, err) {
    clearFieldErrors(form);
    var fields = (err.body && err.body.fields) || {};
    Object.keys(fields).forEach(function (key) {
      var f = form.querySelector('[data-field="' + key + '"]');
      if (f) { f.classList.add("error"); f.appendChild(h("div.error-text", { role: "alert" }, fields[key])); }
    });
    form.querySelector(".form-banner").replaceChildren(h("div.banner.critical", { role: "alert" }, h("strong", "Not saved. "), errorText(err)));
  }
  /* The page's title with its way back to the parent list (app.js's Polaris page header). */
  function pageHeader(title, back, actions, sub) {
    var head = R.pageHeader(title, { back: { href: back.href, label: back.parent }, actions: actions });
    return sub ? h("div.page-head", head, sub) : head;
  }
  /* A card setting one per-shop number of days in /api/settings (`section`.`key`): the payouts' return
     window, the seeding follow-up. What is typed is sent as typed unless it is a whole number, so the
     server's reason for a refusal is the one shown. */
  function daysSetting(o) {
    var name = o.section + "." + o.key;
    var form = h("form.card.stack", { id: o.id, novalidate: true }, h("div.form-banner"), h("h2", o.title),
      field(name, o.label, h("div.input-unit", input(name, { inputmode: "numeric", value: String(o.days) }),
        h("span.unit", { "aria-hidden": "true" }, "days")), o.help),
      h("div.actions", h("button.button.secondary", { type: "submit" }, "Save")));
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var raw = form.elements[name].value.trim(), body = {};
      body[o.section] = {};
      body[o.section][o.key] = /^[0-9]{1,3}$/.test(raw) ? Number(raw) : raw;
      try {
        await api("/api/settings", { method: "PUT", json: body });
        R.flash(o.saved); R.navigate(true);
      } catch (err) { showFieldErrors(form, err); }
    });
    return form;
  }
  R.forms = { field: field, input: input, select: select, errorText: errorText, badge: badge,
    showFieldErrors: showFieldErrors, clearFieldErrors: clearFieldErrors, pageHeader: pageHeader, daysSetting: daysSetting };

  function copyRow(label, text) {
    if (!text) { return h("div.copy-row", h("span.label", label), h("span.muted", "available when the code is active")); }
    var button = h("button.button.secondary.small", { type: "button", onclick: function () { R.copy(text, button); } }, "Copy");
    return h("div.copy-row", h("span.label", label), h("code", { title: text }, text), button);
  }

  /* -- list ------------------------------------------------------------------------------- */
  R.route(/^\/creators$/, async function () {
    var data = await api("/api/creators?include_archived=1");
    var toolbar = h("div.toolbar", h("h2", "Creators"), h("div.actions",
      h("a.button.secondary", { href: "#/creators/adopt" }, "Adopt existing codes"), h("a.button.secondary", { href: "#/import" }, "Import CSV"), h("a.button.primary", { href: "#/creators/new" }, "Add creator")));
    if (!data.creators.length) {
      return h("div.stack", toolbar, h("section.card.empty-state", h("h2", "Add your first creator"),
        h("p.muted", "Each creator gets their own discount code in your shop and tracked links, made together so nothing is left half-made."),
        h("a.button.primary", { href: "#/creators/new" }, "Add creator")));
    }
    var rows = data.creators.map(function (c) {
      return h("tr.link-row", { onclick: function () { location.hash = "#/creators/" + encodeURIComponent(c.handle); } },
        h("td", h("strong", c.name), h("span.sub", "@" + c.handle + " · " + c.platform)),
        h("td", c.code ? [h("strong", c.code.code), " ", badge(c.code.status), h("span.sub", codeValue(c.code))] : h("span.muted", "no live code")),
        h("td", c.commission_percent + "%"),
        h("td", c.followers === null ? "—" : Number(c.followers).toLocaleString()),
        h("td", String(c.clicks || 0)),
        h("td", c.campaigns.join(", ") || "—"),
        h("td", badge(c.status)));
    });
    return h("div.stack", toolbar, h("section.card", h("table.data-table", { id: "creators-table" },
      h("thead", h("tr", ["Creator", "Code", "Commission", "Followers", "Clicks", "Campaigns", "Status"].map(function (t) { return h("th", t); }))),
      h("tbody", rows))));
  });

  /* -- add -------------------------------------------------------------------------------- */
  R.route(/^\/creators\/new$/, async function () {
    var form = h("form.card.stack", { id: "creator-form", novalidate: true },
      h("div.form-banner"),
      h("h2", "Creator"),
      h("div.form-grid",
        field("name", "Name", input("name", { required: true, placeholder: "Anna Berg" })),
        field("handle", "Handle", input("handle", { required: true, placeholder: "anna" }), "Used in links (ref and utm_content); cannot change later."),
        field("platform", "Platform", select("platform", PLATFORMS, "instagram")),
        field("followers", "Followers", input("followers", { inputmode: "numeric", placeholder: "48000" })),
        field("commission_percent", "Commission %", input("commission_percent", { inputmode: "decimal", placeholder: "10" }), "Of return-adjusted revenue."),
        field("campaigns", "Campaigns", input("campaigns", { placeholder: "Spring launch" }), "Separate several with |"),
        h("div.full", field("notes", "Notes", h("textarea", { id: "f-notes", name: "notes" })))),
      h("h2", "Discount code"),
      h("div.form-grid",
        field("code", "Code", input("code", { required: true, placeholder: "ANNA15" }), "Checked against every code in your shop, in any letter case."),
        field("percent_off", "Percent off", input("percent_off", { inputmode: "decimal", placeholder: "15" }), "Or fill in an amount off instead."),
        field("amount_off", "Amount off", input("amount_off", { inputmode: "decimal", placeholder: "10.00" })),
        field("usage_limit", "Usage limit", input("usage_limit", { inputmode: "numeric", placeholder: "unlimited" })),
        field("starts_at", "Starts", input("starts_at", { type: "date" })),
        field("ends_at", "Ends", input("ends_at", { type: "date" })),
        field("min_subtotal", "Minimum subtotal", input("min_subtotal", { inputmode: "decimal", placeholder: "none" })),
        h("div.field", h("label", "Rules"), h("div.checks",
          h("label", input("once_per_customer", { type: "checkbox" }), "Once per customer"),
          h("label", input("combines_with_shipping", { type: "checkbox", checked: true }), "Combines with shipping discounts"),
          h("label", input("combines_with_order", { type: "checkbox" }), "with order discounts"),
          h("label", input("combines_with_product", { type: "checkbox" }), "with product discounts")))),
      h("div.actions", h("button.button.primary", { type: "submit" }, "Create creator and code"), h("a.button.secondary", { href: "#/creators" }, "Cancel")));
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var v = function (n) { return form.elements[n].value.trim(); };
      var c = function (n) { return form.elements[n].checked; };
      var body = { name: v("name"), handle: v("handle"), platform: v("platform"), followers: v("followers"), commission_percent: v("commission_percent"),
        campaigns: v("campaigns"), notes: v("notes"),
        discount: { code: v("code"), percent_off: v("percent_off"), amount_off: v("amount_off"), usage_limit: v("usage_limit"),
          starts_at: v("starts_at"), ends_at: v("ends_at"), min_subtotal: v("min_subtotal"), once_per_customer: c("once_per_customer"),
          combines_with_shipping: c("combines_with_shipping"), combines_with_order: c("combines_with_order"), combines_with_product: c("combines_with_product") } };
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        var made = await api("/api/creators", { json: body });
        R.flash("@" + made.handle + " and " + made.code.code + " are live in your shop.");
        location.hash = "#/creators/" + encodeURIComponent(made.handle);
      } catch (err) { showErrors(form, err); } finally { button.disabled = false; }
    });
    return h("div.stack", h("div.toolbar", h("h2", "Add creator")), form);
  });

  /* -- detail ----------------------------------------------------------------------------- */
  async function act(path, options, done) {
    try { await api(path, options); R.flash(done); R.navigate(); } catch (err) { R.flash(errorText(err), "critical"); }
  }

  /* The Edit card: every field PATCH /api/creators/<handle> takes (profiles.parse_creator). The handle is
     shown, not edited: links and UTMs already shared carry it. Fees are spend entries (ROI page). */
  function editForm(c, campaigns) {
    var id = function (n) { return "e-" + n; };
    function row(name, label, control, help) {
      return h("div.field", { dataset: { field: name } }, h("label", { for: id(name) }, label), control,
        help ? h("div.help", { id: id(name) + "-help" }, help) : null);
    }
    function box(name, attrs) { return h("input", Object.assign({ id: id(name), name: name, "aria-describedby": id(name) + "-help" }, attrs || {})); }
    var mine = {};
    c.campaigns.forEach(function (n) { mine[n] = true; });
    var checks = campaigns.length ? h("div.checks.campaign-checks", { role: "group", "aria-label": "Campaigns" }, campaigns.map(function (k) {
      return h("label", h("input", { type: "checkbox", name: "campaign", value: k.name, checked: !!mine[k.name] }), k.name);
    })) : h("p.muted.small", "No campaigns yet.");
    var form = h("form.card.stack", { id: "creator-edit", novalidate: true },
      h("div.form-banner"),
      h("h2", "Edit creator"),
      h("div.form-grid",
        row("name", "Name", box("name", { value: c.name, required: true })),
        row("handle", "Handle", box("handle", { value: c.handle, readonly: true, "aria-readonly": "true" }),
          "Can't be renamed: links, QR codes and UTMs already shared carry @" + c.handle + ". Add a new creator for a new handle."),
        row("platform", "Platform", h("select", { id: id("platform"), name: "platform" }, PLATFORMS.map(function (o) { return h("option", { value: o, selected: o === c.platform }, o); }))),
        row("followers", "Followers", box("followers", { inputmode: "numeric", value: c.followers === null ? "" : String(c.followers), placeholder: "unknown" })),
        row("commission_percent", "Commission %", box("commission_percent", { inputmode: "decimal", value: c.commission_percent || "0" }),
          "Of return-adjusted revenue, recomputed when refunds arrive."),
        h("div.field", { dataset: { field: "fees" } }, h("span.label", "Fees and retainers"),
          h("p.help", "A fee is a spend entry: dated, or spread over a month or a campaign's dates. ",
            h("a", { href: "#/roi/" + encodeURIComponent(c.handle) + "?show=spend", id: "e-fees-link" }, "Add or edit fees on the ROI page"))),
        h("div.full", row("campaigns", "Campaigns", h("div", checks,
          h("div.new-campaign", h("label", { for: id("new_campaign") }, "Or a new campaign"), box("new_campaign", { placeholder: "Campaign name" }))),
          "The campaigns this creator belongs to. A new name creates the campaign; give it dates on its page.")),
        h("div.full", row("notes", "Notes", h("textarea", { id: id("notes"), name: "notes" }, c.notes || "")))),
      h("div.actions", h("button.button.primary", { type: "submit" }, "Save"),
        h("button.button.secondary", { type: "reset" }, "Discard changes")));
    form.addEventListener("reset", function () { setTimeout(function () { clearFieldErrors(form); }, 0); });
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var v = function (n) { return form.elements[n].value.trim(); };
      var names = Array.prototype.filter.call(form.querySelectorAll('input[name="campaign"]'), function (x) { return x.checked; })
        .map(function (x) { return x.value; });
      if (v("new_campaign")) { names.push(v("new_campaign")); }
      var body = { name: v("name"), platform: v("platform"), followers: v("followers"), commission_percent: v("commission_percent"),
        notes: form.elements.notes.value, campaigns: names };
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        await api("/api/creators/" + encodeURIComponent(c.handle), { method: "PATCH", json: body });
        if (R.saved) { R.saved(form); }
        R.flash("@" + c.handle + " saved.");
        R.navigate(true);
      } catch (err) { showFieldErrors(form, err); if (R.notSaved) { R.notSaved(form); } }
      finally { button.disabled = false; }
    });
    return form;
  }

  R.route(/^\/creators\/([^/]+)$/, async function (handle) {
    var got = await Promise.all([api("/api/creators/" + encodeURIComponent(handle)),
      api("/api/campaigns").then(function (b) { return b.campaigns; }, function () { return []; })]);
    var c = got[0], campaignList = got[1];
    var base = "/api/creators/" + encodeURIComponent(c.handle);
    var code = c.code;
    var codeActions = code ? h("div.actions",
      code.status === "active" ? h("button.button.secondary.small", { onclick: function () { act(base + "/codes/" + code.id + "/pause", { method: "POST" }, code.code + " is paused in your shop."); } }, "Pause") : null,
      code.status === "paused" ? h("button.button.secondary.small", { onclick: function () { act(base + "/codes/" + code.id + "/resume", { method: "POST" }, code.code + " is active again."); } }, "Resume") : null,
      h("button.button.secondary.small", { onclick: function () {
        var next = prompt("New code for @" + c.handle + " (the old one is deactivated and kept in the history):");
        if (next) { act(base + "/codes/rotate", { json: { code: next } }, "Rotated to " + next + "."); }
      } }, "Rotate"),
      h("button.button.critical.small", { onclick: function () {
        if (confirm("Delete " + code.code + " from your shop? Orders that used it stay attributed.")) { act(base + "/codes/" + code.id, { method: "DELETE" }, code.code + " was deleted."); }
      } }, "Delete"),
      h("button.button.secondary.small", { onclick: async function () {
        var more = prompt("Extra codes for the same discount, separated by commas (e.g. ANNA-TIKTOK):");
        if (!more) { return; }
        try {
          var out = await api(base + "/codes/" + code.id + "/extra", { json: { codes: more.split(",").map(function (x) { return x.trim(); }).filter(Boolean) } });
          R.flash(out.results.map(function (r) { return r.code + ": " + r.status + (r.message ? " (" + r.message + ")" : ""); }).join(" · "),
            out.results.every(function (r) { return r.status === "added"; }) ? "success" : "critical");
          R.navigate();
        } catch (err) { R.flash(errorText(err), "critical"); }
      } }, "Add extra code")) : null;
    var extras = code ? c.codes.filter(function (k) { return k.alias_of_id === code.id && (k.status === "active" || k.status === "paused"); }) : [];
    var history = h("table.data-table", h("thead", h("tr", ["Code", "Value", "Status", "Note", "Created"].map(function (t) { return h("th", t); }))),
      h("tbody", c.codes.map(function (k) { return h("tr", h("td", k.code), h("td", codeValue(k)), h("td", badge(k.status)), h("td", k.note || ""), h("td", (k.created_at || "").slice(0, 10))); })));

    var builderOut = h("div");
    var target = select("target", ["home", "product", "collection"], "home");
    var targetHandle = input("target_handle", { placeholder: "product or collection handle" });
    var placement = select("placement", PLACEMENTS, "post");
    var campaign = input("campaign", { placeholder: c.campaigns[0] || "campaign (optional)", value: c.campaigns[0] || "" });
    function params() {
      return "target=" + encodeURIComponent(target.value) + "&target_handle=" + encodeURIComponent(targetHandle.value.trim()) +
        "&placement=" + encodeURIComponent(placement.value) + "&campaign=" + encodeURIComponent(campaign.value.trim());
    }
    async function preview() {
      try {
        var p = await api(base + "/links/preview?" + params());
        builderOut.replaceChildren(copyRow("Storefront", p.storefront), copyRow("Auto-apply", p.auto_apply));
      } catch (err) { builderOut.replaceChildren(h("div.banner.critical", errorText(err))); }
    }
    [target, targetHandle, placement, campaign].forEach(function (el) { el.addEventListener("change", preview); });
    preview();
    var makeLink = h("button.button.primary.small", { type: "button", onclick: function () {
      act(base + "/links", { json: { target: target.value, target_handle: targetHandle.value.trim(), placement: placement.value, campaign: campaign.value.trim() } }, "Tracked link created.");
    } }, "Create tracked link");
    var tracked = c.links.tracked.length ? h("table.data-table", { id: "tracked-links" },
      h("thead", h("tr", ["Short link", "Goes to", "Placement", "Clicks", "QR", ""].map(function (t) { return h("th", t); }))),
      h("tbody", c.links.tracked.map(function (l) {
        var btn = h("button.button.secondary.small", { type: "button", onclick: function () { R.copy(l.short_url, btn); } }, "Copy");
        return h("tr", h("td", h("code", l.short_url), " ", btn), h("td", l.target === "home" ? "Home page" : l.target + " " + l.target_handle),
          h("td", l.placement), h("td", String(l.clicks)),
          h("td", h("a", { href: l.qr_png, target: "_blank", rel: "noopener" }, h("img.qr", { src: l.qr_svg, alt: "QR code of " + l.short_url }))),
          h("td", h("button.button.secondary.small", { onclick: function () { act(base + "/links/" + l.id, { method: "DELETE" }, "Link archived."); } }, "Archive")));
      }))) : h("p.muted", "No tracked links yet. A tracked link counts clicks (bots excluded) and opens the shop with the code applied.");

    var edit = editForm(c, campaignList);
    if (typeof R.saveBar === "function") { R.saveBar(edit); }
    var archive = h("button.button.secondary", { type: "button", onclick: function () { act(base + (c.status === "archived" ? "/unarchive" : "/archive"), { method: "POST" }, c.status === "archived" ? "Restored." : "Archived."); } },
      c.status === "archived" ? "Restore" : "Archive");
    return h("div.stack",
      pageHeader(c.name, { href: "#/creators", label: "All creators", parent: "Creators" }, [archive],
        h("p.page-sub", h("span.muted", "@" + c.handle + " · " + c.platform), " ", badge(c.status))),
      h("div.layout",
        h("section.card", h("h2", "Discount code"), code ? h("p", h("strong", code.code), " ", badge(code.status), " · ", codeValue(code),
          code.usage_limit ? " · " + code.usage_limit + " uses" : "", code.once_per_customer ? " · once per customer" : "") : h("p.muted", "No live code."),
          extras.length ? h("p.muted", "Extra codes on the same discount: " + extras.map(function (k) { return k.code; }).join(", ")) : null, codeActions),
        h("section.card", h("h2", "Creator"), h("dl.facts", { id: "creator-facts" }, h("dt", "Platform"), h("dd", c.platform), h("dt", "Followers"), h("dd", c.followers === null ? "—" : Number(c.followers).toLocaleString()),
          h("dt", "Commission"), h("dd", c.commission_percent + "% of return-adjusted revenue"), h("dt", "Campaigns"), h("dd", c.campaigns.length ? c.campaigns.map(function (n, i) {
            var k = campaignList.filter(function (x) { return x.name === n; })[0];
            return [i ? ", " : "", k ? h("a", { href: "#/campaigns/" + k.id }, n) : n];
          }) : "—"), h("dt", "Clicks"), h("dd", String(c.clicks))))),
      edit,
      h("section.card", { id: "links-panel" }, h("h2", "Links to share"),
        copyRow("Storefront", c.links.storefront), copyRow("Auto-apply", c.links.auto_apply),
        h("h2", "Tracked links"), tracked),
      h("section.card", { id: "link-builder" }, h("h2", "Build a link"),
        h("p.muted", "UTMs: utm_source is the platform, utm_medium the placement, utm_campaign the campaign, utm_content and ref the handle."),
        h("div.form-grid", field("target", "Page", target), field("target_handle", "Handle", targetHandle),
          field("placement", "Placement (utm_medium)", placement), field("campaign", "Campaign (utm_campaign)", campaign)),
        h("h2", "Preview"), builderOut, h("div.actions", makeLink)),
      R.reportLinksCard(c.handle),
      h("section.card", h("h2", "Code history"), history));
  });

  /* -- import ----------------------------------------------------------------------------- */
  function report(run) {
    var counts = Object.keys(run.counts).map(function (k) { return run.counts[k] + " " + k; }).join(" · ");
    return h("section.card", { id: "import-report" }, h("h2", "Import " + run.id + ": " + run.status),
      h("p.muted", run.processed + " of " + run.total + " rows" + (counts ? " · " + counts : "")),
      h("div.table-scroll", { tabindex: "0", role: "region", "aria-label": "Rows imported" }, h("table.data-table", h("thead", h("tr", ["Line", "Handle", "Code", "Result", "Detail"].map(function (t) { return h("th", t); }))),
        h("tbody", run.rows.map(function (r) {
          return h("tr", { dataset: { line: String(r.line) } }, h("td", String(r.line)), h("td", "@" + r.handle), h("td", r.code),
            h("td", h("span.badge." + (IMPORT_BADGE[r.status] || "pending"), { dataset: { result: r.status } }, r.status)), h("td", r.message || ""));
        })))));
  }
  /* Each row's badge names what happened to it (imports.py): its colour only says good, neutral or not. */
  var IMPORT_BADGE = { created: "active", resumed: "active", unchanged: "archived", pending: "pending", clash: "failed", conflict: "failed", invalid: "failed" };

  R.route(/^\/import(?:\/(\d+))?$/, async function (runId) {
    var out = h("div");
    var file = h("input", { type: "file", accept: ".csv,text/csv", id: "import-file", "aria-label": "CSV file" });
    var text = h("textarea", { id: "import-text", placeholder: "…or paste the CSV here", "aria-label": "CSV text", rows: 6 });
    async function poll(id) {
      var run = await api("/api/creators/imports/" + id);
      out.replaceChildren(report(run));
      if (run.status !== "done") { setTimeout(function () { if (location.hash === "#/import/" + id) { poll(id); } }, 1000); }
    }
    var form = h("form.card.stack", h("div.form-banner"), h("h2", "Import creators from a CSV"),
      h("p.muted", { id: "import-help" }, "One row per creator with their code. The columns name, handle and code are enough: a row with neither percent_off nor amount_off gets a code at 10% off. " +
        "Each row then says what happened: created, unchanged (imported before), invalid (with the reason; nothing made) or clash (the code or handle is already taken; nothing made). Importing the same file again creates nothing twice."),
      h("div.actions", h("button.button.secondary", { type: "button", onclick: async function () {
        var csv = await api("/api/creators/template.csv");
        var link = h("a", { href: URL.createObjectURL(new Blob([csv], { type: "text/csv" })), download: "creators-template.csv" });
        document.body.appendChild(link); link.click(); link.remove();
      } }, "Download template")),
      field("file", "CSV file", file), text,
      h("div.actions", h("button.button.primary", { type: "submit" }, "Import")));
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var csv = file.files.length ? await file.files[0].text() : text.value;
      try { var run = await api("/api/creators/import", { text: csv }); location.hash = "#/import/" + run.id; }
      catch (err) { showErrors(form, err); }
    });
    if (runId) { poll(runId); }
    return h("div.stack", h("div.toolbar", h("h2", "Import CSV")), form, out);
  });
})();
