/* Background map tiles under an ECharts geo map (optional, settings KEYWORKS_MAP_TILES_*).
 *
 * ECharts has no tile layer. kwTiles.attach(chart, options) draws the Web-Mercator XYZ
 * tiles covering the current view as `graphic` images beneath the geo component,
 * placed with convertToPixel, and redraws them after roaming, resizing and re-rendering.
 * Give the geo component `projection: kwTiles.projection` (Web Mercator) so the district
 * boundaries and the tiles line up exactly. With a projection, ECharts 6's
 * convertFromPixel gets the order wrong (it unprojects the pixel before undoing the view
 * transform), so use the attached object's fromPixel([x, y]) → [lng, lat] instead.
 * Config: <script id="kw-map-tiles" type="application/json">{"url", "attribution"}</script>
 * (absent when tiles are off: then window.kwTiles is undefined).
 * After each draw the chart's element carries data-tile-count and data-tile-zoom.
 */
(function () {
  "use strict";
  const node = document.getElementById("kw-map-tiles");
  if (!node) return;
  const config = JSON.parse(node.textContent);
  const RAD = Math.PI / 180, MAX_LAT = 85.0511287798, TILE = 256, MAX_TILES = 96, MAX_ZOOM = 18;
  const clampLat = (lat) => Math.max(-MAX_LAT, Math.min(MAX_LAT, lat));
  const projection = {
    project: (point) => [point[0] * RAD, -Math.log(Math.tan(Math.PI / 4 + clampLat(point[1]) * RAD / 2))],
    unproject: (point) => [point[0] / RAD, (2 * Math.atan(Math.exp(-point[1])) - Math.PI / 2) / RAD],
  };
  // Tile numbers ↔ degrees (the OpenStreetMap "slippy map" formulas).
  const tileX = (lng, n) => Math.floor(((lng + 180) / 360) * n);
  const tileY = (lat, n) => {
    const phi = clampLat(lat) * RAD;
    return Math.floor(((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n);
  };
  const lngOf = (x, n) => (x / n) * 360 - 180;
  const latOf = (y, n) => Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) / RAD;
  const tileUrl = (z, x, y) => config.url.replace("{z}", z).replace("{x}", x).replace("{y}", y);

  function attach(chart, options) {
    const opts = Object.assign({ attributionColor: "#667382" }, options || {});
    let last = "", pending = false;

    // The view transform is linear in projected coordinates: read it off two points.
    function fromPixel(pixel) {
      const refs = [[0, 0], [90, 60]];
      const [a, b] = refs.map((r) => chart.convertToPixel({ geoIndex: 0 }, r));
      const [pa, pb] = refs.map((r) => projection.project(r));
      const sx = (b[0] - a[0]) / (pb[0] - pa[0]), sy = (b[1] - a[1]) / (pb[1] - pa[1]);
      return projection.unproject([pa[0] + (pixel[0] - a[0]) / sx, pa[1] + (pixel[1] - a[1]) / sy]);
    }

    function view() {
      const w = chart.getWidth(), h = chart.getHeight();
      try {
        const a = fromPixel([0, 0]);
        const b = fromPixel([w, h]);
        if (!a || !b || ![...a, ...b].every(Number.isFinite) || a[0] === b[0]) return null;
        return { w, west: Math.min(a[0], b[0]), east: Math.max(a[0], b[0]),
          north: Math.max(a[1], b[1]), south: Math.min(a[1], b[1]) };
      } catch (error) { return null; }  // no geo component yet
    }

    function cover(v) {
      // The zoom whose tiles are about TILE pixels wide on screen; fewer if too many.
      let z = Math.round(Math.log2((360 * v.w) / (v.east - v.west) / TILE));
      z = Math.max(1, Math.min(MAX_ZOOM, z));
      for (;; z -= 1) {
        const n = 2 ** z;
        const x0 = Math.max(0, tileX(v.west, n)), x1 = Math.min(n - 1, tileX(v.east, n));
        const y0 = Math.max(0, tileY(v.north, n)), y1 = Math.min(n - 1, tileY(v.south, n));
        if ((x1 - x0 + 1) * (y1 - y0 + 1) <= MAX_TILES || z === 1) {
          const tiles = [];
          for (let x = x0; x <= x1; x += 1) for (let y = y0; y <= y1; y += 1) tiles.push([x, y]);
          return { z, n, tiles };
        }
      }
    }

    function draw() {
      pending = false;
      const v = view();
      if (!v) return;
      const { z, n, tiles } = cover(v);
      const children = tiles.map(([x, y]) => {
        const p = chart.convertToPixel({ geoIndex: 0 }, [lngOf(x, n), latOf(y, n)]);
        const q = chart.convertToPixel({ geoIndex: 0 }, [lngOf(x + 1, n), latOf(y + 1, n)]);
        const left = Math.floor(p[0]), top = Math.floor(p[1]);
        return { type: "image", z: -10, style: { image: tileUrl(z, x, y), x: left, y: top,
          width: Math.ceil(q[0]) - left, height: Math.ceil(q[1]) - top } };
      });
      const key = z + ":" + children.map((c) => `${c.style.x},${c.style.y},${c.style.width}`).join(";");
      if (key === last) return;  // nothing moved: no setOption, so no render loop
      last = key;
      chart.setOption({
        graphic: { elements: [  // z -10: under the geo component (z 0)
          { id: "kw-tiles", type: "group", $action: "replace", silent: true, children },
          { id: "kw-tiles-attribution", type: "text", $action: "replace", silent: true, z: 50,
            right: 6, bottom: 4, style: { text: config.attribution || "", fill: opts.attributionColor, fontSize: 11 } },
        ] },
      });
      const el = chart.getDom();
      el.dataset.tileCount = String(children.length);
      el.dataset.tileZoom = String(z);
    }

    function soon() {
      if (pending) return;
      pending = true;
      requestAnimationFrame(draw);
    }
    chart.on("georoam", soon);
    chart.on("finished", soon);
    window.addEventListener("resize", soon);
    return { draw, soon, fromPixel };
  }

  window.kwTiles = { config, projection, attach };
})();
