#!/usr/bin/env bash
# Screenshots a run's report.html with headless Chromium, to check by eye that it renders.
#   Scripts/screenshot-report.sh RUN [OUT.png]   a run folder's report (default RUN/report.png)
#   Scripts/screenshot-report.sh                 the synthetic report the report test writes
#                                                (/tmp/layerwise-report.png)
# Needs Debian's `chromium` package (apt-get install -y chromium). The page height follows the
# report's length so the whole report is in the picture.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v chromium >/dev/null || { echo "error: chromium not found: apt-get install -y chromium" >&2; exit 1; }
if [ $# -ge 1 ] && [ -d "$1" ]; then
    run="$1"
    html="$(cd "$run" && pwd)/report.html"
    [ -s "$html" ] || { echo "error: $run has no report.html: run \`layerwise report $run\`" >&2; exit 1; }
    png="${2:-$run/report.png}"
else
    png="${1:-/tmp/layerwise-report.png}"
    html="$(mktemp -d)/report.html"
    LAYERWISE_REPORT_OUT="$html" swift test --filter "CurveAnalysisTests.ReportTests/reportIsSelfContainedAndWellFormed" >/tmp/screenshot-report-test.log 2>&1 || { cat /tmp/screenshot-report-test.log >&2; exit 1; }
    [ -s "$html" ] || { echo "error: the report test did not write $html" >&2; exit 1; }
fi
# Rough page height: figures and findings dominate; at least one screen.
figures=$(grep -o '<figure' "$html" | wc -l || true)
findings=$(grep -o 'class="finding ' "$html" | wc -l || true)
rows=$(grep -o '<tr>' "$html" | wc -l || true)
height=$(( 1000 + figures * 260 + findings * 170 + rows * 32 ))
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot="$png" \
    --window-size=1360,"$height" "file://$html" 2>/dev/null
echo "report: $html"
echo "screenshot: $png (1360x$height)"
