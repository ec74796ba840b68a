/* Trend charts of the KPI pages, and the dashboard's hiring funnel. The
 * data is in <script type="application/json"> elements written by Django's
 * json_script (kpis/charts.py), so no inline script runs. Values arrive as
 * they are shown (percent for rates); the unit goes on the axis, the ticks
 * and every tooltip. */
/* global Chart */
(function () {
  "use strict";
  var lang = document.documentElement.lang || undefined;
  var LINE_STYLES = {
    target: { borderColor: "#8a4b00", borderDash: [6, 4] },
    benchmark: { borderColor: "#5a6772", borderDash: [2, 3] },
  };

  function number(value, decimals) {
    return value.toLocaleString(lang, { minimumFractionDigits: decimals, maximumFractionDigits: 1 });
  }

  // Tooltips as the page shows figures (one decimal); axis ticks without a needless ".0".
  function withUnit(value, unit, decimals) {
    var text = number(value, decimals === undefined ? 1 : decimals);
    return unit === "%" ? text + " %" : text + " " + unit;
  }

  // The hiring funnel: one horizontal bar per stage, the count reached and its share of those who applied.
  function drawFunnel(canvas, data) {
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: data.label, data: data.values, backgroundColor: "#0b5d7a", borderRadius: 3, barPercentage: 0.8 }],
      },
      options: {
        indexAxis: "y",
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (context) {
                var share = data.shares[context.dataIndex];
                var text = number(context.parsed.x, 0);
                return share === null ? text : text + " (" + number(share, 1) + " % " + data.share_label + ")";
              },
            },
          },
        },
        scales: {
          x: { beginAtZero: true, title: { display: true, text: data.axis }, ticks: { precision: 0, maxTicksLimit: 6 } },
          y: { ticks: { autoSkip: false } },
        },
      },
    });
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    if (data.kind === "funnel") { drawFunnel(canvas, data); return; }
    var datasets = [{
      label: data.label, data: data.values, borderColor: "#0b5d7a", backgroundColor: "rgba(11, 93, 122, 0.12)",
      fill: true, tension: 0.25, spanGaps: true, pointRadius: 3,
    }];
    data.lines.forEach(function (line) {
      var style = LINE_STYLES[line.kind] || LINE_STYLES.benchmark;
      datasets.push({
        label: line.label, data: data.values.map(function () { return line.value; }), borderColor: style.borderColor,
        borderDash: style.borderDash, borderWidth: 1.5, pointRadius: 0, pointHitRadius: 0, fill: false,
      });
    });
    new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { display: data.lines.length > 0, position: "bottom", labels: { boxWidth: 18, boxHeight: 2 } },
          tooltip: {
            callbacks: {
              label: function (context) {
                if (context.parsed.y === null || context.parsed.y === undefined) return "";
                return context.dataset.label + ": " + withUnit(context.parsed.y, data.unit);
              },
            },
          },
        },
        scales: {
          y: {
            beginAtZero: true,
            title: { display: true, text: data.axis + (data.unit === "%" ? " (%)" : "") },
            ticks: { callback: function (value) { return withUnit(value, data.unit, 0); }, maxTicksLimit: 5 },
          },
          x: { ticks: { maxTicksLimit: 6, autoSkip: true, autoSkipPadding: 16, maxRotation: 0 } },
        },
      },
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
