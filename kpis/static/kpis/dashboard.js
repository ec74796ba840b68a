/* Trend lines of the dashboard tiles. The data is in <script type="application/json">
 * elements written by Django's json_script, so no inline script runs. */
/* global Chart */
(function () {
  "use strict";
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var scale = data.unit === "%" ? 100 : 1;
    var values = data.values.map(function (v) { return v === null ? null : v * scale; });
    var datasets = [{ label: canvas.getAttribute("aria-label"), data: values, borderColor: "#0b5d7a",
      backgroundColor: "rgba(11, 93, 122, 0.12)", fill: true, tension: 0.25, spanGaps: true, pointRadius: 2 }];
    if (data.target !== null) {
      datasets.push({ label: "target", data: values.map(function () { return data.target * scale; }),
        borderColor: "#8a4b00", borderDash: [6, 4], pointRadius: 0, fill: false });
    }
    new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return v + " " + data.unit; } } },
                  x: { ticks: { maxTicksLimit: 6 } } },
      },
    });
  });
})();
