// Appraisal pages: ECharts charts from data-chart attributes, client-side table sorting.
// Loaded as a static file (the CSP forbids inline scripts); the data comes from the page.
(function () {
  "use strict";

  var PALETTE = ["#1f5fae", "#e07b39", "#2e9d62", "#b8860b", "#8e44ad"];
  var GRADE_COLOURS = { S: "#1e7b4f", A: "#2e9d62", B: "#1f5fae", C: "#d08c1a", D: "#b42318" };

  function lineOption(spec) {
    var axes = !!spec.axes;
    return {
      animation: false,
      color: PALETTE,
      grid: axes ? { left: 8, right: 24, top: 16, bottom: 8, containLabel: true }
        : { left: 4, right: 4, top: 6, bottom: 4 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: spec.labels, show: axes, boundaryGap: false },
      yAxis: { type: "value", show: axes, scale: true },
      series: [{
        name: spec.name, type: "line", data: spec.values, connectNulls: true, smooth: false,
        symbolSize: 5, lineStyle: { width: 2 }, areaStyle: axes ? null : { opacity: 0.12 }
      }]
    };
  }

  function barOption(spec) {
    return {
      animation: false,
      grid: { left: 40, right: 16, top: 16, bottom: 28 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: spec.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: [{
        name: spec.name, type: "bar", barMaxWidth: 48,
        data: spec.values.map(function (v, i) {
          return { value: v, itemStyle: { color: GRADE_COLOURS[spec.labels[i]] || PALETTE[0] } };
        }),
        label: { show: true, position: "top" }
      }]
    };
  }

  function radarOption(spec) {
    return {
      animation: false,
      color: PALETTE,
      legend: { top: 0 },
      tooltip: {},
      radar: {
        radius: "62%",
        center: ["50%", "56%"],
        axisName: { color: "#1f2933", fontSize: 13 },
        indicator: spec.labels.map(function (name) { return { name: name, max: 100 }; })
      },
      series: [{
        type: "radar",
        data: spec.series.map(function (s) {
          return { name: s.name, value: s.values, areaStyle: { opacity: 0.15 } };
        })
      }]
    };
  }

  var BUILDERS = { line: lineOption, bar: barOption, radar: radarOption };

  function drawCharts() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec;
      try { spec = JSON.parse(el.getAttribute("data-chart")); } catch (e) { return; }
      var build = BUILDERS[spec.type];
      if (!build) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(build(spec));
      el.setAttribute("data-rendered", "true");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  // <table class="sortable">: a click on a <th data-sort="num|text"> sorts by the cells'
  // data-value (numbers compare as numbers; empty values always go last).
  function sortable(table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, index) {
      var kind = th.getAttribute("data-sort");
      if (!kind) { return; }
      th.classList.add("sort-head");
      th.setAttribute("tabindex", "0");
      th.setAttribute("aria-sort", "none");
      function go() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { if (h.getAttribute("data-sort")) { h.setAttribute("aria-sort", "none"); } });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index);
          if (x === "" && y === "") { return 0; }
          if (x === "") { return 1; }
          if (y === "") { return -1; }
          var r = kind === "num" ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, document.documentElement.lang);
          return ascending ? r : -r;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", go);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); go(); } });
    });
  }

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var v = cell.getAttribute("data-value");
    if (v === null || v === "None") { v = v === "None" ? "" : cell.textContent.trim(); }
    return v;
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    document.querySelectorAll("table.sortable").forEach(sortable);
  });
})();
