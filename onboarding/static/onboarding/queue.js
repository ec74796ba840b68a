// The lead's queue: a "select all" box per installer's group of sign-offs.
// Without JavaScript the boxes stay hidden and each item is ticked by hand.
(function () {
  "use strict";

  function boxesOf(group) {
    return Array.prototype.slice.call(
      document.querySelectorAll('input[name="signoff"][data-group="' + group + '"]')
    );
  }

  // The group's box reflects its items: ticked when all are, mixed when some are.
  function reflect(selectAll) {
    var boxes = boxesOf(selectAll.dataset.group);
    var ticked = boxes.filter(function (box) { return box.checked; }).length;
    selectAll.checked = boxes.length > 0 && ticked === boxes.length;
    selectAll.indeterminate = ticked > 0 && ticked < boxes.length;
  }

  function start() {
    document.querySelectorAll("input.select-all[data-group]").forEach(function (selectAll) {
      selectAll.hidden = false;
      selectAll.addEventListener("change", function () {
        boxesOf(selectAll.dataset.group).forEach(function (box) { box.checked = selectAll.checked; });
        selectAll.indeterminate = false;
      });
      boxesOf(selectAll.dataset.group).forEach(function (box) {
        box.addEventListener("change", function () { reflect(selectAll); });
      });
      reflect(selectAll);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
