/* Sortable tables (table[data-sortable]): each header's button sorts the
 * body by its column, ascending then descending, and says so with aria-sort
 * and a polite announcement. Cells carry their value in data-sort-value
 * (numbers for figures, "" for none: always last). Rows marked "total" stay
 * at the bottom. The server's order is the initial one. */
(function () {
  "use strict";

  function key(cell) {
    var raw = cell ? cell.getAttribute("data-sort-value") : null;
    if (raw === null) raw = cell ? cell.textContent.trim() : "";
    if (raw === "") return { empty: true };
    var value = Number(raw);
    return isNaN(value) ? { text: raw.toLocaleLowerCase() } : { number: value };
  }

  function compare(a, b) {
    if (a.empty || b.empty) return a.empty && b.empty ? 0 : a.empty ? 1 : -1;
    if (a.number !== undefined && b.number !== undefined) return a.number - b.number;
    return String(a.text !== undefined ? a.text : a.number).localeCompare(String(b.text !== undefined ? b.text : b.number));
  }

  function sortBy(table, header) {
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var index = headers.indexOf(header);
    var direction = header.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    headers.forEach(function (th) { if (th.hasAttribute("aria-sort")) th.setAttribute("aria-sort", "none"); });
    header.setAttribute("aria-sort", direction);
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var totals = rows.filter(function (row) { return row.classList.contains("total"); });
    var sorted = rows.filter(function (row) { return !row.classList.contains("total"); });
    sorted.sort(function (r1, r2) {
      var a = key(r1.cells[index]), b = key(r2.cells[index]);
      if (a.empty || b.empty) return compare(a, b);  // no value stays last either way
      return direction === "ascending" ? compare(a, b) : compare(b, a);
    });
    sorted.concat(totals).forEach(function (row) { body.appendChild(row); });
    var status = table.closest("section") && table.closest("section").querySelector("[data-sort-status]");
    if (status) status.textContent = header.textContent.trim() + ": " + (direction === "ascending" ? "↑" : "↓");
  }

  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    table.querySelectorAll("thead th button.sort").forEach(function (button) {
      button.addEventListener("click", function () { sortBy(table, button.closest("th")); });
    });
  });

  // The cue under a table that scrolls sideways inside its frame, shown only when it does.
  function markOverflow() {
    document.querySelectorAll(".table-frame").forEach(function (frame) {
      var wrap = frame.querySelector(".table-wrap");
      frame.classList.toggle("is-overflowing", wrap.scrollWidth > wrap.clientWidth + 1);
    });
  }
  markOverflow();
  window.addEventListener("resize", markOverflow);
})();
