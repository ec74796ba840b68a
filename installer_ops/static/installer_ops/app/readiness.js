/* The readiness panel of the installer's tablet: the way to independent
 * deployment as steps (bootcamp → kit → shadow week → drill → consent → cleared) with
 * the next one highlighted and what to do about it, then the shadow days.
 * Built from the readiness the app downloaded (app.js); no network here. */
/* global InstallerFormats, gettext, interpolate */
(function () {
  "use strict";

  var view = window.InstallerChecklist;
  var el = view.el;

  // The gate's requirements in the order an installer meets them, then the clearance.
  var STEPS = [
    { code: "bootcamp", label: gettext("Bootcamp"), todo: gettext("Finish your checklist: every item checked and, where it says so, signed off by your lead.") },
    { code: "kit", label: gettext("Day-1 kit"), todo: gettext("Your lead issues your kit; then read the runbook and playbook in the Runbooks tab and confirm you have read them.") },
    { code: "shadow", label: gettext("Shadow week"), todo: gettext("Work alongside your mentor; they confirm each shadow day in their app.") },
    { code: "drill", label: gettext("Outage drill"), todo: gettext("Your lead schedules an outage drill; recover the node within the time allowed to pass.") },
    { code: "consent", label: gettext("Consent flow"), todo: gettext("Read your geography's consent procedure in the Consent tab and confirm you have read it; you follow it at every customer site.") },
    { code: "cleared", label: gettext("Cleared"), todo: gettext("Everything is met: your lead can now clear you for independent deployment.") },
  ];

  function stepStates(readiness) {
    var met = {};
    readiness.requirements.forEach(function (r) { met[r.code] = r; });
    var cleared = !!readiness.clearance && readiness.clearance.valid_until >= view.today();
    var nextFound = false;
    return STEPS.map(function (step) {
      var requirement = met[step.code];
      var done = step.code === "cleared" ? cleared && readiness.ready : !!(requirement && requirement.met);
      var state = done ? "done" : nextFound ? "later" : "next";
      if (state === "next") nextFound = true;
      return { step: step, state: state, detail: requirement ? requirement.detail : "" };
    });
  }

  function renderSteps(readiness) {
    var states = stepStates(readiness);
    var list = el("ol", { className: "steps" });
    var next = null;
    states.forEach(function (s, index) {
      var word = s.state === "done" ? gettext("Done") : s.state === "next" ? gettext("Next") : gettext("Later");
      var item = el("li", { className: "step is-" + s.state, "aria-current": s.state === "next" ? "step" : null }, [
        el("span", { className: "step-mark", "aria-hidden": "true", text: s.state === "done" ? "✓" : String(index + 1) }),
        el("span", { className: "step-text" }, [
          el("strong", { text: s.step.label }),
          el("span", { className: "step-state", text: word }),
          s.detail ? el("span", { className: "step-detail muted", text: s.detail }) : null,
        ]),
      ]);
      list.appendChild(item);
      if (s.state === "next") next = s;
    });
    var parts = [list];
    if (next) {
      parts.unshift(el("div", { className: "notice next-step" }, [
        el("h2", { text: interpolate(gettext("Next: %(step)s"), { step: next.step.label }, true) }),
        el("p", { text: next.step.todo }),
      ]));
    } else if (readiness.clearance) {
      parts.unshift(el("p", { className: "notice", text: interpolate(gettext("Cleared until %(date)s."), { date: InstallerFormats.date(readiness.clearance.valid_until) }, true) }));
    }
    return parts;
  }

  function renderReadiness(readiness, shadowDays, handlers) {
    var panel = document.getElementById("readiness");
    panel.replaceChildren(el("h1", { text: gettext("Ready to deploy alone?") }));
    if (!readiness) {
      panel.appendChild(el("p", { className: "empty", text: gettext("Connect once to see your readiness.") }));
      return;
    }
    renderSteps(readiness).forEach(function (part) { panel.appendChild(part); });
    var me = readiness.installer;
    var toConfirm = shadowDays.filter(function (d) { return d.to_confirm; });
    if (toConfirm.length) {
      // This installer mentors someone: their days wait for this login's confirmation.
      panel.appendChild(el("h2", { text: gettext("Shadow days to confirm as a mentor") }));
      var pending = el("ul", { className: "checklist" });
      toConfirm.forEach(function (d) {
        var button = el("button", { type: "button", className: "button primary", text: gettext("Confirm") });
        var day = InstallerFormats.date(d.day);
        button.setAttribute("aria-label", interpolate(gettext("Confirm %(name)s on %(day)s"), { name: d.installer_name, day: day }, true));
        button.addEventListener("click", function () { handlers.onConfirm(d, button); });
        pending.appendChild(el("li", { className: "day-row" }, [el("span", { text: day + " · " + d.installer_name + " · " + d.site }), button]));
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
      days.appendChild(el("li", { className: "day-row" }, [
        el("span", { text: InstallerFormats.date(d.day) + " · " + d.site + " · " + d.mentor_name }),
        el("span", { className: d.confirmed_at ? "badge ok" : "badge", text: d.confirmed_at ? gettext("Confirmed by your mentor") : gettext("Waiting for your mentor") }),
      ]));
    });
    panel.appendChild(days);
  }

  window.InstallerReadiness = { render: renderReadiness, stepStates: stepStates };
})();
