// Management UI: sign-in, the four views, live updates, the Eip form, delete, Service moves (docs/ui.md).
// No framework, no build step; loaded as a module by index.html under a strict CSP (no inline code or style).
//
// Element ids (stable, for tests):
//   sign-in       #sign-in-view, #token, #sign-in, #sign-in-error
//   header        #user, #sign-out, #read-only, #updated, #error (banner: the overview could not be loaded)
//   navigation    #tab-pools, #tab-services, #tab-peers, #tab-events (location hash #/pools, #/services, …)
//   views         #pools, #services, #peers, #events; notices #pools-forbidden, #services-forbidden,
//                 #peers-forbidden, #events-forbidden; filter #search
//   pools         #new-pool, #cards; per pool: card #pool-NAME, buttons #edit-NAME, #toggle-NAME,
//                 #delete-NAME; the card has class disabled / is-invalid, its write errors in #pool-NAME .error;
//                 map cells .cell.free|.used|.reserved|.requested with data-ip (.match when the filter matches)
//   Eip form      #eip-form (dialog), #f-name, #f-address, #f-protocol, #f-interface, #f-priority,
//                 #f-namespaces, #f-default, #f-allow-nb, #f-disable, #f-ok, #f-error, #f-preview,
//                 #f-submit, #f-cancel
//   delete        #confirm-dialog, #confirm-text, #delete-error, #confirm-delete, #cancel-delete
//   services      #services-table; per Service NS/NAME: row #svc-NS/NAME, pool select #pool-of-NS/NAME,
//                 button #move-NS/NAME, address input #ask-NS/NAME, button #request-NS/NAME,
//                 error #row-error-NS/NAME
//   peers         #peers-table, one tbody #peer-NAME per BgpPeer
//   events        #events-table

import { api, openStream, onSessionLost, problemText, setCsrfToken } from "./ui-api.js";
import { clearProblem, el, renderEvents, renderPeers, renderPools, renderServices, resetViews, showProblem }
  from "./ui-views.js";

const SAFETY_RELOAD_MS = 30000;
const CHECK_DELAY_MS = 400;
const STREAM_RETRY_MS = 5000;
const VIEWS = ["pools", "services", "peers", "events"];
const WRITES = ["createEips", "updateEips", "deleteEips", "patchServices"];
const FORBIDDEN_TEXT = {
  eips: ["pools", "your account may not list pools (Eips)"],
  services: ["services", "your account may not list Services"],
  bgppeers: ["peers", "your account may not list BGP peers"],
  events: ["events", "your account may not list events"],
};

const $ = id => document.getElementById(id);

const state = {
  session: null,    // SessionInfo, null when signed out
  overview: null,
  query: "",
  generation: 0,    // bumped at sign-in and sign-out: answers of an older session are dropped
  stream: null,
  safetyTimer: 0,
};

/** A write button is shown when the controller allows writes and the user's RBAC allows this one. */
const can = flag => Boolean(state.session && state.session.writesEnabled && state.session.can && state.session.can[flag]);

// ---- session ----

async function start() {
  wire();
  onSessionLost(() => leave("your session has ended: sign in again"));
  const result = await api.session();
  if (result.ok) enter(result.data);
  else leave(result.status === 401 ? "" : problemText(result));
}

async function signIn(event) {
  event.preventDefault();
  const input = $("token");
  const token = input.value.trim();
  input.value = ""; // the token lives on in the controller's memory only
  if (!token) return showSignInError("paste a bearer token first");
  $("sign-in").disabled = true;
  const result = await api.signIn(token);
  $("sign-in").disabled = false;
  if (result.ok) enter(result.data);
  else showSignInError(problemText(result));
}

function showSignInError(message) {
  const box = $("sign-in-error");
  box.textContent = message;
  box.hidden = !message;
}

function enter(info) {
  state.session = info;
  state.generation++;
  setCsrfToken(info.csrfToken);
  $("user").textContent = info.user;
  const readOnly = !info.writesEnabled || !WRITES.some(can);
  $("read-only").hidden = !readOnly;
  $("new-pool").hidden = !can("createEips");
  $("read-only").title = !info.writesEnabled ? "the controller runs without --ui-writes"
    : "your account may not change pools or Services";
  for (const id of ["user", "sign-out", "tabs", "app"]) $(id).hidden = false;
  $("sign-in-view").hidden = true;
  showSignInError("");
  showView(viewOfHash());
  reload();
  listen();
  clearInterval(state.safetyTimer);
  state.safetyTimer = setInterval(reload, SAFETY_RELOAD_MS);
}

