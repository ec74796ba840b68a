/* The installer's tablet app. It renders from IndexedDB first (so it works
 * with no network), overlays the changes still waiting in the outbox, and
 * syncs on load, on `online`, when the page becomes visible, on a timer,
 * after each change and from "Sync now", backing off exponentially on
 * network errors and 5xx. */
/* global InstallerOutbox, gettext, ngettext, interpolate */
/* checklist.js (window.InstallerChecklist) builds what is shown; this file owns state, actions and sync. */
(function () {
  "use strict";

  var root = document.getElementById("app");
  var username = null; // learned from /api/v1/me/, remembered for offline starts
  var statusEl = document.getElementById("sync-status");
  var syncButton = document.getElementById("sync-now");
  var updateBanner = document.getElementById("update-banner");
  var PERIOD_MS = 30000;
  var MAX_BACKOFF_MS = 60000;

  var db = null; // the IndexedDB connection; reopened by database() when the browser closed it
  var syncing = false;
  var again = false;
  var failures = 0;
  var retryTimer = null;
  var authProblem = false;

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
    renderStatus(waiting.length, lastSync);
    view.renderRejected(rejected, enrollments);
    view.renderReadiness((await store.get("meta", "readiness")) || null, (await store.get("meta", "shadowDays")) || []);
    view.renderRunbooks((await store.get("meta", "kit")) || null, (await store.get("meta", "copies")) || []);
    var main = document.getElementById("checklist");
    main.replaceChildren();
    var shown = view.overlay(enrollments, waiting);
    if (!shown.length) {
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

  view.setHandlers({ onChange: change, onConfirm: confirmShadowDay, onAcknowledge: acknowledge, onDismiss: dismiss });

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
    try {
      await withLock(async function () {
        do {
          again = false;
          var waiting = await withDatabase(InstallerOutbox.pending);
          if (waiting.length) await withDatabase(function (d) { return InstallerOutbox.syncOnce(d, csrfToken()); });
          var more = (await withDatabase(InstallerOutbox.pending)).length;
          again = again || (more > 0 && more < waiting.length);
        } while (again);
        await refresh();
      });
      failures = 0;
      authProblem = false;
      clearTimeout(retryTimer);
    } catch (error) {
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
      await render();
    }
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

  async function getJson(url) {
    var response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new InstallerOutbox.RetryableError("server: " + response.status);
    return response.json();
  }

  /* Readiness, shadow days and the kit's copies, kept for reading offline. */
  async function refreshOnboarding(force) {
    if (!force && Date.now() - lastOnboarding < ONBOARDING_EVERY_MS) return;
    var me = await getJson("/api/v1/me/");
    if (!me.installer) return;
    var found = await Promise.all([
      getJson("/api/v1/installers/" + me.installer.id + "/readiness/"),
      getJson("/api/v1/shadow-days/"),
      getJson("/api/v1/kits/"),
    ]);
    var kit = found[2].results[0] || null;
    var copies = kit ? await getJson("/api/v1/kits/" + kit.id + "/copies/") : [];
    var tx = (await database()).transaction("meta", "readwrite");
    tx.store.put(found[0], "readiness");
    tx.store.put(found[1].results, "shadowDays");
    tx.store.put(kit, "kit");
    tx.store.put(copies, "copies");
    await tx.done;
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

  /* ---- the app shell and its updates ---- */

  function offerReload(worker) {
    updateBanner.hidden = false;
    updateBanner.querySelector("button").onclick = function () {
      worker.postMessage({ type: "SKIP_WAITING" });
    };
  }

  function registerServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    var reloading = false;
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      if (reloading) return;
      // Only a release the installer accepted replaces a running page.
      if (updateBanner.dataset.accepted !== "yes") return;
      reloading = true;
      window.location.reload();
    });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "SYNC") sync();
    });
    navigator.serviceWorker.register(root.dataset.serviceWorker, { scope: root.dataset.scope }).then(function (registration) {
      if (registration.waiting && navigator.serviceWorker.controller) offerReload(registration.waiting);
      registration.addEventListener("updatefound", function () {
        var worker = registration.installing;
        worker.addEventListener("statechange", function () {
          if (worker.state === "installed" && navigator.serviceWorker.controller) offerReload(worker);
        });
      });
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "visible") registration.update().catch(function () {});
      });
    }).catch(function () {});
    updateBanner.querySelector("button").addEventListener("click", function () {
      updateBanner.dataset.accepted = "yes";
    });
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
    username = await whoAmI();
    if (!username) {
      statusEl.textContent = gettext("Connect once to download your checklist; after that it works offline.");
      registerServiceWorker();
      window.addEventListener("online", function () { window.location.reload(); });
      return;
    }
    await render();
    if (navigator.storage && navigator.storage.persist) {
      // Ask the browser not to evict the outbox under storage pressure.
      navigator.storage.persist().catch(function () {});
    }
    registerServiceWorker();
    syncButton.addEventListener("click", function () { failures = 0; sync(); });
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
