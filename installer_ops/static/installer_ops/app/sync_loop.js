/* The sync loop both field apps run, the installer's (app.js) and the
 * lead's (lead_app.js): the login's IndexedDB connection, changes stored
 * before they are shown, the status line, and the outbox synced on load, on
 * `online`, when the page becomes visible, every 30 s, after each change and
 * from "Sync now", backing off exponentially (with jitter) on network errors
 * and 5xx. What each app downloads and draws comes in as hooks, so that the
 * two cannot drift apart in how (and how often) they talk to the server. */
/* global InstallerOutbox, InstallerLogout, InstallerUpdates, gettext, ngettext, interpolate */
(function () {
  "use strict";

  var PERIOD_MS = 30000;
  var MAX_BACKOFF_MS = 60000;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function authRefused(error) {
    return Boolean(error) && (error.status === 401 || error.status === 403);
  }

  /* hooks: draw(store) draws the page from IndexedDB; refresh() downloads
   * what the app keeps (throwing InstallerOutbox.RetryableError on network
   * errors and 5xx, an error with .status when refused); timeOf(iso) words a
   * time; refusedAbove says where the page lists the refused changes;
   * optional afterSend(sent, run) with the events of a batch the server
   * answered, and afterRun(run) once a sync has been drawn. */
  function create(hooks) {
    var root = document.getElementById("app");
    var statusEl = document.getElementById("sync-status");
    var resultEl = document.getElementById("sync-result");
    var username = null; // learned from /api/v1/me/, remembered for offline starts
    var db = null; // the IndexedDB connection; reopened by database() when the browser closed it
    var syncing = false;
    var again = false;
    var failures = 0;
    var retryTimer = null;
    var authProblem = false;
    var feedbackWanted = false; // "Sync now" was pressed: say what the sync did
    var lastRun = null; // what the last sync did: {sent, refused, error}

    /* The open connection, opened again when the browser has closed it
     * (memory pressure) or a newer release asked for it. */
    async function database() {
      if (!db) db = await InstallerOutbox.open(username, function (lost) { if (db === lost) db = null; });
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
      return withDatabase(hooks.draw);
    }

    function renderStatus(waitingCount, lastSync) {
      var sentence = waitingCount
        ? interpolate(ngettext("%(n)s change waiting to sync.", "%(n)s changes waiting to sync.", waitingCount), { n: waitingCount }, true)
        : lastSync ? gettext("All changes synced.") : ""; // before the first sync, nothing is synced
      var when = lastSync
        ? " " + interpolate(gettext("Last sync %(time)s."), { time: hooks.timeOf(lastSync) }, true)
        : " " + gettext("Not synced yet.");
      var problem = authProblem ? " " + gettext("Log in again to sync.") : !navigator.onLine ? " " + gettext("Offline.") : "";
      statusEl.textContent = (sentence + when + problem).trim();
      document.getElementById("login-again").hidden = !authProblem;
      statusEl.dataset.waiting = String(waitingCount);
    }

    async function dismiss(eventId) {
      await withDatabase(function (d) { return InstallerOutbox.dismiss(d, eventId); });
      await render();
    }

    function showSaveProblem(error) {
      var box = document.getElementById("save-problem");
      if (!error) { box.hidden = true; box.textContent = ""; return; }
      box.textContent = error.name === "QuotaExceededError"
        ? gettext("This tablet has no room left to store the change, so nothing was changed. Free some space, then tap again.")
        : interpolate(gettext("The change could not be stored on this tablet (%(reason)s), so nothing was changed. Tap again; if it keeps failing, reload the app."), { reason: error.name || error.message }, true);
      box.hidden = false;
    }

    /* A change: write(db) puts it in the outbox. Durable before shown: the
     * caller draws it only when this resolves true (committed); when it
     * cannot be stored, nothing changes and the person is told why. */
    async function keep(write) {
      try {
        await withDatabase(write);
      } catch (error) {
        showSaveProblem(error);
        return false;
      }
      showSaveProblem(null);
      return true;
    }

    /* After a change has been kept and drawn: send it. */
    function changed() {
      requestBackgroundSync();
      sync();
    }

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
              if (hooks.afterSend) await hooks.afterSend(waiting.slice(0, answer.sent), run);
            }
            var more = (await withDatabase(InstallerOutbox.pending)).length;
            again = again || (more > 0 && more < waiting.length);
          } while (again);
          await hooks.refresh();
        });
        failures = 0;
        authProblem = false;
        clearTimeout(retryTimer);
      } catch (error) {
        run.error = error;
        if (authRefused(error)) {
          authProblem = true;
        } else {
          // Network errors and 5xx (InstallerOutbox.RetryableError), and anything unforeseen.
          failures += 1;
          scheduleRetry();
        }
      } finally {
        syncing = false;
        // A change kept while this run was downloading (after its last look
        // at the outbox) asked for a sync and was told "again": send it now,
        // not at the next 30 s tick.
        var missed = again;
        again = false;
        lastRun = run;
        await render();
        if (feedbackWanted) { feedbackWanted = false; await sayWhatHappened(run); }
        if (hooks.afterRun) hooks.afterRun(run);
        if (missed) sync();
      }
    }

    /* The answer to "Sync now", whatever happened: sent, nothing to send,
     * offline, refused or a server that did not answer. */
    async function sayWhatHappened(run) {
      var waiting = (await withDatabase(InstallerOutbox.pending)).length;
      var at = hooks.timeOf(new Date().toISOString());
      var error = run.error;
      var text;
      if (authRefused(error)) {
        text = gettext("Not sent: log in again to send your changes.");
      } else if (error && (!navigator.onLine || /^network/.test(error.message || ""))) {
        text = waiting
          ? interpolate(ngettext("Offline: %(n)s change will be sent when connected.", "Offline: %(n)s changes will be sent when connected.", waiting), { n: waiting }, true)
          : gettext("Offline: nothing waiting to send.");
      } else if (error) {
        text = gettext("The server did not answer; the app tries again shortly. Nothing is lost.");
      } else if (run.sent || run.refused) {
        text = interpolate(ngettext("%(n)s change sent at %(time)s.", "%(n)s changes sent at %(time)s.", run.sent), { n: run.sent, time: at }, true);
        if (run.refused) {
          text += " " + interpolate(hooks.refusedAbove
            ? ngettext("%(n)s refused: see above.", "%(n)s refused: see above.", run.refused)
            : ngettext("%(n)s refused: see below.", "%(n)s refused: see below.", run.refused), { n: run.refused }, true);
        }
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

    function requestBackgroundSync() {
      // Used where the browser has it, never relied on: the triggers above still run.
      if (!("serviceWorker" in navigator)) return;
      navigator.serviceWorker.ready.then(function (registration) {
        if (registration.sync && registration.sync.register) return registration.sync.register("installer-ops-outbox");
      }).catch(function () {});
    }

    /* Who is logged in: the server says when reachable (accept(me) may turn
     * the login away); offline, the last login on this tablet. */
    async function whoAmI(accept) {
      try {
        var response = await fetch("/api/v1/me/", { credentials: "same-origin" });
        if (response.ok) {
          var me = await response.json();
          if (accept && !accept(me)) return null;
          await InstallerOutbox.rememberUser(me.username);
          return me.username;
        }
        if (authRefused(response)) authProblem = true;
      } catch (networkError) {
        // Offline: fall through to the last login.
      }
      return InstallerOutbox.lastUser();
    }

    /* options: noLogin (what the status says when no one has logged in on
     * this tablet yet), and optional accept(me), beforeLeave() (logout.js),
     * beforeRender(username), onOnline(). */
    async function start(options) {
      InstallerLogout.setup({
        pending: function () { return username ? withDatabase(InstallerOutbox.pending) : Promise.resolve([]); },
        sync: async function () { failures = 0; await sync(); return lastRun; },
        csrfToken: csrfToken,
        beforeLeave: options.beforeLeave,
      });
      username = await whoAmI(options.accept);
      if (!username) {
        statusEl.textContent = options.noLogin;
        InstallerUpdates.register(root, sync);
        window.addEventListener("online", function () { window.location.reload(); });
        return;
      }
      if (options.beforeRender) await options.beforeRender(username);
      await render();
      // Ask the browser, once, not to evict the outbox and the photos under storage pressure.
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
      InstallerUpdates.register(root, sync);
      document.getElementById("sync-now").addEventListener("click", syncNow);
      window.addEventListener("online", function () {
        failures = 0;
        if (options.onOnline) options.onOnline();
        sync();
      });
      window.addEventListener("offline", function () { render(); });
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "visible") sync();
      });
      setInterval(sync, PERIOD_MS);
      sync();
    }

    return {
      csrfToken: csrfToken,
      database: database,
      withDatabase: withDatabase,
      render: render,
      renderStatus: renderStatus,
      dismiss: dismiss,
      keep: keep,
      changed: changed,
      requestBackgroundSync: requestBackgroundSync,
      sync: sync,
      start: start,
      username: function () { return username; },
    };
  }

  window.InstallerSyncLoop = { create: create };
})();
