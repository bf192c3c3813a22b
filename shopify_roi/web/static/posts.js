/* A creator's posts on their ROI page (R.roi.postsCard): each post with its reported figures and what it
   yielded (engagement rate, cost, CPM, CPE, sales in the 1, 7 and 30 days after it), the totals over the
   creator's spend, the decay curve; a form to add a post, and a new dated report of a post's figures.
   body = GET /api/creators/<handle>/posts?from&to. */
(function () {
  "use strict";
  var R = window.CreatorROI, h = R.h, api = R.api, C = R.charts, X = R.roi, F = X.F;
  var FIGURES = [["reach", "Reach"], ["impressions", "Impressions"], ["views", "Views"], ["likes", "Likes"], ["comments", "Comments"],
    ["shares", "Shares"], ["saves", "Saves"], ["link_clicks", "Link clicks"]];
  var FORMATS = ["post", "reel", "story", "video"];
  var BUCKETS = [[0, 0, "day 0"], [1, 1, "day 1"], [2, 2, "day 2"], [3, 6, "days 3–6"], [7, 13, "days 7–13"], [14, 29, "days 14–29"]];
  var DEF = {
    engagement_rate: "Engagements (likes + comments + shares + saves, as the creator reported them) ÷ reach. \"—\" without reach.",
    cost: "The creator's spend in the range (fees, seeding, commission, other) ÷ their posts in the range.",
    cpm: "Cost per thousand impressions: the post's cost ÷ impressions × 1,000. \"—\" without impressions.",
    cpe: "Cost per engagement: the post's cost ÷ engagements. \"—\" without engagements.",
    sales_after: "The creator's attributed orders (any rule) placed within 1, 7 and 30 days of the post, and their net revenue; an order within the windows of two posts counts for each.",
    decay: "The creator's attributed net revenue by days since their latest post before each order: each order counts once, for the post that came last before it.",
  };
  X.DEF.posts = DEF;

  function when(post) {
    try {
      return new Date(post.posted_at).toLocaleString(undefined, { timeZone: post.timezone || undefined, dateStyle: "medium", timeStyle: "short" });
    } catch (e) { return post.posted_at.slice(0, 16).replace("T", " "); }
  }
  function sales(s) { return F.int(s.orders) + " · " + F.money(s.net_revenue); }
  function failed(note, err) {
    note.className = "feature-note banner critical";
    note.textContent = "Not saved: " + ((err.body && err.body.message) || err.message);
  }

  function reportForm(handle, post, done) {
    var inputs = FIGURES.map(function (f) {
      return h("label.inline", h("span", f[1]), h("input", { name: f[0], inputmode: "numeric", size: 7, value: post.figures[f[0]] === null ? "" : String(post.figures[f[0]]) }));
    });
    var note = h("p.feature-note", { role: "status", "aria-live": "polite" });
    var form = h("form.post-report", { dataset: { postReport: String(post.id) } }, inputs, h("button.button.primary.small", { type: "submit" }, "Save figures"), note);
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var body = {};
      FIGURES.forEach(function (f) { var v = form.elements[f[0]].value.trim(); if (v !== "" && v !== String(post.figures[f[0]])) { body[f[0]] = v; } });
      try { await api("/api/creators/" + encodeURIComponent(handle) + "/posts/" + post.id + "/figures", { json: body }); R.flash("Figures saved: the earlier report is kept."); await done(); }
      catch (err) { failed(note, err); }
    });
    return form;
  }

  function addForm(handle, campaigns, done, seedings) {
    var f = {
      platform: h("input", { name: "platform", value: "instagram", size: 10 }),
      url: h("input", { name: "url", type: "url", placeholder: "https://…", size: 30 }),
      posted_at: h("input", { name: "posted_at", type: "datetime-local" }),
      format: h("select", { name: "format" }, FORMATS.map(function (x) { return h("option", { value: x }, x); })),
      campaign: h("select", { name: "campaign" }, [h("option", { value: "" }, "No campaign")].concat(campaigns.map(function (c) { return h("option", { value: c.name }, c.name); }))),
      reach: h("input", { name: "reach", inputmode: "numeric", size: 7 }),
      impressions: h("input", { name: "impressions", inputmode: "numeric", size: 7 }),
      likes: h("input", { name: "likes", inputmode: "numeric", size: 7 }),
      comments: h("input", { name: "comments", inputmode: "numeric", size: 7 }),
      seeding: h("select", { name: "seeding" }, [h("option", { value: "" }, "Not from a seeding")].concat(seedings.map(function (e) {
        return h("option", { value: String(e.id) }, "Seeding of " + X.dateLabel(e.date, true) + " · " + F.money(e.amount));
      }))),
    };
    if (!seedings.length) { delete f.seeding; }
    var labels = { platform: "Platform", url: "Post URL", posted_at: "Posted at (shop time)", format: "Format", campaign: "Campaign",
      reach: "Reach", impressions: "Impressions", likes: "Likes", comments: "Comments", seeding: "Came of" };
    var note = h("p.feature-note", { role: "status", "aria-live": "polite" });
    var form = h("form.post-add", { id: "post-add-form" }, Object.keys(f).map(function (k) { return h("label.inline", h("span", labels[k]), f[k]); }),
      h("button.button.primary.small", { type: "submit" }, "Add post"), note);
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var body = {};
      Object.keys(f).forEach(function (k) { var v = f[k].value.trim(); if (v !== "") { body[k] = v; } });
      try { await api("/api/creators/" + encodeURIComponent(handle) + "/posts", { json: body }); R.flash("Post added."); await done(); }
      catch (err) { failed(note, err); }
    });
    return form;
  }

  function decayChart(decay) {
    if (!decay.some(function (d) { return d.orders; })) { return h("p.muted", "No attributed order after a post in this range yet."); }
    var buckets = BUCKETS.map(function (b) {
      var inside = decay.filter(function (d) { return d.day >= b[0] && d.day <= b[1]; });
      var net = X.sumDec(inside.map(function (d) { return d.net_revenue; }));
      var n = inside.reduce(function (a, d) { return a + d.orders; }, 0);
      return { label: b[2], value: parseFloat(net), text: F.money(net), sub: F.count(n, "order") };
    });
    return C.columns(buckets, { title: "Net revenue by days since the creator's latest post", money: F.axisMoney });
  }

  function postRow(p, ctx, state) {
    var update = h("button.button.secondary.small", { type: "button", "aria-label": "Update the figures of the post of " + when(p) }, "Update figures");
    var holder = h("tr.post-form-row", { hidden: true }, h("td", { colspan: 9 }));
    update.addEventListener("click", function () {
      if (state.open && state.open !== holder) { state.open.hidden = true; }
      holder.firstChild.replaceChildren(reportForm(ctx.handle, p, ctx.changed));
      holder.hidden = !holder.hidden; state.open = holder;
    });
    return [h("tr", { dataset: { post: String(p.id) } },
      h("td", when(p), h("span.sub", p.platform + " · " + p.format)),
      h("td", h("a", { href: p.url, target: "_blank", rel: "noopener noreferrer" }, "Open"), h("span.sub", F.count(p.reports.length, "report"))),
      h("td.num", F.int(p.figures.reach)), h("td.num", F.int(p.engagements)),
      h("td.num", { title: DEF.engagement_rate }, F.pct(p.engagement_rate)),
      h("td.num", { title: DEF.cpm }, F.money(p.cpm), h("span.sub", { title: DEF.cpe }, "CPE " + F.money(p.cpe))),
      h("td.num", { title: DEF.sales_after }, sales(p.sales_after["1d"])),
      h("td.num", { title: DEF.sales_after }, sales(p.sales_after["7d"]), h("span.sub", "30 d " + sales(p.sales_after["30d"]))),
      h("td", update)), holder];
  }

  X.postsCard = function (body, ctx) {
    if (!body || body.error) {
      return h("section.card", { id: "posts-card" }, h("h2", "Posts"), h("p.muted", "Posts are unavailable right now."));
    }
    var t = body.totals, state = { open: null };
    var head = h("dl.facts.posts-totals",
      h("dt", "Posts"), h("dd", F.int(t.posts)), h("dt", "Reach"), h("dd", F.int(t.reach)),
      h("dt", { title: DEF.engagement_rate }, "Engagement rate"), h("dd", F.pct(t.engagement_rate)),
      h("dt", { title: DEF.cost }, "Cost per post"), h("dd", F.money(t.cost_per_post)),
      h("dt", { title: DEF.cpm }, "CPM"), h("dd", F.money(t.cpm)), h("dt", { title: DEF.cpe }, "CPE"), h("dd", F.money(t.cpe)));
    var TITLES = [null, null, null, null, DEF.engagement_rate, DEF.cpm, DEF.sales_after, DEF.sales_after, null];
    var table = h("div.table-scroll", h("table.data-table.compact", { id: "posts-table" },
      h("thead", h("tr", ["Posted", "Post", "Reach", "Engagements", "Engagement rate", "CPM", "Sales, 1 day", "Sales, 7 days", ""].map(function (x, i) {
        return h("th" + (i >= 2 && i <= 7 ? ".num" : ""), { scope: "col", title: TITLES[i] }, x);
      }))),
      h("tbody", body.posts.map(function (p) { return postRow(p, ctx, state); }))));
    return h("section.card", { id: "posts-card" }, h("h2", "Posts"),
      h("p.muted.small", "The creator's posts in this range, with the figures they reported (a later report updates them; earlier ones are kept). Each post's cost is an equal share of the creator's spend in the range."),
      head,
      body.posts.length ? table : h("p.muted", { id: "posts-none" }, "No posts in this range. Add one below, or send a CSV of posts to /api/posts/import."),
      h("h3", { title: DEF.decay }, "Sales after a post"), decayChart(body.decay),
      h("details", h("summary", "Add a post"), addForm(ctx.handle, ctx.campaigns || [], ctx.changed,
        (ctx.spend || []).filter(function (e) { return e.kind === "seeding"; }))));
  };
})();
