/* Log-out on a shared tablet. The outbox belongs to the login
 * (installer-ops:<username>, outbox.js) and is never deleted here: with
 * changes still unsent the app warns first and offers to send them; logging
 * out anyway keeps them on the tablet, and they are sent the next time the
 * same person logs in. The tablet forgets who used it last, so that an
 * offline start does not open the previous person's checklist. */
/* global InstallerOutbox, gettext, ngettext, interpolate */
(function () {
  "use strict";

  var form = document.getElementById("log-out");
  var warning = document.getElementById("log-out-warning");
  var message = document.getElementById("log-out-message");
  var app = null; // {pending(), sync(), csrfToken(), beforeLeave()?} from app.js or lead_app.js
  var leaving = false;

  async function leave() {
    if (!navigator.onLine) {
      message.textContent = gettext("Logging out needs a connection. Your changes stay on this tablet.");
      warning.hidden = false;
      return;
    }
    leaving = true;
    await InstallerOutbox.forgetUser();
    // What the app keeps besides the outbox and may drop (the lead's photo copies, lead_app.js).
    if (app.beforeLeave) await app.beforeLeave();
    form.querySelector("[name=csrfmiddlewaretoken]").value = app.csrfToken();
    form.submit();
  }

  function warn(count) {
    message.textContent = interpolate(ngettext(
      "%(n)s change has not been sent yet. Send it before you log out, or log out anyway: it stays on this tablet and is sent the next time you log in here.",
      "%(n)s changes have not been sent yet. Send them before you log out, or log out anyway: they stay on this tablet and are sent the next time you log in here.",
      count), { n: count }, true);
    warning.hidden = false;
    warning.querySelector("[data-action='send']").focus();
  }

  async function onSubmit(event) {
    if (leaving) return;
    event.preventDefault();
    var waiting = (await app.pending()).length;
    if (waiting) warn(waiting); else await leave();
  }

  async function sendThenLeave(button) {
    button.disabled = true;
    await app.sync();
    button.disabled = false;
    var waiting = (await app.pending()).length;
    if (waiting) {
      warn(waiting);
      message.textContent += " " + gettext("They could not be sent now (no connection or the server did not answer).");
      return;
    }
    await leave();
  }

  function setup(given) {
    app = given;
    form.addEventListener("submit", onSubmit);
    warning.querySelector("[data-action='send']").addEventListener("click", function (event) { sendThenLeave(event.currentTarget); });
    warning.querySelector("[data-action='leave']").addEventListener("click", leave);
    warning.querySelector("[data-action='stay']").addEventListener("click", function () { warning.hidden = true; });
  }

  window.InstallerLogout = { setup: setup };
})();
