// matchgraph web page: match a need, compare two artifacts, read one artifact.
// Data is only ever written with textContent (never as HTML), so a page's text cannot run as code.
"use strict";

const $ = (id) => document.getElementById(id);
const picked = new Set();

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") node.textContent = v;
    else if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

async function api(path, options = {}) {
  const headers = Object.assign({ "Accept": "application/json" }, options.headers || {});
  const token = sessionStorage.getItem("matchgraph-token");
  if (token) headers["Authorization"] = "Bearer " + token;
  const response = await fetch(path, Object.assign({}, options, { headers }));
  const version = response.headers.get("Matchgraph-Store-Version");
  if (version) $("version").textContent = "store version " + version.slice(0, 8);
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) { $("token-box").hidden = false; $("token").focus(); }
  if (!response.ok) {
    let message = body.detail || body.title || ("HTTP " + response.status);
    if (body.candidates) message += " — pick one: " + body.candidates.map((c) => c.slug).join(", ");
    throw new Error(message);
  }
  return body;
}

function show(view) {
  for (const name of ["match", "compare", "artifact"]) $("view-" + name).hidden = name !== view;
}

// ---- match ------------------------------------------------------------------------

function artifactLink(slug, name) {
  return el("a", { href: "#/artifact/" + encodeURIComponent(slug), text: name });
}

function drawPath(container, result) {
  // need -> intent/concept -> capability -> artifact, left to right.
  const steps = result.path;
  const elements = steps.map((s, i) => ({ data: { id: "n" + i, label: s.kind + ": " + (s.label.length > 60 ? s.label.slice(0, 58) + "…" : s.label), kind: s.kind },
    position: { x: i * 260, y: 0 } }));
  for (let i = 1; i < steps.length; i++) {
    elements.push({ data: { id: "e" + i, source: "n" + (i - 1), target: "n" + i, label: steps[i].score.toFixed(2) } });
  }
  const colours = { need: "#0b5cad", intent: "#6a3d9a", concept: "#1d6b2f", capability: "#8a3b00", artifact: "#1b1b1b" };
  const cy = cytoscape({
    container, elements, userZoomingEnabled: false, userPanningEnabled: false, boxSelectionEnabled: false, autoungrabify: true,
    layout: { name: "preset" },
    style: [
      { selector: "node", style: { "label": "data(label)", "font-size": 11, "color": "#1b1b1b", "text-valign": "bottom",
        "text-margin-y": 6, "width": 18, "height": 18, "background-color": (n) => colours[n.data("kind")] || "#444",
        "text-wrap": "wrap", "text-max-width": 220 } },
      { selector: "edge", style: { "width": 2, "line-color": "#767676", "target-arrow-color": "#767676",
        "target-arrow-shape": "triangle", "curve-style": "straight", "label": "data(label)", "font-size": 11, "color": "#1b1b1b",
        "text-margin-y": -10, "text-background-color": "#fafafa", "text-background-opacity": 1 } },
    ],
  });
  cy.fit(undefined, 30);
  if (cy.zoom() > 1.2) { cy.zoom(1.2); cy.center(); }
  container.dataset.nodes = String(cy.nodes().length);
  return cy;
}

function resultItem(r, index) {
  const pathText = r.path.map((s) => s.kind + ": " + s.label).join(" → ");
  const graph = el("div", { class: "graph", role: "img", "aria-label": "Path graph: " + pathText, id: "graph-" + index });
  const box = el("input", { type: "checkbox", id: "pick-" + index, "aria-label": "Select " + r.name + " to compare" });
  box.addEventListener("change", () => {
    if (box.checked) picked.add(r.slug); else picked.delete(r.slug);
    $("compare-picked").hidden = picked.size !== 2;
  });
  const item = el("li", { class: "result" },
    el("h3", {}, artifactLink(r.slug, r.name), " ", el("span", { class: "score", text: "score " + r.score.toFixed(3) })),
    el("p", { class: "path-text", text: pathText }),
    graph,
    r.terms.length ? el("p", { class: "terms", text: r.terms.map((t) => t.sentence).join(" ") }) : null,
    r.constraints.length ? el("p", { class: "terms", text: r.constraints.map((c) => c.name + ": " + c.effect + " (" + c.reason + ")").join("; ") }) : null,
    el("label", {}, box, " compare"));
  return { item, graph };
}

async function runMatch(need) {
  show("match");
  $("need").value = need;
  $("match-status").textContent = "Matching…";
  $("results").replaceChildren();
  picked.clear();
  $("compare-picked").hidden = true;
  const constraints = { free: $("c-free").checked, local: $("c-local").checked, open_weights: $("c-open").checked };
  try {
    const answer = await api("/match", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ need, top: Number($("top").value), constraints }) });
    const drawn = [];
    answer.results.forEach((r, i) => { const { item, graph } = resultItem(r, i); $("results").append(item); drawn.push([graph, r]); });
    for (const [graph, r] of drawn) drawPath(graph, r);
    $("match-status").textContent = answer.results.length
      ? answer.results.length + " results (match " + answer.match_id + ")"
      : "No artifact meets this need.";
  } catch (e) {
    $("match-status").textContent = "Error: " + e.message;
  }
}

// ---- compare ------------------------------------------------------------------------

function table(headers, rows) {
  return el("table", {}, el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {}, ...rows.map((row) => el("tr", {}, ...row.map((c) => el("td", { text: String(c) }))))));
}

