#!/usr/bin/env bash
# docs/status-page.png: the status page (`dif serve`) over a small fleet made for it, in
# headless Chromium. Uses the local services (scripts/prepare.sh) with databases and a task
# queue of its own (dif_status_shot), two Demo Ads mocks (one answering at once, one slowly, so
# a run is still running), and four customers: one fresh, one late (loaded only up to
# 2026-10-02), one failing (a wrong API key), one running. Installs Chromium if missing (root).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT="${1:-docs/status-page.png}"
export DIF_ALLOW_LOOPBACK_HTTP=1
export DIF_HOME="${TMPDIR:-/tmp}/dif-status-shot"
export DIF_MYSQL_URL=mysql://root@127.0.0.1:3306/dif_status_shot
export DIF_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/dif_status_shot
export DIF_TASK_QUEUE=dif-status-shot
FAST_PORT="${DIF_SHOT_PORT:-8191}"; SLOW_PORT=$((FAST_PORT + 1)); SERVE_PORT=$((FAST_PORT + 2))
mkdir -p "$DIF_HOME/log"
# demo-ads as shipped, with `freshness: { dueHours: 30 }` so lateness has something to say.
export DIF_VENDORS_DIR="$DIF_HOME/vendors"
mkdir -p "$DIF_VENDORS_DIR/demo-ads"
node -e 'const c = require("./vendors/demo-ads/config.json"); c.streams.campaign_daily.freshness = { dueHours: 30 }; delete c.$schema;
  require("fs").writeFileSync(process.argv[1], JSON.stringify(c, null, 2))' "$DIF_VENDORS_DIR/demo-ads/config.json"

if ! command -v chromium >/dev/null; then
  [[ $(id -u) == 0 ]] || { echo "screenshot: needs Debian's chromium (apt-get install -y chromium)" >&2; exit 1; }
  echo "screenshot: installing chromium" >&2
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends chromium >&2
fi
bash scripts/prepare.sh >&2
npm run --silent build >&2
mysql -uroot -e 'create database if not exists dif_status_shot'
createdb -U postgres dif_status_shot 2>/dev/null || true
dif() { node dist/cli/dif.js "$@"; }
dif db migrate >&2

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 5 # the worker drains; anything still there is stopped hard
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
KEY="shot-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
DEMO_ADS_API_KEY="$KEY" node dist/test/mock-vendor/main.js --port "$FAST_PORT" >>"$DIF_HOME/log/vendor.log" 2>&1 & pids+=($!)
DEMO_ADS_API_KEY="$KEY" node dist/test/mock-vendor/main.js --port "$SLOW_PORT" --delay-ms 120000 >>"$DIF_HOME/log/vendor-slow.log" 2>&1 & pids+=($!)
node dist/workers/main.js >>"$DIF_HOME/log/worker.log" 2>&1 & pids+=($!)

customer() { # id, port, key
  dif customers add "$1" --name "$1" >&2
  dif customers set-vendor "$1" demo-ads --inputs '{"account_id":"act_1001"}' --overrides "{\"baseUrl\":\"http://127.0.0.1:$2\"}" >&2
  printf '%s' "$3" | dif credentials set demo-ads api_key --customer "$1" >&2
}
customer acme-retail "$FAST_PORT" "$KEY"
customer globex "$FAST_PORT" "$KEY"
customer initech "$FAST_PORT" "not-the-key"
customer umbrella-labs "$SLOW_PORT" "$KEY"
yesterday=$(date -u -d yesterday +%F)
dif run demo-ads --customer acme-retail --from "$yesterday" --to "$yesterday" >&2
dif run demo-ads --customer globex --from 2026-10-01 --to 2026-10-02 >&2
dif run demo-ads --customer initech --from "$yesterday" --to "$yesterday" >&2 || true
# node itself in the background (not the dif function), so $! is the process the trap stops.
node dist/cli/dif.js run demo-ads --customer umbrella-labs --from "$yesterday" --to "$yesterday" >/dev/null 2>&1 & pids+=($!)

node dist/cli/dif.js serve --port "$SERVE_PORT" >&2 & pids+=($!)
for _ in $(seq 60); do
  kill -0 "${pids[-1]}" 2>/dev/null || { echo "screenshot: dif serve stopped (port $SERVE_PORT taken? DIF_SHOT_PORT moves it)" >&2; exit 1; }
  curl -fs "http://127.0.0.1:$SERVE_PORT/status.json" | grep -q '"running":\[{' && break
  sleep 1
done
sleep 2
node dist/scripts/screenshot-status.js "http://127.0.0.1:$SERVE_PORT/" "$OUT"
dif cancel "demo-ads/umbrella-labs/campaign_daily/$yesterday..$yesterday" >&2 || true
sleep 3 # the worker records the cancellation before it is stopped
