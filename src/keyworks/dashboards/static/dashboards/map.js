/* The battle map (挂图作战).
 *
 * Reads its URLs from #map-chart data-* attributes, registers the programme's district
 * boundaries (geo.json), and plots the filtered projects (data.json) with ECharts'
 * SVG renderer. After each render #map-chart gets data-point-count (plotted points).
 *
 * window.kwMap (for tests and other scripts):
 *   kwMap.chart          the ECharts instance
 *   kwMap.data           the last data.json payload
 *   kwMap.reload()       fetch data.json again for the current filters (a Promise)
 *   kwMap.openCard(id)   show the project's card in the side panel (a Promise)
 *   kwMap.locate(id, lng, lat)  set a project's location (as a map click in locate mode)
 *   kwMap.recluster()    re-group a crowded map's bubbles for the current zoom
 *   kwMap.tiles          the background tiles (kwTiles.attach), or null when off
 *
 * Background tiles (static/dashboards/tiles.js, when the deployment configures them) are
 * drawn under the districts; the geo component then uses the Web Mercator projection.
 *
 * A crowded map (data.thin, over 2,000 projects) groups nearby points into bubbles with
 * their count (data-cluster-count = bubbles + single points); zooming in splits them.
 */
(function () {
  "use strict";
  // The page's translated words (js_labels.py); label(key, {name: value}) fills in %(name)s.
  const LABELS = JSON.parse((document.getElementById("dashboards-labels") || {}).textContent || "{}");
  const label = (key, values) =>
    (LABELS[key] || "").replace(/%\((\w+)\)s/g, (_m, name) => String((values || {})[name] ?? ""));
  const el = document.getElementById("map-chart");
  if (!el || typeof echarts === "undefined") return;
  const form = document.getElementById("map-filters");
  const colourBy = document.getElementById("map-colour-by");
  const measure = document.getElementById("map-measure");
  const cardBox = document.getElementById("project-card");
  const banner = document.getElementById("map-locate-banner");
  const unplaced = document.getElementById("map-unplaced");
  const csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  const MAP = "kw-programme";
  // Tooltips are HTML: every name in them is escaped (names are typed by users).
  const esc = (s) => echarts.format.encodeHTML(String(s === null || s === undefined ? "" : s));
  const PALETTE = ["#206bc4", "#2fb344", "#f76707", "#d63939", "#ae3ec9", "#0ca678",
    "#f59f00", "#4263eb", "#74b816", "#17a2b8"];
  const chart = echarts.init(el, null, { renderer: "svg" });
  const state = { data: null, locating: null, hasMap: false };
  window.addEventListener("resize", () => chart.resize());
  const tiles = window.kwTiles ? window.kwTiles.attach(chart) : null;

  function url(template, id) { return template.replace(/\/0\//, "/" + id + "/"); }
  function query() {
    const params = new URLSearchParams(new FormData(form));
    for (const [k, v] of [...params.entries()]) if (!v) params.delete(k);
    return params.toString();
  }

  // Crowded maps (a thinned payload, `data.thin`): points closer than CLUSTER_PX on screen
  // form one bubble with their count, per colour; zooming in (or clicking a bubble)
  // splits them, until every project is its own point again.
  const CLUSTER_PX = 36;
  function cellDegrees(sample) {
    try {
      const a = chart.convertToPixel({ geoIndex: 0 }, sample);
      const b = chart.convertToPixel({ geoIndex: 0 }, [sample[0] + 1, sample[1]]);
      const px = Math.abs(b[0] - a[0]);
      return px > 0 ? CLUSTER_PX / px : null;
    } catch (error) { return null; }  // no geo component yet
  }
  function cluster(points, cell, item) {
    const cells = new Map();
    for (const p of points) {
      const key = Math.floor(p[1] / cell) + ":" + Math.floor(p[2] / cell);
      const c = cells.get(key);
      if (c) { c.n += 1; c.lng += p[1]; c.lat += p[2]; } else cells.set(key, { n: 1, lng: p[1], lat: p[2], p });
    }
    state.clusters += cells.size;
    return [...cells.values()].map((c) => (c.n === 1 ? item(c.p) : {
      name: "", value: [c.lng / c.n, c.lat / c.n], count: c.n,
      symbolSize: Math.min(44, 12 + 3 * Math.sqrt(c.n)),
      label: { show: true, formatter: String(c.n), color: "#fff", fontSize: 11 },
    }));
  }
  let roamTimer = null;
  function reclusterSoon() {
    if (!state.data || !state.data.thin) return;
    clearTimeout(roamTimer);
    roamTimer = setTimeout(() => {
      const placed = state.data.p.find((p) => p[1] !== null);
      const cell = placed && cellDegrees([placed[1], placed[2]]);
      if (cell && Math.abs(Math.log(cell / (state.cell || 1))) > 0.2) { state.cell = cell; render(); }
    }, 150);
  }

  function render() {
    const data = state.data;
    if (!data) return;
    const dim = data.dims.find((d) => d.k === colourBy.value) || data.dims[0];
    // A dim either points at a position in each point (i) or names a lookup by id (g).
    const at = (p) => (dim.g ? (data[dim.g] || {})[p[0]] : p[dim.i]);
    const colour = (idx) => (dim.c ? dim.c[idx] : PALETTE[idx % PALETTE.length]);
    const m = data.m.findIndex((x) => x[0] === measure.value);
    const mi = m < 0 ? 0 : m;
    const regions = Object.entries(data.d).map(([name, v]) => ({ name, value: v[mi], figures: v }));
    const max = Math.max(1, ...regions.map((r) => r.value));
    const placed = data.p.filter((p) => p[1] !== null);
    const series = [{
      type: "map", geoIndex: 0, name: data.m[mi][1], data: regions,
    }];
    const item = (p) => ({
      name: p[5], value: [p[1], p[2]], id: p[0], total: p[6], pct: p[7], stage: data.dims[0].v[p[3]],
    });
    state.clusters = 0;
    if (data.thin && !state.cell) {
      const first = placed[0];
      state.cell = (first && cellDegrees([first[1], first[2]])) || 0.05;
    }
    dim.v.forEach((label, idx) => {
      const mine = placed.filter((p) => at(p) === idx);
      series.push({
        type: "scatter", coordinateSystem: "geo", name: label, z: 5,
        symbolSize: data.thin ? (value, params) => (params.data && params.data.symbolSize) || 7 : 11,
        itemStyle: { color: colour(idx), borderColor: "#fff", borderWidth: 1, opacity: data.thin ? 0.85 : 1 },
        data: data.thin ? cluster(mine, state.cell, item) : mine.map(item),
      });
      const lines = data.p.filter((p) => at(p) === idx && data.l[p[0]]);
      if (lines.length) {
        series.push({
          type: "lines", coordinateSystem: "geo", polyline: true, name: label, z: 4,
          lineStyle: { color: colour(idx), width: 3, opacity: 0.8 },
          data: lines.map((p) => ({ name: p[5], coords: data.l[p[0]], id: p[0], total: p[6], pct: p[7],
            stage: data.dims[0].v[p[3]] })),
        });
      }
    });
    chart.setOption({
      tooltip: {
        trigger: "item",
        formatter: (p) => {
          if (p.seriesType === "map") {
            const f = (p.data && p.data.figures) || [0, 0, 0, 0];
            return label("region_tip", {
              name: esc(p.name), count: Number(f[0]),
              total: Number(f[1]).toLocaleString(), done: Number(f[2]).toLocaleString(),
            }) + pausedNote(f[3]);
          }
          const d = p.data || {};
          if (d.count) return label("cluster_tip", { count: Number(d.count) });
          if (!d.name) return label("thin_tip", { id: esc(d.id) });
          return label("point_tip", {
            name: esc(d.name), stage: esc(d.stage), total: Number(d.total).toLocaleString(), pct: esc(d.pct),
          });
        },
      },
      legend: { top: 4, left: 4, orient: "vertical", data: dim.v },
      visualMap: {
        type: "continuous", min: 0, max, seriesIndex: 0, left: 4, bottom: 4, calculable: true,
        text: [data.m[mi][1], ""], inRange: { color: ["#f1f5fb", "#90b4e8", "#3d74c6"],
          ...(tiles ? { colorAlpha: [0.15, 0.55] } : {}) },  // let the tiles show through
      },
      geo: {
        map: MAP, roam: true, layoutCenter: ["50%", "52%"], layoutSize: "95%",
        ...(tiles ? { projection: window.kwTiles.projection } : {}),
        label: { show: true, color: "#1d273b", fontSize: 12 },
        itemStyle: { areaColor: tiles ? "rgba(241,245,251,0.15)" : "#f1f5fb", borderColor: "#667382" },
        emphasis: { label: { show: true }, itemStyle: { areaColor: "#ffe8a3" } },
      },
      series,
    }, { replaceMerge: ["series"] });
    el.dataset.pointCount = String(placed.length);
    el.dataset.clusterCount = data.thin ? String(state.clusters) : "";
    if (data.thin) reclusterSoon();  // the first render had no map scale yet
    document.getElementById("map-summary").textContent =
      label("summary", { n: data.n, placed: placed.length });
    const missing = data.p.filter((p) => p[1] === null);
    document.getElementById("map-unplaced-count").textContent = String(missing.length);
    unplaced.replaceChildren(new Option("—", ""), ...missing.map((p) => new Option(p[5], p[0])));
  }

  // Districts are counted as the measures count them: paused projects left out, said so.
  const phrase = (key, n, more) => Object.entries({ n, ...(more || {}) }).reduce(
    (text, [k, v]) => text.replace("{" + k + "}", String(v)), el.dataset["t" + key] || "");
  const pausedNote = (n) => (Number(n) ? "（" + esc(phrase("Paused", n)) + "）" : "");

  // Districts with no boundary cannot be drawn: listed beside the map with their figures.
  function fillShapeless(data) {
    const card = document.getElementById("map-shapeless-card");
    const list = document.getElementById("map-shapeless");
    if (!card || !list) return;
    const rows = data.o || [];
    card.classList.toggle("d-none", !rows.length);
    list.replaceChildren(...rows.map(([name, n, total, completed, paused]) => {
      const li = document.createElement("li");
      li.dataset.district = name;
      li.dataset.count = String(n);
      const b = document.createElement("b");
      b.textContent = name;
      const note = Number(paused) ? "（" + phrase("Paused", paused) + "）" : "";
      const money = phrase("Money", 0, { t: Number(total).toLocaleString(), c: Number(completed).toLocaleString() });
      li.append(b, " " + phrase("Projects", n) + note + " · " + money);
      return li;
    }));
  }

  function fillColourBy() {
    if (colourBy.options.length) return;
    for (const d of state.data.dims) colourBy.add(new Option(d.label, d.k));
  }

  async function reload() {
    const q = query();
    history.replaceState(null, "", q ? "?" + q : location.pathname);
    const response = await fetch(el.dataset.dataUrl + "?" + q, { headers: { Accept: "application/json" } });
    state.data = await response.json();
    fillColourBy();
    fillShapeless(state.data);
    if (state.hasMap) render();
  }

  async function openCard(id) {
    const response = await fetch(url(el.dataset.cardUrl, id));
    cardBox.innerHTML = await response.text();
    const button = document.getElementById("card-locate");
    if (button) button.addEventListener("click", () => startLocate(id));
  }

  function startLocate(id) {
    state.locating = id;
    banner.classList.remove("d-none");
    el.style.cursor = "crosshair";
  }
  function stopLocate() {
    state.locating = null;
    banner.classList.add("d-none");
    el.style.cursor = "";
  }

  async function locate(id, lng, lat) {
    const card = document.getElementById("map-project-card");
    const body = new FormData();
    body.append("lng", lng.toFixed(6));
    body.append("lat", lat.toFixed(6));
    if (card && String(card.dataset.project) === String(id)) body.append("version", card.dataset.version);
    const response = await fetch(url(el.dataset.locateUrl, id), {
      method: "POST", body, headers: { "X-CSRFToken": csrf },
    });
    const result = await response.json();
    stopLocate();
    if (!response.ok) { window.alert(result.error || response.statusText); return result; }
    await reload();
    await openCard(id);
    return result;
  }

  chart.on("click", (params) => {
    if (state.locating) return;
    if (params.seriesType === "scatter" && params.data && params.data.count) {
      const geo = chart.getOption().geo[0];
      chart.setOption({ geo: { center: params.data.value, zoom: (geo.zoom || 1) * 2 } });
      reclusterSoon();
      return;
    }
    if ((params.seriesType === "scatter" || params.seriesType === "lines") && params.data) {
      openCard(params.data.id);
    }
  });
  chart.on("georoam", reclusterSoon);
  chart.getZr().on("click", (event) => {
    if (!state.locating) return;
    const pixel = [event.offsetX, event.offsetY];
    const point = tiles ? tiles.fromPixel(pixel) : chart.convertFromPixel({ geoIndex: 0 }, pixel);
    if (point && isFinite(point[0]) && isFinite(point[1])) locate(state.locating, point[0], point[1]);
  });
  document.getElementById("map-locate-cancel").addEventListener("click", stopLocate);
  form.addEventListener("change", () => reload());
  form.addEventListener("submit", (event) => { event.preventDefault(); reload(); });
  for (const select of [colourBy, measure]) {
    select.addEventListener("change", (event) => { event.stopPropagation(); render(); });
  }
  unplaced.addEventListener("change", () => { if (unplaced.value) openCard(unplaced.value); });

  window.kwMap = { chart, state, reload, openCard, locate, recluster: reclusterSoon, tiles,
    get data() { return state.data; } };

  (async function start() {
    const geo = await (await fetch(el.dataset.geoUrl)).json();
    if (!geo.features.length) {
      document.getElementById("map-no-boundaries").classList.remove("d-none");
      el.dataset.pointCount = "0";
    } else {
      echarts.registerMap(MAP, geo);
      state.hasMap = true;
    }
    await reload();
    el.dataset.ready = "1";
  })();
})();
