/* Hand-drawn inline SVG charts for the ROI page (no library, nothing from a CDN).
   Pixel geometry uses floats; the figures themselves arrive as exact decimal strings and are
   printed through the caller's formatters, never through these numbers. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  /* s("rect", {x: 1}, children...): an SVG element, like h() in app.js. */
  function s(tag, attrs) {
    var el = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (attrs[key] !== null && attrs[key] !== undefined && attrs[key] !== false) { el.setAttribute(key, attrs[key]); }
    });
    Array.prototype.slice.call(arguments, 2).forEach(function add(child) {
      if (child === null || child === undefined || child === false) { return; }
      if (Array.isArray(child)) { child.forEach(add); return; }
      el.appendChild(child.nodeType ? child : document.createTextNode(String(child)));
    });
    return el;
  }

  function svg(width, height, title, desc, label) {
    return s("svg", { viewBox: "0 0 " + width + " " + height, width: "100%", role: "img", "aria-label": label || title,
      preserveAspectRatio: "xMinYMin meet", class: "chart" }, s("title", {}, title), s("desc", {}, desc));
  }

  /* 1, 2, 2.5, 5 x 10^k steps: about `count` ticks from 0 to at least `max`. */
  function ticks(max, count) {
    if (!(max > 0)) { return [0, 1]; }
    var raw = max / count, mag = Math.pow(10, Math.floor(Math.log10(raw))), step = mag;
    [1, 2, 2.5, 5, 10].some(function (m) { step = m * mag; return step >= raw; });
    var out = [];
    for (var v = 0; v < max + step * 0.999; v += step) { out.push(Math.round(v / step) * step); }
    return out.length > 1 ? out : [0, step];
  }

  /* Horizontal bars, one per row {label, value (number), text, score, note?, flag?}, with a dashed line at
     `target`; a row with a `flag` gets a ⚠ mark (data-flag) at its left. */
  function bars(rows, options) {
    var labelW = 130, valueW = 48, rowH = 26, top = 26, bottom = 24, width = 460;
    var height = top + rows.length * rowH + bottom;
    var maxValue = Math.max.apply(null, rows.map(function (r) { return r.value; }).concat([options.target || 0, 0]));
    var grid = ticks(maxValue * 1.05, 5), max = grid[grid.length - 1];
    var x = function (v) { return labelW + Math.max(0, v) / max * (width - labelW - valueW); };
    var out = svg(width, height, options.title, rows.map(function (r) { return r.label + ": " + r.text; }).join("; "));
    grid.forEach(function (t) {
      out.appendChild(s("line", { x1: x(t), x2: x(t), y1: top - 4, y2: height - bottom, class: "grid" }));
      out.appendChild(s("text", { x: x(t), y: height - 8, "text-anchor": "middle", class: "axis" }, options.tick(t)));
    });
    rows.forEach(function (r, i) {
      var y = top + i * rowH;
      out.appendChild(s("text", { x: labelW - 8, y: y + 16, "text-anchor": "end", class: "label" }, r.label));
      if (r.flag) {  /* a mark before the label: e.g. a creator whose code may have leaked */
        out.appendChild(s("text", { x: 2, y: y + 16, class: "flag", "data-flag": r.flag }, "⚠", s("title", {}, r.label + ": " + r.note)));
      }
      out.appendChild(s("rect", { x: labelW, y: y + 4, width: Math.max(2, x(r.value) - labelW), height: 16, rx: 3,
        class: "bar " + (r.score || "unscored") }, s("title", {}, r.label + ": " + r.text + (r.note ? " (" + r.note + ")" : ""))));
      out.appendChild(s("text", { x: x(r.value) + 6, y: y + 16, class: "value" }, r.text));
    });
    if (options.target) {
      var tx = x(options.target);
      out.appendChild(s("line", { x1: tx, x2: tx, y1: top - 6, y2: height - bottom, class: "target" }));
      out.appendChild(s("text", { x: tx, y: 12, "text-anchor": "middle", class: "target-label" }, options.targetLabel));
    }
    return out;
  }

  /* Stacked areas over time. series: [{key, label, cls}]; points: [{date, values: {key: number},
     texts: {key: "€1.00", total?}}] (numbers place the shapes, texts are what hover and desc say). */
  function areas(points, series, options) {
    var width = 460, height = 220, left = 56, right = 14, top = 14, bottom = 30;
    var totals = points.map(function (p) { return series.reduce(function (sum, sr) { return sum + (p.values[sr.key] || 0); }, 0); });
    var grid = ticks(Math.max.apply(null, totals.concat([0])) * 1.05, 4), max = grid[grid.length - 1];
    var n = points.length, span = width - left - right;
    var x = function (i) { return left + (n < 2 ? span / 2 : i / (n - 1) * span); };
    var y = function (v) { return top + (1 - Math.max(0, v) / max) * (height - top - bottom); };
    var say = function (p) {  /* the exact figures, as the caller printed them */
      return options.dateLabel(p.date) + (options.interval === "week" ? " (week)" : "") + ": " +
        series.map(function (sr) { return sr.label + " " + p.texts[sr.key]; }).join(", ") + (p.texts.total ? ", total " + p.texts.total : "");
    };
    var desc = points.map(say).join("; ");
    var out = svg(width, height, options.title, desc);
    grid.forEach(function (t) {
      out.appendChild(s("line", { x1: left, x2: width - right, y1: y(t), y2: y(t), class: "grid" }));
      out.appendChild(s("text", { x: left - 6, y: y(t) + 4, "text-anchor": "end", class: "axis" }, options.money(t, true)));
    });
    var base = points.map(function () { return 0; }), lines = [];
    series.forEach(function (sr) {
      var upper = points.map(function (p, i) { return base[i] + (p.values[sr.key] || 0); });
      var line = upper.map(function (v, i) { return (i ? "L" : "M") + x(i).toFixed(1) + " " + y(v).toFixed(1); }).join(" ");
      var back = base.map(function (v, i) { return "L" + x(i).toFixed(1) + " " + y(v).toFixed(1); }).reverse().join(" ");
      if (n > 1) { out.appendChild(s("path", { d: line + " " + back + " Z", class: "area " + sr.cls })); }
      var empty = series.length > 1 && points.every(function (p) { return !p.values[sr.key]; });
      if (!empty) { lines.unshift(s("path", { d: n > 1 ? line : "M" + (x(0) - 4) + " " + y(upper[0]) + " h8", class: "line " + sr.cls })); }
      base = upper;
    });
    lines.forEach(function (l) { out.appendChild(l); });  /* the first series' line on top */
    var every = Math.max(1, Math.ceil(n / 6));
    points.forEach(function (p, i) {
      if (i === n - 1 || (i % every === 0 && n - 1 - i >= every * 0.75)) {  /* never crowd the last date */
        out.appendChild(s("text", { x: x(i), y: height - 10, "text-anchor": i === 0 && n > 1 ? "start" : i === n - 1 && n > 1 ? "end" : "middle", class: "axis" }, options.dateLabel(p.date)));
      }
      var w = n < 2 ? span : span / (n - 1);
      out.appendChild(s("rect", { x: x(i) - w / 2, y: top, width: w, height: height - top - bottom, class: "hover" },
        s("title", {}, say(p))));
    });
    out.appendChild(s("line", { x1: left, x2: width - right, y1: y(0), y2: y(0), class: "zero" }));
    return out;
  }

  /* Columns at fixed positions (the cohort's 30/90/180/365 days): value or null ("not mature yet"). */
  function columns(items, options) {
    var width = 420, height = 200, left = 56, right = 10, top = 16, bottom = 46;
    var values = items.map(function (it) { return it.value === null ? 0 : it.value; });
    var grid = ticks(Math.max.apply(null, values.concat([0])) * 1.1, 4), max = grid[grid.length - 1];
    var slot = (width - left - right) / items.length;
    var y = function (v) { return top + (1 - Math.max(0, v) / max) * (height - top - bottom); };
    var out = svg(width, height, options.title, items.map(function (it) { return it.label + ": " + it.text + (it.sub ? ", " + it.sub : ""); }).join("; "));
    grid.forEach(function (t) {
      out.appendChild(s("line", { x1: left, x2: width - right, y1: y(t), y2: y(t), class: "grid" }));
      out.appendChild(s("text", { x: left - 6, y: y(t) + 4, "text-anchor": "end", class: "axis" }, options.money(t, true)));
    });
    items.forEach(function (it, i) {
      var cx = left + slot * (i + 0.5), bw = Math.min(48, slot * 0.55);
      if (it.value === null) {
        out.appendChild(s("rect", { x: cx - bw / 2, y: y(0) - 24, width: bw, height: 24, class: "bar pending" }, s("title", {}, it.label + ": " + it.text)));
      } else {
        out.appendChild(s("rect", { x: cx - bw / 2, y: y(it.value), width: bw, height: Math.max(1, y(0) - y(it.value)), rx: 3, class: "bar ltv" },
          s("title", {}, it.label + ": " + it.text)));
      }
      out.appendChild(s("text", { x: cx, y: (it.value === null ? y(0) - 24 : y(it.value)) - 5, "text-anchor": "middle", class: "value" }, it.text));
      out.appendChild(s("text", { x: cx, y: height - 28, "text-anchor": "middle", class: "label" }, it.label));
      out.appendChild(s("text", { x: cx, y: height - 12, "text-anchor": "middle", class: "axis" }, it.sub || ""));
    });
    out.appendChild(s("line", { x1: left, x2: width - right, y1: y(0), y2: y(0), class: "zero" }));
    return out;
  }

  window.CreatorROI.charts = { bars: bars, areas: areas, columns: columns, ticks: ticks };
})();
