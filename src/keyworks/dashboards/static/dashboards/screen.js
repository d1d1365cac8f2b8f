/* The big screen (大屏).
 *
 * Reads #screen[data-geo-url, data-map-url, data-data-url, data-refresh] (the signed-in
 * endpoints, or a screen link's own), draws the map (same payload as the battle map,
 * points coloured by warning light), the key figures, the lights and the ranking, and
 * refreshes everything in place every data-refresh seconds: fetch + chart.setOption
 * (merged, no page reload, no flicker). Sets data-ready="1" after the first draw and
 * counts refreshes in data-refreshed; a revoked link shows a notice (data-ready="gone").
 * window.kwScreen = { charts, refresh(), tick(), data, map }.
 */
(function () {
  "use strict";
  // The page's translated words (js_labels.py); label(key, {name: value}) fills in %(name)s.
  const LABELS = JSON.parse((document.getElementById("dashboards-labels") || {}).textContent || "{}");
  const label = (key, values) =>
    (LABELS[key] || "").replace(/%\((\w+)\)s/g, (_m, name) => String((values || {})[name] ?? ""));
  const box = document.getElementById("screen");
  if (!box || typeof echarts === "undefined") return;
  const MAP = "kw-screen";
  const charts = {
    map: echarts.init(document.getElementById("scr-map"), null, { renderer: "canvas" }),
    lights: echarts.init(document.getElementById("scr-lights"), null, { renderer: "canvas" }),
    ranking: echarts.init(document.getElementById("scr-ranking"), null, { renderer: "canvas" }),
  };
  const state = { data: null, map: null, hasMap: false, refreshed: 0 };
  // Optional background tiles under the map (static/dashboards/tiles.js).
  const tiles = window.kwTiles ? window.kwTiles.attach(charts.map, { attributionColor: "#8fb3ff" }) : null;
  const AXIS = { color: "#8fb3ff" };
  // Tooltips are HTML: every name in them is escaped (names are typed by users).
  const esc = (s) => echarts.format.encodeHTML(String(s === null || s === undefined ? "" : s));
  window.kwScreen = { charts, refresh, tick, get data() { return state.data; }, get map() { return state.map; } };
  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));

  function clock() {
    const now = new Date();
    document.getElementById("scr-clock").textContent = now.toLocaleString("zh-CN", { hour12: false });
  }

  async function json(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) {
      const error = new Error(url + " " + response.status);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  function drawMap(data) {
    if (!state.hasMap) return;
    const dim = data.dims.find((d) => d.k === "light");
    const lookup = data[dim.g] || {};
    const placed = data.p.filter((p) => p[1] !== null);
    charts.map.setOption({
      backgroundColor: "transparent",
      tooltip: { trigger: "item", formatter: (p) => (p.seriesType === "map"
        ? label("region_tip", { name: esc(p.name), count: Number((p.data && p.data.value) || 0) })
          + pausedNote(p.data && p.data.paused)
        : esc((p.data && p.data.name) || "")) },
      geo: {
        map: MAP, roam: false, layoutCenter: ["50%", "50%"], layoutSize: "96%",
        ...(tiles ? { projection: window.kwTiles.projection } : {}),
        label: { show: true, color: "#cfe3ff", fontSize: 14 },
        itemStyle: { areaColor: tiles ? "rgba(11,45,102,0.55)" : "#0b2d66", borderColor: "#3d8bff", borderWidth: 1.2, shadowColor: "#1f6fff", shadowBlur: 12 },
        emphasis: { label: { color: "#fff" }, itemStyle: { areaColor: "#1d4f9e" } },
      },
      series: [
        { id: "districts", type: "map", geoIndex: 0,
          data: Object.entries(data.d).map(([name, v]) => ({ name, value: v[0], paused: v[3] })) },
        ...dim.v.map((label, idx) => ({
          id: "light-" + idx, type: "scatter", coordinateSystem: "geo", name: label,
          symbolSize: data.thin ? 4 : 9, large: !!data.thin, largeThreshold: 2000,
          itemStyle: { color: dim.c[idx], shadowBlur: data.thin ? 0 : 6, shadowColor: dim.c[idx] },
          data: placed.filter((p) => lookup[p[0]] === idx).map((p) => ({ name: p[5], value: [p[1], p[2]] })),
        })),
      ],
    });
  }

  // Districts count as the measures count them: paused projects left out, said so.
  const phrase = (key, n) => (box.dataset["t" + key] || "").replace("{n}", String(n));
  const pausedNote = (n) => (Number(n) ? "（" + esc(phrase("Paused", n)) + "）" : "");

  // Districts with no boundary cannot be drawn: listed beside the map with their counts.
  function drawShapeless(data) {
    const rows = data.o || [];
    document.getElementById("scr-shapeless").hidden = !rows.length;
    document.getElementById("scr-shapeless-list").replaceChildren(...rows.map(([name, n, , , paused]) => {
      const li = document.createElement("li");
      li.dataset.district = name;
      li.dataset.count = String(n);
      const b = document.createElement("b");
      b.textContent = name;
      const em = document.createElement("em");
      em.textContent = Number(paused) ? "（" + phrase("Paused", paused) + "）" : "";
      li.append(b, phrase("Projects", n), em);
      return li;
    }));
  }

  function drawData(d) {
    box.querySelectorAll("[data-fig]").forEach((el) => {
      const value = d.figures[el.dataset.fig];
      el.textContent = value === null || value === undefined ? "—" : String(value);
    });
    document.getElementById("scr-updated").textContent = d.updated;
    document.getElementById("scr-month").textContent = d.month;
    charts.lights.setOption({
      tooltip: { trigger: "item" },
      legend: { bottom: 0, textStyle: AXIS },
      series: [{
        id: "lights", type: "pie", radius: ["45%", "72%"], center: ["50%", "45%"],
        label: { color: "#d6e4ff", formatter: "{b} {c}" },
        data: d.lights.map((l) => ({ name: l[0], value: l[1], itemStyle: { color: l[2] } })),
      }],
    });
    document.getElementById("scr-ranking-title").textContent = d.ranking.title;
    const rows = d.ranking.rows.slice().reverse();
    // Every district is ranked; beyond what fits, the list scrolls (wheel or the bar).
    const shown = 12;
    const scroll = rows.length > shown
      ? [{ type: "inside", yAxisIndex: 0, startValue: rows.length - shown, endValue: rows.length - 1, zoomLock: true },
         { type: "slider", yAxisIndex: 0, right: 0, width: 10, startValue: rows.length - shown, endValue: rows.length - 1,
           showDetail: false, brushSelect: false, zoomLock: true }]
      : [];
    charts.ranking.setOption({
      grid: { left: 8, right: scroll.length ? 60 : 48, top: 4, bottom: 4, containLabel: true },
      dataZoom: scroll,
      xAxis: { type: "value", max: (v) => Math.max(100, v.max), axisLabel: AXIS, splitLine: { lineStyle: { color: "#173a78" } } },
      yAxis: { type: "category", data: rows.map((r) => r[0]), axisLabel: { color: "#d6e4ff", fontSize: 13 } },
      series: [{
        id: "rank", type: "bar", data: rows.map((r) => Number(r[1])), barWidth: "55%",
        itemStyle: { color: new echarts.graphic.LinearGradient(0, 0, 1, 0, [
          { offset: 0, color: "#1f6fff" }, { offset: 1, color: "#5fd3ff" }]) },
        label: { show: true, position: "right", color: "#ffd666",
          formatter: (p) => `${p.value}${d.ranking.unit}${rows[p.dataIndex][2] ? " " + rows[p.dataIndex][2] : ""}` },
      }],
    });
    document.getElementById("scr-red-total").textContent = String(d.red_total);
    const list = document.getElementById("scr-red");
    list.replaceChildren(...d.red.map(([name, reason]) => {
      const li = document.createElement("li");
      const b = document.createElement("b");
      b.textContent = name;
      const span = document.createElement("span");
      span.textContent = reason;
      span.title = reason;
      li.append(b, span);
      return li;
    }));
  }

  async function refresh() {
    const [data, map] = await Promise.all([json(box.dataset.dataUrl), json(box.dataset.mapUrl)]);
    state.data = data;
    state.map = map;
    drawData(data);
    drawMap(map);
    drawShapeless(map);
    state.refreshed += 1;
    box.dataset.refreshed = String(state.refreshed);
  }

  /* One scheduled refresh. A failed fetch keeps the last figures on screen; a revoked
   * link (404/403) says so. */
  function tick() {
    return refresh().catch((error) => {
      if (error.status === 404 || error.status === 403) {
        document.getElementById("scr-gone").hidden = false;
        box.dataset.ready = "gone";
      }
    });
  }

  (async function start() {
    clock();
    setInterval(clock, 1000);
    const geo = await json(box.dataset.geoUrl);
    if (geo.features.length) {
      echarts.registerMap(MAP, geo);
      state.hasMap = true;
    } else {
      document.getElementById("scr-no-map").hidden = false;
    }
    try {
      await refresh();
      box.dataset.ready = "1";
    } catch (error) {
      box.dataset.ready = "error";
    }
    const seconds = Math.max(30, Number(box.dataset.refresh) || 180);
    setInterval(tick, seconds * 1000);
  })();
})();
