// Dyno dashboard: the traffic charts (uPlot) and the autoscaling panel. Loaded before app.js, which
// calls DynoCharts.render(state) after each poll of /dashboard/state. Autoscale events are drawn on
// every chart as dashed vertical lines labelled "from→to"; their reasons are listed in the panel.
window.DynoCharts = (function () {
  "use strict";
  const PALETTE = ["#c8372d", "#c98a10", "#6762a6", "#2e9d5b", "#5b7bb5", "#a0522d", "#708090"];
  const EVENTS_LISTED = 10;
  const charts = {};
  let events = [];

  // uPlot draw hook: one dashed line per autoscale event inside the chart's time range.
  function drawEvents(u) {
    const [min, max] = [u.scales.x.min, u.scales.x.max];
    const ctx = u.ctx;
    const dpr = window.devicePixelRatio || 1;
    let drawn = 0;
    ctx.save();
    ctx.strokeStyle = "#2d2a4a";
    ctx.fillStyle = "#2d2a4a";
    ctx.lineWidth = dpr;
    ctx.setLineDash([4 * dpr, 3 * dpr]);
    ctx.font = 10 * dpr + "px system-ui, sans-serif";
    for (const e of events) {
      const t = e.t / 1000;
      if (min == null || t < min || t > max) continue;
      const x = Math.round(u.valToPos(t, "x", true));
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.fillText(e.from + "→" + e.to, x + 3 * dpr, u.bbox.top + 10 * dpr);
      drawn++;
    }
    ctx.restore();
    u.root.dataset.events = String(drawn); // what the browser test reads
  }

  function chart(id, series, data) {
    const host = document.getElementById(id);
    const key = series.map((s) => s.label).join(",");
    let c = charts[id];
    if (!c || c.key !== key) {
      if (c) c.plot.destroy();
      const opts = {
        width: Math.max(240, host.clientWidth), height: 190,
        scales: { x: { time: true } }, legend: { live: false },
        series: [{}].concat(series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, spanGaps: false }))),
        axes: [{}, { size: 50 }],
        hooks: { draw: [drawEvents] },
      };
      c = charts[id] = { key, plot: new uPlot(opts, data, host) };
    } else {
      c.plot.setData(data);
    }
    host.parentElement.classList.toggle("is-empty", data.length < 2 || !data.slice(1).some((ys) => ys.some((y) => y)));
  }

  // One series per dyno seen in the history (web.2 before web.10), with the field of each point.
  function byDyno(id, series, xs, field) {
    const names = [...new Set(series.flatMap((p) => Object.keys(p.dynos || {})))]
      .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    const shown = names.length ? names : ["none"];
    chart(id, shown.map((n, i) => ({ label: n, color: PALETTE[(i + 2) % PALETTE.length] })),
      [xs].concat(shown.map((n) => series.map((p) => {
        const d = p.dynos && p.dynos[n];
        return d ? d[field] : null;
      }))));
  }

  function renderCharts(series) {
    const xs = series.map((p) => p.t / 1000);
    chart("chart-rps", [{ label: "req/s", color: "#6762a6" }], [xs, series.map((p) => p.rps)]);
    chart("chart-latency", [
      { label: "p50", color: "#2e9d5b" }, { label: "p95", color: "#c98a10" }, { label: "p99", color: "#c8372d" }],
      [xs, series.map((p) => p.p50), series.map((p) => p.p95), series.map((p) => p.p99)]);
    const codes = [...new Set(series.flatMap((p) => Object.keys(p.errors)))].sort();
    const shown = codes.length ? codes : ["none"];
    chart("chart-errors", shown.map((c, i) => ({ label: c, color: PALETTE[i % PALETTE.length] })),
      [xs].concat(shown.map((c) => series.map((p) => p.errors[c] || 0))));
    byDyno("chart-dyno-rps", series, xs, "rps");
    byDyno("chart-dyno-p95", series, xs, "p95");
    chart("chart-queue", [{ label: "queued", color: "#5b7bb5" }], [xs, series.map((p) => p.queued || 0)]);
  }

  function time(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  }

  // The autoscaling setting and its last events, newest first; null: never set up.
  function renderAutoscale(a) {
    const status = document.getElementById("autoscale-status");
    const list = document.getElementById("autoscale-events");
    if (!a) {
      status.textContent = "Off. dyno ps:autoscale:enable --min 1 --max 4 --p95 300ms turns it on for web.";
      list.replaceChildren();
      return;
    }
    status.textContent = (a.enabled ? "On" : "Off") + ": web " + a.min + ".." + a.max + " dynos at p95 " + a.p95_ms
      + " ms (window " + a.window_seconds + " s, cooldown " + a.cooldown_seconds + " s)"
      + (a.events.length ? "" : "; no scaling yet.");
    status.dataset.enabled = String(a.enabled);
    list.replaceChildren(...a.events.slice(-EVENTS_LISTED).reverse().map((e) => {
      const li = document.createElement("li");
      li.dataset.from = String(e.from);
      li.dataset.to = String(e.to);
      li.title = e.reason;
      li.textContent = time(e.t) + "  web " + e.from + " → " + e.to + ": " + e.reason;
      return li;
    }));
  }

  function render(state) {
    const a = state.autoscale || null;
    events = a ? a.events : [];
    renderAutoscale(a);
    renderCharts(state.series);
  }

  return { render };
})();