/** Back to the sign-in view, everything of the session forgotten. */
function leave(message) {
  state.session = null;
  state.overview = null;
  state.generation++;
  setCsrfToken(null);
  clearInterval(state.safetyTimer);
  stopListening();
  for (const dialog of document.querySelectorAll("dialog")) if (dialog.open) dialog.close();
  resetViews();
  $("cards").replaceChildren();
  $("peers-table").replaceChildren($("peers-table").tHead);
  for (const id of ["services-table", "events-table"]) $(id).tBodies[0].replaceChildren();
  for (const id of ["user", "sign-out", "tabs", "app", "read-only", "error"]) $(id).hidden = true;
  $("updated").textContent = "";
  $("search").value = "";
  state.query = "";
  $("sign-in-view").hidden = false;
  showSignInError(message);
  $("token").focus();
}

async function signOut() {
  await api.signOut(); // whatever it answers, this page forgets the session
  leave("");
}

// ---- overview: one request in flight, at most one queued ----

let loading = false;
let queued = false;

async function reload() {
  if (!state.session) return;
  if (loading) {
    queued = true;
    return;
  }
  loading = true;
  const generation = state.generation;
  try {
    const result = await api.overview();
    if (generation !== state.generation) return;
    if (result.ok) {
      state.overview = result.data;
      render();
      banner("");
      $("updated").textContent = "updated " + new Date().toLocaleTimeString();
    } else if (result.status !== 401) {
      banner("cannot load the overview: " + problemText(result));
    }
  } catch (e) {
    banner("cannot show the overview: " + e.message);
  } finally {
    loading = false;
    if (queued) {
      queued = false;
      reload();
    }
  }
}

function banner(message) {
  $("error").textContent = message;
  $("error").hidden = !message;
}

function render() {
  const overview = state.overview;
  if (!overview) return;
  const forbidden = new Set(overview.forbidden || []);
  for (const [kind, [view, text]] of Object.entries(FORBIDDEN_TEXT)) {
    $(view + "-forbidden").textContent = text;
    $(view + "-forbidden").hidden = !forbidden.has(kind);
  }
  const pools = overview.pools || [];
  const services = overview.services || [];
  const peers = overview.peers || [];
  const events = overview.events || [];
  const ctx = {
    query: state.query, can, poolNames: pools.map(p => p.name).sort(),
    actions: { edit: openEipForm, toggle: togglePool, remove: askDelete, patchService },
  };
  $("cards").hidden = forbidden.has("eips");
  $("services-table").hidden = forbidden.has("services");
  $("peers-table").hidden = forbidden.has("bgppeers");
  $("events-table").hidden = forbidden.has("events");
  renderPools($("cards"), pools, ctx);
  renderServices($("services-table"), services, ctx);
  renderPeers($("peers-table"), peers);
  renderEvents($("events-table").tBodies[0], events);
  const counts = { pools: pools.length, services: services.length, peers: peers.length, events: events.length };
  for (const [kind, [view]] of Object.entries(FORBIDDEN_TEXT)) {
    $("tab-" + view).querySelector(".count").textContent = forbidden.has(kind) ? "" : "(" + counts[view] + ")";
  }
}

// ---- live updates ----

function listen() {
  stopListening();
  const stream = openStream();
  let opened = false;
  state.stream = stream;
  stream.addEventListener("changed", () => reload());
  stream.addEventListener("open", () => {
    if (opened) reload(); // reconnected: changes may have been missed meanwhile
    opened = true;
  });
  stream.addEventListener("error", () => streamFailed(stream));
}

function stopListening() {
  if (state.stream) state.stream.close();
  state.stream = null;
}

let checking = false;

/**
 * Expired session (401): sign in again. Otherwise the browser retries by itself, or we reopen the stream
 * when it gave up; the next successful reload clears the banner.
 */
async function streamFailed(stream) {
  if (stream !== state.stream || checking) return;
  checking = true;
  const result = await api.session();
  checking = false;
  if (stream !== state.stream) return;
  if (result.status === 401) return leave("your session has ended: sign in again");
  if (result.status === 0) banner(problemText(result) + "; retrying");
  if (stream.readyState === EventSource.CLOSED) {
    const generation = state.generation;
    setTimeout(() => {
      if (generation !== state.generation || stream !== state.stream) return;
      listen();
      reload(); // what changed while the stream was down
    }, STREAM_RETRY_MS);
  }
}

// ---- navigation and filter ----

