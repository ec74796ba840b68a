/* Sending evidence photos from the installer's tablet (docs/architecture.md,
 * Sync protocol: evidence photos; photo_view.js takes and shows them), and
 * the photos of consent steps (consent.js). A photo is sent with PUT
 * /api/v1/evidence/{id} (a consent step's: PUT
 * /api/v1/consent-records/{record}/photos/{id}) only once the server has
 * acknowledged its check-off event (or consent record) (the event has left the outbox; a
 * refused event marks its photos refused in the same transaction). 200 or
 * 201: stored, and its bytes leave the tablet. A network error or a 5xx:
 * tried again with exponential back-off. 404, 409, 413, 415 and the like:
 * refused, with the reason shown until the installer dismisses it. Nothing
 * is ever dropped silently, and a photo is sent by one tab at a time. */
/* global gettext, interpolate */
(function () {
  "use strict";

  var UPLOAD_TIMEOUT_MS = 120000; // a connection that hangs counts as cut
  var LEASE_MS = 2 * 60 * 1000; // without Web Locks, a "sending" older than this was left by a closed tab
  var LOCK = "installer-ops-photos";
  // Back-off: 2 s, 4 s, 8 s ... capped at 5 min, each with jitter. The
  // browser tests set window.InstallerPhotosSettings = {baseMs} to wait less.
  var settings = Object.assign({ baseMs: 2000, capMs: 5 * 60 * 1000 }, window.InstallerPhotosSettings || {});

  var hooks = null; // from app.js: withDatabase, render, sync, csrfToken
  var view = null;
  var running = false;
  var rerun = false;
  var forced = false; // the installer's own triggers send without waiting for the back-off
  var timer = null;
  // Other tabs of the app draw a photo's new state (sending, then stored,
  // waiting or refused) at once rather than at their next sync.
  var others = "BroadcastChannel" in window ? new BroadcastChannel("installer-ops-photos") : null;

  function delayAfter(attempts) {
    var delay = Math.min(settings.capMs, settings.baseMs * Math.pow(2, attempts - 1));
    return delay / 2 + Math.random() * (delay / 2); // jitter: tablets do not retry in step
  }

  /* The photos to send now: waiting (or left "sending" by a closed tab)
   * with their check-off acknowledged, and when the next one falls due. */
  async function candidates(db, force) {
    var now = Date.now();
    var found = { due: [], next: Infinity };
    var photos = await db.getAll("photos");
    for (var i = 0; i < photos.length; i += 1) {
      var p = photos[i];
      if (p.state !== "waiting" && p.state !== "sending") continue;
      if ((await db.getKey("outbox", p.event_id)) !== undefined) continue; // the check-off is not on the server yet
      if (force || p.next_try_at <= now) found.due.push(p.id);
      else found.next = Math.min(found.next, p.next_try_at);
    }
    return found;
  }

  /* Mark one photo "sending" if no one else is sending it: with the Web
   * Lock held no one else can be; without it, a fresh "sending" is another tab's. */
  async function claim(db, id, locked) {
    var tx = db.transaction("photos", "readwrite");
    var p = await tx.store.get(id);
    var free = !!p && (p.state === "waiting" || (p.state === "sending" && (locked || Date.now() - (p.claimed_at || 0) > LEASE_MS)));
    if (free) {
      p.state = "sending";
      p.claimed_at = Date.now();
      tx.store.put(p);
    }
    await tx.done;
    return free ? p : null;
  }

  function refusal(status) {
    if (status === 404) return gettext("The check-off or consent record this photo belongs to is not on the server.");
    if (status === 409) return gettext("Another photo with this id is on the server.");
    if (status === 413) return gettext("The photo is too large to send.");
    if (status === 415) return gettext("The server could not read this picture.");
    return interpolate(gettext("The server refused the photo (%(status)s)."), { status: status }, true);
  }

  async function upload(p) {
    if (!p.blob) return { state: "refused", reason: gettext("The photo's file is no longer on this tablet.") };
    var ask = new AbortController();
    var cut = setTimeout(function () { ask.abort(); }, UPLOAD_TIMEOUT_MS);
    var response;
    try {
      // A consent step's photo goes under its record (the event's id), which declared it.
      var consent = p.kind === "consent";
      var headers = { "Content-Type": p.type, "X-Taken-At": p.taken_at, "X-CSRFToken": hooks.csrfToken() };
      if (!consent) headers["X-Event-Id"] = p.event_id;
      response = await fetch(consent ? "/api/v1/consent-records/" + p.event_id + "/photos/" + p.id : "/api/v1/evidence/" + p.id, {
        method: "PUT",
        credentials: "same-origin",
        headers: headers,
        body: p.blob,
        signal: ask.signal,
      });
    } catch (networkError) {
      return { state: "waiting", reason: gettext("Not sent yet: no connection.") };
    } finally {
      clearTimeout(cut);
    }
    if (response.ok) return { state: "stored" };
    if (response.status >= 500 || response.status === 408 || response.status === 429) {
      return { state: "waiting", reason: interpolate(gettext("Not sent yet: the server did not answer (%(status)s)."), { status: response.status }, true) };
    }
    if (response.status === 401 || response.status === 403) return { state: "waiting", reason: gettext("Not sent yet: log in again to send photos.") };
    var detail = await response.json().then(function (body) { return body && body.detail; }).catch(function () { return null; });
    return { state: "refused", reason: typeof detail === "string" && detail ? detail : refusal(response.status) };
  }

  /* File the answer. Each retry's delay is also announced as the DOM event
   * "installer-ops:photo-retry" {id, attempts, delay}. */
  async function file(db, id, outcome) {
    var tx = db.transaction("photos", "readwrite");
    var p = await tx.store.get(id);
    if (!p) { await tx.done; return null; }
    p.reason = outcome.reason || "";
    if (outcome.state === "stored" && p.kind === "consent") {
      // On the server with its record, which the consent panel's history lists: nothing of it stays.
      tx.store.delete(id);
      await tx.done;
      return Object.assign(p, { state: "stored", blob: null });
    }
    if (outcome.state === "stored") {
      // On the server: the photo's bytes leave the tablet; the record and its thumbnail stay.
      Object.assign(p, { state: "stored", blob: null, stored_at: new Date().toISOString() });
    } else if (outcome.state === "refused") {
      p.state = "refused";
    } else {
      p.state = "waiting";
      p.attempts += 1;
      var delay = delayAfter(p.attempts);
      p.next_try_at = Date.now() + delay;
      window.dispatchEvent(new CustomEvent("installer-ops:photo-retry", { detail: { id: id, attempts: p.attempts, delay: delay } }));
    }
    tx.store.put(p);
    await tx.done;
    return p;
  }

  function withUploadLock(fn) {
    // One sender across tabs where the browser can say so (else the lease in claim()).
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request(LOCK, { ifAvailable: true }, function (lock) { return lock ? fn(true) : null; });
    }
    return fn(false);
  }

  function titlesOf(enrollments) {
    var titles = {};
    enrollments.forEach(function (e) {
      e.modules.forEach(function (m) { m.items.forEach(function (i) { titles[e.id + ":" + i.id] = i.title; }); });
    });
    return titles;
  }

  function tell(id, state) {
    if (others) others.postMessage({ photo: id, state: state });
  }

  async function sendDue(ids, locked) {
    var titles = titlesOf((await hooks.withDatabase(function (db) { return db.get("meta", "enrollments"); })) || []);
    var result = { tried: 0, stored: 0 };
    for (var i = 0; i < ids.length; i += 1) {
      var id = ids[i];
      var p = await hooks.withDatabase(function (db) { return claim(db, id, locked); });
      if (!p) continue;
      result.tried += 1;
      tell(id, "sending");
      await hooks.render();
      var outcome = await upload(p);
      var filed = await hooks.withDatabase(function (db) { return file(db, id, outcome); });
      tell(id, filed && filed.state);
      var title = p.kind === "consent"
        ? interpolate(gettext("step %(n)s at %(install)s"), { n: p.step, install: p.install_id }, true)
        : titles[p.enrollment + ":" + p.item] || "#" + p.item;
      if (filed && filed.state === "stored") {
        result.stored += 1;
        view.say(interpolate(gettext("Photo of “%(item)s” sent."), { item: title }, true));
      } else if (filed && filed.state === "refused") {
        view.say(interpolate(gettext("Photo of “%(item)s” refused: %(reason)s"), { item: title, reason: filed.reason }, true));
      }
      await hooks.render();
    }
    return result;
  }

  /* Send every photo that is due, one at a time. Runs after each sync
   * (app.js), on the back-off timer, and, without waiting for the
   * back-off, on `online`, when the page becomes visible and on "Sync now". */
  async function pass() {
    if (!hooks) return;
    if (running) { rerun = true; return; }
    running = true;
    var next = Infinity;
    var stored = 0;
    try {
      for (;;) {
        rerun = false;
        var force = forced;
        forced = false;
        var found = await hooks.withDatabase(function (db) { return candidates(db, force); });
        next = found.next;
        if (found.due.length && navigator.onLine !== false) {
          var sent = await withUploadLock(function (locked) { return sendDue(found.due, locked); });
          if (!sent) next = Math.min(next, Date.now() + 5000); // another tab is sending: look again soon
          else if (sent.tried) { stored += sent.stored; continue; }
        }
        if (!rerun) break;
      }
    } catch (error) {
      next = Math.min(next, Date.now() + settings.baseMs); // IndexedDB trouble: try again shortly
    } finally {
      running = false;
    }
    clearTimeout(timer);
    if (next < Infinity) timer = setTimeout(pass, Math.max(0, next - Date.now()));
    if (stored) hooks.sync(); // the item's state on the server changed: fetch it
  }

  function forcedPass() {
    forced = true;
    pass();
  }

  /* Read the photos for drawing (checklist.js: overlay) and update the live line. */
  async function load(db) {
    var photos = await db.getAll("photos");
    view.summarise(photos, (await db.get("meta", "enrollments")) || []);
    return photos;
  }

  /* Called once by app.js with its actions (the checklist's handlers) and
   * its database, drawing, sync and CSRF token. */
  function setup(actions, given) {
    hooks = given;
    view = window.InstallerPhotoView;
    view.setup(given);
    actions.photoPart = view.part;
    actions.onTakePhoto = view.askForPhoto;
    if (others) others.onmessage = function () { hooks.render(); };
    window.addEventListener("online", forcedPass);
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") forcedPass(); });
    document.getElementById("sync-now").addEventListener("click", forcedPass);
  }

  window.InstallerPhotos = { setup: setup, load: load, kick: pass };
})();
