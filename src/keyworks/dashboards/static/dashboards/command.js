/* The command dashboard (指挥中心) charts.
 *
 * Fetches #command-charts[data-url] (dashboards/command/data.json) and draws each
 * [data-chart] element with ECharts' SVG renderer; then sets data-ready="1" on
 * #command-charts. Clicking a chart opens the list behind it (the card title's link).
 * window.kwCommand.charts holds the ECharts instances (for tests).
 */
(function () {
  "use strict";
  // The page's translated words (js_labels.py); label(key, {name: value}) fills in %(name)s.
  const LABELS = JSON.parse((document.getElementById("dashboards-labels") || {}).textContent || "{}");
  const label = (key, values) =>
    (LABELS[key] || "").replace(/%\((\w+)\)s/g, (_m, name) => String((values || {})[name] ?? ""));
  const box = document.getElementById("command-charts");
  if (!box || typeof echarts === "undefined") return;
  const charts = {};
  window.kwCommand = { charts: charts, data: null };
  const BLUE = "#206bc4", GREEN = "#2fb344", ORANGE = "#f76707", GREY = "#868e96";
  // Tooltips are HTML: every name in them is escaped (names are typed by users).
  const esc = (s) => echarts.format.encodeHTML(String(s === null || s === undefined ? "" : s));
  const grid = { left: 48, right: 16, top: 36, bottom: 8, containLabel: true };
  const num = (v) => (v === null || v === undefined ? null : Number(v));

  function bars(rows, color) {
    return {
      animation: false,
      grid: grid,
      tooltip: {
        trigger: "axis",
        formatter: (items) => {
          const row = rows[items[0].dataIndex];
          return label("rate_tip", {
            name: esc(row[0]), rate: row[1] === null ? "—" : esc(row[1]) + "%",
            done: esc(row[2]), target: esc(row[3]),
          });
        },
      },
      xAxis: { type: "category", data: rows.map((r) => r[0]), axisLabel: { interval: 0 } },
      yAxis: { type: "value", name: "%" },
      series: [{
        type: "bar", data: rows.map((r) => num(r[1])), itemStyle: { color: color },
        label: { show: true, position: "top", formatter: (p) => (p.value === null ? "" : p.value + "%") },
      }],
    };
  }

  function options(data) {
    return {
      s: {
        animation: false,
        grid: grid,
        tooltip: { trigger: "axis" },
        legend: { top: 0, data: [label("plan"), label("actual")] },
        xAxis: { type: "category", data: data.s.months },
        yAxis: { type: "value", name: label("wan") },
        series: [
          { name: label("plan"), type: "line", data: data.s.plan.map(num),
            lineStyle: { type: "dashed", color: GREY }, itemStyle: { color: GREY } },
          { name: label("actual"), type: "line", data: data.s.actual.map(num),
            itemStyle: { color: BLUE }, areaStyle: { opacity: 0.15 } },
        ],
      },
      district: bars(data.district, BLUE),
      category: bars(data.category, GREEN),
      problems: {
        animation: false,
        grid: grid,
        tooltip: { trigger: "axis" },
        legend: { top: 0, data: [label("raised"), label("closed")] },
        xAxis: { type: "category", data: data.problems.weeks },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: label("raised"), type: "bar", data: data.problems.raised, itemStyle: { color: ORANGE } },
          { name: label("closed"), type: "bar", data: data.problems.closed, itemStyle: { color: GREEN } },
        ],
      },
      lights: {
        animation: false,
        grid: grid,
        tooltip: { trigger: "axis" },
        legend: { top: 0, data: data.lights.series.map((s) => s.name) },
        xAxis: { type: "category", data: data.lights.districts, axisLabel: { interval: 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: data.lights.series.map((s) => ({
          name: s.name, type: "bar", stack: "lights", data: s.data, itemStyle: { color: s.color },
        })),
      },
    };
  }

  function draw(data) {
    window.kwCommand.data = data;
    const all = options(data);
    box.querySelectorAll("[data-chart]").forEach((el) => {
      const key = el.dataset.chart;
      const chart = charts[key] || (charts[key] = echarts.init(el, null, { renderer: "svg" }));
      chart.setOption(all[key], true);
      const target = el.closest(".card").querySelector(".card-title a");
      chart.off("click");
      if (target) chart.on("click", () => { window.location.href = target.href; });
    });
    box.dataset.ready = "1";
  }

  /* A one-image snapshot for the briefing pack: the page title, the key figures and
   * every chart (each redrawn off-screen with the canvas renderer and read through
   * ECharts' getDataURL), two charts a row, on white. Returns a PNG data URL. */
  async function png() {
    const W = 1600, PAD = 24, CELL_W = (W - 3 * PAD) / 2, CELL_H = 360, HEAD = 150;
    const keys = Object.keys(charts);
    const images = [];
    for (const key of keys) {
      const holder = document.createElement("div");
      holder.style.cssText = `position:fixed;left:-10000px;top:0;width:${CELL_W}px;height:${CELL_H - 30}px`;
      document.body.appendChild(holder);
      const copy = echarts.init(holder, null, { renderer: "canvas" });
      copy.setOption(charts[key].getOption());
      const url = copy.getDataURL({ type: "png", pixelRatio: 1, backgroundColor: "#fff" });
      copy.dispose();
      holder.remove();
      const img = new Image();
      await new Promise((ok, fail) => { img.onload = ok; img.onerror = fail; img.src = url; });
      const el = box.querySelector(`[data-chart="${key}"]`);
      const title = el.closest(".card").querySelector(".card-title a");
      images.push({ img, title: title ? title.textContent.trim() : key });
    }
    const rows = Math.ceil(images.length / 2);
    const canvas = document.createElement("canvas");
    canvas.width = W;
    canvas.height = HEAD + rows * (CELL_H + PAD) + PAD;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = "#1d273b";
    ctx.font = "bold 26px sans-serif";
    ctx.fillText(document.title.split(" · ").slice(0, 2).join(" · ") + " · " + (window.kwCommand.data || {}).month, PAD, 44);
    ctx.font = "16px sans-serif";
    const figures = [...document.querySelectorAll("#command-figures .card-body")].map((card) =>
      `${card.querySelector(".subheader").textContent.split("/")[0].trim()}：${card.querySelector(".kw-figure").textContent.replace(/\s+/g, " ").trim()}`);
    figures.forEach((text, i) => ctx.fillText(text, PAD + (i % 3) * (W / 3), 84 + Math.floor(i / 3) * 30));
    images.forEach(({ img, title }, i) => {
      const x = PAD + (i % 2) * (CELL_W + PAD), y = HEAD + Math.floor(i / 2) * (CELL_H + PAD);
      ctx.fillStyle = "#1d273b";
      ctx.font = "bold 17px sans-serif";
      ctx.fillText(title, x, y + 18);
      ctx.drawImage(img, x, y + 28, CELL_W, CELL_H - 30);
    });
    return canvas.toDataURL("image/png");
  }
  window.kwCommand.png = png;
  const pngButton = document.getElementById("command-png");
  if (pngButton) {
    pngButton.addEventListener("click", async () => {
      pngButton.disabled = true;
      try {
        const link = document.createElement("a");
        link.href = await png();
        link.download = label("png_name", { month: (window.kwCommand.data || {}).month || "" });
        document.body.appendChild(link);
        link.click();
        link.remove();
      } finally {
        pngButton.disabled = false;
      }
    });
  }

  // Charts follow their boxes, which are smaller in print (one-page print stylesheet).
  const resize = () => Object.values(charts).forEach((c) => c.resize());
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
  window.matchMedia("print").addEventListener("change", resize);
  fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((r) => {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    })
    .then(draw)
    .catch(() => { box.dataset.ready = "error"; });
})();
