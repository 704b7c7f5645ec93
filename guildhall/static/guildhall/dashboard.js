// The dashboard's charts: ECharts (served by the app), SVG renderer, Chinese locale on
// Chinese pages. The figures come from the page's json_script element; each chart has the
// same figures as a table beside it, and a click on a bar opens the associations behind it.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("dashboard-charts");
    if (!source || !window.echarts) { return; }
    var charts = JSON.parse(source.textContent);
    var locale = (document.documentElement.lang || "").indexOf("zh") === 0 ? "ZH" : "EN";
    charts.forEach(function (chart) {
      var el = document.getElementById(chart.id);
      if (!el || !chart.categories.length) { return; }
      var instance = window.echarts.init(el, null, { renderer: "svg", locale: locale });
      var stacked = chart.kind === "stack";
      instance.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: chart.series.length > 1 ? { top: 0, type: "scroll" } : undefined,
        grid: { left: 8, right: 8, bottom: 8, top: chart.series.length > 1 ? 32 : 8, containLabel: true },
        xAxis: { type: "category", data: chart.categories, axisLabel: { interval: 0, rotate: chart.categories.length > 4 ? 35 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: chart.series.map(function (s) {
          return { name: s.name, type: "bar", data: s.data, barMaxWidth: 48, stack: stacked ? "all" : undefined };
        })
      });
      instance.on("click", function (params) {
        var link = chart.links[params.dataIndex];
        if (link) { window.location.href = link; }
      });
      window.addEventListener("resize", function () { instance.resize(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
  document.addEventListener("htmx:afterSettle", draw);
})();
