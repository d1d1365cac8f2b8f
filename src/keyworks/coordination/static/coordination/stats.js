/* 问题统计: problems raised (bars) and closed (line) per ISO week.
 * Reads the JSON in #problem-weeks-data ({weeks, raised, closed, labels}, the labels
 * translated by the page) and draws it in
 * #problem-weeks with ECharts' SVG renderer; sets data-ready="1" when drawn. */
(function () {
  "use strict";
  const box = document.getElementById("problem-weeks");
  const source = document.getElementById("problem-weeks-data");
  if (!box || !source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const labels = data.labels;
  const chart = echarts.init(box, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    grid: { left: 40, right: 16, top: 36, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [labels.raised, labels.closed] },
    xAxis: { type: "category", data: data.weeks },
    yAxis: { type: "value", minInterval: 1, name: labels.unit },
    series: [
      { name: labels.raised, type: "bar", data: data.raised, itemStyle: { color: "#f76707" } },
      { name: labels.closed, type: "line", data: data.closed, itemStyle: { color: "#2fb344" } },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
  box.dataset.ready = "1";
})();
