/* A fast-check model test of the tablet's outbox (installer_ops/static/
 * installer_ops/app/outbox.js), run in Chromium by test_outbox_model.py
 * against the real module and a real IndexedDB. Random sequences of taps
 * (one at a time or two at once, as two tabs), reloads (the connection is
 * closed and opened again), and syncs whose server answers normally, fails
 * with a 5xx, is unreachable, or stores the batch but loses its answer.
 *
 * The model: the events not yet acknowledged, in the order they were
 * recorded; the refused ones; and the server's store. After every command
 * the outbox holds exactly the model's unacknowledged events in order, the
 * refused store exactly the refused ones, every recorded event is in
 * exactly one place, and the server stored none twice. */
/* global fc, InstallerOutbox */
(function () {
  "use strict";

  var ITEMS = [1, 2, 3, 4, 5];
  var REFUSED_ITEM = 5; // the server refuses events of this item ("item signed off")

  /* The server side, in the page: answers as POST /api/v1/sync/ does. */
  function FakeServer() {
    this.stored = new Map(); // id -> event
    this.appliedTwice = 0;
    this.mode = "ok";
  }

  FakeServer.prototype.answer = function (body) {
    var self = this;
    var results = body.events.map(function (event) {
      if (self.stored.has(event.id)) return { id: event.id, status: "duplicate", reason: "" };
      if (event.item === REFUSED_ITEM) return { id: event.id, status: "rejected", reason: "item signed off" };
      self.stored.set(event.id, event);
      return { id: event.id, status: "applied", reason: "" };
    });
    return { results: results, server_time: new Date().toISOString(), enrollments: [] };
  };

  FakeServer.prototype.fetch = async function (url, init) {
    var mode = this.mode;
    if (mode === "network") throw new TypeError("Failed to fetch");
    if (mode === "5xx") return new Response("boom", { status: 503 });
    var answer = this.answer(JSON.parse(init.body));
    if (mode === "lost") throw new TypeError("Failed to fetch"); // stored, answer lost
    return new Response(JSON.stringify(answer), { status: 200, headers: { "Content-Type": "application/json" } });
  };

  function Model() {
    this.waiting = []; // ids, oldest first
    this.refused = new Set();
    this.recorded = new Set();
  }

  function Real(username, server) {
    this.username = username;
    this.server = server;
    this.db = null;
  }

  Real.prototype.open = async function () {
    this.db = await InstallerOutbox.open(this.username);
  };

  /* ---- commands ---- */

  function Tap(item, type) { this.item = item; this.type = type; }
  Tap.prototype.check = function () { return true; };
  Tap.prototype.run = async function (model, real) {
    var event = await InstallerOutbox.record(real.db, { enrollment: 1, item: this.item, type: this.type });
    model.waiting.push(event.id);
    model.recorded.add(event.id);
    await invariants(model, real);
  };
  Tap.prototype.toString = function () { return "tap(" + this.item + "," + this.type + ")"; };

  function TwoTabsTap(first, second) { this.first = first; this.second = second; }
  TwoTabsTap.prototype.check = function () { return true; };
  TwoTabsTap.prototype.run = async function (model, real) {
    // A second connection, as a second tab has; both write at once.
    var other = await InstallerOutbox.open(real.username);
    var events = await Promise.all([
      InstallerOutbox.record(real.db, { enrollment: 1, item: this.first, type: "item.checked" }),
      InstallerOutbox.record(other, { enrollment: 1, item: this.second, type: "item.checked" }),
    ]);
    other.close();
    events.sort(function (a, b) { return a.device_seq - b.device_seq; });
    events.forEach(function (event) { model.waiting.push(event.id); model.recorded.add(event.id); });
    await invariants(model, real);
  };
  TwoTabsTap.prototype.toString = function () { return "twoTabs(" + this.first + "," + this.second + ")"; };

  function Reload() {}
  Reload.prototype.check = function () { return true; };
  Reload.prototype.run = async function (model, real) {
    real.db.close();
    await real.open();
    await invariants(model, real);
  };
  Reload.prototype.toString = function () { return "reload"; };

  function Sync(mode) { this.mode = mode; }
  Sync.prototype.check = function () { return true; };
  Sync.prototype.run = async function (model, real) {
    real.server.mode = this.mode;
    var sent = model.waiting.slice(0, 500);
    var failed = false;
    try {
      await InstallerOutbox.syncOnce(real.db, "token");
    } catch (error) {
      if (!(error instanceof InstallerOutbox.RetryableError)) throw error;
      failed = true;
    }
    if (this.mode === "ok") {
      if (failed) throw new Error("a sync the server answered failed");
      sent.forEach(function (id) {
        if (!real.server.stored.has(id)) model.refused.add(id);
      });
      model.waiting = model.waiting.slice(sent.length);
    } else if (!failed) {
      throw new Error("a " + this.mode + " sync did not fail");
    }
    await invariants(model, real);
  };
  Sync.prototype.toString = function () { return "sync(" + this.mode + ")"; };

  function Dismiss(index) { this.index = index; }
  Dismiss.prototype.check = function (model) { return model.refused.size > 0; };
  Dismiss.prototype.run = async function (model, real) {
    var ids = Array.from(model.refused).sort();
    var id = ids[this.index % ids.length];
    await InstallerOutbox.dismiss(real.db, id);
    model.refused.delete(id);
    model.recorded.delete(id); // dismissed by the installer: gone on purpose
    await invariants(model, real);
  };
  Dismiss.prototype.toString = function () { return "dismiss(" + this.index + ")"; };

  async function invariants(model, real) {
    var waiting = (await InstallerOutbox.pending(real.db)).map(function (e) { return e.id; });
    if (JSON.stringify(waiting) !== JSON.stringify(model.waiting)) {
      throw new Error("outbox " + JSON.stringify(waiting) + " but expected " + JSON.stringify(model.waiting));
    }
    var refused = (await real.db.getAll("rejected")).map(function (e) { return e.id; }).sort();
    if (JSON.stringify(refused) !== JSON.stringify(Array.from(model.refused).sort())) {
      throw new Error("refused store " + JSON.stringify(refused) + " but expected " + JSON.stringify(Array.from(model.refused)));
    }
    var sequences = (await InstallerOutbox.pending(real.db)).map(function (e) { return e.device_seq; });
    for (var i = 1; i < sequences.length; i += 1) {
      if (!(sequences[i] > sequences[i - 1])) throw new Error("sequence numbers not increasing: " + sequences);
    }
    // Every recorded event is waiting, refused, or stored by the server (acknowledged).
    model.recorded.forEach(function (id) {
      var places = (model.waiting.indexOf(id) >= 0 ? 1 : 0) + (model.refused.has(id) ? 1 : 0)
        + (real.server.stored.has(id) && model.waiting.indexOf(id) < 0 ? 1 : 0);
      if (places !== 1) throw new Error("event " + id + " is in " + places + " places");
    });
  }

  var commands = [
    fc.tuple(fc.constantFrom.apply(fc, ITEMS), fc.constantFrom("item.checked", "item.unchecked"))
      .map(function (t) { return new Tap(t[0], t[1]); }),
    fc.tuple(fc.constantFrom.apply(fc, ITEMS), fc.constantFrom.apply(fc, ITEMS))
      .map(function (t) { return new TwoTabsTap(t[0], t[1]); }),
    fc.constant(new Reload()),
    fc.constantFrom("ok", "ok", "5xx", "network", "lost").map(function (mode) { return new Sync(mode); }),
    fc.nat(10).map(function (n) { return new Dismiss(n); }),
  ];

  var run = 0;

  window.runOutboxModel = async function (numRuns, seed) {
    var realFetch = window.fetch;
    var started = Date.now();
    try {
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), async function (cmds) {
          run += 1;
          var server = new FakeServer();
          window.fetch = function (url, init) { return server.fetch(url, init); };
          var real = new Real("model-" + run, server);
          await real.open();
          try {
            await fc.asyncModelRun(function () { return { model: new Model(), real: real }; }, cmds);
          } finally {
            real.db.close();
            await new Promise(function (resolve) {
              var request = indexedDB.deleteDatabase("installer-ops:" + real.username);
              request.onsuccess = request.onerror = request.onblocked = resolve;
            });
          }
        }),
        { numRuns: numRuns, seed: seed }
      );
      return { ok: true, runs: run, ms: Date.now() - started };
    } catch (error) {
      return { ok: false, runs: run, error: String(error && error.message || error) };
    } finally {
      window.fetch = realFetch;
    }
  };
})();
