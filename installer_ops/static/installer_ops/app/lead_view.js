/* What the lead's field app shows, built from data: the pending sign-offs
 * grouped by installer (each with the item, its instructions and the
 * evidence photos), the sign-offs waiting to be sent, the ones the server
 * refused, and what the last sync did. No state and no network here:
 * lead_app.js owns those and passes the actions in as handlers. */
/* global InstallerFormats, InstallerChecklist, gettext, ngettext, interpolate */
(function () {
  "use strict";

  var el = InstallerChecklist.el; // the installer app's element builder: one way to build nodes

  // The reasons the server gives for refusing a lead's sign-off or rejection
  // (docs/architecture.md, Sync protocol), in words a lead can act on.
  function reasonText(event) {
    var signing = event.type === "item.signed_off";
    var reason = event.reason || "";
    if (event.status === "conflict") {
      return gettext("This change clashes with another one stored under the same id: nothing was changed.");
    }
    switch (reason) {
      case "item not checked":
        return signing
          ? gettext("The installer un-checked this item after you loaded it: nothing was signed off.")
          : gettext("The installer un-checked this item after you loaded it: nothing was rejected.");
      case "item signed off":
        return gettext("This item was already signed off: nothing was changed.");
      case "awaiting evidence":
        return gettext("The photo for this item has not reached the server yet: nothing was signed off. Try again once it has.");
      case "not yours":
        return gettext("You no longer lead this installer's cohort: nothing was changed.");
      case "unknown item":
        return gettext("This item is not part of the installer's program: nothing was changed.");
      case "enrollment closed":
        return gettext("The installer has left the cohort: nothing was changed.");
      case "no sign-off needed":
        return gettext("This item no longer needs a sign-off: nothing was changed.");
      case "comment required":
        return gettext("A rejection needs a comment saying what to redo: nothing was rejected.");
      default:
        if (reason.indexOf("invalid:") === 0) {
          return interpolate(gettext("The tablet sent a change the server could not read (%(detail)s): nothing was changed."),
            { detail: reason.slice(8).trim() }, true);
        }
        return interpolate(gettext("The server refused it (%(reason)s)."), { reason: reason }, true);
    }
  }

  // One format per kind, in the lead's zone, as on the pages (formats.js).
  function dateTimeOf(iso) { return iso ? InstallerFormats.dateTime(iso) : ""; }

  function keyOf(enrollment, item) { return enrollment + ":" + item; }

  /* Entries grouped by installer, in name order; each group keeps the
   * list's own order (the API's: cohort, module, item). */
  function byInstaller(entries) {
    var groups = [];
    var seen = {};
    entries.forEach(function (entry) {
      var id = entry.installer.id;
      if (!seen[id]) { seen[id] = { installer: entry.installer, cohort: entry.cohort, entries: [] }; groups.push(seen[id]); }
      seen[id].entries.push(entry);
    });
    return groups.sort(function (a, b) { return a.installer.name.localeCompare(b.installer.name); });
  }

  /* The whole list. `waiting` maps "enrollment:item" to the newest event
   * still in the outbox for it; `labels` names the items of waiting events
   * no longer in the list. */
  // What the lead is in the middle of survives a redraw (the app redraws
  // after every sync, every 30 s): a comment being written, an open
  // rejection form, the element with the keyboard focus.
  var drafts = {}; // "enrollment:item" -> the comment typed so far
  var rejecting = {}; // "enrollment:item" -> the rejection form is open
  var drawn = null; // what the list was last drawn from: an unchanged list is not drawn again

  function renderList(main, state, handlers) {
    var signature = JSON.stringify([state.entries, state.waiting, state.labels, state.fetchedAt === undefined, navigator.onLine]);
    if (signature === drawn && main.firstChild) return;
    drawn = signature;
    var focused = document.activeElement && main.contains(document.activeElement) ? document.activeElement.id : "";
    draw(main, state, handlers);
    if (!focused) return;
    var again = document.getElementById(focused);
    if (!again) { main.focus({ preventScroll: true }); return; } // its entry left the list: the keyboard stays in it
    again.focus();
    if (again.tagName === "TEXTAREA") again.setSelectionRange(again.value.length, again.value.length);
  }

  function draw(main, state, handlers) {
    main.replaceChildren();
    main.appendChild(el("h1", { text: gettext("Sign-offs") }));
    var listed = {};
    state.entries.forEach(function (entry) { listed[keyOf(entry.enrollment, entry.item.id)] = true; });
    var orphans = Object.keys(state.waiting).filter(function (key) { return !listed[key]; });
    if (orphans.length) main.appendChild(renderOrphans(orphans, state.waiting, state.labels));
    if (!state.entries.length) {
      // Before the first download, "nothing is waiting" would be a guess.
      var notYet = state.fetchedAt === undefined;
      main.appendChild(el("p", {
        className: "empty",
        "data-loading": notYet && navigator.onLine ? "" : null,
        text: !notYet ? gettext("Nothing is waiting for your sign-off.")
          : navigator.onLine ? gettext("Downloading the sign-offs…")
          : gettext("Connect once to download the sign-offs; after that they work offline."),
      }));
      return;
    }
    var count = state.entries.length;
    main.appendChild(el("p", {
      className: "muted",
      text: interpolate(ngettext("%(n)s item waits for your sign-off.", "%(n)s items wait for your sign-off.", count), { n: count }, true),
    }));
    byInstaller(state.entries).forEach(function (group) { main.appendChild(renderGroup(group, state, handlers)); });
  }

  function renderGroup(group, state, handlers) {
    var headingId = "installer-" + group.installer.id;
    var list = el("ul", { className: "signoff-list" });
    group.entries.forEach(function (entry) { list.appendChild(renderEntry(entry, state, handlers)); });
    var n = group.entries.length;
    return el("section", { className: "signoff-group", "aria-labelledby": headingId }, [
      el("h2", { id: headingId }, [
        document.createTextNode(group.installer.name + " "),
        el("small", { className: "muted", text: interpolate(ngettext("%(cohort)s · %(n)s item", "%(cohort)s · %(n)s items", n),
          { cohort: group.cohort.name, n: n }, true) }),
      ]),
      list,
    ]);
  }

  function renderEntry(entry, state, handlers) {
    var key = keyOf(entry.enrollment, entry.item.id);
    var id = "signoff-" + entry.enrollment + "-" + entry.item.id;
    var waiting = state.waiting[key];
    var card = el("article", { className: "signoff-card" + (waiting ? " is-waiting" : ""), id: id, tabindex: "-1", "aria-labelledby": id + "-title" }, [
      el("h3", { id: id + "-title", text: entry.item.title }),
      el("p", { className: "muted card-meta", text: interpolate(gettext("%(module)s · checked %(time)s"),
        { module: entry.module.title, time: dateTimeOf(entry.checked_at) }, true) }),
      instructions(entry),
      photos(entry),
    ]);
    card.appendChild(waiting ? waitingNote(waiting) : actions(entry, id, handlers));
    return el("li", {}, [card]);
  }

  // Open on a tablet or laptop, folded on a phone so the list stays scannable (as the installer's checklist).
  var WIDE = window.matchMedia ? window.matchMedia("(min-width: 700px)") : { matches: true };

  var chosen = {}; // what the lead opened or closed stays so across redraws

  function instructions(entry) {
    if (!entry.item.description) return null;
    var key = keyOf(entry.enrollment, entry.item.id);
    var open = key in chosen ? chosen[key] : WIDE.matches;
    var box = el("details", { className: "instructions", open: open ? "open" : null }, [
      el("summary", { text: gettext("Instructions") }),
      el("p", { text: entry.item.description }),
    ]);
    box.addEventListener("toggle", function () { chosen[key] = box.open; });
    return box;
  }

  function photos(entry) {
    if (!entry.evidence || !entry.evidence.length) {
      return entry.item.needs_evidence ? el("p", { className: "muted", text: gettext("No photo has arrived for this item.") }) : null;
    }
    var total = entry.evidence.length;
    var figures = entry.evidence.map(function (photo, index) {
      var alt = interpolate(gettext("Photo %(n)s of %(total)s for “%(item)s”, taken %(time)s"),
        { n: index + 1, total: total, item: entry.item.title, time: dateTimeOf(photo.taken_at) }, true);
      var img = el("img", { src: photo.url, alt: alt, loading: "lazy", decoding: "async" });
      var figure = el("figure", { className: "evidence-photo" }, [img]);
      // Offline and never kept (the copy could not be fetched): say so rather than show a broken image.
      img.addEventListener("error", function () {
        figure.replaceChildren(el("p", { className: "muted", text: gettext("This photo is not kept on this tablet: connect to see it.") }));
      });
      return figure;
    });
    return el("div", { className: "evidence-photos", role: "group", "aria-label": gettext("Evidence photos") }, figures);
  }

  function waitingNote(event) {
    var what = event.type === "item.signed_off"
      ? gettext("You signed this off.")
      : interpolate(gettext("You rejected this: “%(comment)s”"), { comment: event.comment || "" }, true);
    return el("p", { className: "signoff-waiting" }, [
      el("span", { className: "badge warn", text: gettext("Waiting to send") }),
      document.createTextNode(" " + what),
    ]);
  }

  function actions(entry, id, handlers) {
    var key = keyOf(entry.enrollment, entry.item.id);
    var signOff = el("button", { type: "button", id: id + "-sign-off", className: "button primary", text: gettext("Sign off") });
    signOff.addEventListener("click", function () {
      if (signOff.getAttribute("aria-busy") === "true") return;
      signOff.setAttribute("aria-busy", "true");
      handlers.onDecide(entry, "item.signed_off", "");
    });
    var boxId = id + "-comment";
    var errorId = boxId + "-error";
    // 2000: the longest comment the sync takes (bootcamp/sync_input.py).
    var box = el("textarea", { id: boxId, name: "comment", rows: "3", maxlength: "2000", "aria-describedby": id + "-comment-hint" });
    box.value = drafts[key] || "";
    box.addEventListener("input", function () { drafts[key] = box.value; });
    var problem = el("p", { id: errorId, className: "error", hidden: "hidden" });
    var form = el("form", { className: "reject-form", novalidate: "novalidate" }, [
      el("label", { for: boxId, text: gettext("What to redo (required)") }),
      el("p", { id: id + "-comment-hint", className: "muted hint", text: gettext("The installer reads this with the reopened item.") }),
      box,
      problem,
      el("button", { type: "submit", id: id + "-reject", className: "button danger", text: gettext("Reject") }),
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var comment = box.value.trim();
      if (!comment) {
        // Said in words next to the box and announced, not only a red outline.
        problem.textContent = gettext("Write what to redo: a rejection needs a comment.");
        problem.hidden = false;
        problem.setAttribute("role", "alert");
        box.setAttribute("aria-invalid", "true");
        box.setAttribute("aria-describedby", errorId + " " + id + "-comment-hint");
        box.focus();
        return;
      }
      form.querySelector("button[type=submit]").setAttribute("aria-busy", "true");
      // The comment is kept until the rejection is stored: a failed write loses nothing typed.
      handlers.onDecide(entry, "item.rejected", comment).then(function (stored) {
        if (stored) { delete drafts[key]; delete rejecting[key]; }
      });
    });
    var details = el("details", { className: "reject", open: rejecting[key] ? "open" : null }, [
      el("summary", { id: id + "-reject-open", text: gettext("Reject…") }),
      form,
    ]);
    details.addEventListener("toggle", function () { rejecting[key] = details.open; });
    return el("div", { className: "signoff-actions" }, [signOff, details]);
  }

  /* Waiting events whose item the last list no longer holds (it was
   * refreshed after the change was made): still shown, never dropped. */
  function renderOrphans(keys, waiting, labels) {
    var list = el("ul", { className: "signoff-list" });
    keys.forEach(function (key) {
      var label = labels[key] || {};
      list.appendChild(el("li", { className: "signoff-card is-waiting" }, [
        el("strong", { text: (label.item || "#" + waiting[key].item) + (label.installer ? " · " + label.installer : "") }),
        waitingNote(waiting[key]),
      ]));
    });
    return el("section", { className: "signoff-group", "aria-labelledby": "orphans-title" }, [
      el("h2", { id: "orphans-title", text: gettext("Waiting to send") }),
      list,
    ]);
  }

  var refusedDrawn = null;

  function renderRejected(box, rejected, labels, onDismiss) {
    var signature = JSON.stringify([rejected.map(function (event) { return event.id; }), labels]);
    if (signature === refusedDrawn) return; // unchanged: its buttons keep the keyboard focus
    refusedDrawn = signature;
    var hadFocus = box.contains(document.activeElement);
    box.replaceChildren();
    if (!rejected.length) {
      box.hidden = true;
      if (hadFocus) document.getElementById("signoffs").focus({ preventScroll: true });
      return;
    }
    box.hidden = false;
    box.appendChild(el("h2", { id: "rejected-title", text: gettext("Sign-offs the server refused") }));
    var list = el("ul", {});
    rejected.forEach(function (event) {
      var label = labels[keyOf(event.enrollment, event.item)] || {};
      var title = label.item || "#" + event.item;
      var what = event.type === "item.signed_off"
        ? interpolate(gettext("Sign-off of “%(item)s”"), { item: title }, true)
        : interpolate(gettext("Rejection of “%(item)s”"), { item: title }, true);
      if (label.installer) what += " (" + label.installer + ")";
      var button = el("button", { type: "button", className: "button", text: gettext("Dismiss") });
      button.setAttribute("aria-label", interpolate(gettext("Dismiss: %(item)s"), { item: title }, true));
      button.addEventListener("click", function () { onDismiss(event.id); });
      list.appendChild(el("li", {}, [el("span", { text: what + ": " + reasonText(event) }), button]));
    });
    box.appendChild(list);
    if (hadFocus) list.querySelector("button").focus(); // the next one to dismiss
  }

  /* What the last sync applied: one line per sign-off or rejection, each
   * event carrying the names it was made under (`label`). */
  function renderDone(box, applied) {
    box.replaceChildren();
    if (!applied.length) { box.hidden = true; return; }
    box.hidden = false;
    applied.forEach(function (event) {
      var label = event.label || {};
      var values = { item: label.item || "#" + event.item, installer: label.installer || "" };
      box.appendChild(el("p", {
        text: event.type === "item.signed_off"
          ? interpolate(gettext("Signed off: “%(item)s” for %(installer)s."), values, true)
          : interpolate(gettext("Rejected: “%(item)s” is reopened for %(installer)s."), values, true),
      }));
    });
  }

  /* Draw the list again at the next render even if its data did not change
   * (a decision that could not be stored leaves its buttons as they were). */
  function invalidate() { drawn = null; }

  function focusCard(enrollment, item) {
    var card = document.getElementById("signoff-" + enrollment + "-" + item);
    if (card) card.focus();
  }

  window.LeadView = {
    reasonText: reasonText,
    dateTimeOf: dateTimeOf,
    keyOf: keyOf,
    renderList: renderList,
    renderRejected: renderRejected,
    renderDone: renderDone,
    focusCard: focusCard,
    invalidate: invalidate,
  };
})();
