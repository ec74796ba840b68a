/* Dates and times on the tablet as the pages show them (installer_ops/formats,
 * the `when` filter): one format per kind, taken from the server's format
 * module through the JavaScript catalog (get_format: "j M Y", "j M Y, H:i T"),
 * in the person's zone (their geography's, from /api/v1/me/, kept for offline
 * starts) and named by its abbreviation as the pages name it ("14:05 CET"),
 * never the device's zone or the browser's US defaults ("11/18/2026, 2:05 PM").
 * Month and day names come from Intl in the page's language. */
/* global get_format */
(function () {
  "use strict";

  // Used when the catalog did not load (it is precached with the shell, so seldom).
  var FALLBACK = { DATE_FORMAT: "j M Y", TIME_FORMAT: "H:i T", DATETIME_FORMAT: "j M Y, H:i T", MONTH_DAY_FORMAT: "j M" };
  var DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
  var zone = { name: undefined, abbreviations: {} };
  var partsCache = {};

  function language() {
    return document.documentElement.lang || "en";
  }

  function formatOf(kind) {
    var found = typeof get_format === "function" ? get_format(kind) : null;
    return found && found !== kind ? found : FALLBACK[kind];
  }

  /* The zone to show times in: {name, abbreviations} as /api/v1/me/ gives it.
   * A name the browser does not know falls back to the device's zone. */
  function setZone(given) {
    if (!given || !given.name || given.name === zone.name) return;
    try {
      new Intl.DateTimeFormat("en", { timeZone: given.name });
    } catch (unknown) {
      return;
    }
    zone = { name: given.name, abbreviations: given.abbreviations || {} };
    partsCache = {};
  }

  function numericParts(date) {
    var key = zone.name || "";
    if (!partsCache[key]) {
      partsCache[key] = new Intl.DateTimeFormat("en-US", {
        timeZone: zone.name, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
        hour: "numeric", minute: "numeric", second: "numeric", timeZoneName: "longOffset",
      });
    }
    var out = {};
    partsCache[key].formatToParts(date).forEach(function (part) { out[part.type] = part.value; });
    // "GMT+01:00", or "GMT" for UTC itself.
    var offset = (out.timeZoneName || "GMT").replace("GMT", "") || "+00:00";
    return {
      year: Number(out.year), month: Number(out.month), day: Number(out.day),
      hour: Number(out.hour) % 24, minute: Number(out.minute), second: Number(out.second),
      offset: offset, instant: date,
    };
  }

  function zoneName(parts) {
    if (zone.abbreviations[parts.offset]) return zone.abbreviations[parts.offset];
    var named = new Intl.DateTimeFormat(language(), { timeZone: zone.name, timeZoneName: "short" }).formatToParts(parts.instant);
    var name = named.filter(function (p) { return p.type === "timeZoneName"; })[0];
    return name ? name.value : parts.offset;
  }

  function word(parts, options) {
    // A calendar date (no instant) is read at noon UTC, so no zone moves it to another day.
    var at = parts.instant || new Date(Date.UTC(parts.year, parts.month - 1, parts.day, 12));
    return new Intl.DateTimeFormat(language(), Object.assign({ timeZone: parts.instant ? zone.name : "UTC" }, options)).format(at);
  }

  function two(n) { return String(n).padStart(2, "0"); }

  // Django's date format characters (docs: "date" template filter), those a format module uses.
  var CHARACTERS = {
    d: function (p) { return two(p.day); },
    j: function (p) { return String(p.day); },
    D: function (p) { return word(p, { weekday: "short" }); },
    l: function (p) { return word(p, { weekday: "long" }); },
    m: function (p) { return two(p.month); },
    n: function (p) { return String(p.month); },
    M: function (p) { return word(p, { month: "short" }); },
    b: function (p) { return word(p, { month: "short" }).toLowerCase(); },
    F: function (p) { return word(p, { month: "long" }); },
    N: function (p) { return word(p, { month: "short" }); },
    Y: function (p) { return String(p.year); },
    y: function (p) { return two(p.year % 100); },
    H: function (p) { return two(p.hour); },
    G: function (p) { return String(p.hour); },
    h: function (p) { return two(p.hour % 12 || 12); },
    g: function (p) { return String(p.hour % 12 || 12); },
    i: function (p) { return two(p.minute); },
    s: function (p) { return two(p.second); },
    A: function (p) { return p.hour < 12 ? "AM" : "PM"; },
    a: function (p) { return p.hour < 12 ? "a.m." : "p.m."; },
    T: function (p) { return p.instant ? zoneName(p) : ""; },
    O: function (p) { return p.instant ? p.offset.replace(":", "") : ""; },
    e: function (p) { return p.instant ? zone.name || "" : ""; },
  };

  function apply(format, parts) {
    var out = "";
    for (var i = 0; i < format.length; i += 1) {
      var c = format[i];
      if (c === "\\" && i + 1 < format.length) { out += format[i + 1]; i += 1; continue; }
      out += CHARACTERS[c] ? CHARACTERS[c](parts) : c;
    }
    return out;
  }

  /* What a value from the API is: a calendar date ("2026-11-18", shown as
   * is) or an instant (an ISO date-time, shown in the person's zone). */
  function partsOf(value) {
    if (!value) return null;
    var date = DATE_ONLY.exec(value);
    if (date) return { year: Number(date[1]), month: Number(date[2]), day: Number(date[3]), hour: 0, minute: 0, second: 0, instant: null };
    var moment = new Date(value);
    return isNaN(moment.getTime()) ? null : numericParts(moment);
  }

  function show(kind, value) {
    var parts = partsOf(value);
    return parts ? apply(formatOf(kind), parts) : "";
  }

  /* Today's date in the person's zone, as the server reckons "overdue"
   * (timezone.localdate() in the same zone): "2026-11-18". */
  function today() {
    var p = numericParts(new Date());
    return p.year + "-" + two(p.month) + "-" + two(p.day);
  }

  /* A moment of today as its time ("14:05 CET"), of another day with its
   * date too: "Last sync 14:05" read days later would mislead. */
  function moment(value) {
    var parts = partsOf(value);
    if (!parts) return "";
    var sameDay = parts.year + "-" + two(parts.month) + "-" + two(parts.day) === today();
    return apply(formatOf(sameDay ? "TIME_FORMAT" : "DATETIME_FORMAT"), parts);
  }

  window.InstallerFormats = {
    setZone: setZone,
    date: function (value) { return show("DATE_FORMAT", value); },
    dateTime: function (value) { return show("DATETIME_FORMAT", value); },
    time: function (value) { return show("TIME_FORMAT", value); },
    moment: moment,
    today: today,
    zoneName: function () { return zone.name; },
  };
})();
