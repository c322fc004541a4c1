// Dyno dashboard: polls /dashboard/state every second and draws it (the charts and the autoscaling
// panel are charts.js's). No framework, no network access beyond this daemon; uPlot is bundled from
// the build.
//
// Sign-in: `dyno dashboard` prints /dashboard#code=ONE_TIME_CODE. The page trades the code for a
// session token, keeps it in this tab's sessionStorage and sends it as X-Dyno-Session. No cookie:
// a browser would send one to every port of 127.0.0.1 (the router's, its dynos', anyone's).
(function () {
  "use strict";
  const POLL_MS = 1000;
  const SESSION_KEY = "dyno-session";
  const $ = (sel) => document.querySelector(sel);
  let app = null;
  let session = null;
  let timer = null;
  let lastOk = 0;
  let busy = false;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }

  function age(seconds) {
    if (seconds < 60) return seconds + "s";
    if (seconds < 3600) return Math.floor(seconds / 60) + "m " + (seconds % 60) + "s";
    return Math.floor(seconds / 3600) + "h " + Math.floor((seconds % 3600) / 60) + "m";
  }

  function mb(bytes) { return (bytes / 1048576).toFixed(0) + " MB"; }

  function message(text, isError, where) {
    const m = $(where || "#action-message");
    m.textContent = text;
    m.className = "message" + (isError ? " error" : "");
  }

  async function call(method, path, body) {
    const res = await fetch((path.startsWith("/backends") ? "" : "/apps/" + encodeURIComponent(app)) + path, {
      method, credentials: "omit",
      headers: { "Content-Type": "application/json", "X-Dyno-Session": session },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) {
      let text = res.status + " " + res.statusText;
      try { text = (await res.json()).message || text; } catch (e) { /* not JSON */ }
      throw new Error(text);
    }
  }

  async function scale(type, input, button) {
    const quantity = Number(input.value);
    button.disabled = true;
    message("Scaling " + type + " to " + quantity + "…");
    try {
      await call("PATCH", "/formation/" + encodeURIComponent(type), { quantity });
      message("Scaled " + type + " to " + quantity + ".");
    } catch (e) {
      message("Scaling " + type + " failed: " + e.message, true);
    } finally {
      button.disabled = false;
    }
  }

  async function restart(name, button) {
    button.disabled = true;
    message("Restarting " + name + "…");
    try {
      await call("DELETE", "/dynos/" + encodeURIComponent(name));
      message("Restarted " + name + ".");
    } catch (e) {
      message("Restarting " + name + " failed: " + e.message, true);
    } finally {
      button.disabled = false;
    }
  }

  function renderFormation(formation) {
    const body = $("#formation tbody");
    const focused = document.activeElement && document.activeElement.dataset.scale;
    if (focused) return; // do not overwrite what the user is typing
    body.replaceChildren(...formation.map((f) => {
      const input = el("input", { type: "number", min: "0", max: "100", value: String(f.quantity), "data-scale": f.type, "aria-label": "dynos of " + f.type });
      const button = el("button", { "data-scale-submit": f.type }, "Scale");
      button.addEventListener("click", () => scale(f.type, input, button));
      input.addEventListener("keydown", (e) => { if (e.key === "Enter") scale(f.type, input, button); });
      return el("tr", { "data-type": f.type }, el("td", {}, f.type), el("td", {}, f.size), el("td", {}, input), el("td", {}, button));
    }));
  }

  function memory(d) {
    if (d.rss_bytes === undefined) return el("span", { class: "muted" }, "–");
    const pct = d.quota_bytes > 0 ? (100 * d.rss_bytes) / d.quota_bytes : 0;
    const bar = el("span", { class: "bar" + (pct > 100 ? " over" : pct > 80 ? " warn" : "") }, el("span", { style: "width:" + Math.min(100, pct).toFixed(1) + "%" }));
    return el("span", { class: "mem", title: pct.toFixed(1) + "% of " + mb(d.quota_bytes) }, bar, mb(d.rss_bytes) + " / " + mb(d.quota_bytes));
  }

  function cpu(d) {
    if (d.cpu_cores === undefined) return el("span", { class: "muted" }, "–");
    const used = Math.round(100 * d.cpu_cores) + "%";
    if (!(d.cpu_limit_cores > 0)) return el("span", { class: "mem", title: "of one core; not limited" }, used);
    const pct = (100 * d.cpu_cores) / d.cpu_limit_cores;
    const bar = el("span", { class: "bar" + (pct > 95 ? " over" : pct > 80 ? " warn" : "") }, el("span", { style: "width:" + Math.min(100, pct).toFixed(1) + "%" }));
    return el("span", { class: "mem", title: pct.toFixed(1) + "% of its limit" }, bar, used + " / " + Math.round(100 * d.cpu_limit_cores) + "%");
  }

  // Requests/s over the last 10 s, with a bar against the busiest dyno's: uneven balance shows at a glance.
  function rate(d, busiest) {
    if (d.rps === undefined) return el("span", { class: "muted" }, "–");
    const pct = busiest > 0 ? (100 * d.rps) / busiest : 0;
    return el("span", { class: "mem", title: "requests/s over the last 10 s; " + pct.toFixed(0) + "% of the busiest" },
      el("span", { class: "bar short" }, el("span", { style: "width:" + pct.toFixed(1) + "%" })), d.rps.toFixed(1));
  }

  function p95(d) {
    return d.p95_ms == null ? el("span", { class: "muted" }, "–") : el("span", { title: "over the last 10 s" }, d.p95_ms.toFixed(1) + " ms");
  }

  function busiest(rows) { return Math.max(0, ...rows.map((r) => r.rps || 0)); }

  function renderDynos(dynos) {
    const most = busiest(dynos);
    $("#dynos tbody").replaceChildren(...dynos.map((d) => {
      const button = el("button", { "data-restart": d.name }, "Restart");
      button.addEventListener("click", () => restart(d.name, button));
      return el("tr", { "data-dyno": d.name, "data-state": d.state },
        el("td", {}, d.name), el("td", {}, el("span", { class: "state " + d.state }, d.state)),
        el("td", {}, d.state === "up" || d.state === "starting" ? age(d.age_seconds) : "–"),
        el("td", {}, d.port || "–"), el("td", { class: "rps" }, rate(d, most)), el("td", { class: "p95" }, p95(d)),
        el("td", {}, cpu(d)), el("td", {}, memory(d)), el("td", {}, button));
    }));
  }

  // dyno router: its backends, with HAProxy's states (ready, drain, maint) and weights
  async function setBackend(name, change, button) {
    button.disabled = true;
    message("Updating " + name + "…", false, "#backend-message");
    try {
      await call("PATCH", "/backends/" + encodeURIComponent(name), change);
      message("Updated " + name + ".", false, "#backend-message");
    } catch (e) {
      message("Updating " + name + " failed: " + e.message, true, "#backend-message");
    } finally {
      button.disabled = false;
    }
  }

  function renderBackends(backends) {
    const focused = document.activeElement && document.activeElement.dataset.weight;
    if (focused) return; // do not overwrite what the user is typing
    const most = busiest(backends);
    $("#backends tbody").replaceChildren(...backends.map((b) => {
      const weight = el("input", { type: "number", min: "0", max: "256", value: String(b.weight), "data-weight": b.name, "aria-label": "weight of " + b.name });
      const set = el("button", { "data-set-weight": b.name }, "Set");
      set.addEventListener("click", () => setBackend(b.name, { weight: Number(weight.value) }, set));
      const next = b.state === "ready" ? "drain" : "ready";
      const toggle = el("button", { "data-state-to": next, "data-backend": b.name }, next === "drain" ? "Drain" : "Ready");
      toggle.addEventListener("click", () => setBackend(b.name, { state: next }, toggle));
      return el("tr", { "data-backend": b.name, "data-state": b.state },
        el("td", {}, b.name), el("td", {}, b.address), el("td", {}, el("span", { class: "state " + b.state }, b.state)),
        el("td", {}, b.healthy ? "up" : el("span", { class: "state crashed" }, "down")), el("td", {}, b.in_flight),
        el("td", { class: "rps" }, rate(b, most)), el("td", { class: "p95" }, p95(b)), el("td", {}, b.requests), el("td", {}, b.errors), el("td", {}, weight, set), el("td", {}, toggle));
    }));
  }

  function renderLogs(lines) {
    const pre = $("#logs");
    const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.textContent = lines.join("\n");
    if (atBottom) pre.scrollTop = pre.scrollHeight;
  }

  async function poll() {
    if (busy) return;
    busy = true;
    try {
      const res = await fetch("/dashboard/state", {
        credentials: "omit", cache: "no-store", headers: { "X-Dyno-Session": session },
      });
      if (res.status === 401) { signedOut("The session has ended (it lasts 12 hours and ends with the daemon). Run <code>dyno dashboard</code> for a new link."); return; }
      if (!res.ok) throw new Error(res.status);
      const s = await res.json();
      app = s.app;
      $("#app-name").textContent = s.app;
      document.title = s.app + " · Dyno";
      const router = Array.isArray(s.backends);
      $("#backends-panel").hidden = !router;
      $("#formation-panel").hidden = router;
      $("#dynos-panel").hidden = router;
      $("#autoscale-panel").hidden = router;
      if (router) renderBackends(s.backends); else { renderFormation(s.formation); renderDynos(s.dynos); }
      DynoCharts.render(s);
      renderLogs(s.logs);
      lastOk = Date.now();
    } catch (e) {
      // shown as stale below
    } finally {
      busy = false;
      const stale = Date.now() - lastOk > 3 * POLL_MS;
      const st = $("#status");
      st.textContent = lastOk === 0 ? "connecting…" : stale ? "daemon not answering" : "live";
      st.classList.toggle("stale", stale);
    }
  }

  function signedOut(reasonHtml) {
    sessionStorage.removeItem(SESSION_KEY);
    session = null;
    if (timer !== null) clearInterval(timer);
    timer = null;
    if (reasonHtml) $("#signed-out-reason").innerHTML = reasonHtml; // our own fixed text, never data
    $("#dashboard").hidden = true;
    $("#signed-out").hidden = false;
    const st = $("#status");
    st.textContent = "signed out";
    st.classList.add("stale");
  }

  // Trades the one-time code of the URL's fragment (if any) for a session token; returns the token.
  async function signIn() {
    const m = /^#code=([0-9a-f]{16,128})$/.exec(location.hash);
    if (m) {
      history.replaceState(null, "", location.pathname); // the code leaves the address bar and history
      const res = await fetch("/dashboard/sessions", {
        method: "POST", credentials: "omit", cache: "no-store",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify({ code: m[1] }),
      });
      if (!res.ok) {
        signedOut("This login link was used already or has expired. Run <code>dyno dashboard</code> again.");
        return null;
      }
      sessionStorage.setItem(SESSION_KEY, (await res.json()).session);
    }
    return sessionStorage.getItem(SESSION_KEY);
  }

  // A new link pasted into this tab changes only the fragment: start over with its code.
  window.addEventListener("hashchange", () => { if (location.hash.startsWith("#code=")) location.reload(); });

  signIn().then((token) => {
    if (!token) {
      if (timer === null && $("#signed-out").hidden) signedOut(null);
      return;
    }
    session = token;
    $("#dashboard").hidden = false;
    poll();
    timer = setInterval(poll, POLL_MS);
  }, () => signedOut(null));
})();
