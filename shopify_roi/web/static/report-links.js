/* A creator's report links, on their page (R.reportLinksCard): make a read-only link showing the creator
   their own figures for a range (its address is shown once), list the links, revoke one. */
(function () {
  "use strict";
  var R = window.CreatorROI, h = R.h, api = R.api;

  function iso(d) { return d.toISOString().slice(0, 10); }

  R.reportLinksCard = function (handle) {
    var base = "/api/creators/" + encodeURIComponent(handle) + "/report-links";
    var today = new Date(), month = new Date(Date.now() - 29 * 86400000);
    var from = h("input", { id: "report-from", type: "date", value: iso(month) });
    var to = h("input", { id: "report-to", type: "date", value: iso(today) });
    var days = h("input", { id: "report-days", inputmode: "numeric", value: "30", size: 4 });
    var made = h("div", { id: "report-made", role: "status", "aria-live": "polite" });
    var list = h("div", { id: "report-links" });
    async function load() {
      try {
        var links = (await api(base)).links;
        list.replaceChildren(!links.length ? h("p.muted", "No report links yet.") : h("table.data-table.compact",
          h("thead", h("tr", ["Dates", "Expires", "State", "Last opened", ""].map(function (t) { return h("th", { scope: "col" }, t); }))),
          h("tbody", links.map(function (l) {
            var revoke = l.state === "live" ? h("button.button.secondary.small", { type: "button", "aria-label": "Revoke the link of " + l.from + " to " + l.to,
              onclick: async function () { await api(base + "/" + l.id, { method: "DELETE" }); R.flash("Link revoked: it no longer opens."); load(); } }, "Revoke") : null;
            return h("tr", { dataset: { reportLink: String(l.id) } }, h("td", l.from + " – " + l.to), h("td", l.expires_at.slice(0, 10)),
              h("td", h("span.badge." + (l.state === "live" ? "active" : "archived"), l.state)), h("td", l.last_viewed_at ? l.last_viewed_at.slice(0, 10) : "never"), h("td", revoke));
          }))));
      } catch (err) { list.replaceChildren(h("p.muted", "Report links are unavailable right now.")); }
    }
    var make = h("button.button.primary.small", { type: "button", onclick: async function () {
      try {
        var link = await api(base, { json: { from: from.value, to: to.value, expires_in_days: days.value.trim() } });
        var copy = h("button.button.secondary.small", { type: "button", onclick: function () { R.copy(link.url, copy); } }, "Copy");
        made.replaceChildren(h("div.banner.success", h("p", h("strong", "Send this link to @" + handle + ": "), "it is shown only now."), h("p", h("code", link.url), " ", copy)));
        load();
      } catch (err) {
        made.replaceChildren(h("div.banner.critical", "Not made: " + ((err.body && err.body.message) || err.message)));
      }
    } }, "Make a report link");
    load();
    return h("section.card", { id: "report-links-card" }, h("h2", "A report for the creator"),
      h("p.muted", "A read-only page of this creator's own results for the dates you choose: orders, revenue, returns, net revenue, commission, link clicks and their posts. Nothing of other creators, your customers or your costs. It stops working when it expires or you revoke it."),
      h("div.form-row", h("label", { for: "report-from" }, "From"), from, h("label", { for: "report-to" }, "To"), to,
        h("label", { for: "report-days" }, "Expires in (days)"), days, make), made, list);
  };
})();
