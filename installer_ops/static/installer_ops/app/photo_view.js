/* Taking evidence photos and showing their state on the installer's tablet
 * (photos.js sends them). Checking off an item that needs a photo opens the
 * camera; the photo is shrunk here and stored in IndexedDB in the same
 * transaction as its check-off event (outbox.js: record), or, for a
 * check-off that lacks one, on its own. Nothing is checked without it. */
/* global InstallerOutbox, gettext, interpolate, ngettext */
(function () {
  "use strict";

  var MAX_SIDE = 1600; // px on the long side: a label or a sign stays readable
  var QUALITY = 0.85;
  var THUMB_SIDE = 160;
  var ROOM_NEEDED = 3 * 1024 * 1024; // what one photo may take while it waits, with margin
  var ICONS = { waiting: "◷", sending: "↑", stored: "✓", refused: "⚠", saving: "…" };

  var hooks = null; // from app.js through photos.js: withDatabase, render, sync
  var el = null;
  var lastFree = Infinity; // bytes free at the last look, for the check before the camera opens
  var saving = {}; // "enrollment:item" while a photo is shrunk and stored
  var news = ""; // the last thing that happened to a photo, for the live line

  function outOfSpace() {
    return gettext("The tablet is out of space: send waiting photos before taking more. Nothing was checked.");
  }

  function problem(text) {
    var box = document.getElementById("save-problem");
    box.textContent = text || "";
    box.hidden = !text;
  }

  async function freeSpace() {
    if (!navigator.storage || !navigator.storage.estimate) return Infinity;
    try {
      var estimate = await navigator.storage.estimate();
      lastFree = estimate.quota - estimate.usage;
      if (!Number.isFinite(lastFree)) lastFree = Infinity; // a browser that cannot say
    } catch (unknown) {
      lastFree = Infinity; // the write itself still says when it does not fit
    }
    return lastFree;
  }

  /* ---- taking a photo ---- */

  function drawn(bitmap, side, quality) {
    var scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    var context = canvas.getContext("2d");
    context.fillStyle = "#fff"; // a PNG's transparency becomes white, not black
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.imageSmoothingQuality = "high";
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return new Promise(function (resolve, reject) {
      canvas.toBlob(function (blob) { if (blob) resolve(blob); else reject(new Error("encode")); }, "image/jpeg", quality);
    });
  }

  function dataUrl(blob) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(blob);
    });
  }

  /* At most 1600 px, JPEG (which also drops the camera's metadata, the
   * place included), and a small thumbnail kept after the photo is sent. */
  async function shrink(file) {
    var bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    try {
      var blob = await drawn(bitmap, MAX_SIDE, QUALITY);
      return { blob: blob, type: "image/jpeg", size: blob.size, thumb: await dataUrl(await drawn(bitmap, THUMB_SIDE, 0.7)) };
    } finally {
      bitmap.close();
    }
  }

  // The camera's time for a picture from the gallery, if it is believable.
  function takenAt(file) {
    var now = Date.now();
    var at = file.lastModified;
    return new Date(at && at <= now + 60000 && now - at < 30 * 86400000 ? at : now).toISOString();
  }

  /* `target`: {enrollment, item, title, event, replaces}. Without `event`
   * the photo comes with a new check-off; with it, the photo is added to
   * that check-off (in place of the refused photo `replaces`). */
  async function take(target, file) {
    if (!file) return;
    var key = target.enrollment + ":" + target.item;
    problem(null);
    if ((await freeSpace()) < ROOM_NEEDED) { problem(outOfSpace()); return; }
    saving[key] = true;
    var stored = false;
    try {
      var photo;
      try {
        photo = await shrink(file);
      } catch (unreadable) {
        problem(gettext("This picture could not be read, so nothing was checked. Take it again."));
        return;
      }
      photo.taken_at = takenAt(file);
      await hooks.withDatabase(function (db) {
        if (!target.event) return InstallerOutbox.record(db, { enrollment: target.enrollment, item: target.item, type: "item.checked" }, photo);
        return attach(db, target, photo);
      });
      stored = true;
    } catch (error) {
      // The transaction was aborted: neither the check nor the photo, and nothing stored before is touched.
      problem(error && error.name === "QuotaExceededError" ? outOfSpace() : interpolate(
        gettext("The photo could not be stored on this tablet (%(reason)s), so nothing was changed. Try again; if it keeps failing, reload the app."),
        { reason: (error && (error.name || error.message)) || "?" }, true));
    } finally {
      delete saving[key];
    }
    if (stored) {
      say(interpolate(gettext("Photo of “%(item)s” kept on this tablet; it is sent after the check-off."), { item: target.title }, true));
      backgroundSync();
    }
    await hooks.render();
    if (stored) hooks.sync();
  }

  async function attach(db, target, photo) {
    var tx = db.transaction("photos", "readwrite", { durability: "strict" });
    tx.store.put(InstallerOutbox.newPhoto(target.event, target.enrollment, target.item, photo));
    if (target.replaces) tx.store.delete(target.replaces);
    await tx.done;
  }

  function backgroundSync() {
    // The check-off is in the outbox: the worker may send it with no page open.
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync && registration.sync.register) return registration.sync.register("installer-ops-outbox");
    }).catch(function () {});
  }

  async function dismiss(photoId) {
    await hooks.withDatabase(async function (db) {
      var tx = db.transaction("photos", "readwrite");
      var photo = await tx.store.get(photoId);
      if (photo && photo.state === "refused") tx.store.delete(photoId); // only a refusal the installer has read
      await tx.done;
    });
    await hooks.render();
  }

  /* ---- what is shown ---- */

  function say(text) {
    news = text;
  }

  /* Photos whose item is no longer on the checklist (a withdrawn
   * enrollment, a changed program) are listed on their own: never hidden. */
  function orphans(photos, enrollments) {
    var known = {};
    enrollments.forEach(function (e) {
      e.modules.forEach(function (m) { m.items.forEach(function (i) { known[e.id + ":" + i.id] = true; }); });
    });
    // A consent step's photo belongs to no item: the consent panel lists it (consent.js).
    var lost = photos.filter(function (p) { return p.kind !== "consent" && p.state !== "stored" && !known[p.enrollment + ":" + p.item]; });
    var box = document.getElementById("photo-orphans");
    box.replaceChildren();
    box.hidden = !lost.length;
    if (!lost.length) return;
    box.appendChild(el("h2", { id: "photo-orphans-title", text: gettext("Photos of items no longer on your checklist") }));
    var list = el("ul", { className: "photo-list" });
    lost.forEach(function (p) { list.appendChild(photoRow({ title: "#" + p.item }, p, null)); });
    box.appendChild(list);
  }

  /* The live line under the sync status: what just happened, and how many
   * wait; and the photos no item shows. */
  function summarise(photos, enrollments) {
    orphans(photos, enrollments);
    freeSpace();
    var waiting = photos.filter(function (p) { return p.state === "waiting" || p.state === "sending"; }).length;
    var refused = photos.filter(function (p) { return p.state === "refused" && p.kind !== "consent"; }).length;
    var refusedConsent = photos.filter(function (p) { return p.state === "refused" && p.kind === "consent"; }).length;
    var parts = [news];
    if (waiting) parts.push(interpolate(ngettext("%(n)s photo waiting to send.", "%(n)s photos waiting to send.", waiting), { n: waiting }, true));
    if (refused) parts.push(interpolate(ngettext("%(n)s photo refused: see its item.", "%(n)s photos refused: see their items.", refused), { n: refused }, true));
    if (refusedConsent) {
      parts.push(interpolate(ngettext("%(n)s consent photo refused: see the Consent tab.", "%(n)s consent photos refused: see the Consent tab.", refusedConsent), { n: refusedConsent }, true));
    }
    var line = document.getElementById("photo-status");
    var text = parts.filter(Boolean).join(" ");
    if (line.textContent !== text) line.textContent = text; // an unchanged line is not read out again
    line.hidden = !text;
    line.dataset.waiting = String(waiting);
  }

  function stateText(p) {
    if (p.state === "stored") return gettext("Photo sent");
    if (p.state === "sending") return gettext("Sending photo…");
    if (p.state === "refused") return interpolate(gettext("Photo refused: %(reason)s"), { reason: p.reason }, true);
    return navigator.onLine === false ? gettext("Photo waiting: offline") : gettext("Photo waiting to send");
  }

  function icon(state) {
    return el("span", { className: "photo-icon", "aria-hidden": "true", text: ICONS[state] || "" });
  }

  function photoRow(item, p, retake) {
    var when = new Date(p.taken_at).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
    var row = el("li", { className: "photo is-" + p.state, "data-photo": p.id, "data-state": p.state }, [
      p.thumb ? el("img", { src: p.thumb, alt: interpolate(gettext("Photo of “%(item)s”, taken %(time)s"), { item: item.title, time: when }, true) }) : null,
      el("span", { className: "photo-state" }, [icon(p.state), el("span", { text: stateText(p) })]),
    ]);
    if (p.state === "waiting" && p.reason && navigator.onLine !== false) row.appendChild(el("span", { className: "photo-reason", text: p.reason }));
    if (p.state === "refused") {
      var button = el("button", { type: "button", className: "button small", text: gettext("Dismiss") });
      button.setAttribute("aria-label", interpolate(gettext("Dismiss the refused photo of “%(item)s”"), { item: item.title }, true));
      button.addEventListener("click", function () { dismiss(p.id); });
      row.appendChild(el("span", { className: "photo-actions" }, [button, retake]));
    }
    return row;
  }

  function chooser(item, base, verb, target) {
    // The camera, and the gallery: `capture` alone allows only the camera on a phone.
    var make = function (suffix, text, capture) {
      // The name starts with the words shown and says which item it is for.
      var input = el("input", {
        type: "file", id: base + suffix, accept: "image/*", capture: capture ? "environment" : null, className: "visually-hidden",
        "aria-label": text + ": " + item.title,
      });
      input.addEventListener("click", function (event) {
        if (lastFree < ROOM_NEEDED) { event.preventDefault(); problem(outOfSpace()); }
      });
      var cancelled = function () {
        say(interpolate(gettext("No photo taken: “%(item)s” is not changed."), { item: item.title }, true));
        hooks.render();
      };
      input.addEventListener("change", function () { if (input.files.length) take(target, input.files[0]); else cancelled(); });
      input.addEventListener("cancel", cancelled);
      return el("label", { for: base + suffix, className: "button" + (capture ? " primary" : "") }, [
        el("span", { "aria-hidden": "true", className: "photo-icon", text: capture ? "◉" : "▦" }),
        document.createTextNode(" " + text),
        input,
      ]);
    };
    return el("span", { className: "photo-take" }, [make("-photo", verb, true), make("-gallery", gettext("From gallery"), false)]);
  }

  /* The photo part of an item: its photos with their state, and the
   * control that takes one (with a new check-off, or for a check-off that
   * lacks one: checked on another device, or its photo refused). */
  function part(enrollment, item, base) {
    var photos = item.photos || [];
    if (!item.needs_evidence && !photos.length) return null;
    var wrap = el("div", { className: "photo-part", id: base + "-photos" });
    if (saving[enrollment.id + ":" + item.id]) {
      wrap.appendChild(el("p", { className: "photo-state", "aria-busy": "true" }, [icon("saving"), document.createTextNode(" " + gettext("Saving the photo…"))]));
      return wrap;
    }
    var live = photos.some(function (p) { return p.state !== "refused" && p.event_id === item.checked_event; });
    var replaced = photos.filter(function (p) { return p.state === "refused" && p.event_id === item.checked_event; })[0];
    var control = null;
    if (item.needs_evidence && !item.checked && !item.signed_off) {
      control = chooser(item, base, gettext("Take photo"), { enrollment: enrollment.id, item: item.id, title: item.title });
    } else if (item.needs_evidence && item.checked && item.checked_event && item.awaiting_evidence && !live) {
      control = chooser(item, base, replaced ? gettext("Retake photo") : gettext("Add photo"), {
        enrollment: enrollment.id, item: item.id, title: item.title, event: item.checked_event, replaces: replaced && replaced.id,
      });
    }
    if (photos.length) {
      var list = el("ul", { className: "photo-list", "aria-label": interpolate(gettext("Photos of “%(item)s”"), { item: item.title }, true) });
      photos.forEach(function (p) { list.appendChild(photoRow(item, p, p === replaced ? control : null)); });
      wrap.appendChild(list);
      if (replaced) control = null; // offered beside the refused photo
    } else if (item.needs_evidence && item.checked && !item.awaiting_evidence) {
      wrap.appendChild(el("p", { className: "photo-state is-stored" }, [icon("stored"), document.createTextNode(" " + gettext("Photo received"))]));
    }
    if (control) wrap.appendChild(control);
    return wrap.childNodes.length ? wrap : null;
  }

  /* A check of an item that needs a photo starts with the camera. */
  function askForPhoto(enrollment, item, base) {
    var input = document.getElementById(base + "-photo");
    if (input) input.click();
  }

  window.InstallerPhotoView = {
    setup: function (given) { hooks = given; el = window.InstallerChecklist.el; },
    part: part,
    askForPhoto: askForPhoto,
    dismiss: dismiss,
    takenAt: takenAt,
    summarise: summarise,
    say: say,
    shrink: shrink,
  };
})();
