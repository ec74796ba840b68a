/* The installer's tablet app. It renders from IndexedDB first (so it works
 * with no network), overlays the changes still waiting in the outbox, and
 * syncs on load, on `online`, when the page becomes visible, on a timer,
 * after each change and from "Sync now", backing off exponentially on
 * network errors and 5xx. */
/* global InstallerFormats, InstallerOutbox, InstallerPhotos, InstallerReadiness, InstallerDocuments, InstallerDownloads, InstallerSyncLoop, InstallerConsent, gettext */
/* checklist.js, readiness.js and documents.js build what is shown, downloads.js
 * fetches what is kept for reading, logout.js guards the log-out, updates.js installs
 * new releases, photos.js sends evidence photos, sync_loop.js keeps the state and
 * syncs (with the lead's app); this file owns the checklist's actions and downloads. */
(function () {
  "use strict";

  var root = document.getElementById("app");
  var view = window.InstallerChecklist;
  var el = view.el;

  // State, storage and sync are the loop both field apps share (sync_loop.js).
  var loop = InstallerSyncLoop.create({
    draw: draw,
    refresh: refresh,
    timeOf: view.timeOf,
    refusedAbove: false, // the refused check-offs are listed below
    afterRun: function () { InstallerPhotos.kick(); }, // photos of the check-offs just acknowledged
  });
  var csrfToken = loop.csrfToken;
  var database = loop.database;
  var withDatabase = loop.withDatabase;
  var render = loop.render;
  var renderStatus = loop.renderStatus;
  var dismiss = loop.dismiss;
  var sync = loop.sync;

  async function draw(store) {
    var enrollments = (await store.get("meta", "enrollments")) || [];
    var cohorts = (await store.get("meta", "cohorts")) || {};
    var waiting = await InstallerOutbox.pending(store);
    var rejected = await store.getAll("rejected");
    var lastSync = await store.get("meta", "lastSync");
    var photos = await InstallerPhotos.load(store); // read before the checklist is cleared: draws may overlap
    InstallerFormats.setZone(await store.get("meta", "zone")); // times in the person's zone, as on the pages
    renderStatus(waiting.length, lastSync);
    view.renderRejected(rejected, enrollments);
    InstallerReadiness.render((await store.get("meta", "readiness")) || null, (await store.get("meta", "shadowDays")) || [], actions);
    var library = (await store.get("meta", "library")) || null;
    InstallerDocuments.renderRunbooks((await store.get("meta", "kit")) || null, (await store.get("meta", "copies")) || [],
      library && library.documents, library && library.at, actions);
    InstallerDocuments.renderRecord((await store.get("meta", "record")) || null);
    var consent = (await store.get("meta", "consent")) || null;
    InstallerConsent.render(consent && consent.flows, waiting, (await store.get("meta", "consentHistory")) || [], consent && consent.at, photos);
    var main = document.getElementById("checklist");
    main.replaceChildren();
    var shown = view.overlay(enrollments, waiting.filter(function (e) { return e.type !== "consent.recorded"; }), photos);
    if (!shown.length) { view.renderEmpty(main, lastSync); return; }
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

  var actions = { onChange: change, onConfirm: confirmShadowDay, onAcknowledge: acknowledge, onDismiss: dismiss };
  view.setHandlers(actions);
  InstallerConsent.setHandlers({ onRecord: recordConsent, onAcknowledge: acknowledgeConsent, onRetakePhoto: retakeConsentPhoto });

  /* A refused consent photo replaced by a new picture under its id: waiting again. */
  async function retakeConsentPhoto(id, photo) {
    var kept = await loop.keep(async function (d) {
      var tx = d.transaction("photos", "readwrite");
      var p = await tx.store.get(id);
      if (p && p.state === "refused") {
        tx.store.put(Object.assign(p, photo, { state: "waiting", attempts: 0, next_try_at: 0, reason: "" }));
      }
      await tx.done;
    });
    await render();
    if (kept) InstallerPhotos.kick();
  }

  /* A consent record: kept in the outbox before it is shown (durable
   * before shown), then sent. Resolves whether it was kept. */
  async function recordConsent(fields, photos) {
    var stored = await loop.keep(function (d) { return InstallerOutbox.recordEvent(d, fields, photos); });
    await render();
    if (stored) loop.changed();
    return stored;
  }

  async function acknowledgeConsent(flow, button) {
    button.disabled = true;
    try {
      var response = await fetch("/api/v1/consent-flows/" + flow.id + "/acknowledge/", {
        method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() },
      });
      if (!response.ok) throw new Error(String(response.status));
      await refreshOnboarding(true);
    } catch (error) {
      button.disabled = false;
      button.after(el("p", { className: "error", role: "alert", text: gettext("Acknowledging needs the network: try again when connected.") }));
    }
    await render();
  }
  InstallerPhotos.setup(actions, { withDatabase: withDatabase, render: render, sync: sync, csrfToken: csrfToken });

  /* A tap: the event is written to the outbox and the write has committed
   * before the item shows its new state (durable before shown). If it
   * cannot be written, the item stays as it was and the installer is told why. */
  async function change(enrollmentId, itemId, type) {
    var stored = await loop.keep(function (d) {
      return InstallerOutbox.record(d, { enrollment: enrollmentId, item: itemId, type: type });
    });
    await render();
    if (stored) loop.changed();
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

  function start() {
    window.addEventListener("hashchange", showPanel);
    showPanel();
    document.querySelector("[data-nav='record']").addEventListener("click", openRecord);
    loop.start({
      noLogin: gettext("Connect once to download your checklist; after that it works offline."),
      onOnline: function () { lastOnboarding = 0; },
    });
  }

  start();
})();
