// The views drawn from GET /ui/api/overview: pool cards with their address maps, the Services table, the
// BGP peers and the events. DOM is built with createElement and textContent only (names and messages come
// from the cluster). Cards and rows are kept by key and rebuilt only when their data changed, and nodes stay
// where they are when their place did not change: a live reload leaves focus and typed input alone.

import { problemText } from "./ui-api.js";

/** createElement with options: text, className, on: {event: handler}; anything else is an attribute. */
export function el(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "className") node.className = value;
    else if (key === "on") for (const [type, handler] of Object.entries(value)) node.addEventListener(type, handler);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

export function button(text, id, onClick, className) {
  return el("button", { type: "button", id, className, text, on: { click: onClick } });
}

/** Makes nodes the children of parent, in order, moving only the nodes that are out of place. */
export function placeChildren(parent, nodes) {
  const wanted = new Set(nodes);
  for (const child of [...parent.childNodes]) if (!wanted.has(child)) child.remove();
  let cursor = parent.firstChild;
  for (const node of nodes) {
    if (node === cursor) cursor = cursor.nextSibling;
    else parent.insertBefore(node, cursor);
  }
}

/** A failed call in container: the message, the API server's causes, the Services a refusal names. */
export function showProblem(container, result) {
  const data = result.data || {};
  const details = [
    ...(data.causes || []).map(c => (c.field ? c.field + ": " : "") + c.message),
    ...(data.lose || []).map(l => l.service + ": " + l.reason),
  ];
  container.replaceChildren(el("p", { text: problemText(result) }),
    details.length ? el("ul", {}, details.map(text => el("li", { text }))) : null);
  container.hidden = false;
}

export function clearProblem(container) {
  container.replaceChildren();
  container.hidden = true;
}

/** Forgets every kept card and row (after sign-out: the next user starts from scratch). */
export function resetViews() {
  cards.clear();
  rows.clear();
}

// ---- filter ----

const contains = (text, query) => text !== null && text !== undefined && String(text).toLowerCase().includes(query);
const cellMatches = (cell, query) => contains(cell.ip, query) || (cell.services || []).some(s => contains(s, query));

function poolMatches(pool, query) {
  return !query || contains(pool.name, query) || contains(pool.address, query)
    || (pool.services || []).some(s => contains(s, query)) || (pool.cells || []).some(c => cellMatches(c, query));
}

function serviceMatches(service, query) {
  return !query || contains(service.namespace + "/" + service.name, query) || contains(service.pool, query)
    || [...service.addresses || [], ...service.requested || []].some(a => contains(a, query));
}

// ---- pools ----

const cards = new Map(); // pool name -> {sig, node}
const STATES = ["free", "used", "requested", "reserved"];

/** ctx: {query, can(flag), actions: {edit(name), toggle(name, errorBox, button), remove(name)}}. */
export function renderPools(container, pools, ctx) {
  const nodes = [];
  const names = new Set();
  for (const pool of pools) {
    names.add(pool.name);
    if (!poolMatches(pool, ctx.query)) continue;
    const sig = JSON.stringify([pool, ctx.query, ctx.can("updateEips"), ctx.can("deleteEips")]);
    let entry = cards.get(pool.name);
    if (!entry || entry.sig !== sig) {
      entry = { sig, node: poolCard(pool, ctx) };
      cards.set(pool.name, entry);
    }
    nodes.push(entry.node);
  }
  for (const name of [...cards.keys()]) if (!names.has(name)) cards.delete(name);
  if (nodes.length === 0) {
    nodes.push(el("p", { className: "empty", text: pools.length ? "no pool matches the filter" : "no pool (Eip) yet" }));
  }
  placeChildren(container, nodes);
}

