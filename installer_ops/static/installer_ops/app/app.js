/* The installer's tablet app. It renders from IndexedDB first (so it works
 * with no network), overlays the changes still waiting in the outbox, and
 * syncs on load, on `online`, when the page becomes visible, on a timer,
 * after each change and from "Sync now", backing off exponentially on
 * network errors and 5xx. */
/* global InstallerOutbox, InstallerPhotos, InstallerReadiness, InstallerDocuments, InstallerDownloads, InstallerLogout, InstallerUpdates, gettext, ngettext, interpolate */
/* checklist.js, readiness.js and documents.js build what is shown, downloads.js
 * fetches what is kept for reading, logout.js guards the log-out, updates.js installs
 * new releases, photos.js sends evidence photos; this file owns state, actions and sync. */
(function () {
  "use strict";

  var root = document.getElementById("app");
  var username = null; // learned from /api/v1/me/, remembered for offline starts
  var statusEl = document.getElementById("sync-status");
  var syncButton = document.getElementById("sync-now");
  var resultEl = document.getElementById("sync-result");
  var PERIOD_MS = 30000;
  var MAX_BACKOFF_MS = 60000;

  var db = null; // the IndexedDB connection; reopened by database() when the browser closed it
  var syncing = false;
  var again = false;
  var failures = 0;
  var retryTimer = null;
  var authProblem = false;
  var feedbackWanted = false; // "Sync now" was pressed: say what the sync did
  var lastRun = null; // what the last sync did: {sent, refused, error}

  var view = window.InstallerChecklist;
  var el = view.el;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* The open connection, opened again when the browser has closed it
   * (memory pressure) or a newer release asked for it. */
  async function database() {
    if (!db) {
      db = await InstallerOutbox.open(username, function (lost) { if (db === lost) db = null; });
    }
    return db;
  }

  /* Run fn(db); when the connection turns out to be gone, reopen it and
   * run fn once more (an IndexedDB transaction that failed wrote nothing). */
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
    var enrollments = (await store.get("meta", "enrollments")) || [];
    var cohorts = (await store.get("meta", "cohorts")) || {};
    var waiting = await InstallerOutbox.pending(store);
    var rejected = await store.getAll("rejected");
    var lastSync = await store.get("meta", "lastSync");
    var photos = await InstallerPhotos.load(store); // read before the checklist is cleared: draws may overlap
    renderStatus(waiting.length, lastSync);
    view.renderRejected(rejected, enrollments);
    InstallerReadiness.render((await store.get("meta", "readiness")) || null, (await store.get("meta", "shadowDays")) || [], actions);
    var library = (await store.get("meta", "library")) || null;
    InstallerDocuments.renderRunbooks((await store.get("meta", "kit")) || null, (await store.get("meta", "copies")) || [],
      library && library.documents, library && library.at, actions);
    InstallerDocuments.renderRecord((await store.get("meta", "record")) || null);
    var main = document.getElementById("checklist");
    main.replaceChildren();
    var shown = view.overlay(enrollments, waiting, photos);
    if (!shown.length) {
      main.appendChild(el("h1", { text: gettext("My checklist") }));
      main.appendChild(el("p", {
        className: "empty",
        text: lastSync === undefined && !navigator.onLine
          ? gettext("Connect once to download your checklist; after that it works offline.")
          : gettext("You are not enrolled in a bootcamp cohort yet."),
      }));
      return;
    }
    shown.forEach(function (enrollment) { main.appendChild(view.renderEnrollment(enrollment, cohorts[enrollment.cohort])); });
  }

  async function confirmShadowDay(day, button) {
    button.disabled = true;
    try {
      var response = await fetch("/api/v1/shadow-days/" + day.id + "/confirm/", {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
      });
      if (!response.ok) throw new Error(String(response.status));
      await refreshOnboarding(true);
    } catch (error) {
      button.disabled = false;
      button.after(el("p", { className: "error", role: "alert", text: gettext("Confirming needs the network: try again when connected.") }));
    }
    await render();
  }

  async function acknowledge(kit, copy, button) {
    button.disabled = true;
    try {
      var response = await fetch("/api/v1/kits/" + kit.id + "/acknowledge/", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ version: copy.version_id }),
      });
      if (!response.ok) throw new Error(String(response.status));
      await refreshOnboarding(true);
    } catch (error) {
      button.disabled = false;
      button.after(el("p", { className: "error", role: "alert", text: gettext("Acknowledging needs the network: try again when connected.") }));
    }
    await render();
  }

  function showPanel() {
    var wanted = (window.location.hash || "#checklist").slice(1);
    document.querySelectorAll("[data-panel]").forEach(function (panel) { panel.hidden = panel.dataset.panel !== wanted; });
    document.querySelectorAll("[data-tab]").forEach(function (tab) {
      if (tab.dataset.tab === wanted) tab.setAttribute("aria-current", "page"); else tab.removeAttribute("aria-current");
    });
    // "My record" kept offline is a panel of the app; the main navigation says where one is.
    document.querySelectorAll("[data-nav]").forEach(function (link) {
      var here = (link.dataset.nav === "record") === (wanted === "record");
      if (here) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
    });
  }

  /* "My record" is its own page (/me/) when the server can be reached; when
   * it cannot, the copy kept at the last sync opens in the app, dated. */
  async function openRecord(event) {
    event.preventDefault();
    var link = event.currentTarget;
    if (navigator.onLine) {
      var ask = new AbortController();
      var timer = setTimeout(function () { ask.abort(); }, 4000);
      try {
        var answer = await fetch(link.href, { method: "HEAD", credentials: "same-origin", cache: "no-store", signal: ask.signal });
        if (answer.ok) { window.location.href = link.href; return; }
      } catch (unreachable) {
        // Fall through to the kept copy.
      } finally {
        clearTimeout(timer);
      }
    }
    window.location.hash = "#record";
  }

  function renderStatus(waitingCount, lastSync) {
    var sentence = waitingCount
      ? interpolate(ngettext("%(n)s change waiting to sync.", "%(n)s changes waiting to sync.", waitingCount), { n: waitingCount }, true)
      : gettext("All changes synced.");
    var when = lastSync
      ? " " + interpolate(gettext("Last sync %(time)s."), { time: view.timeOf(lastSync) }, true)
      : " " + gettext("Not synced yet.");
    var problem = authProblem ? " " + gettext("Log in again to sync.") : !navigator.onLine ? " " + gettext("Offline.") : "";
    statusEl.textContent = sentence + when + problem;
    document.getElementById("login-again").hidden = !authProblem;
    statusEl.dataset.waiting = String(waitingCount);
  }

  async function dismiss(eventId) {
    await withDatabase(function (d) { return InstallerOutbox.dismiss(d, eventId); });
    await render();
  }

  var actions = { onChange: change, onConfirm: confirmShadowDay, onAcknowledge: acknowledge, onDismiss: dismiss };
  view.setHandlers(actions);
  InstallerPhotos.setup(actions, { withDatabase: withDatabase, render: render, sync: sync, csrfToken: csrfToken });

  /* A tap: the event is written to the outbox and the write has committed
   * before the item shows its new state (durable before shown). If it
   * cannot be written, the item stays as it was and the installer is told why. */
  async function change(enrollmentId, itemId, type) {
    var stored = false;
    try {
      await withDatabase(function (d) {
        return InstallerOutbox.record(d, { enrollment: enrollmentId, item: itemId, type: type });
      });
      stored = true;
    } catch (error) {
      showSaveProblem(error);
    }
    if (stored) showSaveProblem(null);
    await render();
    if (!stored) return;
    requestBackgroundSync();
    sync();
  }

  function showSaveProblem(error) {
    var box = document.getElementById("save-problem");
    if (!error) { box.hidden = true; box.textContent = ""; return; }
    box.textContent = error.name === "QuotaExceededError"
      ? gettext("This tablet has no room left to store the change, so nothing was changed. Free some space, then tap again.")
      : interpolate(gettext("The change could not be stored on this tablet (%(reason)s), so nothing was changed. Tap again; if it keeps failing, reload the app."), { reason: error.name || error.message }, true);
    box.hidden = false;
  }

  /* ---- syncing ---- */

  function scheduleRetry() {
    clearTimeout(retryTimer);
    var delay = Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, failures - 1));
    delay = delay / 2 + Math.random() * (delay / 2); // jitter: tablets do not retry in step
    retryTimer = setTimeout(sync, delay);
  }

  async function withLock(fn) {
    // One sync at a time across tabs where the browser can say so; the
    // server stores one row per event either way.
    if (navigator.locks && navigator.locks.request) return navigator.locks.request("installer-ops-sync:" + username, fn);
    return fn();
  }

  async function sync() {
    if (!username) return;
    if (syncing) { again = true; return; }
    syncing = true;
    var run = { sent: 0, refused: 0, error: null };
    try {
      await withLock(async function () {
        do {
          again = false;
          var waiting = await withDatabase(InstallerOutbox.pending);
          if (waiting.length) {
            var answer = await withDatabase(function (d) { return InstallerOutbox.syncOnce(d, csrfToken()); });
            run.sent += answer.sent - answer.rejected;
            run.refused += answer.rejected;
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
      if (error instanceof InstallerOutbox.RetryableError) {
        failures += 1;
        scheduleRetry();
      } else if (error.status === 401 || error.status === 403) {
        authProblem = true;
      } else {
        failures += 1;
        scheduleRetry();
      }
    } finally {
      syncing = false;
      lastRun = run;
      await render();
      if (feedbackWanted) { feedbackWanted = false; await sayWhatHappened(run); }
      InstallerPhotos.kick(); // photos of the check-offs just acknowledged
    }
  }

  /* The answer to "Sync now", whatever happened: sent, nothing to send,
   * offline, refused or a server that did not answer. */
  async function sayWhatHappened(run) {
    var waiting = (await withDatabase(InstallerOutbox.pending)).length;
    var at = view.timeOf(new Date().toISOString());
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
      if (run.refused) text += " " + interpolate(ngettext("%(n)s refused: see below.", "%(n)s refused: see below.", run.refused), { n: run.refused }, true);
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

  /* The latest state of the installer's enrollments and cohorts. */
  async function refresh() {
    var responses;
    try {
      responses = await Promise.all([
        fetch("/api/v1/enrollments/?page_size=20", { credentials: "same-origin" }),
        fetch("/api/v1/cohorts/?page_size=20", { credentials: "same-origin" }),
      ]);
    } catch (networkError) {
      throw new InstallerOutbox.RetryableError("network: " + networkError.message);
    }
    responses.forEach(function (r) {
      if (r.status >= 500) throw new InstallerOutbox.RetryableError("server: " + r.status);
      if (!r.ok) { var e = new Error("refused"); e.status = r.status; throw e; }
    });
    var enrollments = (await responses[0].json()).results;
    var cohorts = {};
    (await responses[1].json()).results.forEach(function (c) { cohorts[c.id] = c; });
    var tx = (await database()).transaction("meta", "readwrite");
    tx.store.put(enrollments, "enrollments");
    tx.store.put(cohorts, "cohorts");
    if (!(await tx.store.get("lastSync"))) tx.store.put(new Date().toISOString(), "lastSync");
    await tx.done;
    await refreshOnboarding(false);
  }

  var ONBOARDING_EVERY_MS = 5 * 60 * 1000;
  var lastOnboarding = 0;

  /* Readiness, shadow days, the kit's copies, the current runbooks and
   * "My record", kept for reading offline (downloads.js). */
  async function refreshOnboarding(force) {
    if (!force && Date.now() - lastOnboarding < ONBOARDING_EVERY_MS) return;
    await InstallerDownloads.onboarding(await database(), root.dataset.recordUrl);
    lastOnboarding = Date.now();
  }

  function requestBackgroundSync() {
    // Used where the browser has it, never relied on: the triggers above still run.
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync && registration.sync.register) {
        return registration.sync.register("installer-ops-outbox");
      }
    }).catch(function () {});
  }

  /* Who is logged in: the server says when reachable; offline, the last
   * login on this tablet. The shell itself is the same for everyone. */
  async function whoAmI() {
    try {
      var response = await fetch("/api/v1/me/", { credentials: "same-origin" });
      if (response.ok) {
        var me = await response.json();
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
    window.addEventListener("hashchange", showPanel);
    showPanel();
    document.querySelector("[data-nav='record']").addEventListener("click", openRecord);
    InstallerLogout.setup({
      pending: function () { return username ? withDatabase(InstallerOutbox.pending) : Promise.resolve([]); },
      sync: async function () { failures = 0; await sync(); return lastRun; },
      csrfToken: csrfToken,
    });
    username = await whoAmI();
    if (!username) {
      statusEl.textContent = gettext("Connect once to download your checklist; after that it works offline.");
      InstallerUpdates.register(root, sync);
      window.addEventListener("online", function () { window.location.reload(); });
      return;
    }
    await render();
    // Ask the browser, once, not to evict the outbox and the photos under storage pressure.
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
    InstallerUpdates.register(root, sync);
    syncButton.addEventListener("click", syncNow);
    window.addEventListener("online", function () { failures = 0; lastOnboarding = 0; sync(); });
    window.addEventListener("offline", function () { render(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") sync();
    });
    setInterval(sync, PERIOD_MS);
    sync();
  }

  start();
})();
