/* Installer Ops service worker, release {{ release }}.
 * The app shell is precached under a name that carries the release: a new
 * release installs beside the running one, waits until the page accepts it,
 * then deletes the old shell. The outbox lives in IndexedDB, which no
 * release touches. API calls go to the network, but for the evidence
 * photos the lead's app keeps for reading offline (lead_app.js).
 *
 * The shell page differs by role (the installer's checklist, the lead's
 * sign-offs), and a shared tablet serves several people: each role's page
 * is kept under its own key, and which one opens is decided by who the
 * server says is logged in, or offline by the last role it said. */
"use strict";
var RELEASE = "{{ release }}";
var SHELL_CACHE = "installer-ops-shell-" + RELEASE;
var EVIDENCE_CACHE = "installer-ops-evidence";
var SHELL = {{ shell_json|safe }};
var APP_URL = "{{ app_url }}";
var ROLE_HEADER = "{{ shell_role_header }}";
var LAST_ROLE = APP_URL + "?shell-role=last";
var ASK_WHO_MS = 3000; // a network that hangs (a weak signal) must not keep the app from opening

function shellKey(role) { return APP_URL + "?shell=" + encodeURIComponent(role); }

function fresh(url) { return new Request(url, { credentials: "same-origin", cache: "reload" }); }

/* Keep a shell page under its role's key; anything else (the login page a
 * logged-out visit is sent to, a 403) is not a shell and is not kept. */
function keepShell(cache, response) {
  var role = response.ok && !response.redirected ? response.headers.get(ROLE_HEADER) : null;
  if (!role) return Promise.resolve(response);
  return Promise.all([
    cache.put(shellKey(role), response.clone()),
    cache.put(LAST_ROLE, new Response(role)),
  ]).then(function () { return response; });
}

/* The role of whoever is logged in: the server's answer when it gives one
 * in time (null when no one is logged in), else the last role it gave. */
function currentRole(cache) {
  var ask = new AbortController();
  var timer = setTimeout(function () { ask.abort(); }, ASK_WHO_MS);
  return fetch("/api/v1/me/", { credentials: "same-origin", cache: "no-store", signal: ask.signal }).then(function (response) {
    if (response.ok) return response.json().then(function (me) { return me.role || null; });
    return response.status === 401 || response.status === 403 ? null : undefined;
  }).catch(function () { return undefined; }).then(function (role) {
    clearTimeout(timer);
    if (role === undefined) return cache.match(LAST_ROLE).then(function (hit) { return hit ? hit.text() : null; });
    return role ? cache.put(LAST_ROLE, new Response(role)).then(function () { return role; }) : null;
  });
}

function shellFor(request) {
  return caches.open(SHELL_CACHE).then(function (cache) {
    return currentRole(cache).then(function (role) {
      return role ? cache.match(shellKey(role)) : null;
    }).then(function (hit) {
      return hit || fetch(request).then(function (response) { return keepShell(cache, response); });
    });
  });
}

importScripts({{ idb_url_json|safe }}, {{ outbox_url_json|safe }});

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) {
    var files = SHELL.filter(function (url) { return url !== APP_URL; });
    // The page of the role installing it now; another role's is kept the
    // first time that role opens the app (online: logging in needs the server).
    return Promise.all([
      cache.addAll(files.map(fresh)),
      fetch(fresh(APP_URL)).then(function (response) { return keepShell(cache, response); }),
    ]);
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("installer-ops-shell-") === 0 && name !== SHELL_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  // Writes (the sync's POST, a photo's PUT) always go to the network: never
  // cached, never answered or replayed from here (photos.js retries its own).
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === APP_URL) {
    event.respondWith(shellFor(request));
    return;
  }
  if (url.pathname.indexOf("/api/v1/evidence/") === 0) {
    // A photo never changes under its id: the copy the lead's app kept, else the network.
    // (caches.match with a name does not create the cache for someone who never kept one.)
    event.respondWith(caches.match(request, { cacheName: EVIDENCE_CACHE }).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (SHELL.indexOf(url.pathname) < 0) return;
  // The shell's files are the same for every visit: cache first, so the
  // app opens with no network at all.
  event.respondWith(caches.open(SHELL_CACHE).then(function (cache) {
    return cache.match(url.pathname).then(function (hit) { return hit || fetch(request); });
  }));
});

/* Background Sync, where the browser has it: an open page syncs itself;
 * with none open, the worker drains the outbox of the last login. */
self.addEventListener("sync", function (event) {
  if (event.tag !== "installer-ops-outbox") return;
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (clients) {
    if (clients.length) {
      clients.forEach(function (client) { client.postMessage({ type: "SYNC" }); });
      return null;
    }
    if (!self.cookieStore) return null;
    return Promise.all([self.cookieStore.get("csrftoken"), InstallerOutbox.lastUser()]).then(function (found) {
      var token = found[0] && found[0].value;
      if (!token || !found[1]) return null;
      return InstallerOutbox.open(found[1]).then(function (db) { return InstallerOutbox.syncOnce(db, token); });
    });
  }));
});