function poolCard(pool, ctx) {
  const hit = text => ctx.query && contains(text, ctx.query) ? "hit" : "";
  const head = el("div", { className: "card-head" }, [
    el("h3", { text: pool.name, className: hit(pool.name) }),
    pill(pool.protocol || "bgp"),
    pool.family && pill(pool.family),
    pool.isDefault && pill("default"),
    pool.disabled && pill("disabled", "warn"),
    pool.invalid && pill("invalid", "bad"),
  ]);
  const errorBox = el("div", { className: "error", role: "alert", hidden: true });
  return el("article", { id: "pool-" + pool.name, className: "card" + (pool.disabled ? " disabled" : "") + (pool.invalid ? " is-invalid" : "") }, [
    head,
    pool.invalid && el("p", { className: "invalid", text: "invalid: " + pool.invalid }),
    facts(pool, hit),
    usage(pool),
    addressMap(pool, ctx.query),
    poolServices(pool, hit),
    poolButtons(pool, ctx, errorBox),
    errorBox,
  ]);
}

function pill(text, kind) {
  return el("span", { className: "pill" + (kind ? " " + kind : ""), text });
}

function facts(pool, hit) {
  const selector = Object.entries(pool.namespaceSelector || {}).map(([k, v]) => k + "=" + v).join(", ");
  const namespaces = (pool.namespaces || []).join(", ");
  const scope = [namespaces, selector && "selector " + selector].filter(Boolean).join("; ") || "every namespace";
  const pairs = [["address", pool.address, hit(pool.address)], ["interface", pool.interface || "—"],
    ["priority", pool.priority], ["namespaces", scope]];
  return el("dl", { className: "facts" }, pairs.flatMap(([term, value, className]) =>
    [el("dt", { text: term }), el("dd", { text: value, className })]));
}

function usage(pool) {
  const size = Number(pool.size || 0);
  const share = size > 0 ? pool.used / size : 0;
  const bar = el("div", {
    className: "bar" + (share >= 1 ? " full" : share >= 0.9 ? " warn" : ""), role: "meter",
    "aria-label": "addresses in use", "aria-valuemin": 0, "aria-valuenow": pool.used, "aria-valuemax": size,
  });
  const fill = el("div");
  fill.style.width = Math.min(100, share * 100) + "%";
  bar.append(fill);
  return el("div", { className: "usage" }, [bar,
    el("span", { text: pool.used + " of " + count(pool.size) + " used, " + count(pool.free) + " free" })]);
}

const SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const power = n => String(n).replace(/\d/g, d => SUPERSCRIPT[d]);

/** A decimal string that may be far beyond 2^53 (an IPv6 pool): 254, 65,536, 2⁶⁴, ≈1.8×10¹⁹. */
function count(decimal) {
  if (decimal === null || decimal === undefined || !/^\d+$/.test(String(decimal))) return "?";
  const digits = String(decimal);
  if (digits.length <= 9) return Number(digits).toLocaleString("en");
  const exponent = BigInt(digits).toString(2).length - 1;
  if (1n << BigInt(exponent) === BigInt(digits)) return "2" + power(exponent);
  return "≈" + digits[0] + "." + digits[1] + "×10" + power(digits.length - 1);
}

function addressMap(pool, query) {
  const cells = pool.cells || [];
  const counts = STATES.map(state => cells.filter(c => c.state === state).length + " " + state).join(", ");
  const grid = el("div", { className: "map", role: "img", "aria-label": "address map of " + pool.name + ": " + counts });
  for (const cell of cells) {
    const services = cell.services || [];
    grid.append(el("div", {
      className: "cell " + cell.state + (query && cellMatches(cell, query) ? " match" : ""),
      title: cell.ip + " " + cell.state + (services.length ? ": " + services.join(", ") : ""),
      "data-ip": cell.ip,
    }));
  }
  return el("div", { className: "map-box" }, [
    cells.length ? grid : el("p", { className: "empty", text: "no address in use" }),
    pool.complete === false && el("p", { className: "note",
      text: "showing " + cells.length + " of " + pool.size + " addresses (the ones in use)", title: count(pool.size) }),
    el("div", { className: "legend" }, STATES.map(state =>
      el("span", {}, [el("span", { className: "cell " + state }), document.createTextNode(state)]))),
  ]);
}

