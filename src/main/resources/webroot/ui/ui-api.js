// The JSON API of docs/ui.md, one function per call. No call throws: each resolves to
// {ok, status, data}, a network failure to status 0 with {error}, so every caller handles one shape.
// URLs are relative to this script (…/ui/), whatever the page's own URL looks like.

const API = new URL("api/", import.meta.url);
const SESSION = "session";

let csrfToken = null;
let sessionLost = () => {};

/** The session's CSRF token, sent with every write; null after sign-out. */
export function setCsrfToken(token) {
  csrfToken = token;
}

/** Called when a request other than the session's own answers 401 (the session expired or was dropped). */
export function onSessionLost(handler) {
  sessionLost = handler;
}

async function call(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  let response;
  try {
    response = await fetch(new URL(path, API), {
      method, headers, credentials: "same-origin", cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    return { ok: false, status: 0, data: { error: "cannot reach the controller (" + e.message + ")" } };
  }
  const data = await readBody(response);
  if (response.status === 401 && path !== SESSION) sessionLost();
  return { ok: response.ok, status: response.status, data };
}

async function readBody(response) {
  let text;
  try {
    text = await response.text();
  } catch (e) {
    return null;
  }
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch (e) {
    return { error: text.slice(0, 300) }; // a proxy's HTML error page, say
  }
}

const part = encodeURIComponent;
const dry = dryRun => "?dryRun=" + (dryRun ? "true" : "false");

export const api = {
  session: () => call("GET", SESSION),
  signIn: token => call("POST", SESSION, { token }),
  signOut: () => call("DELETE", SESSION),
  overview: () => call("GET", "overview"),
  /** Create (isNew) or update an Eip from an EipForm. */
  saveEip: (form, isNew, dryRun) => isNew
    ? call("POST", "eips" + dry(dryRun), form)
    : call("PUT", "eips/" + part(form.name) + dry(dryRun), form),
  previewEip: form => call("POST", "eips/" + part(form.name) + "/preview", form),
  deleteEip: eip => call("DELETE", "eips/" + part(eip) + dry(false)),
  /** {pool: NAME|null} or {requested: [IP…]|null}. */
  patchService: (namespace, service, patch) =>
    call("PATCH", "services/" + part(namespace) + "/" + part(service) + dry(false), patch),
};

/** The server-sent events of GET /ui/api/stream (the browser sends the session cookie: same origin). */
export function openStream() {
  return new EventSource(new URL("stream", API));
}

/** One line for a failed call: the API server's (or our backend's) message, else the status. */
export function problemText(result) {
  const data = result.data || {};
  return data.refused || data.error || "the controller answered HTTP " + result.status;
}
