#!/usr/bin/env bash
# Regenerates docs/report.png, the screenshot of the README's example HTML report, with
# Debian's chromium headless (apt-get install chromium). Colours are reduced to 128 with
# Pillow when it is installed, to keep the file small (< 200 KB).
#   bash scripts/report-screenshot.sh
set -euo pipefail
cd "$(dirname "$0")/.."
browser="${SAMLCHECK_CHROMIUM:-chromium}"
command -v "$browser" >/dev/null || { echo "report-screenshot: $browser not found (apt-get install chromium)" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cargo run -q -- tests/fixtures/aws-ic-sp.xml tests/fixtures/entra-idp.xml \
    --at 2026-12-01T00:00:00Z --warn-days 60 --format html > "$tmp/report.html"
"$browser" --headless --disable-gpu --no-sandbox --hide-scrollbars --no-first-run \
    --user-data-dir="$tmp/profile" --window-size=1000,1050 \
    --screenshot="$tmp/report.png" "file://$tmp/report.html" 2>/dev/null
if python3 -c 'import PIL' 2>/dev/null; then
    python3 - "$tmp/report.png" docs/report.png <<'PY'
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
im.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(sys.argv[2], optimize=True)
PY
else
    cp "$tmp/report.png" docs/report.png
fi
ls -l docs/report.png
