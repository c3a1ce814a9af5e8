/* 技术市场统计: the month curve (bars: added, line: cumulative, dashed: the year's target)
   and the split by type, from the JSON the page embedded, with the vendored ECharts. */
(function () {
  "use strict";
  var el = document.getElementById("tm-chart-data");
  if (!el || !window.echarts) return;
  var d = JSON.parse(el.textContent);
  var months = document.getElementById("tm-month-chart");
  var types = document.getElementById("tm-type-chart");
  var charts = [];
  if (months) {
    var c = window.echarts.init(months, null, { renderer: "svg" });
    var series = [
      { name: d.labels.added, type: "bar", data: d.added },
      { name: d.labels.cumulative, type: "line", data: d.cumulative, smooth: false }
    ];
    if (d.target !== null) {
      series[1].markLine = { symbol: "none", lineStyle: { type: "dashed" },
        data: [{ yAxis: d.target, name: d.labels.target }],
        label: { formatter: d.labels.target + " {c}" } };
    }
    c.setOption({ tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 48, right: 24, top: 36, bottom: 28 },
      xAxis: { type: "category", data: d.months }, yAxis: { type: "value" },
      series: series });
    charts.push(c);
  }
  if (types && d.types.length) {
    var t = window.echarts.init(types, null, { renderer: "svg" });
    t.setOption({ tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      series: [{ type: "pie", radius: ["35%", "70%"], data: d.types,
                 label: { formatter: "{b}\n{d}%" } }] });
    charts.push(t);
  }
  window.addEventListener("resize", function () { charts.forEach(function (x) { x.resize(); }); });
})();