function fmtValues(values) {
  return values.map(([src, v]) => v + " (" + src.split("/").pop() + ")").join("; ") || "—";
}

async function runCompare(a, b, need) {
  show("compare");
  $("cmp-a").value = a; $("cmp-b").value = b; $("cmp-need").value = need || "";
  $("compare-status").textContent = "Comparing…";
  $("compare-out").replaceChildren();
  try {
    const q = new URLSearchParams({ a, b }); if (need) q.set("for", need);
    const v = await api("/compare?" + q.toString());
    const [na, nb] = v.names;
    const out = $("compare-out");
    out.append(el("p", { class: "verdict", id: "verdict", text: v.text }));
    out.append(el("h3", { text: "Alternatives?" }),
      el("p", { text: v.substitutability + " — " + v.substitutability_reason + " (pair score " + v.score.toFixed(3) + ")" }));
    out.append(el("h3", { text: "Signals by source" }),
      table(["signal", na, nb, "leader", "basis"], v.signals.map((s) => [s.signal, fmtValues(s.a_values), fmtValues(s.b_values), s.leader || "—", s.basis])));
    out.append(el("h3", { text: "Concepts" }),
      table(["shared", "only " + na, "only " + nb], [[v.shared_concepts.join(", ") || "—",
        (v.distinct_concepts[v.a] || []).join(", ") || "—", (v.distinct_concepts[v.b] || []).join(", ") || "—"]]));
    out.append(el("h3", { text: "Claims between them" }));
    out.append(v.claims.length
      ? table(["who", "relation", "status", "about", "text"], v.claims.map((c) => [c.subject, c.relation, c.polarity, c.others.join(", "), c.text]))
      : el("p", { text: "No claim names the other." }));
    if (v.inconsistencies.length) {
      out.append(el("h3", { text: "Inconsistencies" }),
        el("ul", {}, ...v.inconsistencies.map((i) => el("li", { class: "warn", text: i.signal + ": " + i.text }))));
    }
    if (v.for_need) out.append(el("h3", { text: "For: " + need }), el("p", { text: String(v.for_need.text || "") }));
    $("compare-status").textContent = na + " vs " + nb;
  } catch (e) {
    $("compare-status").textContent = "Error: " + e.message;
  }
}

// ---- artifact ---------------------------------------------------------------------

async function runArtifact(slug) {
  show("artifact");
  $("artifact-status").textContent = "Loading…";
  $("artifact-out").replaceChildren();
  try {
    const { artifact: a } = await api("/artifacts/" + encodeURIComponent(slug));
    $("artifact-title").textContent = a.name + (a.type ? " (" + a.type + ")" : "");
    const out = $("artifact-out");
    out.append(el("h3", { text: "Observations by source" }),
      table(["source", "rank", "adoption", "quality", "ecosystem", "pricing"], a.observations.map((o) =>
        [o.source, o.rank ?? "—", o.adoption ?? "—", o.quality ?? "—", o.ecosystem ?? "—", o.pricing ?? "—"])));
    out.append(el("h3", { text: "Capabilities" }), el("ul", {}, ...a.capabilities.map((c) => el("li", {},
      el("strong", { text: c.name || "capability " + c.ordinal }), " — " + c.description,
      c.concepts.length ? el("div", { class: "terms", text: "concepts: " + c.concepts.join(", ") }) : null,
      ...c.claims.map((cl) => el("div", { class: "terms status-" + cl.polarity, text: cl.relation + " [" + cl.polarity + "] " + cl.other.join(", ") + ": " + cl.text }))))));
    if (a.same_as.length) out.append(el("p", { text: "Also known as: " + a.same_as.join(", ") }));
    $("artifact-status").textContent = a.capabilities.length + " capabilities from " + a.observations.length + " sources";
    $("artifact-title").focus();
  } catch (e) {
    $("artifact-status").textContent = "Error: " + e.message;
  }
}

// ---- routing ------------------------------------------------------------------------

function route() {
  const hash = location.hash.slice(1) || "/";
  const [path, query] = hash.split("?");
  const params = new URLSearchParams(query || "");
  if (path.startsWith("/artifact/")) return runArtifact(decodeURIComponent(path.slice("/artifact/".length)));
  if (path === "/compare") {
    if (params.get("a") && params.get("b")) return runCompare(params.get("a"), params.get("b"), params.get("for"));
    show("compare"); $("cmp-a").focus(); return;
  }
  show("match");
  if (params.get("need")) return runMatch(params.get("need"));
}

$("match-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const target = "#/?" + new URLSearchParams({ need: $("need").value.trim() }).toString();
  if (location.hash === target) route(); else location.hash = target;
});
$("compare-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const q = new URLSearchParams({ a: $("cmp-a").value.trim(), b: $("cmp-b").value.trim() });
  if ($("cmp-need").value.trim()) q.set("for", $("cmp-need").value.trim());
  location.hash = "#/compare?" + q.toString();
});
$("compare-go").addEventListener("click", () => {
  const [a, b] = [...picked];
  const q = new URLSearchParams({ a, b, for: $("need").value.trim() });
  location.hash = "#/compare?" + q.toString();
});
$("token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  sessionStorage.setItem("matchgraph-token", $("token").value);
  $("token-box").hidden = true;
  route();
});
window.addEventListener("hashchange", route);
route();
