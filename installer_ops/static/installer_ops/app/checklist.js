/* What the installer's tablet shows, built from data: the checklist and the
 * refused changes (readiness.js draws the readiness steps, documents.js the
 * runbooks and "My record"). No state and no network here: app.js owns
 * those and passes the actions in as handlers. */
/* global InstallerFormats, gettext, interpolate */
(function () {
  "use strict";

  // Set by app.js: onChange(enrollmentId, itemId, type), onConfirm(day, button),
  // onAcknowledge(kit, copy, button), onDismiss(eventId), read by the other views too;
  // by photos.js: onTakePhoto(enrollment, item, base) and photoPart(enrollment, item, base).
  var handlers = {};

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else if (attrs[key] !== false && attrs[key] !== null && attrs[key] !== undefined) node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  // Today in the person's zone, as the server reckons "overdue" (formats.js).
  function today() { return InstallerFormats.today(); }

  function timeOf(iso) { return InstallerFormats.moment(iso); }

  /* The server's state with the waiting changes applied in the order made,
   * and each item's photos kept on the tablet (photos.js): those not sent
   * yet or refused, and the one sent for the current check. */
  function overlay(enrollments, waiting, photos) {
    var copy = JSON.parse(JSON.stringify(enrollments));
    var items = {};
    copy.forEach(function (e) {
      e.modules.forEach(function (m) { m.items.forEach(function (i) { items[e.id + ":" + i.id] = i; }); });
    });
    waiting.forEach(function (event) {
      var item = items[event.enrollment + ":" + event.item];
      if (!item) return;
      item.checked = event.type === "item.checked";
      item.pending = true;
      // The check the photo belongs to, until the server has it.
      item.checked_event = item.checked ? event.id : null;
      item.awaiting_evidence = item.checked && !!item.needs_evidence;
    });
    (photos || []).forEach(function (photo) {
      var item = items[photo.enrollment + ":" + photo.item];
      if (!item) return;
      var current = item.checked && photo.event_id === item.checked_event;
      if (photo.state === "stored" && current) item.awaiting_evidence = false; // on the server already
      if (photo.state !== "stored" || current) (item.photos = item.photos || []).push(photo);
    });
    return copy;
  }

  // The same rule as bootcamp/item_done.py: checked, with its photo where one
  // is needed, and signed off where a sign-off is needed.
  function itemDone(item) {
    return item.checked && !item.awaiting_evidence && (item.signed_off || !item.needs_signoff);
  }

  /* Not complete, and every open item is checked and waits for the lead:
   * nothing is left for the installer, so it is never "Overdue" (the same
   * rule as bootcamp/selectors.py: ModuleProgress.waiting_for_signoff). */
  function moduleWaitsForSignoff(module) {
    var open = module.items.filter(function (item) { return !itemDone(item); });
    return open.length > 0 && open.every(function (item) { return item.checked && item.needs_signoff && !item.awaiting_evidence; });
  }

  function renderEnrollment(enrollment, cohort) {
    var all = [];
    enrollment.modules.forEach(function (m) { all = all.concat(m.items); });
    var done = all.filter(itemDone).length;
    var pct = all.length ? Math.round((100 * done) / all.length) : 0;
    var section = el("section", { className: "enrollment", "aria-labelledby": "enrollment-" + enrollment.id });
    section.appendChild(el("div", { className: "enrollment-head" }, [
      el("h1", { id: "enrollment-" + enrollment.id, text: cohort ? cohort.name : gettext("My bootcamp") }),
      el("div", { className: "meter big" }, [
        el("progress", { value: pct, max: 100, "aria-label": gettext("Bootcamp progress") }),
        el("span", { text: interpolate(gettext("%(pct)s% · %(done)s of %(total)s"), { pct: pct, done: done, total: all.length }, true) }),
      ]),
    ]));
    enrollment.modules.forEach(function (module, index) { section.appendChild(renderModule(enrollment, module, index)); });
    return section;
  }

  function renderModule(enrollment, module, index) {
    var done = module.items.filter(itemDone).length;
    var complete = done === module.items.length;
    var waiting = moduleWaitsForSignoff(module);
    var overdue = !complete && !waiting && module.due_on < today();
    var heading = el("h2", { id: "module-" + module.id }, [
      document.createTextNode((index + 1) + ". " + module.title + " "),
      el("small", { className: "muted", text: interpolate(gettext("due %(date)s · %(done)s/%(total)s"), { date: InstallerFormats.date(module.due_on), done: done, total: module.items.length }, true) }),
      complete ? el("span", { className: "badge ok", text: gettext("Complete") }) : null,
      waiting ? el("span", { className: "badge info", text: gettext("Waiting for your lead's sign-off") }) : null,
      overdue ? el("span", { className: "badge warn", text: gettext("Overdue") }) : null,
    ]);
    var list = el("ul", { className: "checklist" });
    module.items.forEach(function (item) { list.appendChild(renderItem(enrollment, item)); });
    return el("section", { className: "module" + (overdue ? " is-overdue" : ""), "aria-labelledby": "module-" + module.id }, [heading, list]);
  }

  function renderItem(enrollment, item) {
    var id = "item-" + enrollment.id + "-" + item.id;
    var notes = [];
    if (item.signed_off) notes.push(el("span", { className: "badge ok", text: gettext("Signed off") }));
    else if (item.checked && item.needs_signoff) notes.push(el("span", { className: "badge info", text: gettext("Awaiting sign-off") }));
    else if (item.needs_signoff) notes.push(el("span", { className: "muted", text: gettext("Needs your lead's sign-off") }));
    if (item.needs_evidence) notes.push(el("span", { className: "badge evidence", text: gettext("Needs a photo") }));
    if (item.pending) notes.push(el("span", { className: "badge", text: gettext("Waiting to sync") }));
    if (item.rejection_comment && !item.checked) {
      notes.push(el("p", { className: "rejection", text: interpolate(gettext("Lead: %(comment)s"), { comment: item.rejection_comment }, true) }));
    }
    var box = el("input", {
      type: "checkbox",
      id: id,
      "aria-describedby": notes.length ? id + "-notes" : null,
      disabled: item.signed_off ? "disabled" : null,
    });
    box.checked = !!item.checked;
    box.addEventListener("click", function (event) {
      // Durable before shown: the browser would tick the box at once; it
      // stays as it was until the event's outbox write has committed and the
      // page is drawn again from IndexedDB (app.js: change).
      event.preventDefault();
      if (box.getAttribute("aria-busy") === "true") return;
      // Checking an item that needs a photo opens the camera; the check is
      // stored with the photo, or not at all (photos.js).
      if (!item.checked && item.needs_evidence && handlers.onTakePhoto) { handlers.onTakePhoto(enrollment, item, id); return; }
      box.setAttribute("aria-busy", "true");
      handlers.onChange(enrollment.id, item.id, item.checked ? "item.unchecked" : "item.checked");
    });
    return el("li", { className: "check-item" + (item.checked ? " is-checked" : "") }, [
      box,
      el("label", { for: id, text: item.title }),
      notes.length ? el("div", { id: id + "-notes", className: "notes" }, notes) : null,
      handlers.photoPart ? handlers.photoPart(enrollment, item, id) : null,
      instructions(item),
    ]);
  }

  // Open on a tablet or laptop; on a phone folded, so the checklist stays
  // scannable. What the installer opened or closed stays so across redraws.
  var WIDE = window.matchMedia ? window.matchMedia("(min-width: 700px)") : { matches: true };
  var chosen = {};

  /* The item's instructions: plain text (line breaks kept by the stylesheet),
   * never HTML, so nothing in them can run or restyle the page. */
  function instructions(item) {
    if (!item.description) return null;
    var open = item.id in chosen ? chosen[item.id] : WIDE.matches;
    var box = el("details", { className: "instructions", open: open ? "open" : null }, [
      el("summary", { text: gettext("Instructions") }),
      el("p", { text: item.description }),
    ]);
    box.addEventListener("toggle", function () { chosen[item.id] = box.open; });
    return box;
  }

  /* No checklist to show. Before the first sync nothing is known yet:
   * "not enrolled" would be a guess. */
  function renderEmpty(main, lastSync) {
    main.appendChild(el("h1", { text: gettext("My checklist") }));
    var downloading = lastSync === undefined && navigator.onLine;
    main.appendChild(el("p", {
      className: "empty",
      "data-loading": downloading ? "" : null, // what waits for the first download says so (the page walk too)
      text: lastSync !== undefined ? gettext("You are not enrolled in a bootcamp cohort yet.")
        : navigator.onLine ? gettext("Downloading your checklist…")
        : gettext("Connect once to download your checklist; after that it works offline."),
    }));
  }

  function renderRejected(rejected, enrollments) {
    var box = document.getElementById("rejected");
    box.replaceChildren();
    if (!rejected.length) { box.hidden = true; return; }
    box.hidden = false;
    var titles = {};
    enrollments.forEach(function (e) {
      e.modules.forEach(function (m) { m.items.forEach(function (i) { titles[i.id] = i.title; }); });
    });
    box.appendChild(el("h2", { id: "rejected-title", text: gettext("Changes the server refused") }));
    var list = el("ul", {});
    rejected.forEach(function (event) {
      var label = event.type === "consent.recorded"
        ? interpolate(gettext("consent at %(install)s"), { install: event.install_id }, true)
        : titles[event.item] || "#" + event.item;
      var what = event.type === "item.checked" ? gettext("Checked")
        : event.type === "consent.recorded" ? gettext("Recorded") : gettext("Unchecked");
      var button = el("button", { type: "button", className: "button", text: gettext("Dismiss") });
      button.setAttribute("aria-label", interpolate(gettext("Dismiss: %(item)s"), { item: label }, true));
      button.addEventListener("click", function () { handlers.onDismiss(event.id); });
      list.appendChild(el("li", {}, [
        el("span", { text: what + " “" + label + "”: " + event.reason }),
        button,
      ]));
    });
    box.appendChild(list);
  }

  window.InstallerChecklist = {
    el: el,
    today: today,
    timeOf: timeOf,
    overlay: overlay,
    itemDone: itemDone,
    renderEnrollment: renderEnrollment,
    moduleWaitsForSignoff: moduleWaitsForSignoff,
    renderRejected: renderRejected,
    renderEmpty: renderEmpty,
    setHandlers: function (given) { handlers = given; },
  };
})();