function poolServices(pool, hit) {
  const services = pool.services || [];
  return el("div", { className: "pool-services" }, [
    el("span", { className: "label", text: "Services" }),
    services.length
      ? el("ul", { className: "tags" }, services.map(s => el("li", { text: s, className: hit(s) })))
      : el("span", { className: "empty", text: "none" }),
  ]);
}

function poolButtons(pool, ctx, errorBox) {
  const buttons = [];
  if (ctx.can("updateEips")) {
    buttons.push(button("Edit", "edit-" + pool.name, () => ctx.actions.edit(pool.name)));
    const toggle = button(pool.disabled ? "Enable" : "Disable", "toggle-" + pool.name,
      () => ctx.actions.toggle(pool.name, errorBox, toggle));
    buttons.push(toggle);
  }
  if (ctx.can("deleteEips")) buttons.push(button("Delete", "delete-" + pool.name, () => ctx.actions.remove(pool.name), "danger"));
  return buttons.length ? el("div", { className: "buttons" }, buttons) : null;
}

// ---- services ----

const rows = new Map(); // namespace/name -> {sig, row, controls}

/** ctx: {query, can(flag), poolNames, actions: {patchService(controls, patch)}}. */
export function renderServices(table, services, ctx) {
  const editable = ctx.can("patchServices");
  table.querySelector("#services-change-head").hidden = !editable;
  const nodes = [];
  const keys = new Set();
  for (const service of services) {
    const key = service.namespace + "/" + service.name;
    keys.add(key);
    if (!serviceMatches(service, ctx.query)) continue;
    let entry = rows.get(key);
    if (!entry) {
      entry = { sig: null, row: el("tr", { id: "svc-" + key }), controls: null };
      rows.set(key, entry);
    }
    updateServiceRow(entry, service, ctx, editable);
    nodes.push(entry.row);
  }
  for (const key of [...rows.keys()]) if (!keys.has(key)) rows.delete(key);
  if (nodes.length === 0) {
    const columns = table.querySelectorAll("thead th:not([hidden])").length;
    nodes.push(el("tr", {}, [el("td", { className: "empty", colspan: columns,
      text: services.length ? "no Service matches the filter" : "no LoadBalancer Service" })]));
  }
  placeChildren(table.tBodies[0], nodes);
}

function updateServiceRow(entry, service, ctx, editable) {
  const sig = JSON.stringify([service, ctx.query]);
  if (entry.sig !== sig) {
    entry.sig = sig;
    // the controls cell (typed input, focus) stays in place: only the data cells are replaced
    for (const td of [...entry.row.children]) if (!entry.controls || td !== entry.controls.cell) td.remove();
    const hit = text => ctx.query && contains(text, ctx.query) ? "hit" : "";
    const list = values => (values || []).join(", ");
    entry.row.prepend(...[service.namespace, service.name, service.pool, list(service.addresses),
      list(service.requested), service.protocol, list(service.holders)].map(text => el("td", { text, className: hit(text) })));
  }
  if (editable) {
    entry.controls ??= serviceControls(service, ctx);
    entry.controls.update(service, ctx.poolNames);
    if (entry.row.lastChild !== entry.controls.cell) entry.row.append(entry.controls.cell);
  } else if (entry.controls) {
    entry.controls.cell.remove();
    entry.controls = null;
  }
}

/** Move to another pool, ask for an address; what the user chose or typed survives reloads until sent. */
function serviceControls(service, ctx) {
  const key = service.namespace + "/" + service.name;
  const select = el("select", { id: "pool-of-" + key, "aria-label": "pool for " + key });
  const ask = el("input", { id: "ask-" + key, type: "text", size: 15, spellcheck: "false", placeholder: "address(es)",
    "aria-label": "addresses " + key + " asks for" });
  const errorBox = el("div", { id: "row-error-" + key, className: "error", role: "alert", hidden: true });
  let chosen = false;
  let typed = false;
  select.addEventListener("change", () => { chosen = true; });
  ask.addEventListener("input", () => { typed = true; });
  const controls = {
    service, errorBox,
    update(latest, poolNames) {
      controls.service = latest;
      setOptions(select, poolNames, latest.pool, chosen);
      if (!typed) ask.value = (latest.requested || []).join(", ");
    },
    /** After a write went through: show the Service as it is again. */
    settle() { chosen = false; typed = false; },
    busy(flag) { move.disabled = flag; request.disabled = flag; },
  };
  const move = button("Move", "move-" + key, () => ctx.actions.patchService(controls, { pool: select.value || null }));
  const request = button("Request", "request-" + key, () => {
    const wanted = ask.value.split(/[\s,]+/).filter(Boolean);
    ctx.actions.patchService(controls, { requested: wanted.length ? wanted : null });
  });
  controls.cell = el("td", { className: "controls" }, [
    el("div", { className: "inline" }, [select, move]),
    el("div", { className: "inline" }, [ask, request]),
    errorBox,
  ]);
  return controls;
}

