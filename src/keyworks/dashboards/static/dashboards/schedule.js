/* The schedule chart (作战图 / 倒排工期).
 *
 * Fetches #schedule-chart[data-url] with the filters of #schedule-filters and draws one
 * row per project (programme view) or per milestone (project view): the planned span
 * (light bar, upper half), the actual span (blue bar, lower half; still running → up to
 * today), milestones as diamonds at their planned date coloured by state (red = overdue)
 * and dots at their actual date, a red dashed line at today, category bands.
 * 倒排工期: a planned date derived backward from the deadline (a milestone's fifth item)
 * is a hollow dashed diamond, and in the project view the planned bar is a dashed outline.
 * Pages (programme view): the endpoint sends one page of projects (?page=N); the pager
 * under the chart (#schedule-pager) fetches the previous/next page and redraws, keeping
 * the filters; a filter change goes back to page 1. The x axis and the summary are the
 * whole filtered set's, so they do not change from page to page. The export link carries
 * the filters only (the export is the whole set).
 * After each render: data-ready="1", data-row-count, data-derived-count, data-today,
 * data-page, data-pages on #schedule-chart.
 * window.kwSchedule = { chart, data, reload(), page(n) }.
 */
(function () {
  "use strict";
  // The page's translated words (js_labels.py); label(key, {name: value}) fills in %(name)s.
  const LABELS = JSON.parse((document.getElementById("dashboards-labels") || {}).textContent || "{}");
  const label = (key, values) =>
    (LABELS[key] || "").replace(/%\((\w+)\)s/g, (_m, name) => String((values || {})[name] ?? ""));
  const el = document.getElementById("schedule-chart");
  if (!el || typeof echarts === "undefined") return;
  const form = document.getElementById("schedule-filters");
  const exportLink = document.getElementById("schedule-export");
  const pager = document.getElementById("schedule-pager");
  const pagerText = document.getElementById("schedule-page");
  const prev = document.getElementById("schedule-prev");
  const next = document.getElementById("schedule-next");
  const ROW = 26, VISIBLE = 40, DAY = 86400000;
  // Tooltips are HTML: every name in them is escaped (names are typed by users).
  const esc = (s) => echarts.format.encodeHTML(String(s === null || s === undefined ? "" : s));
  const chart = echarts.init(el, null, { renderer: "svg" });
  const initial = Number(new URLSearchParams(location.search).get("page"));
  const state = { data: null, page: Number.isInteger(initial) && initial > 1 ? initial : 1, seq: 0 };
  window.addEventListener("resize", () => chart.resize());
  window.addEventListener("beforeprint", () => chart.resize());
  window.addEventListener("afterprint", () => chart.resize());

  // Dates come as whole days after d0 (or null); local midnights, so no time-zone shift.
  let d0 = [1970, 0, 1];
  const t = (n) => (n === null || n === undefined ? null : new Date(d0[0], d0[1], d0[2] + n).getTime());
  const pad = (v) => String(v).padStart(2, "0");
  const ymd = (n) => {
    if (n === null || n === undefined) return "—";
    const d = new Date(d0[0], d0[1], d0[2] + n);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  };
  const at = (iso) => { const [y, m, d] = iso.split("-").map(Number); return new Date(y, m - 1, d).getTime(); };
  function query() {
    const params = new URLSearchParams(new FormData(form));
    for (const [k, v] of [...params.entries()]) if (!v) params.delete(k);
    return params.toString();
  }
  // The filters plus the page (only past page 1, so page 1 keeps the plain address).
  function pageQuery() {
    const params = new URLSearchParams(query());
    if (state.page > 1) params.set("page", String(state.page));
    return params.toString();
  }
  const count = (n) => Number(n).toLocaleString("en-US");

  const DERIVED = { fill: "rgba(165,195,239,0.3)", stroke: "#206bc4", lineWidth: 1, lineDash: [4, 3] };
  function bar(api, params, half, colour) {
    const y = api.value(0), start = api.coord([api.value(1), y]), end = api.coord([api.value(2), y]);
    const band = api.size([0, 1])[1];
    const height = band * 0.32;
    const top = start[1] - band * 0.38 + (half ? height + 2 : 0);
    const shape = echarts.graphic.clipRectByRect(
      { x: start[0], y: top, width: Math.max(end[0] - start[0], 2), height },
      { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height });
    const style = !half && api.value(4) ? DERIVED : { fill: colour };
    return shape && { type: "rect", shape, style };
  }

  function render() {
    const d = state.data;
    const rows = d.rows;
    const labels = rows.map((r) => r[1]);
    d0 = d.d0.split("-").map(Number);
    d0[1] -= 1;
    const today = at(d.today);
    const planned = [], actual = [], points = d.states.v.map(() => []), done = [], derived = [];
    const isDerived = (r) => d.view === "project" && r[8].length === 1 && r[8][0][4] != null;
    rows.forEach((r, i) => {
      if (r[4] !== null || r[5] !== null) {
        planned.push([i, t(r[4] ?? r[5]), t(r[5] ?? r[4]), r[0], isDerived(r) ? 1 : 0]);
      }
      if (r[6] !== null) actual.push([i, t(r[6]), t(r[7]) ?? today, r[0]]);
      for (const m of r[8]) {
        // The state diamond sits at the recorded planned date (the state is judged by it);
        // a derived (backward-planned) date gets its own hollow dashed diamond.
        points[m[3]].push({ value: [t(m[1]), i], name: m[0], planned: ymd(m[1]), actual: ymd(m[2]), row: r[1] });
        if (m[4] != null) {
          derived.push({ value: [t(m[4]), i], name: m[0], planned: ymd(m[1]), derived: ymd(m[4]), row: r[1] });
        }
        if (m[2] !== null) done.push({ value: [t(m[2]), i], name: m[0], planned: ymd(m[1]), actual: ymd(m[2]), row: r[1] });
      }
    });
    // Category bands (programme view): consecutive rows of one category.
    const bands = [];
    rows.forEach((r, i) => {
      const last = bands[bands.length - 1];
      if (last && last.group === r[2]) last.to = i;
      else bands.push({ group: r[2], from: i, to: i });
    });
    const rich = {};
    d.lights.c.forEach((c, i) => { rich["l" + i] = { color: c, fontSize: 14 }; });
    const start = at(d.range[0]) - 15 * DAY, end = at(d.range[1]) + 15 * DAY;
    const zoom = rows.length > VISIBLE;
    el.style.height = Math.max(420, Math.min(rows.length, VISIBLE) * ROW + 110) + "px";
    chart.resize();
    chart.setOption({
      animation: false,
      grid: { left: 8, right: zoom ? 40 : 16, top: 40, bottom: 24, containLabel: true },
      tooltip: {
        trigger: "item",
        formatter: (p) => {
          if (p.seriesType === "custom") {
            const r = rows[p.value[0]];
            return label("bar_tip", {
              name: esc(r[1]), from: ymd(r[4]), to: ymd(r[5]), how: p.value[4] ? label("derived_note") : "",
              actual_from: ymd(r[6]), actual_to: ymd(r[7]),
            });
          }
          const m = p.data;
          if (m.derived) {
            return label("derived_tip", {
              row: esc(m.row), name: esc(m.name), derived: esc(m.derived), planned: esc(m.planned),
            });
          }
          return label("point_tip", {
            row: esc(m.row), name: esc(m.name), planned: esc(m.planned), actual: esc(m.actual),
            state: esc(p.seriesName),
          });
        },
      },
      xAxis: {
        type: "time", position: "top", min: start, max: end,
        splitLine: { show: true, lineStyle: { color: "#eef1f5" } },
        axisLabel: { formatter: "{yyyy}-{MM}" },
      },
      yAxis: {
        type: "category", data: labels, inverse: true,
        axisLabel: {
          width: 260, overflow: "truncate",
          formatter: (value, i) => (d.view === "programme" && rows[i] && rows[i][3] !== null
            ? `{l${rows[i][3]}|●} ${value}` : value),
          rich,
        },
      },
      dataZoom: zoom ? [
        { type: "slider", yAxisIndex: 0, right: 4, width: 18, startValue: 0, endValue: VISIBLE - 1,
          showDetail: false, zoomLock: true },
        { type: "inside", yAxisIndex: 0, zoomOnMouseWheel: false, moveOnMouseWheel: true },
      ] : [],
      series: [
        {
          type: "custom", name: label("planned"), data: planned, encode: { x: [1, 2], y: 0 },
          renderItem: (params, api) => bar(api, params, false, "#a5c3ef"),
          markLine: {
            silent: true, symbol: "none", lineStyle: { color: "#d63939", type: "dashed", width: 2 },
            label: { formatter: label("today", { date: d.today }), color: "#d63939", position: "start" },
            data: [{ xAxis: today }],
          },
          markArea: d.view === "programme" ? {
            silent: true,
            data: bands.map((b, k) => [
              { yAxis: labels[b.from], itemStyle: { color: k % 2 ? "rgba(32,107,196,0.04)" : "rgba(0,0,0,0)" },
                label: { show: true, position: "insideTopRight", color: "#667382", formatter: d.groups[b.group] || "" } },
              { yAxis: labels[b.to] },
            ]),
          } : undefined,
        },
        {
          type: "custom", name: label("actual"), data: actual, encode: { x: [1, 2], y: 0 },
          renderItem: (params, api) => bar(api, params, true, "#206bc4"),
        },
        ...d.states.v.map((label, s) => ({
          type: "scatter", name: label, data: points[s], symbol: "diamond", symbolSize: 12, z: 5,
          itemStyle: { color: d.states.c[s], borderColor: "#fff", borderWidth: 1 },
        })),
        { type: "scatter", name: label("derived"), data: derived, symbol: "diamond", symbolSize: 15, z: 4,
          itemStyle: { color: "rgba(255,255,255,0)", borderColor: "#206bc4", borderWidth: 1.5, borderType: "dashed" } },
        { type: "scatter", name: label("actual_date"), data: done, symbol: "circle", symbolSize: 7, z: 6,
          itemStyle: { color: "#1d273b" } },
      ],
    }, { notMerge: true });
    el.dataset.rowCount = String(rows.length);
    el.dataset.derivedCount = String(derived.length);
    el.dataset.today = d.today;
    el.dataset.ready = "1";
    document.getElementById("schedule-summary").textContent =
      label("summary", { n: d.n, overdue: d.overdue });
    renderPager(d);
  }

  function renderPager(d) {
    const paged = d.view === "programme" && d.pages > 1;
    el.dataset.page = paged ? String(d.page) : "1";
    el.dataset.pages = paged ? String(d.pages) : "1";
    if (!pager) return;
    pager.hidden = !paged;
    if (!paged) return;
    pagerText.textContent =
      label("pager", { page: d.page, pages: d.pages, count: count(d.count) });
    prev.disabled = d.page <= 1;
    next.disabled = d.page >= d.pages;
  }

  async function reload() {
    const seq = ++state.seq;  // a slower earlier answer must not overwrite a later one
    el.dataset.ready = "";
    const q = query(), pq = pageQuery();
    if (exportLink) exportLink.href = exportLink.href.split("?")[0] + "?" + q;
    const response = await fetch(el.dataset.url + "?" + pq, { headers: { Accept: "application/json" } });
    if (seq !== state.seq) return;
    if (!response.ok) { el.dataset.ready = "error"; return; }
    const data = await response.json();
    if (seq !== state.seq) return;
    state.data = data;
    if (data.view === "programme") state.page = data.page;  // past the end → the last page
    const shown = pageQuery();
    history.replaceState(null, "", shown ? "?" + shown : location.pathname);
    render();
  }

  function goTo(page) {
    state.page = Math.max(1, page);
    return reload();
  }

  chart.on("click", (p) => {
    if (!state.data || state.data.view !== "programme") return;
    const row = state.data.rows[p.seriesType === "custom" ? p.value[0] : p.value[1]];
    if (!row) return;
    const params = new URLSearchParams(query());
    params.set("project", row[0]);
    window.location.search = "?" + params.toString();
  });
  form.addEventListener("change", () => goTo(1));
  form.addEventListener("submit", (event) => { event.preventDefault(); goTo(1); });
  if (prev) prev.addEventListener("click", () => goTo(state.page - 1));
  if (next) next.addEventListener("click", () => goTo(state.page + 1));
  window.kwSchedule = { chart, reload, page: goTo, get data() { return state.data; } };
  reload();
})();
