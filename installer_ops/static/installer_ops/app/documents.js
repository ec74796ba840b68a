/* What the installer reads on the tablet, offline too: the runbooks (the
 * kit's copies, or during bootcamp the current versions) and "My record"
 * with the contacts to call. Built from what app.js downloaded at sync; no
 * network here. */
/* global InstallerFormats, gettext, interpolate */
(function () {
  "use strict";

  var view = window.InstallerChecklist;
  var el = view.el;

  var dateTimeOf = InstallerFormats.dateTime;

  /* The document folded under a "Read" control drawn as a button. Its
   * tables scroll sideways in a frame of their own, as on the pages
   * (table-frames.js), rather than breaking words to fit a phone. */
  function documentBody(html) {
    var body = el("details", { className: "document" }, [el("summary", { className: "button", text: gettext("Read") })]);
    var content = el("div", { className: "document-body" });
    content.innerHTML = html; // sanitised by the server (nh3) before it was sent
    content.querySelectorAll("table").forEach(function (table) {
      var frame = el("div", { className: "table-wrap" });
      table.replaceWith(frame);
      frame.appendChild(table);
    });
    body.appendChild(content);
    // Whether a frame scrolls is known once it is shown.
    body.addEventListener("toggle", function () { if (body.open && window.TableFrames) window.TableFrames.markAll(); });
    return body;
  }

  function copySection(copy) {
    var section = el("section", { className: "card copy", "aria-labelledby": "copy-" + copy.version_id });
    section.appendChild(el("h2", { id: "copy-" + copy.version_id, text: copy.title + " v" + copy.version }));
    section.appendChild(el("p", { className: "muted", text: interpolate(gettext("Published %(date)s · checksum %(sum)s"), { date: InstallerFormats.date(copy.published_at), sum: copy.checksum.slice(0, 16) + "…" }, true) }));
    return section;
  }

  /* During bootcamp (no kit yet): the current runbook and playbook, kept at
   * the last sync, so that the installer can read them before the kit comes. */
  function renderCurrent(panel, library, libraryAt) {
    panel.appendChild(el("p", { className: "notice", text: gettext("Your own copies arrive with your day-1 kit. Until then, read the current versions here.") }));
    if (!library || !library.length) {
      panel.appendChild(el("p", { className: "empty", text: library ? gettext("No runbook has been published yet.") : gettext("Connect once to download the current runbook and playbook.") }));
      return;
    }
    library.forEach(function (doc) {
      var section = copySection(doc);
      section.appendChild(el("p", { className: "badge info", text: interpolate(gettext("Current version %(n)s · downloaded %(time)s"), { n: doc.version, time: dateTimeOf(libraryAt) }, true) }));
      section.appendChild(documentBody(doc.html));
      panel.appendChild(section);
    });
  }

  function renderRunbooks(kit, copies, library, libraryAt, handlers) {
    var panel = document.getElementById("runbooks");
    panel.replaceChildren(el("h1", { text: gettext("Runbooks") }));
    if (!kit) {
      renderCurrent(panel, library, libraryAt);
      return;
    }
    if (kit.needs_reprint) {
      panel.appendChild(el("p", { className: "notice warning", text: gettext("A newer version was published: ask your lead for a reprint.") }));
    }
    copies.forEach(function (copy) {
      var section = copySection(copy);
      if (copy.acknowledged_at) {
        section.appendChild(el("p", { className: "badge ok", text: interpolate(gettext("You acknowledged version %(n)s."), { n: copy.version }, true) }));
      } else {
        var ack = el("button", { type: "button", className: "button primary", text: interpolate(gettext("I have read version %(n)s"), { n: copy.version }, true) });
        ack.addEventListener("click", function () { handlers.onAcknowledge(kit, copy, ack); });
        section.appendChild(ack);
      }
      section.appendChild(documentBody(copy.html));
      panel.appendChild(section);
    });
  }

  /* "My record" as the server rendered it at the last sync (its own page,
   * /me/, kept per login), shown when the page itself cannot be reached. */
  function renderRecord(record) {
    var panel = document.getElementById("record");
    panel.replaceChildren();
    if (!record) {
      panel.appendChild(el("h1", { text: gettext("My record") }));
      panel.appendChild(el("p", { className: "empty", text: gettext("Connect once to keep your record and the contacts to call on this tablet.") }));
      return;
    }
    panel.appendChild(el("p", { className: "notice warning", text: interpolate(gettext("Offline: your record as of %(time)s."), { time: dateTimeOf(record.at) }, true) }));
    var content = el("div", { className: "record-copy" });
    content.innerHTML = record.html; // the server's own page (escaped by its templates), kept at sync
    panel.appendChild(content);
  }

  window.InstallerDocuments = { renderRunbooks: renderRunbooks, renderRecord: renderRecord, dateTimeOf: dateTimeOf };
})();
