/* The consent panel of the installer's tablet: the geography's consent
 * procedure kept for reading offline, its acknowledgement, and recording the
 * procedure followed at a customer's site with the representative's
 * signature. A record is a `consent.recorded` event in the outbox
 * (outbox.js), kept before it is shown and sent like a check-off; once the
 * server has stored it, it is listed from the tablet's history.
 *
 * The form is built once per flow version and left alone when the app
 * redraws (after every sync), so that what the installer is typing and the
 * signature being drawn are never wiped; only the lists around it change. */
/* global SignaturePad, InstallerFormats, gettext, interpolate, ngettext */
(function () {
  "use strict";

  var view = window.InstallerChecklist;
  var el = view.el;
  var MAX_SIGNATURE_CHARS = Math.floor(200 * 1024 * 4 / 3); // the server keeps at most 200 KB of PNG

  var built = null; // {flowId, form, pad} of the form on screen
  var handlers = {};

  function waitingList(waiting) {
    var records = waiting.filter(function (e) { return e.type === "consent.recorded"; });
    if (!records.length) return null;
    return el("section", { className: "consent-list", "aria-labelledby": "consent-waiting-title" }, [
      el("h3", { id: "consent-waiting-title", text: gettext("Waiting to be sent") }),
      el("ul", {}, records.map(function (e) {
        return el("li", { text: interpolate(gettext("Install %(install)s, recorded %(time)s: waiting for the network."), { install: e.install_id, time: InstallerFormats.moment(e.occurred_at) }, true) });
      })),
    ]);
  }

  function historyList(history) {
    if (!history.length) return null;
    return el("section", { className: "consent-list", "aria-labelledby": "consent-sent-title" }, [
      el("h3", { id: "consent-sent-title", text: gettext("Sent and stored") }),
      el("ul", {}, history.map(function (h) {
        return el("li", { text: interpolate(gettext("Install %(install)s, recorded %(time)s: stored."), { install: h.install_id, time: InstallerFormats.moment(h.occurred_at) }, true) });
      })),
    ]);
  }

  function acknowledgement(flow) {
    if (flow.acknowledged_at) {
      return el("p", { className: "notice ok", text: interpolate(gettext("You acknowledged v%(n)s on %(date)s."), { n: flow.version, date: InstallerFormats.date(flow.acknowledged_at) }, true) });
    }
    var button = el("button", { type: "button", className: "button primary", text: gettext("I have read this procedure") });
    button.addEventListener("click", function () { handlers.onAcknowledge(flow, button); });
    return el("div", { className: "notice next-step" }, [
      el("p", { text: interpolate(gettext("Read v%(n)s of your geography's consent procedure and confirm it: it is a step to independent deployment."), { n: flow.version }, true) }),
      button,
    ]);
  }

  function field(id, labelText, input, hint) {
    input.id = id;
    var parts = [el("label", { for: id, text: labelText })];
    if (hint) {
      parts.push(el("p", { id: id + "-hint", className: "hint muted", text: hint }));
      input.setAttribute("aria-describedby", id + "-hint");
    }
    parts.push(input);
    return el("div", { className: "field" }, parts);
  }

  function buildForm(flow) {
    var install = el("input", { type: "text", name: "install_id", maxlength: "64", autocomplete: "off", required: "required" });
    var steps = el("fieldset", { className: "consent-steps" }, [el("legend", { text: gettext("Steps at the site") })]);
    var taken = {}; // step id -> the shrunk photo, until the record is kept
    flow.steps.forEach(function (step) {
      var id = "consent-step-" + step.id;
      var box = el("input", { type: "checkbox", id: id, value: String(step.id) });
      var text = step.needs_photo ? interpolate(gettext("%(step)s (take the photo the procedure asks for)"), { step: step.text }, true) : step.text;
      var row = el("div", { className: "check" }, [box, el("label", { for: id, text: text })]);
      if (step.needs_photo) row.appendChild(photoControl(step, box, taken));
      steps.appendChild(row);
    });
    var representative = el("input", { type: "text", name: "representative", maxlength: "200", autocomplete: "off", required: "required" });
    var canvas = el("canvas", { className: "signature-pad", role: "img", "aria-label": gettext("Signature of the customer's representative: draw with a finger or stylus"), width: "600", height: "200" });
    var clear = el("button", { type: "button", className: "button", text: gettext("Clear the signature") });
    var problem = el("p", { className: "error", role: "alert", hidden: "hidden" });
    // Not a role=status: that is the sync line's (the app has one status).
    var done = el("p", { className: "notice ok", "aria-live": "polite", hidden: "hidden" });
    var submit = el("button", { type: "submit", className: "button primary", text: gettext("Record consent") });
    var form = el("form", { className: "consent-form", novalidate: "novalidate", "aria-labelledby": "consent-form-title" }, [
      el("h3", { id: "consent-form-title", text: gettext("Record consent at a site") }),
      field("consent-install", gettext("Install id"), install, gettext("As on the work order, e.g. INS-10432.")),
      steps,
      field("consent-representative", gettext("Customer's representative (name)"), representative),
      el("div", { className: "field" }, [
        el("p", { className: "label", id: "consent-signature-label", text: gettext("Signature of the customer's representative") }),
        canvas,
        el("div", { className: "actions" }, [clear]),
      ]),
      problem,
      el("div", { className: "actions" }, [submit]),
      done,
    ]);
    var pad = new SignaturePad(canvas, { minWidth: 0.8, maxWidth: 2.4, penColor: "#10202b", backgroundColor: "rgba(0,0,0,0)" });
    clear.addEventListener("click", function () { pad.clear(); });
    // The canvas draws at its displayed size and the screen's pixel ratio;
    // it is sized when it becomes visible or changes size (the panel opens,
    // the tablet turns), the strokes drawn so far redrawn at the new size.
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        var ratio = Math.max(window.devicePixelRatio || 1, 1);
        var width = canvas.offsetWidth, height = canvas.offsetHeight;
        if (!width || !height || (canvas.width === Math.round(width * ratio) && canvas.height === Math.round(height * ratio))) return;
        var strokes = pad.toData();
        canvas.width = Math.round(width * ratio);
        canvas.height = Math.round(height * ratio);
        canvas.getContext("2d").scale(ratio, ratio);
        pad.clear();
        if (strokes.length) pad.fromData(strokes);
      }).observe(canvas);
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      done.hidden = true;
      var ticked = Array.prototype.filter.call(steps.querySelectorAll("input[type=checkbox]"), function (b) { return b.checked; })
        .map(function (b) { return Number(b.value); });
      var missing = [];
      if (!install.value.trim()) missing.push(gettext("the install id"));
      flow.steps.forEach(function (step) {
        if (step.needs_photo && ticked.indexOf(step.id) !== -1 && !taken[step.id]) {
          missing.push(interpolate(gettext("the photo of step %(n)s"), { n: step.id }, true));
        }
      });
      if (ticked.length !== flow.steps.length) missing.push(interpolate(ngettext("%(n)s step not ticked", "%(n)s steps not ticked", flow.steps.length - ticked.length), { n: flow.steps.length - ticked.length }, true));
      if (!representative.value.trim()) missing.push(gettext("the representative's name"));
      if (pad.isEmpty()) missing.push(gettext("the signature"));
      var signature = pad.isEmpty() ? "" : pad.toDataURL("image/png");
      if (signature.length > MAX_SIGNATURE_CHARS) missing.push(gettext("a smaller signature (clear it and sign again)"));
      if (missing.length) {
        problem.textContent = interpolate(gettext("Not recorded yet. Missing: %(what)s."), { what: missing.join(", ") }, true);
        problem.hidden = false;
        return;
      }
      problem.hidden = true;
      submit.disabled = true;
      // The photos of the ticked steps go into the outbox with the record, in one transaction.
      var photos = ticked.filter(function (n) { return taken[n]; }).map(function (n) { return Object.assign({ step: n }, taken[n]); });
      handlers.onRecord({
        type: "consent.recorded", install_id: install.value.trim(), flow: flow.id,
        steps_done: ticked, representative: representative.value.trim(), signature: signature,
      }, photos).then(function (stored) {
        submit.disabled = false;
        if (!stored) return; // the app says why (sync_loop.js: the tablet could not store it)
        done.textContent = interpolate(gettext("Consent at %(install)s is recorded on this tablet; it is sent when the tablet is online."), { install: install.value.trim() }, true);
        done.hidden = false;
        form.reset();
        pad.clear();
        Object.keys(taken).forEach(function (n) { delete taken[n]; });
        Array.prototype.forEach.call(steps.querySelectorAll(".consent-photo-shown"), function (shown) { shown.replaceChildren(); });
      });
    });
    return { flowId: flow.id, form: form, pad: pad };
  }

  /* The camera (and the gallery) for a step that asks for a photo. The
   * photo is shrunk as an evidence photo is (photo_view.js), shown, and
   * ticks its step; it is kept with the record when the record is. */
  function photoControl(step, box, taken) {
    var shown = el("div", { className: "consent-photo-shown", "aria-live": "polite" });
    var make = function (suffix, text, capture) {
      var input = el("input", {
        type: "file", id: "consent-step-" + step.id + suffix, accept: "image/*", capture: capture ? "environment" : null,
        className: "visually-hidden", "aria-label": interpolate(gettext("%(verb)s: step %(n)s"), { verb: text, n: step.id }, true),
      });
      input.addEventListener("change", async function () {
        if (!input.files.length) return;
        var file = input.files[0];
        input.value = "";
        try {
          var photo = await window.InstallerPhotoView.shrink(file);
          photo.taken_at = window.InstallerPhotoView.takenAt(file); // the camera's time, if believable
          taken[step.id] = photo;
          box.checked = true;
          shown.replaceChildren(
            el("img", { src: photo.thumb, alt: interpolate(gettext("Photo of step %(n)s"), { n: step.id }, true) }),
            el("span", { className: "muted", text: gettext("Photo taken: it is sent with the record.") })
          );
        } catch (unreadable) {
          shown.replaceChildren(el("span", { className: "error", text: gettext("This picture could not be read. Take it again.") }));
        }
      });
      return el("label", { for: input.id, className: "button" + (capture ? " primary" : "") }, [
        el("span", { "aria-hidden": "true", className: "photo-icon", text: capture ? "◉" : "▦" }),
        document.createTextNode(" " + text),
        input,
      ]);
    };
    return el("div", { className: "consent-photo-part" }, [
      el("span", { className: "photo-take" }, [make("-photo", gettext("Take photo"), true), make("-gallery", gettext("From gallery"), false)]),
      shown,
    ]);
  }

  /* A refused photo taken again: the same id (the record declared it), new
   * bytes, sent afresh; the server takes it while it holds none under that id. */
  function retake(p) {
    var input = el("input", {
      type: "file", id: "consent-retake-" + p.id, accept: "image/*", capture: "environment", className: "visually-hidden",
      "aria-label": interpolate(gettext("%(verb)s: step %(n)s"), { verb: gettext("Retake photo"), n: p.step }, true),
    });
    input.addEventListener("change", async function () {
      if (!input.files.length) return;
      var file = input.files[0];
      try {
        var photo = await window.InstallerPhotoView.shrink(file);
        photo.taken_at = window.InstallerPhotoView.takenAt(file);
        handlers.onRetakePhoto(p.id, photo);
      } catch (unreadable) {
        input.after(el("span", { className: "error", text: gettext("This picture could not be read. Take it again.") }));
      }
    });
    return el("label", { for: input.id, className: "button small" }, [document.createTextNode(gettext("Retake photo")), input]);
  }

  function photoList(photos) {
    var open = (photos || []).filter(function (p) { return p.kind === "consent" && p.state !== "stored"; });
    if (!open.length) return null;
    return el("section", { className: "consent-list", "aria-labelledby": "consent-photos-title" }, [
      el("h3", { id: "consent-photos-title", text: gettext("Photos of consent steps") }),
      el("ul", {}, open.map(function (p) {
        var what = interpolate(gettext("Step %(n)s at %(install)s"), { n: p.step, install: p.install_id }, true);
        var state = p.state === "refused"
          ? interpolate(gettext("refused: %(reason)s"), { reason: p.reason }, true)
          : p.state === "sending" ? gettext("sending…") : gettext("waiting to be sent");
        var row = el("li", { "data-photo": p.id, "data-state": p.state }, [el("span", { text: what + ": " + state })]);
        if (p.state === "refused") {
          var button = el("button", { type: "button", className: "button small", text: gettext("Dismiss") });
          button.setAttribute("aria-label", interpolate(gettext("Dismiss the refused photo of “%(item)s”"), { item: what }, true));
          button.addEventListener("click", function () { window.InstallerPhotoView.dismiss(p.id); });
          row.append(" ", el("span", { className: "photo-actions" }, [button, retake(p)]));
        }
        return row;
      })),
    ]);
  }

  /* Draw the panel from what the tablet keeps: flows (downloaded), the
   * outbox's waiting events, and the history of stored records. */
  function render(flows, waiting, history, downloadedAt, photos) {
    var panel = document.getElementById("consent");
    var flow = (flows || [])[0] || null;
    // Each panel has the page's one top heading while it is shown (like Runbooks and My record).
    var heading = el("h1", { text: gettext("Customer consent") });
    if (!flow) {
      built = null;
      panel.replaceChildren(heading, el("p", { className: "empty", text: downloadedAt
        ? gettext("No consent procedure is published for your geography yet; your lead tells you when there is one.")
        : gettext("Connect once to download your geography's consent procedure; after that it works offline.") }));
      return;
    }
    if (!built || built.flowId !== flow.id) built = buildForm(flow);
    var procedure = el("details", { className: "consent-procedure" }, [
      el("summary", { text: gettext("Read the whole procedure") }),
      el("div", { className: "document-body" }),
    ]);
    procedure.lastChild.innerHTML = flow.html; // sanitised by the server (onboarding/printing.py)
    var parts = [
      heading,
      el("h2", { text: flow.title }),
      el("p", { className: "muted", text: interpolate(gettext("Version %(n)s, published %(date)s, for %(geography)s."), { n: flow.version, date: InstallerFormats.date(flow.published_at), geography: flow.geography_name }, true) }),
      acknowledgement(flow),
      procedure,
      built.form,
      waitingList(waiting),
      photoList(photos),
      historyList(history || []),
    ];
    // The form node stays where it is, neither rebuilt nor moved: its inputs and
    // signature survive the redraw, and so do the focus (a tablet's keyboard
    // stays open while a sync redraws) and a tap in progress. Moving it, even to
    // where it was, took it out of the page for a moment and dropped both.
    Array.prototype.slice.call(panel.childNodes).forEach(function (node) { if (node !== built.form) panel.removeChild(node); });
    if (built.form.parentNode !== panel) panel.appendChild(built.form);
    var after = false;
    parts.forEach(function (part) {
      if (part === built.form) after = true;
      else if (part && after) panel.appendChild(part);
      else if (part) panel.insertBefore(part, built.form);
    });
  }

  window.InstallerConsent = {
    render: render,
    setHandlers: function (given) { handlers = given; },
  };
})();
