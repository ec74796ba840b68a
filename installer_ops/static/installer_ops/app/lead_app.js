/* The lead's field app: the sign-offs of the lead's cohorts, kept on the
 * tablet so that it opens with no network (the list in the login's "meta"
 * store, the evidence photos in Cache Storage), and sign-offs or rejections
 * queued as events in the same outbox as the installer's check-offs
 * (outbox.js), durable before shown, synced by the installer's app's loop
 * (sync_loop.js): on load, `online`, page visible, every 30 s, after each
 * change and from "Sync now".
 * lead_view.js builds what is shown, lead_photos.js keeps the photos; this
 * file owns the list, the lead's decisions and what a sync did to them. */
/* global InstallerFormats, InstallerOutbox, InstallerSyncLoop, LeadView, LeadPhotos, gettext, interpolate */
(function () {
  "use strict";

  var ageEl = document.getElementById("list-age");
  var doneEl = document.getElementById("signoff-done");
  var rejectedEl = document.getElementById("rejected");
  var main = document.getElementById("signoffs");
  var PENDING_URL = "/api/v1/signoffs/pending/";
  var RELOADED = "installer-ops:lead-shell-reloaded";
  var SIGNOFF_TYPES = { "item.signed_off": true, "item.rejected": true };

  var applied = []; // what the last sync applied, named, until the next change
  var zone = null; // as /api/v1/me/ gave it

  var loop = InstallerSyncLoop.create({
    draw: draw,
    refresh: refresh,
    timeOf: InstallerFormats.moment,
    refusedAbove: true, // the refused sign-offs are listed above the list
    afterSend: async function (sent, run) {
      run.applied = (run.applied || []).concat(await settle(sent));
      if (run.applied.length) applied = run.applied;
    },
  });

  async function draw(store) {
    var list = (await store.get("meta", "pending")) || null;
    var labels = (await store.get("meta", "signoffLabels")) || {};
    var events = await InstallerOutbox.pending(store);
    var rejected = await store.getAll("rejected");
    var lastSync = await store.get("meta", "lastSync");
    InstallerFormats.setZone(await store.get("meta", "zone")); // times in the lead's zone, as on the pages
    var waiting = {};
    // In sequence order, so the newest change to an item is the one shown.
    events.forEach(function (event) {
      if (SIGNOFF_TYPES[event.type]) waiting[LeadView.keyOf(event.enrollment, event.item)] = event;
    });
    loop.renderStatus(events.length, lastSync);
    ageEl.textContent = list
      ? interpolate(gettext("The list of sign-offs was fetched %(time)s."), { time: InstallerFormats.moment(list.at) }, true)
      : "";
    LeadView.renderRejected(rejectedEl, rejected, labels, loop.dismiss);
    LeadView.renderDone(doneEl, applied);
    LeadView.renderList(main, {
      entries: list ? list.results : [],
      fetchedAt: list ? list.at : undefined,
      waiting: waiting,
      labels: labels,
    }, { onDecide: decide });
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
    var stored = await loop.keep(async function (d) {
      await rememberLabel(d, entry);
      return InstallerOutbox.record(d, { enrollment: entry.enrollment, item: entry.item.id, type: type, comment: comment });
    });
    if (stored) applied = []; else LeadView.invalidate();
    await loop.render();
    LeadView.focusCard(entry.enrollment, entry.item.id);
    if (stored) loop.changed();
    return stored;
  }

  /* The events of `sent` the server took (applied or duplicate): neither in
   * the outbox nor among the refused any more. Named for the confirmation,
   * and taken out of the kept list at once (the refresh confirms it). */
  async function settle(sent) {
    return loop.withDatabase(async function (store) {
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
    await loop.withDatabase(async function (store) {
      var tx = store.transaction(["outbox", "rejected", "meta"], "readwrite");
      var named = {};
      (await tx.objectStore("outbox").getAll()).concat(await tx.objectStore("rejected").getAll())
        .forEach(function (event) { named[LeadView.keyOf(event.enrollment, event.item)] = true; });
      var labels = (await tx.objectStore("meta").get("signoffLabels")) || {};
      Object.keys(labels).forEach(function (key) { if (!named[key]) delete labels[key]; });
      tx.objectStore("meta").put(list, "pending");
      tx.objectStore("meta").put(labels, "signoffLabels");
      if (zone) tx.objectStore("meta").put(zone, "zone");
      if (!(await tx.objectStore("meta").get("lastSync"))) tx.objectStore("meta").put(list.at, "lastSync");
      await tx.done;
    });
    await LeadPhotos.keep(loop.username(), body.results);
  }

  /* A login that is not a lead's (the tablet changed hands) must not see
   * this shell: one reload lets the service worker open the right one. */
  function accept(me) {
    // The zone the lead reads times in; refresh() keeps it for offline starts.
    zone = me.time_zone || null;
    InstallerFormats.setZone(zone);
    if (me.role !== "lead") {
      if (!window.sessionStorage.getItem(RELOADED)) {
        window.sessionStorage.setItem(RELOADED, "yes");
        window.location.reload();
      }
      return false;
    }
    window.sessionStorage.removeItem(RELOADED);
    return true;
  }

  loop.start({
    accept: accept,
    noLogin: gettext("Connect once to download the sign-offs; after that they work offline."),
    beforeLeave: LeadPhotos.forget,
    beforeRender: LeadPhotos.claim,
  });
})();
