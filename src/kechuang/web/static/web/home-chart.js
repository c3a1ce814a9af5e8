/* Home page: enterprises per county as a bar chart, from the JSON the page embedded
   (json_script "kc-county-data"). A static file so the CSP needs no 'unsafe-inline'. */
(function () {
  "use strict";
  var el = document.getElementById("kc-county-chart");
  var data = document.getElementById("kc-county-data");
  if (!el || !data || !window.echarts) return;
  var rows = JSON.parse(data.textContent);
  var chart = window.echarts.init(el);
  chart.setOption({
    animationDuration: 300,
    grid: {left: 40, right: 16, top: 16, bottom: 56},
    tooltip: {trigger: "axis"},
    xAxis: {type: "category", data: rows.map(function (r) { return r.name; }),
            axisLabel: {interval: 0, rotate: rows.length > 8 ? 35 : 0}},
    yAxis: {type: "value", minInterval: 1},
    series: [{type: "bar", data: rows.map(function (r) { return r.count; }),
              itemStyle: {color: "#1f6feb", borderRadius: [4, 4, 0, 0]}, barMaxWidth: 36}]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
