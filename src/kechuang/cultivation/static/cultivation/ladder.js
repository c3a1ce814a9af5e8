/* 培育梯次 funnel: reads the JSON the page embedded (json_script) and draws it with the
   vendored ECharts — this year as the funnel, last year as a thin outline beside it. */
(function () {
  "use strict";
  var el = document.getElementById("ladder-data");
  var box = document.getElementById("ladder-chart");
  if (!el || !box || !window.echarts) return;
  var d = JSON.parse(el.textContent);
  var chart = window.echarts.init(box, null, { renderer: "svg" });
  window.addEventListener("resize", function () { chart.resize(); });
  function items(values) {
    return d.labels.map(function (label, i) { return { name: label, value: values[i] }; });
  }
  var max = Math.max.apply(null, d.this_year.concat(d.last_year).concat([1]));
  chart.setOption({
    tooltip: { trigger: "item", formatter: "{a}<br/>{b}：{c}" },
    legend: { top: 0, data: [d.names.this_year, d.names.last_year] },
    series: [
      { name: d.names.this_year, type: "funnel", left: "5%", width: "55%", top: 32,
        bottom: 8, min: 0, max: max, sort: "none", minSize: "4%",
        label: { position: "inside", formatter: "{b}\n{c}" }, data: items(d.this_year) },
      { name: d.names.last_year, type: "funnel", left: "64%", width: "32%", top: 32,
        bottom: 8, min: 0, max: max, sort: "none", minSize: "4%",
        label: { position: "inside", formatter: "{c}" },
        itemStyle: { opacity: 0.45 }, data: items(d.last_year) }
    ]
  });
})();
