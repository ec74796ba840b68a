// Wide tables scroll inside their own frame (.table-wrap) rather than the
// page. A frame that scrolls must be reachable from the keyboard to be
// scrolled (WCAG 2.1.1) and must say what it holds when it takes focus, and
// people must see that there is more to the side; a frame that fits stays out
// of the tab order. Whether a frame scrolls depends on the width, so this is
// decided in the browser, again after a resize and after an htmx swap.
(function () {
  "use strict";

  function frameLabel(frame) {
    const caption = frame.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    const section = frame.closest("section, article");
    const heading = section && section.querySelector("h2, h3");
    if (heading && heading.textContent.trim()) return heading.textContent.trim();
    const title = document.querySelector("main h1");
    return title ? title.textContent.trim() : document.title;
  }

  function mark(frame) {
    const scrolls = frame.scrollWidth > frame.clientWidth + 1;
    frame.classList.toggle("is-scrollable", scrolls);
    if (scrolls && !frame.hasAttribute("tabindex")) {
      frame.setAttribute("tabindex", "0");
      frame.setAttribute("role", "region");
      // Remember what was added here, so that only that is taken back.
      frame.dataset.framed = frame.hasAttribute("aria-label") ? "focus" : "focus label";
      if (frame.dataset.framed === "focus label") frame.setAttribute("aria-label", frameLabel(frame));
    } else if (!scrolls && frame.dataset.framed) {
      frame.removeAttribute("tabindex");
      frame.removeAttribute("role");
      if (frame.dataset.framed === "focus label") frame.removeAttribute("aria-label");
      delete frame.dataset.framed;
    }
  }

  function markAll() {
    document.querySelectorAll(".table-wrap").forEach(mark);
  }

  let pending = null;
  function markSoon() {
    if (pending !== null) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () {
      pending = null;
      markAll();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markAll);
  } else {
    markAll();
  }
  window.addEventListener("resize", markSoon);
  document.addEventListener("htmx:afterSettle", markSoon);
  // For pages that draw their tables themselves (the tablet app's runbooks).
  window.TableFrames = { markAll: markAll };
})();
