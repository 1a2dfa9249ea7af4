#!/usr/bin/env bash
# Renders the run report of a synthetic run (the report test writes it) and screenshots it with
# headless Chromium, to check by eye that report.html renders.
#   Scripts/screenshot-report.sh [OUT.png]     (default /tmp/layerwise-report.png)
# Needs Debian's `chromium` package (apt-get install -y chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
png="${1:-/tmp/layerwise-report.png}"
html="$(mktemp -d)/report.html"
command -v chromium >/dev/null || { echo "error: chromium not found: apt-get install -y chromium" >&2; exit 1; }
LAYERWISE_REPORT_OUT="$html" swift test --filter "DiagnosticsTests.ReportTests/reportIsSelfContainedAndWellFormed" >/tmp/screenshot-report-test.log 2>&1 || { cat /tmp/screenshot-report-test.log >&2; exit 1; }
[ -s "$html" ] || { echo "error: the report test did not write $html" >&2; exit 1; }
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot="$png" \
    --window-size=1200,2400 "file://$html" 2>/dev/null
echo "report: $html"
echo "screenshot: $png"
