/* The evidence photos of the lead's pending sign-offs, kept in Cache Storage
 * ("installer-ops-evidence") so that they show offline: the service worker
 * answers GET /api/v1/evidence/<id> from these copies first (sw.js). A photo
 * never changes under its id, so each is fetched once. The cache holds one
 * lead's photos: another login's are dropped before any is kept, and all of
 * them on log-out (logout.js calls forget). */
(function () {
  "use strict";

  var CACHE = "installer-ops-evidence";
  var root = document.getElementById("app");
  // Whose photos the cache holds, stored beside them.
  var OWNER_URL = new URL(root.dataset.scope + "?evidence-owner", window.location.href).href;
  var supported = "caches" in window;

  /* The cache, emptied first when it holds another login's photos. */
  async function cacheOf(username) {
    var cache = await caches.open(CACHE);
    var owner = await cache.match(OWNER_URL);
    if (owner && (await owner.text()) === username) return cache;
    await caches.delete(CACHE);
    cache = await caches.open(CACHE);
    await cache.put(OWNER_URL, new Response(username));
    return cache;
  }

  /* At start: the cache is this login's from now on. */
  async function claim(username) {
    if (!supported) return;
    try { await cacheOf(username); } catch (error) { /* no Cache Storage (private window): photos show online only */ }
  }

  /* Copies of the photos of `entries` (the pending list), fetched once each;
   * the copies of items gone from the list are dropped. */
  async function keep(username, entries) {
    if (!supported) return;
    try {
      var cache = await cacheOf(username);
      var wanted = {};
      entries.forEach(function (entry) {
        (entry.evidence || []).forEach(function (photo) { wanted[new URL(photo.url, window.location.href).href] = true; });
      });
      var kept = {};
      await Promise.all((await cache.keys()).map(function (request) {
        kept[request.url] = true;
        return request.url === OWNER_URL || wanted[request.url] ? null : cache.delete(request);
      }));
      await Promise.all(Object.keys(wanted).filter(function (url) { return !kept[url]; }).map(async function (url) {
        var photo = await fetch(url, { credentials: "same-origin" });
        if (photo.ok) await cache.put(url, photo);
      }));
    } catch (error) {
      // A convenience for reading offline: the list and the outbox do not depend on it.
    }
  }

  /* On log-out: the photos leave the tablet with the lead (the outbox stays). */
  async function forget() {
    if (supported) await caches.delete(CACHE).catch(function () {});
  }

  window.LeadPhotos = { claim: claim, keep: keep, forget: forget };
})();
