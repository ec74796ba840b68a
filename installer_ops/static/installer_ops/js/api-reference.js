// The API reference (/api/docs/): each operation's parameters, body and
// responses, and each schema's fields, are folded in a <details> so that the
// page stays short enough to read through. Following a link to an operation
// or a schema unfolds it; "Expand all" and "Collapse all" do what they say;
// printing unfolds everything and folds back what was folded.
(function () {
  "use strict";

  function unfold(hash) {
    const id = decodeURIComponent((hash || "").replace(/^#/, ""));
    const target = id && document.getElementById(id);
    const card = target && target.closest("article");
    const more = card && card.querySelector("details.api-more");
    if (more && !more.open) more.open = true;
    return target;
  }

  function setAll(open) {
    document.querySelectorAll("details.api-more").forEach(function (more) {
      more.open = open;
    });
  }

  function start() {
    document.querySelectorAll("[data-api-open]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        setAll(button.dataset.apiOpen === "true");
      });
    });
    // Before the browser scrolls to the target, so that it lands on the unfolded card.
    document.addEventListener("click", function (event) {
      const link = event.target.closest('a[href^="#"]');
      if (link) unfold(link.hash);
    });
    window.addEventListener("hashchange", function () {
      unfold(location.hash);
    });
    const target = unfold(location.hash);
    if (target) target.scrollIntoView();
  }

  let folded = [];
  window.addEventListener("beforeprint", function () {
    folded = Array.from(document.querySelectorAll("details.api-more:not([open])"));
    folded.forEach(function (more) {
      more.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    folded.forEach(function (more) {
      more.open = false;
    });
    folded = [];
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
