/* Dashboard charts: read the JSON the page embedded (json_script) and draw with the
   vendored ECharts. No network. */
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function chart(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    var c = window.echarts.init(el, null, { renderer: "svg" });
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }
  var ranking = data("ranking-data");
  if (ranking) {
    var c = chart("ranking-chart");
    if (c) {
      var names = ranking.names.slice().reverse();
      var scores = ranking.scores.slice().reverse();
      c.setOption({
        grid: { left: 64, right: 24, top: 8, bottom: 24 },
        xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        yAxis: { type: "category", data: names },
        tooltip: { trigger: "axis" },
        series: [{ type: "bar", data: scores, itemStyle: { color: "#1f6feb" },
                   label: { show: true, position: "right", formatter: function (p) {
                     return p.value == null ? "" : p.value + "%"; } } }]
      });
    }
  }
  var line = data("line-data");
  if (line) {
    var l = chart("line-chart");
    if (l) {
      var series = [
        { name: line.labels.this_year, type: "line", data: line.this_year, smooth: false },
        { name: line.labels.last_year, type: "line", data: line.last_year,
          lineStyle: { type: "dashed" }, itemStyle: { color: "#adb5bd" } }
      ];
      if (line.target != null) {
        series.push({ name: line.labels.target, type: "line", symbol: "none",
                      data: line.months.map(function () { return line.target; }),
                      lineStyle: { color: "#dc3545", type: "dotted" },
                      itemStyle: { color: "#dc3545" } });
      }
      l.setOption({
        tooltip: { trigger: "axis" }, legend: { top: 0 },
        grid: { left: 48, right: 24, top: 32, bottom: 24 },
        xAxis: { type: "category", data: line.months },
        yAxis: { type: "value" }, series: series
      });
    }
  }
  var bars = data("bar-data");
  if (bars) {
    var b = chart("bar-chart");
    if (b) {
      var s = [{ name: bars.labels.value, type: "bar", data: bars.values }];
      if (bars.shares.some(function (v) { return v != null; })) {
        s.push({ name: bars.labels.share, type: "bar", data: bars.shares,
                 itemStyle: { color: "#ced4da" } });
      }
      b.setOption({
        tooltip: { trigger: "axis" }, legend: { top: 0 },
        grid: { left: 48, right: 16, top: 32, bottom: 48 },
        xAxis: { type: "category", data: bars.names, axisLabel: { rotate: 30 } },
        yAxis: { type: "value" }, series: s
      });
    }
  }
})();
