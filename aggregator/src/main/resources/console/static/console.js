// certsonar console: draws the overview's chart, and keeps live regions from replacing what a person is typing in.
(function () {
  "use strict";
  var charts = [];

  function drawCharts() {
    if (typeof echarts === "undefined") {
      return;
    }
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
      var data = JSON.parse(el.getAttribute("data-chart"));
      var colours = {
        EXPIRED: "#b03a3a", INVALID: "#b0407a", CRITICAL: "#e0564f", UNREACHABLE: "#e98a3c",
        WARNING: "#e6b422", STALE: "#9aa5b1", OK: "#3e9b5a", UNKNOWN: "#6b2b2b"
      };
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0, type: "scroll" },
        grid: { left: 40, right: 16, top: 40, bottom: 40 },
        xAxis: { type: "category", data: data.weeks, axisLabel: { rotate: 45 } },
        yAxis: { type: "value", minInterval: 1 },
        series: data.series.map(function (s) {
          var series = { name: s.name, type: "bar", stack: "all", data: s.counts, emphasis: { focus: "series" } };
          if (colours[s.name]) {
            series.itemStyle = { color: colours[s.name] };
          }
          return series;
        })
      });
      charts.push(chart);
    });
  }

  document.addEventListener("DOMContentLoaded", drawCharts);
  document.addEventListener("htmx:afterSettle", function (e) {
    if (e.target && e.target.querySelector && e.target.querySelector(".chart[data-chart]")) {
      drawCharts();
    }
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  // A live region is not refreshed while focus is in one of its fields: what is being typed stays.
  document.addEventListener("htmx:beforeRequest", function (e) {
    var el = e.detail && e.detail.elt;
    var active = document.activeElement;
    if (el && el.tagName === "SECTION" && active && el.contains(active)
        && (active.tagName === "INPUT" || active.tagName === "TEXTAREA" || active.tagName === "SELECT")) {
      e.preventDefault();
    }
  });
})();