/** "" = no pool annotation; the Service's own pool stays listed even if the user may not see it. */
function setOptions(select, poolNames, current, keepChoice) {
  const values = ["", ...poolNames];
  if (current && !values.includes(current)) values.push(current);
  const shown = [...select.options].map(o => o.value);
  if (shown.join("\n") !== values.join("\n")) {
    const previous = select.value;
    select.replaceChildren(...values.map(v => el("option", { value: v, text: v || "(no pool annotation)" })));
    select.value = previous;
  }
  const value = keepChoice ? select.value : current || "";
  select.value = values.includes(value) ? value : "";
}

// ---- BGP peers, events ----

/** One tbody per BgpPeer (id peer-NAME), a row per node that reports a session. */
export function renderPeers(table, peers) {
  const bodies = peers.map(peer => {
    const nodes = peer.nodes || [];
    const first = [el("td", { text: peer.name }), el("td", { text: peer.address }), el("td", { text: peer.peerAs })];
    if (nodes.length > 1) for (const td of first) td.rowSpan = nodes.length;
    const lines = nodes.length ? nodes.map(n => [el("td", { text: n.node }),
      el("td", { text: n.state, className: "state " + (String(n.state).toLowerCase() === "established" ? "up" : "down") }),
      el("td", { text: since(n.since), title: n.since })])
      : [[el("td", { className: "empty", colspan: 3, text: "no node reports a session" })]];
    return el("tbody", { id: "peer-" + peer.name },
      lines.map((cells, i) => el("tr", {}, i === 0 ? [...first, ...cells] : cells)));
  });
  if (bodies.length === 0) bodies.push(el("tbody", {}, [el("tr", {}, [el("td", { className: "empty", colspan: 6, text: "no BgpPeer" })])]));
  placeChildren(table, [table.tHead, ...bodies]);
}

export function renderEvents(tbody, events) {
  const newestFirst = [...events].sort((a, b) => (Date.parse(b.time) || 0) - (Date.parse(a.time) || 0));
  const rowsOut = newestFirst.map(e => el("tr", { className: e.type === "Warning" ? "warning" : "" }, [
    el("td", { text: clock(e.time), title: e.time }), el("td", { text: e.type }), el("td", { text: e.reason }),
    el("td", { text: e.object }), el("td", { text: e.message }), el("td", { text: e.count }),
  ]));
  if (rowsOut.length === 0) rowsOut.push(el("tr", {}, [el("td", { className: "empty", colspan: 6, text: "no event in the last hour" })]));
  placeChildren(tbody, rowsOut);
}

function clock(time) {
  const date = new Date(time);
  return isNaN(date) ? time || "" : date.toLocaleTimeString();
}

/** "20:00:00 (3h 5m ago)". */
function since(time) {
  const date = new Date(time);
  if (!time || isNaN(date)) return "";
  const minutes = Math.max(0, Math.floor((Date.now() - date) / 60000));
  const ago = minutes < 60 ? minutes + "m" : minutes < 1440 ? Math.floor(minutes / 60) + "h " + minutes % 60 + "m"
    : Math.floor(minutes / 1440) + "d " + Math.floor(minutes % 1440 / 60) + "h";
  return date.toLocaleString() + " (" + ago + " ago)";
}
