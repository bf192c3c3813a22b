/* Payouts (#/payouts): each creator's commission ledger to date (GET /api/payouts/ledger), the return
   window (PUT /api/settings {"payouts": {"hold_days"}}), the payout runs and a form to make one; a run's
   page (#/payouts/<id>): its statement per creator and the orders behind it, its CSV files, and for a draft:
   compute again, delete, mark paid with a reference. Every figure is the API's, in cents (the spend
   commission exact), rounded here for display only (R.roi.F); README "Payouts (commission ledger)" defines
   them, and each heading says it in plain words. */
(function () {
  "use strict";
  var R = window.CreatorROI, h = R.h, api = R.api, X = R.roi, F = X.F, P = R.forms;

  var DEF = {
    commission: "Commission as spend counts it on the ROI page: the creator's rate × net revenue (revenue − returns) of all their attributed orders, exact. The economic cost, whatever was paid.",
    accrued_to_date: "Each attributed order's commission now (rate × its net revenue, rounded to the cent), added up. It differs from Commission only by that rounding.",
    held: "Commission of orders still inside the return window: not payable until the window after the order has passed.",
    paid: "What the paid runs paid the creator.",
    clawbacks_outstanding: "Paid more than the orders paid for are worth now (refunded after payout), and not yet taken back: it comes off the creator's next payouts.",
    due_on_paid_orders: "Commission of orders already paid for that grew since (an order edit, a higher rate): added to the next run.",
    payable_now: "What a run made today would pay: commission of the orders past their return window, less what was paid for them, less clawbacks outstanding.",
    orders: "Orders paid for the first time in this run: placed by the period's last day and past their return window when the run was made.",
    revenue: "Revenue of those orders when the run was made.",
    returns: "Returns of those orders when the run was made (refunds before payout reduce the commission).",
    accrued: "Commission of those orders (rate × net revenue, to the cent), plus any increase on orders paid before.",
    clawed_back: "Commission paid in earlier runs that refunds after payout (or an order moved to another creator) have since taken away.",
    brought_forward: "What the creator still owed from earlier runs: clawbacks larger than that run's commission.",
    payable: "Accrued − clawed back − brought forward; never below 0. What this run pays.",
    carried_forward: "Clawbacks larger than the commission: owed by the creator, taken from the next run. Never a change to a paid amount.",
    run_held: "Commission of orders in the period still inside their return window when the run was made: a later run pays it.",
  };
  var STATEMENT = [["orders", "Orders", "int"], ["revenue", "Revenue"], ["returns", "Returns"], ["accrued", "Accrued"],
    ["clawed_back", "Clawed back"], ["brought_forward", "Brought forward"], ["payable", "Payable"],
    ["carried_forward", "Carried to next run"], ["held", "Held", null, "run_held"]];
  var KINDS = { accrual: "First paid", adjustment: "Increase", clawback: "Clawback" };

  function status(run) { return h("span.badge." + (run.status === "paid" ? "processed" : "pending"), run.status === "paid" ? "Paid" : "Draft"); }
  function cell(value, kind) { return h("td.num", kind === "int" ? F.int(value) : F.money(value)); }
  function th(text, def) { return h("th.num", { scope: "col", title: def }, text); }
  function isZero(v) { return X.isZero(v); }
  function errorText(err) { return (err && err.body && err.body.message) || (err && err.message) || "Something went wrong. Try again."; }

  /* The bearer header rules out a plain link: fetch the CSV and save the Blob (as roi.js does). */
  async function download(path, fallback, button) {
    button.disabled = true;
    try {
      var resp = await fetch(path, { headers: { Authorization: "Bearer " + (await R.sessionToken()) } });
      if (!resp.ok) { throw new Error("The export failed (" + resp.status + ")."); }
      var name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(resp.headers.get("Content-Disposition") || "");
      var url = URL.createObjectURL(await resp.blob());
      var link = h("a", { href: url, download: name ? decodeURIComponent(name[1]) : fallback });
      document.body.appendChild(link); link.click(); link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    } catch (err) { R.flash(errorText(err), "critical"); } finally { button.disabled = false; }
  }
  function csvButton(path, label, fallback) {
    var b = h("button.button.secondary.small", { type: "button" }, label);
    b.addEventListener("click", function () { download(path, fallback, b); });
    return b;
  }

  /* -- the ledger to date ------------------------------------------------------------------- */
  function ledgerCard(ledger) {
    var due = ledger.creators.some(function (r) { return !isZero(r.due_on_paid_orders); });
    var cols = [["commission", "Commission (spend)"], ["accrued", "Accrued to date", "accrued_to_date"], ["held", "Held"], ["paid", "Paid"],
      ["clawbacks_outstanding", "Clawbacks outstanding"]].concat(due ? [["due_on_paid_orders", "Due on orders paid"]] : []).concat([["payable_now", "Payable now"]]);
    if (!ledger.creators.length) {
      return h("section.card", { id: "payout-ledger" }, h("h2", "Commission ledger"), h("p.muted", "No attributed orders yet: commission appears here as creators' orders come in."));
    }
    var row = function (r, tag) {
      var owes = !isZero(r.clawbacks_outstanding);
      return h("tr", { dataset: { handle: r.handle || "total" }, class: owes && tag === "th" ? "differs" : null },
        tag === "th" ? h("th", { scope: "row" }, r.name || r.handle, r.handle ? h("span.sub", "@" + r.handle) : null) : h("th", { scope: "row" }, "Total"),
        cols.map(function (c) {
          return h("td.num", F.money(r[c[0]]), c[0] === "clawbacks_outstanding" && owes ? h("span.sub", "owed back") : null);
        }));
    };
    return h("section.card", { id: "payout-ledger" }, h("h2", "Commission ledger"),
      h("p.muted", "Commission (spend) is the economic cost the ROI page counts; the other columns are the cash: what was paid, what waits in the return window of " +
        F.count(ledger.hold_days, "day") + ", and what was paid on orders refunded since. Where they differ, the row says why."),
      h("table.data-table", { id: "payout-ledger-table" },
        h("thead", h("tr", h("th", { scope: "col" }, "Creator"), cols.map(function (c) { return th(c[1], DEF[c[2] || c[0]]); }))),
        h("tbody", ledger.creators.map(function (r) { return row(r, "th"); })),
        h("tfoot", row(ledger.totals, "total"))));
  }

  function holdForm(days) {
    return P.daysSetting({ id: "payout-hold", title: "Return window", section: "payouts", key: "hold_days", days: days,
      label: "Hold commission for", saved: "Return window saved: the next run uses it.",
      help: "Days after an order during which its commission is held, not payable, so a return can still come back (0–365, default 30)." });
  }

  function newRunForm(draft) {
    var today = X.readState(new URLSearchParams()).today;
    var form = h("form.card.stack", { id: "payout-new", novalidate: true }, h("div.form-banner"), h("h2", "New payout run"),
      h("p.muted", "Pays every creator the commission of their orders placed up to the date you choose and past the return window today, less refunds since earlier runs."),
      P.field("period_end", "Orders up to", P.input("period_end", { type: "date", value: today, max: today, required: true })),
      h("div.actions", h("button.button.primary", { type: "submit", disabled: !!draft }, "Make a draft run")),
      draft ? h("p.muted.small", "A draft is waiting (run #" + draft.id + "): mark it paid or delete it first.") : null);
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      try {
        var run = await api("/api/payouts", { json: { period_end: form.elements.period_end.value } });
        R.flash("Draft run made: check it, pay the creators, then mark it paid."); location.hash = "#/payouts/" + run.id;
      } catch (err) { P.showFieldErrors(form, err); }
    });
    return form;
  }

  function runsCard(list) {
    if (!list.runs.length) { return h("section.card.empty-state", h("h2", "No payout runs yet"), h("p.muted", "Make a draft run below: you see each creator's statement before anything is marked paid.")); }
    return h("section.card", h("h2", "Payout runs"), h("table.data-table", { id: "payout-runs" },
      h("thead", h("tr", h("th", "Run"), h("th", "Orders up to"), h("th", "Status"), th("Creators paid", "Creators whose payable is above 0."),
        th("Payable", DEF.payable), th("Carried to next run", DEF.carried_forward), h("th", "Reference"))),
      h("tbody", list.runs.map(function (r) {
        return h("tr", { dataset: { run: r.id } }, h("td", h("a", { href: "#/payouts/" + r.id }, "#" + r.id)), h("td", X.dateLabel(r.period_end, true)),
          h("td", status(r)), h("td.num", F.int(r.totals.creators_paid)),
          cell(r.totals.payable), cell(r.totals.carried_forward), h("td", r.reference || "—"));
      }))));
  }

  R.route(/^\/payouts$/, async function () {
    var got = await Promise.all([api("/api/payouts"), api("/api/payouts/ledger")]);
    var list = got[0], ledger = got[1];
    X.setCurrency(list.currency);
    var draft = list.runs.filter(function (r) { return r.status === "draft"; })[0];
    return h("div.stack", { id: "payouts-page" }, h("div.toolbar", h("h2", "Payouts")),
      ledgerCard(ledger), runsCard(list), h("div.layout", newRunForm(draft), holdForm(list.hold_days)));
  });

  /* -- one run -------------------------------------------------------------------------------- */
  function statementsTable(run) {
    var row = function (s, total) {
      return h("tr", { dataset: { handle: total ? "total" : s.handle } },
        total ? h("th", { scope: "row" }, "Total") : h("th", { scope: "row" }, s.name, h("span.sub", "@" + s.handle)),
        STATEMENT.map(function (c) { return cell(s[c[0]], c[2]); }));
    };
    return h("table.data-table", { id: "payout-statements" },
      h("thead", h("tr", h("th", { scope: "col" }, "Creator"), STATEMENT.map(function (c) { return th(c[1], DEF[c[3] || c[0]]); }))),
      h("tbody", run.statements.map(function (s) { return row(s); })),
      h("tfoot", row(run.totals, true)));
  }

  function linesOf(s) {
    if (!s.lines.length) { return null; }
    return h("details.payout-lines", { dataset: { handle: s.handle } }, h("summary", "@" + s.handle + ": " + F.count(s.lines.length, "order line")),
      h("table.data-table", h("thead", h("tr", h("th", "Order"), h("th", "Placed"), h("th", "Line"), th("Net revenue", "Revenue − returns when the run was made."),
        th("Rate", "The creator's commission rate."), th("Commission now", "Rate × net revenue, to the cent (0 when the order is no longer theirs)."),
        th("Amount", "Commission now − what paid runs already paid for this order."))),
        h("tbody", s.lines.map(function (x) {
          return h("tr", h("td", x.order || "—"), h("td", X.dateLabel(x.order_created_at.slice(0, 10), true)), h("td", KINDS[x.kind] || x.kind),
            cell(x.net_revenue), h("td.num", F.pct(x.rate)), cell(x.commission), cell(x.amount));
        }))));
  }

  function draftActions(run) {
    var form = h("form.card.stack", { id: "payout-mark-paid", novalidate: true }, h("div.form-banner"), h("h2", "Mark paid"),
      h("p.muted", "Once you have paid the creators (the PayPal file, or by hand), record the payment. A paid run never changes: later refunds are clawed back in the next run."),
      P.field("reference", "Payment reference", P.input("reference", { required: true, maxlength: 128, placeholder: "PayPal batch 7Y2…" })),
      h("div.actions", h("button.button.primary", { type: "submit" }, "Mark paid")));
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      try {
        await api("/api/payouts/" + run.id + "/paid", { json: { reference: form.elements.reference.value.trim(), computed_at: run.created_at } });
        R.flash("Run #" + run.id + " marked paid."); R.navigate(true);
      } catch (err) { P.showFieldErrors(form, err); }
    });
    var again = h("button.button.secondary.small", { type: "button" }, "Compute again");
    again.addEventListener("click", async function () {
      try { await api("/api/payouts/" + run.id + "/recompute", { json: {} }); R.flash("Draft computed again with today's orders and refunds."); R.navigate(true); }
      catch (err) { R.flash(errorText(err), "critical"); }
    });
    var drop = h("button.button.secondary.small", { type: "button" }, "Delete draft");
    drop.addEventListener("click", async function () {
      try { await api("/api/payouts/" + run.id, { method: "DELETE" }); R.flash("Draft deleted."); location.hash = "#/payouts"; }
      catch (err) { R.flash(errorText(err), "critical"); }
    });
    return { buttons: [again, drop], form: form };
  }

  R.route(/^\/payouts\/(\d+)$/, async function (id) {
    var run = await api("/api/payouts/" + id);
    X.setCurrency(run.currency);
    var base = "/api/payouts/" + run.id;
    var draft = run.status === "draft" ? draftActions(run) : null;
    var actions = [csvButton(base + "/statements.csv", "Statements CSV", "payout-run.csv"), csvButton(base + "/lines.csv", "Orders CSV", "payout-orders.csv"),
      csvButton(base + "/paypal.csv", "PayPal Payouts CSV", "paypal-payouts.csv")].concat(draft ? draft.buttons : []);
    var facts = h("p.muted", { id: "payout-run-facts" }, status(run), " ",
      run.status === "paid" ? "Paid " + R.when(run.paid_at) + ", reference " + run.reference + ". It never changes." : "Draft, computed " + R.when(run.created_at) + ": compute it again to include later orders and refunds.",
      " Orders up to " + X.dateLabel(run.period_end, true) + "; return window " + F.count(run.hold_days, "day") + ".");
    var table = run.statements.length ? h("section.card", h("h2", "Statements"), statementsTable(run),
      h("p.footnote", "Hover a heading for its definition. The PayPal file lists the creators whose payable is above 0, by handle: put their PayPal e-mail in its first column before uploading."),
      run.statements.map(linesOf)) : h("section.card.empty-state", h("h2", "Nothing in this run"), h("p.muted", "No creator has commission in this period past the return window, nor refunds since an earlier run."));
    return h("div.stack", { id: "payout-run" }, P.pageHeader("Payout run #" + run.id, { href: "#/payouts", parent: "Payouts" }, actions, facts),
      table, draft ? draft.form : null);
  });
})();
