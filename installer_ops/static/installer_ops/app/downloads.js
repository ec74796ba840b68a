/* What the tablet downloads at sync for reading offline, besides the
 * checklist: readiness, shadow days, the kit and its copies, the current
 * runbook and playbook (read during bootcamp, before the kit), and "My
 * record" with the contacts to call, the geography's consent procedure, and
 * the zone its times are shown in.
 * All of it goes into the login's own IndexedDB database (outbox.js), in
 * one transaction. */
/* global InstallerOutbox */
(function () {
  "use strict";

  async function getJson(url) {
    var response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new InstallerOutbox.RetryableError("server: " + response.status);
    return response.json();
  }

  /* The record part of the server's own page (/me/): the same content the
   * installer sees online, so the offline copy cannot drift from it. */
  async function getRecord(url) {
    var response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) return null; // no installer record (404): nothing to keep
    var page = new DOMParser().parseFromString(await response.text(), "text/html");
    var part = page.getElementById("my-record");
    return part ? part.innerHTML : null;
  }

  async function fetchAll(recordUrl) {
    var me = await getJson("/api/v1/me/");
    if (!me.installer) return { zone: me.time_zone };
    var found = await Promise.all([
      getJson("/api/v1/installers/" + me.installer.id + "/readiness/"),
      getJson("/api/v1/shadow-days/"),
      getJson("/api/v1/kits/"),
      getJson("/api/v1/current-documents/"),
      getRecord(recordUrl),
      getJson("/api/v1/consent-flows/"),
    ]);
    var kit = found[2].results[0] || null;
    return {
      readiness: found[0],
      shadowDays: found[1].results,
      kit: kit,
      copies: kit ? await getJson("/api/v1/kits/" + kit.id + "/copies/") : [],
      library: found[3],
      record: found[4],
      consentFlows: found[5],
      zone: me.time_zone,
    };
  }

  /* Download and store; resolves false when the login has no installer record. */
  async function onboarding(store, recordUrl) {
    var got = await fetchAll(recordUrl);
    var tx = store.transaction("meta", "readwrite");
    // The zone times are shown in (formats.js), for offline starts too.
    if (got.zone) tx.store.put(got.zone, "zone");
    if (!got.readiness) { await tx.done; return false; }
    var now = new Date().toISOString();
    tx.store.put(got.readiness, "readiness");
    tx.store.put(got.shadowDays, "shadowDays");
    tx.store.put(got.kit, "kit");
    tx.store.put(got.copies, "copies");
    tx.store.put({ documents: got.library, at: now }, "library");
    if (got.record) tx.store.put({ html: got.record, at: now }, "record");
    tx.store.put({ flows: got.consentFlows, at: now }, "consent");
    await tx.done;
    return true;
  }

  window.InstallerDownloads = { onboarding: onboarding };
})();