function viewOfHash() {
  const view = location.hash.replace(/^#\/?/, "");
  return VIEWS.includes(view) ? view : "pools";
}

function showView(view) {
  for (const name of VIEWS) {
    $(name).hidden = name !== view;
    if (name === view) $("tab-" + name).setAttribute("aria-current", "page");
    else $("tab-" + name).removeAttribute("aria-current");
  }
  $("filter-bar").hidden = view !== "pools" && view !== "services";
}

function filterChanged() {
  const query = $("search").value.trim().toLowerCase();
  if (query === state.query) return;
  state.query = query;
  render();
}

// ---- Eip form ----

// seq: bumped by every check, open, submit and close, so that only the newest check's answer is shown
// checked: the form last sent for a check (a change event after the input events asks nothing new)
const form = { isNew: true, base: null, timer: 0, seq: 0, opened: 0, checked: "" };

const findPool = name => ((state.overview && state.overview.pools) || []).find(p => p.name === name);

/** The EipForm of an existing pool (what PUT takes). */
function formOfPool(pool) {
  return {
    name: pool.name, address: pool.address, protocol: pool.protocol || "bgp", interface: pool.interface || "",
    disable: Boolean(pool.disabled), priority: pool.priority || 0, namespaces: pool.namespaces || [],
    namespaceSelector: pool.namespaceSelector || {}, isDefault: Boolean(pool.isDefault),
    allowNetworkAndBroadcast: Boolean(pool.allowNetworkAndBroadcast), generation: pool.generation,
  };
}

function openEipForm(name) {
  const pool = name ? findPool(name) : null;
  if (name && !pool) return;
  const value = pool ? formOfPool(pool) : { name: "", address: "", protocol: "bgp", interface: "", disable: false,
    priority: 0, namespaces: [], isDefault: false, allowNetworkAndBroadcast: false };
  form.isNew = !pool;
  form.base = pool;
  form.seq++;
  form.opened++;
  form.checked = "";
  $("f-title").textContent = pool ? "Edit pool " + pool.name : "New pool";
  $("f-submit").textContent = pool ? "Save" : "Create";
  $("f-submit").disabled = false;
  $("f-name").value = value.name;
  $("f-name").readOnly = Boolean(pool);
  $("f-address").value = value.address;
  $("f-protocol").value = value.protocol;
  $("f-interface").value = value.interface;
  $("f-priority").value = String(value.priority);
  $("f-namespaces").value = value.namespaces.join(", ");
  $("f-default").checked = value.isDefault;
  $("f-allow-nb").checked = value.allowNetworkAndBroadcast;
  $("f-disable").checked = value.disable;
  showVerdict(null);
  showPreview(null);
  if (!$("eip-form").open) $("eip-form").showModal();
  $(pool ? "f-address" : "f-name").focus();
}

/** {value: EipForm} or {problem: text} for what the browser can tell without asking. */
function readForm() {
  const priority = $("f-priority");
  const number = priority.value === "" ? 0 : Number(priority.value);
  if (priority.validity.badInput || !Number.isInteger(number)) return { problem: "priority must be a whole number" };
  const value = {
    name: $("f-name").value.trim(), address: $("f-address").value.trim(), protocol: $("f-protocol").value,
    interface: $("f-interface").value.trim(), disable: $("f-disable").checked, priority: number,
    namespaces: $("f-namespaces").value.split(",").map(s => s.trim()).filter(Boolean),
    namespaceSelector: form.base ? form.base.namespaceSelector || {} : {},
    isDefault: $("f-default").checked, allowNetworkAndBroadcast: $("f-allow-nb").checked,
  };
  if (form.base) value.generation = form.base.generation;
  return { value };
}

function formChanged() {
  clearTimeout(form.timer);
  form.timer = setTimeout(checkForm, CHECK_DELAY_MS);
}

/** The API server's verdict on a dry run, and for an edit what it would do to the Services. */
async function checkForm() {
  if (!$("eip-form").open) return;
  const { value, problem } = readForm();
  const checked = JSON.stringify(value || problem);
  if (checked === form.checked) return;
  form.checked = checked;
  const seq = ++form.seq;
  if (problem) return showVerdict({ ok: false, status: 0, data: { error: problem } });
  const [verdict, preview] = await Promise.all([api.saveEip(value, form.isNew, true),
    form.isNew ? null : api.previewEip(value)]);
  if (seq !== form.seq || !$("eip-form").open) return;
  showVerdict(verdict);
  showPreview(preview);
}

function showVerdict(result) {
  $("f-ok").textContent = result && result.ok ? "valid" : "";
  $("f-ok").hidden = !(result && result.ok);
  if (result && !result.ok) showProblem($("f-error"), result);
  else clearProblem($("f-error"));
}

function showPreview(result) {
  const box = $("f-preview");
  box.hidden = !result || result.status === 401;
  if (box.hidden) return box.replaceChildren();
  if (!result.ok) return box.replaceChildren(el("p", { className: "note", text: "no preview: " + problemText(result) }));
  const keep = result.data.keep || [];
  const lose = result.data.lose || [];
  box.replaceChildren(
    el("p", { text: keep.length ? "Keep their addresses: " + keep.join(", ") : "No Service keeps an address." }),
    lose.length ? el("p", { className: "loses", text: "Lose their addresses:" }) : el("p", { text: "No Service loses an address." }),
    lose.length ? el("ul", { className: "loses" }, lose.map(l => el("li", { text: l.service + ": " + l.reason }))) : null);
}

async function submitForm(event) {
  event.preventDefault();
  clearTimeout(form.timer);
  form.seq++;
  form.checked = "";
  const opened = form.opened;
  const { value, problem } = readForm();
  if (problem) return showVerdict({ ok: false, status: 0, data: { error: problem } });
  $("f-submit").disabled = true;
  const result = await api.saveEip(value, form.isNew, false);
  $("f-submit").disabled = false;
  if (opened !== form.opened || !$("eip-form").open) return;
  if (result.ok) {
    $("eip-form").close();
    reload();
  } else if (result.status !== 401) {
    $("f-ok").hidden = true;
    showProblem($("f-error"), result);
  }
}

// ---- disable/enable, delete, Service changes ----

async function togglePool(name, errorBox, toggle) {
  const pool = findPool(name);
  if (!pool) return;
  clearProblem(errorBox);
  toggle.disabled = true;
  const result = await api.saveEip({ ...formOfPool(pool), disable: !pool.disabled }, false, false);
  toggle.disabled = false;
  if (result.ok) reload();
  else if (result.status !== 401) showProblem(errorBox, result);
}

let deleting = null;

function askDelete(name) {
  const pool = findPool(name);
  if (!pool) return;
  deleting = name;
  const services = pool.services || [];
  $("confirm-text").textContent = "Delete the pool " + name + " (" + pool.address + ")? " + (services.length
    ? "Services hold its addresses (" + services.join(", ") + "): the controller refuses while any does."
    : "No Service holds one of its addresses.");
  clearProblem($("delete-error"));
  $("confirm-delete").disabled = false;
  if (!$("confirm-dialog").open) $("confirm-dialog").showModal();
  $("cancel-delete").focus();
}

async function confirmDelete() {
  const name = deleting;
  if (!name) return;
  $("confirm-delete").disabled = true;
  const result = await api.deleteEip(name);
  $("confirm-delete").disabled = false;
  if (deleting !== name || !$("confirm-dialog").open) return;
  if (result.ok) {
    $("confirm-dialog").close();
    reload();
  } else if (result.status !== 401) {
    showProblem($("delete-error"), result);
  }
}

async function patchService(controls, patch) {
  const service = controls.service;
  clearProblem(controls.errorBox);
  controls.busy(true);
  const result = await api.patchService(service.namespace, service.name, patch);
  controls.busy(false);
  if (result.ok) {
    controls.settle();
    reload();
  } else if (result.status !== 401) {
    showProblem(controls.errorBox, result);
  }
}

// ---- wiring ----

function wire() {
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", signOut);
  for (const view of VIEWS) $("tab-" + view).addEventListener("click", () => { location.hash = "#/" + view; });
  window.addEventListener("hashchange", () => showView(viewOfHash()));
  for (const type of ["input", "change"]) $("search").addEventListener(type, filterChanged); // change too: WebDriver's clear() fires no input
  $("new-pool").addEventListener("click", () => openEipForm(null));
  $("f-form").addEventListener("input", formChanged);
  $("f-form").addEventListener("change", formChanged);
  $("f-form").addEventListener("submit", submitForm);
  $("f-cancel").addEventListener("click", () => $("eip-form").close());
  $("eip-form").addEventListener("close", () => {
    clearTimeout(form.timer);
    form.seq++;
  });
  $("confirm-delete").addEventListener("click", confirmDelete);
  $("cancel-delete").addEventListener("click", () => $("confirm-dialog").close());
  $("confirm-dialog").addEventListener("close", () => { deleting = null; });
}

start();
