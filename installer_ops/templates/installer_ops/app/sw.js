/* Installer Ops service worker, release {{ release }}.
 * The app shell is precached under a name that carries the release: a new
 * release installs beside the running one, waits until the page accepts it,
 * then deletes the old shell. The outbox lives in IndexedDB, which no
 * release touches. API calls always go to the network. */
"use strict";
var RELEASE = "{{ release }}";
var SHELL_CACHE = "installer-ops-shell-" + RELEASE;
var SHELL = {{ shell_json|safe }};
var APP_URL = "{{ app_url }}";

importScripts({{ idb_url_json|safe }}, {{ outbox_url_json|safe }});

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) {
    return cache.addAll(SHELL.map(function (url) { return new Request(url, { credentials: "same-origin", cache: "reload" }); }));
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
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var key = request.mode === "navigate" && url.pathname === APP_URL ? APP_URL : SHELL.indexOf(url.pathname) >= 0 ? url.pathname : null;
  if (!key) return;
  // The shell is the same for every visit: cache first, so the app opens
  // with no network at all.
  event.respondWith(caches.open(SHELL_CACHE).then(function (cache) {
    return cache.match(key).then(function (hit) { return hit || fetch(request); });
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
