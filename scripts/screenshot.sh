#!/usr/bin/env bash
# Screenshot a page with headless Chromium, for a quick human look:
#   scripts/screenshot.sh URL OUT.png [WIDTHxHEIGHT]    (default 1366x900)
# Logged-in pages are screenshotted by the Playwright browser tests instead.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 URL OUT.png [WIDTHxHEIGHT]" >&2
  exit 2
fi
url=$1
out=$2
size=${3:-1366x900}
if ! [[ $size =~ ^([0-9]+)x([0-9]+)$ ]]; then
  echo "size must look like 1366x900, got: $size" >&2
  exit 2
fi
width=${BASH_REMATCH[1]}
height=${BASH_REMATCH[2]}

chromium_bin=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$chromium_bin" ]; then
  echo "chromium not found (apt-get install chromium fonts-noto-cjk)" >&2
  exit 1
fi

mkdir -p "$(dirname "$out")"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
case $out in /*) abs_out=$out ;; *) abs_out="$PWD/$out" ;; esac

"$chromium_bin" --headless --no-sandbox --disable-gpu \
  --disable-background-networking --disable-component-update \
  --disable-sync --disable-quic --no-first-run --hide-scrollbars \
  --user-data-dir="$profile" \
  --window-size="$width,$height" --screenshot="$abs_out" "$url" 2>/dev/null
test -s "$abs_out"
echo "$abs_out (${width}x${height})"
