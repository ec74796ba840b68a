/* The tablet's outbox (docs/architecture.md, Sync protocol), shared by the page and the
 * service worker. A change is an event stored in IndexedDB first; it leaves
 * the outbox only when the server has acknowledged it (applied or
 * duplicate), or has refused it (rejected or conflict), in which case it
 * moves to the "rejected" store until the installer dismisses it.
 * Nothing is ever dropped silently. */
/* global idb */
(function (root) {
  "use strict";

  // 2: the "photos" store (photos.js: evidence photos waiting to be sent).
  var DB_VERSION = 2;
  var BATCH = 500;

  // Writes that hold an installer's work are flushed to disk before they
  // count as done, so that a browser killed right after a tap keeps it.
  var STRICT = { durability: "strict" };

  /* One database per login, so that a shared tablet never mixes people.
   * `onLost` is called when the browser closes the connection (memory
   * pressure, storage cleared) or a newer release needs it closed: the app
   * then opens it again. */
  function openStore(username, onLost) {
    var db;
    var lost = function () { if (onLost) onLost(db); };
    return idb.openDB("installer-ops:" + username, DB_VERSION, {
      // Only what the tablet's database lacks is created: an upgrade keeps
      // every store and every waiting event it already has.
      upgrade: function (upgrading, oldVersion) {
        if (oldVersion < 1) {
          var outbox = upgrading.createObjectStore("outbox", { keyPath: "id" });
          outbox.createIndex("seq", "device_seq");
          upgrading.createObjectStore("rejected", { keyPath: "id" });
          upgrading.createObjectStore("meta");
        }
        if (oldVersion < 2) {
          upgrading.createObjectStore("photos", { keyPath: "id" }).createIndex("event", "event_id");
        }
      },
      terminated: lost,
      blocking: function () { db.close(); lost(); },
    }).then(function (opened) { db = opened; return opened; });
  }

  /* Whether an IndexedDB error means the connection is gone (worth one
   * reopen and retry), rather than that the write itself cannot be done. */
  function connectionLost(error) {
    return !!error && (error.name === "InvalidStateError" || error.name === "TransactionInactiveError");
  }

  function uuid4() {
    if (root.crypto && root.crypto.randomUUID) return root.crypto.randomUUID();
    var b = root.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  async function deviceId(db) {
    var id = await db.get("meta", "deviceId");
    if (!id) {
      id = "tablet-" + uuid4();
      await db.put("meta", id, "deviceId");
    }
    return id;
  }

  /* A photo waiting to be sent with the check-off event it proves
   * (photos.js sends it once the event is acknowledged). `photo` is
   * {blob, type, taken_at, size, thumb}. */
  function newPhoto(eventId, enrollment, item, photo) {
    return Object.assign({
      id: uuid4(), event_id: eventId, enrollment: enrollment, item: item,
      state: "waiting", attempts: 0, next_try_at: 0, reason: "",
    }, photo);
  }

  /* Store one change, and the photo taken with it if any. The sequence
   * number, the event and the photo go in one transaction, so a crash
   * leaves all of them or none. */
  async function record(db, change, photo) {
    var device = await deviceId(db);
    var tx = db.transaction(photo ? ["outbox", "meta", "photos"] : ["outbox", "meta"], "readwrite", STRICT);
    var seq = ((await tx.objectStore("meta").get("seq")) || 0) + 1;
    var event = {
      id: uuid4(),
      device_id: device,
      device_seq: seq,
      type: change.type,
      enrollment: change.enrollment,
      item: change.item,
      occurred_at: new Date().toISOString(),
    };
    // A lead's sign-off or rejection carries the lead's comment (lead_app.js).
    if (typeof change.comment === "string") event.comment = change.comment;
    try {
      tx.objectStore("meta").put(seq, "seq");
      tx.objectStore("outbox").put(event);
      if (photo) tx.objectStore("photos").put(newPhoto(event.id, event.enrollment, event.item, photo));
      await tx.done;
    } catch (error) {
      // Neither the sequence number nor the event: the tap left no trace.
      try { tx.abort(); } catch (alreadyOver) { /* the transaction had ended */ }
      throw error;
    }
    return event;
  }

  /* Store an event that is not a check-off (a consent record: consent.js):
   * `fields` are its own fields beside the id, device, sequence and time
   * every event carries. `photos` ([{step, blob, type, size, thumb,
   * taken_at}], a consent record's step photos) are declared in the event
   * and kept to be sent after it (photos.js). The same single transaction
   * as record(): the event and its photos, or nothing. */
  async function recordEvent(db, fields, photos) {
    var device = await deviceId(db);
    photos = photos || [];
    var tx = db.transaction(photos.length ? ["outbox", "meta", "photos"] : ["outbox", "meta"], "readwrite", STRICT);
    var seq = ((await tx.objectStore("meta").get("seq")) || 0) + 1;
    var event = Object.assign({}, fields, {
      id: uuid4(), device_id: device, device_seq: seq, occurred_at: new Date().toISOString(),
    });
    var kept = photos.map(function (photo) {
      return Object.assign({}, photo, {
        id: uuid4(), event_id: event.id, kind: "consent", install_id: fields.install_id,
        state: "waiting", attempts: 0, next_try_at: 0, reason: "",
      });
    });
    // Always declared, none included: the server reads an event without the key as the older app's.
    if (fields.type === "consent.recorded") event.photos = kept.map(function (p) { return { id: p.id, step: p.step }; });
    try {
      tx.objectStore("meta").put(seq, "seq");
      tx.objectStore("outbox").put(event);
      kept.forEach(function (p) { tx.objectStore("photos").put(p); });
      await tx.done;
    } catch (error) {
      try { tx.abort(); } catch (alreadyOver) { /* the transaction had ended */ }
      throw error;
    }
    return event;
  }

  // How many stored consent records the tablet lists after they leave the outbox.
  var CONSENT_HISTORY = 50;

  function pending(db) {
    return db.getAllFromIndex("outbox", "seq");
  }

  function RetryableError(message) {
    this.name = "RetryableError";
    this.message = message;
  }

  /* Send up to 500 waiting events and file the answers. Resolves with
   * {sent, rejected, serverTime}; throws RetryableError on a network error
   * or a 5xx (nothing changed locally, the same events are sent again
   * later), and an Error with .status for other refusals (e.g. 403 when
   * the session expired). */
  async function syncOnce(db, csrfToken) {
    var events = (await pending(db)).slice(0, BATCH);
    var device = await deviceId(db);
    var response;
    try {
      response = await fetch("/api/v1/sync/", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken || "" },
        body: JSON.stringify({ device_id: device, sent_at: new Date().toISOString(), events: events }),
      });
    } catch (networkError) {
      throw new RetryableError("network: " + networkError.message);
    }
    if (response.status >= 500) throw new RetryableError("server: " + response.status);
    if (!response.ok) {
      var refusal = new Error("refused: " + response.status);
      refusal.status = response.status;
      throw refusal;
    }
    var body = await response.json();
    var byId = {};
    events.forEach(function (e) { byId[e.id] = e; });
    var tx = db.transaction(["outbox", "rejected", "meta", "photos"], "readwrite", STRICT);
    var rejected = 0;
    var refusedEvents = [];
    var consentsStored = [];
    body.results.forEach(function (result) {
      var event = byId[result.id];
      if (!event) return;
      if (event.type === "consent.recorded" && (result.status === "applied" || result.status === "duplicate")) {
        // What the installer sees of it once it has left the outbox (not the signature).
        consentsStored.push({ id: event.id, install_id: event.install_id, occurred_at: event.occurred_at, stored_at: body.server_time });
      }
      if (result.status === "rejected" || result.status === "conflict") {
        rejected += 1;
        refusedEvents.push(result);
        tx.objectStore("rejected").put(Object.assign({}, event, {
          status: result.status,
          reason: result.reason || result.status,
        }));
      }
      tx.objectStore("outbox").delete(result.id);
    });
    // A photo of a refused check-off can never be sent: it says why, in the
    // same transaction, until the installer dismisses it.
    for (var i = 0; i < refusedEvents.length; i += 1) {
      var refusal = refusedEvents[i];
      var photos = await tx.objectStore("photos").index("event").getAll(refusal.id);
      photos.forEach(function (p) {
        tx.objectStore("photos").put(Object.assign(p, { state: "refused", reason: refusal.reason || refusal.status }));
      });
    }
    if (body.enrollments && body.enrollments.length) {
      var known = (await tx.objectStore("meta").get("enrollments")) || [];
      body.enrollments.forEach(function (fresh) {
        var at = known.findIndex(function (e) { return e.id === fresh.id; });
        if (at >= 0) known[at] = fresh; else known.push(fresh);
      });
      tx.objectStore("meta").put(known, "enrollments");
    }
    if (consentsStored.length) {
      var history = (await tx.objectStore("meta").get("consentHistory")) || [];
      var seen = {};
      history.forEach(function (h) { seen[h.id] = true; });
      consentsStored = consentsStored.filter(function (c) { return !seen[c.id]; });
      tx.objectStore("meta").put(consentsStored.reverse().concat(history).slice(0, CONSENT_HISTORY), "consentHistory");
    }
    tx.objectStore("meta").put(new Date().toISOString(), "lastSync");
    await tx.done;
    return { sent: events.length, rejected: rejected, serverTime: body.server_time };
  }

  /* The login last using this tablet, for the service worker's Background Sync. */
  function deviceDb() {
    return idb.openDB("installer-ops:device", 1, {
      upgrade: function (db) { db.createObjectStore("meta"); },
    });
  }

  async function rememberUser(username) {
    var db = await deviceDb();
    await db.put("meta", username, "username");
  }

  async function lastUser() {
    var db = await deviceDb();
    return db.get("meta", "username");
  }

  /* On log-out: the tablet no longer opens this login offline. Its own
   * database, outbox included, stays until the same person logs in again. */
  async function forgetUser() {
    var db = await deviceDb();
    await db.delete("meta", "username");
  }

  async function dismiss(db, id) {
    await db.delete("rejected", id);
  }

  root.InstallerOutbox = {
    open: openStore,
    record: record,
    recordEvent: recordEvent,
    newPhoto: newPhoto,
    pending: pending,
    syncOnce: syncOnce,
    dismiss: dismiss,
    rememberUser: rememberUser,
    lastUser: lastUser,
    forgetUser: forgetUser,
    RetryableError: RetryableError,
    connectionLost: connectionLost,
  };
})(typeof self !== "undefined" ? self : this);
