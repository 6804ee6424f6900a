// Draws the dashboard's charts from the JSON block the page carries
// (<script type="application/json" id="report-charts">). No inline script: the
// Content-Security-Policy allows only files from our own origin. Every chart
// has its data table beneath it, so nothing is lost without JavaScript.
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || !window.Chart) { return; }
  var charts = JSON.parse(source.textContent);

  // USWDS palette colours with enough contrast against white.
  var COLOURS = ["#005ea2", "#d83933", "#00a398", "#e5a000", "#8168b3", "#2e6276",
                 "#c05600", "#4d8055", "#71767a", "#1a4480", "#b50909", "#0f6460"];

  function options(spec) {
    var round = spec.type === "doughnut";
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: spec.type === "bar" && spec.labels.length > 6 ? "y" : "x",
      plugins: {
        legend: { display: round, position: "right" },
        title: { display: false }
      },
      scales: round ? {} : { x: { beginAtZero: true, ticks: { precision: 0 } },
                             y: { beginAtZero: true, ticks: { precision: 0 } } }
    };
  }

  function dataset(spec) {
    // One colour per slice for a doughnut; bars and lines are named by their axis.
    var many = spec.type === "doughnut";
    return {
      label: "Requests",
      data: spec.values,
      backgroundColor: many ? spec.labels.map(function (_, i) { return COLOURS[i % COLOURS.length]; }) : COLOURS[0],
      borderColor: COLOURS[0],
      tension: 0.2,
      fill: false
    };
  }

  charts.forEach(function (spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) { return; }
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: [dataset(spec)] },
      options: options(spec)
    });
  });
})();
