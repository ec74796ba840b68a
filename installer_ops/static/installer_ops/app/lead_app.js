/* The lead's field app: the sign-offs of the lead's cohorts, kept on the
 * tablet so that it opens with no network (the list in the login's "meta"
 * store, the evidence photos in Cache Storage), and sign-offs or rejections
 * queued as events in the same outbox as the installer's check-offs
 * (outbox.js), durable before shown, synced with the same triggers and
 * back-off as the installer's app (app.js): on load, `online`, page
 * visible, every 30 s, after each change and from "Sync now".
 * lead_view.js builds what is shown, lead_photos.js keeps the photos; this
 * file owns state, actions and sync. */
/* global InstallerOutbox, InstallerLogout, InstallerUpdates, LeadView, LeadPhotos, gettext, ngettext, interpolate */
(function () {
  "use strict";

  var root = document.getElementById("app");
  var statusEl = document.getElementById("sync-status");
  var syncButton = document.getElementById("sync-now");
  var resultEl = document.getElementById("sync-result");
  var ageEl = document.getElementById("list-age");
  var doneEl = document.getElementById("signoff-done");
  var rejectedEl = document.getElementById("rejected");
  var main = document.getElementById("signoffs");
  var PERIOD_MS = 30000;
  var MAX_BACKOFF_MS = 60000;
  var PENDING_URL = "/api/v1/signoffs/pending/";
  var RELOADED = "installer-ops:lead-shell-reloaded";
  var SIGNOFF_TYPES = { "item.signed_off": true, "item.rejected": true };

  var username = null; // learned from /api/v1/me/, remembered for offline starts
  var db = null; // the IndexedDB connection; reopened by database() when the browser closed it
  var syncing = false;
  var again = false;
  var failures = 0;
  var retryTimer = null;
  var authProblem = false;
  var feedbackWanted = false; // "Sync now" was pressed: say what the sync did
  var lastRun = null;
  var applied = []; // what the last sync applied, named, until the next change

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function database() {
    if (!db) db = await InstallerOutbox.open(username, function (lost) { if (db === lost) db = null; });
    return db;
  }

  /* Run fn(db); when the connection turns out to be gone, reopen it and run
   * fn once more (an IndexedDB transaction that failed wrote nothing). */
  async function withDatabase(fn) {
    try {
      return await fn(await database());
    } catch (error) {
      if (!InstallerOutbox.connectionLost(error)) throw error;
      db = null;
      return fn(await database());
    }
  }

  function render() {
    return withDatabase(draw);
  }

  async function draw(store) {
    var list = (await store.get("meta", "pending")) || null;
    var labels = (await store.get("meta", "signoffLabels")) || {};
    var events = await InstallerOutbox.pending(store);
    var rejected = await store.getAll("rejected");
    var lastSync = await store.get("meta", "lastSync");
    var waiting = {};
    // In sequence order, so the newest change to an item is the one shown.
    events.forEach(function (event) {
      if (SIGNOFF_TYPES[event.type]) waiting[LeadView.keyOf(event.enrollment, event.item)] = event;
    });
    renderStatus(events.length, lastSync, list);
    LeadView.renderRejected(rejectedEl, rejected, labels, dismiss);
    LeadView.renderDone(doneEl, applied);
    LeadView.renderList(main, {
      entries: list ? list.results : [],
      fetchedAt: list ? list.at : undefined,
      waiting: waiting,
      labels: labels,
    }, { onDecide: decide });
  }

  function renderStatus(waitingCount, lastSync, list) {
    var sentence = waitingCount
      ? interpolate(ngettext("%(n)s change waiting to sync.", "%(n)s changes waiting to sync.", waitingCount), { n: waitingCount }, true)
      : gettext("All changes synced.");
    var when = lastSync
      ? " " + interpolate(gettext("Last sync %(time)s."), { time: LeadView.dateTimeOf(lastSync) }, true)
      : " " + gettext("Not synced yet.");
    var problem = authProblem ? " " + gettext("Log in again to sync.") : !navigator.onLine ? " " + gettext("Offline.") : "";
    statusEl.textContent = sentence + when + problem;
    statusEl.dataset.waiting = String(waitingCount);
    document.getElementById("login-again").hidden = !authProblem;
    ageEl.textContent = list
      ? interpolate(gettext("The list of sign-offs was fetched %(time)s."), { time: LeadView.dateTimeOf(list.at) }, true)
      : "";
  }

  async function dismiss(eventId) {
    await withDatabase(function (d) { return InstallerOutbox.dismiss(d, eventId); });
    await render();
  }

  /* The names of an item the lead acted on, kept while its event is in the
   * outbox or refused, so both can be named once the list has moved on. */
  async function rememberLabel(store, entry) {
    var tx = store.transaction("meta", "readwrite");
    var labels = (await tx.store.get("signoffLabels")) || {};
    labels[LeadView.keyOf(entry.enrollment, entry.item.id)] = { item: entry.item.title, installer: entry.installer.name };
    tx.store.put(labels, "signoffLabels");
    await tx.done;
  }

  /* A sign-off or a rejection: written to the outbox, and shown as waiting
   * only once that write has committed (durable before shown). Resolves
   * whether it was stored. */
  async function decide(entry, type, comment) {
    var stored = false;
    try {
      await withDatabase(async function (d) {
        await rememberLabel(d, entry);
        return InstallerOutbox.record(d, { enrollment: entry.enrollment, item: entry.item.id, type: type, comment: comment });
      });
      stored = true;
    } catch (error) {
      showSaveProblem(error);
    }
    if (stored) { showSaveProblem(null); applied = []; } else { LeadView.invalidate(); }
    await render();
    LeadView.focusCard(entry.enrollment, entry.item.id);
    if (!stored) return false;
    requestBackgroundSync();
    sync();
    return true;
  }

  function showSaveProblem(error) {
    var box = document.getElementById("save-problem");
    if (!error) { box.hidden = true; box.textContent = ""; return; }
    box.textContent = error.name === "QuotaExceededError"
      ? gettext("This tablet has no room left to store the change, so nothing was changed. Free some space, then tap again.")
      : interpolate(gettext("The change could not be stored on this tablet (%(reason)s), so nothing was changed. Tap again; if it keeps failing, reload the app."), { reason: error.name || error.message }, true);
    box.hidden = false;
  }

  /* ---- syncing: the installer app's loop (app.js), for the lead's events ---- */

  function scheduleRetry() {
    clearTimeout(retryTimer);
    var delay = Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, failures - 1));
    delay = delay / 2 + Math.random() * (delay / 2); // jitter: tablets do not retry in step
    retryTimer = setTimeout(sync, delay);
  }

  async function withLock(fn) {
    if (navigator.locks && navigator.locks.request) return navigator.locks.request("installer-ops-sync:" + username, fn);
    return fn();
  }

  /* The events of `sent` the server took (applied or duplicate): neither in
   * the outbox nor among the refused any more. Named for the confirmation,
   * and taken out of the kept list at once (the refresh confirms it). */
  async function settle(sent) {
    return withDatabase(async function (store) {
      var tx = store.transaction(["outbox", "rejected", "meta"], "readwrite");
      var left = {};
      (await tx.objectStore("outbox").getAllKeys()).concat(await tx.objectStore("rejected").getAllKeys())
        .forEach(function (id) { left[id] = true; });
      var labels = (await tx.objectStore("meta").get("signoffLabels")) || {};
      var taken = sent.filter(function (event) { return SIGNOFF_TYPES[event.type] && !left[event.id]; });
      var done = {};
      taken.forEach(function (event) { done[LeadView.keyOf(event.enrollment, event.item)] = true; });
      var list = await tx.objectStore("meta").get("pending");
      if (list && taken.length) {
        list.results = list.results.filter(function (entry) { return !done[LeadView.keyOf(entry.enrollment, entry.item.id)]; });
        tx.objectStore("meta").put(list, "pending");
      }
      await tx.done;
      return taken.map(function (event) {
        return Object.assign({ label: labels[LeadView.keyOf(event.enrollment, event.item)] || {} }, event);
      });
    });
  }

  async function sync() {
    if (!username) return;
    if (syncing) { again = true; return; }
    syncing = true;
    var run = { sent: 0, refused: 0, error: null, applied: [] };
    try {
      await withLock(async function () {
        do {
          again = false;
          var waiting = await withDatabase(InstallerOutbox.pending);
          if (waiting.length) {
            var answer = await withDatabase(function (d) { return InstallerOutbox.syncOnce(d, csrfToken()); });
            run.sent += answer.sent - answer.rejected;
            run.refused += answer.rejected;
            run.applied = run.applied.concat(await settle(waiting.slice(0, answer.sent)));
          }
          var more = (await withDatabase(InstallerOutbox.pending)).length;
          again = again || (more > 0 && more < waiting.length);
        } while (again);
        await refresh();
      });
      failures = 0;
      authProblem = false;
      clearTimeout(retryTimer);
    } catch (error) {
      run.error = error;
      if (error.status === 401 || error.status === 403) {
        authProblem = true;
      } else {
        failures += 1;
        scheduleRetry();
      }
    } finally {
      syncing = false;
      lastRun = run;
      if (run.applied.length) applied = run.applied;
      await render();
      if (feedbackWanted) { feedbackWanted = false; await sayWhatHappened(run); }
    }
  }

  /* The answer to "Sync now", whatever happened (the installer app's words). */
  async function sayWhatHappened(run) {
    var waiting = (await withDatabase(InstallerOutbox.pending)).length;
    var at = LeadView.dateTimeOf(new Date().toISOString());
    var error = run.error;
    var text;
    if (error && (error.status === 401 || error.status === 403)) {
      text = gettext("Not sent: log in again to send your changes.");
    } else if (error && (!navigator.onLine || /^network/.test(error.message || ""))) {
      text = waiting
        ? interpolate(ngettext("Offline: %(n)s change will be sent when connected.", "Offline: %(n)s changes will be sent when connected.", waiting), { n: waiting }, true)
        : gettext("Offline: nothing waiting to send.");
    } else if (error) {
      text = gettext("The server did not answer; the app tries again shortly. Nothing is lost.");
    } else if (run.sent || run.refused) {
      text = interpolate(ngettext("%(n)s change sent at %(time)s.", "%(n)s changes sent at %(time)s.", run.sent), { n: run.sent, time: at }, true);
      if (run.refused) text += " " + interpolate(ngettext("%(n)s refused: see above.", "%(n)s refused: see above.", run.refused), { n: run.refused }, true);
    } else {
      text = interpolate(gettext("Nothing to send; checked at %(time)s."), { time: at }, true);
    }
    resultEl.textContent = text;
    resultEl.hidden = false;
  }

  function syncNow() {
    failures = 0;
    feedbackWanted = true;
    resultEl.hidden = false;
    resultEl.textContent = gettext("Syncing…");
    sync();
  }

  /* The current list from the server, kept for offline use with the time
   * it was fetched; the names of refused or waiting items are kept beside it. */
  async function refresh() {
    var response;
    try {
      response = await fetch(PENDING_URL, { credentials: "same-origin" });
    } catch (networkError) {
      throw new InstallerOutbox.RetryableError("network: " + networkError.message);
    }
    if (response.status >= 500) throw new InstallerOutbox.RetryableError("server: " + response.status);
    if (!response.ok) { var refused = new Error("refused: " + response.status); refused.status = response.status; throw refused; }
    var body = await response.json();
    var list = { results: body.results, serverTime: body.server_time, at: new Date().toISOString() };
    await withDatabase(async function (store) {
      var tx = store.transaction(["outbox", "rejected", "meta"], "readwrite");
      var named = {};
      (await tx.objectStore("outbox").getAll()).concat(await tx.objectStore("rejected").getAll())
        .forEach(function (event) { named[LeadView.keyOf(event.enrollment, event.item)] = true; });
      var labels = (await tx.objectStore("meta").get("signoffLabels")) || {};
      Object.keys(labels).forEach(function (key) { if (!named[key]) delete labels[key]; });
      tx.objectStore("meta").put(list, "pending");
      tx.objectStore("meta").put(labels, "signoffLabels");
      if (!(await tx.objectStore("meta").get("lastSync"))) tx.objectStore("meta").put(list.at, "lastSync");
      await tx.done;
    });
    await LeadPhotos.keep(username, body.results);
  }

  function requestBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync && registration.sync.register) return registration.sync.register("installer-ops-outbox");
    }).catch(function () {});
  }

  /* Who is logged in: the server says when reachable; offline, the last
   * login on this tablet. A login that is not a lead's (the tablet changed
   * hands) must not see this shell: one reload lets the service worker open
   * the right one. */
  async function whoAmI() {
    try {
      var response = await fetch("/api/v1/me/", { credentials: "same-origin" });
      if (response.ok) {
        var me = await response.json();
        if (me.role !== "lead") {
          if (!window.sessionStorage.getItem(RELOADED)) {
            window.sessionStorage.setItem(RELOADED, "yes");
            window.location.reload();
          }
          return null;
        }
        window.sessionStorage.removeItem(RELOADED);
        await InstallerOutbox.rememberUser(me.username);
        return me.username;
      }
      if (response.status === 401 || response.status === 403) authProblem = true;
    } catch (networkError) {
      // Offline: fall through to the last login.
    }
    return InstallerOutbox.lastUser();
  }

  async function start() {
    InstallerLogout.setup({
      pending: function () { return username ? withDatabase(InstallerOutbox.pending) : Promise.resolve([]); },
      sync: async function () { failures = 0; await sync(); return lastRun; },
      csrfToken: csrfToken,
      beforeLeave: LeadPhotos.forget,
    });
    username = await whoAmI();
    if (!username) {
      statusEl.textContent = gettext("Connect once to download the sign-offs; after that they work offline.");
      InstallerUpdates.register(root, sync);
      window.addEventListener("online", function () { window.location.reload(); });
      return;
    }
    await LeadPhotos.claim(username);
    await render();
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
    InstallerUpdates.register(root, sync);
    syncButton.addEventListener("click", syncNow);
    window.addEventListener("online", function () { failures = 0; sync(); });
    window.addEventListener("offline", function () { render(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") sync();
    });
    setInterval(sync, PERIOD_MS);
    sync();
  }

  start();
})();
