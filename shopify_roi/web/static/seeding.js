/* Seeding follow-up (#/seeding; README "Seeding"): every seeding of the range (gifted product, entered in a
   creator's spend or recorded from a seeding order) with whether it was sent and what came of it: posted,
   waiting, or not posted after the shop's follow-up days; the posting rate and cost per post of seeding;
   the seeding orders still to record; a form to mark an order as seeding, and the follow-up days.
   body = GET /api/seeding?from&to&as_of. Every figure is the API's, exact, rounded here for display only. */
(function () {
  "use strict";
  var R = window.CreatorROI, h = R.h, api = R.api, X = R.roi, F = X.F, P = R.forms;

  var DEF = {
    sent: "Seedings marked sent in this range (a seeding not marked sent yet is listed by its date, as not sent).",
    posted: "Seedings with at least one post linked to them (a post names the seeding it came from when it is added).",
    waiting: "Sent, no post yet, and fewer than the follow-up days ago: too early to tell.",
    not_posted: "Sent at least the follow-up days ago, and no post came of it.",
    posting_rate: "Posted ÷ (posted + not posted). Seedings still waiting count neither way. \"—\" when none is decided yet.",
    cost_per_post: "What the posted and not-posted seedings cost (product at cost + shipping) ÷ the posts linked to them. \"—\" without a post.",
  };
  var STATUS = { posted: ["Posted", "processed"], waiting: ["Waiting", "pending"], not_posted: ["Not posted", "critical"], not_sent: ["Not sent", "archived"] };
  Object.keys(DEF).forEach(function (k) { X.DEF["seeding_" + k] = DEF[k]; });  /* the metric cards' titles */

  /* The creator's orders list (roi-detail.js): mark a sale as seeding (a gift to the creator), or take the
     mark back. Shopify's cost per item is used; the seeding page edits the shipping. */
  X.seedingToggle = function (order, done) {
    var marked = order.seeding === "app";
    var b = h("button.button.plain.small", { type: "button", "aria-label": (marked ? "Not seeding: count " : "Mark as seeding: ") + (order.name || order.order_id) + (marked ? " as a sale again" : "") },
      marked ? "Not seeding" : "Mark as seeding");
    b.addEventListener("click", async function () {
      if (!marked && !confirm("Mark " + (order.name || order.order_id) + " as seeding? It stops counting as a sale, and its product at cost becomes seeding spend.")) { return; }
      b.disabled = true;
      try {
        if (marked) { await api("/api/seeding/orders/" + encodeURIComponent(order.order_id), { method: "DELETE" }); R.flash("Counted as a sale again."); }
        else {
          var e = await api("/api/seeding/orders", { json: { order: order.order_id } });
          R.flash(e.recorded ? "Marked as seeding: " + F.money(e.amount) + " of seeding spend. Add its shipping on the Seeding page."
            : "Marked as seeding: it no longer counts as a sale. " + e.reason + " Enter it under Seeding orders to record on the Seeding page.", e.recorded ? undefined : "warning");
        }
        await done();
      } catch (err) { b.disabled = false; R.flash(X.errorText(err), "critical"); }
    });
    return b;
  };

  function badge(status, days) {
    var s = STATUS[status] || [status, "archived"];
    return h("span.badge." + s[1], { title: DEF[status] || "" }, s[0] + (status === "not_posted" ? " after " + F.int(days) + " days" : ""));
  }

  function sentCell(s, done) {
    var date = h("input", { type: "date", "aria-label": "Sent on, seeding of " + s.name, value: s.sent_on || X.readState(new URLSearchParams()).today });
    var save = h("button.button.secondary.small", { type: "button" }, s.sent_on ? "Save" : "Mark sent");
    var form = h("span.inline-form", { hidden: !!s.sent_on }, date, save);
    save.addEventListener("click", async function () {
      try { await api("/api/seeding/" + s.id, { method: "PATCH", json: { sent_on: date.value || null } }); R.flash("Seeding marked sent."); await done(); }
      catch (err) { R.flash(X.errorText(err), "critical"); }
    });
    if (!s.sent_on) { return h("td.sent-cell", form); }
    var change = h("button.button.plain.small", { type: "button", "aria-label": "Change the sent date of " + s.name + "'s seeding" }, "Change");
    change.addEventListener("click", function () { form.hidden = false; change.hidden = true; date.focus(); });
    return h("td.sent-cell", X.dateLabel(s.sent_on, true), h("span.sub", F.count(s.days_since_sent, "day") + " ago"), change, form);
  }

  function seedingsTable(body, done) {
    if (!body.seedings.length) {
      return h("p.muted", { id: "seedings-none" }, "No seeding in this range. A seeding is a creator's spend entry of kind seeding (their ROI page), or an order marked as seeding below or tagged in Shopify.");
    }
    return h("div.table-scroll", h("table.data-table.compact", { id: "seedings" },
      h("thead", h("tr", ["Creator", "Seeding", "Cost", "Sent", "Posts", "Status"].map(function (t, i) {
        return h("th" + (i === 2 || i === 4 ? ".num" : ""), { scope: "col" }, t);
      }))),
      h("tbody", body.seedings.map(function (s) {
        return h("tr", { dataset: { seeding: String(s.id), status: s.status } },
          h("td", h("a", { href: "#/roi/" + encodeURIComponent(s.handle) }, s.name), h("span.sub", "@" + s.handle)),
          h("td", s.order ? "Order " + s.order : "Entered " + X.dateLabel(s.date, true), s.note ? h("span.sub", s.note) : null),
          h("td.num", F.money(s.amount)), sentCell(s, done),
          h("td.num", s.posts.length ? s.posts.map(function (p, i) { return h("a", { href: p.url, target: "_blank", rel: "noopener noreferrer" }, (i ? ", " : "") + "post " + (i + 1)); }) : F.int(0)),
          h("td", badge(s.status, body.follow_up_days)));
      }))));
  }

  function creatorsTable(body) {
    if (!body.creators.length) { return null; }
    return h("div.table-scroll", h("table.data-table.compact", { id: "seeding-creators" },
      h("thead", h("tr", h("th", { scope: "col" }, "Creator"), h("th.num", { scope: "col", title: DEF.sent }, "Sent"), h("th.num", { scope: "col", title: DEF.posted }, "Posted"),
        h("th.num", { scope: "col", title: DEF.not_posted }, "Not posted"), h("th.num", { scope: "col", title: DEF.posting_rate }, "Posting rate"),
        h("th.num", { scope: "col", title: DEF.cost_per_post }, "Cost per post"))),
      h("tbody", body.creators.map(function (c) {
        return h("tr", { dataset: { creator: c.handle } }, h("td", c.name, h("span.sub", "@" + c.handle)), h("td.num", F.int(c.sent)), h("td.num", F.int(c.posted)),
          h("td.num", c.not_posted ? h("strong.neg", F.int(c.not_posted)) : F.int(0)), h("td.num", F.pct(c.posting_rate)), h("td.num", F.money(c.cost_per_post)));
      }))));
  }

  function recordForm(done, order, creators) {
    var id = order ? "r" + order.order_id : "new";
    var form = h("form.record-seeding", { novalidate: true, dataset: { order: order ? order.order_id : "" } }, h("div.form-banner"),
      order ? null : P.field("order", "Order", P.input("order", { id: "f-order-" + id, placeholder: "#1001", size: 10 })),
      P.field("creator", "Sent to", h("select", { id: "f-creator-" + id, name: "creator", "aria-label": "Creator" },
        h("option", { value: "" }, order && order.creator ? "@" + order.creator + " (from the order)" : "Choose a creator"),
        creators.map(function (c) { return h("option", { value: c.handle }, c.name + " @" + c.handle); }))),
      P.field("product_cost", "Product cost", h("input", { id: "f-cost-" + id, name: "product_cost", inputmode: "decimal", size: 8, placeholder: "from Shopify" })),
      P.field("shipping", "Shipping", h("input", { id: "f-ship-" + id, name: "shipping", inputmode: "decimal", size: 8, placeholder: "0.00" })),
      h("div.actions", h("button.button.primary.small", { type: "submit" }, order ? "Record" : "Mark as seeding")));
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var body = { order: order ? order.order_id : form.elements.order.value.trim() };
      ["creator", "product_cost", "shipping"].forEach(function (k) { var v = form.elements[k].value.trim(); if (v) { body[k] = v; } });
      try {
        var entry = await api("/api/seeding/orders", { json: body });
        if (!entry.recorded) { R.flash("The order is seeding now (no longer a sale); its cost is still to record. " + entry.reason, "warning"); await done(); return; }
        R.flash("Recorded as seeding: " + F.money(entry.amount) + " of seeding spend; the order no longer counts as a sale."); await done();
      } catch (err) { P.showFieldErrors(form, err); }
    });
    return form;
  }

  function toRecordCard(body, creators, done) {
    return h("section.card", { id: "seeding-to-record" }, h("h2", "Seeding orders to record"),
      h("p.muted.small", "Orders tagged creator-roi-seeding in Shopify are recorded by themselves at Shopify's cost per item when the tag (creator-roi-seeding:<handle>) or the order's code names the creator. These could not be: name the creator, or enter the product cost."),
      body.to_record.length ? h("ul.plain-list", body.to_record.map(function (o) {
        return h("li", { dataset: { order: o.order_id } }, h("strong", o.name), " ", h("span.muted", X.dateLabel(o.created_at.slice(0, 10), true)),
          o.reason ? h("p.small", o.reason) : null, recordForm(done, o, creators));
      })) : h("p.muted", { id: "to-record-none" }, "None: every seeding order is recorded."),
      h("details", h("summary", "Mark another order as seeding"),
        h("p.muted.small", "For an order you sent a creator as a gift: it stops counting as a sale (no revenue, no new customer, no commission), and its product at cost plus shipping becomes the creator's seeding spend. Leave the product cost empty to use Shopify's cost per item."),
        recordForm(done, null, creators)));
  }

  function daysForm(days) {
    return P.daysSetting({ id: "seeding-days", title: "Follow-up days", section: "seeding", key: "follow_up_days", days: days,
      label: "A seeding is not posted after", saved: "Follow-up days saved.",
      help: "Days after a seeding is sent before it counts as not posted (1–365, default 21)." });
  }

  R.route(/^\/seeding$/, async function (query) {
    var st = X.readState(query);
    var got = await Promise.all([api("/api/seeding?" + X.apiQuery(st)), api("/api/creators").then(function (b) { return b.creators; }).catch(function () { return []; })]);
    var body = got[0], creators = got[1].filter(function (c) { return c.status !== "archived"; });
    var t = body.totals, done = function () { return R.navigate(true); };
    var never = body.seedings.filter(function (s) { return s.status === "not_posted"; });
    X.ready(st);
    return h("div.stack", { id: "seeding-page" }, h("div.toolbar", h("h2", "Seeding follow-up")),
      h("section.card.controls", X.rangeToolbar("/seeding", st, [])),
      h("section.card", { id: "seeding-summary" },
        h("div.metrics", X.card("sent", "Sent", F.int(t.sent), F.count(t.seedings, "seeding") + " in range", { def: "seeding_sent" }),
          X.card("posted", "Posted", F.int(t.posted), F.count(t.posts, "post") + " linked", { def: "seeding_posted" }),
          X.card("waiting", "Waiting", F.int(t.waiting), "under " + F.count(body.follow_up_days, "day"), { def: "seeding_waiting" }),
          X.card("not_posted", "Not posted", F.int(t.not_posted), "after " + F.count(body.follow_up_days, "day"), { def: "seeding_not_posted", cls: t.not_posted ? "poor" : "" }),
          X.card("posting_rate", "Posting rate", F.pct(t.posting_rate), null, { def: "seeding_posting_rate" }),
          X.card("cost_per_post", "Cost per post of seeding", F.money(t.cost_per_post), "of " + F.money(t.decided_cost), { def: "seeding_cost_per_post" })),
        never.length ? h("div.banner.warning", { id: "seeded-not-posted", role: "status" }, h("strong", "Seeded, never posted: "),
          never.map(function (s, i) { return [i ? ", " : "", h("a", { href: "#/roi/" + encodeURIComponent(s.handle) }, s.name), " (sent " + F.count(s.days_since_sent, "day") + " ago)"]; })) : null,
        h("dl.definitions", Object.keys(DEF).map(function (k) {
          return [h("dt", { posting_rate: "Posting rate", cost_per_post: "Cost per post of seeding", not_posted: "Not posted", waiting: "Waiting", posted: "Posted", sent: "Sent" }[k]), h("dd", DEF[k])];
        }))),
      h("section.card", h("h2", "Per creator"), creatorsTable(body) || h("p.muted", "No seeding in this range.")),
      h("section.card", h("h2", "Seedings"), seedingsTable(body, done)),
      h("div.layout", toRecordCard(body, creators, done), daysForm(body.follow_up_days)));
  });
})();
