// Read-only status page: polls the JSON API of the process that serves it and redraws the tables.
"use strict";

const REFRESH_MS = 5000;

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "" : String(text);
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function fill(tableId, items, render, emptyText) {
  const body = document.querySelector("#" + tableId + " tbody");
  body.replaceChildren();
  if (items.length === 0) {
    const row = body.insertRow();
    const td = cell(row, emptyText, "empty");
    td.colSpan = document.querySelectorAll("#" + tableId + " thead th").length;
    return;
  }
  for (const item of items) render(body.insertRow(), item);
}

function usageBar(row, pool) {
  const td = cell(row, "");
  const share = pool.size > 0 ? pool.used / pool.size : 0;
  const bar = document.createElement("div");
  bar.className = "bar" + (share >= 1 ? " full" : share >= 0.9 ? " warn" : "");
  bar.title = (share * 100).toFixed(1) + " %";
  bar.setAttribute("role", "meter");
  bar.setAttribute("aria-valuenow", String(pool.used));
  bar.setAttribute("aria-valuemax", String(pool.size));
  const fillDiv = document.createElement("div");
  fillDiv.style.width = Math.min(100, share * 100) + "%";
  bar.appendChild(fillDiv);
  td.appendChild(bar);
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "";
  const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600);
  const m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
  return (d ? d + "d " : "") + (d || h ? h + "h " : "") + (d || h || m ? m + "m " : "") + s + "s";
}

function renderPool(row, p) {
  cell(row, p.name);
  if (p.invalid) {
    const td = cell(row, "invalid: " + p.invalid, "invalid");
    td.colSpan = 6;
    return;
  }
  cell(row, p.family);
  cell(row, p.protocol + (p.disabled ? " (disabled)" : ""));
  cell(row, p.firstIP + " – " + p.lastIP);
  usageBar(row, p);
  cell(row, p.used);
  cell(row, p.free);
}

/** The BFD state (and why, when not Up); the timers in the tooltip. Empty when the BgpPeer runs no BFD. */
function bfdCell(row, bfd) {
  if (!bfd) {
    cell(row, "");
    return;
  }
  const td = cell(row, bfd.state + (bfd.state === "Up" || bfd.diagnostic === "None" ? "" : " (" + bfd.diagnostic + ")"),
    "state " + (bfd.state === "Up" ? "ESTABLISHED" : "down"));
  td.title = "detection time " + bfd.detectionTimeMs + " ms; configured " + bfd.transmitIntervalMs + " ms tx, "
    + bfd.receiveIntervalMs + " ms rx, x" + bfd.detectMultiplier + (bfd.passiveMode ? ", passive" : "");
}

function renderNeighbor(row, n) {
  cell(row, n.peer);
  cell(row, n.address + (n.port === 179 ? "" : ":" + n.port));
  cell(row, n.localAs + " / " + n.peerAs);
  cell(row, n.state, "state " + (n.state === "ESTABLISHED" ? "ESTABLISHED" : "down"));
  bfdCell(row, n.bfd);
  cell(row, duration(n.uptimeSeconds));
  cell(row, n.advertisedPrefixes + " / " + n.pendingPrefixes);
  cell(row, n.messages.sent.total + " / " + n.messages.received.total);
  cell(row, n.lastError);
}

function renderService(row, s) {
  cell(row, s.service);
  cell(row, s.ip);
  cell(row, s.pool);
  cell(row, s.protocols.join(", "));
  if (s.layer2Owner !== undefined) {
    cell(row, s.layer2Owner ? s.layer2Owner + " (ARP/NDP)" : "nobody: " + s.layer2Unanswered,
      s.layer2Owner ? "" : "invalid");
  } else {
    cell(row, s.announcingNodes === undefined ? "(known to speakers)"
      : s.announcingNodes.length ? s.announcingNodes.join(", ") + " (BGP)" : "nobody (no eligible node)");
  }
}

function renderLayer2(node) {
  return (row, a) => {
    cell(row, a.ip);
    cell(row, a.service);
    cell(row, a.pool);
    cell(row, a.owner ? a.owner + (a.owner === node.node ? " (this node)" : "") : "nobody: " + a.reason,
      a.owner === node.node ? "own" : a.owner ? "" : "invalid");
    cell(row, a.owner === node.node ? node.interfaces[a.pool] : "");
  };
}

/** One VRRP instance: the master's row stands out; the API server's health for the apiserver-vip role. */
function renderVip(row, v) {
  cell(row, v.name);
  cell(row, v.addresses.join(", "));
  cell(row, v.interface);
  cell(row, v.vrid ? v.vrid + (v.family ? " (" + v.family.toLowerCase() + ")" : "") : "none");
  cell(row, v.state + (v.health ? ", API server " + v.health : ""),
    "state " + (v.state === "master" ? "master" : v.state === "backup" ? "backup" : "idle"));
  cell(row, v.master ? v.master + (v.state === "master" ? " (this node)" : "") : "none heard");
  cell(row, v.priority ? v.priority : "not competing");
  cell(row, v.problem, v.problem ? "invalid" : "");
  if (v.state === "master") row.className = "master";
}

/** The Layer 2 half of a speaker; null from a process without one (the controller answers 404). */
async function getLayer2() {
  return getOptional("api/v1/layer2");
}

/** The VRRP instances of a speaker or of the apiserver-vip role; null where none run (404). */
async function getVip() {
  return getOptional("api/v1/vip");
}

async function getOptional(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(path + ": HTTP " + response.status);
  return response.json();
}

function showVip(vip) {
  const section = document.getElementById("vip-section");
  section.hidden = vip === null;
  if (vip === null) return;
  fill("vip", vip.instances, renderVip, "no VIP group");
  const note = document.getElementById("vip-note");
  note.textContent = vip.problem ? "nothing runs: " + vip.problem : vip.node ? "as node " + vip.node + " sees them" : "";
  note.className = vip.problem ? "error" : "note";
}

async function getJson(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok) throw new Error(path + ": HTTP " + response.status);
  return response.json();
}

async function refresh() {
  const error = document.getElementById("error");
  try {
    const [pools, neighbors, services, layer2, vip] = await Promise.all([
      getJson("api/v1/pools"), getJson("api/v1/bgp/neighbors"), getJson("api/v1/services"), getLayer2(),
      getVip()]);
    fill("pools", pools.pools, renderPool, "no Eip");
    fill("neighbors", neighbors.neighbors, renderNeighbor, "no BGP session on this node");
    fill("services", services.services, renderService, "no Service holds an address");
    const layer2Note = document.getElementById("layer2-note");
    if (layer2 === null) {
      fill("layer2", [], renderLayer2({}), "this process runs no speaker: see a speaker's page");
      layer2Note.textContent = "";
    } else {
      fill("layer2", layer2.addresses, renderLayer2(layer2), "no Layer 2 address");
      layer2Note.textContent = layer2.problem ? "answering nothing: " + layer2.problem
        : "membership: " + (layer2.members.length ? layer2.members.join(", ") : "(none yet)");
      layer2Note.className = layer2.problem ? "error" : "note";
    }
    showVip(vip);
    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
    error.hidden = true;
  } catch (e) {
    // shown on the page, not thrown: the next refresh may well succeed (process restarting)
    error.textContent = "cannot read the status: " + e.message;
    error.hidden = false;
  }
}

refresh();
setInterval(refresh, REFRESH_MS);
