// Forms marked data-submit-once send once: after the first submit their
// submit buttons are disabled and say so, so a double click or an impatient
// second click cannot post the same form twice. The server refuses a
// duplicate anyway (a cohort's name and period); this spares the error.
(function () {
  "use strict";

  function lock(form) {
    form.querySelectorAll('button[type="submit"], input[type="submit"]').forEach(function (button) {
      // Disabled on the next tick: a button disabled during the submit event
      // would drop its own name=value from the request.
      window.setTimeout(function () {
        button.disabled = true;
        if (button.dataset.busyLabel) { button.textContent = button.dataset.busyLabel; }
      }, 0);
    });
    form.setAttribute("aria-busy", "true");
  }

  function unlock(form) {
    form.querySelectorAll('button[type="submit"], input[type="submit"]').forEach(function (button) {
      button.disabled = false;
      if (button.dataset.idleLabel) { button.textContent = button.dataset.idleLabel; }
    });
    form.removeAttribute("aria-busy");
  }

  function start() {
    document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      form.querySelectorAll('button[type="submit"]').forEach(function (button) {
        button.dataset.idleLabel = button.textContent;
      });
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("aria-busy") === "true") {
          event.preventDefault();
          return;
        }
        lock(form);
      });
    });
  }

  // Coming back with the browser's Back button shows the page from its
  // cache with the buttons still disabled: enable them again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { document.querySelectorAll("form[data-submit-once]").forEach(unlock); }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
