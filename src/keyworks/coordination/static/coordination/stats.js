/* 问题统计: problems raised (bars) and closed (line) per ISO week.
 * Reads the JSON in #problem-weeks-data ({weeks, raised, closed}) and draws it in
 * #problem-weeks with ECharts' SVG renderer; sets data-ready="1" when drawn. */
(function () {
  "use strict";
  const box = document.getElementById("problem-weeks");
  const source = document.getElementById("problem-weeks-data");
  if (!box || !source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const chart = echarts.init(box, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    grid: { left: 40, right: 16, top: 36, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: ["新增 / Raised", "销号 / Closed"] },
    xAxis: { type: "category", data: data.weeks },
    yAxis: { type: "value", minInterval: 1, name: "个" },
    series: [
      { name: "新增 / Raised", type: "bar", data: data.raised, itemStyle: { color: "#f76707" } },
      { name: "销号 / Closed", type: "line", data: data.closed, itemStyle: { color: "#2fb344" } },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
  box.dataset.ready = "1";
})();
