/* The installer's tablet app. It renders from IndexedDB first (so it works
 * with no network), overlays the changes still waiting in the outbox, and
 * syncs on load, on `online`, when the page becomes visible, on a timer,
 * after each change and from "Sync now", backing off exponentially on
 * network errors and 5xx. */
/* global InstallerOutbox, gettext, ngettext, interpolate */
(function () {
  "use strict";

  var root = document.getElementById("app");
  var username = null; // learned from /api/v1/me/, remembered for offline starts
  var statusEl = document.getElementById("sync-status");
  var syncButton = document.getElementById("sync-now");
  var updateBanner = document.getElementById("update-banner");
  var PERIOD_MS = 30000;
  var MAX_BACKOFF_MS = 60000;

  var db = null;
  var syncing = false;
  var again = false;
  var failures = 0;
  var retryTimer = null;
  var authProblem = false;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

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

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  function timeOf(iso) {
    return iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";
  }

  /* The server's state with the waiting changes applied in the order made. */
  function overlay(enrollments, waiting) {
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
    });
    return copy;
  }

  function itemDone(item) {
    return item.checked && (item.signed_off || !item.needs_signoff);
  }

  async function render() {
    var enrollments = (await db.get("meta", "enrollments")) || [];
    var cohorts = (await db.get("meta", "cohorts")) || {};
    var waiting = await InstallerOutbox.pending(db);
    var rejected = await db.getAll("rejected");
    var lastSync = await db.get("meta", "lastSync");
    renderStatus(waiting.length, lastSync);
    renderRejected(rejected, enrollments);
    renderReadiness((await db.get("meta", "readiness")) || null, (await db.get("meta", "shadowDays")) || []);
    renderRunbooks((await db.get("meta", "kit")) || null, (await db.get("meta", "copies")) || []);
    var main = document.getElementById("checklist");
    main.replaceChildren();
    var shown = overlay(enrollments, waiting);
    if (!shown.length) {
      main.appendChild(el("p", {
        className: "empty",
        text: lastSync === undefined && !navigator.onLine
          ? gettext("Connect once to download your checklist; after that it works offline.")
          : gettext("You are not enrolled in a bootcamp cohort yet."),
      }));
      return;
    }
    shown.forEach(function (enrollment) { main.appendChild(renderEnrollment(enrollment, cohorts[enrollment.cohort])); });
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
    var overdue = !complete && module.due_on < today();
    var heading = el("h2", { id: "module-" + module.id }, [
      document.createTextNode((index + 1) + ". " + module.title + " "),
      el("small", { className: "muted", text: interpolate(gettext("due %(date)s · %(done)s/%(total)s"), { date: module.due_on, done: done, total: module.items.length }, true) }),
      complete ? el("span", { className: "badge ok", text: gettext("Complete") }) : null,
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
    box.addEventListener("change", function () {
      change(enrollment.id, item.id, box.checked ? "item.checked" : "item.unchecked");
    });
    return el("li", { className: "check-item" + (item.checked ? " is-checked" : "") }, [
      box,
      el("label", { for: id, text: item.title }),
      notes.length ? el("div", { id: id + "-notes", className: "notes" }, notes) : null,
    ]);
  }

  function renderReadiness(readiness, shadowDays) {
    var panel = document.getElementById("readiness");
    panel.replaceChildren(el("h1", { text: gettext("Ready to deploy alone?") }));
    if (!readiness) {
      panel.appendChild(el("p", { className: "empty", text: gettext("Connect once to see your readiness.") }));
      return;
    }
    var list = el("ul", { className: "gate" });
    readiness.requirements.forEach(function (r) {
      list.appendChild(el("li", { className: r.met ? "met" : "unmet" }, [
        el("strong", { text: (r.met ? "✓ " : "✗ ") + r.label }),
        el("span", { className: "muted", text: " " + r.detail }),
      ]));
    });
    panel.appendChild(list);
    if (readiness.clearance) {
      panel.appendChild(el("p", { className: "notice", text: interpolate(gettext("Cleared until %(date)s."), { date: readiness.clearance.valid_until }, true) }));
    }
    var me = readiness.installer;
    var toConfirm = shadowDays.filter(function (d) { return d.to_confirm; });
    if (toConfirm.length) {
      // This installer mentors someone: their days wait for this login's confirmation.
      panel.appendChild(el("h2", { text: gettext("Shadow days to confirm as a mentor") }));
      var pending = el("ul", { className: "checklist" });
      toConfirm.forEach(function (d) {
        var button = el("button", { type: "button", className: "button primary", text: gettext("Confirm") });
        button.setAttribute("aria-label", interpolate(gettext("Confirm %(name)s on %(day)s"), { name: d.installer_name, day: d.day }, true));
        button.addEventListener("click", function () { confirmShadowDay(d, button); });
        pending.appendChild(el("li", { className: "check-item" }, [el("span", { text: d.day + " · " + d.installer_name + " · " + d.site }), button]));
      });
      panel.appendChild(pending);
    }
    panel.appendChild(el("h2", { text: gettext("My shadow days") }));
    var mine = shadowDays.filter(function (d) { return d.installer === me; });
    if (!mine.length) {
      panel.appendChild(el("p", { className: "empty", text: gettext("No shadow day recorded yet.") }));
      return;
    }
    var days = el("ul", { className: "checklist" });
    mine.forEach(function (d) {
      days.appendChild(el("li", { className: "check-item" }, [
        el("span", { text: d.day + " · " + d.site + " · " + d.mentor_name }),
        el("span", { className: d.confirmed_at ? "badge ok" : "badge", text: d.confirmed_at ? gettext("Confirmed by your mentor") : gettext("Waiting for your mentor") }),
      ]));
    });
    panel.appendChild(days);
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

  function renderRunbooks(kit, copies) {
    var panel = document.getElementById("runbooks");
    panel.replaceChildren(el("h1", { text: gettext("Runbooks") }));
    if (!kit) {
      panel.appendChild(el("p", { className: "empty", text: gettext("Your copies arrive with your day-1 kit.") }));
      return;
    }
    if (kit.needs_reprint) {
      panel.appendChild(el("p", { className: "notice warning", text: gettext("A newer version was published: ask your lead for a reprint.") }));
    }
    copies.forEach(function (copy) {
      var section = el("section", { className: "card copy", "aria-labelledby": "copy-" + copy.version_id });
      section.appendChild(el("h2", { id: "copy-" + copy.version_id, text: copy.title + " v" + copy.version }));
      section.appendChild(el("p", { className: "muted", text: interpolate(gettext("Published %(date)s · checksum %(sum)s"), { date: copy.published_at.slice(0, 10), sum: copy.checksum.slice(0, 16) + "…" }, true) }));
      if (copy.acknowledged_at) {
        section.appendChild(el("p", { className: "badge ok", text: interpolate(gettext("You acknowledged version %(n)s."), { n: copy.version }, true) }));
      } else {
        var ack = el("button", { type: "button", className: "button primary", text: interpolate(gettext("I have read version %(n)s"), { n: copy.version }, true) });
        ack.addEventListener("click", function () { acknowledge(kit, copy, ack); });
        section.appendChild(ack);
      }
      var body = el("details", { className: "document" }, [el("summary", { text: gettext("Read") })]);
      var content = el("div", { className: "document-body" });
      content.innerHTML = copy.html; // sanitised by the server (nh3) before it was stored
      body.appendChild(content);
      section.appendChild(body);
      panel.appendChild(section);
    });
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
  }

  function renderStatus(waitingCount, lastSync) {
    var sentence = waitingCount
      ? interpolate(ngettext("%(n)s change waiting to sync.", "%(n)s changes waiting to sync.", waitingCount), { n: waitingCount }, true)
      : gettext("All changes synced.");
    var when = lastSync
      ? " " + interpolate(gettext("Last sync %(time)s."), { time: timeOf(lastSync) }, true)
      : " " + gettext("Not synced yet.");
    var problem = authProblem ? " " + gettext("Log in again to sync.") : !navigator.onLine ? " " + gettext("Offline.") : "";
    statusEl.textContent = sentence + when + problem;
    document.getElementById("login-again").hidden = !authProblem;
    statusEl.dataset.waiting = String(waitingCount);
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
      var what = event.type === "item.checked" ? gettext("Checked") : gettext("Unchecked");
      var button = el("button", { type: "button", className: "button", text: gettext("Dismiss") });
      button.setAttribute("aria-label", interpolate(gettext("Dismiss: %(item)s"), { item: titles[event.item] || event.item }, true));
      button.addEventListener("click", async function () { await InstallerOutbox.dismiss(db, event.id); render(); });
      list.appendChild(el("li", {}, [
        el("span", { text: what + " “" + (titles[event.item] || "#" + event.item) + "”: " + event.reason }),
        button,
      ]));
    });
    box.appendChild(list);
  }

  async function change(enrollmentId, itemId, type) {
    await InstallerOutbox.record(db, { enrollment: enrollmentId, item: itemId, type: type });
    await render();
    requestBackgroundSync();
    sync();
  }

  /* ---- syncing ---- */

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
    if (!db) return;
    if (syncing) { again = true; return; }
    syncing = true;
    try {
      await withLock(async function () {
        do {
          again = false;
          var waiting = await InstallerOutbox.pending(db);
          if (waiting.length) await InstallerOutbox.syncOnce(db, csrfToken());
          var more = (await InstallerOutbox.pending(db)).length;
          again = again || (more > 0 && more < waiting.length);
        } while (again);
        await refresh();
      });
      failures = 0;
      authProblem = false;
      clearTimeout(retryTimer);
    } catch (error) {
      if (error instanceof InstallerOutbox.RetryableError) {
        failures += 1;
        scheduleRetry();
      } else if (error.status === 401 || error.status === 403) {
        authProblem = true;
      } else {
        failures += 1;
        scheduleRetry();
      }
    } finally {
      syncing = false;
      await render();
    }
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
    var tx = db.transaction("meta", "readwrite");
    tx.store.put(enrollments, "enrollments");
    tx.store.put(cohorts, "cohorts");
    if (!(await tx.store.get("lastSync"))) tx.store.put(new Date().toISOString(), "lastSync");
    await tx.done;
    await refreshOnboarding(false);
  }

  var ONBOARDING_EVERY_MS = 5 * 60 * 1000;
  var lastOnboarding = 0;

  async function getJson(url) {
    var response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new InstallerOutbox.RetryableError("server: " + response.status);
    return response.json();
  }

  /* Readiness, shadow days and the kit's copies, kept for reading offline. */
  async function refreshOnboarding(force) {
    if (!force && Date.now() - lastOnboarding < ONBOARDING_EVERY_MS) return;
    var me = await getJson("/api/v1/me/");
    if (!me.installer) return;
    var found = await Promise.all([
      getJson("/api/v1/installers/" + me.installer.id + "/readiness/"),
      getJson("/api/v1/shadow-days/"),
      getJson("/api/v1/kits/"),
    ]);
    var kit = found[2].results[0] || null;
    var copies = kit ? await getJson("/api/v1/kits/" + kit.id + "/copies/") : [];
    var tx = db.transaction("meta", "readwrite");
    tx.store.put(found[0], "readiness");
    tx.store.put(found[1].results, "shadowDays");
    tx.store.put(kit, "kit");
    tx.store.put(copies, "copies");
    await tx.done;
    lastOnboarding = Date.now();
  }

  function requestBackgroundSync() {
    // Used where the browser has it, never relied on: the triggers above still run.
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync && registration.sync.register) {
        return registration.sync.register("installer-ops-outbox");
      }
    }).catch(function () {});
  }

  /* ---- the app shell and its updates ---- */

  function offerReload(worker) {
    updateBanner.hidden = false;
    updateBanner.querySelector("button").onclick = function () {
      worker.postMessage({ type: "SKIP_WAITING" });
    };
  }

  function registerServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    var reloading = false;
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      if (reloading) return;
      // Only a release the installer accepted replaces a running page.
      if (updateBanner.dataset.accepted !== "yes") return;
      reloading = true;
      window.location.reload();
    });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "SYNC") sync();
    });
    navigator.serviceWorker.register(root.dataset.serviceWorker, { scope: root.dataset.scope }).then(function (registration) {
      if (registration.waiting && navigator.serviceWorker.controller) offerReload(registration.waiting);
      registration.addEventListener("updatefound", function () {
        var worker = registration.installing;
        worker.addEventListener("statechange", function () {
          if (worker.state === "installed" && navigator.serviceWorker.controller) offerReload(worker);
        });
      });
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "visible") registration.update().catch(function () {});
      });
    }).catch(function () {});
    updateBanner.querySelector("button").addEventListener("click", function () {
      updateBanner.dataset.accepted = "yes";
    });
  }

  /* Who is logged in: the server says when reachable; offline, the last
   * login on this tablet. The shell itself is the same for everyone. */
  async function whoAmI() {
    try {
      var response = await fetch("/api/v1/me/", { credentials: "same-origin" });
      if (response.ok) {
        var me = await response.json();
        await InstallerOutbox.rememberUser(me.username);
        return me.username;
      }
      if (response.status === 401 || response.status === 403) authProblem = true;
    } catch (networkError) {
      // Offline: fall through to the last login.
    }
    return InstallerOutbox.lastUser();
  }

  async function start() {
    window.addEventListener("hashchange", showPanel);
    showPanel();
    username = await whoAmI();
    if (!username) {
      statusEl.textContent = gettext("Connect once to download your checklist; after that it works offline.");
      registerServiceWorker();
      window.addEventListener("online", function () { window.location.reload(); });
      return;
    }
    db = await InstallerOutbox.open(username);
    await render();
    if (navigator.storage && navigator.storage.persist) {
      // Ask the browser not to evict the outbox under storage pressure.
      navigator.storage.persist().catch(function () {});
    }
    registerServiceWorker();
    syncButton.addEventListener("click", function () { failures = 0; sync(); });
    window.addEventListener("online", function () { failures = 0; lastOnboarding = 0; sync(); });
    window.addEventListener("offline", function () { render(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") sync();
    });
    setInterval(sync, PERIOD_MS);
    sync();
  }

  start();
})();
